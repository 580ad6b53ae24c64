//! Who answered: the server a message names (`url: https://host/...`,
//! `error sending request for url (http://host/...)`). Whose fix it is
//! follows from it: OpenAI's endpoints, this computer (a local model server),
//! a server on this network (a company gateway), an Azure resource, or
//! somebody else's relay.

use serde::Serialize;

/// The kind of server a message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answerer {
    OpenAi,
    /// localhost, 127.0.0.0/8, ::1: a model server on this computer.
    ThisComputer,
    /// A private address (10/8, 172.16/12, 192.168/16) or a single-label
    /// name: a server on this network, such as a company gateway.
    LocalNetwork,
    /// An Azure OpenAI resource: the user's company's, not OpenAI's.
    Azure,
    /// Any other host: a relay or a gateway run by a third party.
    Other,
}

thread_local! {
    // The provider codex uses, from the stick's config: where the built-in
    // OpenAI provider's requests go when that is not OpenAI's own hosts
    // (`openai_base_url` to a company's OpenAI-compatible gateway, a test's
    // stand-in), so that what answers there answers for OpenAI; and who
    // answers a message that names no URL. Set once per run, when the
    // provider is read, on the thread that runs the session and reads codex's
    // output (each test thread has its own); a few at most.
    // Already `const`: the Windows toolchain's clippy (1.96) says otherwise.
    #[allow(clippy::missing_const_for_thread_local)]
    static PROVIDER: std::cell::RefCell<Vec<(Answerer, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Say where codex sends its requests: `base_url`, and whether that is the
/// built-in OpenAI provider (whose 401 is the stick's login) or a custom
/// `[model_providers]` entry.
pub fn provider_at(base_url: &str, openai: bool) {
    let Some((kind, host)) = parse(base_url) else {
        return;
    };
    let kind = if openai { Answerer::OpenAi } else { kind };
    // The newest first: it is the run's (the command line may change the
    // provider the config names).
    PROVIDER.with_borrow_mut(|known| {
        known.retain(|(_, h)| *h != host);
        known.insert(0, (kind, host));
        known.truncate(4);
    });
}

/// The provider set by [`provider_at`] for a message that names no URL
/// (the first one: the run's own).
fn default_provider() -> Option<(Answerer, String)> {
    PROVIDER.with_borrow(|known| known.first().cloned())
}

/// The longest host name kept (DNS allows 253 characters).
const HOST_MAX: usize = 253;

/// The host (with its port) of the first URL in `message` and what kind of
/// server it is, or the run's provider when the message names no URL. Only
/// the host is kept: no user, password, path or query.
pub fn answered_by(message: &str) -> Option<(Answerer, String)> {
    let Some((kind, host)) = parse(message) else {
        return default_provider();
    };
    let known =
        PROVIDER.with_borrow(|known| known.iter().find(|(_, h)| *h == host).map(|(k, _)| *k));
    Some((known.unwrap_or(kind), host))
}

/// The host of the first web URL in `message` (among its first eight
/// `://`), and its kind by name.
fn parse(message: &str) -> Option<(Answerer, String)> {
    memchr::memmem::find_iter(message.as_bytes(), b"://")
        .take(8)
        .find_map(|at| parse_at(message, at))
}

/// [`parse`] of the URL whose `://` is at byte `at`.
fn parse_at(message: &str, at: usize) -> Option<(Answerer, String)> {
    // The scheme: the ASCII letters just before `://` (a byte-wise walk, so
    // never inside a character).
    let bytes = message.as_bytes();
    let mut start = at;
    while start > 0 && at - start < 6 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let scheme = message[start..at].to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss") {
        return None;
    }
    let rest = &message[at + 3..];
    // The authority runs to the path, query or fragment (or the end of the
    // word): a password may hold `,` `'` `(` `)`, so the user part, up to its
    // last `@`, is dropped unread before the host is cut from what follows.
    let authority_end = rest
        .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '<' | '>') || c.is_whitespace())
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    // An `@` later in the URL's word: a password with a `/` in it (whose
    // digits would pass for a port), or a path nobody needs: no host.
    let word_end = rest
        .find(|c: char| matches!(c, '"' | '<' | '>') || c.is_whitespace())
        .unwrap_or(rest.len());
    if rest[authority_end..word_end].contains('@') {
        return None;
    }
    let after_user = authority.rsplit('@').next().unwrap_or(authority);
    // Text that follows a bare host in prose: `(http://host:1234)`, `host,`.
    let host_end = after_user
        .find([')', ',', '\'', ';'])
        .unwrap_or(after_user.len());
    let host_port = after_user[..host_end].trim_end_matches('.');
    if host_port.is_empty()
        || host_port.len() > HOST_MAX + 6
        || !host_port
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'))
    {
        return None;
    }
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').unwrap_or((v6, "")),
        None => host_port
            .split_once(':')
            .map_or((host_port, ""), |(h, p)| (h, p)),
    };
    // Only digits after the host's colon: anything else is a user and a
    // password whose `@` never came (or a `/` in them cut the URL short).
    let port = port.strip_prefix(':').unwrap_or(port);
    if !port.bytes().all(|b| b.is_ascii_digit()) || host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some((kind(&host), host_port.to_ascii_lowercase()))
}

fn kind(host: &str) -> Answerer {
    let host = host.trim_end_matches('.');
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    if under("openai.com") || under("chatgpt.com") {
        return Answerer::OpenAi;
    }
    if under("azure.com") || under("azure-api.net") || under("azure.us") {
        return Answerer::Azure;
    }
    if host == "localhost" || under("localhost") || host == "::1" || host == "0.0.0.0" {
        return Answerer::ThisComputer;
    }
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return if ip.is_loopback() {
            Answerer::ThisComputer
        } else if ip.is_private() || ip.is_link_local() {
            Answerer::LocalNetwork
        } else {
            Answerer::Other
        };
    }
    if !host.contains('.') && !host.contains(':') {
        return Answerer::LocalNetwork;
    }
    if host.ends_with(".internal") || host.ends_with(".local") || host.ends_with(".lan") {
        return Answerer::LocalNetwork;
    }
    Answerer::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(message: &str) -> Option<(Answerer, String)> {
        answered_by(message)
    }

    #[test]
    fn the_host_of_the_first_url_says_who_answered() {
        let cases = [
            (
                "unexpected status 404 Not Found: x, url: https://chatgpt.com/backend-api/codex/responses, cf-ray: 1",
                Answerer::OpenAi,
                "chatgpt.com",
            ),
            (
                "error sending request for url (http://localhost:11434/v1/responses)",
                Answerer::ThisComputer,
                "localhost:11434",
            ),
            (
                "url: http://127.0.0.1:1234/v1/chat/completions",
                Answerer::ThisComputer,
                "127.0.0.1:1234",
            ),
            (
                "url: http://[::1]:8080/v1/responses",
                Answerer::ThisComputer,
                "[::1]:8080",
            ),
            (
                "url: https://my-res.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
                Answerer::Azure,
                "my-res.openai.azure.com",
            ),
            (
                "url: http://10.1.2.3/v1/responses",
                Answerer::LocalNetwork,
                "10.1.2.3",
            ),
            (
                "url: http://llm-gateway:4000/v1/responses",
                Answerer::LocalNetwork,
                "llm-gateway:4000",
            ),
            (
                "url: https://api.some-relay.example/v1/responses",
                Answerer::Other,
                "api.some-relay.example",
            ),
            (
                "url: wss://api.openai.com/v1/responses",
                Answerer::OpenAi,
                "api.openai.com",
            ),
        ];
        for (msg, kind, host) in cases {
            assert_eq!(who(msg), Some((kind, host.to_string())), "{msg}");
        }
    }

    #[test]
    fn a_base_url_the_config_gives_openai_answers_for_openai() {
        let msg = "unexpected status 401 Unauthorized: x, url: http://127.0.0.1:18999/v1/responses";
        assert_eq!(who(msg).map(|w| w.0), Some(Answerer::ThisComputer));
        provider_at("http://127.0.0.1:18999/v1", true);
        assert_eq!(who(msg).map(|w| w.0), Some(Answerer::OpenAi));
        assert_eq!(
            who("url: http://127.0.0.1:18998/v1").map(|w| w.0),
            Some(Answerer::ThisComputer)
        );
    }

    #[test]
    fn no_password_path_or_query_is_kept() {
        let (_, host) =
            who("url: https://user:CANARY-9@relay.example:8443/v1?key=CANARY-10").expect("a url");
        assert_eq!(host, "relay.example:8443");
        // Characters a password may hold unencoded.
        for password in ["Summer,2024", "it's", "a(b)c", "x;y"] {
            let (_, host) = who(&format!("url: https://bob:{password}@gw.corp/v1")).expect("a url");
            assert_eq!(host, "gw.corp", "{password}");
        }
        // A `/` in a password cuts the URL short: the rest is not a host,
        // nor is a password of digits before it a port.
        assert_eq!(who("url: https://bob:pa/ss@gw.corp/v1"), None);
        assert_eq!(who("url: https://bob:123456/78@gw.corp/v1"), None);
        assert_eq!(who("(https://bob:123456/78@gw.corp)"), None);
        let (_, host) =
            who("error sending request for url (http://localhost:11434)").expect("a url");
        assert_eq!(host, "localhost:11434");
    }

    #[test]
    fn text_without_a_web_url_names_nobody() {
        for msg in [
            "no url here",
            "file:///etc/passwd",
            "://",
            "https://",
            "ftp://x.example/",
        ] {
            assert_eq!(who(msg), None, "{msg}");
        }
        assert_eq!(who("openai.com.evil.example"), None);
        // A first URL that is no web URL does not hide the one after it.
        assert_eq!(
            who("see file:///tmp/x, url: https://api.openai.com/v1/responses").map(|w| w.0),
            Some(Answerer::OpenAi)
        );
        assert_eq!(
            who("url: https://openai.com.evil.example/v1").map(|w| w.0),
            Some(Answerer::Other)
        );
    }
}
