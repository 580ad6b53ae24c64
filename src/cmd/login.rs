//! `usbide login`, `usbide logout` (see [`crate::session::login`]).

use anyhow::Result;

use crate::cli::LoginArgs;
use crate::context::Context;

/// `usbide login`.
pub fn run(ctx: &Context, args: &LoginArgs) -> Result<i32> {
    crate::session::login::run(ctx, args)
}

/// `usbide logout`.
pub fn logout(ctx: &Context) -> Result<i32> {
    crate::session::login::logout(ctx)
}
