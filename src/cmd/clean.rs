//! `usbide clean`: show what codex or usbide left on this computer, outside
//! the stick, and remove it. Temporary folders of sessions that are gone are
//! usbide's own and go at once; a `~/.codex` may be this computer's own
//! codex, so it goes only after a question that names it (never by `--yes`).

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::preflight::traces::{self, Trace};
use crate::ui::{confirm, note};

/// Run the command.
pub fn run(ctx: &Context) -> Result<i32> {
    let found = traces::find(&ctx.env);
    if found.is_empty() {
        note("nothing of codex or usbide is left on this computer");
        return Ok(crate::exit::OK);
    }
    for trace in &found {
        crate::out::println!("{}", trace.path().display());
    }
    let mut kept = false;
    for trace in found {
        match trace {
            Trace::Scratch(dir) => {
                std::fs::remove_dir_all(&dir)
                    .with_context(|| format!("cannot remove {}", dir.display()))?;
                note(&format!("removed {}", dir.display()));
            }
            Trace::CodexHome(dir) => {
                let question = format!(
                    "remove {} (codex's home on this computer: its config, login and history)?",
                    dir.display()
                );
                if confirm(&question)? {
                    std::fs::remove_dir_all(&dir)
                        .with_context(|| format!("cannot remove {}", dir.display()))?;
                    note(&format!("removed {}", dir.display()));
                } else {
                    kept = true;
                    note(&format!("kept {}", dir.display()));
                }
            }
        }
    }
    Ok(if kept { 1 } else { crate::exit::OK })
}
