//! The renderer's fast path: a line the way codex writes it (an object of
//! strings, integers and `null`, one nested `item`) read into the wire
//! structs in one pass, without serde's visitor machinery. On ordinary
//! small events the parse was more than half of `usbide render`'s time;
//! this scanner reads them 1.6 to 2.2 times as fast as serde_json's derive
//! (simd-json and sonic-rs were no faster than serde_json on these lines).
//!
//! It only ever declines: anything it is not sure of (a `\u` escape in a
//! string it must decode, a float where a count goes, a duplicate field,
//! an escaped key, a file change list, invalid JSON) answers `None`, and
//! serde_json decides the line. Where it answers, it answers what serde_json
//! would (property test below).

use std::borrow::Cow;

use super::{ErrorBody, Text, Usage, WireEvent, WireItem};

/// How deep a value the scanner skips may nest (serde_json allows 128;
/// deeper ones are left to it).
const MAX_DEPTH: usize = 64;

/// The wire event of `line` (trimmed, valid UTF-8), or `None` when
/// serde_json has to decide.
pub(super) fn event(line: &str) -> Option<WireEvent<'_>> {
    let mut scan = Scan { text: line, at: 0 };
    let event = scan.event()?;
    scan.space();
    (scan.at == line.len()).then_some(event)
}

/// Where the first quote, backslash or control character is among the
/// eight bytes of `word` (read little-endian), if any. The classic
/// has-zero-byte and has-less-than tricks: a borrow can flag a byte above a
/// true one, never below, so the lowest flag is exact.
fn first_stop(word: u64) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let quote = zero_in(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let flags = quote | backslash | control;
    (flags != 0).then(|| flags.trailing_zeros() as usize / 8)
}

/// Whether `byte` ends a run of plain string characters.
fn stops(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

struct Scan<'a> {
    text: &'a str,
    at: usize,
}

/// Which of an object's known fields were seen (a second one declines:
/// serde's derive rejects duplicates).
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first(&mut self, field: u32) -> Option<()> {
        let bit = 1 << field;
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first.then_some(())
    }
}

impl<'a> Scan<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.at).copied()
    }

    /// JSON's whitespace.
    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.bytes()[self.at..]
            .starts_with(word)
            .then(|| self.at += word.len())
    }

    /// `null` at the cursor (consumed).
    fn null(&mut self) -> bool {
        self.literal(b"null").is_some()
    }

    /// An object; `field` reads the value of each key (the cursor after
    /// its colon).
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.list(b'{', b'}', |scan| {
            let (key, escaped) = scan.string()?;
            if escaped {
                return None;
            }
            scan.eat(b':')?;
            scan.space();
            field(scan, key)
        })
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.list(b'[', b']', |scan| scan.skip(depth))
    }

    /// `open`, entries read by `entry` (the cursor on each one's first
    /// character) separated by commas, `close`.
    fn list(
        &mut self,
        open: u8,
        close: u8,
        mut entry: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.space();
        if self.peek()? == close {
            self.at += 1;
            return Some(());
        }
        loop {
            self.space();
            entry(self)?;
            self.space();
            match self.peek()? {
                b',' => self.at += 1,
                b if b == close => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A valid JSON string at the cursor: its body (between the quotes,
    /// escapes as written) and whether it holds escapes.
    fn string(&mut self) -> Option<(&'a str, bool)> {
        if self.peek()? != b'"' {
            return None;
        }
        let bytes = self.bytes();
        let start = self.at + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            // Eight bytes at a time to the first quote, backslash or
            // control character; the last few one by one.
            at = loop {
                match bytes.get(at..at + 8) {
                    Some(word) => match first_stop(u64::from_le_bytes(word.try_into().ok()?)) {
                        Some(i) => break at + i,
                        None => at += 8,
                    },
                    None => break at + bytes[at..].iter().position(|&b| stops(b))?,
                }
            };
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => escaped = true,
                // A control character must be escaped.
                _ => return None,
            }
            match *bytes.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                // Four hex digits, whatever they stand for (as serde_json
                // checks a string it skips).
                b'u' if bytes.get(at + 2..at + 6)?.iter().all(u8::is_ascii_hexdigit) => at += 6,
                _ => return None,
            }
        }
        self.at = at + 1;
        // Both ends are ASCII quotes: character boundaries.
        Some((&self.text[start..at], escaped))
    }

    /// A string, decoded (borrowed when it has no escapes); `None` for a
    /// `\u` escape, which serde_json decodes.
    fn text(&mut self) -> Option<Text<'a>> {
        match self.string()? {
            (body, false) => Some(Cow::Borrowed(body)),
            (body, true) => super::unescape_plain(body).map(Cow::Owned),
        }
    }

    /// `null` or what `value` reads.
    fn maybe<T>(&mut self, value: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.null() {
            Some(None)
        } else {
            value(self).map(Some)
        }
    }

    fn maybe_text(&mut self) -> Option<Option<Text<'a>>> {
        self.maybe(Self::text)
    }

    /// A valid JSON number's text.
    fn number(&mut self) -> Option<&'a str> {
        let bytes = self.bytes();
        let start = self.at;
        let mut at = start;
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match bytes.get(at)? {
            b'0' => at += 1,
            b'1'..=b'9' => _ = digits(&mut at),
            _ => return None,
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            digits(&mut at).then_some(())?;
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            digits(&mut at).then_some(())?;
        }
        self.at = at;
        Some(&self.text[start..at])
    }

    /// An integer that fits `T`; `1.0`, `1e3`, overflow and `-0` (a float
    /// to serde_json) decline.
    fn integer<T: std::str::FromStr>(&mut self) -> Option<T> {
        let number = self.number()?;
        if number.starts_with("-0") {
            return None;
        }
        number.parse().ok()
    }

    /// Any value, checked and passed over.
    fn skip(&mut self, depth: usize) -> Option<()> {
        self.space();
        match self.peek()? {
            b'"' => _ = self.string()?,
            b'{' => self.object(|scan, _| scan.skip(depth.checked_sub(1)?))?,
            b'[' => self.array(depth.checked_sub(1)?)?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => _ = self.number()?,
        }
        Some(())
    }

    /// `slot` set to what `read` reads, once: a field seen twice declines
    /// (serde's derive rejects duplicates).
    fn once<T>(
        &mut self,
        seen: &mut Seen,
        field: u32,
        slot: &mut T,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<()> {
        seen.first(field)?;
        *slot = read(self)?;
        Some(())
    }

    fn event(&mut self) -> Option<WireEvent<'a>> {
        let mut kind = None;
        let mut event = WireEvent {
            kind: Cow::Borrowed(""),
            thread_id: None,
            usage: None,
            error: None,
            item: None,
            item_id: None,
            delta: None,
            id: None,
            message: None,
        };
        let mut seen = Seen::default();
        self.object(|scan, key| {
            match key {
                "type" => scan.once(&mut seen, 0, &mut kind, |scan| scan.text().map(Some))?,
                "thread_id" => scan.once(&mut seen, 1, &mut event.thread_id, Self::maybe_text)?,
                "usage" => scan.once(&mut seen, 2, &mut event.usage, |scan| {
                    scan.maybe(Self::usage)
                })?,
                "error" => scan.once(&mut seen, 3, &mut event.error, |scan| {
                    scan.maybe(Self::error)
                })?,
                "item" => {
                    scan.once(&mut seen, 4, &mut event.item, |scan| scan.maybe(Self::item))?
                }
                "item_id" => scan.once(&mut seen, 5, &mut event.item_id, Self::maybe_text)?,
                "delta" => scan.once(&mut seen, 6, &mut event.delta, Self::maybe_text)?,
                "id" => scan.once(&mut seen, 7, &mut event.id, Self::maybe_text)?,
                "message" => scan.once(&mut seen, 8, &mut event.message, Self::maybe_text)?,
                _ => scan.skip(MAX_DEPTH)?,
            }
            Some(())
        })?;
        event.kind = kind?;
        Some(event)
    }

    /// Built where it will stay (an item is a few hundred bytes).
    fn item(&mut self) -> Option<Box<WireItem<'a>>> {
        let mut kind = None;
        let mut item = Box::new(WireItem {
            id: Cow::Borrowed(""),
            kind: Cow::Borrowed(""),
            text: None,
            command: None,
            aggregated_output: None,
            exit_code: None,
            status: None,
            changes: None,
            server: None,
            tool: None,
            error: None,
            query: None,
            items: None,
            message: None,
        });
        let mut seen = Seen::default();
        self.object(|scan, key| {
            match key {
                "id" => scan.once(&mut seen, 0, &mut item.id, Self::text)?,
                "type" => scan.once(&mut seen, 1, &mut kind, |scan| scan.text().map(Some))?,
                "text" => scan.once(&mut seen, 2, &mut item.text, Self::maybe_text)?,
                "command" => scan.once(&mut seen, 3, &mut item.command, Self::maybe_text)?,
                "aggregated_output" => {
                    seen.first(4)?;
                    // Kept raw, quotes and all: decoded only where shown.
                    let start = scan.at;
                    item.aggregated_output =
                        scan.maybe(|scan| scan.string().map(|_| &scan.text[start..scan.at]))?;
                }
                "exit_code" => scan.once(&mut seen, 5, &mut item.exit_code, |scan| {
                    scan.maybe(Self::integer)
                })?,
                "status" => scan.once(&mut seen, 6, &mut item.status, Self::maybe_text)?,
                // Lists of file changes and todos are left to serde_json.
                "changes" => {
                    seen.first(12)?;
                    scan.null().then_some(())?;
                }
                "items" => {
                    seen.first(13)?;
                    scan.null().then_some(())?;
                }
                "server" => scan.once(&mut seen, 7, &mut item.server, Self::maybe_text)?,
                "tool" => scan.once(&mut seen, 8, &mut item.tool, Self::maybe_text)?,
                "error" => scan.once(&mut seen, 9, &mut item.error, |scan| {
                    scan.maybe(Self::error)
                })?,
                "query" => scan.once(&mut seen, 10, &mut item.query, Self::maybe_text)?,
                "message" => scan.once(&mut seen, 11, &mut item.message, Self::maybe_text)?,
                _ => scan.skip(MAX_DEPTH)?,
            }
            Some(())
        })?;
        item.kind = kind?;
        Some(item)
    }

    fn usage(&mut self) -> Option<Usage> {
        let mut usage = Usage::default();
        let mut seen = Seen::default();
        self.object(|scan, key| {
            let (field, count) = match key {
                "input_tokens" => (0, &mut usage.input_tokens),
                "cached_input_tokens" => (1, &mut usage.cached_input_tokens),
                "output_tokens" => (2, &mut usage.output_tokens),
                "reasoning_output_tokens" => (3, &mut usage.reasoning_output_tokens),
                _ => return scan.skip(MAX_DEPTH),
            };
            seen.first(field)?;
            *count = scan.integer()?;
            Some(())
        })?;
        Some(usage)
    }

    fn error(&mut self) -> Option<ErrorBody<'a>> {
        let mut message = None;
        self.object(|scan, key| match key {
            "message" if message.is_none() => {
                message = Some(scan.text()?);
                Some(())
            }
            "message" => None,
            _ => scan.skip(MAX_DEPTH),
        })?;
        Some(ErrorBody { message: message? })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What serde_json makes of `line`.
    fn serde(line: &str) -> Option<WireEvent<'_>> {
        serde_json::from_str(line).ok()
    }

    #[test]
    fn real_codex_lines_are_read_as_serde_json_reads_them() {
        let fixture = include_str!("../../../benches/fixtures/codex-0.169-exec.jsonl");
        let more = [
            r#"{"type":"item.completed","item":{"id":"item_3r","type":"reasoning","text":"**Planning**\n\nI will \"look\"."}}"#,
            r#"{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
            r#"{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"ls","aggregated_output":"a\tb\n\u001b[0m","exit_code":-1,"status":"failed"}}"#,
            r#"{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":800,"cache_write_input_tokens":0,"output_tokens":60,"reasoning_output_tokens":12}}"#,
            r#"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized","code":null}}"#,
            r#"{"type":"error","message":"Reconnecting... 2/5 (stream disconnected before completion)"}"#,
            r#" { "type" : "item.plan.delta" , "item_id" : "p" , "delta" : "x" } "#,
            r#"{"type":"item.completed","item":{"id":"m","type":"mcp_tool_call","server":"s","tool":"t","arguments":{"a":[1,2.5,{"b":null}]},"error":{"message":"no"},"status":"failed"}}"#,
        ];
        for line in fixture.lines().chain(more) {
            let line = line.trim();
            let fast = event(line);
            assert!(fast.is_some(), "the scanner declined {line}");
            assert_eq!(fast, serde(line), "{line}");
        }
    }

    #[test]
    fn it_declines_what_it_is_not_sure_of() {
        for line in [
            r#"{"type":"error","message":"caf\u00e9"}"#, // a \u escape to decode
            r#"{"type":"error","type":"error"}"#,        // a duplicate field
            r#"{"type":"error","message":null,"message":"m"}"#,
            r#"{"typ\u0065":"error"}"#, // an escaped key
            r#"{"type":"turn.completed","usage":{"input_tokens":1.0}}"#,
            r#"{"type":"turn.completed","usage":{"input_tokens":-0}}"#,
            // serde_json reads -0 as a float, which no count or exit code takes.
            r#"{"type":"item.completed","item":{"type":"command_execution","command":"ls","exit_code":-0}}"#,
            r#"{"type":"turn.completed","usage":{"input_tokens":18446744073709551616}}"#,
            r#"{"type":"item.completed","item":{"type":"file_change","changes":[]}}"#,
            r#"{"type":"item.completed","item":{"id":null,"type":"plan"}}"#,
            r#"{"type":"error","message":"a"} x"#,
            r#"{"type":"error","message":"a"#,
            "{\"type\":\"error\",\"message\":\"a\u{1}b\"}", // a raw control character
            r#"{"type":"error","x":01}"#,
            r#"{"type":"error","x":[1,]}"#,
            r#"{"type":"error","x":[1}}"#, // mismatched brackets
            r#"{"type":"error","x":{"a":1]}"#,
            r#"{"message":"no type"}"#,
            r#"{"type":"error","x":tru}"#,
        ] {
            assert_eq!(event(line), None, "{line}");
        }
        let deep = format!(r#"{{"type":"e","x":{}{}}}"#, "[".repeat(80), "]".repeat(80));
        assert_eq!(event(&deep), None);
    }

    fn string() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec![
                "item.completed",
                "item.started",
                "turn.completed",
                "turn.failed",
                "error",
                "agent_message",
                "reasoning",
                "command_execution",
                "mcp_tool_call",
                "file_change",
            ])
            .prop_map(|s| format!("\"{s}\"")),
            6 => "[a-z \"\\\\\n\t/é日]{0,40}"
                .prop_map(|t| serde_json::to_string(&t).expect("json")),
            1 => prop::sample::select(vec![
                r#""caf\u00e9""#,
                r#""\ud83d\ude00""#,
                r#""\ud800""#,
                r#""\uZZZZ""#,
                r#""\x""#,
                r#""ctl\u0001""#,
                "\"raw\u{1}\"",
            ])
            .prop_map(String::from),
        ]
    }

    fn key() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "type",
            "item",
            "id",
            "text",
            "command",
            "aggregated_output",
            "exit_code",
            "status",
            "usage",
            "input_tokens",
            "output_tokens",
            "error",
            "message",
            "thread_id",
            "delta",
            "changes",
            "items",
            "x",
            r"typ\u0065",
        ])
    }

    fn object(fields: &[(&str, String)], spaced: bool) -> String {
        let (comma, colon) = if spaced { (" , ", " : ") } else { (",", ":") };
        let fields: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("\"{k}\"{colon}{v}"))
            .collect();
        format!("{{{}}}", fields.join(comma))
    }

    fn value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            prop::sample::select(vec![
                "null",
                "true",
                "false",
                "0",
                "-0",
                "7",
                "-12",
                "1.5",
                "1e3",
                "-0.0e-1",
                "01",
                "1.",
                "2.e3",
                "1e",
                "-",
                "+1",
                ".5",
                "18446744073709551615",
                "9223372036854775808",
                "-9223372036854775809",
            ])
            .prop_map(String::from),
            string(),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                (
                    prop::collection::vec((key(), inner.clone()), 0..6),
                    any::<bool>()
                )
                    .prop_map(|(fields, spaced)| object(&fields, spaced)),
                prop::collection::vec(inner, 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
            ]
        })
    }

    /// A value for `key` of the kind codex writes there, now and then
    /// `null` or any value at all.
    fn field(key: &'static str) -> BoxedStrategy<String> {
        let int = prop_oneof![
            4 => (0u64..100_000).prop_map(|n| n.to_string()),
            1 => (-300i64..0).prop_map(|n| n.to_string()),
            1 => Just("-0".to_string()),
        ];
        let fitting = match key {
            "item" => fields(ITEM_KEYS),
            "usage" => fields(USAGE_KEYS),
            "error" => fields(&["message", "code"]),
            "exit_code" | "input_tokens" | "output_tokens" | "cached_input_tokens" => int.boxed(),
            "changes" | "items" => {
                prop_oneof![Just("null".to_string()), Just("[]".to_string())].boxed()
            }
            _ => string().boxed(),
        };
        prop_oneof![30 => fitting, 3 => Just("null".to_string()), 1 => value()].boxed()
    }

    const EVENT_KEYS: &[&str] = &[
        "thread_id",
        "usage",
        "error",
        "item",
        "item_id",
        "delta",
        "id",
        "message",
        "x",
    ];
    const ITEM_KEYS: &[&str] = &[
        "id",
        "text",
        "command",
        "aggregated_output",
        "exit_code",
        "status",
        "server",
        "tool",
        "error",
        "query",
        "message",
        "changes",
        "items",
        "x",
    ];
    const USAGE_KEYS: &[&str] = &["input_tokens", "cached_input_tokens", "output_tokens", "x"];

    /// An object with a `type` and some of `keys` (once in a while one
    /// twice), in any order.
    fn fields(keys: &'static [&'static str]) -> BoxedStrategy<String> {
        let chosen = (
            prop::sample::subsequence(keys.to_vec(), 0..=keys.len()),
            prop::option::weighted(0.05, prop::sample::select(keys.to_vec())),
        )
            .prop_map(|(mut chosen, twice)| {
                chosen.push("type");
                chosen.extend(twice);
                chosen
            })
            .prop_shuffle();
        (chosen, any::<bool>())
            .prop_flat_map(|(keys, spaced)| {
                let values: Vec<_> = keys.iter().map(|k| field(k)).collect();
                (Just(keys), values, Just(spaced))
            })
            .prop_map(|(keys, values, spaced)| {
                let fields: Vec<(&str, String)> = keys.into_iter().zip(values).collect();
                object(&fields, spaced)
            })
            .boxed()
    }

    /// An event-like line, sometimes broken by one inserted or deleted
    /// character.
    fn line() -> impl Strategy<Value = String> {
        let whole = prop_oneof![
            4 => fields(EVENT_KEYS),
            1 => (prop::collection::vec((key(), value()), 0..8), any::<bool>()).prop_map(|(f, spaced)| object(&f, spaced)),
        ];
        let edit = prop::option::weighted(
            0.2,
            (
                any::<prop::sample::Index>(),
                prop::sample::select(vec![
                    None,
                    Some('"'),
                    Some('{'),
                    Some('}'),
                    Some(']'),
                    Some(','),
                    Some(':'),
                    Some('\\'),
                    Some('\u{1}'),
                    Some(' '),
                ]),
            ),
        );
        (whole, edit).prop_map(|(line, edit)| {
            let mut chars: Vec<char> = line.chars().collect();
            if let Some((at, insert)) = edit {
                let at = at.index(chars.len());
                match insert {
                    Some(c) => chars.insert(at, c),
                    None => _ = chars.remove(at),
                }
            }
            chars.into_iter().collect()
        })
    }

    /// What [`first_stop`] stands for, byte by byte.
    fn first_stop_slowly(word: u64) -> Option<usize> {
        word.to_le_bytes().iter().position(|&b| stops(b))
    }

    #[test]
    fn eight_bytes_stop_at_a_quote_a_backslash_or_a_control_character() {
        for at in 0..8 {
            for byte in 0..=255u8 {
                for fill in [b'a', 0xff, 0x80, b'!', b'#', 0x21] {
                    let mut word = [fill; 8];
                    word[at] = byte;
                    let word = u64::from_le_bytes(word);
                    assert_eq!(
                        first_stop(word),
                        first_stop_slowly(word),
                        "{byte:#x} at {at} in {fill:#x}"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_eight_bytes_stop_where_they_should(word in any::<u64>()) {
            prop_assert_eq!(first_stop(word), first_stop_slowly(word));
        }

        #[test]
        fn bytes_near_the_stops_stop_where_they_should(word in prop::array::uniform8(prop::sample::select(vec![0u8, 0x1f, 0x20, 0x21, b'"', b'#', b'[', b'\\', b']', 0x7f, 0x80, 0xff]))) {
            let word = u64::from_le_bytes(word);
            prop_assert_eq!(first_stop(word), first_stop_slowly(word));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn where_it_answers_it_agrees_with_serde_json(line in line()) {
            if let Some(fast) = event(&line) {
                prop_assert_eq!(Some(fast), serde(&line));
            }
        }
    }
}
