//! The stick moved (`E:` to `F:` to `/media/usb`): codex's absolute paths
//! into the stick follow it.
//!
//! Codex stores absolute paths in `config.toml`: `[projects."<path>"]` trust
//! keys, MCP server `command` / `args` / `cwd` / `env`, `writable_roots`,
//! `sqlite_home`, `log_dir`, `notify`, ... Rather than a list that would
//! age, every string value and every `projects` key is looked at, in tables,
//! inline tables and arrays at any depth, and rewritten only when it is an
//! absolute path inside the old root; everything else keeps its bytes. This
//! is structural (`toml_edit`), never a text search-and-replace. Windows
//! paths compare without regard to case and lose their `\\?\` prefix;
//! Windows `projects` keys are written as literal strings (what codex and
//! users write); two keys that now name the same folder are merged (codex
//! refuses duplicate keys). A Windows root maps to a Unix one and back.

use toml_edit::{DocumentMut, Item, Key, Table, Value};

use crate::stick::winpath;

/// A stick root as a path string, Windows (`E:\`, `\\srv\share\x`) or
/// Unix (`/media/usb`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    text: String,
    windows: bool,
}

impl Root {
    /// `path` as a root; Windows style when it has a drive letter or is UNC.
    pub fn new(path: &str) -> Self {
        let plain = winpath::strip_verbatim(path);
        let windows = winpath::drive_letter(&plain).is_some() || plain.starts_with(r"\\");
        let mut text = if windows {
            plain.replace('/', "\\")
        } else {
            plain
        };
        while text.len() > 1
            && (text.ends_with('/') || text.ends_with('\\'))
            && !is_drive_root(&text)
        {
            text.pop();
        }
        Self { text, windows }
    }

    /// The root as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether two roots are the same folder.
    pub fn same(&self, other: &Root) -> bool {
        if self.windows && other.windows {
            winpath::normalize(&self.text) == winpath::normalize(&other.text)
        } else {
            self.text == other.text
        }
    }

    /// The path components below this root, if `path` lies inside it.
    fn below(&self, path: &str) -> Option<Vec<String>> {
        let (rest, sep) = if self.windows {
            let p = winpath::strip_verbatim(path).replace('/', "\\");
            let root = self.text.trim_end_matches('\\');
            if !p.is_char_boundary(root.len().min(p.len())) || p.len() < root.len() {
                return None;
            }
            let (head, tail) = p.split_at(root.len());
            if head.to_lowercase() != root.to_lowercase() {
                return None;
            }
            (tail.to_string(), '\\')
        } else {
            let root = self.text.trim_end_matches('/');
            (path.strip_prefix(root)?.to_string(), '/')
        };
        if !(rest.is_empty() || rest.starts_with(sep)) {
            return None; // `/media/usb2` is not inside `/media/usb`
        }
        Some(
            rest.split(sep)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
        )
    }

    /// This root joined with `parts`, in its own separator.
    fn join(&self, parts: &[String]) -> String {
        let sep = if self.windows { '\\' } else { '/' };
        let mut out = self.text.clone();
        for part in parts {
            if !out.ends_with(sep) {
                out.push(sep);
            }
            out.push_str(part);
        }
        out
    }
}

fn is_drive_root(p: &str) -> bool {
    p.len() == 3 && p.ends_with(":\\")
}

/// The stick moved from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: Root,
    pub to: Root,
}

impl Move {
    /// `path` at the new root, if it lay inside the old one.
    pub fn map(&self, path: &str) -> Option<String> {
        let parts = self.from.below(path)?;
        Some(self.to.join(&parts))
    }

    /// Rewrite `doc`; the number of values and keys changed.
    pub fn rewrite(&self, doc: &mut DocumentMut) -> usize {
        if self.from.same(&self.to) {
            return 0;
        }
        let mut changed = walk_table(self, doc.as_table_mut());
        if let Some(projects) = doc.get_mut("projects").and_then(Item::as_table_mut) {
            changed += self.rewrite_projects(projects);
        }
        changed
    }

    /// Rename `[projects."<path>"]` keys inside the stick; merge two that
    /// now name the same folder (the entry already at the new name wins a
    /// conflict, the moved one brings what it lacks).
    fn rewrite_projects(&self, projects: &mut Table) -> usize {
        let moved: Vec<(String, String)> = projects
            .iter()
            .filter_map(|(k, _)| self.map(k).map(|new| (k.to_string(), new)))
            .collect();
        let mut changed = 0;
        for (old, new) in moved {
            let Some((old_key, item)) = projects.remove_entry(&old) else {
                continue;
            };
            let existing = projects
                .iter()
                .map(|(k, _)| k.to_string())
                .find(|k| self.same_path(k, &new));
            match existing {
                Some(name) => merge_into(projects.get_mut(&name), item),
                None => {
                    let key = self
                        .key_for(&new)
                        .with_leaf_decor(old_key.leaf_decor().clone());
                    projects.insert_formatted(&key, item);
                }
            }
            changed += 1;
        }
        changed
    }

    fn same_path(&self, a: &str, b: &str) -> bool {
        if self.to.windows {
            winpath::normalize(a) == winpath::normalize(b)
        } else {
            a == b
        }
    }

    /// A key for `path`: a literal string on Windows (no escapes), else the
    /// default quoting.
    fn key_for(&self, path: &str) -> Key {
        if self.to.windows
            && !path.contains(['\'', '\n', '\r'])
            && let Ok(mut keys) = Key::parse(&format!("'{path}'"))
            && keys.len() == 1
        {
            return keys.remove(0);
        }
        Key::new(path)
    }
}

/// Fold the moved entry `from` into the one already at the new name.
fn merge_into(target: Option<&mut Item>, from: Item) {
    let (Some(target), Item::Table(from)) = (target, from) else {
        return;
    };
    if let Some(table) = target.as_table_like_mut() {
        for (k, v) in from.iter() {
            if !table.contains_key(k) {
                table.insert(k, v.clone());
            }
        }
    }
}

fn walk_table(mv: &Move, table: &mut Table) -> usize {
    table.iter_mut().map(|(_, item)| walk_item(mv, item)).sum()
}

fn walk_item(mv: &Move, item: &mut Item) -> usize {
    match item {
        Item::Value(v) => walk_value(mv, v),
        Item::Table(t) => walk_table(mv, t),
        Item::ArrayOfTables(a) => a.iter_mut().map(|t| walk_table(mv, t)).sum(),
        Item::None => 0,
    }
}

fn walk_value(mv: &Move, value: &mut Value) -> usize {
    match value {
        Value::String(s) => {
            let Some(new) = mv.map(s.value()) else {
                return 0;
            };
            let literal = s
                .as_repr()
                .and_then(|r| r.as_raw().as_str())
                .is_some_and(|raw| raw.starts_with('\''));
            let decor = s.decor().clone();
            // Keep the quoting the file had: 'literal' or "basic" (JSON's
            // escapes are a subset of TOML's basic-string escapes).
            let repr = if literal && !new.contains(['\'', '\n', '\r']) {
                format!("'{new}'")
            } else {
                serde_json::to_string(&new).unwrap_or_default()
            };
            let mut replaced = repr.parse::<Value>().unwrap_or_else(|_| Value::from(new));
            *replaced.decor_mut() = decor;
            *value = replaced;
            1
        }
        Value::Array(a) => a.iter_mut().map(|v| walk_value(mv, v)).sum(),
        Value::InlineTable(t) => t.iter_mut().map(|(_, v)| walk_value(mv, v)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(from: &str, to: &str, text: &str) -> (String, usize) {
        let mut doc: DocumentMut = text.parse().expect("valid toml");
        let n = Move {
            from: Root::new(from),
            to: Root::new(to),
        }
        .rewrite(&mut doc);
        let out = doc.to_string();
        out.parse::<DocumentMut>().expect("still valid toml");
        (out, n)
    }

    #[test]
    fn paths_map_between_roots_and_systems() {
        let mv = |a: &str, b: &str, p: &str| {
            Move {
                from: Root::new(a),
                to: Root::new(b),
            }
            .map(p)
        };
        assert_eq!(
            mv(r"E:\", r"F:\", r"E:\work\x").as_deref(),
            Some(r"F:\work\x")
        );
        assert_eq!(
            mv(r"E:\", r"F:\", r"e:\Work\x").as_deref(),
            Some(r"F:\Work\x")
        );
        assert_eq!(
            mv(r"E:\", r"F:\", r"\\?\E:\work").as_deref(),
            Some(r"F:\work")
        );
        assert_eq!(
            mv(r"E:\stick", r"F:\", r"E:\STICK\a\b").as_deref(),
            Some(r"F:\a\b")
        );
        assert_eq!(
            mv(r"E:\", "/media/usb", r"E:\work\x").as_deref(),
            Some("/media/usb/work/x")
        );
        assert_eq!(
            mv("/media/usb", r"E:\", "/media/usb/work/x").as_deref(),
            Some(r"E:\work\x")
        );
        assert_eq!(
            mv("/media/usb", "/mnt/s", "/media/usb").as_deref(),
            Some("/mnt/s")
        );
        // Outside the stick, or a sibling that only shares a prefix.
        assert_eq!(mv(r"E:\stick", r"F:\", r"E:\stick2\x"), None);
        assert_eq!(mv(r"E:\", r"F:\", r"C:\Users\ann"), None);
        assert_eq!(mv("/media/usb", "/mnt/s", "/media/usb2/x"), None);
        assert_eq!(mv("/media/usb", "/mnt/s", "relative/x"), None);
        assert_eq!(mv(r"E:\", r"F:\", "gpt-5"), None);
    }

    #[test]
    fn every_path_inside_the_stick_moves_and_nothing_else_changes() {
        let before = r#"# my settings
model = "gpt-5"   # favourite
sqlite_home = 'E:\codex_state'
notify = ['E:\tools\notify.exe', "--flag"]

[projects.'E:\work\repo']
trust_level = "trusted"

[projects.'C:\Users\ann\elsewhere']
trust_level = "trusted"

[mcp_servers.docs]
command = 'E:\tools\docs-mcp.exe'
args = ["--root", 'E:\work\repo', "--verbose"]
cwd = "E:\\work"
env = { DOCS_HOME = 'E:\docs', OTHER = "plain" }

[sandbox_workspace_write]
writable_roots = ['E:\work', 'D:\scratch']
"#;
        let (after, n) = moved(r"E:\", r"F:\", before);
        let expected = before
            .replace(r"'E:\", r"'F:\")
            .replace(r#""E:\\work""#, r#""F:\\work""#);
        assert_eq!(after, expected);
        assert_eq!(n, 8);
    }

    #[test]
    fn keys_that_now_name_the_same_folder_are_merged() {
        let before = "[projects.'F:\\work']\ntrust_level = \"trusted\"\n\n\
                      [projects.'e:\\WORK']\ntrust_level = \"untrusted\"\nextra = 1\n";
        let (after, n) = moved(r"E:\", r"F:\", before);
        assert_eq!(n, 1);
        let doc: DocumentMut = after.parse().expect("toml");
        let projects = doc["projects"].as_table().expect("projects");
        assert_eq!(projects.len(), 1, "{after}");
        assert_eq!(
            projects[r"F:\work"]["trust_level"].as_str(),
            Some("trusted")
        );
        assert_eq!(projects[r"F:\work"]["extra"].as_integer(), Some(1));
    }

    #[test]
    fn a_windows_stick_opened_on_linux() {
        let before = "[projects.'E:\\work\\x']\ntrust_level = \"trusted\"\n\n\
                      [mcp_servers.a]\ncommand = 'E:\\bin\\a'\n";
        let (after, _) = moved(r"E:\", "/media/usb", before);
        let doc: DocumentMut = after.parse().expect("toml");
        assert_eq!(
            doc["projects"]["/media/usb/work/x"]["trust_level"].as_str(),
            Some("trusted"),
            "{after}"
        );
        assert_eq!(
            doc["mcp_servers"]["a"]["command"].as_str(),
            Some("/media/usb/bin/a")
        );
        // And back: Windows keys are literal strings again.
        let (back, _) = moved("/media/usb", r"F:\", &after);
        assert!(back.contains(r"[projects.'F:\work\x']"), "{back}");
        assert!(back.contains(r"command = 'F:\bin\a'"), "{back}");
    }

    #[test]
    fn the_same_root_changes_nothing() {
        let text = "[projects.'E:\\w']\ntrust_level = \"trusted\"\n";
        assert_eq!(moved(r"E:\", r"\\?\e:\", text), (text.to_string(), 0));
        assert!(Root::new("/media/usb/").same(&Root::new("/media/usb")));
    }
}
