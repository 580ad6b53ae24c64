//! Last step: after an interactive session that failed, name the last error
//! codex logged and its fix.

use crate::context::Context;
use crate::ui::note;

/// Print the diagnosis of the last error in the tail of codex's log.
pub fn explain_log(ctx: &Context, log: &std::path::Path) {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(log) else {
        return;
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(TAIL)));
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(&bytes);
    let lang =
        crate::events::hints::Lang::detect(&ctx.env, crate::platform::user_locale().as_deref());
    if let Some(d) = text
        .lines()
        .rev()
        .find_map(crate::events::diagnose::classify)
    {
        note(&format!(
            "codex ended with an error: {}",
            crate::events::hints::title(d.cause, lang)
        ));
        note(&crate::events::hints::hint(&d, lang));
    }
}
