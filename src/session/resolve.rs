//! Second step: which codex runs. The stick's payload for this host; if it
//! is missing, an offer to install it, else codex on PATH with a warning.

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::launch::CodexExe;
use crate::stick::Stick;
use crate::ui::{ask, note};

/// The codex to run: the stick's payload for this host; if it is missing,
/// offer to install it (on a terminal), else fall back to PATH with a warning.
pub fn resolve_codex(ctx: &Context, stick: &Stick) -> Result<CodexExe> {
    let target = crate::payload::target::host()
        .context("codex is not published for this OS and architecture")?;
    let missing = match crate::payload::tree_for(&stick.payload_dir, target) {
        Ok(tree) => {
            return Ok(CodexExe {
                path: tree.exe,
                from_path: false,
            });
        }
        Err(reason) => reason,
    };
    if ctx.settings.assume_yes
        || ask(&format!(
            "codex is not on this stick yet ({missing}). Download it now?"
        ))?
    {
        let installed = crate::cmd::payload::install_for_launch(ctx, stick, target)?;
        return Ok(CodexExe {
            path: installed,
            from_path: false,
        });
    }
    if let Some(path) = crate::launch::find_on_path(&ctx.env, "codex") {
        note(&format!(
            "warning: no codex on the stick ({missing}); using {} from this host's PATH. \
             Its version is not the stick's; run `usbide payload install` to carry codex with you",
            path.display()
        ));
        return Ok(CodexExe {
            path,
            from_path: true,
        });
    }
    Err(crate::payload::PayloadError::Layout {
        reason: format!(
            "no codex on the stick ({missing}) and none on PATH; run `usbide payload install`"
        ),
    }
    .into())
}
