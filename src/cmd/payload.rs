//! `usbide payload ...` (see [`crate::session::payload`]).

use anyhow::Result;

use crate::cli::PayloadCommand;
use crate::context::Context;

/// Dispatch `usbide payload ...`.
pub fn run(ctx: &Context, action: &PayloadCommand) -> Result<i32> {
    crate::session::payload::run(ctx, action)
}
