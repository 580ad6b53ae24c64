//! `usbide status` (see [`crate::session::status`]).

use anyhow::Result;

use crate::context::Context;

/// Run the command: exit 0 when logged in.
pub fn run(ctx: &Context, json: bool) -> Result<i32> {
    crate::session::status::run(ctx, json)
}
