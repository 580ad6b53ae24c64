//! Typed model of `codex exec --json` output (one JSON object per line).
//!
//! Forward compatible: unknown fields are ignored by the typed view (the raw
//! line is kept), and an unknown event or item type parses as `Unknown`, shown
//! raw, never an error. Field names follow `codex-rs/exec/src/exec_events.rs`.
//!
//! Parsing is one pass over flat wire structs (serde's tagged enums would
//! buffer every event twice), and a command's output stays raw JSON until
//! its tail is needed: a megabyte of build log is scanned, not decoded.
//! The lines codex writes are read by [`scan`] first; serde_json decides
//! every line the scanner is not sure of.

mod scan;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A string of the line: borrowed from it unless JSON escapes had to be
/// decoded. Spelt `Cow<'a, str>` in deserialized structs: serde's derive
/// borrows only a field it sees written that way.
pub type Text<'a> = Cow<'a, str>;

/// One line of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    ThreadStarted {
        thread_id: Option<Text<'a>>,
    },
    TurnStarted {},
    TurnCompleted {
        usage: Option<Usage>,
    },
    TurnFailed {
        error: ErrorBody<'a>,
    },
    ItemStarted {
        item: Item<'a>,
    },
    ItemUpdated {
        item: Item<'a>,
    },
    ItemCompleted {
        item: Item<'a>,
    },
    PlanDelta {
        item_id: Option<Text<'a>>,
        delta: Text<'a>,
    },
    RequestUserInput {
        id: Option<Text<'a>>,
    },
    /// Fatal or not: Codex also uses it for "Reconnecting..." notices.
    Error {
        message: Text<'a>,
    },
    Unknown,
}

/// `turn.completed.usage` (0.169 has five fields, older builds three).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub cached_input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub reasoning_output_tokens: u64,
}

/// `{"message": ...}`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(borrow)]
    pub message: Cow<'a, str>,
}

/// An item with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    pub id: Text<'a>,
    pub kind: ItemKind<'a>,
}

/// A command's output, kept as the raw JSON string it arrived as (quotes
/// and escapes included).
#[derive(Debug, Clone, PartialEq)]
pub struct Output<'a>(Option<&'a str>);

impl Output<'_> {
    /// The whole output, decoded.
    pub fn full(&self) -> String {
        self.0
            .and_then(|raw| serde_json::from_str(raw).ok())
            .unwrap_or_default()
    }

    /// The last `n` lines, decoding only them.
    pub fn tail(&self, n: usize) -> String {
        let Some(raw) = self.0 else {
            return String::new();
        };
        let Some(body) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
            return String::new();
        };
        let mut end = body.len();
        while let Some(at) = newline_escape_before(body, end).filter(|at| at + 2 == end) {
            end = at;
        }
        // Like `str::lines().rev().take(n)`: start after the n-th newline from the end.
        let (mut start, mut pos) = (0, end);
        for _ in 0..n {
            match newline_escape_before(body, pos) {
                Some(at) => {
                    start = at + 2;
                    pos = at;
                }
                None => {
                    start = 0;
                    break;
                }
            }
        }
        let part = &body[start..end];
        unescape_plain(part)
            .unwrap_or_else(|| serde_json::from_str(&format!("\"{part}\"")).unwrap_or_default())
    }
}

/// The body of a JSON string (valid JSON: from a `RawValue`) whose escapes
/// are all one-letter ones (`\n`, `\"`, ...), decoded without a parser;
/// `None` for anything else (a `\u` escape, a stray backslash), which
/// serde_json decodes.
fn unescape_plain(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        out.push(match rest.as_bytes().get(at + 1)? {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            _ => return None,
        });
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The start of the last real `\n` escape that ends at or before `end`
/// (a backslash-n preceded by an even number of backslashes).
fn newline_escape_before(body: &str, end: usize) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut pos = end;
    static NEWLINE: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new("\\n"));
    while let Some(at) = NEWLINE.rfind(&bytes[..pos]) {
        let slashes = bytes[..at]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if slashes % 2 == 0 {
            return Some(at);
        }
        pos = at;
    }
    None
}

/// Item payloads by `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind<'a> {
    AgentMessage {
        text: Text<'a>,
    },
    Reasoning {
        text: Text<'a>,
    },
    Plan {
        text: Text<'a>,
    },
    CommandExecution {
        command: Text<'a>,
        aggregated_output: Output<'a>,
        exit_code: Option<i64>,
        status: Text<'a>,
    },
    FileChange {
        changes: Vec<FileChange<'a>>,
        status: Text<'a>,
    },
    McpToolCall {
        server: Text<'a>,
        tool: Text<'a>,
        error: Option<ErrorBody<'a>>,
        status: Text<'a>,
    },
    CollabToolCall {
        tool: Text<'a>,
        status: Text<'a>,
    },
    WebSearch {
        query: Text<'a>,
    },
    TodoList {
        items: Vec<Todo<'a>>,
    },
    Error {
        message: Text<'a>,
    },
    Unknown,
}

/// Every field any event carries; one pass, unknown fields skipped.
#[derive(Debug, PartialEq, Deserialize)]
struct WireEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    thread_id: Option<Text<'a>>,
    usage: Option<Usage>,
    #[serde(borrow)]
    error: Option<ErrorBody<'a>>,
    /// Boxed: moved several times on its way through serde, the event
    /// stays small.
    #[serde(borrow)]
    item: Option<Box<WireItem<'a>>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    item_id: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    delta: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    id: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    message: Option<Text<'a>>,
}

/// Every field any item carries.
#[derive(Debug, PartialEq, Deserialize)]
struct WireItem<'a> {
    #[serde(default, borrow)]
    id: Cow<'a, str>,
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    text: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    command: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "raw_json")]
    aggregated_output: Option<&'a str>,
    exit_code: Option<i64>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    changes: Option<Vec<FileChange<'a>>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    server: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    tool: Option<Text<'a>>,
    #[serde(borrow)]
    error: Option<ErrorBody<'a>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    query: Option<Text<'a>>,
    #[serde(borrow)]
    items: Option<Vec<Todo<'a>>>,
    #[serde(default, borrow, deserialize_with = "some_text")]
    message: Option<Text<'a>>,
}

/// An optional string that borrows from the line when it can: serde's own
/// `Option<Cow<str>>` always copies.
fn some_text<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'a>>, D::Error> {
    /// A string field alone, where `#[serde(borrow)]` does borrow.
    #[derive(Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Borrowed>::deserialize(d)?.map(|b| b.0))
}

/// Any JSON value (or `null`), kept as its text in the line.
fn raw_json<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'a str>, D::Error> {
    Ok(Option::<&RawValue>::deserialize(d)?.map(RawValue::get))
}

impl<'a> WireItem<'a> {
    fn typed(self) -> Option<Item<'a>> {
        let status = self.status.unwrap_or_default();
        let kind = match &*self.kind {
            "agent_message" => ItemKind::AgentMessage { text: self.text? },
            "reasoning" => ItemKind::Reasoning { text: self.text? },
            "plan" => ItemKind::Plan { text: self.text? },
            "command_execution" => ItemKind::CommandExecution {
                command: self.command?,
                aggregated_output: Output(self.aggregated_output),
                exit_code: self.exit_code,
                status,
            },
            "file_change" => ItemKind::FileChange {
                changes: self.changes.unwrap_or_default(),
                status,
            },
            "mcp_tool_call" => ItemKind::McpToolCall {
                server: self.server.unwrap_or_default(),
                tool: self.tool.unwrap_or_default(),
                error: self.error,
                status,
            },
            "collab_tool_call" => ItemKind::CollabToolCall {
                tool: self.tool.unwrap_or_default(),
                status,
            },
            "web_search" => ItemKind::WebSearch {
                query: self.query.unwrap_or_default(),
            },
            "todo_list" => ItemKind::TodoList {
                items: self.items.unwrap_or_default(),
            },
            "error" => ItemKind::Error {
                message: self.message?,
            },
            _ => ItemKind::Unknown,
        };
        Some(Item { id: self.id, kind })
    }
}

impl<'a> WireEvent<'a> {
    /// The typed event; `None` when a known type lacks a required field.
    fn typed(self) -> Option<Event<'a>> {
        Some(match &*self.kind {
            "thread.started" => Event::ThreadStarted {
                thread_id: self.thread_id,
            },
            "turn.started" => Event::TurnStarted {},
            "turn.completed" => Event::TurnCompleted { usage: self.usage },
            "turn.failed" => Event::TurnFailed { error: self.error? },
            "item.started" => Event::ItemStarted {
                item: self.item?.typed()?,
            },
            "item.updated" => Event::ItemUpdated {
                item: self.item?.typed()?,
            },
            "item.completed" => Event::ItemCompleted {
                item: self.item?.typed()?,
            },
            "item.plan.delta" => Event::PlanDelta {
                item_id: self.item_id,
                delta: self.delta?,
            },
            "request_user_input" => Event::RequestUserInput { id: self.id },
            "error" => Event::Error {
                message: self.message?,
            },
            _ => Event::Unknown,
        })
    }
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileChange<'a> {
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    #[serde(default, borrow)]
    pub kind: Cow<'a, str>,
}

/// One todo entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Todo<'a> {
    #[serde(borrow)]
    pub text: Cow<'a, str>,
    #[serde(default)]
    pub completed: bool,
}

/// What a line turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<'a> {
    Event(Event<'a>),
    /// Valid JSON that is not an event we know (kept raw).
    OtherJson,
    /// Not JSON at all (or not UTF-8).
    Text,
}

/// Classify one line (without its newline). Never fails.
pub fn parse_line(line: &[u8]) -> Line<'_> {
    let trimmed = line.trim_ascii();
    if trimmed.first() != Some(&b'{') {
        return Line::Text;
    }
    // Checked as UTF-8 once, as a whole: serde_json then skips the check of
    // every string in it (the renderer's hottest path on small events).
    let Ok(trimmed) = std::str::from_utf8(trimmed) else {
        return Line::Text;
    };
    let wire = match scan::event(trimmed) {
        Some(wire) => Ok(wire),
        None => serde_json::from_str::<WireEvent>(trimmed),
    };
    match wire.map(WireEvent::typed) {
        Ok(Some(Event::Unknown) | None) => Line::OtherJson,
        Ok(Some(event)) => Line::Event(event),
        Err(_) if serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok() => Line::OtherJson,
        Err(_) => Line::Text,
    }
}

/// For the fuzzer: whether [`scan`], where it answers, reads `line` as
/// serde_json does.
#[cfg(fuzzing)]
pub fn scanner_agrees(line: &str) -> bool {
    scan::event(line).is_none_or(|fast| serde_json::from_str::<WireEvent>(line).ok() == Some(fast))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Event<'_> {
        match parse_line(line.as_bytes()) {
            Line::Event(e) => e,
            other => panic!("{line} gave {other:?}"),
        }
    }

    #[test]
    fn real_0_169_lines_parse() {
        assert_eq!(
            event(r#"{"type":"thread.started","thread_id":"t1"}"#),
            Event::ThreadStarted {
                thread_id: Some("t1".into())
            }
        );
        assert_eq!(event(r#"{"type":"turn.started"}"#), Event::TurnStarted {});
        let usage = event(
            r#"{"type":"turn.completed","usage":{"input_tokens":11,"cached_input_tokens":3,"cache_write_input_tokens":0,"output_tokens":7,"reasoning_output_tokens":2}}"#,
        );
        assert!(matches!(
            usage,
            Event::TurnCompleted {
                usage: Some(Usage {
                    input_tokens: 11,
                    output_tokens: 7,
                    ..
                })
            }
        ));
        let cmd = event(
            r#"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"hi\n","exit_code":0,"status":"completed"}}"#,
        );
        assert!(matches!(
            cmd,
            Event::ItemCompleted {
                item: Item {
                    kind: ItemKind::CommandExecution {
                        exit_code: Some(0),
                        ..
                    },
                    ..
                }
            }
        ));
        let err = event(
            r#"{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Falling back from WebSockets to HTTPS transport."}}"#,
        );
        assert!(matches!(
            err,
            Event::ItemCompleted {
                item: Item {
                    kind: ItemKind::Error { .. },
                    ..
                }
            }
        ));
        assert_eq!(
            event(r#"{"type":"turn.failed","error":{"message":"boom"}}"#),
            Event::TurnFailed {
                error: ErrorBody {
                    message: "boom".into()
                }
            }
        );
    }

    #[test]
    fn unknown_types_and_fields_are_kept_not_errors() {
        assert_eq!(
            parse_line(br#"{"type":"turn.paused","why":1}"#),
            Line::OtherJson
        );
        let item = event(r#"{"type":"item.started","item":{"id":"i","type":"hologram","x":1}}"#);
        assert!(matches!(
            item,
            Event::ItemStarted {
                item: Item {
                    kind: ItemKind::Unknown,
                    ..
                }
            }
        ));
        let extra = event(r#"{"type":"error","message":"m","new_field":[1,2]}"#);
        assert_eq!(
            extra,
            Event::Error {
                message: "m".into()
            }
        );
        assert_eq!(parse_line(br#"{"type":"error"}"#), Line::OtherJson);
    }

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(serde_json::to_string(text).expect("json")).expect("raw")
    }

    fn tail(text: &str, n: usize) -> String {
        Output(Some(raw(text).get())).tail(n)
    }

    proptest::proptest! {
        #[test]
        fn plain_unescaping_agrees_with_serde_json(text in "[a-z\\\\\"\n\t\r/\u{1}\u{8}é日]{0,40}") {
            let json = serde_json::to_string(&text).expect("json");
            let body = &json[1..json.len() - 1];
            if let Some(fast) = unescape_plain(body) {
                proptest::prop_assert_eq!(fast, text);
            }
        }
    }

    #[test]
    fn plain_unescaping_leaves_the_rest_to_serde_json() {
        assert_eq!(unescape_plain(r#"a\nb\"c\\"#).as_deref(), Some("a\nb\"c\\"));
        assert_eq!(unescape_plain(r"\u00e9"), None);
        assert_eq!(unescape_plain("x\\"), None);
        assert_eq!(tail("\u{1}ctl\né", 2), "\u{1}ctl\né");
    }

    #[test]
    fn output_tails_decode_only_the_end() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a\nb\nc", 5), "a\nb\nc");
        assert_eq!(tail("\nfirst-empty", 5), "\nfirst-empty");
        assert_eq!(tail("x\\n\ny\\\n\n", 1), "y\\");
        assert_eq!(tail("tab\there \"q\"\né", 1), "é");
        assert_eq!(
            Output(Some(raw("x\\n\ny\\\n\n").get())).full(),
            "x\\n\ny\\\n\n"
        );
        assert_eq!(tail("", 3), "");
        assert_eq!(Output(None).tail(3), "");
    }

    #[test]
    fn strings_without_escapes_are_borrowed_from_the_line() {
        let line =
            br#"{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"plain"}}"#;
        let Line::Event(Event::ItemCompleted { item }) = parse_line(line) else {
            panic!("not an item");
        };
        assert!(matches!(item.id, Cow::Borrowed("i")));
        assert!(matches!(
            item.kind,
            ItemKind::AgentMessage {
                text: Cow::Borrowed("plain")
            }
        ));
        let escaped = event(r#"{"type":"error","message":"a\"b"}"#);
        assert_eq!(
            escaped,
            Event::Error {
                message: "a\"b".into()
            }
        );
    }

    #[test]
    fn garbage_is_text() {
        assert_eq!(
            parse_line(b"Reading additional input from stdin..."),
            Line::Text
        );
        assert_eq!(parse_line(b"{not json"), Line::Text);
        assert_eq!(parse_line(b"\xff\xfe{"), Line::Text);
        assert_eq!(parse_line(b""), Line::Text);
    }
}
