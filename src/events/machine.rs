//! `--json` output of `usbide exec` and `usbide render`: codex's events
//! unchanged, plus one `{"type":"usbide.diagnosis",...}` line after each
//! failure (an `error` and the `turn.failed` that repeats it are one), and
//! after every failed turn, recognised or not.

use std::io::{self, Write};

use crate::events::diagnose::{self, Cause, Diagnosis};
use crate::events::hints::{self, Lang};
use crate::events::model::{Event, ItemKind, Line, parse_line};

/// The machine-readable stream.
#[derive(Debug)]
pub struct Machine<W: Write> {
    out: W,
    lang: Lang,
    last_error: Option<String>,
    /// Every cause emitted, in order.
    pub causes: Vec<Cause>,
    failed: bool,
}

impl<W: Write> Machine<W> {
    pub fn new(out: W, lang: Lang) -> Self {
        Self {
            out,
            lang,
            last_error: None,
            causes: Vec::new(),
            failed: false,
        }
    }

    /// One stdout line of codex: echoed, then diagnosed if it is an error.
    pub fn line(&mut self, line: &[u8]) -> io::Result<()> {
        self.out.write_all(line)?;
        self.out.write_all(b"\n")?;
        let parsed = parse_line(line);
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
        let doc = serde_json::json!({
            "type": "usbide.diagnosis",
            "cause": d.cause,
            "status": d.status,
            "request_id": d.request_id,
            "title": hints::title(d.cause, self.lang),
            "hint": hints::hint(d, self.lang),
            "message": crate::redact::text(message),
        });
        writeln!(self.out, "{doc}")?;
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
