//! Human rendering of a `codex exec --json` stream, line by line as it
//! arrives. Untrusted text is escaped and redacted before it reaches the
//! terminal; `Reconnecting...` notices collapse into one status line; an
//! identical error is shown once with a count; each cause is diagnosed once.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::events::diagnose::{self, Cause, Diagnosis};
use crate::events::escape::escape;
use crate::events::hints::{self, Lang};
use crate::events::model::{Event, Item, ItemKind, Line, Output, Usage, parse_line};
use crate::redact;

/// How output looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Hide reasoning.
    pub quiet: bool,
    /// Rewrite one status line in place (a terminal) instead of new lines.
    pub live_status: bool,
    pub lang: Lang,
}

/// Lines of a command's output shown after it finishes.
const OUTPUT_TAIL: usize = 10;
/// Longest line of a command's output shown.
const OUTPUT_LINE_CHARS: usize = 2000;
/// Longest raw line shown for an unknown event.
const RAW_PREVIEW: usize = 400;
/// Longest error text remembered for counting repeats (after redaction).
const ERROR_KEY_CHARS: usize = 1024;
/// Distinct errors counted; later new ones are shown, not counted.
const MAX_DISTINCT_ERRORS: usize = 1000;
/// Diagnoses remembered for the summary.
const MAX_DIAGNOSES: usize = 256;

/// The renderer's state across lines.
#[derive(Debug)]
pub struct Renderer<W: Write> {
    out: W,
    style: Style,
    status_shown: bool,
    last_reconnect: Option<String>,
    errors: HashMap<String, u32>,
    diagnosed: Vec<Cause>,
    /// Every diagnosis made, in order (for `--json` and the exit summary).
    pub diagnoses: Vec<(Diagnosis, String)>,
}

impl<W: Write> Renderer<W> {
    pub fn new(out: W, style: Style) -> Self {
        Self {
            out,
            style,
            status_shown: false,
            last_reconnect: None,
            errors: HashMap::new(),
            diagnosed: Vec::new(),
            diagnoses: Vec::new(),
        }
    }

    /// Render one stdout line of codex (without the newline).
    pub fn line(&mut self, raw: &[u8]) -> io::Result<()> {
        match parse_line(raw) {
            Line::Event(event) => self.event(event),
            Line::OtherJson => {
                // Redacted whole, then cut: never the start of a secret.
                let text = String::from_utf8_lossy(raw);
                let preview = redact::cut(&text, RAW_PREVIEW);
                let line = self.dim(&escape(&preview));
                self.say(&line)
            }
            Line::Text => {
                let text = String::from_utf8_lossy(raw);
                if text.trim().is_empty() {
                    return Ok(());
                }
                self.say(&clean(&text))
            }
        }
    }

    /// Say that a line of `bytes` bytes was too long to read (its content
    /// is not shown: a cut JSON event cannot be understood).
    pub fn overlong(&mut self, bytes: u64) -> io::Result<()> {
        let mb = bytes.div_ceil(1 << 20);
        let max = crate::events::lines::MAX_LINE >> 20;
        let text = match self.style.lang {
            Lang::En => format!(
                "(a line of {mb} MB from codex was skipped: usbide reads lines of up to {max} MB)"
            ),
            Lang::Fr => format!(
                "(une ligne de {mb} Mo venant de codex a été ignorée : usbide lit les lignes jusqu'à {max} Mo)"
            ),
        };
        let line = self.dim(&text);
        self.say(&line)
    }

    /// Render one stderr line of codex: only what is worth a person's eyes.
    pub fn stderr_line(&mut self, raw: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(raw);
        let text = text.trim_end();
        if text.is_empty() || text.starts_with("Reading additional input from stdin") {
            return Ok(());
        }
        if diagnose::classify(text).is_some() {
            return self.error(text);
        }
        let line = self.dim(&clean(text));
        self.say(&line)
    }

    fn event(&mut self, event: Event) -> io::Result<()> {
        match event {
            Event::ThreadStarted { .. }
            | Event::TurnStarted {}
            | Event::RequestUserInput { .. }
            | Event::Unknown => Ok(()),
            Event::TurnCompleted { usage } => self.usage(usage.unwrap_or_default()),
            Event::TurnFailed { error } => self.error(&error.message),
            Event::ItemStarted { item } => self.item(item, Phase::Started),
            Event::ItemUpdated { item } => self.item(item, Phase::Updated),
            Event::ItemCompleted { item } => self.item(item, Phase::Completed),
            Event::PlanDelta { .. } => Ok(()),
            Event::Error { message } => match diagnose::reconnecting(&message) {
                Some((counts, inner)) => self.reconnecting(counts, inner),
                None => self.error(&message),
            },
        }
    }

    fn item(&mut self, item: Item, phase: Phase) -> io::Result<()> {
        use Phase::*;
        match (item.kind, phase) {
            (ItemKind::AgentMessage { text }, Completed) => self.say(&clean(&text)),
            (ItemKind::Reasoning { text }, Completed) if !self.style.quiet => {
                let line = self.dim(&clean(&text));
                self.say(&line)
            }
            (ItemKind::Plan { text }, Completed) => self.say(&format!("plan:\n{}", clean(&text))),
            (ItemKind::CommandExecution { command, .. }, Started) => {
                let line = self.bold(&format!("$ {}", clean(&command)));
                self.say(&line)
            }
            (
                ItemKind::CommandExecution {
                    aggregated_output,
                    exit_code,
                    status,
                    ..
                },
                Completed,
            ) => self.command_done(&aggregated_output, exit_code, &status),
            (ItemKind::FileChange { changes, status }, Completed) => {
                for c in changes {
                    self.say(&format!(
                        "  {} {} ({status})",
                        clean(&c.kind),
                        clean(&c.path)
                    ))?;
                }
                Ok(())
            }
            (
                ItemKind::McpToolCall {
                    server,
                    tool,
                    error,
                    status,
                },
                Completed,
            ) => {
                let err = error
                    .map(|e| format!(": {}", clean(&e.message)))
                    .unwrap_or_default();
                self.say(&format!(
                    "tool {}.{} {status}{err}",
                    clean(&server),
                    clean(&tool)
                ))
            }
            (ItemKind::CollabToolCall { tool, status }, Completed) => {
                self.say(&format!("agent {} {status}", clean(&tool)))
            }
            (ItemKind::WebSearch { query }, Started | Completed) if !query.is_empty() => {
                self.say(&format!("search: {}", clean(&query)))
            }
            (ItemKind::TodoList { items }, Started | Completed) => {
                for t in items {
                    self.say(&format!(
                        "  [{}] {}",
                        if t.completed { "x" } else { " " },
                        clean(&t.text)
                    ))?;
                }
                Ok(())
            }
            (ItemKind::Error { message }, Completed) => match diagnose::classify(&message) {
                Some(_) => self.error(&message),
                None => {
                    let line = self.dim(&format!("note: {}", clean(&message)));
                    self.say(&line)
                }
            },
            _ => Ok(()),
        }
    }

    fn command_done(
        &mut self,
        output: &Output,
        exit_code: Option<i64>,
        status: &str,
    ) -> io::Result<()> {
        let tail = output.tail(OUTPUT_TAIL);
        for line in tail.lines() {
            // A command's output line can be megabytes (a minified file):
            // redacted whole, then cut for the screen.
            let shown = escape(&redact::cut(line, OUTPUT_LINE_CHARS)).into_owned();
            let line = self.dim(&format!("  {shown}"));
            self.say(&line)?;
        }
        let code = exit_code.map_or_else(|| status.to_string(), |c| format!("exit {c}"));
        let line = if exit_code.is_some_and(|c| c != 0) {
            self.red(&format!("  {code}"))
        } else {
            self.dim(&format!("  {code}"))
        };
        self.say(&line)
    }

    fn usage(&mut self, u: Usage) -> io::Result<()> {
        let line = format!(
            "tokens: {} in ({} cached), {} out ({} reasoning)",
            u.input_tokens, u.cached_input_tokens, u.output_tokens, u.reasoning_output_tokens
        );
        let line = self.dim(&line);
        self.say(&line)
    }

    fn reconnecting(&mut self, counts: Option<(u32, u32)>, inner: &str) -> io::Result<()> {
        let progress = counts.map_or_else(
            || "waiting for network".to_string(),
            |(n, m)| format!("{n}/{m}"),
        );
        let cause = diagnose::classify(inner)
            .map(|d| hints::title(d.cause, self.style.lang))
            .unwrap_or("connection problem");
        let status = format!("Reconnecting... {progress} ({cause})");
        let first_of_kind = self.last_reconnect.as_deref() != Some(inner);
        self.last_reconnect = Some(inner.to_string());
        if self.style.live_status {
            write!(self.out, "\r\x1b[2K{}", self.yellow(&status))?;
            self.out.flush()?;
            self.status_shown = true;
        } else if first_of_kind {
            let line = self.yellow(&status);
            self.say(&line)?;
        }
        if first_of_kind {
            self.diagnose(inner)?;
        }
        Ok(())
    }

    fn error(&mut self, message: &str) -> io::Result<()> {
        // Redacted and bounded before it is kept: the map holds at most
        // MAX_DISTINCT_ERRORS keys of ERROR_KEY_CHARS each.
        let key = redact::cut(message, ERROR_KEY_CHARS);
        if let Some(count) = self.errors.get_mut(&key) {
            *count += 1;
            return Ok(());
        }
        if self.errors.len() < MAX_DISTINCT_ERRORS {
            self.errors.insert(key, 1);
        }
        let line = self.red(&format!("error: {}", clean(message)));
        self.say(&line)?;
        self.diagnose(message)
    }

    /// Print the cause and its fix, once per cause.
    fn diagnose(&mut self, message: &str) -> io::Result<()> {
        let Some(d) = diagnose::classify(message) else {
            return Ok(());
        };
        if self.diagnoses.len() < MAX_DIAGNOSES {
            self.diagnoses
                .push((d.clone(), redact::cut(message, ERROR_KEY_CHARS)));
        }
        if self.diagnosed.contains(&d.cause) {
            return Ok(());
        }
        self.diagnosed.push(d.cause);
        let hint = hints::hint(&d, self.style.lang);
        let line = self.bold(&format!("=> {hint}"));
        self.say(&line)
    }

    /// Print an extra diagnosis found after the run (a network probe).
    pub fn extra(&mut self, d: &Diagnosis) -> io::Result<()> {
        if self.diagnosed.contains(&d.cause) {
            return Ok(());
        }
        self.diagnosed.push(d.cause);
        let title = hints::title(d.cause, self.style.lang);
        let line = self.bold(&format!("=> {title}: {}", hints::hint(d, self.style.lang)));
        self.say(&line)
    }

    /// End of stream: close the status line, report repeated errors.
    pub fn finish(&mut self) -> io::Result<()> {
        let mut repeated: Vec<(String, u32)> = self
            .errors
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(m, n)| (m.clone(), *n))
            .collect();
        repeated.sort();
        for (message, n) in repeated {
            let short = redact::cut(&message, 80);
            let line = self.dim(&format!(
                "(the error \"{}\" was reported {n} times)",
                escape(&short)
            ));
            self.say(&line)?;
        }
        if self.status_shown {
            writeln!(self.out)?;
            self.status_shown = false;
        }
        self.out.flush()
    }

    /// The writer, for a caller that batches output (see [`Batch`]).
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The writer back (tests and the fuzzer inspect what was written).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The causes diagnosed so far.
    pub fn causes(&self) -> &[Cause] {
        &self.diagnosed
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        if self.status_shown {
            write!(self.out, "\r\x1b[2K")?;
            self.status_shown = false;
        }
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.style.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
}

/// A writer whose `flush` only marks a point where output may be released:
/// [`Batch::commit`] writes everything collected in one call. A reader that
/// commits whenever its input has nothing more buffered keeps output live
/// (nothing waits behind a blocking read) without one syscall per line.
#[derive(Debug)]
pub struct Batch<W: Write> {
    buf: Vec<u8>,
    inner: W,
}

impl<W: Write> Batch<W> {
    pub fn new(inner: W) -> Self {
        Self {
            buf: Vec::with_capacity(1 << 16),
            inner,
        }
    }

    /// Release what was collected.
    pub fn commit(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.inner.flush()
    }

    /// Whether enough is collected that it should go out anyway.
    pub fn is_full(&self) -> bool {
        self.buf.len() >= 1 << 16
    }
}

impl<W: Write> Write for Batch<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Started,
    Updated,
    Completed,
}

/// Redact secrets, then escape controls: the form of any untrusted text.
pub fn clean(text: &str) -> String {
    escape(&redact::text(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[&str], live: bool) -> (String, Vec<Cause>) {
        let style = Style {
            color: false,
            quiet: false,
            live_status: live,
            lang: Lang::En,
        };
        let mut r = Renderer::new(Vec::new(), style);
        for l in lines {
            r.line(l.as_bytes()).expect("render");
        }
        r.finish().expect("finish");
        let causes = r.causes().to_vec();
        (String::from_utf8(r.out).expect("utf8"), causes)
    }

    #[test]
    fn a_successful_run_reads_like_a_transcript() {
        let (out, causes) = render(
            &[
                r#"{"type":"thread.started","thread_id":"t"}"#,
                r#"{"type":"item.completed","item":{"id":"0","type":"reasoning","text":"thinking hard"}}"#,
                r#"{"type":"item.started","item":{"id":"1","type":"command_execution","command":"echo hi","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
                r#"{"type":"item.completed","item":{"id":"1","type":"command_execution","command":"echo hi","aggregated_output":"hi\n","exit_code":0,"status":"completed"}}"#,
                r#"{"type":"item.completed","item":{"id":"2","type":"agent_message","text":"Done."}}"#,
                r#"{"type":"turn.completed","usage":{"input_tokens":11,"cached_input_tokens":3,"output_tokens":7,"reasoning_output_tokens":2}}"#,
            ],
            false,
        );
        assert_eq!(
            out,
            "thinking hard\n$ echo hi\n  hi\n  exit 0\nDone.\ntokens: 11 in (3 cached), 7 out (2 reasoning)\n"
        );
        assert!(causes.is_empty());
    }

    #[test]
    fn reconnects_collapse_and_errors_count() {
        let notice = r#"{"type":"error","message":"Reconnecting... 1/5 (unexpected status 401 Unauthorized: Unknown error, url: u)"}"#;
        let notice2 = notice.replace("1/5", "2/5");
        let failed = r#"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: Unknown error, url: u"}}"#;
        let (out, causes) = render(&[notice, &notice2, failed, failed], false);
        assert_eq!(out.matches("Reconnecting...").count(), 1, "{out}");
        assert_eq!(out.matches("=> ").count(), 1, "{out}");
        assert!(out.contains("usbide login"), "{out}");
        assert!(out.contains("reported 2 times"), "{out}");
        assert_eq!(causes, [Cause::NotLoggedIn]);
        let (live, _) = render(&[notice, &notice2], true);
        assert!(live.contains("\r\x1b[2KReconnecting... 2/5"), "{live:?}");
        assert!(live.ends_with('\n'));
    }

    #[test]
    fn untrusted_text_is_escaped_and_redacted() {
        let (out, _) = render(
            &[
                r#"{"type":"item.completed","item":{"id":"1","type":"agent_message","text":"\u001b]0;owned\u0007 key sk-proj-abcdefghijklmnop"}}"#,
                "\u{1b}[31mraw",
            ],
            false,
        );
        assert!(!out.contains('\x1b'), "{out:?}");
        assert!(!out.contains("abcdefghijklmnop"), "{out}");
        assert!(out.contains("\\e]0;owned\\x07"), "{out}");
    }

    #[test]
    fn quiet_hides_reasoning_and_colour_is_only_on_request() {
        let reasoning =
            r#"{"type":"item.completed","item":{"id":"0","type":"reasoning","text":"thinking"}}"#;
        let run = |quiet, color| {
            let style = Style {
                color,
                quiet,
                live_status: false,
                lang: Lang::En,
            };
            let mut r = Renderer::new(Vec::new(), style);
            r.line(reasoning.as_bytes()).expect("render");
            String::from_utf8(r.into_inner()).expect("utf8")
        };
        assert_eq!(run(true, false), "");
        assert_eq!(run(false, false), "thinking\n");
        assert_eq!(run(false, true), "\x1b[2mthinking\x1b[0m\n");
    }

    #[test]
    fn unknown_events_are_shown_raw() {
        let (out, _) = render(&[r#"{"type":"turn.paused","why":"x"}"#, "not json"], false);
        assert_eq!(out, "{\"type\":\"turn.paused\",\"why\":\"x\"}\nnot json\n");
    }
}
