//! Step two of a launch: make `<root>/codex_home` a CODEX_HOME that keeps the
//! login on the stick. Creates the folder, guards the token files with a
//! `.gitignore` (before anything can write a token), enforces the config
//! keys, and strips filtered variables from the `.env` codex would load.

pub mod config;
pub mod dotenv;
pub mod gitignore;
pub mod location;
pub mod provider;
pub mod relocate;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::fsx;
use crate::launch::envfilter::Policy;
use crate::settings::LoginMethod;

/// What preparing CODEX_HOME did, for the user to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub codex_home: PathBuf,
    pub config: config::Outcome,
    pub gitignore_added: Vec<&'static str>,
    pub dotenv_removed: Vec<String>,
    pub warnings: Vec<String>,
}

impl Prepared {
    /// Lines worth telling the user (stderr), none when nothing happened.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        match &self.config {
            config::Outcome::Created => notes.push(format!(
                "created {}",
                self.codex_home.join("config.toml").display()
            )),
            config::Outcome::Updated(keys) => notes.push(format!(
                "updated {} ({}); the previous version is config.toml.bak",
                self.codex_home.join("config.toml").display(),
                keys.join(", ")
            )),
            config::Outcome::Unchanged => {}
        }
        if !self.dotenv_removed.is_empty() {
            notes.push(format!(
                "removed {} from {} (codex would load it behind usbide's back)",
                self.dotenv_removed.join(", "),
                self.codex_home.join(".env").display()
            ));
        }
        notes.extend(self.warnings.iter().cloned());
        notes
    }
}

/// Why CODEX_HOME could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("cannot create {path}: {source}; is the stick write-protected or full?")]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot update {path}: {source}")]
    Gitignore { path: PathBuf, source: io::Error },
    #[error("cannot clean {path}: {source}")]
    Dotenv { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
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
    let gitignore_added = guard_tokens(codex_home)?;
    let config = config::apply(&codex_home.join("config.toml"), &config::desired(login))?;
    let env_path = codex_home.join(".env");
    let dotenv_removed =
        dotenv::strip(&env_path, |name| policy.classify(name).is_some()).map_err(|source| {
            HomeError::Dotenv {
                path: env_path,
                source,
            }
        })?;
    let warnings = git_warning(codex_home).into_iter().collect();
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
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(HomeError::Gitignore { path, source }),
    };
    let Some((merged, added)) = gitignore::merge(&existing) else {
        return Ok(Vec::new());
    };
    fsx::write_atomic(&path, merged.as_bytes())
        .map_err(|source| HomeError::Gitignore { path, source })?;
    Ok(added)
}

/// When the stick sits inside a git work tree, check that git really ignores
/// `auth.json` there (a tracked file or a parent rule can defeat ours).
fn git_warning(codex_home: &Path) -> Option<String> {
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
    (status.code() == Some(1)).then(|| {
        format!(
            "warning: git does not ignore {} (is it committed?); it holds your login tokens: \
             run `git rm --cached auth.json` there and check the repository's .gitignore",
            codex_home.join("auth.json").display()
        )
    })
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
        assert!(again.notes().is_empty());
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
            p.warnings[0].contains("git rm --cached auth.json"),
            "{:?}",
            p.warnings
        );
    }
}
