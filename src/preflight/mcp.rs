//! The MCP servers of `codex_home/config.toml` whose program is not on this
//! computer. codex says nothing of an optional server that fails to start
//! in `codex exec` (and stops before the first turn for a required one):
//! the preflight names it before codex starts.

use std::path::Path;

use crate::environ::Environ;
use crate::messages::{Lang, fill, text};
use crate::preflight::check::{Check, Group};

/// A check for each enabled `[mcp_servers.NAME]` whose `command` is not
/// found: an absolute path that does not exist, or a name not on PATH. A
/// relative path is left alone (codex resolves it from its own folder).
pub fn check(codex_home: &Path, env: &Environ, lang: Lang) -> Vec<Check> {
    let Some(config) = crate::home::provider::read_config_text(&codex_home.join("config.toml"))
    else {
        return Vec::new();
    };
    let Ok(doc) = config.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let Some(servers) = doc.get("mcp_servers").and_then(|s| s.as_table_like()) else {
        return Vec::new();
    };
    let t = text(lang);
    servers
        .iter()
        .filter(|(_, server)| server.get("enabled").and_then(|e| e.as_bool()) != Some(false))
        .filter_map(|(name, server)| {
            let command = server.get("command")?.as_str()?;
            (!found(command, env)).then(|| {
                let name = crate::escape::escape(name).into_owned();
                let shown = crate::escape::escape(command).into_owned();
                Check::warn(
                    Group::CodexHome,
                    format!("mcp.{name}"),
                    fill(t.mcp_missing, &[("name", &name), ("command", &shown)]),
                    fill(t.mcp_missing_fix, &[("name", &name)]),
                )
            })
        })
        .take(16)
        .collect()
}

fn found(command: &str, env: &Environ) -> bool {
    let path = Path::new(command);
    if path.is_absolute() {
        return path.exists();
    }
    if command.contains(['/', '\\']) || command.trim().is_empty() {
        return true;
    }
    crate::launch::find_on_path(env, command).is_some()
}
