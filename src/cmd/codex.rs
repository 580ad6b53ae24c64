//! `usbide` (no subcommand), `usbide run -- ARGS` and `usbide codex -- ARGS`:
//! codex with the stick's home, environment and overrides.

use std::ffi::OsString;

use anyhow::Result;

use crate::context::Context;

/// Run codex with `args`; its exit code becomes usbide's. `interactive`
/// (plain `usbide` / `usbide run`) explains a failed session from codex's log.
pub fn run(ctx: &Context, args: &[OsString], interactive: bool) -> Result<i32> {
    crate::session::run(ctx, args, interactive)
}
