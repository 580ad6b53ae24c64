//! `usbide clean`: show what codex or usbide left on this computer, outside
//! the stick, and remove it. Temporary folders of sessions that are gone are
//! usbide's own and go at once; a `~/.codex` may be this computer's own
//! codex, so it goes only after a question that names it (never by `--yes`).

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::preflight::leftovers;
use crate::preflight::traces::{self, Trace};
use crate::ui::{confirm, note};

/// Run the command.
pub fn run(ctx: &Context) -> Result<i32> {
    let t = crate::messages::text(ctx.lang);
    let said = |template: &str, path: &std::path::Path| {
        crate::messages::fill(template, &[("path", &path.display().to_string())])
    };
    let stick_home = ctx.stick().map(|s| s.codex_home()).unwrap_or_default();
    let found = traces::find(&ctx.env, &stick_home);
    // The Windows tools answer in well under a second; a hung one is let go.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let left = leftovers::find(
        &ctx.env,
        &stick_home,
        ctx.settings.host.as_deref(),
        deadline,
    );
    if found.is_empty() && left.is_empty() {
        note(t.clean_nothing);
        return Ok(crate::exit::OK);
    }
    let mut kept =
        !left.is_empty() && !crate::session::sandbox::remove_leftovers(ctx, &stick_home, &left)?;
    for trace in &found {
        crate::out::println!("{}", trace.path().display());
    }
    for trace in found {
        match trace {
            Trace::PrivateHome(dir) | Trace::Scratch(dir) => {
                std::fs::remove_dir_all(&dir).with_context(|| said(t.cannot_remove, &dir))?;
                note(&said(t.clean_removed, &dir));
            }
            Trace::CodexHome(dir) => {
                if confirm(&said(t.clean_ask_codex_home, &dir), ctx.lang)? {
                    std::fs::remove_dir_all(&dir).with_context(|| said(t.cannot_remove, &dir))?;
                    note(&said(t.clean_removed, &dir));
                } else {
                    kept = true;
                    note(&said(t.clean_kept, &dir));
                }
            }
        }
    }
    Ok(if kept { 1 } else { crate::exit::OK })
}
