//! The one place that decides what of a string may be shown.
//!
//! Every value usbide prints that could hold a secret (environment values,
//! proxy URLs, codex output, error text) goes through here first. Tokens,
//! API keys and passwords never reach a terminal, a log or an error message.

/// Name fragments that mark a variable's value as secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "AUTH",
    "COOKIE",
    "SESSION",
];

/// Words that stand for a password in hints (`http://user:password@host`).
const PLACEHOLDERS: &[&str] = &["password", "pass", "motdepasse", "pwd"];

/// Whether a variable with this name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
}

/// The printable form of variable `name` = `value`.
pub fn env_value(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        return format!("<redacted, {} chars>", value.chars().count());
    }
    text(&url_password(value))
}

/// Hide the password of `scheme://user:pass@host` (proxy URLs carry them).
pub fn url_password(value: &str) -> String {
    let Some(scheme_end) = value.find("://") else {
        return value.to_string();
    };
    let rest = &value[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return value.to_string();
    };
    let userinfo = &rest[..at];
    let user = userinfo.split(':').next().unwrap_or_default();
    let password = userinfo
        .split_once(':')
        .map(|(_, p)| p.trim_matches(['<', '>']).to_ascii_lowercase());
    if password
        .as_deref()
        .is_some_and(|p| PLACEHOLDERS.contains(&p))
    {
        return value.to_string(); // a hint's placeholder, not a secret
    }
    let shown = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        "***".to_string()
    };
    format!("{}{}{}", &value[..scheme_end + 3], shown, &rest[at..])
}

/// Replace anything in free text that looks like a credential.
///
/// Covers OpenAI-style keys (`sk-...`), JWTs (`eyJ...x.y`), the word after
/// `Bearer`, and `user:pass@` in URLs.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut after_bearer = false;
    for (is_word, piece) in split_words(input) {
        if !is_word {
            out.push_str(piece);
            continue;
        }
        if after_bearer && piece.len() >= 8 {
            out.push_str("***");
        } else {
            out.push_str(&word(piece));
        }
        after_bearer = piece.eq_ignore_ascii_case("bearer");
    }
    if out.contains('@') && out.contains("://") {
        return out
            .split(' ')
            .map(url_password)
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

fn word(w: &str) -> String {
    let looks_like_key = (w.starts_with("sk-") || w.starts_with("sess-")) && w.len() >= 12;
    let looks_like_jwt = w.starts_with("eyJ") && w.matches('.').count() >= 2 && w.len() >= 20;
    let looks_like_refresh = w.starts_with("rt_") && w.len() >= 16;
    if looks_like_jwt {
        "<jwt redacted>".to_string()
    } else if looks_like_key || looks_like_refresh {
        format!("{}***", &w[..3])
    } else {
        w.to_string()
    }
}

/// Split into runs of token characters and runs of everything else.
fn split_words(input: &str) -> Vec<(bool, &str)> {
    let is_tok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in input.char_indices() {
        let t = is_tok(c);
        match current {
            Some(prev) if prev != t => {
                pieces.push((prev, &input[start..i]));
                start = i;
            }
            _ => {}
        }
        current = Some(t);
    }
    if let Some(t) = current {
        pieces.push((t, &input[start..]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for n in [
            "OPENAI_API_KEY",
            "codex_api_key",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "AWS_SECRET",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["PATH", "HOME", "HTTPS_PROXY", "LANG"] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn env_values_hide_secrets_and_proxy_passwords() {
        assert_eq!(env_value("OPENAI_API_KEY", "sk-abc"), "<redacted, 6 chars>");
        assert_eq!(
            env_value("HTTPS_PROXY", "http://bob:hunter2@proxy:3128"),
            "http://bob:***@proxy:3128"
        );
        assert_eq!(env_value("PATH", "/usr/bin"), "/usr/bin");
        assert_eq!(
            url_password("http://user:password@proxy:8080"),
            "http://user:password@proxy:8080"
        );
    }

    #[test]
    fn free_text_loses_keys_jwts_and_bearer_tokens() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let s =
            format!("key sk-proj-ABCDEFGHIJKL token {jwt} Authorization: Bearer abcdefghijklmnop.");
        let r = text(&s);
        assert!(!r.contains("ABCDEFGHIJKL"), "{r}");
        assert!(!r.contains("c2lnbmF0dXJl"), "{r}");
        assert!(!r.contains("abcdefghijklmnop"), "{r}");
        assert!(r.starts_with("key sk-*** token <jwt redacted>"), "{r}");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        let s = "unexpected status 401 Unauthorized: sk-1 is short, skills ok";
        assert_eq!(text(s), s);
    }
}
