//! usbide: the portable launcher that makes the OpenAI Codex CLI work from a
//! USB stick on any host.
//!
//! The launch story, told once, in the order the code runs:
//!
//! 1. [`stick`]: which stick usbide runs from, its parts and its drive;
//! 2. [`settings`]: flags, the environment and the stick's `usbide.toml`,
//!    resolved once into the [`context::Context`] every command receives;
//! 3. [`home`]: CODEX_HOME on the stick, its config, the environment filter;
//! 4. [`payload`]: the codex to run, checked and installed;
//! 5. [`login`]: tokens on the stick, recovered, copied or asked for;
//! 6. [`preflight`]: what on this host will break codex, named before it does;
//! 7. [`launch`]: the hand-off, with the filtered environment;
//! 8. [`events`] and [`diagnose`]: what codex says, and each failure with its fix.
//!
//! [`session`] runs these steps for one codex session; [`cmd`] holds the
//! thin commands over it. [`run`] is the whole program; `main` only
//! snapshots the environment and exits with its answer.

pub mod cli;
pub mod cmd;
pub mod context;
pub mod diagnose;
pub mod environ;
pub mod escape;
pub mod events;
pub mod exit;
pub mod fsx;
pub mod home;
pub mod hooks;
pub mod hosttemp;
pub mod launch;
pub mod lock;
pub mod log;
pub mod login;
pub mod messages;
pub mod net;
pub mod out;
pub mod payload;
pub mod platform;
pub mod preflight;
pub mod redact;
pub mod report;
pub mod session;
pub mod settings;
pub mod stick;
pub mod textfile;
pub mod time;
pub mod ui;
pub mod update;

use std::ffi::OsString;
use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::environ::Environ;
use crate::settings::Settings;

/// Run usbide with `args` (including the program name) and return the exit
/// code. The only place that prints a final error.
pub fn run(args: Vec<OsString>, env: Environ) -> i32 {
    // The locale's language until the settings (which may name another)
    // are resolved; from then on theirs, for every word, the final error's
    // too.
    let mut lang = messages::Lang::detect(&env, platform::user_locale().as_deref());
    let cli = match Cli::parse_args_in(args, lang) {
        Ok(cli) => cli,
        Err(err) if err.use_stderr() => {
            // A mistyped key (`login --with-api-key sk-...`) is quoted back
            // by clap: redacted, each line escaped, like every other text.
            let said = messages::cli::usage_error(&err, lang);
            for line in redact::text(&said).lines() {
                crate::out::eprintln!("{}", escape::escape(line));
            }
            return exit::USAGE;
        }
        Err(err) => {
            let _ = err.print();
            return exit::OK;
        }
    };
    let session = matches!(cli.command, None | Some(Command::Run { .. }));
    let result = resolve(&cli, env).and_then(|ctx| {
        lang = ctx.lang;
        dispatch(cli, &ctx)
    });
    let code = match result {
        // Output that could not be written is a failure a script must see.
        Ok(exit::OK) if out::stdout_failed() => {
            crate::out::eprintln!(
                "{}",
                messages::fill(
                    messages::text(lang).error_prefix,
                    &[("message", messages::text(lang).cannot_write_output)]
                )
            );
            exit::FAILURE
        }
        Ok(code) => code,
        Err(err) => {
            let (message, code) = report::final_error(&err, lang);
            let message = redact::text(&message);
            let message = escape::escape(&message);
            crate::out::eprintln!(
                "{}",
                messages::fill(messages::text(lang).error_prefix, &[("message", &message)])
            );
            code
        }
    };
    if ui::should_pause(platform::console_alone(), code, session) {
        ui::pause(lang);
    }
    code
}

/// Before any command: put back a login that an interrupted `usbide login`
/// removed (codex deletes `auth.json` when a login starts), when no other
/// usbide is at work and the stick is writable. Commands that prepare the
/// stick do it again under their lock; this covers the reading ones.
fn recover_login(ctx: &Context) {
    let Ok(stick) = ctx.stick() else { return };
    if let Some(said) = login::recover_if_idle(&stick.codex_home(), ctx.lang) {
        ui::note(&said);
    }
}

/// The settings, resolved once from the command line, the environment and
/// the stick's `usbide.toml`, and the context every command starts from.
fn resolve(cli: &Cli, env: Environ) -> anyhow::Result<Context> {
    hooks::init(&env);
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("usbide"));
    let mut global = cli.global.clone();
    let bare = Settings::resolve(&global, &env)?;
    if let Some(given) = &bare.root
        && let Some(root) = stick::root::corrected(given)
    {
        let lang = bare
            .language
            .unwrap_or_else(|| messages::Lang::detect(&env, platform::user_locale().as_deref()));
        ui::note(&messages::fill(
            messages::text(lang).root_corrected,
            &[
                ("given", &given.display().to_string()),
                (
                    "name",
                    &given.file_name().unwrap_or_default().to_string_lossy(),
                ),
                ("root", &root.display().to_string()),
            ],
        ));
        global.root = Some(root);
    }
    let root = global.root.clone().or_else(|| bare.root.clone());
    let file = stick_file(root.as_deref(), &env, &exe);
    let settings = Settings::resolve_with(&global, &env, &file)?;
    let ctx = Context::new(env, settings, exe);
    ui::set_lang(ctx.lang);
    // What usbide.toml holds that this usbide cannot use is ignored, once
    // said: a key a newer usbide wrote never stops a command.
    for problem in &file.problems {
        ui::note(&messages::fill(
            messages::text(ctx.lang).settings_file_ignored,
            &[("problem", &messages::UserError::message(problem, ctx.lang))],
        ));
    }
    update::replace::sweep(&ctx.exe);
    Ok(ctx)
}

/// Run the command the command line names.
fn dispatch(cli: Cli, ctx: &Context) -> anyhow::Result<i32> {
    if cli.global.version {
        return cmd::version::run(ctx);
    }
    recover_login(ctx);
    match cli.command {
        None => cmd::codex::run(ctx, &[], true),
        Some(Command::Run { codex_args }) => cmd::codex::run(ctx, &codex_args, true),
        Some(Command::Codex { codex_args }) => cmd::codex::run(ctx, &codex_args, false),
        Some(Command::Exec(args)) => cmd::exec::run(ctx, &args),
        Some(Command::Render { file, output, json }) => {
            cmd::render::run(ctx, file.as_deref(), &output, json)
        }
        Some(Command::Login(args)) => cmd::login::run(ctx, &args),
        Some(Command::Logout) => cmd::login::logout(ctx),
        Some(Command::Status(a)) => cmd::status::run(ctx, a.json),
        Some(Command::Doctor(args)) => cmd::doctor::run(ctx, &args),
        Some(Command::Env(a)) => cmd::env::run(ctx, a.json),
        Some(Command::Stick(a)) => cmd::stick::run(ctx, a.json),
        Some(Command::Clean) => cmd::clean::run(ctx),
        Some(Command::Eject { wait, after }) => cmd::eject::run(ctx, wait, after),
        Some(Command::Config { action, json }) => cmd::config::run(ctx, action.as_ref(), json),
        Some(Command::Init { dir }) => cmd::init::run(ctx, dir.as_deref()),
        Some(Command::Completions { shell }) => cmd::completions::run(shell),
        Some(Command::Schema { name }) => cmd::schema::run(name.as_deref(), ctx.lang),
        Some(Command::Update(args)) => cmd::update::run(ctx, &args),
        Some(Command::Payload { action }) => cmd::payload::run(ctx, &action),
    }
}

/// The stick's `usbide.toml`, when a stick is found from these settings
/// (none found: no file).
fn stick_file(
    root: Option<&std::path::Path>,
    env: &Environ,
    exe: &std::path::Path,
) -> settings::StickFile {
    match stick::root::locate(root, exe, env) {
        Ok(root) => settings::StickFile::load(&root),
        Err(_) => settings::StickFile::default(),
    }
}
