//! Step two of a launch: make `<root>/codex_home` a CODEX_HOME that keeps the
//! login on the stick. Creates the folder, sweeps temp files a killed write
//! left, puts back a login an interrupted `usbide login` removed, guards the
//! token files with a `.gitignore` (before anything can write a token),
//! enforces the config keys, and strips filtered variables from the `.env`
//! codex would load. Runs under the stick lock.

pub mod config;

/// The `codex_home/config.toml` a new stick starts with (the repository's
/// template, compiled in for `usbide init`).
pub const CONFIG_TEMPLATE: &str = include_str!("../../codex_home/config.toml");

pub mod dotenv;
pub mod gitignore;
pub mod location;
pub mod provider;
pub mod relocate;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::events::hints::Lang;
use crate::fsx;
use crate::launch::envfilter::Policy;
use crate::login::{self, Recovery};
use crate::settings::LoginMethod;

/// What preparing CODEX_HOME did, for the user to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub codex_home: PathBuf,
    pub config: config::Outcome,
    pub gitignore_added: Vec<&'static str>,
    pub dotenv_removed: Vec<String>,
    /// What was found of an interrupted login.
    pub login: Recovery,
    pub warnings: Vec<String>,
}

impl Prepared {
    /// Lines worth telling the user (stderr), none when nothing happened.
    pub fn notes(&self, lang: Lang) -> Vec<String> {
        let config = self.codex_home.join("config.toml");
        let config = config.display();
        let mut notes = Vec::new();
        match (&self.config, lang) {
            (config::Outcome::Created, Lang::En) => notes.push(format!("created {config}")),
            (config::Outcome::Created, Lang::Fr) => notes.push(format!("{config} a été créé")),
            (config::Outcome::Updated { keys, backup }, _) => {
                notes.push(updated_note(&config.to_string(), keys, backup, lang));
            }
            (config::Outcome::ReadOnly(keys), Lang::En) => notes.push(format!(
                "{config} is read-only, so usbide left it as it is; codex gets {} from the command line for this session instead",
                keys.join(", ")
            )),
            (config::Outcome::ReadOnly(keys), Lang::Fr) => notes.push(format!(
                "{config} est en lecture seule : usbide n'y touche pas ; codex reçoit {} par la ligne de commande pour cette session",
                keys.join(", ")
            )),
            (config::Outcome::Unchanged, _) => {}
        }
        if !self.dotenv_removed.is_empty() {
            let names = self.dotenv_removed.join(", ");
            let env = self.codex_home.join(".env");
            notes.push(match lang {
                Lang::En => format!(
                    "removed {names} from {} (codex would load it behind usbide's back)",
                    env.display()
                ),
                Lang::Fr => format!(
                    "{names} retiré de {} (codex le chargerait dans le dos d'usbide)",
                    env.display()
                ),
            });
        }
        if self.login == Recovery::Restored {
            notes.push(login::restored_note(lang).into());
        }
        notes.extend(self.warnings.iter().cloned());
        notes
    }
}

fn updated_note(config: &str, keys: &[&str], backup: &config::Backup, lang: Lang) -> String {
    let keys = keys.join(", ");
    match (backup, lang) {
        (config::Backup::Saved(bak), Lang::En) => format!(
            "updated {config} ({keys}); the previous version is {}",
            bak.display()
        ),
        (config::Backup::Saved(bak), Lang::Fr) => format!(
            "{config} mis à jour ({keys}) ; la version précédente est {}",
            bak.display()
        ),
        (config::Backup::KeptGood(bak), Lang::En) => format!(
            "{config} was empty or cut off (a stick pulled out mid-write?); usbide added {keys} and kept the last good version in {}: copy it back if you did not empty the file yourself",
            bak.display()
        ),
        (config::Backup::KeptGood(bak), Lang::Fr) => format!(
            "{config} était vide ou tronqué (clé retirée pendant une écriture ?) ; usbide a ajouté {keys} et gardé la dernière bonne version dans {} : recopiez-la si vous n'avez pas vidé le fichier vous-même",
            bak.display()
        ),
    }
}

/// Why CODEX_HOME could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("cannot create {path}; is the stick write-protected or full?")]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot update {path}")]
    Gitignore { path: PathBuf, source: io::Error },
    #[error("cannot clean {path}")]
    Dotenv { path: PathBuf, source: io::Error },
    #[error("cannot put back the login an interrupted `usbide login` removed ({path})")]
    Recover { path: PathBuf, source: io::Error },
    /// The stick is mounted read-only; the message says what that means.
    #[error("{message}")]
    WriteProtected { message: String },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

impl HomeError {
    /// Why codex cannot run from a stick mounted read-only, and what works.
    pub fn write_protected(root: &Path, lang: Lang) -> Self {
        let root = root.display();
        let message = match lang {
            Lang::En => format!(
                "the stick {root} is write-protected: its lock switch is on, or this computer's policy \
                 makes USB drives read-only. usbide keeps codex's login and history on the stick, so \
                 here a login could not be saved, a refreshed token would be lost (the stick's login \
                 may then need `usbide login` again) and nothing of the session would be kept. Slide \
                 the switch to unlock, or use a computer that lets you write to USB drives, and run \
                 usbide again. `usbide doctor` and `usbide status` work on a write-protected stick."
            ),
            Lang::Fr => format!(
                "la clé {root} est protégée en écriture : son verrou est engagé, ou la politique de cet \
                 ordinateur met les clés USB en lecture seule. usbide garde la connexion et \
                 l'historique de codex sur la clé : ici une connexion ne serait pas enregistrée, un \
                 jeton renouvelé serait perdu (il faudrait alors refaire `usbide login`) et rien de \
                 la session ne serait gardé. Déverrouillez la clé, ou utilisez un ordinateur qui \
                 permet d'écrire sur les clés USB, puis relancez usbide. `usbide doctor` et \
                 `usbide status` fonctionnent sur une clé protégée en écriture."
            ),
        };
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
    fsx::sweep_temp_files(&login::state_dir(codex_home));
    let recovery = login::recover_interrupted(codex_home).map_err(|source| HomeError::Recover {
        path: login::auth_path(codex_home),
        source,
    })?;
    let mut warnings = Vec::new();
    let gitignore_added = match guard_tokens(codex_home) {
        // The user made it read-only: respected, and said.
        Err(HomeError::Gitignore { path, source }) if fsx::is_read_only_file(&source) => {
            warnings.push(format!(
                "warning: {} is read-only, so usbide did not add the patterns that keep tokens out of git / \
                 {} est en lecture seule : usbide n'y a pas ajouté les motifs qui gardent les jetons hors de git",
                path.display(),
                path.display()
            ));
            Vec::new()
        }
        other => other?,
    };
    let config = config::apply(&codex_home.join("config.toml"), &config::desired(login))?;
    let env_path = codex_home.join(".env");
    let dotenv_removed =
        dotenv::strip(&env_path, |name| policy.classify(name).is_some()).map_err(|source| {
            HomeError::Dotenv {
                path: env_path,
                source,
            }
        })?;
    warnings.extend(git_warning(codex_home));
    Ok(Prepared {
        codex_home: codex_home.into(),
        config,
        gitignore_added,
        dotenv_removed,
        login: recovery,
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
            p.warnings[0].contains("git rm --cached auth.json"),
            "{:?}",
            p.warnings
        );
    }
}
