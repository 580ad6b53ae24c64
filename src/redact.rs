//! The one place that decides what of a string may be shown.
//!
//! Every value usbide prints that could hold a secret (environment values,
//! proxy URLs, codex output, error text) goes through here first. Tokens,
//! API keys and passwords never reach a terminal, a log or an error message.
//!
//! Invariants: [`text`] looks at every position of its input (no rule stops
//! at the first match or at a space), and text is redacted whole before it
//! is cut for display ([`cut`]), so a secret is never half-shown.

pub mod config;

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Name fragments that mark a variable's value as secret wherever they occur.
const SECRET_NAME_PARTS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASS", // PASSWORD, PASSWD, SSHPASS, PASSPHRASE
    "PWD",  // MYSQL_PWD, DB_PWD (PWD and OLDPWD themselves are listed as public)
    "CREDENTIAL",
    "COOKIE",
    "SESSION",
    "PRIVATE",
    "SIGNATURE",
    "DSN",
];

/// Short words that mark a secret only as a whole `_`-separated part of a
/// name (`GH_PAT`, `NPM_OTP`), so `COMPAT` or `FOOTPRINT` stay visible.
const SECRET_NAME_WORDS: &[&str] = &["PAT", "OTP", "PIN", "SIG", "SALT", "JWT", "BEARER"];

/// Names that match a rule above but are known to hold nothing secret.
const PUBLIC_NAMES: &[&str] = &[
    "PWD", // the shell's working directory
    "OLDPWD",
    "SESSIONNAME", // Windows: Console / RDP-Tcp#0
    "XDG_SESSION_TYPE",
    "XDG_SESSION_CLASS",
    "XDG_SESSION_DESKTOP",
    "XDG_SESSION_ID",
    "DBUS_SESSION_BUS_ADDRESS",
    "KEYTIMEOUT",
];

/// Query or assignment names whose value is secret even though no rule of
/// [`is_secret_name`] catches them (`?sig=`, `?code=` of an OAuth redirect).
const SECRET_QUERY_NAMES: &[&str] = &["sig", "code", "auth", "pat", "otp", "jwt", "apikey"];

/// Words that stand for a password in hints (`http://user:password@host`).
const PLACEHOLDERS: &[&str] = &["password", "pass", "motdepasse", "pwd", "***"];

/// Prefixes of well-known credential formats; what follows is hidden.
const KEY_PREFIXES: &[&str] = &[
    "sk-",
    "sess-",
    "rt_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "AKIA",
];

/// Everything a finding of [`text`] starts at or is anchored on: key
/// prefixes and `eyJ` ([`known_keys`]), `bearer` / `basic`
/// ([`auth_schemes`]), `@` ([`userinfo`]) and `=` ([`secret_assignments`]).
/// Matched without regard to case, so it finds a superset: text with none of
/// these holds nothing to hide and is returned as it is.
static CANDIDATES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let patterns = KEY_PREFIXES
        .iter()
        .copied()
        .chain(["eyJ", "bearer", "basic", "@", "="]);
    // A DFA: every agent message, reasoning and command output passes
    // here, and the automaton the builder picks by itself was a fifth of
    // rendering a stream of small events.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(patterns)
        .expect("fixed patterns build")
});

/// Whether a variable (or query parameter) with this name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if PUBLIC_NAMES.contains(&upper.as_str()) {
        return false;
    }
    // AUTH marks a secret (NPM_CONFIG__AUTH, BASIC_AUTH, AUTHORIZATION) but
    // AUTHOR does not (GIT_AUTHOR_NAME).
    let without_author = upper.replace("AUTHORIZ", "AUTH").replace("AUTHOR", "");
    without_author.contains("AUTH")
        || SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
        || upper
            .split(['_', '-', '.'])
            .any(|part| SECRET_NAME_WORDS.contains(&part))
}

/// The printable form of variable `name` = `value`.
pub fn env_value(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        return format!("<redacted, {} chars>", value.chars().count());
    }
    text(value)
}

/// A URL (or any text holding URLs) with passwords and secrets hidden; an
/// alias of [`text`] kept for the call sites that show a proxy or endpoint.
pub fn url_password(value: &str) -> String {
    text(value)
}

/// Redact `input`, then keep at most `max_chars` characters of the result
/// (with ` ...` when something was cut). Never the reverse order: cutting
/// first would show the first characters of a secret the rules no longer
/// recognise.
pub fn cut(input: &str, max_chars: usize) -> String {
    let clean = text(input);
    match clean.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{} ...", &clean[..at]),
        None => clean,
    }
}

/// Values known to be secret (the stick's `config.toml` values that the
/// support bundle hides), hidden wherever they appear, besides everything
/// [`text`] hides: codex quotes a bad config value in its own errors.
#[derive(Debug, Default)]
pub struct Known {
    finder: Option<AhoCorasick>,
}

impl Known {
    /// The values of `config.toml` (text) that are not plain settings.
    pub fn from_config(config: &str) -> Self {
        Self::new(config::known_secrets(config))
    }

    /// These values.
    pub fn new(values: Vec<String>) -> Self {
        let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        Self {
            finder: (!values.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                        .build(&values)
                        .ok()
                })
                .flatten(),
        }
    }

    /// `input` with every known value and every credential [`text`] finds
    /// hidden.
    pub fn text(&self, input: &str) -> String {
        match &self.finder {
            Some(f) if f.is_match(input) => {
                text(&f.replace_all(input, &vec!["<redacted>"; f.patterns_len()]))
            }
            _ => text(input),
        }
    }
}

/// Replace anything in free text that looks like a credential.
///
/// Covers well-known key formats (`sk-...`, `sk-proj-...`, `ghp_...`), JWTs
/// (`eyJ...`), the credential after `Bearer` / `Basic`, the password of
/// `user:pass@host` with or without a scheme (every one, wherever it is),
/// and values of `name=value` pairs whose name looks secret (`?api-key=`,
/// `&token=`, `OPENAI_API_KEY=`).
pub fn text(input: &str) -> String {
    redacted(input).into_owned()
}

/// [`text`] without a copy when nothing is hidden (the common case: one
/// scan for [`CANDIDATES`] and no allocation).
pub fn redacted(input: &str) -> Cow<'_, str> {
    if !may_hold_secret(input.as_bytes()) || !CANDIDATES.is_match(input) {
        return Cow::Borrowed(input);
    }
    hide(input, findings(input))
}

/// Whether `bytes` holds what any finding of [`findings`] is anchored on,
/// found with vectorised byte searches before the automaton runs (a fifth of
/// rendering ordinary small events went into that automaton): every key
/// prefix but `AKIA` holds `-` or `_`; then `eyJ` and `AKIA` as they are
/// written, `bearer` / `basic` in any case, `@` and `=`. A superset of what
/// the rules hide, never less.
fn may_hold_secret(bytes: &[u8]) -> bool {
    use memchr::{memchr, memchr2_iter, memchr3, memmem};
    memchr3(b'-', b'_', b'@', bytes).is_some()
        || memchr(b'=', bytes).is_some()
        || memmem::find(bytes, b"eyJ").is_some()
        || memmem::find(bytes, b"AKIA").is_some()
        || memchr2_iter(b'b', b'B', bytes).any(|i| {
            let rest = &bytes[i..];
            [&b"bearer"[..], b"basic"].iter().any(|scheme| {
                rest.len() >= scheme.len() && rest[..scheme.len()].eq_ignore_ascii_case(scheme)
            })
        })
}

/// [`redacted`] for `text` that continues `before` (the end of an earlier
/// message): a credential that starts in `before` and runs on into `text`
/// is hidden in `text` too, so a token split over two messages never shows
/// its second half.
pub fn redacted_after<'a>(before: &str, text: &'a str) -> Cow<'a, str> {
    if before.is_empty() {
        return redacted(text);
    }
    // Nothing in `before` can run on, and no finding starts across the
    // junction (a key prefix cut in two): `text` alone decides. The junction
    // is the last 16 bytes of `before` and the first 16 of `text`, on the
    // stack (a message of a few words is the common case).
    let tail = &before.as_bytes()[before.len().saturating_sub(16)..];
    let head = &text.as_bytes()[..text.len().min(16)];
    let mut junction = [0u8; 32];
    junction[..tail.len()].copy_from_slice(tail);
    junction[tail.len()..tail.len() + head.len()].copy_from_slice(head);
    let junction = &junction[..tail.len() + head.len()];
    if !CANDIDATES.is_match(before) && !CANDIDATES.is_match(junction) {
        return redacted(text);
    }
    let joined = format!("{before}{text}");
    let shift = before.len();
    // What `text` alone shows is hidden too: glued to the end of `before`,
    // a key at the very start of `text` is no longer at a word's boundary.
    let mut spans: Vec<_> = findings(text);
    spans.extend(
        findings(&joined)
            .into_iter()
            .filter(|&(_, end, _)| end > shift)
            .map(|(start, end, label)| {
                let label = if start < shift { "***" } else { label };
                (start.max(shift) - shift, end - shift, label)
            }),
    );
    hide(text, spans)
}

/// The end of `text` worth keeping to read the next message after it
/// ([`redacted_after`]): its last credential-sized run, cut on a char
/// boundary.
pub fn tail_for_next(text: &str) -> &str {
    const KEEP: usize = 256;
    let mut at = text.len().saturating_sub(KEEP);
    while !text.is_char_boundary(at) {
        at += 1;
    }
    &text[at..]
}

/// `input` with `hidden` spans replaced by their labels; overlapping spans
/// are merged.
fn hide<'a>(input: &'a str, mut hidden: Vec<(usize, usize, &'static str)>) -> Cow<'a, str> {
    if hidden.is_empty() {
        return Cow::Borrowed(input);
    }
    hidden.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut out = String::with_capacity(input.len());
    let mut pos = 0;
    let mut iter = hidden.into_iter().peekable();
    while let Some((start, mut end, mut label)) = iter.next() {
        while let Some(&(s, e, _)) = iter.peek() {
            if s > end {
                break;
            }
            if e > end {
                end = e;
                label = "***";
            }
            iter.next();
        }
        if start < pos {
            // Contained in (or overlapping) what was already hidden.
            if end > pos {
                out.push_str("***");
                pos = end;
            }
            continue;
        }
        out.push_str(&input[pos..start]);
        out.push_str(label);
        pos = end;
    }
    out.push_str(&input[pos..]);
    Cow::Owned(out)
}

/// Every span to hide, as (start, end, replacement), unsorted.
fn findings(input: &str) -> Vec<(usize, usize, &'static str)> {
    let bytes = input.as_bytes();
    let mut hidden = Vec::new();
    known_keys(bytes, &mut hidden);
    auth_schemes(bytes, &mut hidden);
    userinfo(bytes, &mut hidden);
    secret_assignments(input, &mut hidden);
    hidden
}

/// Characters a key, token or JWT is made of.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Characters that end a credential in free text (a URL password, a query
/// value, a bearer token).
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || b.is_ascii_control()
        || matches!(
            b,
            b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        )
        || matches!(b, b',' | b';' | b'|' | b'\\' | b'&' | b'#')
}

/// Whether a match may start at `i`: not glued to a letter or digit before.
fn at_boundary(bytes: &[u8], i: usize) -> bool {
    i == 0 || !bytes[i - 1].is_ascii_alphanumeric()
}

fn known_keys(bytes: &[u8], hidden: &mut Vec<(usize, usize, &'static str)>) {
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if !at_boundary(bytes, i) {
            i += 1;
        } else if rest.starts_with(b"eyJ") {
            let end = i + run_len(rest, |b| is_key_byte(b) || b == b'.' || b == b'=');
            if end - i >= 20 {
                hidden.push((i, end, "<jwt redacted>"));
            }
            i = end;
        } else if let Some(prefix) = KEY_PREFIXES.iter().find(|p| rest.starts_with(p.as_bytes())) {
            let end = i + run_len(rest, is_key_byte);
            if end - i >= 12 {
                hidden.push((i + prefix.len(), end, "***"));
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

/// `Bearer <token>`, `Basic <credentials>`.
fn auth_schemes(bytes: &[u8], hidden: &mut Vec<(usize, usize, &'static str)>) {
    for scheme in [&b"bearer"[..], b"basic"] {
        let mut i = 0;
        while i + scheme.len() < bytes.len() {
            let after = i + scheme.len();
            if at_boundary(bytes, i)
                && bytes[i..after].eq_ignore_ascii_case(scheme)
                && matches!(bytes[after], b' ' | b'\t' | b'=' | b':')
            {
                let start =
                    after + run_len(&bytes[after..], |b| matches!(b, b' ' | b'\t' | b'=' | b':'));
                let end = start + run_len(&bytes[start..], |b| !ends_value(b));
                // Prose ("a Bearer token is needed", "Basic authentication
                // failed") has short or plain words here; credentials do not.
                let word = &bytes[start..end];
                let plain_word = word.len() > 1
                    && word[1..].iter().all(u8::is_ascii_lowercase)
                    && scheme == b"basic";
                if !plain_word && (word.len() >= 8 || has_digit(bytes, start, end)) {
                    hidden.push((start, end, "***"));
                }
                // Go on from the credential's start, not its end: a scheme
                // glued to it (`<token>=Bearer <other>`) is another one.
                i = start.max(i + 1);
            } else {
                i += 1;
            }
        }
    }
}

fn has_digit(bytes: &[u8], start: usize, end: usize) -> bool {
    bytes[start..end].iter().any(u8::is_ascii_digit)
}

/// The password of every `user:password@host` (and the whole user part of
/// `scheme://token@host`). A segment starts after a delimiter or `/`, `?`,
/// so `?next=http://u:p@h` and comma-separated lists are all seen.
fn userinfo(bytes: &[u8], hidden: &mut Vec<(usize, usize, &'static str)>) {
    let mut seg_start = 0;
    let mut colon: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if (ends_value(b) && b != b'&') || matches!(b, b'/' | b'?') {
            seg_start = i + 1;
            colon = None;
            continue;
        }
        match b {
            b':' if colon.is_none() => colon = Some(i),
            b'@' => {
                let after_scheme = seg_start >= 3 && &bytes[seg_start - 3..seg_start] == b"://";
                let start = match colon {
                    Some(c) => c + 1,
                    None if after_scheme => seg_start,
                    None => continue, // an e-mail address
                };
                if start < i && !is_placeholder(&bytes[start..i]) {
                    hidden.push((start, i, "***"));
                }
            }
            _ => {}
        }
    }
}

fn is_placeholder(word: &[u8]) -> bool {
    let word = String::from_utf8_lossy(word);
    let word = word.trim_matches(['<', '>']).to_ascii_lowercase();
    PLACEHOLDERS.contains(&word.as_str())
}

/// `name=value` where the name looks secret: query strings (`?api-key=..`,
/// `&access_token=..`) and assignments (`OPENAI_API_KEY=sk-..`).
fn secret_assignments(input: &str, hidden: &mut Vec<(usize, usize, &'static str)>) {
    let bytes = input.as_bytes();
    for (eq, _) in input.match_indices('=') {
        let name_start = bytes[..eq]
            .iter()
            .rposition(|&b| !(is_key_byte(b) || b == b'.'))
            .map_or(0, |p| p + 1);
        let name = &input[name_start..eq];
        if name.is_empty() || !is_secret_query_name(name) {
            continue;
        }
        let start = eq + 1;
        let end = start + run_len(&bytes[start..], |b| !ends_value(b));
        if end > start {
            hidden.push((start, end, "***"));
        }
    }
}

fn is_secret_query_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_name(name) || SECRET_QUERY_NAMES.contains(&lower.as_str())
}

fn run_len(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().position(|&b| !keep(b)).unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_check_never_misses_an_anchor() {
        for prefix in KEY_PREFIXES
            .iter()
            .chain(&["eyJ", "bearer", "BASIC", "Bearer", "@", "="])
        {
            let text = format!("plain words {prefix} more words");
            assert!(may_hold_secret(text.as_bytes()), "{prefix}");
        }
        assert!(!may_hold_secret(
            b"I will look at the tests, then run them."
        ));
    }

    #[test]
    fn secret_names_are_recognised_as_a_table() {
        let secret = [
            "OPENAI_API_KEY",
            "codex_api_key",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "AWS_SECRET",
            "SSHPASS",
            "MYSQL_PWD",
            "PGPASSWORD",
            "GH_PAT",
            "GITLAB_PAT",
            "NPM_CONFIG__AUTH",
            "BASIC_AUTH",
            "HTTP_AUTHORIZATION",
            "AWS_SESSION_TOKEN",
            "SENTRY_DSN",
            "GPG_PASSPHRASE",
            "SSH_PRIVATE_KEY",
            "NPM_OTP",
            "PAT",
        ];
        for n in secret {
            assert!(is_secret_name(n), "{n} must be redacted");
        }
        let public = [
            "PATH",
            "PATHEXT",
            "PWD",
            "OLDPWD",
            "COMPAT",
            "HOME",
            "HTTPS_PROXY",
            "LANG",
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "SESSIONNAME",
            "XDG_SESSION_TYPE",
            "FOOTPRINT",
            "SPINNER",
            "USERPROFILE",
            "TERM",
        ];
        for n in public {
            assert!(!is_secret_name(n), "{n} must stay visible");
        }
    }

    #[test]
    fn a_token_split_over_two_messages_shows_neither_half() {
        let key = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
        for cut in [3, 5, 9, 20, 30] {
            let (first, second) = key.split_at(cut);
            let first_msg = format!("the key is {first}");
            let shown_first = redacted(&first_msg);
            let tail = tail_for_next(&first_msg);
            let shown_second = redacted_after(tail, second);
            assert!(
                !shown_second.contains(&second[second.len().min(4)..]),
                "{cut}: {shown_second}"
            );
            assert!(
                !format!("{shown_first}{shown_second}").contains("klmnop"),
                "{cut}: {shown_first} | {shown_second}"
            );
        }
        assert_eq!(redacted_after("hello ", "world"), "world");
        // Never less than the text alone: a key at the start of a message
        // after one that ends in a letter (and holds an anchor).
        let after = redacted_after(
            "Set OPENAI_BASE_URL=http://localhost:11434/v1 and run it",
            "sk-proj-ABCDEFGHIJKLMNOPQRSTUV is the key",
        );
        assert!(!after.contains("ABCDEFGHIJKLMNOPQRSTUV"), "{after}");
        let after = redacted_after("a=b then", "Bearer abcdefghijk123 rest");
        assert!(!after.contains("abcdefghijk123"), "{after}");
        assert_eq!(redacted_after("Bearer ", "abcdefghijk123 rest"), "*** rest");
    }

    #[test]
    fn env_values_hide_secrets_and_proxy_passwords() {
        assert_eq!(env_value("OPENAI_API_KEY", "sk-abc"), "<redacted, 6 chars>");
        assert_eq!(
            env_value("HTTPS_PROXY", "http://bob:hunter2@proxy:3128"),
            "http://bob:***@proxy:3128"
        );
        assert_eq!(
            env_value("HTTPS_PROXY", "bob:hunter2@proxy:3128"),
            "bob:***@proxy:3128"
        );
        assert_eq!(env_value("PATH", "/usr/bin"), "/usr/bin");
        assert_eq!(
            url_password("http://user:password@proxy:8080"),
            "http://user:password@proxy:8080"
        );
    }

    #[test]
    fn every_url_password_in_a_run_is_hidden() {
        let s =
            "a=http://u:pw1@h1,http://v:pw2@h2\thttp://w:pw3@h3?next=http://x:pw4@h4 y:pw5@h5:3128";
        let r = text(s);
        for n in 1..=5 {
            assert!(!r.contains(&format!("pw{n}")), "pw{n} in {r}");
        }
        assert_eq!(
            text("https://ghp-like-token@github.com/x"),
            "https://***@github.com/x"
        );
        assert_eq!(text("mail ann@example.com"), "mail ann@example.com");
    }

    #[test]
    fn secret_query_values_are_hidden() {
        let r = text("GET https://h/v1?api-key=QV1secret&model=gpt-5&access_token=QV2secret#x");
        assert_eq!(
            r,
            "GET https://h/v1?api-key=***&model=gpt-5&access_token=***#x"
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
        assert_eq!(text("x-sk-proj-ABCDEFGHIJKL"), "x-sk-***");
        assert_eq!(
            text("Authorization: Basic dXNlcjpwYXNz"),
            "Authorization: Basic ***"
        );
    }

    #[test]
    fn text_is_redacted_before_it_is_cut() {
        let r = cut("see Bearer CANARYCANARY123 and sk-proj-CANARY456789", 12);
        assert!(!r.contains("CANA"), "{r}");
        let r = cut("sk-proj-CANARY456789", 9);
        assert!(!r.contains('C'), "{r}");
        assert_eq!(cut("short", 80), "short");
        assert_eq!(cut("abcdef", 3), "abc ...");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        let s = "unexpected status 401 Unauthorized: sk-1 is short, skills ok; a Bearer token is needed; Basic authentication failed; see https://chatgpt.com/backend-api/ at 10:30";
        assert_eq!(text(s), s);
        assert!(matches!(redacted(s), Cow::Borrowed(_)));
        assert!(matches!(redacted("plain words"), Cow::Borrowed(_)));
    }

    mod planted {
        //! A secret planted anywhere in generated text, between arbitrary
        //! separators, never survives [`text`] nor [`cut`] in any part.
        use super::super::*;
        use proptest::prelude::*;

        const SEPARATORS: &[char] = &[
            ' ', '\t', '\n', '\r', ',', ';', '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>',
            '|', '=', ':', '/', '?', '&', '#', '@', '!', '*', '`', '\\', '.', '-', '_', '+', '%',
            '\u{1b}', 'é',
        ];

        fn separator() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(SEPARATORS), 1..4)
                .prop_map(String::from_iter)
        }

        fn filler() -> impl Strategy<Value = String> {
            "[a-zA-Z0-9 éà:/]{0,16}"
        }

        /// A planted secret: the text to plant and the part that must vanish.
        fn secret() -> impl Strategy<Value = (String, String)> {
            let body = "[A-Za-z0-9]{10,30}";
            let password = "[A-Za-z0-9!$*+.~_-]{8,24}";
            prop_oneof![
                body.prop_map(|b| (format!("sk-{b}"), b)),
                "[A-Za-z0-9_-]{12,40}".prop_map(|b| (format!("sk-proj-{b}"), b)),
                (
                    "[A-Za-z0-9_-]{8,20}",
                    "[A-Za-z0-9_-]{10,40}",
                    "[A-Za-z0-9_-]{10,40}"
                )
                    .prop_map(|(h, p, s)| (format!("eyJ{h}.eyJ{p}.{s}"), format!("{p}.{s}"))),
                (
                    "(Bearer|bearer|BEARER)",
                    "[ \t]{1,2}",
                    "[A-Za-z0-9._~+/-]{12,40}"
                )
                    .prop_map(|(w, sp, t)| (format!("{w}{sp}{t}"), t)),
                (
                    "(http|https|socks5)",
                    "[a-z]{1,8}",
                    password,
                    "[a-z0-9.-]{1,12}"
                )
                    .prop_map(|(s, u, p, h)| (format!("{s}://{u}:{p}@{h}:3128/"), p)),
                ("[a-z]{1,8}", password, "[a-z0-9.-]{1,12}")
                    .prop_map(|(u, p, h)| (format!("{u}:{p}@{h}:8080"), p)),
                (
                    prop::sample::select(vec![
                        "api-key",
                        "api_key",
                        "apikey",
                        "key",
                        "token",
                        "access_token",
                        "sig",
                        "password",
                        "client_secret",
                        "code",
                        "X-Api-Key",
                    ]),
                    "[A-Za-z0-9._~%-]{8,30}"
                )
                    .prop_map(|(n, v)| (format!("https://h.example/v1?model=x&{n}={v}&b=1"), v)),
            ]
        }

        fn leaks(out: &str, secret: &str) -> Option<String> {
            let chars: Vec<char> = secret.chars().collect();
            chars
                .windows(6)
                .map(String::from_iter)
                .find(|w| out.contains(w.as_str()))
        }

        proptest! {
            /// The [`CANDIDATES`] shortcut only skips text the rules would
            /// leave alone.
            #[test]
            fn text_without_candidates_has_no_findings(
                parts in prop::collection::vec(
                    prop_oneof![filler(), separator(), secret().prop_map(|(s, _)| s)],
                    0..8,
                ),
            ) {
                let input = String::from_iter(parts);
                if !CANDIDATES.is_match(&input) {
                    prop_assert_eq!(findings(&input), vec![], "{}", input);
                }
            }

            #[test]
            fn no_planted_secret_survives(
                parts in prop::collection::vec((filler(), separator(), secret(), separator()), 1..4),
                tail in filler(),
                keep in 0usize..200,
            ) {
                let mut input = String::new();
                for (f, s1, (planted, _), s2) in &parts {
                    input.push_str(f);
                    input.push_str(s1);
                    input.push_str(planted);
                    input.push_str(s2);
                }
                input.push_str(&tail);
                let whole = text(&input);
                let short = cut(&input, keep);
                for (_, _, (_, secret), _) in &parts {
                    prop_assert_eq!(leaks(&whole, secret), None, "{} -> {}", input, whole);
                    prop_assert_eq!(leaks(&short, secret), None, "{} -> {}", input, short);
                }
            }
        }
    }
}
