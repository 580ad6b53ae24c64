//! `--json` output of `usbide exec` and `usbide render`: codex's events,
//! plus one `{"type":"usbide.diagnosis",...}` line after each failure (an
//! `error` and the `turn.failed` that repeats it are one), and after every
//! failed turn, recognised or not.
//!
//! An event is echoed byte for byte unless it holds something a terminal
//! or a log must not get: then every string in it is redacted (a token cut
//! between two agent messages included), and invisible or reordering
//! characters are written as `\u` escapes, which JSON reads as the same
//! text. A line that is not JSON is escaped and redacted like text.

use std::io::{self, Write};

use crate::diagnose::phrases;
use crate::diagnose::{self, Cause, Diagnosis};
use crate::events::model::{Event, ItemKind, Line, parse_line};
use crate::messages::Lang;

/// Redact every string in `value`; an agent message's text is read after
/// the end of the previous one (`after`).
fn redact_strings(value: &mut serde_json::Value, after: &str) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(hidden) = crate::redact::redacted(s) {
                *s = hidden;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_strings(v, after)),
        Value::Object(map) => {
            let message = map.get("type").and_then(Value::as_str) == Some("agent_message");
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if message && key == "text" => {
                        if let std::borrow::Cow::Owned(hidden) =
                            crate::redact::redacted_after(after, s)
                        {
                            *s = hidden;
                        }
                    }
                    _ => redact_strings(v, after),
                }
            }
        }
        _ => {}
    }
}

/// The machine-readable stream.
#[derive(Debug)]
pub struct Machine<W: Write> {
    out: W,
    lang: Lang,
    last_error: Option<String>,
    /// Every cause emitted, in order.
    pub causes: Vec<Cause>,
    failed: bool,
    /// The end of the last agent message (see [`crate::redact::redacted_after`]).
    message_tail: String,
}

impl<W: Write> Machine<W> {
    pub fn new(out: W, lang: Lang) -> Self {
        Self {
            out,
            lang,
            last_error: None,
            causes: Vec::new(),
            failed: false,
            message_tail: String::new(),
        }
    }

    /// One stdout line of codex: echoed, then diagnosed if it is an error.
    pub fn line(&mut self, line: &[u8]) -> io::Result<()> {
        let parsed = parse_line(line);
        self.echo(line, &parsed)?;
        let repeat = matches!(&parsed, Line::Event(Event::TurnFailed { error })
            if self.last_error.as_deref() == Some(&*error.message));
        let found = match parsed {
            Line::Event(Event::Error { message }) => match diagnose::reconnecting(&message) {
                Some((None, _)) => Some((Diagnosis::of(Cause::WaitingForNetwork), message)),
                Some((Some(_), inner)) => {
                    diagnose::classify(inner).map(|d| (d, inner.to_string().into()))
                }
                None => {
                    self.failed = true;
                    self.last_error = Some(message.to_string());
                    Some((diagnose::classify_failure(&message), message))
                }
            },
            Line::Event(Event::TurnFailed { error }) => {
                self.failed = true;
                self.last_error = None;
                (!repeat).then(|| (diagnose::classify_failure(&error.message), error.message))
            }
            Line::Event(Event::ItemCompleted { item }) => match item.kind {
                ItemKind::Error { message } => diagnose::classify(&message).map(|d| (d, message)),
                _ => None,
            },
            _ => None,
        };
        if let Some((d, message)) = found {
            self.emit(&d, &message)?;
        }
        self.out.flush()
    }

    /// Write `line` as it may be shown (see the module doc).
    fn echo(&mut self, line: &[u8], parsed: &Line<'_>) -> io::Result<()> {
        let text = String::from_utf8_lossy(line);
        // An event is read without the white space around it (a form feed
        // there is no JSON, and would reach the terminal raw): so is it echoed.
        let text = match parsed {
            Line::Text => text,
            _ => std::borrow::Cow::Borrowed(text.trim_ascii()),
        };
        let mut after = String::new();
        let mut message = false;
        if let Line::Event(Event::ItemCompleted { item }) = parsed
            && let ItemKind::AgentMessage { text } = &item.kind
        {
            after = std::mem::replace(
                &mut self.message_tail,
                crate::redact::tail_for_next(text).to_string(),
            );
            message = matches!(
                crate::redact::redacted_after(&after, text),
                std::borrow::Cow::Owned(_)
            );
        }
        // A carriage return can only be white space between JSON tokens
        // (strings escape it), where it would still move the cursor: such a
        // line is written again without it.
        let plain = matches!(
            crate::redact::redacted(&text),
            std::borrow::Cow::Borrowed(_)
        ) && !text.contains('\r');
        let shown = match parsed {
            Line::Text => crate::events::text::clean_cow(&text).into_owned(),
            _ if plain && !message => crate::escape::json_text(&text).into_owned(),
            _ => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(mut value) => {
                    redact_strings(&mut value, &after);
                    let json = serde_json::to_string(&value).unwrap_or_default();
                    crate::escape::json_text(&json).into_owned()
                }
                Err(_) => crate::events::text::clean_cow(&text).into_owned(),
            },
        };
        self.out.write_all(shown.as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// One stderr line of codex: diagnosed when it names a cause.
    pub fn stderr_line(&mut self, line: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(line);
        match diagnose::classify(&text) {
            Some(d) => self.emit(&d, &text),
            None => Ok(()),
        }
    }

    /// A diagnosis line.
    pub fn emit(&mut self, d: &Diagnosis, message: &str) -> io::Result<()> {
        self.causes.push(d.cause);
        let mut doc = serde_json::json!({
            "type": "usbide.diagnosis",
            "cause": d.cause,
            "status": d.status,
            "request_id": d.request_id,
            "host": d.host,
            "answered_by": d.answered_by,
            "title": phrases::title(d.cause, self.lang),
            "hint": phrases::hint(d, self.lang),
            "message": message,
        });
        // Every field, as codex's own events are: the host and the hint
        // quote the message.
        redact_strings(&mut doc, "");
        writeln!(self.out, "{}", crate::escape::json_text(&doc.to_string()))?;
        self.out.flush()
    }

    /// Whether a turn failed.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The writer (a caller that batches output commits it).
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}
