//! Command-line surface. Clap types only: [`crate::settings`] turns them, with
//! the environment snapshot, into a validated plan before anything acts.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Run the OpenAI Codex CLI from this USB stick, with its home, config and
/// tokens on the stick.
#[derive(Debug, Parser)]
#[command(
    name = "usbide",
    about,
    disable_version_flag = true,
    after_help = "Examples:\n  usbide                      start Codex from this stick\n  usbide login --device-auth  log in with a one-time code\n  usbide exec \"explain src/\"  one task, explained\n  usbide doctor               what on this computer will break Codex\n  usbide -m gpt-5 --search    codex's options (and commands) go to codex\n\n`usbide help` lists the environment variables and exit codes.",
    after_long_help = LONG_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parse `args`; `usbide [OPTIONS] -- ARGS` (no subcommand) means
    /// `usbide [OPTIONS] run -- ARGS`.
    pub fn parse_args(args: Vec<OsString>) -> Result<Self, clap::Error> {
        Self::parse_args_in(args, crate::messages::Lang::En)
    }

    /// [`Self::parse_args`] with `--help` and usage mistakes in `lang`.
    pub fn parse_args_in(
        mut args: Vec<OsString>,
        lang: crate::messages::Lang,
    ) -> Result<Self, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        // `usbide`, also where the file is `usbide.exe`: the name people type.
        let cmd = Self::command().bin_name("usbide");
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .chain(["help".to_string()])
            .collect();
        if let Some(dash) = args.iter().position(|a| a == "--") {
            let has_subcommand = args[1..dash]
                .iter()
                .any(|a| a.to_str().is_some_and(|a| names.iter().any(|n| n == a)));
            if !has_subcommand {
                args.insert(dash, "run".into());
            }
        } else if let Some(at) = for_codex(&args, &names) {
            // `usbide -m gpt-5 --search`, `usbide resume ID`, `usbide "fix
            // it"`: what usbide does not know goes to codex, as `rustup run`
            // passes what follows it on.
            args.splice(at..at, ["run".into(), "--".into()]);
        }
        // The French tree only for help or a mistake: a launch parses as is.
        let matches = match cmd.clone().try_get_matches_from(&args) {
            Ok(matches) => matches,
            Err(_) if lang != crate::messages::Lang::En => {
                crate::messages::cli::localize(cmd, lang).try_get_matches_from(args)?
            }
            Err(err) => return Err(err),
        };
        Self::from_arg_matches(&matches)
    }
}

/// Where codex's own arguments start in `args` (program name first): the
/// first one, past usbide's global options, that is neither one of
/// usbide's options nor one of its commands. `None` when usbide knows them
/// all (or there are none).
fn for_codex(args: &[OsString], commands: &[String]) -> Option<usize> {
    /// usbide's own options before a command; those that take a value.
    const FLAGS: &[&str] = &[
        "-y",
        "--yes",
        "--verbose",
        "-h",
        "--help",
        "-V",
        "--version",
    ];
    const WITH_VALUE: &[&str] = &["--root", "--login-method", "--color"];
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let text = arg.to_string_lossy();
        let name = text.split_once('=').map_or(&*text, |(n, _)| n);
        if FLAGS.contains(&&*text) || (WITH_VALUE.contains(&name) && text.contains('=')) {
            i += 1;
        } else if WITH_VALUE.contains(&&*text) {
            i += 2;
        } else if commands.iter().any(|c| *c == text) {
            return None;
        } else {
            return Some(i);
        }
    }
    None
}

/// The environment variables and exit codes, for `usbide help`.
const LONG_HELP: &str = "Examples:
  usbide                        start Codex from this stick
  usbide login --device-auth    log in with a one-time code, in any browser
  usbide exec \"explain src/\"    one task, shown readably, each error explained
  usbide doctor                 what on this computer will break Codex
  usbide config set language fr settings kept on the stick (usbide.toml)
  usbide -m gpt-5 --search      codex's options, and its commands (usbide resume),
                                go to codex; usbide's own (--root, --login-method,
                                -y, --verbose, --color, -h, -V) stay usbide's, and
                                after `--` everything is codex's
  usbide codex --help           codex's own help

Environment (a flag wins over a variable, a variable over usbide.toml):
  USBIDE_ROOT                   the stick's root folder
  USBIDE_LOGIN_METHOD           chatgpt, api or none
  USBIDE_LANG                   en or fr (default: the computer's language)
  USBIDE_PREFLIGHT              auto, local (no network checks) or off
  USBIDE_YES                    answer yes to the documented questions
  USBIDE_VERBOSE                keep RUST_BACKTRACE for codex
  USBIDE_PAYLOAD_DIR            a payload folder other than <root>/payload
  USBIDE_GITHUB_API             GitHub API base for downloads (a mirror)
  npm_config_registry           take codex from this npm registry
  USBIDE_CODEX_ALLOW_API_KEY    pass OPENAI_API_KEY on to codex
  USBIDE_CODEX_ALLOW_CUSTOM_BASE  pass OPENAI_BASE_URL on to codex
  USBIDE_CODEX_KEEP             more CODEX_* variables to pass on
  USBIDE_LOCK_WAIT_MS           how long to wait for another usbide
  USBIDE_UPDATE_CHECK           on or off: the daily look for a newer usbide
  USBIDE_WINDOWS_SANDBOX        ask, elevated or unelevated: codex's Windows sandbox
  NO_COLOR                      no colour (like --color never)

Exit codes (when codex ran, its own code):
  0   success
  1   not logged in (status), a failed turn (exec, render), a problem found (doctor)
  2   usage mistake
  70  other failure
  71  no stick found, or a place usbide refuses to run from
  72  codex_home or usbide.toml cannot be used
  73  no usable codex payload, or a failed install
  74  not logged in where a login is needed
  75  another usbide is using the stick
  76  an update was refused or failed (usbide is unchanged)
  124 codex stopped answering (exec)";

/// Options every subcommand understands.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The stick's root folder (default: found from where usbide lives). Env: USBIDE_ROOT.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Login method codex is forced to use. Env: USBIDE_LOGIN_METHOD.
    #[arg(long, global = true, value_enum)]
    pub login_method: Option<LoginMethodArg>,

    /// Answer yes to the documented questions: download codex, set up a
    /// stick, change the stick's login method, replace its login. Never
    /// removes anything else, and never starts a login. Env: USBIDE_YES.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,

    /// Keep debugging aids for codex (RUST_BACKTRACE). Env: USBIDE_VERBOSE.
    #[arg(long, global = true)]
    pub verbose: bool,

    /// Colour: auto (a terminal, without NO_COLOR), always or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorArg,

    /// Print usbide's version, commit and build date, and the codex version
    /// this stick carries.
    #[arg(long, short = 'V')]
    pub version: bool,
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
    /// Run any codex command with the stick's environment and overrides
    /// (`usbide codex --help` is codex's help).
    #[command(disable_help_flag = true)]
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
    Status(JsonArg),
    /// What on this host will break codex: stick, home, payload, login, network.
    Doctor(DoctorArgs),
    /// Show the environment codex would get, and what was removed and why.
    Env(JsonArg),
    /// Show the stick usbide runs from: folder, drive, file system, space.
    Stick(JsonArg),
    /// Show what codex or usbide left on this computer, and remove it.
    Clean,
    /// Eject the stick: flush, let go of it, and say "safe to remove" or
    /// what still holds it.
    Eject {
        /// Wait for a codex session on the stick to end instead of stopping.
        #[arg(long)]
        wait: bool,
        /// The usbide this one is a copy of (Windows: ejecting from a copy).
        #[arg(long, hide = true, value_name = "PID")]
        after: Option<u32>,
    },
    /// Show the stick's settings and where each comes from; change them.
    #[command(
        after_help = "Examples:\n  usbide config\n  usbide config set language fr\n  usbide config unset npm_registry"
    )]
    Config {
        #[command(subcommand)]
        action: Option<ConfigCommand>,
        /// Print the settings as JSON (schema: docs/config.schema.json).
        #[arg(long)]
        json: bool,
    },
    /// Make a folder (by default the one usbide is in) a Codex stick:
    /// codex_home, the pinned codex for this computer, settings.
    #[command(
        after_help = "Examples:\n  usbide init            the folder usbide.exe is in\n  usbide init E:\\ --yes  without questions"
    )]
    Init {
        /// The folder to set up.
        dir: Option<PathBuf>,
    },
    /// Replace this usbide with a newer signed release (or go back).
    #[command(
        after_help = "Examples:\n  usbide update --check\n  usbide update\n  usbide update --from E:\\usbide-0.2.0-x86_64-pc-windows-msvc.zip\n  usbide update --rollback"
    )]
    Update(UpdateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  usbide completions bash > ~/.local/share/bash-completion/completions/usbide\n  usbide completions powershell >> $PROFILE"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the JSON schema a `--json` report follows (config, doctor, env,
    /// payload-status, status, stick); without a name, list them.
    #[command(
        after_help = "Examples:\n  usbide schema\n  usbide schema doctor > doctor.schema.json"
    )]
    Schema { name: Option<String> },
    /// Install or inspect the codex binaries in payload/.
    Payload {
        #[command(subcommand)]
        action: PayloadCommand,
    },
}

/// `usbide update` options.
#[derive(Debug, Args, Clone, Default)]
pub struct UpdateArgs {
    /// Only say whether a newer usbide exists.
    #[arg(long, conflicts_with_all = ["from", "rollback"])]
    pub check: bool,
    /// This version rather than the latest.
    #[arg(long, conflicts_with_all = ["from", "rollback"])]
    pub version: Option<String>,
    /// Update from a release archive on disk (offline): usbide-<version>-<target>.zip.
    #[arg(long, value_name = "FILE", conflicts_with = "rollback")]
    pub from: Option<PathBuf>,
    /// Go back to the usbide the last update replaced.
    #[arg(long)]
    pub rollback: bool,
    /// Also install an older version.
    #[arg(long)]
    pub allow_downgrade: bool,
}

/// `usbide config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Set a setting in the stick's usbide.toml.
    Set { key: String, value: String },
    /// Remove a setting from the stick's usbide.toml (back to its default).
    Unset { key: String },
}

/// `usbide payload ...`
#[derive(Debug, Subcommand)]
pub enum PayloadCommand {
    /// Download, verify and install codex into payload/<target>/.
    Install(PayloadInstallArgs),
    /// Show what is installed and whether it verifies.
    Status(JsonArg),
    /// Install a newer codex (the latest by default), keep the one it
    /// replaces for `payload rollback`, and move payload.toml's pin along.
    Update(PayloadUpdateArgs),
    /// Go back to the codex `payload update` replaced.
    Rollback {
        /// `host` or a target triple.
        #[arg(long, default_value = "host")]
        target: String,
    },
}

/// `usbide payload update` options.
#[derive(Debug, Args, Clone, Default)]
pub struct PayloadUpdateArgs {
    /// `host`, `all`, or a target triple.
    #[arg(long, default_value = "host")]
    pub target: String,
    /// The codex version (default: the latest the source publishes).
    #[arg(long)]
    pub version: Option<String>,
    /// Take the npm packages from this npm-compatible registry. Env: npm_config_registry.
    #[arg(long, value_name = "URL")]
    pub npm_registry: Option<String>,
}

/// `--json` of the commands that report state (schemas in docs/).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct JsonArg {
    /// Print the report as JSON (schema: docs/<command>.schema.json).
    #[arg(long)]
    pub json: bool,
}

/// `usbide payload install` options.
#[derive(Debug, Args, Clone, Default)]
pub struct PayloadInstallArgs {
    /// `host`, `all`, or a target triple such as x86_64-pc-windows-msvc.
    #[arg(long, default_value = "host")]
    pub target: String,

    /// Codex version: the one pinned in payload/payload.toml (or in usbide
    /// itself), a version number, or `latest`.
    #[arg(long)]
    pub version: Option<String>,

    /// Download and install again even when the payload verifies.
    #[arg(long)]
    pub force: bool,

    /// Take the npm packages from this npm-compatible registry instead of
    /// GitHub releases. Env: npm_config_registry.
    #[arg(long, value_name = "URL", conflicts_with = "from")]
    pub npm_registry: Option<String>,

    /// Install from an archive on disk (offline: a second stick, a file
    /// brought to a locked-down computer), the npm package (.tgz) or the
    /// GitHub release asset; it must match the digest payload.toml pins.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

/// How rendered output looks.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct OutputArgs {
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
    /// Replace the bundle file if it already exists.
    #[arg(long, requires = "bundle")]
    pub force: bool,
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
    fn what_usbide_does_not_know_goes_to_codex() {
        let run = |args: &[&str]| match parse(args).command {
            Some(Command::Run { codex_args }) => codex_args,
            other => panic!("{args:?}: {other:?}"),
        };
        assert_eq!(
            run(&["usbide", "-m", "gpt-5", "--search"]),
            ["-m", "gpt-5", "--search"]
        );
        assert_eq!(run(&["usbide", "resume", "abc"]), ["resume", "abc"]);
        assert_eq!(
            run(&["usbide", "--root", "/x", "-c", "model=\"o3\"", "fix it"]),
            ["-c", "model=\"o3\"", "fix it"]
        );
        let cli = parse(&["usbide", "--root=/x", "-y", "--search"]);
        assert!(cli.global.yes);
        assert!(
            matches!(cli.command, Some(Command::Run { ref codex_args }) if codex_args == &["--search"])
        );
        // usbide's own commands and options stay usbide's.
        assert!(matches!(
            parse(&["usbide", "--yes", "doctor"]).command,
            Some(Command::Doctor { .. })
        ));
        assert!(parse(&["usbide"]).command.is_none());
        assert!(
            Cli::parse_args(["usbide", "help", "codex"].map(OsString::from).to_vec())
                .is_err_and(|e| !e.use_stderr())
        );
        // `usbide codex --help` is codex's help.
        assert!(
            matches!(parse(&["usbide", "codex", "--help"]).command, Some(Command::Codex { ref codex_args }) if codex_args == &["--help"])
        );
    }

    #[test]
    fn a_bare_double_dash_runs_codex() {
        let cli = parse(&["usbide", "--login-method", "api", "--", "resume", "--last"]);
        assert_eq!(cli.global.login_method, Some(LoginMethodArg::Api));
        assert!(
            matches!(cli.command, Some(Command::Run { ref codex_args }) if codex_args == &["resume", "--last"])
        );
        assert!(parse(&["usbide"]).command.is_none());
        assert!(
            Cli::parse_args(["usbide", "help", "codex"].map(OsString::from).to_vec())
                .is_err_and(|e| !e.use_stderr())
        );
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

/// A mistake in how usbide was called: exit code 2, like clap's own. Made
/// in the user's language already.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl crate::messages::UserError for UsageError {
    fn message(&self, _lang: crate::messages::Lang) -> String {
        self.0.clone()
    }

    fn exit_code(&self) -> i32 {
        crate::exit::USAGE
    }
}
