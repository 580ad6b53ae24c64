//! `usbide stick`: where usbide runs from, and the drive under it.

use anyhow::Result;

use crate::context::Context;
use crate::stick::drive::human_bytes;

/// Print the stick report on stdout (`json`: docs/stick.schema.json).
pub fn run(ctx: &Context, json: bool) -> Result<i32> {
    let stick = ctx.stick()?;
    if json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "root": stick.root.display().to_string(),
            "codex_home": stick.codex_home().display().to_string(),
            "payload": stick.payload_dir.display().to_string(),
            "drive": stick.drive(),
        });
        crate::out::println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(crate::exit::OK);
    }
    crate::out::println!("root        {}", stick.root.display());
    crate::out::println!("codex_home  {}", stick.codex_home().display());
    crate::out::println!("payload     {}", stick.payload_dir.display());
    let Some(d) = stick.drive() else {
        crate::out::println!("drive       not listed by the OS");
        return Ok(crate::exit::OK);
    };
    let letter = d
        .drive_letter
        .map(|l| format!(" ({l}:)"))
        .unwrap_or_default();
    crate::out::println!("drive       {}{letter}", d.mount_point);
    crate::out::println!(
        "file system {}{}",
        d.file_system,
        if d.lacks_permissions() {
            " (no file permissions: anyone with the stick can read auth.json)"
        } else {
            ""
        }
    );
    crate::out::println!("removable   {}", if d.removable { "yes" } else { "no" });
    crate::out::println!("read-only   {}", if d.read_only { "yes" } else { "no" });
    crate::out::println!(
        "space       {} free of {}",
        human_bytes(d.free_bytes),
        human_bytes(d.total_bytes)
    );
    crate::out::println!(
        "volume id   {}",
        d.volume_id.as_deref().unwrap_or("unknown")
    );
    Ok(crate::exit::OK)
}
