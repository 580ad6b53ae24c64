//! The login lives on the stick. Reading `auth.json` without
//! showing a token ([`claims`]), choosing the flow that works on this host
//! ([`method`]), reading codex's device-code prompt ([`device`]), and keeping
//! a copy of `auth.json` while codex logs in: codex deletes it when an
//! attempt starts (openai/codex#46430), so a failed login would log out.
//! The copy goes back on failure, on SIGHUP/SIGTERM, and (after a SIGKILL)
//! at the start of the next command; logout removes it.

pub mod claims;
pub mod device;
pub mod method;

use crate::messages::UserError as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsx;
use crate::messages::Lang;
use crate::settings::LoginMethod;

/// A launch stopped before codex could run into a login problem.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// No login; `api_key`: the stick logs in with an API key.
    #[error("{}", self.message(crate::messages::Lang::En))]
    Missing { api_key: bool },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Mismatch { why: String },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Failed,
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

/// Whether a codex call only reads: `--version`, `--help` (before any
/// `--`: after it they are a prompt's or a server's), `help`, `login
/// status`. It may answer beside a running session.
pub fn reads_only(args: &[std::ffi::OsString]) -> bool {
    let words: Vec<&str> = args
        .iter()
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .collect();
    words
        .iter()
        .any(|w| matches!(*w, "--version" | "-V" | "--help" | "-h"))
        || matches!(words.as_slice(), ["help", ..] | ["login", "status"])
}

/// codex's options that take a value (`-c key=value`, `-m MODEL`...).
const CODEX_WITH_VALUE: &[&str] = &[
    "-c",
    "--config",
    "-m",
    "--model",
    "-p",
    "--profile",
    "-C",
    "--cd",
    "-s",
    "--sandbox",
    "-a",
    "--ask-for-approval",
    "-i",
    "--image",
    "--add-dir",
    "--enable",
    "--disable",
    "--local-provider",
];

/// Whether codex `args` start a session that uses (and may delete) the
/// login: past codex's options, the first word is not one of the commands
/// that run without one (and no `--help` / `--version` comes first).
pub fn needs_session(args: &[std::ffi::OsString]) -> bool {
    let help = args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| ["--help", "-h", "--version", "-V"].contains(&&*a.to_string_lossy()));
    if help {
        return false;
    }
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = words.next() {
        if NO_SESSION.contains(&&*arg) {
            return false;
        }
        if CODEX_WITH_VALUE.contains(&&*arg) {
            words.next();
        } else if !arg.starts_with('-') {
            return true;
        }
    }
    true
}

/// `codex_home/auth.json`.
pub fn auth_path(codex_home: &Path) -> PathBuf {
    codex_home.join("auth.json")
}

pub use crate::stick::state_dir;

/// A copy of `auth.json` taken before a login attempt, on the stick so that
/// it survives usbide being killed mid-login. The copy is owner-only and
/// carries the original's mode, which a restore gives back.
#[derive(Debug)]
pub struct AuthBackup {
    auth: PathBuf,
    copy: PathBuf,
    had_auth: bool,
}

/// Where [`AuthBackup`] keeps its copy.
pub fn backup_path(codex_home: &Path) -> PathBuf {
    state_dir(codex_home).join("auth.json.before-login")
}

impl AuthBackup {
    /// Copy `auth.json` aside (if there is one).
    pub fn take(codex_home: &Path) -> io::Result<Self> {
        let auth = auth_path(codex_home);
        let copy = backup_path(codex_home);
        let had_auth = match fs::read(&auth) {
            Ok(bytes) => {
                fs::create_dir_all(state_dir(codex_home))?;
                fsx::write_private_like(&copy, &bytes, &auth)?;
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

    /// Put the previous login back, byte for byte and with its mode.
    /// Returns whether there was one.
    pub fn restore(&self) -> io::Result<bool> {
        if !self.had_auth {
            return Ok(false);
        }
        put_back(&self.copy, &self.auth)?;
        Ok(true)
    }

    /// The attempt succeeded: drop the copy.
    pub fn discard(self) {
        let _ = fs::remove_file(&self.copy);
    }
}

/// Copy `copy` over `auth` (owner-only, the copy's mode), then remove it.
fn put_back(copy: &Path, auth: &Path) -> io::Result<()> {
    let bytes = fs::read(copy)?;
    fsx::write_private_like(auth, &bytes, copy)?;
    fs::remove_file(copy)
}

/// What [`recover_interrupted`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Nothing was left over.
    Nothing,
    /// A login attempt was interrupted after codex removed `auth.json`: the
    /// previous login is back.
    Restored,
    /// A login completed but usbide was stopped before it dropped its copy
    /// of the previous login: the copy is gone now.
    StaleCopyRemoved,
}

/// After usbide was killed mid-login: put the previous `auth.json` back (with
/// its mode) if codex had removed it; drop the copy if a new login landed.
/// Call with the stick lock held, so that no login is in progress.
pub fn recover_interrupted(codex_home: &Path) -> io::Result<Recovery> {
    let copy = backup_path(codex_home);
    let auth = auth_path(codex_home);
    if !copy.exists() {
        return Ok(Recovery::Nothing);
    }
    if auth.exists() {
        fs::remove_file(&copy)?;
        return Ok(Recovery::StaleCopyRemoved);
    }
    put_back(&copy, &auth)?;
    Ok(Recovery::Restored)
}

/// Put back a login an interrupted attempt removed, if the stick lock is free
/// right now (a login in progress holds it) and the stick is writable; the
/// note to show when it did. For commands that otherwise only read.
pub fn recover_if_idle(codex_home: &Path, lang: Lang) -> Option<String> {
    if !backup_path(codex_home).exists() {
        return None;
    }
    let _lock = crate::lock::StickLock::acquire(codex_home, std::time::Duration::ZERO).ok()?;
    match recover_interrupted(codex_home) {
        Ok(Recovery::Restored) => Some(restored_note(lang).to_string()),
        _ => None,
    }
}

/// What to say when an interrupted login was put back.
pub fn restored_note(lang: Lang) -> &'static str {
    crate::messages::text(lang).login_restored
}

/// Remove every copy of the login usbide made (logout). Returns them.
pub fn remove_copies(codex_home: &Path) -> Vec<PathBuf> {
    [backup_path(codex_home)]
        .into_iter()
        .filter(|p| fs::remove_file(p).is_ok())
        .collect()
}

/// While alive, SIGHUP (the terminal was closed) and SIGTERM put back the
/// login an attempt removed before usbide ends with that signal; codex's
/// login child dies with usbide (`platform::tie_to_parent`). SIGKILL cannot
/// be caught: the next usbide command puts the login back instead
/// ([`recover_interrupted`]). Unix only; a no-op elsewhere.
#[derive(Debug)]
pub struct RestoreOnSignal(());

#[cfg(unix)]
static ARMED: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

impl RestoreOnSignal {
    /// Arm for the login of `codex_home`.
    pub fn arm(codex_home: &Path) -> Self {
        #[cfg(unix)]
        {
            static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
            if *INSTALLED.get_or_init(install_signal_thread) {
                *ARMED.lock().unwrap_or_else(|e| e.into_inner()) = Some(codex_home.into());
            }
        }
        #[cfg(not(unix))]
        let _ = codex_home;
        Self(())
    }
}

impl Drop for RestoreOnSignal {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            *ARMED.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }
}

/// A thread that, on SIGHUP or SIGTERM, puts back an armed login and then
/// ends usbide the way the signal would have.
#[cfg(unix)]
fn install_signal_thread() -> bool {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM]) else {
        return false;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let armed = ARMED.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(home) = armed {
                let _ = recover_interrupted(&home);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
    true
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
    mismatch_in(summary, forced, workspace, Lang::En)
}

/// [`mismatch`], said in `lang`.
pub fn mismatch_in(
    summary: &claims::Summary,
    forced: LoginMethod,
    workspace: Option<&str>,
    lang: Lang,
) -> Option<String> {
    let t = crate::messages::text(lang);
    match (forced, &summary.mode) {
        (LoginMethod::Chatgpt, Some(claims::Mode::ApiKey)) => {
            return Some(t.mismatch_api_key.into());
        }
        (LoginMethod::Api, Some(claims::Mode::Chatgpt)) => {
            return Some(t.mismatch_chatgpt.into());
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
            let allowed = allowed.join(", ");
            let allowed = crate::escape::escape(&allowed);
            Some(crate::messages::fill(
                t.mismatch_workspace,
                &[("allowed", &allowed)],
            ))
        }
        _ => None,
    }
}

impl crate::messages::UserError for LoginError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Missing { api_key: false } => t.login_error_missing.to_string(),
            Self::Missing { api_key: true } => t.login_error_missing_api.to_string(),
            Self::Mismatch { why } => {
                crate::messages::fill(t.login_error_mismatch, &[("why", why)])
            }
            Self::Failed => t.login_error_failed.to_string(),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::LOGIN
    }
}

impl LoginError {
    /// The question a terminal user is asked, in `lang`.
    pub fn question_in(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Missing { api_key: false } => t.login_ask_missing.to_string(),
            Self::Missing { api_key: true } => t.login_ask_missing_api.to_string(),
            Self::Mismatch { why } => crate::messages::fill(t.login_ask_mismatch, &[("why", why)]),
            Self::Failed => t.login_ask_failed.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_that_read_answer_beside_a_session() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        for reads in [
            &["--version"][..],
            &["login", "status"],
            &["exec", "--help"],
            &["help"],
        ] {
            assert!(reads_only(&args(reads)), "{reads:?}");
        }
        // After `--`, `-h` is a prompt or a server's own option.
        for writes in [
            &["exec", "--", "-h"][..],
            &["mcp", "add", "docs", "--", "srv", "--help"],
            &["login"],
            &["exec", "hi"],
        ] {
            assert!(!reads_only(&args(writes)), "{writes:?}");
        }
    }

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
        assert_eq!(
            recover_interrupted(dir.path()).expect("recover"),
            Recovery::Restored
        );
        assert_eq!(
            fs::read_to_string(auth_path(dir.path())).expect("read"),
            "{}"
        );
        assert_eq!(
            recover_interrupted(dir.path()).expect("again"),
            Recovery::Nothing
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_restored_login_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let dir = tempfile::tempdir().expect("tempdir");
        let auth = auth_path(dir.path());
        fs::write(&auth, "{}").expect("write");
        fs::set_permissions(&auth, fs::Permissions::from_mode(0o640)).expect("chmod");
        let _backup = AuthBackup::take(dir.path()).expect("take");
        assert_eq!(mode(&backup_path(dir.path())), 0o600);
        fs::remove_file(&auth).expect("codex deletes it");
        recover_interrupted(dir.path()).expect("recover");
        assert_eq!(mode(&auth), 0o600);
    }

    #[test]
    fn a_copy_left_after_a_completed_login_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(auth_path(dir.path()), "old").expect("write");
        let _backup = AuthBackup::take(dir.path()).expect("take");
        fs::write(auth_path(dir.path()), "new").expect("codex logs in");
        assert_eq!(
            recover_interrupted(dir.path()).expect("recover"),
            Recovery::StaleCopyRemoved
        );
        assert_eq!(
            fs::read_to_string(auth_path(dir.path())).expect("read"),
            "new"
        );
        assert!(!backup_path(dir.path()).exists());
    }

    #[test]
    fn which_codex_commands_need_a_login() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(needs_session(&args(&[])));
        assert!(needs_session(&args(&["exec", "hi"])));
        assert!(needs_session(&args(&["resume"])));
        assert!(!needs_session(&args(&["login", "status"])));
        assert!(!needs_session(&args(&["--version"])));
        // Past codex's options and their values.
        assert!(!needs_session(&args(&[
            "-c",
            "model=\"o3\"",
            "login",
            "status"
        ])));
        assert!(needs_session(&args(&["-m", "login", "fix the login page"])));
        assert!(needs_session(&args(&["--search", "fix it"])));
        assert!(!needs_session(&args(&["resume", "--help"])));
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
