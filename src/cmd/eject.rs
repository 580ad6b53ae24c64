//! `usbide eject [--wait]`: see [`crate::session::eject`].

use anyhow::Result;

use crate::context::Context;

/// Run the command.
pub fn run(ctx: &Context, wait: bool, after: Option<u32>) -> Result<i32> {
    crate::session::eject::run(ctx, wait, after)
}
