//! Last step: after an interactive session that failed, name what went wrong
//! and its fix, from what codex wrote to stderr (a session can die before its
//! log exists) and the tail of its log; a network cause codex hides is named
//! by a probe of the endpoint, as `usbide exec` does.

use crate::context::Context;
use crate::diagnose::phrases;
use crate::diagnose::{self, Diagnosis};
use crate::escape::strip_ansi;
use crate::session::Ready;
use crate::ui::note;

/// Print the diagnosis of a failed session.
pub fn explain_failure(ctx: &Context, ready: &Ready, log: &std::path::Path, stderr: &str) {
    let lang = ctx.lang;
    let Some(mut d) = diagnosis(&strip_ansi(stderr)).or_else(|| diagnosis(&log_tail(log))) else {
        return;
    };
    if d.cause.hides_network_cause()
        && let Some(found) = crate::net::probe::probe_model(&ctx.env, &ready.provider.endpoint)
    {
        d = found;
    }
    let t = crate::messages::text(lang);
    note(&crate::messages::fill(
        t.session_failed,
        &[("title", &phrases::inline_title(d.cause, lang))],
    ));
    note(&phrases::hint(&d, lang));
}

/// The most telling diagnosis in `text`: the last one that names a cause,
/// else the last one at all (a hidden network cause).
fn diagnosis(text: &str) -> Option<Diagnosis> {
    let found: Vec<Diagnosis> = text.lines().filter_map(diagnose::classify).collect();
    found
        .iter()
        .rev()
        .find(|d| !d.cause.hides_network_cause())
        .or(found.last())
        .cloned()
}

/// The last 64 KiB of codex's log.
fn log_tail(log: &std::path::Path) -> String {
    crate::fsx::read_tail(log, 64 * 1024)
}
