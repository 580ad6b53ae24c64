//! `usbide init [DIR]` (see [`crate::session::setup`]).

use std::path::Path;

use anyhow::Result;

use crate::context::Context;

/// `usbide init [DIR]`.
pub fn run(ctx: &Context, dir: Option<&Path>) -> Result<i32> {
    crate::session::setup::run(ctx, dir)
}
