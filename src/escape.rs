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

/// Whether `c` must not reach a terminal as it is: a control character
/// (but newline and tab), a line or paragraph separator, or an invisible
/// format character (Unicode general category Cf: every bidi control, the
/// zero-width characters, the soft hyphen, the byte-order mark, the tag
/// characters), which can reorder or hide what is shown.
pub fn needs_escape(c: char) -> bool {
    use unicode_general_category::{GeneralCategory, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_control() && c != '\n' && c != '\t';
    }
    c.is_control()
        || matches!(
            get_general_category(c),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// JSON text with every character [`needs_escape`] written as a `\uXXXX`
/// escape (a pair for one past U+FFFF): the same JSON to a parser, nothing
/// invisible or reordering on a terminal. Valid JSON holds such characters
/// only inside strings, where the escape means the same character.
pub fn json_text(json: &str) -> std::borrow::Cow<'_, str> {
    // Plain JSON text: printable ASCII (serde_json already escapes C0
    // controls, but not DEL).
    let plain = !json.bytes().any(|b| b == 0x7f || b >= 0x80);
    if plain || !json.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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
        for c in [
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{200b}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{00ad}',
            '\u{e0041}',
            '\u{e007f}',
        ] {
            let text = format!("a{c}b");
            let shown = escape(&text);
            assert!(!shown.contains(c), "{:x} shown raw", c as u32);
            assert_eq!(shown, format!("a\\u{{{:x}}}b", c as u32));
        }
        assert_eq!(escape("café, 日本, ⚠"), "café, 日本, ⚠");
        assert_eq!(escape("ok\ttext\n"), "ok\ttext\n");
        assert_eq!(escape("\x1b[2J\x1b]0;pwned\x07"), "\\e[2J\\e]0;pwned\\x07");
        assert_eq!(escape("a\rb\u{9b}c\u{202e}"), "a\\rb\\u{9b}c\\u{202e}");
    }

    #[test]
    fn json_keeps_its_meaning_without_invisible_characters() {
        let value = serde_json::json!({"text": "a\u{202e}b\u{e0041}c\u{85}d é\u{7f}"});
        let plain = serde_json::to_string(&value).expect("json");
        let shown = json_text(&plain);
        assert!(
            shown.is_ascii() || !shown.chars().any(needs_escape),
            "{shown}"
        );
        assert!(
            shown.contains("\\u202e") && shown.contains("\\udb40\\udc41"),
            "{shown}"
        );
        let back: serde_json::Value = serde_json::from_str(&shown).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn ansi_colours_are_stripped() {
        assert_eq!(strip_ansi("   \x1b[94mABCD-1234\x1b[0m"), "   ABCD-1234");
    }
}
