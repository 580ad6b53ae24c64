//! The form untrusted text takes before it is printed: secrets redacted
//! first ([`crate::redact`]), then cut on a character boundary with an
//! ellipsis, then control characters escaped ([`crate::escape`]).
//! Cutting before redacting could leave half a secret that no longer looks
//! like one.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;

use crate::escape::escape;
use crate::redact;

/// Redact secrets, then escape controls.
pub fn clean(text: &str) -> String {
    clean_cow(text).into_owned()
}

/// [`clean`], borrowing `text` when it needs no change.
pub fn clean_cow(text: &str) -> Cow<'_, str> {
    match redact::redacted(text) {
        Cow::Borrowed(plain) => escape(plain),
        Cow::Owned(redacted) => escape(&redacted).into_owned().into(),
    }
}

/// Redact, cut to `max` characters (with `…`), then escape.
pub fn clean_cut(text: &str, max: usize) -> String {
    let redacted = redact::redacted(text);
    escape(&cut(&redacted, max)).into_owned()
}

/// Codex's own words (an error, a warning, its login screens): redacted,
/// its advice rewritten to the usbide command, cut to `max` characters,
/// escaped. "Use `codex login --device-auth`" run on the host would put the
/// login on the host, not on the stick.
pub fn clean_codex(text: &str, max: usize) -> String {
    let redacted = redact::redacted(text);
    let advised = usbide_advice(&redacted);
    escape(&cut(&advised, max)).into_owned()
}

/// `codex login ...` / `codex logout` / `codex login status` / `codex
/// resume ...` advice as the usbide command that does the same on the stick.
pub fn usbide_advice(text: &str) -> std::borrow::Cow<'_, str> {
    const REWRITES: [(&str, &str); 4] = [
        ("codex login status", "usbide status"),
        ("codex logout", "usbide logout"),
        ("codex login", "usbide login"),
        ("codex resume", "usbide resume"),
    ];
    static ADVICE: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("codex log"));
    static RESUME: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("codex resume"));
    let bytes = text.as_bytes();
    if ADVICE.find(bytes).is_none() && RESUME.find(bytes).is_none() {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for (from, to) in REWRITES {
            if rest.starts_with(from) {
                let before = out.chars().next_back();
                let after = rest[from.len()..].chars().next();
                let word_start =
                    before.is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '_');
                let word_end = after.is_none_or(|c| !c.is_alphanumeric() && c != '_');
                if word_start && word_end {
                    out.push_str(to);
                    rest = &rest[from.len()..];
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.into()
}

/// `text` cut to at most `max` bytes, on a character boundary.
pub fn cut_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` cut to at most `max` characters, ending with `…` when cut.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((at, _)) => {
            let keep = text[..at]
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(at, |(i, _)| i);
            format!("{}…", &text[..keep]).into()
        }
    }
}

/// Markdown `**strong**` as bold (`Some(restore)`: the colour codes to
/// re-apply after it) or as plain text (`None`: no colour). Unpaired or
/// space-padded markers stay as they are.
pub fn emphasis<'t>(text: &'t str, color: Option<&str>) -> std::borrow::Cow<'t, str> {
    // memmem: the renderer runs this on every message and reasoning line,
    // and str's searcher costs more to set up than a short line to scan.
    static MARKER: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("**"));
    let mut last = 0;
    let mut parts: Vec<&str> = Vec::new();
    for at in MARKER.find_iter(text.as_bytes()) {
        parts.push(&text[last..at]);
        last = at + 2;
    }
    if parts.is_empty() {
        return text.into();
    }
    parts.push(&text[last..]);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    out.push_str(parts[0]);
    while i + 1 < parts.len() {
        let inner = parts[i + 1];
        let closable = i + 2 < parts.len()
            && !inner.is_empty()
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace);
        if closable {
            match color {
                Some(restore) => {
                    out.push_str("\x1b[1m");
                    out.push_str(inner);
                    out.push_str("\x1b[22m");
                    out.push_str(restore);
                }
                None => out.push_str(inner),
            }
            out.push_str(parts[i + 2]);
            i += 2;
        } else {
            out.push_str("**");
            out.push_str(inner);
            i += 1;
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("ééééé", 3), "éé…");
        assert_eq!(cut("日本語テキスト", 4), "日本語…");
        assert_eq!(cut("", 0), "");
    }

    #[test]
    fn secrets_are_redacted_before_the_cut() {
        let secret = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
        let text = format!("key {secret} and then a long tail of words");
        let shown = clean_cut(&text, 20);
        assert!(!shown.contains("abcdefghij"), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
    }

    #[test]
    fn strong_emphasis_is_bold_or_plain() {
        assert_eq!(emphasis("**Planning** next", None), "Planning next");
        assert_eq!(
            emphasis("**Planning** next", Some("")),
            "\x1b[1mPlanning\x1b[22m next"
        );
        assert_eq!(emphasis("a ** b ** c", None), "a ** b ** c");
        assert_eq!(emphasis("2**3 and **x**", None), "2**3 and x");
        assert_eq!(emphasis("unpaired **x", None), "unpaired **x");
        assert_eq!(emphasis("**", None), "**");
        assert_eq!(emphasis("***x***", None), "*x*");
        assert_eq!(emphasis("a****b", None), "a****b");
    }

    #[test]
    fn codex_login_advice_becomes_the_usbide_command() {
        assert_eq!(
            usbide_advice(
                "On a remote or headless machine? Use `codex login --device-auth` instead."
            ),
            "On a remote or headless machine? Use `usbide login --device-auth` instead."
        );
        assert_eq!(
            usbide_advice("then run 'codex login --device-auth' again."),
            "then run 'usbide login --device-auth' again."
        );
        assert_eq!(usbide_advice("try codex logout"), "try usbide logout");
        assert_eq!(usbide_advice("see codex login status"), "see usbide status");
        assert_eq!(usbide_advice("mycodex login x"), "mycodex login x");
        assert_eq!(usbide_advice("codex loginx"), "codex loginx");
        assert_eq!(usbide_advice("é codex login"), "é usbide login");
        // `usbide resume ID` works (codex's commands pass through usbide).
        assert_eq!(
            usbide_advice("To continue this session, run codex resume 0199-ab."),
            "To continue this session, run usbide resume 0199-ab."
        );
    }
}
