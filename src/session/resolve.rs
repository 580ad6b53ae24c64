//! Second step: which codex runs. The stick's payload for this host; if it
//! is missing, an offer to install it, else codex on PATH with a warning.

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::launch::CodexExe;
use crate::stick::Stick;
use crate::ui::{ask, note};

/// The codex to run: the stick's payload for this host; if it is missing,
/// offer to install it (on a terminal), else fall back to PATH with a
/// warning. Without the stick's lock (`may_install` false: a reader beside a
/// running session) nothing is offered: an install writes.
pub fn resolve_codex(ctx: &Context, stick: &Stick, may_install: bool) -> Result<CodexExe> {
    let t = crate::messages::text(ctx.lang);
    let fill = crate::messages::fill;
    let target = crate::payload::target::host().context(t.payload_unpublished)?;
    let tree = if may_install {
        crate::payload::tree_for(&stick.payload_dir, target, ctx.lang)
    } else {
        crate::payload::tree_as_it_is(&stick.payload_dir, target, ctx.lang)
    };
    let missing = match tree {
        Ok(tree) => {
            crate::payload::check_unchanged(&tree)?;
            return Ok(CodexExe {
                path: tree.exe,
                from_path: false,
            });
        }
        Err(reason) => reason,
    };
    if may_install
        && (ctx.settings.assume_yes
            || ask(
                &fill(t.codex_no_payload_ask, &[("missing", &missing)]),
                ctx.lang,
            )?)
    {
        let installed = crate::session::payload::install_for_launch(ctx, stick, target)?;
        return Ok(CodexExe {
            path: installed,
            from_path: false,
        });
    }
    if let Some(path) = crate::launch::find_on_path(&ctx.env, "codex") {
        let shown = path.display().to_string();
        note(&fill(
            t.codex_from_path,
            &[("missing", &missing), ("path", &shown)],
        ));
        return Ok(CodexExe {
            path,
            from_path: true,
        });
    }
    Err(crate::payload::PayloadError::Layout {
        reason: fill(t.codex_nowhere, &[("missing", &missing)]),
    }
    .into())
}
