//! One codex session, in the order it happens: [`prepare`] the stick
//! (lock, CODEX_HOME, environment), [`resolve`] the codex to run, [`guard`]
//! the login, run the [`preflight`], hand off with the terminal, and
//! [`explain`] a failure. `usbide`, `run`, `codex`, `exec` and `login` are
//! thin commands over these steps.

pub mod eject;
pub mod explain;
pub mod guard;
pub mod login;
pub mod payload;
pub mod preflight;
pub mod prepare;
pub mod private;
pub mod resolve;
pub mod sandbox;
pub mod scratch;
pub mod setup;
pub mod status;
pub mod stick_lock;
pub mod workdir;

use std::ffi::OsString;

use anyhow::{Context as _, Result};

use crate::context::Context;

pub use prepare::{CodexEnv, Ready, codex_environment, prepare, prepare_session};
pub use resolve::resolve_codex;

/// How much of an interactive codex's stderr is kept to explain a failure.
const STDERR_TAIL: usize = 16 * 1024;

/// A codex session that succeeded: the previous codex kept for `usbide
/// payload rollback` is not needed any more; said when it goes.
pub fn retire_rollback(ctx: &Context, ready: &Ready) {
    // A session beside another writes nothing to the stick.
    if ready.holds_the_stick() && crate::payload::forget_rollback(&ready.stick.payload_dir) {
        crate::ui::note(crate::messages::text(ctx.lang).payload_rollback_retired);
    }
}

/// A codex session ready to start: the stick prepared and locked, the codex
/// to run, its call decided, its private temporary folder made.
#[derive(Debug)]
pub struct Started {
    pub ready: Ready,
    pub codex: crate::launch::CodexExe,
    pub inv: crate::launch::Invocation,
    /// Removed when dropped (after codex ends).
    pub scratch: Option<scratch::Scratch>,
}

/// Every launch of codex, the interactive session and `usbide exec` alike,
/// in this order: [`prepare`] the stick, [`resolve`] the codex to run,
/// decide its call (`args` made from the prepared stick: `exec` adds its own
/// options), keep it out of the stick's own folders, make its temporary
/// folder, look for a newer usbide in the background, [`guard`] the login
/// (`interactive`: offer one), run the [`preflight`], and remember where the
/// stick was seen.
pub fn start(
    ctx: &Context,
    interactive: bool,
    reader: bool,
    args: impl FnOnce(&Ready) -> Vec<OsString>,
) -> Result<Started> {
    let mut ready = prepare_session(ctx, reader)?;
    let codex = resolve_codex(ctx, &ready.stick, ready.holds_the_stick())?;
    let args = args(&ready);
    // The provider codex will really use: `-c model_provider=...` included.
    if crate::home::provider::overridden_by(&args) {
        ready.provider = crate::home::provider::Provider::read_with(
            &ready.stick.codex_home(),
            ctx.settings.login_method,
            &args,
        );
        crate::diagnose::answered::provider_at(
            &ready.provider.endpoint,
            ready.provider.openai_login,
        );
    }
    let session = crate::login::needs_session(&args);
    let mut inv = ready.invocation(&codex.path, &args);
    if session {
        ready.keep_out_of_the_stick(&mut inv, &args, ctx.lang);
    }
    let scratch = scratch::Scratch::create(&ctx.env);
    if let Some(s) = &scratch {
        inv.set_vars(&s.vars());
    }
    let newer = ready
        .holds_the_stick()
        .then(|| crate::update::check::start(ctx, &ready.stick.codex_home()))
        .flatten();
    guard::check_login(ctx, &ready, &codex.path, &args, interactive)?;
    // A session beside another: that one ran the preflight on this host.
    if session && ready.holds_the_stick() {
        preflight::preflight_on_launch(ctx, &ready);
    }
    ready.seen();
    crate::update::check::report(newer, ctx.lang);
    Ok(Started {
        ready,
        codex,
        inv,
        scratch,
    })
}

/// Run codex with `args` on the terminal ([`start`], then hand over). After
/// an interactive session that failed, name the last error codex logged.
pub fn run(ctx: &Context, args: &[OsString], interactive: bool) -> Result<i32> {
    let reads = crate::login::reads_only(args);
    let started = match start(ctx, interactive, reads, |_| args.to_vec()) {
        // The person chose an API key for this stick: the stick is
        // released, logged in that way (which makes it the stick's method),
        // and prepared again for it.
        Err(e) if e.is::<guard::ApiKeyChosen>() => {
            let api = ctx.with_settings(
                ctx.settings
                    .logging_in_with(crate::settings::LoginMethod::Api),
            );
            let login = crate::cli::LoginArgs {
                with_api_key: true,
                ..Default::default()
            };
            if login::run(&api, &login)? != crate::exit::OK {
                return Err(crate::login::LoginError::Failed.into());
            }
            return run(&api, args, interactive);
        }
        other => other?,
    };
    let Started {
        ready,
        codex,
        inv,
        scratch,
    } = started;
    let started = if interactive {
        inv.run_inherited_keeping_stderr(STDERR_TAIL)
    } else {
        inv.run_inherited().map(|code| (code, Vec::new()))
    };
    let (code, stderr) = started.map_err(|source| crate::launch::SpawnError {
        path: codex.path.clone(),
        source,
    })?;
    drop(scratch);
    if code == 0 && crate::login::needs_session(args) {
        retire_rollback(ctx, &ready);
    }
    // A reader beside a session does not explain itself from that
    // session's log.
    if interactive && code != 0 && ready.holds_the_stick() {
        explain::explain_failure(
            ctx,
            &ready,
            &ready.stick.codex_home().join("log").join("codex-tui.log"),
            &String::from_utf8_lossy(&stderr),
        );
    }
    Ok(code)
}

/// Write `bytes` to `path` on the stick atomically
/// ([`crate::fsx::write_atomic`]); a failure names the file in the user's
/// language.
pub fn write_file(ctx: &Context, path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    crate::fsx::write_atomic(path, bytes)
        .with_context(|| crate::messages::about(crate::messages::text(ctx.lang).cannot_write, path))
}
