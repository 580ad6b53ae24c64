//! What usbide reads from `auth.json` without ever showing a token: the login
//! mode, and from the ID token's claims the account e-mail, plan and expiry.
//! JWT payloads are decoded (not verified: they are only displayed).

use crate::messages::UserError as _;
use std::path::Path;

use base64::Engine;
use serde_json::Value;

/// The kind of login stored on the stick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Chatgpt,
    ApiKey,
    Other(String),
}

impl Mode {
    /// How people call it.
    pub fn label(&self) -> String {
        self.label_in(crate::messages::Lang::En)
    }

    /// [`Self::label`] in `lang`.
    pub fn label_in(&self, lang: crate::messages::Lang) -> String {
        match self {
            Self::Chatgpt => "ChatGPT".into(),
            Self::ApiKey => crate::messages::text(lang).login_mode_api_key.into(),
            Self::Other(m) => m.clone(),
        }
    }
}

/// A summary of `auth.json` that holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub mode: Option<Mode>,
    pub email: Option<String>,
    pub plan: Option<String>,
    pub account_id: Option<String>,
    /// Expiry of the access token (else the ID token), Unix seconds.
    pub expires_at: Option<i64>,
    /// `last_refresh`, Unix seconds.
    pub last_refresh: Option<i64>,
}

/// Why `auth.json` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Missing,
    #[error("{}", self.message(crate::messages::Lang::En))]
    Unreadable { path: String, reason: String },
    #[error("{}", self.message(crate::messages::Lang::En))]
    NotJson {
        path: String,
        line: usize,
        column: usize,
    },
}

/// Read and summarise `auth.json`.
pub fn read(path: &Path) -> Result<Summary, AuthFileError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AuthFileError::Missing),
        Err(e) => {
            return Err(AuthFileError::Unreadable {
                path: path.display().to_string(),
                reason: e.kind().to_string(),
            });
        }
    };
    // serde's message never quotes the input, so it cannot leak a token.
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| AuthFileError::NotJson {
        path: path.display().to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    Ok(summarise(&doc))
}

/// The summary of a parsed `auth.json`.
pub fn summarise(doc: &Value) -> Summary {
    let tokens = doc.get("tokens").filter(|t| t.is_object());
    let has_key = doc
        .get("OPENAI_API_KEY")
        .and_then(Value::as_str)
        .is_some_and(|k| !k.is_empty());
    let mode = match doc.get("auth_mode").and_then(Value::as_str) {
        Some("chatgpt") => Some(Mode::Chatgpt),
        Some("apikey" | "api_key" | "apiKey") => Some(Mode::ApiKey),
        Some(other) => Some(Mode::Other(shown(other))),
        None if tokens.is_some() => Some(Mode::Chatgpt),
        None if has_key => Some(Mode::ApiKey),
        None => None,
    };
    let id = tokens
        .and_then(|t| t.get("id_token"))
        .and_then(Value::as_str)
        .and_then(jwt_claims);
    let access = tokens
        .and_then(|t| t.get("access_token"))
        .and_then(Value::as_str)
        .and_then(jwt_claims);
    let auth = id
        .as_ref()
        .and_then(|c| c.get("https://api.openai.com/auth"));
    let raw = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(shown);
    Summary {
        mode,
        email: text(id.as_ref().and_then(|c| c.get("email"))),
        plan: text(auth.and_then(|a| a.get("chatgpt_plan_type"))),
        // Compared with forced_chatgpt_workspace_id, so kept as codex sees it;
        // whoever prints it escapes it.
        account_id: raw(auth.and_then(|a| a.get("chatgpt_account_id")))
            .or_else(|| raw(tokens.and_then(|t| t.get("account_id")))),
        expires_at: access
            .as_ref()
            .or(id.as_ref())
            .and_then(|c| c.get("exp"))
            .and_then(Value::as_i64),
        last_refresh: doc
            .get("last_refresh")
            .and_then(Value::as_str)
            .and_then(crate::time::parse_rfc3339),
    }
}

/// A claim as it may reach a terminal: controls escaped, secrets redacted.
/// Token claims are written by whoever minted the token: untrusted text.
fn shown(claim: &str) -> String {
    crate::escape::escape(&crate::redact::text(claim)).into_owned()
}

/// The claims of a JWT (`header.payload.signature`), unverified.
pub fn jwt_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl crate::messages::UserError for AuthFileError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Missing => t.auth_missing.to_string(),
            Self::Unreadable { path: p, reason } => {
                crate::messages::fill(t.auth_unreadable, &[("path", p), ("reason", reason)])
            }
            Self::NotJson {
                path: p,
                line,
                column,
            } => crate::messages::fill(
                t.auth_not_json,
                &[
                    ("path", p),
                    ("line", &line.to_string()),
                    ("column", &column.to_string()),
                ],
            ),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &Value) -> String {
        let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.{}",
            enc(br#"{"alg":"none"}"#),
            enc(claims.to_string().as_bytes()),
            enc(b"sig")
        )
    }

    #[test]
    fn chatgpt_logins_show_email_plan_and_expiry() {
        let id = jwt(&serde_json::json!({"email": "ann@example.com", "exp": 100,
            "https://api.openai.com/auth": {"chatgpt_plan_type": "plus", "chatgpt_account_id": "acc-1"}}));
        let access = jwt(&serde_json::json!({"exp": 2_000_000_000}));
        let doc = serde_json::json!({"auth_mode": "chatgpt", "OPENAI_API_KEY": null,
            "tokens": {"id_token": id, "access_token": access, "refresh_token": "rt_secret"},
            "last_refresh": "2026-11-20T10:00:00Z"});
        let s = summarise(&doc);
        assert_eq!(s.mode, Some(Mode::Chatgpt));
        assert_eq!(s.email.as_deref(), Some("ann@example.com"));
        assert_eq!(s.plan.as_deref(), Some("plus"));
        assert_eq!(s.account_id.as_deref(), Some("acc-1"));
        assert_eq!(s.expires_at, Some(2_000_000_000));
        assert_eq!(s.last_refresh, Some(1_795_168_800));
    }

    #[test]
    fn claims_are_escaped_for_the_terminal() {
        let id = jwt(&serde_json::json!({"email": "a\u{1b}]0;pwned\u{7}@x.y",
            "https://api.openai.com/auth": {"chatgpt_plan_type": "\u{1b}[2Jplus\r"}}));
        let doc = serde_json::json!({"auth_mode": "\u{1b}[31mweird", "tokens": {"id_token": id}});
        let s = summarise(&doc);
        for shown in [
            s.email.unwrap_or_default(),
            s.plan.unwrap_or_default(),
            s.mode.map(|m| m.label()).unwrap_or_default(),
        ] {
            assert!(
                !shown.contains('\u{1b}') && !shown.contains('\r') && !shown.contains('\u{7}'),
                "{shown:?}"
            );
        }
    }

    #[test]
    fn api_keys_and_old_files() {
        let s = summarise(&serde_json::json!({"OPENAI_API_KEY": "sk-x"}));
        assert_eq!(s.mode, Some(Mode::ApiKey));
        let s = summarise(&serde_json::json!({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-x"}));
        assert_eq!(s.mode, Some(Mode::ApiKey));
        assert_eq!(summarise(&serde_json::json!({})).mode, None);
        assert_eq!(jwt_claims("not-a-jwt"), None);
    }

    #[test]
    fn a_corrupt_file_names_the_place_not_the_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("auth.json");
        std::fs::write(&path, "{\"tokens\": sk-canary-123456789").expect("write");
        let err = read(&path).expect_err("corrupt").to_string();
        assert!(err.contains("line 1"), "{err}");
        assert!(!err.contains("canary"), "{err}");
        assert!(matches!(
            read(&dir.path().join("none.json")),
            Err(AuthFileError::Missing)
        ));
    }
}
