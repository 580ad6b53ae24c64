//! The MCP servers of `codex_home/config.toml` whose program is not on this
//! computer. codex says nothing of an optional server that fails to start
//! in `codex exec` (and stops before the first turn for a required one):
//! the preflight names it before codex starts.

use std::path::Path;

use crate::environ::Environ;
use crate::messages::{Lang, fill, text};
use crate::preflight::check::{Check, Group};

/// A check for each enabled `[mcp_servers.NAME]` whose `command` is not
/// found (`servers`: as [`crate::home::provider::Provider`] read them): an
/// absolute path that does not exist, or a name not on PATH. A relative
/// path is left alone (codex resolves it from its own folder).
pub fn check(servers: &[(String, String)], env: &Environ, lang: Lang) -> Vec<Check> {
    let t = text(lang);
    servers
        .iter()
        .filter(|(_, command)| !found(command, env))
        .map(|(name, command)| {
            let name = crate::escape::escape(name).into_owned();
            let shown = crate::escape::escape(command).into_owned();
            Check::warn(
                Group::CodexHome,
                format!("mcp.{name}"),
                fill(t.mcp_missing, &[("name", &name), ("command", &shown)]),
                fill(t.mcp_missing_fix, &[("name", &name)]),
            )
        })
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
