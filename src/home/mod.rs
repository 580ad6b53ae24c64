//! Make `<root>/codex_home` a CODEX_HOME that keeps the login on the stick.
//! Creates the folder, sweeps temp files a killed write left, guards the
//! token files with a `.gitignore` (before anything can write a token),
//! enforces the config keys, and strips filtered variables from the `.env`
//! codex would load. Runs under the stick lock.

pub mod config;

/// The `codex_home/config.toml` a new stick starts with (the repository's
/// template, compiled in for `usbide init`).
pub const CONFIG_TEMPLATE: &str = include_str!("../../codex_home/config.toml");

pub mod dotenv;
pub mod envpolicy;
pub mod gitignore;
pub mod location;
pub mod provider;
pub mod relocate;

use crate::messages::UserError as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::fsx;
use crate::messages::Lang;
use crate::messages::fill;
use config::LoginMethod;
use envpolicy::Policy;

/// What preparing CODEX_HOME did, for the user to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub codex_home: PathBuf,
    pub config: config::Outcome,
    pub gitignore_added: Vec<&'static str>,
    pub dotenv_removed: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Something wrong with the stick that does not stop codex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// `.gitignore` is read-only: its patterns were not added.
    GitignoreReadOnly(PathBuf),
    /// git does not ignore this `auth.json`.
    GitTracksAuth(PathBuf),
}

impl Warning {
    /// The warning in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        let t = crate::messages::text(lang);
        let (template, path) = match self {
            Self::GitignoreReadOnly(p) => (t.home_gitignore_read_only, p),
            Self::GitTracksAuth(p) => (t.home_git_tracks_auth, p),
        };
        crate::messages::fill(template, &[("path", &path.display().to_string())])
    }
}

impl Prepared {
    /// Lines worth telling the user (stderr), none when nothing happened.
    pub fn notes(&self, lang: Lang) -> Vec<String> {
        let t = crate::messages::text(lang);
        let config = self.codex_home.join("config.toml");
        let config = config.display().to_string();
        let mut notes = Vec::new();
        match &self.config {
            config::Outcome::Created => {
                notes.push(fill(t.home_config_created, &[("config", &config)]));
            }
            config::Outcome::Updated { keys, backup } => {
                notes.push(updated_note(&config, keys, backup, lang));
            }
            config::Outcome::ReadOnly(keys) => notes.push(fill(
                t.home_config_read_only,
                &[("config", &config), ("keys", &keys.join(", "))],
            )),
            config::Outcome::Unchanged => {}
        }
        if !self.dotenv_removed.is_empty() {
            let env = self.codex_home.join(".env");
            notes.push(fill(
                t.home_dotenv_removed,
                &[
                    ("names", &self.dotenv_removed.join(", ")),
                    ("path", &env.display().to_string()),
                    (
                        "kept",
                        &dotenv::removed_path(&self.codex_home).display().to_string(),
                    ),
                ],
            ));
        }
        notes.extend(self.warnings.iter().map(|w| w.say(lang)));
        notes
    }
}

fn updated_note(config: &str, keys: &[&str], backup: &config::Backup, lang: Lang) -> String {
    let t = crate::messages::text(lang);
    let (template, bak) = match backup {
        config::Backup::Saved(bak) => (t.home_config_updated, bak),
        config::Backup::KeptGood(bak) => (t.home_config_kept_good, bak),
    };
    fill(
        template,
        &[
            ("config", config),
            ("keys", &keys.join(", ")),
            ("backup", &bak.display().to_string()),
        ],
    )
}

/// Why CODEX_HOME could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Create { path: PathBuf, source: io::Error },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Gitignore { path: PathBuf, source: io::Error },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Dotenv { path: PathBuf, source: io::Error },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Recover { path: PathBuf, source: io::Error },
    /// The stick is mounted read-only; the message says what that means.
    #[error("{}", self.message(crate::messages::Lang::En))]
    WriteProtected { message: String },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

impl HomeError {
    /// Why codex cannot run from a stick mounted read-only, and what works.
    pub fn write_protected(root: &Path, lang: Lang) -> Self {
        let message = crate::messages::fill(
            crate::messages::text(lang).home_write_protected,
            &[("root", &root.display().to_string())],
        );
        Self::WriteProtected { message }
    }
}

/// Prepare `codex_home` for `login` under `policy`.
pub fn prepare(
    codex_home: &Path,
    login: LoginMethod,
    policy: &Policy,
) -> Result<Prepared, HomeError> {
    fs::create_dir_all(codex_home).map_err(|source| HomeError::Create {
        path: codex_home.into(),
        source,
    })?;
    fsx::sweep_temp_files(codex_home);
    fsx::sweep_temp_files(&crate::stick::state_dir(codex_home));
    let mut warnings = Vec::new();
    let gitignore_added = match guard_tokens(codex_home) {
        // The user made it read-only: respected, and said.
        Err(HomeError::Gitignore { path, source }) if fsx::is_read_only_file(&source) => {
            warnings.push(Warning::GitignoreReadOnly(path));
            Vec::new()
        }
        other => other?,
    };
    let config = config::apply(&codex_home.join("config.toml"), &config::desired(login))?;
    let dotenv_removed = dotenv::strip(codex_home, |name| policy.classify(name).is_some())
        .map_err(|source| HomeError::Dotenv {
            path: codex_home.join(".env"),
            source,
        })?;
    warnings.extend(git_warning(codex_home));
    Ok(Prepared {
        codex_home: codex_home.into(),
        config,
        gitignore_added,
        dotenv_removed,
        warnings,
    })
}

fn guard_tokens(codex_home: &Path) -> Result<Vec<&'static str>, HomeError> {
    let path = codex_home.join(".gitignore");
    let existing = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(HomeError::Gitignore { path, source }),
    };
    let Some((merged, added)) = gitignore::merge(&existing) else {
        return Ok(Vec::new());
    };
    fsx::write_atomic(&path, &merged).map_err(|source| HomeError::Gitignore { path, source })?;
    Ok(added)
}

/// When the stick sits inside a git work tree, check that git really ignores
/// `auth.json` there (a tracked file or a parent rule can defeat ours).
fn git_warning(codex_home: &Path) -> Option<Warning> {
    codex_home.ancestors().find(|d| d.join(".git").exists())?;
    let status = Command::new("git")
        .arg("-C")
        .arg(codex_home)
        .args(["check-ignore", "-q", "auth.json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    (status.code() == Some(1)).then(|| Warning::GitTracksAuth(codex_home.join("auth.json")))
}

impl crate::messages::UserError for HomeError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        let one = |template, p: &std::path::Path| {
            crate::messages::fill(template, &[("path", &crate::messages::shown_path(p))])
        };
        match self {
            Self::Create { path: p, .. } => one(t.home_create, p),
            Self::Gitignore { path: p, .. } => one(t.home_update, p),
            Self::Dotenv { path: p, .. } => one(t.home_clean, p),
            Self::Recover { path: p, .. } => one(t.home_recover, p),
            Self::WriteProtected { message } => message.clone(),
            Self::Config(e) => e.message(lang),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::HOME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            allow_api_key: false,
            allow_custom_base: false,
            keep: vec![],
            verbose: false,
        }
    }

    #[test]
    fn a_blank_home_is_created_and_guarded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("codex_home");
        let p = prepare(&home, LoginMethod::Chatgpt, &policy()).expect("prepare");
        assert_eq!(p.config, config::Outcome::Created);
        let gi = fs::read_to_string(home.join(".gitignore")).expect("gitignore");
        assert!(gi.lines().any(|l| l == "auth.json"));
        let again = prepare(&home, LoginMethod::Chatgpt, &policy()).expect("again");
        assert_eq!(again.config, config::Outcome::Unchanged);
        assert!(again.gitignore_added.is_empty());
        assert!(again.notes(Lang::En).is_empty());
    }

    #[test]
    fn git_sees_auth_json_ignored_in_a_work_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ok = Command::new("git")
            .arg("init")
            .arg("-q")
            .arg(dir.path())
            .status();
        if !ok.is_ok_and(|s| s.success()) {
            return; // no git on this host: nothing to check
        }
        let home = dir.path().join("codex_home");
        let p = prepare(&home, LoginMethod::Chatgpt, &policy()).expect("prepare");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        // A parent rule that re-includes it defeats nothing: ours is deeper.
        fs::write(home.join(".gitignore"), "!auth.json\n").expect("write");
        let p = prepare(&home, LoginMethod::Chatgpt, &policy()).expect("prepare");
        assert!(p.gitignore_added.contains(&"auth.json"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn a_committed_auth_json_is_warned_about() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .output()
        };
        if !git(&["init", "-q"]).is_ok_and(|o| o.status.success()) {
            return; // no git on this host: nothing to check
        }
        let home = dir.path().join("codex_home");
        fs::create_dir_all(&home).expect("home");
        fs::write(home.join("auth.json"), "{}").expect("auth");
        let added = git(&["add", "-f", "codex_home/auth.json"]).expect("git add");
        assert!(added.status.success(), "{added:?}");
        let p = prepare(&home, LoginMethod::Chatgpt, &policy()).expect("prepare");
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(
            p.warnings[0]
                .say(Lang::En)
                .contains("git rm --cached auth.json"),
            "{:?}",
            p.warnings
        );
    }
}
