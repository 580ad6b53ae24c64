//! `usbide` (no subcommand), `usbide run -- ARGS` and `usbide codex -- ARGS`:
//! codex with the stick's home, environment and overrides.

use std::ffi::OsString;

use anyhow::Result;

use crate::context::Context;

/// Run codex with `args`; its exit code becomes usbide's. `interactive`
/// (plain `usbide` / `usbide run`) explains a failed session from codex's log.
/// A usbide alone on an empty stick (no stick folder around it) first
/// offers to set that stick up.
pub fn run(ctx: &Context, args: &[OsString], interactive: bool) -> Result<i32> {
    if let Err(e) = ctx.stick()
        && matches!(
            e.downcast_ref(),
            Some(crate::stick::root::RootError::NotFound { .. })
        )
    {
        use crate::session::setup::{Offer, SetUp};
        let root = match crate::session::setup::offer_for_lone_exe(ctx)? {
            Offer::Ready(root) => root,
            // The user said no: nothing to explain.
            Offer::Not(SetUp::Declined) => return Ok(crate::exit::OK),
            Offer::None | Offer::Not(_) => {
                crate::ui::note(crate::messages::text(ctx.lang).init_lone_hint);
                return Err(e);
            }
        };
        let mut settings = ctx.settings.clone();
        settings.root = Some(root);
        return crate::session::run(&ctx.with_settings(settings), args, interactive);
    }
    crate::session::run(ctx, args, interactive)
}
