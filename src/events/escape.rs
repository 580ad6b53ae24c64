//! Making untrusted text safe for a terminal: codex output and model text can
//! carry ANSI escapes and control characters that would move the cursor,
//! retitle the window or hide lines. Everything printed from codex passes
//! through [`escape`] (and [`crate::redact::text`] for secrets).

/// Replace control characters (except newline and tab) with visible escapes.
/// `ESC` becomes `\e`, other C0/C1 controls `\xNN` / `\u{NN}`.
pub fn escape(input: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII, newlines and tabs (most text) need no char decoding;
    // checked with a fold, which the compiler vectorises (`all` stops at
    // the first other byte, and checks one byte at a time).
    let plain = |b| matches!(b, b' '..=b'~' | b'\n' | b'\t');
    let all_plain = !input.bytes().fold(false, |other, b| other | !plain(b));
    if all_plain || !input.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Strip ANSI SGR/CSI sequences (for text we parse, like the device-code prompt).
pub fn strip_ansi(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape("ok\ttext\n"), "ok\ttext\n");
        assert_eq!(escape("\x1b[2J\x1b]0;pwned\x07"), "\\e[2J\\e]0;pwned\\x07");
        assert_eq!(escape("a\rb\u{9b}c\u{202e}"), "a\\rb\\u{9b}c\\u{202e}");
    }

    #[test]
    fn ansi_colours_are_stripped() {
        assert_eq!(strip_ansi("   \x1b[94mABCD-1234\x1b[0m"), "   ABCD-1234");
    }
}
