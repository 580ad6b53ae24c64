//! `usbide schema [NAME]`: the JSON schemas the `--json` reports follow,
//! compiled in (they live in the repository's `docs/`, not on a stick).

use anyhow::{Result, bail};

/// Each report's schema, by name.
pub const SCHEMAS: &[(&str, &str)] = &[
    ("config", include_str!("../../docs/config.schema.json")),
    ("doctor", include_str!("../../docs/doctor.schema.json")),
    ("env", include_str!("../../docs/env.schema.json")),
    (
        "payload-status",
        include_str!("../../docs/payload-status.schema.json"),
    ),
    ("status", include_str!("../../docs/status.schema.json")),
    ("stick", include_str!("../../docs/stick.schema.json")),
];

/// Print the schema `name`, or the names.
pub fn run(name: Option<&str>, lang: crate::messages::Lang) -> Result<i32> {
    let Some(name) = name else {
        for (n, _) in SCHEMAS {
            crate::out::println!("{n}");
        }
        return Ok(crate::exit::OK);
    };
    let Some((_, schema)) = SCHEMAS.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> = SCHEMAS.iter().map(|(n, _)| *n).collect();
        bail!(crate::cli::UsageError(crate::messages::fill(
            crate::messages::text(lang).schema_unknown,
            &[("name", name), ("known", &known.join(", "))]
        )));
    };
    crate::out::print!("{schema}");
    Ok(crate::exit::OK)
}
