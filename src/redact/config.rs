//! The support bundle's copy of `config.toml`: its shape (tables, keys,
//! numbers, booleans) without any string a person could have put a secret in.
//!
//! Invariant: every string value is replaced by `"<redacted>"` unless its own
//! key is on [`SHOWN`] and no enclosing key is a free-form map ([`MAPS`]:
//! `env`, `http_headers`, ...). Comments go too (they hold old keys as often
//! as explanations). Keys stay: they are config names, project paths
//! (`[projects."/home/ann/repo"]`, needed to diagnose trust) and header or
//! variable *names*; the whole output still passes through
//! [`crate::redact::text`], so a key shaped like a credential is hidden too.

use toml_edit::visit_mut::{self, VisitMut};
use toml_edit::{DocumentMut, Formatted, Item, KeyMut, Value};

/// Keys whose string values are settings, not secrets. Shown through
/// [`crate::redact::text`] all the same (a `base_url` can carry `?key=`).
const SHOWN: &[&str] = &[
    "model",
    "model_provider",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_verbosity",
    "approval_policy",
    "sandbox_mode",
    "sandbox",
    "trust_level",
    "forced_login_method",
    "forced_chatgpt_workspace_id",
    "cli_auth_credentials_store",
    "mcp_oauth_credentials_store",
    "wire_api",
    "name",
    "env_key",
    "base_url",
    "openai_base_url",
    "chatgpt_base_url",
    "profile",
    "persistence",
    "log_dir",
    "sqlite_home",
    "file_opener",
];

/// Tables whose keys are chosen by the user (variable or header names): no
/// value under them is shown, whatever its key is called.
const MAPS: &[&str] = &[
    "env",
    "http_headers",
    "env_http_headers",
    "query_params",
    "headers",
];

const REDACTED: &str = "<redacted>";

/// The bundle's `config.toml`: structurally redacted when it parses, else a
/// skeleton of its table headers and key names, values and comments dropped.
pub fn redact(text: &str) -> String {
    let out = match text.parse::<DocumentMut>() {
        Ok(mut doc) => {
            Redactor::default().visit_document_mut(&mut doc);
            doc.set_trailing("");
            doc.to_string()
        }
        Err(e) => skeleton(text, e.span().map(|s| line_of(text, s.start))),
    };
    crate::redact::text(&out)
}

/// Every value of `config.toml` that [`redact`] hides, as text: a secret
/// codex may quote elsewhere (its own error about a bad value, a header
/// echoed in a log). Values shorter than [`KNOWN_MIN`] characters are left
/// out (too common to hide everywhere, too short to be a credential).
pub fn known_secrets(text: &str) -> Vec<String> {
    let mut found = match text.parse::<DocumentMut>() {
        Ok(mut doc) => {
            let mut r = Redactor {
                collect: true,
                ..Redactor::default()
            };
            r.visit_document_mut(&mut doc);
            r.found
        }
        // A file that does not parse: every quoted text of a line whose key
        // is not a shown one.
        Err(_) => text
            .lines()
            .filter(|l| {
                let key = l.split('=').next().unwrap_or("").trim();
                !SHOWN.contains(&key)
            })
            .flat_map(quoted)
            .collect(),
    };
    found.retain(|v| v.trim().chars().count() >= KNOWN_MIN);
    found.sort();
    found.dedup();
    found
}

/// The shortest config value hidden wherever it appears.
pub const KNOWN_MIN: usize = 5;

/// The texts between double or single quotes on `line`.
fn quoted(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for q in ['"', '\''] {
        let mut parts = line.split(q);
        parts.next();
        while let Some(inside) = parts.next() {
            out.push(inside.to_string());
            parts.next();
        }
    }
    out
}

#[derive(Default)]
struct Redactor {
    keys: Vec<String>,
    /// Collect what is hidden (for [`known_secrets`]) instead of hiding it.
    collect: bool,
    found: Vec<String>,
}

impl Redactor {
    fn in_map(&self) -> bool {
        self.keys.iter().any(|k| MAPS.contains(&k.as_str()))
    }

    fn shown(&self) -> bool {
        let own = self.keys.last().map(String::as_str);
        !self.in_map() && own.is_some_and(|k| SHOWN.contains(&k))
    }
}

impl VisitMut for Redactor {
    fn visit_table_mut(&mut self, node: &mut toml_edit::Table) {
        node.decor_mut().clear();
        visit_mut::visit_table_mut(self, node);
    }

    fn visit_inline_table_mut(&mut self, node: &mut toml_edit::InlineTable) {
        node.decor_mut().clear();
        node.set_trailing("");
        visit_mut::visit_inline_table_mut(self, node);
    }

    fn visit_table_like_kv_mut(&mut self, mut key: KeyMut<'_>, node: &mut Item) {
        key.leaf_decor_mut().clear();
        key.dotted_decor_mut().clear();
        self.keys.push(key.get().to_string());
        visit_mut::visit_item_mut(self, node);
        self.keys.pop();
    }

    fn visit_array_mut(&mut self, node: &mut toml_edit::Array) {
        node.decor_mut().clear();
        node.set_trailing("");
        visit_mut::visit_array_mut(self, node);
    }

    fn visit_value_mut(&mut self, node: &mut Value) {
        match node {
            Value::String(s) if self.collect => {
                if !self.shown() {
                    self.found.push(s.value().clone());
                }
            }
            Value::String(s) => {
                let shown = if self.shown() {
                    crate::redact::text(s.value())
                } else {
                    REDACTED.to_string()
                };
                *s = Formatted::new(shown);
            }
            // Under a table of variables or headers every scalar is a
            // value somebody chose: a number can be a key or a PIN too.
            Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_)
                if self.in_map() =>
            {
                if self.collect {
                    self.found.push(node.clone().decorated("", "").to_string());
                } else {
                    *node = Value::String(Formatted::new(REDACTED.to_string()));
                }
            }
            _ => {
                node.decor_mut().clear();
                visit_mut::visit_value_mut(self, node);
            }
        }
    }
}

/// The line (1-based) of byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// For a file that does not parse: table headers and `key =` of each line,
/// nothing from inside multi-line strings, no value, no comment.
fn skeleton(text: &str, error_line: Option<usize>) -> String {
    let mut out = format!(
        "# config.toml does not parse{}; only its table headers and key names are kept\n",
        error_line.map_or(String::new(), |l| format!(" (line {l})"))
    );
    let mut in_multiline = false;
    for line in text.lines() {
        let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
        let was_inside = in_multiline;
        in_multiline ^= quotes % 2 == 1;
        let trimmed = line.trim();
        if was_inside || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let is_key = |k: &str| {
            !k.is_empty()
                && k.chars().all(|c| {
                    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' ' | '/')
                })
        };
        let shown = if trimmed.starts_with('[')
            && trimmed.ends_with(']')
            && is_key(trimmed.trim_matches(['[', ']']))
        {
            trimmed.to_string()
        } else {
            match trimmed.split_once('=') {
                Some((key, _)) if is_key(key.trim()) => format!("{} = \"{REDACTED}\"", key.trim()),
                _ => "# <redacted line>".to_string(),
            }
        };
        out.push_str(&shown);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A canary in every place TOML lets a value be.
    const EVERY_POSITION: &str = r#"
# a comment with CANARY-01
model = "gpt-5" # trailing CANARY-02
top_secret = "CANARY-03"
experimental_bearer_token = "CANARY-04"
dotted.key.path = "CANARY-05"
multi_basic = """
line one CANARY-06
line two"""
multi_literal = '''
CANARY-07 literal'''
literal = 'CANARY-08'
notify = ["notify-send", "--token", "CANARY-09"]
nested_arrays = [["CANARY-10"], [1, "CANARY-11"]]
inline = { a = "CANARY-12", b = { c = "CANARY-13" } }
env = { X = "CANARY-14", model = "CANARY-15" }
forced_chatgpt_workspace_id = ["ws-visible"]

[model_providers.corp]
name = "Corp"
base_url = "https://u:CANARY-16@llm.corp/v1?api-key=CANARY-17"
env_key = "CORP_KEY"
query_params = { "api-version" = "2025", key = "CANARY-18" }
http_headers = { "X-Api-Key" = "CANARY-19" }
wire_api = "responses"

[model_providers.corp.env_http_headers]
Authorization = "CANARY-20"

[mcp_servers.db]
command = "db-mcp"
args = ["--password", "CANARY-21"]

[mcp_servers.db.env]
DB_URL = "postgres://u:CANARY-22@h/db"
model = "CANARY-23"

[[profiles_list]]
token = "CANARY-24"
[[profiles_list]]
sub.deep = { deeper = ["CANARY-25"] }

[projects."/home/ann/repo"]
trust_level = "trusted"

[features]
web_search = true
"quoted key" = "CANARY-26"
"#;

    #[test]
    fn no_canary_survives_any_value_position() {
        let out = redact(EVERY_POSITION);
        assert!(!out.contains("CANARY"), "{out}");
        for kept in [
            "model = \"gpt-5\"",
            "trust_level = \"trusted\"",
            "[projects.\"/home/ann/repo\"]",
            "wire_api = \"responses\"",
            "env_key = \"CORP_KEY\"",
            "web_search = true",
            "\"ws-visible\"",
            "base_url = \"https://u:***@llm.corp/v1?api-key=***\"",
        ] {
            assert!(out.contains(kept), "{kept} missing from\n{out}");
        }
        let reparsed: DocumentMut = out.parse().expect("the redacted copy is still TOML");
        assert_eq!(reparsed["features"]["quoted key"].as_str(), Some(REDACTED));
    }

    #[test]
    fn numbers_under_variables_and_headers_are_hidden_and_known() {
        let text = "[model_providers.x.http_headers]\nX-Pin = 98765432\n[mcp_servers.db.env]\nPORT = 5432\nDEBUG = true\n";
        let out = redact(text);
        assert!(!out.contains("98765432") && !out.contains("5432"), "{out}");
        let known = known_secrets(EVERY_POSITION);
        for n in [3, 4, 9, 14, 19, 20, 21, 22, 26] {
            let canary = format!("CANARY-{n:02}");
            assert!(
                known.iter().any(|k| k.contains(&canary)),
                "{canary}: {known:?}"
            );
        }
        assert!(
            !known.iter().any(|k| k == "gpt-5" || k == "trusted"),
            "{known:?}"
        );
        assert!(known_secrets(text).contains(&"98765432".to_string()));
        let broken = "model = \"gpt-5\"\ntoken = \"Authorization: Token abcdef\nx";
        assert!(
            known_secrets(broken)
                .iter()
                .any(|k| k.contains("Token abcdef")),
            "{:?}",
            known_secrets(broken)
        );
    }

    #[test]
    fn a_broken_file_keeps_only_its_skeleton() {
        let text = "model = \"gpt-5\"\n[model_providers.x]\nexperimental_bearer_token = \"CANARY-1\nbad line CANARY-2\nx = \"\"\"\n[CANARY-3]\n\"\"\"\n# CANARY-4\n";
        let out = redact(text);
        assert!(!out.contains("CANARY"), "{out}");
        assert!(out.contains("does not parse (line 4)"), "{out}");
        assert!(out.contains("[model_providers.x]"), "{out}");
        assert!(
            out.contains("experimental_bearer_token = \"<redacted>\""),
            "{out}"
        );
    }
}
