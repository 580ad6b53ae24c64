//! What every command starts from: the environment snapshot, the validated
//! settings and where this executable lives; and the stick they point at.

use std::path::PathBuf;

use anyhow::Result;

use crate::environ::Environ;
use crate::home::envpolicy::Policy;
use crate::settings::Settings;
use crate::stick::{Stick, root};

/// What every command starts from.
#[derive(Debug, Clone)]
pub struct Context {
    pub env: Environ,
    /// The environment usbide's own network traffic sees (doctor, preflight,
    /// downloads): `env` plus the Windows system proxy exactly as codex gets
    /// it, so that usbide probes the route codex will take.
    pub net: Environ,
    /// usbide's HTTP client: `net` and the settings' download limits.
    pub http: crate::net::http::Client,
    pub settings: Settings,
    /// Where this usbide executable is.
    pub exe: PathBuf,
    /// The language of everything usbide says on this host.
    pub lang: crate::messages::Lang,
}

impl Context {
    /// The context for `env`; reads the system proxy settings once.
    pub fn new(env: Environ, settings: Settings, exe: PathBuf) -> Self {
        let proxy = crate::net::sysproxy::system_proxy_vars(
            &env,
            crate::platform::internet_settings().as_ref(),
        );
        let net = env.with_vars(&proxy);
        let lang = settings.language.unwrap_or_else(|| {
            crate::messages::Lang::detect(&env, crate::platform::user_locale().as_deref())
        });
        let http = crate::net::http::Client {
            env: net.clone(),
            stall: settings.downloads.stall,
            overall: settings.downloads.overall,
        };
        Self {
            env,
            net,
            http,
            settings,
            exe,
            lang,
        }
    }

    /// The same context with other settings (a login that changes the
    /// stick's login method).
    pub fn with_settings(&self, settings: Settings) -> Self {
        Self {
            settings,
            ..self.clone()
        }
    }

    /// The stick layout (root found or given).
    pub fn stick(&self) -> Result<Stick> {
        let root = root::locate(self.settings.root.as_deref(), &self.exe, &self.env)?;
        Ok(Stick::new(root, self.settings.payload_dir.as_deref()))
    }

    /// Whether to colour output going to a stream that is (or not) a
    /// terminal: `--color`, then `NO_COLOR`, then whether it is a terminal.
    pub fn color(&self, terminal: bool) -> bool {
        use crate::cli::ColorArg;
        match self.settings.color {
            // Asked for: even into a pipe (`less -R`), where Windows has no
            // console mode to set.
            ColorArg::Always => {
                let _ = crate::platform::enable_ansi();
                true
            }
            ColorArg::Never => false,
            // A Windows console that cannot show escape codes gets none.
            ColorArg::Auto => {
                terminal
                    && self.env.get("NO_COLOR").is_none_or(|v| v.is_empty())
                    && crate::platform::enable_ansi()
            }
        }
    }

    /// The environment filter the settings ask for.
    pub fn policy(&self) -> Policy {
        self.settings.env_policy()
    }
}
