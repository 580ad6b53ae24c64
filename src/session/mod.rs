//! One codex session, in the order it happens: [`prepare`] the stick
//! (lock, CODEX_HOME, environment), [`resolve`] the codex to run, [`guard`]
//! the login, run the [`preflight`], hand off with the terminal, and
//! [`explain`] a failure. `usbide`, `run`, `codex`, `exec` and `login` are
//! thin commands over these steps.

pub mod explain;
pub mod guard;
pub mod preflight;
pub mod prepare;
pub mod private;
pub mod resolve;
pub mod scratch;
pub mod workdir;

use std::ffi::OsString;

use anyhow::Result;

use crate::context::Context;

pub use prepare::{CodexEnv, Ready, codex_environment, prepare, prepare_session};
pub use resolve::resolve_codex;

/// How much of an interactive codex's stderr is kept to explain a failure.
const STDERR_TAIL: usize = 16 * 1024;

/// A codex session that succeeded: the previous codex kept for `usbide
/// payload rollback` is not needed any more; said when it goes.
pub fn retire_rollback(ctx: &Context, ready: &Ready) {
    if crate::payload::forget_rollback(&ready.stick.payload_dir) {
        crate::ui::note(crate::messages::text(ctx.lang).payload_rollback_retired);
    }
}

/// Prepare the stick, then run codex with `args` on the terminal. After an
/// interactive session that failed, name the last error codex logged.
pub fn run(ctx: &Context, args: &[OsString], interactive: bool) -> Result<i32> {
    let ready = prepare_session(ctx)?;
    let codex = resolve_codex(ctx, &ready.stick)?;
    let mut inv = ready.invocation(&codex.path, args);
    if crate::login::needs_session(args) {
        ready.keep_out_of_the_stick(&mut inv, args, ctx.lang);
    }
    let scratch = scratch::Scratch::create(&ctx.env);
    if let Some(s) = &scratch {
        inv.set_vars(&s.vars());
    }
    let newer = crate::update::check::start(ctx, &ready.stick.codex_home());
    guard::check_login(ctx, &ready, &codex.path, args, interactive)?;
    if crate::login::needs_session(args) {
        preflight::preflight_on_launch(ctx, &ready);
    }
    ready.seen();
    crate::update::check::report(newer, ctx.lang);
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
    if interactive && code != 0 {
        explain::explain_failure(
            ctx,
            &ready,
            &ready.stick.codex_home().join("log").join("codex-tui.log"),
            &String::from_utf8_lossy(&stderr),
        );
    }
    Ok(code)
}
