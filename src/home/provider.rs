//! Where codex sends its requests, read from the stick's `config.toml`: the
//! built-in OpenAI provider (which needs a login) or a custom one.

use std::path::Path;

use crate::home::config::LoginMethod;

/// The provider codex will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The base URL requests go to.
    pub endpoint: String,
    /// The built-in OpenAI provider (needs a login); not a custom one.
    pub openai_login: bool,
    /// `forced_chatgpt_workspace_id`, comma-joined when a list.
    pub workspace: Option<String>,
    /// The enabled `[mcp_servers.NAME]` and their `command` (at most 16),
    /// read in the same parse.
    pub mcp_commands: Vec<(String, String)>,
}

/// The largest `config.toml` usbide reads: 1 MiB. codex's configs are a few
/// KB; parsing a 50 MB one costs a gigabyte and seconds on every launch.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// A `config.toml` over [`MAX_CONFIG_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error(
    "{}",
    crate::messages::UserError::message(self, crate::messages::Lang::En)
)]
pub struct ConfigTooLarge {
    pub path: std::path::PathBuf,
    pub bytes: u64,
}

impl crate::messages::UserError for ConfigTooLarge {
    fn exit_code(&self) -> i32 {
        crate::exit::HOME
    }

    fn message(&self, lang: crate::messages::Lang) -> String {
        crate::messages::fill(
            crate::messages::text(lang).config_too_large,
            &[
                ("path", &self.path.display().to_string()),
                ("size", &self.bytes.div_ceil(1 << 20).to_string()),
                ("max", &(MAX_CONFIG_BYTES >> 10).to_string()),
            ],
        )
    }
}

/// Refuse a `config.toml` over [`MAX_CONFIG_BYTES`]; a missing or
/// unreadable one passes (whoever reads it reports that).
pub fn check_config_size(path: &Path) -> Result<(), ConfigTooLarge> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_CONFIG_BYTES => Err(ConfigTooLarge {
            path: path.into(),
            bytes: m.len(),
        }),
        _ => Ok(()),
    }
}

/// The text of `path`, or `None` when it is missing, unreadable, not UTF-8
/// or over [`MAX_CONFIG_BYTES`] (never more than that is read).
pub fn read_config_text(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_CONFIG_BYTES).then_some(text)
}

impl Provider {
    /// Read `codex_home/config.toml` (an unreadable or oversized one counts
    /// as empty).
    pub fn read(codex_home: &Path, login: LoginMethod) -> Self {
        Self::read_with(codex_home, login, &[])
    }

    /// [`Self::read`] with codex's `-c key=value` options (`args`, as codex
    /// gets them) applied over the file, as codex applies them: the provider
    /// codex will really use.
    pub fn read_with(codex_home: &Path, login: LoginMethod, args: &[std::ffi::OsString]) -> Self {
        let text = read_config_text(&codex_home.join("config.toml")).unwrap_or_default();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap_or_default();
        for (key, value) in cli_overrides(args) {
            set_dotted(&mut doc, &key, value);
        }
        let get = |path: &[&str]| -> Option<String> {
            let mut item = doc.as_item();
            for key in path {
                item = item.get(key)?;
            }
            item.as_str().map(str::to_string)
        };
        let workspace =
            doc.get("forced_chatgpt_workspace_id")
                .and_then(|item| match item.as_array() {
                    Some(list) => Some(
                        list.iter()
                            .filter_map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    None => item.as_str().map(str::to_string),
                });
        let (endpoint, openai_login) = match get(&["model_provider"]).filter(|p| p != "openai") {
            Some(id) => (
                get(&["model_providers", &id, "base_url"]).unwrap_or_default(),
                false,
            ),
            None if login == LoginMethod::Api => (
                get(&["openai_base_url"]).unwrap_or_else(|| "https://api.openai.com/v1".into()),
                true,
            ),
            None => (
                get(&["chatgpt_base_url"])
                    .unwrap_or_else(|| "https://chatgpt.com/backend-api/".into()),
                true,
            ),
        };
        let mcp_commands = doc
            .get("mcp_servers")
            .and_then(|s| s.as_table_like())
            .map(|servers| {
                servers
                    .iter()
                    .filter(|(_, s)| s.get("enabled").and_then(|e| e.as_bool()) != Some(false))
                    .filter_map(|(name, s)| {
                        Some((name.to_string(), s.get("command")?.as_str()?.to_string()))
                    })
                    .take(16)
                    .collect()
            })
            .unwrap_or_default();
        Self {
            endpoint,
            openai_login,
            workspace,
            mcp_commands,
        }
    }
}

/// Whether codex's options in `args` change the provider the config names
/// (most launches: no, and the config is not read again).
pub fn overridden_by(args: &[std::ffi::OsString]) -> bool {
    !cli_overrides(args).is_empty()
}

/// The provider keys among codex's `-c key=value` / `--config key=value`
/// options: the value as TOML when it parses, else as a string (as codex
/// reads them).
fn cli_overrides(args: &[std::ffi::OsString]) -> Vec<(String, toml_edit::Item)> {
    const KEYS: &[&str] = &["model_provider", "openai_base_url", "chatgpt_base_url"];
    let mut out = Vec::new();
    // After `--` every word is the prompt's, never an option.
    let mut words = args
        .iter()
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        let pair = match word {
            "-c" | "--config" => words.next(),
            w => w.strip_prefix("--config=").or_else(|| w.strip_prefix("-c")),
        };
        let Some((key, value)) = pair.and_then(|p| p.split_once('=')) else {
            continue;
        };
        let key = key.trim();
        let wanted = KEYS.contains(&key)
            || key.starts_with("model_providers.") && key.ends_with(".base_url");
        if !wanted {
            continue;
        }
        let value = value.trim();
        let item = format!("v = {value}")
            .parse::<toml_edit::DocumentMut>()
            .ok()
            .and_then(|d| d.get("v").cloned())
            .unwrap_or_else(|| toml_edit::value(value));
        out.push((key.to_string(), item));
    }
    out
}

/// Set `a.b.c` in `doc`, making the tables on the way.
fn set_dotted(doc: &mut toml_edit::DocumentMut, key: &str, value: toml_edit::Item) {
    let parts: Vec<&str> = key.split('.').collect();
    let Some((last, tables)) = parts.split_last() else {
        return;
    };
    let mut table = doc.as_table_mut();
    for part in tables {
        let entry = table
            .entry(part)
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        let Some(next) = entry.as_table_mut() else {
            return;
        };
        table = next;
    }
    table.insert(last, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(config: &str, login: LoginMethod) -> Provider {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("config.toml"), config).expect("write");
        Provider::read(dir.path(), login)
    }

    #[test]
    fn codex_options_on_the_command_line_choose_the_provider() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.toml"),
            "[model_providers.local]\nbase_url = \"http://127.0.0.1:11434/v1\"\n",
        )
        .expect("write");
        let with = |login, a: &[&str]| {
            let args: Vec<_> = a.iter().map(std::ffi::OsString::from).collect();
            Provider::read_with(dir.path(), login, &args)
        };
        let p = with(
            LoginMethod::Chatgpt,
            &["-c", "model_provider=local", "exec", "hi"],
        );
        assert_eq!(
            (p.endpoint.as_str(), p.openai_login),
            ("http://127.0.0.1:11434/v1", false)
        );
        let p = with(
            LoginMethod::Chatgpt,
            &[
                "--config=model_provider=\"local\"",
                "-c",
                "model_providers.local.base_url=http://10.0.0.2/v1",
            ],
        );
        assert_eq!(p.endpoint, "http://10.0.0.2/v1");
        let p = with(
            LoginMethod::Api,
            &["-c", "openai_base_url=https://gw.corp.example/v1"],
        );
        assert_eq!(
            (p.endpoint.as_str(), p.openai_login),
            ("https://gw.corp.example/v1", true)
        );
        // A prompt that looks like an option is not one, after `--` either.
        assert!(with(LoginMethod::Chatgpt, &["exec", "model_provider=local"]).openai_login);
        let p = with(
            LoginMethod::Chatgpt,
            &["exec", "--", "-c", "model_provider=local"],
        );
        assert!(p.openai_login);
    }

    #[test]
    fn an_absurd_config_is_refused_with_a_clear_message() {
        use crate::messages::Lang;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        let big = "# padding\n".repeat((MAX_CONFIG_BYTES / 10 + 1) as usize);
        std::fs::write(&path, &big).expect("write");
        assert_eq!(read_config_text(&path), None);
        let err = check_config_size(&path).expect_err("too large");
        assert!(
            err.to_string().contains("usbide reads none over 1024 KB"),
            "{err}"
        );
        use crate::messages::UserError;
        assert!(err.message(Lang::Fr).contains("fait 2 Mo"), "{err}");
        std::fs::write(&path, "model = \"x\"\n").expect("write");
        assert!(check_config_size(&path).is_ok());
        assert!(check_config_size(&dir.path().join("none.toml")).is_ok());
    }

    #[test]
    fn built_in_and_custom_providers() {
        let p = read("", LoginMethod::Chatgpt);
        assert_eq!(
            (p.endpoint.as_str(), p.openai_login),
            ("https://chatgpt.com/backend-api/", true)
        );
        assert_eq!(
            read("", LoginMethod::Api).endpoint,
            "https://api.openai.com/v1"
        );
        let custom = read(
            "model_provider = \"x\"\n[model_providers.x]\nbase_url = \"http://h/v1\"\n",
            LoginMethod::Chatgpt,
        );
        assert_eq!(
            (custom.endpoint.as_str(), custom.openai_login),
            ("http://h/v1", false)
        );
        let ws = read(
            "forced_chatgpt_workspace_id = [\"a\", \"b\"]\n",
            LoginMethod::Chatgpt,
        );
        assert_eq!(ws.workspace.as_deref(), Some("a,b"));
    }
}
