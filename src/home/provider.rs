//! Where codex sends its requests, read from the stick's `config.toml`: the
//! built-in OpenAI provider (which needs a login) or a custom one.

use std::path::Path;

use crate::settings::LoginMethod;

/// The provider codex will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// The base URL requests go to.
    pub endpoint: String,
    /// The built-in OpenAI provider (needs a login); not a custom one.
    pub openai_login: bool,
    /// `forced_chatgpt_workspace_id`, comma-joined when a list.
    pub workspace: Option<String>,
}

impl Provider {
    /// Read `codex_home/config.toml` (an unreadable one counts as empty).
    pub fn read(codex_home: &Path, login: LoginMethod) -> Self {
        let text = std::fs::read_to_string(codex_home.join("config.toml")).unwrap_or_default();
        let doc: toml_edit::DocumentMut = text.parse().unwrap_or_default();
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
        Self {
            endpoint,
            openai_login,
            workspace,
        }
    }
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
