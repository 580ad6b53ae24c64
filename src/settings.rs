//! Settings: the command line and the environment snapshot, resolved once into
//! plain values that the rest of usbide acts on. Unit-tested without a process.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{GlobalArgs, LoginMethodArg};
use crate::environ::Environ;

/// The login method written to `forced_login_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// `forced_login_method = "chatgpt"` (the default).
    Chatgpt,
    /// `forced_login_method = "api"`.
    Api,
    /// No forced method: the key is removed.
    None,
}

impl LoginMethod {
    /// The config value, or `None` when the key must be absent.
    pub fn config_value(self) -> Option<&'static str> {
        match self {
            Self::Chatgpt => Some("chatgpt"),
            Self::Api => Some("api"),
            Self::None => None,
        }
    }

    fn parse(value: &str) -> Result<Self, SettingsError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "chatgpt" => Ok(Self::Chatgpt),
            "api" => Ok(Self::Api),
            "none" => Ok(Self::None),
            _ => Err(SettingsError::LoginMethod(value.to_string())),
        }
    }
}

impl From<LoginMethodArg> for LoginMethod {
    fn from(arg: LoginMethodArg) -> Self {
        match arg {
            LoginMethodArg::Chatgpt => Self::Chatgpt,
            LoginMethodArg::Api => Self::Api,
            LoginMethodArg::None => Self::None,
        }
    }
}

/// Everything usbide decides from flags and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `--root` / `USBIDE_ROOT`.
    pub root: Option<PathBuf>,
    /// `--login-method` / `USBIDE_LOGIN_METHOD`.
    pub login_method: LoginMethod,
    /// `USBIDE_CODEX_ALLOW_API_KEY`.
    pub allow_api_key: bool,
    /// `USBIDE_CODEX_ALLOW_CUSTOM_BASE`.
    pub allow_custom_base: bool,
    /// `USBIDE_CODEX_KEEP`: extra `CODEX_*` names to pass through.
    pub keep_codex_vars: Vec<String>,
    /// `USBIDE_PAYLOAD_DIR`: payload folder other than `<root>/payload`.
    pub payload_dir: Option<PathBuf>,
    /// `USBIDE_GITHUB_API`: GitHub API base for release downloads.
    pub github_api: String,
    /// `npm_config_registry`: registry for `payload install` when set.
    pub npm_registry: Option<String>,
    /// `USBIDE_LOCK_WAIT_MS`: how long a second usbide waits for the stick.
    pub lock_wait: Duration,
    /// `--yes` / `USBIDE_YES`.
    pub assume_yes: bool,
    /// `--verbose` / `USBIDE_VERBOSE`: pass RUST_BACKTRACE on to codex.
    pub verbose: bool,
}

/// The default GitHub API base.
pub const GITHUB_API: &str = "https://api.github.com";

/// Settings that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    LoginMethod(String),
    #[error("{}", self.message(crate::messages::Lang::En))]
    LockWait(String),
}

impl Settings {
    /// Resolve flags first, then variables, then defaults.
    pub fn resolve(global: &GlobalArgs, env: &Environ) -> Result<Self, SettingsError> {
        let login_method = match (global.login_method, env.get_str("USBIDE_LOGIN_METHOD")) {
            (Some(arg), _) => arg.into(),
            (None, Some(value)) => LoginMethod::parse(&value)?,
            (None, None) => LoginMethod::Chatgpt,
        };
        let lock_wait = match env.get_str("USBIDE_LOCK_WAIT_MS") {
            Some(v) => crate::environ::clamp_wait(
                v.trim()
                    .parse()
                    .map_err(|_| SettingsError::LockWait(v.clone()))?,
                Duration::from_millis(1),
            ),
            None => Duration::from_secs(3),
        };
        Ok(Self {
            root: global
                .root
                .clone()
                .or_else(|| env.get_str("USBIDE_ROOT").map(PathBuf::from)),
            login_method,
            allow_api_key: env.truthy("USBIDE_CODEX_ALLOW_API_KEY"),
            allow_custom_base: env.truthy("USBIDE_CODEX_ALLOW_CUSTOM_BASE"),
            keep_codex_vars: env
                .get_str("USBIDE_CODEX_KEEP")
                .map(|v| split_list(&v))
                .unwrap_or_default(),
            payload_dir: env.get_str("USBIDE_PAYLOAD_DIR").map(PathBuf::from),
            github_api: env
                .get_str("USBIDE_GITHUB_API")
                .unwrap_or_else(|| GITHUB_API.to_string()),
            npm_registry: env.get_str("npm_config_registry"),
            lock_wait,
            assume_yes: global.yes || env.truthy("USBIDE_YES"),
            verbose: global.verbose || env.truthy("USBIDE_VERBOSE"),
        })
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(args: GlobalArgs, pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::resolve(&args, &Environ::from_pairs(pairs, false))
    }

    #[test]
    fn defaults() {
        let s = resolve(GlobalArgs::default(), &[]).expect("settings");
        assert_eq!(s.login_method, LoginMethod::Chatgpt);
        assert_eq!(s.root, None);
        assert!(!s.allow_api_key && !s.allow_custom_base && !s.assume_yes);
        assert_eq!(s.github_api, GITHUB_API);
        assert_eq!(s.lock_wait, Duration::from_secs(3));
    }

    #[test]
    fn flags_win_over_variables() {
        let args = GlobalArgs {
            root: Some("/flag".into()),
            login_method: Some(LoginMethodArg::Api),
            yes: false,
            verbose: false,
        };
        let s = resolve(
            args,
            &[("USBIDE_ROOT", "/env"), ("USBIDE_LOGIN_METHOD", "none")],
        )
        .expect("settings");
        assert_eq!(s.root, Some(PathBuf::from("/flag")));
        assert_eq!(s.login_method, LoginMethod::Api);
    }

    #[test]
    fn variables_fill_in() {
        let s = resolve(
            GlobalArgs::default(),
            &[
                ("USBIDE_ROOT", "/env"),
                ("USBIDE_LOGIN_METHOD", "NONE"),
                ("USBIDE_CODEX_ALLOW_API_KEY", "Yes"),
                ("USBIDE_CODEX_ALLOW_CUSTOM_BASE", "0"),
                ("USBIDE_CODEX_KEEP", "CODEX_A, CODEX_B"),
                ("USBIDE_LOCK_WAIT_MS", "250"),
            ],
        )
        .expect("settings");
        assert_eq!(s.root, Some(PathBuf::from("/env")));
        assert_eq!(s.login_method, LoginMethod::None);
        assert!(s.allow_api_key);
        assert!(!s.allow_custom_base);
        assert_eq!(s.keep_codex_vars, ["CODEX_A", "CODEX_B"]);
        assert_eq!(s.lock_wait, Duration::from_millis(250));
    }

    #[test]
    fn bad_values_are_named() {
        let err = resolve(GlobalArgs::default(), &[("USBIDE_LOGIN_METHOD", "sso")]);
        assert_eq!(err, Err(SettingsError::LoginMethod("sso".into())));
        let err = resolve(GlobalArgs::default(), &[("USBIDE_LOCK_WAIT_MS", "soon")]);
        assert_eq!(err, Err(SettingsError::LockWait("soon".into())));
    }
}
