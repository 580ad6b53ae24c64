//! One classifier for every error text Codex produces: `error` events,
//! `turn.failed`, error items, and stderr lines. It names a cause by family
//! (the same cause for every wording Codex and the servers use for it);
//! [`phrases`] says what to do about it in the user's language.
//!
//! An HTTP status is read only from Codex's own templates (`unexpected status
//! NNN`, `last status: NNN`, `(status NNN`) or a JSON `"status": NNN` field,
//! never from any three digits. Real texts and their expected causes live in
//! `tests/corpus/codex-errors.toml`.

pub mod answered;
pub mod phrases;

pub use answered::Answerer;

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use serde::Serialize;

/// What went wrong, in the user's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// No `auth.json` on the stick: nothing was sent.
    NoLogin,
    NotLoggedIn,
    KeyScopes,
    Forbidden,
    CloudflareBlock,
    RegionBlocked,
    WorkspaceRestricted,
    ProxyAuth,
    RateLimit,
    UsageLimit,
    PlanRequired,
    OutOfCredits,
    SpendCap,
    Quota,
    ModelUnavailable,
    ModelCapacity,
    ContentBlocked,
    ConversationBroken,
    ServerError,
    ServerFailed,
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
    CaFile,
    UntrustedDirectory,
    /// Codex could not set up its own files in `CODEX_HOME` (a file system
    /// that refuses a permission change or a lock).
    HomeSetup,
    /// A key a provider other than OpenAI refused (401 from a relay, a
    /// local server, an Azure resource).
    ProviderKey,
    /// The server has no such route or method (404/405 without a model
    /// named): `base_url`, `wire_api`, or an endpoint this codex calls that
    /// the server no longer has.
    EndpointMissing,
    /// Nothing listens at a model server on this computer.
    LocalServerDown,
    /// 413: the request is too big for the server or a proxy before it.
    TooLarge,
    /// 408: the server gave up waiting for the request.
    ServerTimeout,
    /// 409: the server refused the request as conflicting.
    Conflict,
    /// An MCP server from `[mcp_servers.NAME]` did not start.
    McpStartup,
    /// A tool call to an MCP server failed or did not finish in time.
    McpTool,
    /// An MCP server needs its own login (`codex mcp login NAME`).
    McpLogin,
    /// codex refused `config.toml` (a key or value it no longer takes).
    ConfigInvalid,
    /// A fault of this codex version: only another version helps.
    CodexBug,
    /// Software on this computer (antivirus, firewall, VPN client) aborted
    /// the connection (os error 10053).
    LocalAbort,
    /// The connection was cut before an answer (reset, TLS EOF).
    ConnectionCut,
    /// A turn failed with a text usbide does not recognise.
    Other,
}

impl Cause {
    /// Every cause (for catalogue tests).
    pub const ALL: [Cause; 53] = [
        Cause::NoLogin,
        Cause::NotLoggedIn,
        Cause::KeyScopes,
        Cause::Forbidden,
        Cause::CloudflareBlock,
        Cause::RegionBlocked,
        Cause::WorkspaceRestricted,
        Cause::ProxyAuth,
        Cause::RateLimit,
        Cause::UsageLimit,
        Cause::PlanRequired,
        Cause::OutOfCredits,
        Cause::SpendCap,
        Cause::Quota,
        Cause::ModelUnavailable,
        Cause::ModelCapacity,
        Cause::ContentBlocked,
        Cause::ConversationBroken,
        Cause::ServerError,
        Cause::ServerFailed,
        Cause::HighDemand,
        Cause::BadRequest,
        Cause::HttpStatus,
        Cause::Dns,
        Cause::ConnectionRefused,
        Cause::Tls,
        Cause::WaitingForNetwork,
        Cause::NetworkUnknown,
        Cause::Timeout,
        Cause::RefreshExpired,
        Cause::RefreshReused,
        Cause::RefreshRevoked,
        Cause::RefreshFailed,
        Cause::ForcedLoginMismatch,
        Cause::MissingProviderKey,
        Cause::ContextWindow,
        Cause::CaFile,
        Cause::UntrustedDirectory,
        Cause::HomeSetup,
        Cause::ProviderKey,
        Cause::EndpointMissing,
        Cause::LocalServerDown,
        Cause::TooLarge,
        Cause::ServerTimeout,
        Cause::Conflict,
        Cause::McpStartup,
        Cause::McpTool,
        Cause::McpLogin,
        Cause::ConfigInvalid,
        Cause::CodexBug,
        Cause::LocalAbort,
        Cause::ConnectionCut,
        Cause::Other,
    ];

    /// Causes whose text cannot tell what failed on the way to the server
    /// (a probe of the endpoint can).
    pub fn hides_network_cause(self) -> bool {
        matches!(
            self,
            Cause::NetworkUnknown
                | Cause::WaitingForNetwork
                | Cause::Timeout
                | Cause::ConnectionCut
        )
    }
}

/// A classified error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub cause: Cause,
    /// The HTTP status, when Codex's template carried one.
    pub status: Option<u16>,
    /// A detail the hint needs: the missing variable's name, or the wait a
    /// rate limit names ("34.337s").
    pub detail: Option<String>,
    /// The request ID the server gave, to quote to support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The server the message names (host and port), and what kind of
    /// server it is: whose fix it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<Answerer>,
}

impl Diagnosis {
    /// A diagnosis with no status, detail or request ID.
    pub fn of(cause: Cause) -> Self {
        Self {
            cause,
            status: None,
            detail: None,
            request_id: None,
            host: None,
            answered_by: None,
        }
    }
}

use Cause::*;

/// Text fragments (lower case) and the cause they prove, most specific first.
/// They are checked before the HTTP status: the body says more than the code.
const PHRASES: &[(&str, Cause)] = &[
    // MCP servers: whatever the failure inside, the server and its
    // `[mcp_servers.NAME]` entry are what to fix.
    ("is not logged in. run `codex mcp login", McpLogin),
    ("timed out awaiting tools/call", McpTool),
    ("tool call failed for `", McpTool),
    ("mcp client for ", McpStartup),
    ("required mcp server", McpStartup),
    ("mcp startup incomplete", McpStartup),
    ("mcp startup interrupted", McpStartup),
    ("mcp startup failed", McpStartup),
    ("mcp startup: failed", McpStartup),
    ("failed to create mcp connection manager", McpStartup),
    ("for mcp server '", McpStartup),
    ("error loading config.toml", ConfigInvalid),
    // Only another codex version helps.
    ("instructions are not valid", CodexBug),
    ("remote compaction", CodexBug),
    ("invalid schema for function", CodexBug),
    ("no running ollama server", LocalServerDown),
    ("refresh token has expired", RefreshExpired),
    ("refresh token was already used", RefreshReused),
    ("refresh token was revoked", RefreshRevoked),
    ("could not be refreshed", RefreshFailed),
    ("failed to refresh token", RefreshFailed),
    ("login is restricted to workspace", WorkspaceRestricted),
    ("login is required, but", ForcedLoginMismatch),
    // The conversation itself is broken: only a new session helps.
    ("invalid_encrypted_content", ConversationBroken),
    ("encrypted content", ConversationBroken),
    ("previous_response_not_found", ConversationBroken),
    ("missing required parameter: 'input[", ConversationBroken),
    (
        "ran out of room in the model's context window",
        ContextWindow,
    ),
    ("exceeds the context window", ContextWindow),
    ("context_length_exceeded", ContextWindow),
    // The model is not open to this account.
    ("when using codex with a chatgpt account", ModelUnavailable),
    ("model not found", ModelUnavailable),
    ("model_not_found", ModelUnavailable),
    ("does not exist or you do not have access", ModelUnavailable),
    ("not authorized to access this model", ModelUnavailable),
    ("must be verified to use the model", ModelUnavailable),
    ("must be verified to stream this model", ModelUnavailable),
    ("access program", ModelUnavailable),
    ("try pulling it first", ModelUnavailable),
    ("selected model is at capacity", ModelCapacity),
    ("payload too large", TooLarge),
    ("request entity too large", TooLarge),
    ("failed to read ca certificate file", CaFile),
    ("failed to load ca certificates", CaFile),
    ("not inside a trusted directory", UntrustedDirectory),
    (HOME_SETUP, HomeSetup),
    // Money: who can fix it differs, time does not.
    ("to use codex with your chatgpt plan, upgrade", PlanRequired),
    ("usage_not_included", PlanRequired),
    ("out of credits", OutOfCredits),
    ("spend cap", SpendCap),
    ("hit your usage limit", UsageLimit),
    ("usage_limit_reached", UsageLimit),
    ("quota exceeded", Quota),
    ("insufficient balance", Quota),
    ("insufficient account balance", Quota),
    // Relays that answer in Chinese: the context window, the body size,
    // the balance, an upstream under load.
    ("上下文长度", ContextWindow),
    ("请求体过大", TooLarge),
    ("额度不足", Quota),
    ("额度已用尽", Quota),
    ("负载已饱和", HighDemand),
    ("insufficient_quota", Quota),
    ("rate limit reached", RateLimit),
    ("rate limit is exceeded", RateLimit),
    ("rate_limit_exceeded", RateLimit),
    // Content and policy.
    ("flagged for possible cybersecurity risk", ContentBlocked),
    ("content_filter", ContentBlocked),
    ("inference hook blocked", ContentBlocked),
    ("request blocked", ContentBlocked),
    ("policy-restricted capacity", ContentBlocked),
    ("unsupported_country_region_territory", RegionBlocked),
    ("country, region, or territory not supported", RegionBlocked),
    ("access blocked by cloudflare", CloudflareBlock),
    ("missing scopes", KeyScopes),
    ("experiencing high demand", HighDemand),
    ("{\"detail\":\"bad request\"}", BadRequest),
    (
        "an error occurred while processing your request",
        ServerFailed,
    ),
];

/// What codex prints when it cannot open its state in `CODEX_HOME`; the OS's
/// reason follows it.
const HOME_SETUP: &str = "failed to initialize in-process app-server client";

/// Network failure texts (reqwest, hyper, the OS on Unix and Windows): no
/// answer came from the server.
const NETWORK: &[(&str, Cause)] = &[
    ("proxy authentication required", ProxyAuth),
    ("failed to lookup address", Dns),
    ("name does not resolve", Dns),
    ("name or service not known", Dns),
    ("no such host is known", Dns),
    ("temporary failure in name resolution", Dns),
    ("dns error", Dns),
    ("connection refused", ConnectionRefused),
    ("os error 10061", ConnectionRefused),
    ("actively refused", ConnectionRefused),
    // Software on this computer cut the connection (Windows' WSAECONNABORTED).
    ("aborted by the software in your host machine", LocalAbort),
    ("os error 10053", LocalAbort),
    // Cut on the way: a reset, or TLS closed without a word (an EOF is
    // never a certificate problem).
    ("connection reset", ConnectionCut),
    ("os error 10054", ConnectionCut),
    ("forcibly closed by the remote host", ConnectionCut),
    ("close_notify", ConnectionCut),
    ("handshake eof", ConnectionCut),
    ("unexpected eof", ConnectionCut),
    ("invalid peer certificate", Tls),
    ("certificate verify failed", Tls),
    ("unknownissuer", Tls),
    ("sec_e_untrusted_root", Tls),
    ("tls handshake", Tls),
    ("waiting for network", WaitingForNetwork),
    ("request timed out", Timeout),
    ("operation timed out", Timeout),
    ("connection failed:", NetworkUnknown),
    ("error sending request", NetworkUnknown),
    // ChatGPT logins ask chatgpt.com which workspace to use first; the text
    // does not say why that failed (a probe can).
    ("workspace routing discovery failed", NetworkUnknown),
];

/// The server answered, then the response broke off. Never a failure to
/// connect: a connection was made.
const BROKE_OFF: &[&str] = &[
    "websocket closed by server",
    "closed before response.completed",
    "idle timeout waiting for sse",
    "incomplete response returned",
    "error while reading the server response",
    "error decoding response body",
    "stream disconnected before completion",
];

/// Every fragment above in one automaton, in priority order: the phrases,
/// then the network texts, then the broken-off stream, then a bare
/// `invalid_request_error`. One pass over a message finds them all (error
/// streams repeat long messages; a search per fragment was the renderer's
/// bottleneck).
static FRAGMENTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let all = PHRASES
        .iter()
        .chain(NETWORK)
        .map(|(p, _)| *p)
        .chain(BROKE_OFF.iter().copied())
        .chain(["invalid_request_error"]);
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(all)
        .expect("fixed patterns build")
});

/// The cause of the highest-priority fragment in `message`, and whether it
/// is one of [`PHRASES`] (which outrank an HTTP status).
fn fragment(message: &str) -> Option<(Cause, bool)> {
    let best = FRAGMENTS
        .find_overlapping_iter(message)
        .map(|m| m.pattern().as_usize())
        .min()?;
    let (phrases, network) = (PHRASES.len(), PHRASES.len() + NETWORK.len());
    Some(match best {
        i if i < phrases => (PHRASES[i].1, true),
        i if i < network => (NETWORK[i - phrases].1, false),
        i if i < network + BROKE_OFF.len() => (ServerFailed, false),
        _ => (BadRequest, false),
    })
}

/// Messages remembered with their diagnosis, per thread (a stream repeats
/// its errors: each retry, the `error` and the `turn.failed` that repeats
/// it). Bounded: forgotten all at once when full.
const REMEMBERED: usize = 1024;
/// Longest message remembered (bytes); longer ones are classified each time.
const REMEMBERED_BYTES: usize = 4096;

thread_local! {
    static CLASSIFIED: std::cell::RefCell<foldhash::HashMap<Box<str>, Option<Diagnosis>>> =
        std::cell::RefCell::new(foldhash::HashMap::default());
}

/// Classify `message`; `None` when it is not an error usbide recognises.
pub fn classify(message: &str) -> Option<Diagnosis> {
    if message.len() > REMEMBERED_BYTES {
        return classify_text(message);
    }
    if let Some(known) = CLASSIFIED.with_borrow(|m| m.get(message).cloned()) {
        return known;
    }
    let found = classify_text(message);
    CLASSIFIED.with_borrow_mut(|m| {
        if m.len() >= REMEMBERED {
            m.clear();
        }
        m.insert(message.into(), found.clone());
    });
    found
}

/// [`classify`] without the memory.
fn classify_text(message: &str) -> Option<Diagnosis> {
    let status = http_status(message);
    let who = answered::answered_by(message);
    let answerer = who.as_ref().map(|(a, _)| *a);
    let found = fragment(message);
    let cause = match found {
        Some((cause, true)) => cause,
        _ if missing_variable(message).is_some() => MissingProviderKey,
        _ if named_model_missing(message) => ModelUnavailable,
        // An error code is read only where an error is: a status, a phrase,
        // or the word (a JSON line whose `type` merely holds "permission"
        // or "quota" is no failure).
        _ => match (
            (status.is_some() || found.is_some() || has_error_word(message))
                .then(|| by_code(message))
                .flatten(),
            status,
            found,
        ) {
            (Some(cause), ..) => cause,
            (None, Some(code), _) => by_status(code, &message.to_ascii_lowercase()),
            (None, None, Some((cause, _))) => cause,
            (None, None, None) => return None,
        },
    };
    let cause = whose(cause, answerer);
    let detail = match cause {
        MissingProviderKey => missing_variable(message),
        RateLimit => wait(message),
        HomeSetup => os_reason(message),
        McpStartup | McpTool => mcp_server(message),
        _ => None,
    };
    let (answered_by, host) = who.map_or((None, None), |(a, h)| (Some(a), Some(h)));
    Some(Diagnosis {
        cause,
        status,
        detail,
        request_id: request_id(message),
        host,
        answered_by,
    })
}

/// A cause as the server that answered makes it: a key refused by a relay
/// or a local server is not this stick's OpenAI login, and a refused
/// connection to this computer is a local model server that is not running.
pub fn whose(cause: Cause, answerer: Option<Answerer>) -> Cause {
    let elsewhere = answerer.is_some_and(|a| a != Answerer::OpenAi);
    match cause {
        NotLoggedIn | KeyScopes | Forbidden if elsewhere => ProviderKey,
        // OpenAI's servers lack an endpoint this codex calls: codex is out
        // of date. Another server lacking it is that server's (or its
        // `base_url`'s) business, as is a parameter it does not take.
        EndpointMissing if answerer == Some(Answerer::OpenAi) => CodexBug,
        CodexBug if elsewhere => BadRequest,
        ConnectionRefused if answerer == Some(Answerer::ThisComputer) => LocalServerDown,
        _ => cause,
    }
}
/// The diagnosis of a failed turn: its text's, or [`Cause::Other`] (a failed
/// turn always gets one).
pub fn classify_failure(message: &str) -> Diagnosis {
    classify(message).unwrap_or_else(|| {
        let (answered_by, host) =
            answered::answered_by(message).map_or((None, None), |(a, h)| (Some(a), Some(h)));
        Diagnosis {
            status: http_status(message),
            request_id: request_id(message),
            host,
            answered_by,
            ..Diagnosis::of(Other)
        }
    })
}

/// The OS's reason after [`HOME_SETUP`] ("Function not implemented (os
/// error 38)"), cut at 160 characters.
fn os_reason(message: &str) -> Option<String> {
    let at = message.to_ascii_lowercase().find(HOME_SETUP)? + HOME_SETUP.len();
    let reason = message[at..].trim_start_matches([':', ' ']).trim();
    (!reason.is_empty()).then(|| reason.chars().take(160).collect())
}

/// What a status means when no phrase says more: every status gets a
/// meaning.
fn by_status(code: u16, lower: &str) -> Cause {
    match code {
        401 => NotLoggedIn,
        402 => Quota,
        403 if lower.contains("cloudflare") => CloudflareBlock,
        403 if lower.contains("workspace") => WorkspaceRestricted,
        403 => Forbidden,
        404 | 405 | 410 => EndpointMissing,
        407 => ProxyAuth,
        408 => ServerTimeout,
        409 => Conflict,
        413 => TooLarge,
        429 => RateLimit,
        400 | 415 | 422 => BadRequest,
        500..=599 => ServerError,
        _ => HttpStatus,
    }
}

/// The error codes of a JSON body (`"code": "insufficient_user_quota"`,
/// `"type": "rate_limit_error"`), which servers keep in English whatever
/// language their message is in. The first code that means something wins.
/// Whether `message` says "error" (any case), as an error body does.
fn has_error_word(message: &str) -> bool {
    memchr::memmem::find_iter(message.as_bytes(), b"rror")
        .any(|at| at > 0 && message.as_bytes()[at - 1].eq_ignore_ascii_case(&b'e'))
}

fn by_code(message: &str) -> Option<Cause> {
    const KEYS: &[&str] = &["\"code\"", "\"type\"", "\"error_code\""];
    if !message.contains('"') {
        return None;
    }
    KEYS.iter().find_map(|key| {
        let mut rest = message;
        while let Some(at) = rest.find(key) {
            rest = &rest[at + key.len()..];
            let value = rest.trim_start_matches([' ', ':']);
            let Some(value) = value.strip_prefix('"') else {
                continue;
            };
            let id: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .take(64)
                .collect();
            if let Some(cause) = code_cause(&id.to_ascii_lowercase()) {
                return Some(cause);
            }
        }
        None
    })
}

/// The cause an error code names, by the words in it.
fn code_cause(id: &str) -> Option<Cause> {
    let has = |w: &str| id.contains(w);
    let model_missing = has("model")
        && [
            "not_found",
            "notfound",
            "not_exist",
            "unavailable",
            "not_supported",
        ]
        .iter()
        .any(|w| has(w));
    Some(match () {
        _ if has("context") && (has("exceed") || has("length") || has("window")) => ContextWindow,
        _ if has("quota") || has("balance") || has("credit") || has("billing") => Quota,
        _ if has("rate_limit") || has("ratelimit") || has("too_many_requests") => RateLimit,
        _ if has("cooldown") || has("cooling_down") => RateLimit,
        _ if has("unsupported_parameter") => CodexBug,
        _ if model_missing || has("deploymentnotfound") || has("deployment_not_found") => {
            ModelUnavailable
        }
        _ if has("invalid_api_key") || has("authentication") || has("unauthorized") => NotLoggedIn,
        _ if has("permission") => Forbidden,
        _ if has("too_large") || has("toolarge") => TooLarge,
        _ if has("overloaded") || has("capacity") || has("saturated") => HighDemand,
        _ if has("content_policy") || has("content_filter") || has("moderation") => ContentBlocked,
        _ => return None,
    })
}

/// The status in Codex's templates: `unexpected status 401 Unauthorized`,
/// `exceeded retry limit, last status: 429 ...`, `(status 403 Forbidden)`,
/// `failed with status 500 ...`, or a JSON body's `"status": 400`.
pub fn http_status(message: &str) -> Option<u16> {
    const MARKERS: [&str; 10] = [
        "unexpected status ",
        "Unexpected status ",
        "HTTP error: ",
        "upstream_status: HTTP ",
        "上游状态:HTTP ",
        "last status: ",
        "(status ",
        "failed with status ",
        "\"status\":",
        "\"status\": ",
    ];
    static FIND: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(MARKERS)
            .expect("fixed patterns build")
    });
    if !message.contains("status") && !message.contains("HTTP") {
        return None;
    }
    // The first place of each marker, in one pass; then the markers in
    // their order of trust.
    let mut first = [None; MARKERS.len()];
    for m in FIND.find_overlapping_iter(message) {
        first[m.pattern().as_usize()].get_or_insert(m.end());
    }
    first.iter().find_map(|at| {
        let at = (*at)?;
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

/// The request ID in `request id: X` (Codex) or `request ID X` (the server's
/// own sentence).
pub fn request_id(message: &str) -> Option<String> {
    if !message.contains("equest ") {
        return None;
    }
    ["request id: ", "request ID "].iter().find_map(|m| {
        let rest = &message[message.find(m)? + m.len()..];
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(80)
            .collect();
        (id.len() >= 6).then_some(id)
    })
}

/// The wait a rate limit names: `try again in 34.337s`, `Try again in 11
/// seconds`.
fn wait(message: &str) -> Option<String> {
    // ASCII lower case keeps every byte where it was: an index found in it
    // is an index into `message` (full Unicode lower case is not: `İ`
    // grows by a byte).
    let lower = message.to_ascii_lowercase();
    let rest = &message[lower.find("try again in ")? + "try again in ".len()..];
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if number.is_empty() {
        return None;
    }
    let unit: String = rest[number.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == ' ')
        .collect();
    // A symbol reads the same in every language: "11 s", "34.337 s".
    let unit = match unit.split_whitespace().next().unwrap_or("") {
        "ms" => "ms",
        "m" | "min" | "minute" | "minutes" => "min",
        "h" | "hour" | "hours" => "h",
        _ => "s",
    };
    Some(format!("{number} {unit}"))
}

/// The MCP server a message names, in codex's templates: ``MCP client for
/// `docs` ``, ``tool call failed for `docs/search` ``, `required MCP servers
/// failed to initialize: docs: ...`, `MCP startup incomplete (failed: docs)`,
/// `The docs MCP server is not logged in`, `for MCP server 'docs'`.
fn mcp_server(message: &str) -> Option<String> {
    const AFTER: &[&str] = &[
        "mcp client for ",
        "tool call failed for ",
        "failed to initialize:",
        "required mcp server ",
        "(failed: ",
        "mcp startup: failed: ",
        "for mcp server ",
    ];
    let lower = message.to_ascii_lowercase();
    let found = AFTER.iter().find_map(|m| {
        let at = lower.find(m)? + m.len();
        name_at(&message[at..])
    });
    found.or_else(|| {
        // "The docs MCP server is not logged in."
        let at = lower.find(" mcp server is not logged in")?;
        let before = message[..at].rsplit(' ').next()?;
        name_at(before)
    })
}

/// A server name at the start of `text`, in quotes or bare (up to `/`, `:`,
/// `,`, `)` or a space); server names are `[A-Za-z0-9_-]`.
fn name_at(text: &str) -> Option<String> {
    let text = text.trim_start();
    let text = text.trim_start_matches(['`', '\'', '"', '<']);
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(65)
        .collect();
    (1..=64).contains(&name.len()).then_some(name)
}

/// `model 'NAME' not found` (Ollama and other local servers).
fn named_model_missing(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.find("model '").is_some_and(|at| {
        let rest = &lower[at + "model '".len()..];
        rest.find('\'')
            .is_some_and(|end| end <= 80 && rest[end..].starts_with("' not found"))
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
/// has no counts (and may have no inner text at all).
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
    fn text_that_changes_length_in_lower_case_is_read_where_it_stands() {
        let d = classify("unexpected status 429 Too Many Requests, İtry again in é")
            .expect("a rate limit");
        assert_eq!(d.cause, RateLimit);
        let d = classify("İİİ unexpected status 429 Too Many Requests: try again in 12s")
            .expect("a rate limit");
        assert_eq!(d.detail.as_deref(), Some("12 s"));
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Any text, with the markers the classifier looks for planted in
        /// it, is classified without a panic.
        #[test]
        fn no_text_makes_the_classifier_panic(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<String>(),
                    proptest::sample::select(vec![
                        "try again in ", "unexpected status 429 ", "request id: ", "İ", "é",
                        "Reconnecting... 1/5 (", "Missing environment variable: '",
                        "failed to initialize in-process app-server client", "\u{202e}",
                        "last status: ", "\"status\": ", "(status ", "ms", "1.5",
                        "url: https://", "://", "@", "[", "]:", "\"code\":\"", "mcp `",
                    ]).prop_map(str::to_string),
                ],
                0..12,
            )
        ) {
            let text: String = parts.concat();
            // The helpers that cut the text, each on its own.
            let _ = (wait(&text), os_reason(&text), request_id(&text));
            let _ = (http_status(&text), missing_variable(&text));
            let _ = classify(&text);
            let _ = classify_failure(&text);
            let _ = reconnecting(&text);
        }
    }

    #[test]
    fn a_remembered_diagnosis_is_the_same_and_memory_stays_bounded() {
        let rate = "stream disconnected before completion: Rate limit reached for gpt-5 on tokens per min (TPM). Please try again in 3.5s.";
        let first = classify(rate);
        assert_eq!(first.as_ref().map(|d| d.cause), Some(RateLimit));
        assert_eq!(classify(rate), first);
        assert_eq!(classify(rate), classify_text(rate));
        for i in 0..3 * REMEMBERED {
            let msg = format!(
                "unexpected status 50{} Internal Server Error: call {i}",
                i % 4
            );
            assert_eq!(classify(&msg), classify_text(&msg), "{msg}");
            assert!(CLASSIFIED.with_borrow(|m| m.len()) <= REMEMBERED);
        }
        let long = format!("{} {}", "x".repeat(REMEMBERED_BYTES), rate);
        assert_eq!(classify(&long).map(|d| d.cause), Some(RateLimit));
        assert!(CLASSIFIED.with_borrow(|m| !m.contains_key(long.as_str())));
    }

    #[test]
    fn http_templates() {
        let cases = [
            (
                "unexpected status 401 Unauthorized: Incorrect API key provided: sk-test****1234., url: http://127.0.0.1:18531/v1/responses",
                Cause::ProviderKey,
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
        ] {
            assert_eq!(cause(msg), Some(Cause::UsageLimit), "{msg}");
        }
        // Not limits that pass with time: someone has to pay or raise a cap.
        for (msg, want) in [
            (
                "Your workspace is out of credits. Add credits to continue.",
                Cause::OutOfCredits,
            ),
            (
                "You hit your spend cap set in your workspace. Increase your spend cap to continue.",
                Cause::SpendCap,
            ),
            (
                "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
                Cause::PlanRequired,
            ),
        ] {
            assert_eq!(cause(msg), Some(want), "{msg}");
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
            (
                "Error: failed to initialize in-process app-server client: Function not implemented (os error 38)",
                Cause::HomeSetup,
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
        let d = classify(
            "Error: failed to initialize in-process app-server client: Lock violation. (os error 33)",
        )
        .expect("classified");
        assert_eq!(d.detail.as_deref(), Some("Lock violation. (os error 33)"));
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

    #[test]
    fn rate_limits_inside_stream_errors_give_the_wait() {
        let d = classify("stream disconnected before completion: Rate limit reached for organization org-x on tokens per min (TPM): Limit 250000, Used 250000, Requested 143071. Please try again in 34.337s. Visit https://platform.openai.com/account/rate-limits to learn more.").expect("classified");
        assert_eq!(
            (d.cause, d.detail.as_deref()),
            (Cause::RateLimit, Some("34.337 s"))
        );
        let d = classify("stream disconnected before completion: Rate limit is exceeded. Try again in 11 seconds.").expect("classified");
        assert_eq!(d.detail.as_deref(), Some("11 s"));
    }

    #[test]
    fn a_server_that_answered_is_not_a_connection_failure() {
        for msg in [
            "stream disconnected before completion: websocket closed by server before response.completed",
            "stream disconnected before completion: idle timeout waiting for SSE",
            "stream disconnected before completion: something new",
        ] {
            assert_eq!(cause(msg), Some(Cause::ServerFailed), "{msg}");
        }
        let d = classify("stream disconnected before completion: An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID 5036c677-60f5-4aef-ad04-da4182e0fc56 in your message.").expect("classified");
        assert_eq!(
            (d.cause, d.request_id.as_deref()),
            (
                Cause::ServerFailed,
                Some("5036c677-60f5-4aef-ad04-da4182e0fc56")
            )
        );
        assert_eq!(
            cause(
                "stream disconnected before completion: error sending request for url (https://chatgpt.com/backend-api/codex/responses)"
            ),
            Some(Cause::NetworkUnknown)
        );
    }

    #[test]
    fn every_status_means_something() {
        let meanings = [
            (400, BadRequest),
            (401, NotLoggedIn),
            (402, Quota),
            (403, Forbidden),
            (404, EndpointMissing),
            (405, EndpointMissing),
            (407, ProxyAuth),
            (408, ServerTimeout),
            (409, Conflict),
            (413, TooLarge),
            (415, BadRequest),
            (422, BadRequest),
            (429, RateLimit),
            (500, ServerError),
            (502, ServerError),
            (504, ServerError),
        ];
        for (status, want) in meanings {
            let msg = format!("unexpected status {status} Whatever: {{}}");
            assert_eq!(cause(&msg), Some(want), "{msg}");
        }
        for status in 300..600 {
            let d = classify(&format!("unexpected status {status} X")).expect("a status");
            assert_eq!(d.status, Some(status));
            assert_ne!(d.cause, Other);
        }
    }

    #[test]
    fn who_answered_decides_whose_fix_it_is() {
        let at = |url: &str, status: &str| format!("unexpected status {status}: nope, url: {url}");
        let cases = [
            (at("https://chatgpt.com/backend-api/codex/responses", "401 Unauthorized"), NotLoggedIn, Some(Answerer::OpenAi)),
            (at("http://localhost:11434/v1/responses", "401 Unauthorized"), ProviderKey, Some(Answerer::ThisComputer)),
            (at("https://relay.example/v1/responses", "403 Forbidden"), ProviderKey, Some(Answerer::Other)),
            (at("https://res.openai.azure.com/openai/responses", "404 Not Found"), EndpointMissing, Some(Answerer::Azure)),
            ("error sending request for url (http://127.0.0.1:1234/v1/responses): tcp connect error: Connection refused (os error 111)".to_string(), LocalServerDown, Some(Answerer::ThisComputer)),
            ("error sending request for url (https://proxy.corp.example/v1/responses): tcp connect error: Connection refused (os error 111)".to_string(), ConnectionRefused, Some(Answerer::Other)),
        ];
        for (msg, want, who) in cases {
            let d = classify(&msg).expect("classified");
            assert_eq!((d.cause, d.answered_by), (want, who), "{msg}");
        }
    }

    #[test]
    fn error_codes_are_read_whatever_the_language_of_the_message() {
        let cases = [
            (
                r#"{"error":{"message":"额度不足","type":"new_api_error","code":"insufficient_user_quota"}}"#,
                Quota,
            ),
            (
                r#"{"error":{"message":"上下文太长","code":"context_length_exceeded"}}"#,
                ContextWindow,
            ),
            (
                r#"{"error": {"code": "DeploymentNotFound", "message": "x"}}"#,
                ModelUnavailable,
            ),
            (
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
                HighDemand,
            ),
            (
                r#"{"error":{"type":"rate_limit_error","message":"…"}}"#,
                RateLimit,
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(cause(msg), Some(want), "{msg}");
        }
        assert_eq!(cause(r#"{"type":"error","code":"nothing_known"}"#), None);
        // A line that is no error at all, whose values merely hold the words.
        for quiet in [
            r#"{"type":"permission_request","id":"1"}"#,
            r#"{"type":"item.started","item":{"type":"quota_usage_note"}}"#,
        ] {
            assert_eq!(cause(quiet), None, "{quiet}");
        }
    }

    #[test]
    fn a_cut_connection_is_never_a_certificate_and_a_local_abort_never_worked() {
        for (msg, want) in [
            (
                "stream disconnected before completion: An established connection was aborted by the software in your host machine. (os error 10053)",
                LocalAbort,
            ),
            (
                "error sending request: client error (Connect): tls handshake eof",
                ConnectionCut,
            ),
            (
                "stream error: peer closed connection without sending TLS close_notify",
                ConnectionCut,
            ),
            ("Connection reset by peer (os error 104)", ConnectionCut),
        ] {
            assert_eq!(cause(msg), Some(want), "{msg}");
        }
    }

    #[test]
    fn a_huge_message_full_of_markers_is_classified() {
        // Every marker repeated over megabytes: the classifier reads each
        // byte a bounded number of times.
        let unit = r#""code":"x","type":"y", url: https:// (status 4 unexpected status "#;
        let msg = unit.repeat(4_000_000 / unit.len());
        let _ = classify_failure(&msg);
        let msg = "İ\"code\":\"".repeat(1_000_000);
        let _ = classify_failure(&msg);
    }

    #[test]
    fn the_mcp_server_is_named() {
        assert_eq!(
            mcp_server("MCP client for `docs-1` failed to start: x").as_deref(),
            Some("docs-1")
        );
        assert_eq!(
            mcp_server("required MCP servers failed to initialize: dbx: handshaking").as_deref(),
            Some("dbx")
        );
        assert_eq!(
            mcp_server("MCP startup incomplete (failed: zotero-mcp)").as_deref(),
            Some("zotero-mcp")
        );
        assert_eq!(
            mcp_server("The linear MCP server is not logged in. Run `codex mcp login linear`.")
                .as_deref(),
            Some("linear")
        );
        assert_eq!(
            mcp_server("tool call error: tool call failed for `zen/chat`").as_deref(),
            Some("zen")
        );
        assert_eq!(mcp_server("no server"), None);
    }

    #[test]
    fn json_status_fields_are_read() {
        assert_eq!(
            http_status(r#"{"type":"error","status":400,"error":{"message":"m"}}"#),
            Some(400)
        );
        assert_eq!(http_status(r#"{ "error": {}, "status": 400 }"#), Some(400));
        assert_eq!(http_status(r#"{"status":"completed"}"#), None);
    }
}
