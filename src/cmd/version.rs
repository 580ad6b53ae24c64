//! `usbide --version`: usbide's version, commit and build date, and the
//! codex this stick carries for this computer. Never fails.

use anyhow::Result;

use crate::context::Context;
use crate::messages::{fill, text};

/// The commit usbide was built from (`build.rs`; "unknown" outside git).
pub const COMMIT: &str = env!("USBIDE_COMMIT");
/// The date of that commit (reproducible: not the clock of the build).
pub const BUILD_DATE: &str = env!("USBIDE_BUILD_DATE");

/// The first line: `usbide 0.1.0 (commit 06c32bbe3778, 2026-11-25, x86_64-pc-windows-msvc)`.
pub const LINE: &str = concat!(
    "usbide ",
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("USBIDE_COMMIT"),
    ", ",
    env!("USBIDE_BUILD_DATE"),
    ", ",
    env!("USBIDE_TARGET"),
    ")"
);

/// Print the version lines.
pub fn run(ctx: &Context) -> Result<i32> {
    crate::out::println!("{LINE}");
    crate::out::println!("{}", codex_line(ctx));
    Ok(crate::exit::OK)
}

fn codex_line(ctx: &Context) -> String {
    let t = text(ctx.lang);
    let Ok(stick) = ctx.stick() else {
        return t.version_no_stick.to_string();
    };
    let host = crate::payload::target::host();
    let record = host.and_then(|h| {
        crate::payload::record::Record::load(&stick.payload_dir.join(h.triple))
            .ok()
            .map(|r| (r.version, h.triple))
    });
    match record {
        Some((version, target)) => fill(
            t.version_codex,
            &[("version", &version), ("target", target)],
        ),
        None => t.version_no_codex.to_string(),
    }
}
