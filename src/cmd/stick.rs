//! `usbide stick`: where usbide runs from, and the drive under it.

use anyhow::Result;

use crate::context::Context;
use crate::messages::fill;
use crate::stick::drive::human_bytes_in;

/// Print the stick report on stdout (`json`: docs/stick.schema.json).
pub fn run(ctx: &Context, json: bool) -> Result<i32> {
    let t = crate::messages::text(ctx.lang);
    let shown = |p: &std::path::Path| p.display().to_string();
    let stick = ctx.stick()?;
    if json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "root": stick.root.display().to_string(),
            "codex_home": stick.codex_home().display().to_string(),
            "payload": stick.payload_dir.display().to_string(),
            "drive": stick.drive(),
        });
        crate::out::json(&doc)?;
        return Ok(crate::exit::OK);
    }
    let report = fill(
        t.stick_report,
        &[
            ("root", &shown(&stick.root)),
            ("home", &shown(&stick.codex_home())),
            ("payload", &shown(&stick.payload_dir)),
        ],
    );
    crate::out::println!("{report}");
    let Some(d) = stick.drive() else {
        crate::out::println!("{}", t.stick_report_unlisted);
        return Ok(crate::exit::OK);
    };
    let letter = d
        .drive_letter
        .map(|l| format!(" ({l}:)"))
        .unwrap_or_default();
    let yes_no = |b: bool| if b { t.yes } else { t.no };
    let perm = if d.lacks_permissions() {
        t.stick_report_no_perm
    } else {
        ""
    };
    let drive = fill(
        t.stick_report_drive,
        &[
            ("mount", &d.mount_point),
            ("letter", &letter),
            ("fs", &d.file_system),
            ("perm", perm),
            ("removable", yes_no(d.removable)),
            ("remote", yes_no(d.remote)),
            ("read_only", yes_no(d.read_only)),
            ("free", &human_bytes_in(d.free_bytes, ctx.lang)),
            ("total", &human_bytes_in(d.total_bytes, ctx.lang)),
            ("id", d.volume_id.as_deref().unwrap_or(t.volume_id_unknown)),
        ],
    );
    crate::out::println!("{drive}");
    Ok(crate::exit::OK)
}
