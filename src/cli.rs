//! Command-line surface. Clap types only: [`crate::settings`] turns them, with
//! the environment snapshot, into a validated plan before anything acts.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Run the OpenAI Codex CLI from this USB stick, with its home, config and
/// tokens on the stick.
#[derive(Debug, Parser)]
#[command(name = "usbide", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parse `args`; `usbide [OPTIONS] -- ARGS` (no subcommand) means
    /// `usbide [OPTIONS] run -- ARGS`.
    pub fn parse_args(mut args: Vec<OsString>) -> Result<Self, clap::Error> {
        use clap::CommandFactory;
        let names: Vec<String> = Self::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        if let Some(dash) = args.iter().position(|a| a == "--") {
            let has_subcommand = args[1..dash]
                .iter()
                .any(|a| a.to_str().is_some_and(|a| names.iter().any(|n| n == a)));
            if !has_subcommand {
                args.insert(dash, "run".into());
            }
        }
        Self::try_parse_from(args)
    }
}

/// Options every subcommand understands.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// The stick's root folder (default: found from where usbide lives). Env: USBIDE_ROOT.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Login method codex is forced to use. Env: USBIDE_LOGIN_METHOD.
    #[arg(long, global = true, value_enum)]
    pub login_method: Option<LoginMethodArg>,

    /// Answer yes to one question only: download codex when the stick has
    /// none for this computer. Never removes or changes a file. Env: USBIDE_YES.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,

    /// Keep debugging aids for codex (RUST_BACKTRACE). Env: USBIDE_VERBOSE.
    #[arg(long, global = true)]
    pub verbose: bool,
}

/// `--login-method` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoginMethodArg {
    Chatgpt,
    Api,
    None,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prepare the stick and start codex interactively (the default).
    Run {
        /// Arguments for codex.
        #[arg(last = true, value_name = "CODEX_ARGS")]
        codex_args: Vec<OsString>,
    },
    /// Run any codex command with the stick's environment and overrides.
    Codex {
        /// Arguments for codex, e.g. `usbide codex -- login status`.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CODEX_ARGS"
        )]
        codex_args: Vec<OsString>,
    },
    /// Run `codex exec --json` and show it readably, with the fix for each error.
    Exec(ExecArgs),
    /// Render a saved `codex exec --json` stream (a file, or `-` for stdin).
    Render {
        /// The stream to read (default: stdin).
        file: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        /// Print the events unchanged, plus a `usbide.diagnosis` line after each error.
        #[arg(long)]
        json: bool,
    },
    /// Log in once; the tokens stay in the stick's codex_home.
    Login(LoginArgs),
    /// Log out: remove the stick's login.
    Logout,
    /// Logged in or not, mode, account, token age and expiry (no token shown).
    Status,
    /// What on this host will break codex: stick, home, payload, login, network.
    Doctor(DoctorArgs),
    /// Show the environment codex would get, and what was removed and why.
    Env,
    /// Show the stick usbide runs from: folder, drive, file system, space.
    Stick,
    /// Show what codex or usbide left on this computer, and remove it.
    Clean,
    /// Install or inspect the codex binaries in payload/.
    Payload {
        #[command(subcommand)]
        action: PayloadCommand,
    },
}

/// `usbide payload ...`
#[derive(Debug, Subcommand)]
pub enum PayloadCommand {
    /// Download, verify and install codex into payload/<target>/.
    Install(PayloadInstallArgs),
    /// Show what is installed and whether it verifies.
    Status,
}

/// `usbide payload install` options.
#[derive(Debug, Args, Clone, Default)]
pub struct PayloadInstallArgs {
    /// `host`, `all`, or a target triple such as x86_64-pc-windows-msvc.
    #[arg(long, default_value = "host")]
    pub target: String,

    /// Codex version (default: the one pinned in payload/payload.toml).
    #[arg(long)]
    pub version: Option<String>,

    /// Take the npm packages from this npm-compatible registry instead of
    /// GitHub releases. Env: npm_config_registry.
    #[arg(long, value_name = "URL")]
    pub npm_registry: Option<String>,
}

/// How rendered output looks.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct OutputArgs {
    /// Colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Hide the model's reasoning.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

/// `usbide exec` options; everything after them goes to `codex exec`.
#[derive(Debug, Args, Clone, Default)]
pub struct ExecArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print codex's events unchanged, plus a `usbide.diagnosis` line after each error.
    #[arg(long)]
    pub json: bool,
    /// Do not check `codex login status` before the run.
    #[arg(long)]
    pub no_login_check: bool,
    /// `codex exec` options and the prompt.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "CODEX_EXEC_ARGS"
    )]
    pub args: Vec<OsString>,
}

/// `usbide doctor` options.
#[derive(Debug, Args, Clone, Default)]
pub struct DoctorArgs {
    /// Print the report as JSON (schema: docs/doctor.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Skip the network checks.
    #[arg(long)]
    pub offline: bool,
    /// Also write a support bundle (zip) that is safe to send.
    #[arg(long, value_name = "FILE.zip")]
    pub bundle: Option<PathBuf>,
}

/// `usbide login` options.
#[derive(Debug, Args, Clone, Default)]
pub struct LoginArgs {
    /// Log in with a one-time code shown here, in any browser (even a phone).
    #[arg(long, conflicts_with_all = ["browser", "with_api_key"])]
    pub device_auth: bool,
    /// Log in through a browser on this computer.
    #[arg(long, conflicts_with = "with_api_key")]
    pub browser: bool,
    /// Store an API key, read from stdin (hidden on a terminal), never from an argument.
    #[arg(long)]
    pub with_api_key: bool,
    /// Clean reset: log out, remove the token files, then log in again.
    #[arg(long)]
    pub reset: bool,
    /// When this computer has its own Codex login for the same account
    /// (~/.codex/auth.json), move it aside to auth.json.moved-by-usbide
    /// (it is never deleted; another account's login is never touched).
    #[arg(long)]
    pub remove_host_copy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::parse_args(args.iter().map(OsString::from).collect()).expect("parses")
    }

    #[test]
    fn a_bare_double_dash_runs_codex() {
        let cli = parse(&["usbide", "--login-method", "api", "--", "resume", "--last"]);
        assert_eq!(cli.global.login_method, Some(LoginMethodArg::Api));
        assert!(
            matches!(cli.command, Some(Command::Run { ref codex_args }) if codex_args == &["resume", "--last"])
        );
        assert!(parse(&["usbide"]).command.is_none());
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let cli = parse(&["usbide", "--login-method", "api", "login", "--with-api-key"]);
        assert!(matches!(
            cli.command,
            Some(Command::Login(LoginArgs {
                with_api_key: true,
                ..
            }))
        ));
        let cli = parse(&["usbide", "codex", "--root", "/x", "--", "login", "status"]);
        assert_eq!(cli.global.root.as_deref(), Some(std::path::Path::new("/x")));
        assert!(
            matches!(cli.command, Some(Command::Codex { ref codex_args }) if codex_args == &["login", "status"])
        );
    }
}
