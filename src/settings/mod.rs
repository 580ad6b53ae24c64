//! Settings: the command line, the environment snapshot and the stick's
//! `usbide.toml` ([`file`]), resolved once into plain values that the rest of
//! usbide acts on, each with where it came from (flag > environment > stick
//! file > default). Unit-tested without a process.

pub mod file;

use crate::messages::UserError as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{GlobalArgs, LoginMethodArg};
use crate::environ::Environ;
use crate::messages::Lang;

pub use file::StickFile;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Flag,
    Environment,
    StickFile,
    Default,
}

/// One setting as `usbide config` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    pub key: &'static str,
    /// The value in force (`None`: unset).
    pub value: Option<String>,
    pub source: Source,
    /// The flag or variable that can set it.
    pub set_by: &'static str,
}

pub use crate::home::config::LoginMethod;

/// `chatgpt`, `api` or `none` ([`LoginMethod::parse`]), as a settings error.
fn parse_login_method(value: &str) -> Result<LoginMethod, SettingsError> {
    LoginMethod::parse(value).ok_or_else(|| SettingsError::LoginMethod(value.to_string()))
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
    /// `--login-method` / `USBIDE_LOGIN_METHOD`: the method in force for
    /// this run (passed to codex as `-c forced_login_method=...`).
    pub login_method: LoginMethod,
    /// The method the stick itself records (`usbide.toml`, else the
    /// default), which `config.toml` keeps: a one-off flag or variable is
    /// never written there.
    pub stick_login_method: LoginMethod,
    /// `login_method` as `usbide.toml` holds it (`None`: not set there).
    pub stick_file_login_method: Option<String>,
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
    /// `USBIDE_LANG` / `language`: `None` follows the computer's locale.
    pub language: Option<Lang>,
    /// `USBIDE_PREFLIGHT` / `preflight`.
    pub preflight: Preflight,
    /// `USBIDE_UPDATE_CHANNEL` / `update_channel`.
    pub update_channel: Channel,
    /// `USBIDE_DOCTOR_ENDPOINTS`: the URLs the network checks probe instead
    /// of codex's own (mirrors, tests).
    pub doctor_endpoints: Option<Vec<String>>,
    /// `USBIDE_DOCTOR_TIMEOUT_MS`: the network checks' deadline.
    pub doctor_timeout: Duration,
    /// `USBIDE_DOWNLOAD_*`, `USBIDE_UNPACK_MAX_BYTES`: how long and how much
    /// one download may take.
    pub downloads: Downloads,
    /// `USBIDE_EXEC_IDLE_SECS`: how long `usbide exec` lets codex say
    /// nothing while nothing runs (zero: forever).
    pub exec_idle: Duration,
    /// `USBIDE_LOGIN_ISSUER`: the auth issuer of `usbide login`.
    pub login_issuer: Option<String>,
    /// `USBIDE_LOGIN_TIMEOUT_SECS`: how long a one-time code is waited for.
    pub login_timeout: Duration,
    /// `USBIDE_QR`: draw the QR code even when stdout is not a terminal.
    pub qr: bool,
    /// `USBIDE_READ_ONLY_STICK`: what a session on a write-protected stick does.
    pub read_only_stick: ReadOnlyStick,
    /// Where each stick-file setting came from (for `usbide config`).
    pub origins: Vec<Origin>,
    /// `--color`.
    pub color: crate::cli::ColorArg,
    /// `USBIDE_UPDATE_CHECK` / `update_check`: the daily look for a newer usbide.
    pub update_check: bool,
    /// This computer's id on the stick ([`host_id`]).
    pub host: Option<String>,
    /// `USBIDE_WINDOWS_SANDBOX` / `windows_sandbox` (this computer's line).
    pub windows_sandbox: SandboxChoice,
}

/// Which checks a launch runs before codex starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preflight {
    /// The local checks, and the network ones when none is fresh.
    Auto,
    /// The local checks only.
    Local,
    /// None.
    Off,
}

/// Codex's Windows sandbox on this computer, as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxChoice {
    /// Not chosen yet: asked once where the elevated sandbox is possible.
    Ask,
    /// The elevated sandbox (it creates local accounts on the computer).
    Elevated,
    /// The unelevated sandbox (it leaves nothing lasting).
    Unelevated,
}

impl SandboxChoice {
    /// The value as `usbide.toml` and `usbide config` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ask => "ask",
            Self::Elevated => "elevated",
            Self::Unelevated => "unelevated",
        }
    }

    fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "elevated" => Self::Elevated,
            "unelevated" => Self::Unelevated,
            _ => Self::Ask,
        }
    }
}

/// This computer's id on the stick: a hash of its own id (Windows'
/// `MachineGuid`, `/etc/machine-id`), so that the stick never carries the
/// computer's id itself; the same across reboots, drive letters and
/// renames. The computer's name stands in when it has no id.
pub fn host_id(machine_id: Option<&str>, env: &Environ) -> Option<String> {
    use sha2::Digest;
    let seed = machine_id
        .map(|id| format!("id:{}", id.trim().to_ascii_lowercase()))
        .or_else(|| {
            env.get_str("COMPUTERNAME")
                .or_else(|| env.get_str("HOSTNAME"))
                .map(|n| format!("name:{}", n.trim().to_ascii_lowercase()))
        })?;
    let digest = sha2::Sha256::digest(format!("usbide-host\0{seed}").as_bytes());
    Some(hex::encode(&digest[..8]))
}

/// Which releases `usbide update` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stable,
    Beta,
}

/// What a session on a write-protected stick does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnlyStick {
    /// Ask on a terminal whether to run on a private copy.
    Ask,
    /// Run on a private copy in the temporary folder.
    Private,
    /// Stop and say why.
    Stop,
}

/// How long and how much one download may take. Defaults suit a slow hotel
/// Wi-Fi; tests shorten them through the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Downloads {
    /// Give up when no byte arrived for this long.
    pub stall: Duration,
    /// Give up after this long in all.
    pub overall: Duration,
    /// Never write more than this to the stick (a size the server announced
    /// is a tighter cap).
    pub max_bytes: u64,
    /// Never unpack more than this (`None`: a multiple of the archive's size).
    pub unpack_max: Option<u64>,
}

impl Downloads {
    /// From the environment (any number is taken: durations are kept
    /// between a second and a week, so `now + overall` never overflows).
    fn from_env(env: &Environ) -> Self {
        const WEEK: u64 = 7 * 24 * 60 * 60;
        let number = |name: &str| env.get_str(name).and_then(|v| v.trim().parse::<u64>().ok());
        let secs = |name: &str, default: u64| {
            Duration::from_secs(number(name).unwrap_or(default).clamp(1, WEEK))
        };
        Self {
            stall: secs("USBIDE_DOWNLOAD_STALL_SECS", 60),
            overall: secs("USBIDE_DOWNLOAD_MAX_SECS", 2 * 60 * 60),
            max_bytes: number("USBIDE_DOWNLOAD_MAX_BYTES").unwrap_or(1 << 30),
            unpack_max: number("USBIDE_UNPACK_MAX_BYTES"),
        }
    }
}

impl Default for Downloads {
    fn default() -> Self {
        Self::from_env(&Environ::new(Vec::new(), false))
    }
}

/// A setting only a variable sets (the README's list), as it is in force.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Variable {
    pub name: &'static str,
    /// The value in force (`None`: not set and no default value).
    pub value: Option<String>,
    /// `environment` when the variable is set, else `default`.
    pub source: Source,
}

impl Settings {
    /// The settings only a variable sets, each with the value in force:
    /// `usbide config` lists them after the stick's own. URLs are shown
    /// without their passwords.
    pub fn variables(&self, env: &Environ) -> Vec<Variable> {
        let secs = |d: Duration| d.as_secs().to_string();
        let on = |b: bool| if b { "on" } else { "off" }.to_string();
        let url = |u: &str| crate::redact::url_password(u);
        let list: Vec<(&'static str, Option<String>)> = vec![
            (
                "USBIDE_ROOT",
                self.root.as_ref().map(|p| p.display().to_string()),
            ),
            (
                "USBIDE_PAYLOAD_DIR",
                self.payload_dir.as_ref().map(|p| p.display().to_string()),
            ),
            ("USBIDE_CODEX_ALLOW_API_KEY", Some(on(self.allow_api_key))),
            (
                "USBIDE_CODEX_ALLOW_CUSTOM_BASE",
                Some(on(self.allow_custom_base)),
            ),
            (
                "USBIDE_CODEX_KEEP",
                (!self.keep_codex_vars.is_empty()).then(|| self.keep_codex_vars.join(",")),
            ),
            (
                "USBIDE_DOCTOR_ENDPOINTS",
                self.doctor_endpoints
                    .as_ref()
                    .map(|l| l.iter().map(|u| url(u)).collect::<Vec<_>>().join(",")),
            ),
            (
                "USBIDE_DOCTOR_TIMEOUT_MS",
                Some(self.doctor_timeout.as_millis().to_string()),
            ),
            ("USBIDE_EXEC_IDLE_SECS", Some(secs(self.exec_idle))),
            ("USBIDE_LOGIN_ISSUER", self.login_issuer.as_deref().map(url)),
            ("USBIDE_LOGIN_TIMEOUT_SECS", Some(secs(self.login_timeout))),
            (
                "USBIDE_LOCK_WAIT_MS",
                Some(self.lock_wait.as_millis().to_string()),
            ),
            ("USBIDE_VERBOSE", Some(on(self.verbose))),
            ("USBIDE_QR", Some(on(self.qr))),
            ("USBIDE_YES", Some(on(self.assume_yes))),
            (
                "USBIDE_DOWNLOAD_STALL_SECS",
                Some(secs(self.downloads.stall)),
            ),
            (
                "USBIDE_DOWNLOAD_MAX_SECS",
                Some(secs(self.downloads.overall)),
            ),
            (
                "USBIDE_DOWNLOAD_MAX_BYTES",
                Some(self.downloads.max_bytes.to_string()),
            ),
            (
                "USBIDE_UNPACK_MAX_BYTES",
                self.downloads.unpack_max.map(|b| b.to_string()),
            ),
        ];
        list.into_iter()
            .map(|(name, value)| Variable {
                name,
                value,
                source: if env.get(name).is_some() {
                    Source::Environment
                } else {
                    Source::Default
                },
            })
            .collect()
    }
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
    #[error("{}", self.message(crate::messages::Lang::En))]
    BadVariable {
        name: &'static str,
        /// The setting whose values it takes.
        key: &'static str,
        found: String,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    File(#[from] file::FileError),
}

/// A value from the first of: flag, variable, stick file.
struct Pick<'a> {
    env: &'a Environ,
    file: &'a StickFile,
    /// This computer's id, for the keys chosen per computer.
    host: Option<&'a str>,
    origins: Vec<Origin>,
}

impl Pick<'_> {
    /// The value of stick-file `key` (variable `var`), checked; recorded
    /// with its source.
    fn pick(
        &mut self,
        key: &'static str,
        flag: Option<String>,
        (flag_name, var): (&'static str, &'static str),
        default: Option<&str>,
    ) -> Result<Option<String>, SettingsError> {
        let from_env = self.env.get_str(var).filter(|v| !v.trim().is_empty());
        let in_file = self.file.get_for_host(key, self.host);
        let (value, source) = match (flag, from_env, in_file) {
            (Some(v), _, _) => (Some(v), Source::Flag),
            (None, Some(v), _) => {
                if !file::accepts(key, &v) {
                    return Err(SettingsError::BadVariable {
                        name: var,
                        key,
                        found: v.clone(),
                    });
                }
                (Some(v), Source::Environment)
            }
            (None, None, Some(v)) => (Some(v.to_string()), Source::StickFile),
            (None, None, None) => (default.map(str::to_string), Source::Default),
        };
        // The flag when a flag set it; else the variable, which (unlike a
        // flag, given to one command) can set it for good on this computer.
        let set_by = match source {
            Source::Flag if !flag_name.is_empty() => flag_name,
            _ => var,
        };
        self.origins.push(Origin {
            key,
            value: value.clone(),
            source,
            set_by,
        });
        Ok(value.map(|v| v.trim().to_string()))
    }
}

impl Settings {
    /// Resolve flags and variables only (no stick file).
    pub fn resolve(global: &GlobalArgs, env: &Environ) -> Result<Self, SettingsError> {
        Self::resolve_with(global, env, &StickFile::default())
    }

    /// Resolve flags first, then variables, then the stick's file, then
    /// defaults.
    pub fn resolve_with(
        global: &GlobalArgs,
        env: &Environ,
        file: &StickFile,
    ) -> Result<Self, SettingsError> {
        let host = crate::hooks::get()
            .host_id
            .clone()
            .or_else(|| host_id(crate::platform::machine_id().as_deref(), env));
        let mut pick = Pick {
            env,
            file,
            host: host.as_deref(),
            origins: Vec::new(),
        };
        let flag_method = global.login_method.map(|m| {
            LoginMethod::from(m)
                .config_value()
                .unwrap_or("none")
                .to_string()
        });
        let login_method = match pick.pick(
            "login_method",
            flag_method,
            ("--login-method", "USBIDE_LOGIN_METHOD"),
            Some("chatgpt"),
        ) {
            Ok(v) => parse_login_method(v.as_deref().unwrap_or("chatgpt"))?,
            Err(SettingsError::BadVariable { found, .. }) => {
                return Err(SettingsError::LoginMethod(found));
            }
            Err(e) => return Err(e),
        };
        let language = pick
            .pick("language", None, ("", "USBIDE_LANG"), None)?
            .map(|l| {
                if l.eq_ignore_ascii_case("fr") {
                    Lang::Fr
                } else {
                    Lang::En
                }
            });
        let preflight = match pick
            .pick("preflight", None, ("", "USBIDE_PREFLIGHT"), Some("auto"))?
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "off" => Preflight::Off,
            "local" => Preflight::Local,
            _ => Preflight::Auto,
        };
        let npm_registry = pick.pick("npm_registry", None, ("", "npm_config_registry"), None);
        // npm's own variable may hold anything npm accepts: only the file's
        // value is checked.
        let npm_registry = match npm_registry {
            Err(SettingsError::BadVariable { found, .. }) => Some(found),
            other => other?,
        };
        let github_api = pick
            .pick(
                "github_api",
                None,
                ("", "USBIDE_GITHUB_API"),
                Some(GITHUB_API),
            )?
            .unwrap_or_else(|| GITHUB_API.to_string());
        let update_channel = pick
            .pick(
                "update_channel",
                None,
                ("", "USBIDE_UPDATE_CHANNEL"),
                Some("stable"),
            )?
            .is_some_and(|c| c.eq_ignore_ascii_case("beta"));
        let update_channel = if update_channel {
            Channel::Beta
        } else {
            Channel::Stable
        };
        let update_check = pick
            .pick(
                "update_check",
                None,
                ("", "USBIDE_UPDATE_CHECK"),
                Some("on"),
            )?
            .is_none_or(|v| v.eq_ignore_ascii_case("on"));
        let windows_sandbox = SandboxChoice::parse(
            &pick
                .pick(
                    "windows_sandbox",
                    None,
                    ("", "USBIDE_WINDOWS_SANDBOX"),
                    Some("ask"),
                )?
                .unwrap_or_default(),
        );
        let lock_wait = match env.get_str("USBIDE_LOCK_WAIT_MS") {
            Some(v) => crate::environ::clamp_wait(
                v.trim()
                    .parse()
                    .map_err(|_| SettingsError::LockWait(v.clone()))?,
                Duration::from_millis(1),
            ),
            None => Duration::from_secs(3),
        };
        let stick_login_method = file
            .get("login_method")
            .and_then(LoginMethod::parse)
            .unwrap_or(LoginMethod::Chatgpt);
        Ok(Self {
            root: global
                .root
                .clone()
                .or_else(|| env.get_str("USBIDE_ROOT").map(PathBuf::from)),
            login_method,
            stick_login_method,
            stick_file_login_method: file
                .get("login_method")
                .map(|v| v.trim().to_ascii_lowercase()),
            allow_api_key: env.truthy("USBIDE_CODEX_ALLOW_API_KEY"),
            allow_custom_base: env.truthy("USBIDE_CODEX_ALLOW_CUSTOM_BASE"),
            keep_codex_vars: env
                .get_str("USBIDE_CODEX_KEEP")
                .map(|v| split_list(&v))
                .unwrap_or_default(),
            payload_dir: env.get_str("USBIDE_PAYLOAD_DIR").map(PathBuf::from),
            github_api,
            npm_registry,
            lock_wait,
            assume_yes: global.yes || env.truthy("USBIDE_YES"),
            verbose: global.verbose || env.truthy("USBIDE_VERBOSE"),
            language,
            preflight,
            update_channel,
            doctor_endpoints: env.get_str("USBIDE_DOCTOR_ENDPOINTS").map(|list| {
                list.split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
            doctor_timeout: env
                .wait("USBIDE_DOCTOR_TIMEOUT_MS", Duration::from_millis(1))
                .unwrap_or(Duration::from_millis(2500)),
            downloads: Downloads::from_env(env),
            exec_idle: env
                .wait("USBIDE_EXEC_IDLE_SECS", Duration::from_secs(1))
                .unwrap_or(Duration::from_secs(600)),
            login_issuer: env.get_str("USBIDE_LOGIN_ISSUER"),
            login_timeout: env
                .wait("USBIDE_LOGIN_TIMEOUT_SECS", Duration::from_secs(1))
                .unwrap_or(Duration::from_secs(15 * 60)),
            qr: env.truthy("USBIDE_QR"),
            read_only_stick: match env
                .get_str("USBIDE_READ_ONLY_STICK")
                .map(|v| v.trim().to_ascii_lowercase())
                .as_deref()
            {
                Some("private") => ReadOnlyStick::Private,
                Some("stop") => ReadOnlyStick::Stop,
                _ => ReadOnlyStick::Ask,
            },
            origins: pick.origins,
            color: global.color,
            update_check,
            windows_sandbox,
            host,
        })
    }

    /// Which variables codex must not see, as these settings allow.
    pub fn env_policy(&self) -> crate::home::envpolicy::Policy {
        crate::home::envpolicy::Policy {
            allow_api_key: self.allow_api_key,
            allow_custom_base: self.allow_custom_base,
            keep: self.keep_codex_vars.clone(),
            verbose: self.verbose,
        }
    }

    /// These settings for a login in `method`: this run's method, and the
    /// stick's (a login that works makes it so, and it is recorded then).
    pub fn logging_in_with(&self, method: LoginMethod) -> Self {
        Self {
            login_method: method,
            stick_login_method: method,
            ..self.clone()
        }
    }

    /// Where the setting `key` in force came from.
    pub fn source_of(&self, key: &str) -> Source {
        self.origins
            .iter()
            .find(|o| o.key == key)
            .map_or(Source::Default, |o| o.source)
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

impl crate::messages::UserError for SettingsError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::LoginMethod(v) => crate::messages::fill(
                t.settings_login_method,
                &[("value", &crate::messages::quote(lang, v))],
            ),
            Self::LockWait(v) => crate::messages::fill(
                t.settings_lock_wait,
                &[("value", &crate::messages::quote(lang, v))],
            ),
            Self::BadVariable { name, key, found } => crate::messages::fill(
                t.settings_bad_value,
                &[
                    ("key", name),
                    ("wants", &file::wants_in(key, lang).unwrap_or_default()),
                    ("value", &crate::messages::quote(lang, found)),
                ],
            ),
            Self::File(e) => e.message(lang),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::HOME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_limits_take_any_number_without_overflow() {
        let env = Environ::from_pairs(
            &[
                ("USBIDE_DOWNLOAD_STALL_SECS", "18446744073709551615"),
                ("USBIDE_DOWNLOAD_MAX_SECS", "0"),
            ],
            false,
        );
        let limits = Downloads::from_env(&env);
        assert_eq!(limits.stall, Duration::from_secs(7 * 24 * 60 * 60));
        assert_eq!(limits.overall, Duration::from_secs(1));
        let _ = std::time::Instant::now() + limits.stall;
    }

    fn resolve(args: GlobalArgs, pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::resolve(&args, &Environ::from_pairs(pairs, false))
    }

    #[test]
    fn a_computer_is_named_on_the_stick_by_a_hash_of_its_id() {
        let none = Environ::from_pairs(&[], true);
        let guid = "4C4C4544-0042-3510-8051-B4C04F4E3732";
        let id = host_id(Some(guid), &none).expect("id");
        assert_eq!(id.len(), 16);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        // Stable, case and spaces aside; never the id itself.
        assert_eq!(
            host_id(Some(&format!(" {} ", guid.to_lowercase())), &none),
            Some(id.clone())
        );
        assert!(!guid.to_lowercase().contains(&id));
        assert_ne!(host_id(Some("another-guid"), &none), Some(id.clone()));
        // Without an id, the computer's name stands in; without either, none.
        let named = Environ::from_pairs(&[("COMPUTERNAME", "PC-7")], true);
        let by_name = host_id(None, &named).expect("by name");
        assert_ne!(by_name, id);
        assert_eq!(host_id(None, &none), None);
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
            ..GlobalArgs::default()
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
    fn the_stick_file_sits_between_variables_and_defaults() {
        let file = StickFile::parse(
            "login_method = \"api\"\nlanguage = \"fr\"\npreflight = \"local\"\n",
            std::path::Path::new("usbide.toml"),
        );
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        let env = Environ::from_pairs(&[("USBIDE_PREFLIGHT", "off")], false);
        let s = Settings::resolve_with(&GlobalArgs::default(), &env, &file).expect("settings");
        assert_eq!(s.login_method, LoginMethod::Api);
        assert_eq!(s.source_of("login_method"), Source::StickFile);
        assert_eq!(s.language, Some(Lang::Fr));
        assert_eq!(
            (s.preflight, s.source_of("preflight")),
            (Preflight::Off, Source::Environment)
        );
        assert_eq!(s.source_of("github_api"), Source::Default);
        let args = GlobalArgs {
            login_method: Some(LoginMethodArg::Chatgpt),
            ..GlobalArgs::default()
        };
        let s = Settings::resolve_with(&args, &env, &file).expect("settings");
        assert_eq!(
            (s.login_method, s.source_of("login_method")),
            (LoginMethod::Chatgpt, Source::Flag)
        );
        let env = Environ::from_pairs(&[("USBIDE_PREFLIGHT", "sometimes")], false);
        assert!(matches!(
            Settings::resolve_with(&GlobalArgs::default(), &env, &file),
            Err(SettingsError::BadVariable {
                name: "USBIDE_PREFLIGHT",
                ..
            })
        ));
    }

    #[test]
    fn bad_values_are_named() {
        let err = resolve(GlobalArgs::default(), &[("USBIDE_LOGIN_METHOD", "sso")]);
        assert_eq!(err, Err(SettingsError::LoginMethod("sso".into())));
        let err = resolve(GlobalArgs::default(), &[("USBIDE_LOCK_WAIT_MS", "soon")]);
        assert_eq!(err, Err(SettingsError::LockWait("soon".into())));
    }
}
