//! One classifier for every error text Codex produces: `error` events,
//! `turn.failed`, error items, and stderr lines. It names a cause; the hint
//! catalogue ([`crate::events::hints`]) says what to do about it.
//!
//! An HTTP status is read only from Codex's own templates (`unexpected status
//! NNN`, `last status: NNN`, `(status NNN`), never from any three digits.

use serde::Serialize;

/// What went wrong, in the user's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    NotLoggedIn,
    Forbidden,
    CloudflareBlock,
    WorkspaceRestricted,
    ProxyAuth,
    RateLimit,
    UsageLimit,
    Quota,
    ServerError,
    HighDemand,
    BadRequest,
    HttpStatus,
    Dns,
    ConnectionRefused,
    Tls,
    WaitingForNetwork,
    NetworkUnknown,
    Timeout,
    RefreshExpired,
    RefreshReused,
    RefreshRevoked,
    RefreshFailed,
    ForcedLoginMismatch,
    MissingProviderKey,
    ContextWindow,
    ModelCapacity,
    CaFile,
    UntrustedDirectory,
}

/// A classified error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub cause: Cause,
    /// The HTTP status, when Codex's template carried one.
    pub status: Option<u16>,
    /// A detail the hint needs (the missing variable's name).
    pub detail: Option<String>,
}

impl Diagnosis {
    fn of(cause: Cause, status: Option<u16>) -> Self {
        Self {
            cause,
            status,
            detail: None,
        }
    }
}

/// Text fragments (lower case) and the cause they prove, most specific first.
const PHRASES: &[(&str, Cause)] = &[
    ("refresh token has expired", Cause::RefreshExpired),
    ("refresh token was already used", Cause::RefreshReused),
    ("refresh token was revoked", Cause::RefreshRevoked),
    ("could not be refreshed", Cause::RefreshFailed),
    ("failed to refresh token", Cause::RefreshFailed),
    (
        "login is restricted to workspace",
        Cause::WorkspaceRestricted,
    ),
    ("login is required, but", Cause::ForcedLoginMismatch),
    (
        "ran out of room in the model's context window",
        Cause::ContextWindow,
    ),
    ("context_length_exceeded", Cause::ContextWindow),
    ("selected model is at capacity", Cause::ModelCapacity),
    ("failed to read ca certificate file", Cause::CaFile),
    ("failed to load ca certificates", Cause::CaFile),
    ("not inside a trusted directory", Cause::UntrustedDirectory),
    ("hit your usage limit", Cause::UsageLimit),
    ("spend cap", Cause::UsageLimit),
    ("out of credits", Cause::UsageLimit),
    (
        "to use codex with your chatgpt plan, upgrade",
        Cause::UsageLimit,
    ),
    ("quota exceeded", Cause::Quota),
    ("access blocked by cloudflare", Cause::CloudflareBlock),
    ("experiencing high demand", Cause::HighDemand),
];

/// Network failure texts (reqwest, hyper, the OS on Unix and Windows).
const NETWORK: &[(&str, Cause)] = &[
    ("proxy authentication required", Cause::ProxyAuth),
    ("failed to lookup address", Cause::Dns),
    ("name does not resolve", Cause::Dns),
    ("name or service not known", Cause::Dns),
    ("no such host is known", Cause::Dns),
    ("temporary failure in name resolution", Cause::Dns),
    ("dns error", Cause::Dns),
    ("connection refused", Cause::ConnectionRefused),
    ("os error 10061", Cause::ConnectionRefused),
    ("actively refused", Cause::ConnectionRefused),
    ("invalid peer certificate", Cause::Tls),
    ("certificate verify failed", Cause::Tls),
    ("unknownissuer", Cause::Tls),
    ("sec_e_untrusted_root", Cause::Tls),
    ("tls handshake", Cause::Tls),
    ("waiting for network", Cause::WaitingForNetwork),
    ("request timed out", Cause::Timeout),
    ("operation timed out", Cause::Timeout),
    ("connection failed:", Cause::NetworkUnknown),
    ("error sending request", Cause::NetworkUnknown),
    (
        "stream disconnected before completion",
        Cause::NetworkUnknown,
    ),
];

/// Classify `message`; `None` when it is not an error usbide recognises.
pub fn classify(message: &str) -> Option<Diagnosis> {
    let lower = message.to_lowercase();
    let status = http_status(message);
    if let Some(&(_, cause)) = PHRASES.iter().find(|(p, _)| lower.contains(p)) {
        return Some(Diagnosis::of(cause, status));
    }
    if let Some(name) = missing_variable(message) {
        return Some(Diagnosis {
            cause: Cause::MissingProviderKey,
            status,
            detail: Some(name),
        });
    }
    if let Some(code) = status {
        return Some(Diagnosis::of(by_status(code, &lower), Some(code)));
    }
    NETWORK
        .iter()
        .find(|(p, _)| lower.contains(p))
        .map(|&(_, cause)| Diagnosis::of(cause, None))
}

fn by_status(code: u16, lower: &str) -> Cause {
    match code {
        401 => Cause::NotLoggedIn,
        403 if lower.contains("cloudflare") => Cause::CloudflareBlock,
        403 if lower.contains("workspace") => Cause::WorkspaceRestricted,
        403 => Cause::Forbidden,
        407 => Cause::ProxyAuth,
        429 => Cause::RateLimit,
        400 => Cause::BadRequest,
        500..=599 => Cause::ServerError,
        _ => Cause::HttpStatus,
    }
}

/// The status in Codex's templates: `unexpected status 401 Unauthorized`,
/// `exceeded retry limit, last status: 429 ...`, `(status 403 Forbidden)`,
/// `failed with status 500 ...`.
pub fn http_status(message: &str) -> Option<u16> {
    const MARKERS: &[&str] = &[
        "unexpected status ",
        "last status: ",
        "(status ",
        "failed with status ",
    ];
    MARKERS.iter().find_map(|m| {
        let at = message.find(m)? + m.len();
        let digits = message.get(at..at + 3)?;
        let after = message[at + 3..].chars().next();
        let valid =
            digits.bytes().all(|b| b.is_ascii_digit()) && after.is_none_or(|c| !c.is_ascii_digit());
        valid
            .then(|| digits.parse().ok())
            .flatten()
            .filter(|s| (100..600).contains(s))
    })
}

/// `Missing environment variable: 'NAME'.` (quotes or backticks).
fn missing_variable(message: &str) -> Option<String> {
    let rest = message.split("Missing environment variable: ").nth(1)?;
    let name: String = rest
        .trim_start_matches(['\'', '`', '"'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// `Reconnecting... 2/5 (inner)` -> `(2, 5, inner)`; the wait-for-network form
/// has no counts.
pub fn reconnecting(message: &str) -> Option<(Option<(u32, u32)>, &str)> {
    let rest = message.strip_prefix("Reconnecting... ")?;
    if let Some(inner) = rest.strip_prefix("waiting for network") {
        return Some((
            None,
            inner.trim().trim_start_matches('(').trim_end_matches(')'),
        ));
    }
    let (counts, inner) = rest.split_once(' ').unwrap_or((rest, ""));
    let (n, m) = counts.split_once('/')?;
    let inner = inner
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(inner);
    Some((Some((n.parse().ok()?, m.parse().ok()?)), inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(msg: &str) -> Option<Cause> {
        classify(msg).map(|d| d.cause)
    }

    #[test]
    fn http_templates() {
        let cases = [
            (
                "unexpected status 401 Unauthorized: Incorrect API key provided: sk-test****1234., url: http://127.0.0.1:18531/v1/responses",
                Cause::NotLoggedIn,
                401,
            ),
            (
                "unexpected status 401 Unauthorized: Unknown error, url: https://chatgpt.com/backend-api/codex/responses",
                Cause::NotLoggedIn,
                401,
            ),
            (
                "unexpected status 403 Forbidden: Unknown error, url: https://chatgpt.com/backend-api/codex/responses",
                Cause::Forbidden,
                403,
            ),
            (
                "Access blocked by Cloudflare. This usually happens when connecting from a restricted region (status 403 Forbidden), url: x, cf-ray: 1",
                Cause::CloudflareBlock,
                403,
            ),
            (
                "unexpected status 502 Bad Gateway: <html>...corporate proxy</html>, url: u, cf-ray: 8f00-FRA, request id: req_abc123",
                Cause::ServerError,
                502,
            ),
            (
                "unexpected status 503 Service Unavailable: down",
                Cause::ServerError,
                503,
            ),
            (
                "exceeded retry limit, last status: 429 Too Many Requests, request id: r",
                Cause::RateLimit,
                429,
            ),
            (
                "unexpected status 407 Proxy Authentication Required: ",
                Cause::ProxyAuth,
                407,
            ),
            (
                "device code request failed with status 500 Internal Server Error",
                Cause::ServerError,
                500,
            ),
        ];
        for (msg, want, status) in cases {
            let d = classify(msg).unwrap_or_else(|| panic!("unclassified: {msg}"));
            assert_eq!((d.cause, d.status), (want, Some(status)), "{msg}");
        }
    }

    #[test]
    fn limits_and_quota() {
        for msg in [
            "You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.",
            "You've hit your usage limit. To get more access now, send a request to your admin or try again later.",
            "You've hit your usage limit. Try again at 3:04 PM.",
            "Your workspace is out of credits. Add credits to continue.",
            "You hit your spend cap set in your workspace. Increase your spend cap to continue.",
            "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
        ] {
            assert_eq!(cause(msg), Some(Cause::UsageLimit), "{msg}");
        }
        assert_eq!(
            cause("Quota exceeded. Check your plan and billing details."),
            Some(Cause::Quota)
        );
        assert_eq!(
            cause("We’re currently experiencing high demand, which may cause temporary errors."),
            Some(Cause::HighDemand)
        );
        assert_eq!(
            cause("Selected model is at capacity. Please try a different model."),
            Some(Cause::ModelCapacity)
        );
    }

    #[test]
    fn login_and_refresh() {
        let cases = [
            (
                "Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.",
                Cause::RefreshExpired,
            ),
            (
                "Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.",
                Cause::RefreshReused,
            ),
            (
                "Your access token could not be refreshed because your refresh token was revoked. Please log out and sign in again.",
                Cause::RefreshRevoked,
            ),
            (
                "Your access token could not be refreshed. Please log out and sign in again.",
                Cause::RefreshFailed,
            ),
            (
                "ERROR codex_login::auth::manager: Failed to refresh token: boom",
                Cause::RefreshFailed,
            ),
            (
                "Your authentication session could not be refreshed automatically. Please log out and sign in again.",
                Cause::RefreshFailed,
            ),
            (
                "ChatGPT login is required, but an API key is currently being used. Logging out.",
                Cause::ForcedLoginMismatch,
            ),
            (
                "API key login is required, but ChatGPT is currently being used. Logging out.",
                Cause::ForcedLoginMismatch,
            ),
            (
                "Login is restricted to workspace(s) ws-other, but current credentials belong to acc-123. Logging out.",
                Cause::WorkspaceRestricted,
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(cause(msg), Some(want), "{msg}");
        }
    }

    #[test]
    fn network_and_config() {
        let cases = [
            (
                "Reconnecting... waiting for network (Connection failed: error sending request)",
                Cause::WaitingForNetwork,
            ),
            (
                "Connection failed: error sending request",
                Cause::NetworkUnknown,
            ),
            (
                "stream disconnected before completion: failed to lookup address information: Name does not resolve",
                Cause::Dns,
            ),
            (
                "error sending request: tcp connect error: Connection refused (os error 111)",
                Cause::ConnectionRefused,
            ),
            (
                "No connection could be made because the target machine actively refused it. (os error 10061)",
                Cause::ConnectionRefused,
            ),
            ("invalid peer certificate: UnknownIssuer", Cause::Tls),
            ("request timed out", Cause::Timeout),
            (
                "Failed to read CA certificate file /x selected by SSL_CERT_FILE: No such file or directory (os error 2).",
                Cause::CaFile,
            ),
            (
                "Failed to load CA certificates from /x selected by CODEX_CA_CERTIFICATE: no certificates found in PEM file.",
                Cause::CaFile,
            ),
            (
                "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
                Cause::ContextWindow,
            ),
            (
                "Not inside a trusted directory and --skip-git-repo-check was not specified.",
                Cause::UntrustedDirectory,
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(cause(msg), Some(want), "{msg}");
        }
        let d = classify("Missing environment variable: `OPENAI_API_KEY`.").expect("classified");
        assert_eq!(
            (d.cause, d.detail.as_deref()),
            (Cause::MissingProviderKey, Some("OPENAI_API_KEY"))
        );
        let d = classify("Missing environment variable: 'MY_KEY'.").expect("classified");
        assert_eq!(d.detail.as_deref(), Some("MY_KEY"));
    }

    #[test]
    fn near_misses_are_not_classified() {
        for msg in [
            "the command finished in 120 seconds",
            "retrying in 401 ms",
            "listening on port 4030",
            "status 500 of the build farm is fine",
            "unexpected status 4011 nonsense",
            "Falling back from WebSockets to HTTPS transport.",
            "Reading additional input from stdin...",
        ] {
            assert_eq!(classify(msg), None, "{msg}");
        }
        assert_eq!(http_status("unexpected status 40"), None);
        assert_eq!(http_status("unexpected status 999 x"), None);
    }

    #[test]
    fn reconnecting_notices() {
        assert_eq!(
            reconnecting("Reconnecting... 2/5 (unexpected status 500 Internal Server Error: x)"),
            Some((
                Some((2, 5)),
                "unexpected status 500 Internal Server Error: x"
            ))
        );
        assert_eq!(
            reconnecting(
                "Reconnecting... waiting for network (Connection failed: error sending request)"
            ),
            Some((None, "Connection failed: error sending request"))
        );
        assert_eq!(reconnecting("Reconnect later"), None);
    }
}
