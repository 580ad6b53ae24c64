//! Typed model of `codex exec --json` output (one JSON object per line).
//!
//! Forward compatible: unknown fields are ignored by the typed view (the raw
//! line is kept), and an unknown event or item type parses as `Unknown`, shown
//! raw, never an error. Field names follow `codex-rs/exec/src/exec_events.rs`.

use serde::Deserialize;

/// One line of the stream.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "thread.started")]
    ThreadStarted { thread_id: Option<String> },
    #[serde(rename = "turn.started")]
    TurnStarted {},
    #[serde(rename = "turn.completed")]
    TurnCompleted { usage: Option<Usage> },
    #[serde(rename = "turn.failed")]
    TurnFailed { error: ErrorBody },
    #[serde(rename = "item.started")]
    ItemStarted { item: Item },
    #[serde(rename = "item.updated")]
    ItemUpdated { item: Item },
    #[serde(rename = "item.completed")]
    ItemCompleted { item: Item },
    #[serde(rename = "item.plan.delta")]
    PlanDelta {
        item_id: Option<String>,
        delta: String,
    },
    #[serde(rename = "request_user_input")]
    RequestUserInput { id: Option<String> },
    /// Fatal or not: Codex also uses it for "Reconnecting..." notices.
    #[serde(rename = "error")]
    Error { message: String },
    #[serde(other)]
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
pub struct ErrorBody {
    pub message: String,
}

/// An item with its id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Item {
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub kind: ItemKind,
}

/// Item payloads by `type`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    AgentMessage {
        text: String,
    },
    Reasoning {
        text: String,
    },
    Plan {
        text: String,
    },
    CommandExecution {
        command: String,
        #[serde(default)]
        aggregated_output: String,
        exit_code: Option<i64>,
        #[serde(default)]
        status: String,
    },
    FileChange {
        #[serde(default)]
        changes: Vec<FileChange>,
        #[serde(default)]
        status: String,
    },
    McpToolCall {
        #[serde(default)]
        server: String,
        #[serde(default)]
        tool: String,
        error: Option<ErrorBody>,
        #[serde(default)]
        status: String,
    },
    CollabToolCall {
        #[serde(default)]
        tool: String,
        #[serde(default)]
        status: String,
    },
    WebSearch {
        #[serde(default)]
        query: String,
    },
    TodoList {
        #[serde(default)]
        items: Vec<Todo>,
    },
    Error {
        message: String,
    },
    #[serde(other)]
    Unknown,
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileChange {
    pub path: String,
    #[serde(default)]
    pub kind: String,
}

/// One todo entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Todo {
    pub text: String,
    #[serde(default)]
    pub completed: bool,
}

/// What a line turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Event(Event),
    /// Valid JSON that is not an event we know (kept raw).
    OtherJson,
    /// Not JSON at all (or not UTF-8).
    Text,
}

/// Classify one line (without its newline). Never fails.
pub fn parse_line(line: &[u8]) -> Line {
    let trimmed = line.trim_ascii();
    if trimmed.first() != Some(&b'{') {
        return Line::Text;
    }
    match serde_json::from_slice::<Event>(trimmed) {
        Ok(Event::Unknown) => Line::OtherJson,
        Ok(event) => Line::Event(event),
        Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(trimmed).is_ok() => {
            Line::OtherJson
        }
        Err(_) => Line::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Event {
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
