//! Step six: the login lives on the stick. Reading `auth.json` without
//! showing a token ([`claims`]), choosing the flow that works on this host
//! ([`method`]), reading codex's device-code prompt ([`device`]), and keeping
//! a copy of `auth.json` while codex logs in: codex deletes it when an
//! attempt starts (openai/codex#46430), so a failed login would log out.

pub mod claims;
pub mod device;
pub mod method;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::settings::LoginMethod;

/// A launch stopped before codex could run into a login problem.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(
        "not logged in on this stick; run `usbide login` (a one-time code works on any computer)"
    )]
    Missing,
    #[error(
        "{why}: codex would delete this login on start. Run `usbide login` to log in with the stick's method, or change it with --login-method"
    )]
    Mismatch { why: String },
}

impl LoginError {
    /// The question a terminal user is asked.
    pub fn question(&self) -> String {
        match self {
            Self::Missing => {
                "this stick has no login yet. Log in now (a one-time code works on any computer)?"
                    .into()
            }
            Self::Mismatch { why } => format!(
                "{why}, and codex would delete that login. Log in again with the stick's method now?"
            ),
        }
    }
}

/// Codex commands that run without a login (and never delete one).
const NO_SESSION: &[&str] = &[
    "login",
    "logout",
    "--version",
    "-V",
    "--help",
    "-h",
    "help",
    "completion",
    "features",
    "mcp",
    "doctor",
    "debug",
    "sandbox",
];

/// Whether codex `args` start a session that uses (and may delete) the login.
pub fn needs_session(args: &[std::ffi::OsString]) -> bool {
    args.first()
        .and_then(|a| a.to_str())
        .is_none_or(|first| !NO_SESSION.contains(&first))
}

/// `codex_home/auth.json`.
pub fn auth_path(codex_home: &Path) -> PathBuf {
    codex_home.join("auth.json")
}

/// usbide's own folder in `codex_home` (ignored by the `.gitignore`).
pub fn state_dir(codex_home: &Path) -> PathBuf {
    codex_home.join(".usbide")
}

/// A copy of `auth.json` taken before a login attempt, on the stick so that
/// it survives usbide being killed mid-login.
#[derive(Debug)]
pub struct AuthBackup {
    auth: PathBuf,
    copy: PathBuf,
    had_auth: bool,
}

impl AuthBackup {
    /// Copy `auth.json` aside (if there is one).
    pub fn take(codex_home: &Path) -> io::Result<Self> {
        let auth = auth_path(codex_home);
        let copy = state_dir(codex_home).join("auth.json.before-login");
        let had_auth = match fs::read(&auth) {
            Ok(bytes) => {
                fs::create_dir_all(state_dir(codex_home))?;
                crate::fsx::write_atomic(&copy, &bytes)?;
                tighten(&copy);
                true
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        Ok(Self {
            auth,
            copy,
            had_auth,
        })
    }

    /// Put the previous login back, byte for byte. Returns whether there was one.
    pub fn restore(&self) -> io::Result<bool> {
        if !self.had_auth {
            return Ok(false);
        }
        let bytes = fs::read(&self.copy)?;
        crate::fsx::write_atomic(&self.auth, &bytes)?;
        tighten(&self.auth);
        let _ = fs::remove_file(&self.copy);
        Ok(true)
    }

    /// The attempt succeeded: drop the copy.
    pub fn discard(self) {
        let _ = fs::remove_file(&self.copy);
    }
}

/// After a crash mid-login: `auth.json` gone, the copy still there. Puts it
/// back and says so (returns whether it did).
pub fn recover_interrupted(codex_home: &Path) -> bool {
    let copy = state_dir(codex_home).join("auth.json.before-login");
    let auth = auth_path(codex_home);
    if auth.exists() || !copy.exists() {
        return false;
    }
    fs::read(&copy)
        .and_then(|bytes| crate::fsx::write_atomic(&auth, &bytes))
        .map(|()| {
            let _ = fs::remove_file(&copy);
        })
        .is_ok()
}

/// Owner-only permissions where the file system has them (not FAT/exFAT).
pub fn tighten(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A stored login that codex would delete on the next run, and why.
pub fn mismatch(
    summary: &claims::Summary,
    forced: LoginMethod,
    workspace: Option<&str>,
) -> Option<String> {
    match (forced, &summary.mode) {
        (LoginMethod::Chatgpt, Some(claims::Mode::ApiKey)) => {
            return Some(
                "the stick's login is an API key, but forced_login_method is \"chatgpt\"".into(),
            );
        }
        (LoginMethod::Api, Some(claims::Mode::Chatgpt)) => {
            return Some("the stick's login is ChatGPT, but forced_login_method is \"api\"".into());
        }
        _ => {}
    }
    let allowed: Vec<&str> = workspace
        .map(|w| w.split(',').map(str::trim).collect())
        .unwrap_or_default();
    match (&summary.mode, summary.account_id.as_deref()) {
        (Some(claims::Mode::Chatgpt), Some(account))
            if !allowed.is_empty() && !allowed.contains(&account) =>
        {
            Some(format!(
                "the stick's login belongs to another workspace than forced_chatgpt_workspace_id ({})",
                crate::events::escape::escape(&allowed.join(", "))
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_attempt_gets_the_login_back_byte_for_byte() {
        let dir = tempfile::tempdir().expect("tempdir");
        let auth = auth_path(dir.path());
        let original = b"{\"auth_mode\":\"chatgpt\",\"tokens\":{}}\n  ";
        fs::write(&auth, original).expect("write");
        let backup = AuthBackup::take(dir.path()).expect("take");
        fs::remove_file(&auth).expect("codex deletes it");
        assert!(backup.restore().expect("restore"));
        assert_eq!(fs::read(&auth).expect("read"), original);
        assert!(
            !state_dir(dir.path())
                .join("auth.json.before-login")
                .exists()
        );
    }

    #[test]
    fn a_crash_mid_login_is_recovered_next_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(auth_path(dir.path()), "{}").expect("write");
        let _backup = AuthBackup::take(dir.path()).expect("take");
        fs::remove_file(auth_path(dir.path())).expect("codex deletes it");
        assert!(recover_interrupted(dir.path()));
        assert_eq!(
            fs::read_to_string(auth_path(dir.path())).expect("read"),
            "{}"
        );
        assert!(!recover_interrupted(dir.path()));
    }

    #[test]
    fn which_codex_commands_need_a_login() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(needs_session(&args(&[])));
        assert!(needs_session(&args(&["exec", "hi"])));
        assert!(needs_session(&args(&["resume"])));
        assert!(!needs_session(&args(&["login", "status"])));
        assert!(!needs_session(&args(&["--version"])));
    }

    #[test]
    fn mismatches_that_codex_would_punish() {
        let chatgpt = claims::Summary {
            mode: Some(claims::Mode::Chatgpt),
            account_id: Some("acc-1".into()),
            ..Default::default()
        };
        let api = claims::Summary {
            mode: Some(claims::Mode::ApiKey),
            ..Default::default()
        };
        assert!(mismatch(&api, LoginMethod::Chatgpt, None).is_some());
        assert!(mismatch(&chatgpt, LoginMethod::Api, None).is_some());
        assert_eq!(mismatch(&chatgpt, LoginMethod::Chatgpt, None), None);
        assert_eq!(mismatch(&api, LoginMethod::None, None), None);
        assert!(mismatch(&chatgpt, LoginMethod::Chatgpt, Some("acc-2")).is_some());
        assert_eq!(
            mismatch(&chatgpt, LoginMethod::Chatgpt, Some("acc-2, acc-1")),
            None
        );
    }
}
