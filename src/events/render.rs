//! Human rendering of a `codex exec --json` stream, line by line as it
//! arrives. Untrusted text is redacted, cut and escaped before it reaches the
//! terminal; `Reconnecting...` notices collapse into one status line; one
//! failure (an `error` and the `turn.failed` that repeats it) is shown once,
//! and a repeated one is counted; each cause is explained once, right after
//! the error it explains; every failed turn gets an explanation.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::diagnose::phrases;
use crate::diagnose::{self, Cause, Diagnosis};
pub use crate::events::batch::Batch;
use crate::events::model::{Event, Item, ItemKind, Line, Output, Usage, parse_line};
pub use crate::events::text::clean;
use crate::events::text::{clean_codex, clean_cow, clean_cut, emphasis};
use crate::messages::Lang;
use crate::messages::{self, fill};

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
/// Longest line of a command's output shown (characters).
const OUTPUT_LINE_CHARS: usize = 2000;
/// Longest raw line shown for an unknown event (characters).
const RAW_PREVIEW: usize = 400;
/// Longest error message shown (characters).
const MESSAGE_MAX: usize = 1000;
/// Longest message quoted in the repeat summary (characters).
const REPEAT_QUOTE: usize = 80;
/// Longest error text remembered for counting repeats (bytes, cut on a
/// character boundary).
const ERROR_KEY_BYTES: usize = 1024;
/// Distinct errors counted; later new ones are shown, not counted.
const MAX_DISTINCT_ERRORS: usize = 1000;

/// The renderer's state across lines.
#[derive(Debug)]
pub struct Renderer<W: Write> {
    out: W,
    style: Style,
    /// The model's last message, redacted and escaped: what `usbide exec`
    /// prints on stdout at the end, as codex exec does (kept only when
    /// asked: `usbide render` has no use for it).
    final_message: Option<String>,
    keep_final_message: bool,
    status_shown: bool,
    last_reconnect: Option<String>,
    /// How often each failure was reported (listed sorted at the end).
    errors: foldhash::HashMap<String, u32>,
    /// The last `error` event, which the next `turn.failed` repeats.
    last_error: Option<String>,
    /// Causes already explained.
    explained: Vec<Cause>,
    /// Causes seen in reconnect notices, explained at the failure (or the end).
    pending: Vec<Diagnosis>,
    failed: bool,
    /// Every cause diagnosed (explained or not), once each.
    seen: Vec<Cause>,
    /// The end of the last agent message: a credential cut between two
    /// messages is hidden in the second too.
    message_tail: String,
}

impl<W: Write> Renderer<W> {
    pub fn new(out: W, style: Style) -> Self {
        Self {
            out,
            style,
            status_shown: false,
            final_message: None,
            keep_final_message: false,
            last_reconnect: None,
            errors: foldhash::HashMap::default(),
            last_error: None,
            explained: Vec::new(),
            pending: Vec::new(),
            failed: false,
            seen: Vec::new(),
            message_tail: String::new(),
        }
    }

    /// Render one stdout line of codex (without the newline).
    pub fn line(&mut self, raw: &[u8]) -> io::Result<()> {
        match parse_line(raw) {
            Line::Event(event) => self.event(event),
            Line::OtherJson => {
                self.last_error = None;
                let text = String::from_utf8_lossy(raw);
                let line = clean_cut(&text, RAW_PREVIEW);
                let line = self.dim(&line);
                self.say(&line)
            }
            Line::Text => {
                let text = String::from_utf8_lossy(raw);
                if text.trim().is_empty() {
                    return Ok(());
                }
                self.say(&clean_cow(&text))
            }
        }
    }

    /// Say that a line of `bytes` bytes was too long to read (its content
    /// is not shown: a cut JSON event cannot be understood).
    pub fn overlong(&mut self, bytes: u64) -> io::Result<()> {
        let t = messages::text(self.style.lang);
        let text = fill(
            t.line_skipped,
            &[
                ("size", &bytes.div_ceil(1 << 20).to_string()),
                ("max", &(crate::events::lines::MAX_LINE >> 20).to_string()),
            ],
        );
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
        match diagnose::classify(text) {
            Some(d) => self.error(text, Some(|_: &str| d)),
            None => {
                let line = clean_codex(text, MESSAGE_MAX);
                let line = self.dim(&line);
                self.say(&line)
            }
        }
    }

    fn event(&mut self, event: Event) -> io::Result<()> {
        let repeated = match &event {
            Event::TurnFailed { error } => self.last_error.as_deref() == Some(&*error.message),
            _ => false,
        };
        if !matches!(event, Event::Error { .. }) {
            self.last_error = None;
        }
        match event {
            Event::ThreadStarted { .. }
            | Event::TurnStarted {}
            | Event::RequestUserInput { .. }
            | Event::Unknown
            | Event::PlanDelta { .. } => Ok(()),
            Event::TurnCompleted { usage } => self.usage(usage.unwrap_or_default()),
            Event::TurnFailed { error } => {
                self.failed = true;
                if repeated {
                    return Ok(());
                }
                self.error(&error.message, Some(diagnose::classify_failure))
            }
            Event::ItemStarted { item } => self.item(item, Phase::Started),
            Event::ItemUpdated { item } => self.item(item, Phase::Updated),
            Event::ItemCompleted { item } => self.item(item, Phase::Completed),
            Event::Error { message } => match diagnose::reconnecting(&message) {
                Some((counts, inner)) => self.reconnecting(counts, inner),
                None => {
                    self.failed = true;
                    self.error(&message, Some(diagnose::classify_failure))?;
                    self.last_error = Some(message.into_owned());
                    Ok(())
                }
            },
        }
    }

    fn item(&mut self, item: Item, phase: Phase) -> io::Result<()> {
        use Phase::*;
        let t = messages::text(self.style.lang);
        match (item.kind, phase) {
            (ItemKind::AgentMessage { text }, Completed) => {
                let shown = crate::redact::redacted_after(&self.message_tail, &text);
                self.message_tail.clear();
                self.message_tail
                    .push_str(crate::redact::tail_for_next(&text));
                if self.keep_final_message {
                    self.final_message = Some(crate::escape::escape(&shown).into_owned());
                }
                // Redacted above (with the message before it): escaped only.
                let escaped = crate::escape::escape(&shown);
                let line = emphasis(&escaped, self.style.color.then_some(""));
                self.say(&line)
            }
            (ItemKind::Reasoning { text }, Completed) if !self.style.quiet => {
                let line = self.emphasised(&text, "\x1b[2m");
                let line = self.dim(&line);
                self.say(&line)
            }
            (ItemKind::Plan { text }, Completed) => {
                let line = format!("{}\n{}", t.plan_heading, self.emphasised(&text, ""));
                self.say(&line)
            }
            (ItemKind::CommandExecution { command, .. }, Started) => {
                self.say_parts("1", &["$ ", &clean_cow(&command)])
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
                let lang = self.style.lang;
                for c in changes {
                    self.say(&format!(
                        "  {} {} ({})",
                        messages::codex_word(lang, &clean(&c.kind)),
                        clean(&c.path),
                        messages::codex_word(lang, &clean(&status))
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
                let name = format!("{}.{}", clean(&server), clean(&tool));
                let status = messages::codex_word(self.style.lang, &clean(&status));
                let mut line = fill(t.tool_line, &[("name", &name), ("status", &status)]);
                if let Some(e) = error {
                    line.push_str(&format!(": {}", clean_cut(&e.message, MESSAGE_MAX)));
                }
                self.say(&line)
            }
            (ItemKind::CollabToolCall { tool, status }, Completed) => {
                let status = messages::codex_word(self.style.lang, &clean(&status));
                let line = fill(
                    t.agent_line,
                    &[("name", &clean(&tool)), ("status", &status)],
                );
                self.say(&line)
            }
            (ItemKind::WebSearch { query }, Started | Completed) if !query.is_empty() => {
                let line = fill(t.search_line, &[("query", &clean(&query))]);
                self.say(&line)
            }
            (ItemKind::TodoList { items }, Started | Completed) => {
                for todo in items {
                    self.say(&format!(
                        "  [{}] {}",
                        if todo.completed { "x" } else { " " },
                        clean(&todo.text)
                    ))?;
                }
                Ok(())
            }
            (ItemKind::Error { message }, Completed) => match diagnose::classify(&message) {
                Some(d) => self.error(&message, Some(|_: &str| d)),
                None => {
                    let line = fill(
                        t.note_line,
                        &[("message", &clean_codex(&message, MESSAGE_MAX))],
                    );
                    let line = self.dim(&line);
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
            self.say_parts("2", &["  ", &clean_cut(line, OUTPUT_LINE_CHARS)])?;
        }
        let t = messages::text(self.style.lang);
        let code = exit_code.map_or_else(
            || messages::codex_word(self.style.lang, &clean(status)),
            |c| fill(t.exit_line, &[("code", &c.to_string())]),
        );
        let paint = if exit_code.is_some_and(|c| c != 0) {
            "31"
        } else {
            "2"
        };
        self.say_parts(paint, &["  ", &code])
    }

    fn usage(&mut self, u: Usage) -> io::Result<()> {
        let t = messages::text(self.style.lang);
        let line = fill(
            t.tokens_line,
            &[
                ("input", &u.input_tokens.to_string()),
                ("cached", &u.cached_input_tokens.to_string()),
                ("output", &u.output_tokens.to_string()),
                ("reasoning", &u.reasoning_output_tokens.to_string()),
            ],
        );
        let line = self.dim(&line);
        self.say(&line)
    }

    /// A `Reconnecting...` notice: one status line naming the cause; the
    /// explanation waits for the failure it may end in.
    fn reconnecting(&mut self, counts: Option<(u32, u32)>, inner: &str) -> io::Result<()> {
        let first_of_kind = self.last_reconnect.as_deref() != Some(inner);
        if !first_of_kind && !self.style.live_status {
            return Ok(());
        }
        let t = messages::text(self.style.lang);
        let progress = counts.map_or_else(
            || t.waiting_for_network.to_string(),
            |(n, m)| format!("{n}/{m}"),
        );
        let d = match counts {
            // Bare "Reconnecting... waiting for network": that is the cause.
            None => Some(Diagnosis::of(Cause::WaitingForNetwork)),
            Some(_) => diagnose::classify(inner),
        };
        let cause = d.as_ref().map_or(t.connection_problem, |d| {
            phrases::title(d.cause, self.style.lang)
        });
        let status = fill(
            t.reconnecting_line,
            &[("progress", &progress), ("cause", cause)],
        );
        if first_of_kind {
            self.last_reconnect = Some(inner.to_string());
        }
        if self.style.live_status {
            write!(self.out, "\r\x1b[2K{}", self.yellow(&status))?;
            self.out.flush()?;
            self.status_shown = true;
        } else {
            let line = self.yellow(&status);
            self.say(&line)?;
        }
        if let Some(d) = d
            && first_of_kind
        {
            self.saw(d.cause);
            if !self.pending.iter().any(|p| p.cause == d.cause) {
                self.pending.push(d);
            }
        }
        Ok(())
    }

    /// One failure: shown once (a repeat is counted), then explained by
    /// `diagnose` (run only the first time).
    fn error(
        &mut self,
        message: &str,
        diagnose: Option<impl FnOnce(&str) -> Diagnosis>,
    ) -> io::Result<()> {
        let key = crate::events::text::cut_bytes(message, ERROR_KEY_BYTES);
        if let Some(count) = self.errors.get_mut(key) {
            *count += 1;
            return Ok(());
        }
        if self.errors.len() < MAX_DISTINCT_ERRORS {
            self.errors.insert(key.to_string(), 1);
        }
        let t = messages::text(self.style.lang);
        let line = fill(
            t.error_line,
            &[("message", &clean_codex(message, MESSAGE_MAX))],
        );
        let line = self.red(&line);
        self.say(&line)?;
        match diagnose {
            Some(diagnose) => {
                let d = diagnose(message);
                self.saw(d.cause);
                self.pending.retain(|p| p.cause != d.cause);
                self.explain(&d)
            }
            None => Ok(()),
        }
    }

    fn saw(&mut self, cause: Cause) {
        if !self.seen.contains(&cause) {
            self.seen.push(cause);
        }
    }

    /// Print the cause and its fix, once per cause.
    fn explain(&mut self, d: &Diagnosis) -> io::Result<()> {
        if self.explained.contains(&d.cause) {
            return Ok(());
        }
        self.explained.push(d.cause);
        let line = phrases::explain(d, self.style.lang);
        let line = self.bold(&line);
        self.say(&line)
    }

    /// Print an extra diagnosis found after the run (a network probe).
    pub fn extra(&mut self, d: &Diagnosis) -> io::Result<()> {
        self.explain(d)
    }

    /// End of stream: explain what reconnects hinted at and nothing
    /// explained, report repeated errors, close the status line.
    pub fn finish(&mut self) -> io::Result<()> {
        for d in std::mem::take(&mut self.pending) {
            self.explain(&d)?;
        }
        let mut repeated: Vec<(String, u32)> = self
            .errors
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(m, n)| (m.clone(), *n))
            .collect();
        repeated.sort();
        let t = messages::text(self.style.lang);
        for (message, n) in repeated {
            let line = fill(
                t.repeated_line,
                &[
                    ("message", &clean_cut(&message, REPEAT_QUOTE)),
                    ("count", &n.to_string()),
                ],
            );
            let line = self.dim(&line);
            self.say(&line)?;
        }
        if self.status_shown {
            writeln!(self.out)?;
            self.status_shown = false;
        }
        self.out.flush()
    }

    /// Whether a turn failed (or codex reported a fatal error).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The writer, for a caller that batches output (see [`Batch`]).
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The writer back (tests and the fuzzer inspect what was written).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The causes explained so far.
    pub fn causes(&self) -> &[Cause] {
        &self.explained
    }

    /// Every cause diagnosed so far, explained or still pending.
    pub fn causes_seen(&self) -> &[Cause] {
        &self.seen
    }

    fn emphasised<'t>(&self, text: &'t str, restore: &str) -> Cow<'t, str> {
        match clean_cow(text) {
            Cow::Borrowed(clean) => emphasis(clean, self.style.color.then_some(restore)),
            Cow::Owned(clean) => emphasis(&clean, self.style.color.then_some(restore))
                .into_owned()
                .into(),
        }
    }

    /// Keep the model's last message for [`Self::final_message`].
    pub fn keeping_final_message(mut self) -> Self {
        self.keep_final_message = true;
        self
    }

    /// The model's last message, redacted and escaped (none yet, or not
    /// kept: `None`).
    pub fn final_message(&self) -> Option<&str> {
        self.final_message.as_deref()
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

    /// [`Self::say`] of `parts` joined and painted with `code`, without
    /// building the line first (the renderer's most frequent lines).
    fn say_parts(&mut self, code: &str, parts: &[&str]) -> io::Result<()> {
        if self.status_shown {
            write!(self.out, "\r\x1b[2K")?;
            self.status_shown = false;
        }
        if self.style.color {
            write!(self.out, "\x1b[{code}m")?;
        }
        for part in parts {
            self.out.write_all(part.as_bytes())?;
        }
        if self.style.color {
            self.out.write_all(b"\x1b[0m")?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    fn paint<'t>(&self, code: &str, text: &'t str) -> Cow<'t, str> {
        if self.style.color {
            format!("\x1b[{code}m{text}\x1b[0m").into()
        } else {
            text.into()
        }
    }
    fn dim<'t>(&self, t: &'t str) -> Cow<'t, str> {
        self.paint("2", t)
    }
    fn bold<'t>(&self, t: &'t str) -> Cow<'t, str> {
        self.paint("1", t)
    }
    fn red<'t>(&self, t: &'t str) -> Cow<'t, str> {
        self.paint("31", t)
    }
    fn yellow<'t>(&self, t: &'t str) -> Cow<'t, str> {
        self.paint("33", t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Started,
    Updated,
    Completed,
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

    /// No colour, no live status line, all items shown, in `lang`.
    fn plain_style(lang: Lang) -> Style {
        Style {
            color: false,
            quiet: false,
            live_status: false,
            lang,
        }
    }

    #[test]
    fn the_final_message_is_kept_only_when_asked() {
        let message = r#"{"type":"item.completed","item":{"id":"1","type":"agent_message","text":"done \u001b[31m sk-proj-abcdefghijklmnopqrst"}}"#;
        let style = plain_style(Lang::En);
        let mut plain = Renderer::new(Vec::new(), style);
        plain.line(message.as_bytes()).expect("render");
        assert_eq!(plain.final_message(), None);
        let mut kept = Renderer::new(Vec::new(), style).keeping_final_message();
        kept.line(message.as_bytes()).expect("render");
        let last = kept.final_message().expect("kept");
        // Redacted and escaped like the transcript.
        assert!(last.starts_with("done \\e[31m "), "{last}");
        assert!(!last.contains("abcdefghijklmnop"), "{last}");
    }

    #[test]
    fn codexs_words_and_lines_read_in_french() {
        let mut r = Renderer::new(Vec::new(), plain_style(Lang::Fr));
        for line in [
            r#"{"type":"item.completed","item":{"id":"1","type":"file_change","changes":[{"path":"/src/a.rs","kind":"add"},{"path":"/src/b.rs","kind":"update"}],"status":"completed"}}"#,
            r#"{"type":"item.completed","item":{"id":"2","type":"mcp_tool_call","server":"s","tool":"t","arguments":{},"status":"in_progress"}}"#,
            r#"{"type":"item.completed","item":{"id":"3","type":"error","message":"Model metadata not found"}}"#,
        ] {
            r.line(line.as_bytes()).expect("render");
        }
        let out = String::from_utf8(r.into_inner()).expect("utf8");
        assert!(out.contains("  ajout /src/a.rs (terminé)\n"), "{out}");
        assert!(
            out.contains("  modification /src/b.rs (terminé)\n"),
            "{out}"
        );
        assert!(out.contains("outil s.t\u{a0}: en cours"), "{out}");
        assert!(
            out.contains("remarque de codex\u{a0}: «\u{a0}Model metadata not found\u{a0}»"),
            "{out}"
        );
        let faults = crate::messages::glossaire::faults(&out);
        assert!(faults.is_empty(), "{faults:?}");
    }

    #[test]
    fn unknown_events_are_shown_raw() {
        let (out, _) = render(&[r#"{"type":"turn.paused","why":"x"}"#, "not json"], false);
        assert_eq!(out, "{\"type\":\"turn.paused\",\"why\":\"x\"}\nnot json\n");
    }

    #[test]
    fn an_error_and_its_turn_failed_are_one_failure_explained_after_it() {
        let msg = "unexpected status 401 Unauthorized: Unknown error, url: u";
        let error = serde_json::json!({"type": "error", "message": msg}).to_string();
        let failed =
            serde_json::json!({"type": "turn.failed", "error": {"message": msg}}).to_string();
        let (out, _) = render(&[&error, &failed], false);
        assert_eq!(out.matches("error: ").count(), 1, "{out}");
        assert!(!out.contains("reported"), "{out}");
        let (err_at, hint_at) = (out.find("error: "), out.find("=> "));
        assert!(err_at < hint_at && hint_at.is_some(), "{out}");
    }

    #[test]
    fn a_reconnect_cause_is_explained_after_the_failure_not_before() {
        let inner = "unexpected status 503 Service Unavailable: down";
        let notice = serde_json::json!({"type": "error", "message": format!("Reconnecting... 1/5 ({inner})")}).to_string();
        let failed =
            serde_json::json!({"type": "turn.failed", "error": {"message": inner}}).to_string();
        let (out, _) = render(&[&notice, &failed], false);
        let (err_at, hint_at) = (out.find("error: "), out.find("=> "));
        assert!(err_at.is_some() && err_at < hint_at, "{out}");
        assert_eq!(out.matches("=> ").count(), 1, "{out}");
        // A run that only reconnected still gets its explanation at the end.
        let (out, _) = render(&[&notice], false);
        assert!(out.ends_with(&format!("{}\n", out.lines().last().unwrap_or("x"))));
        assert!(
            out.lines().last().is_some_and(|l| l.starts_with("=> ")),
            "{out}"
        );
    }

    #[test]
    fn every_failed_turn_is_explained_and_fails() {
        let body =
            r#"{"error": {"message": "Bad request example", "type": "invalid_request_error"}}"#;
        let failed =
            serde_json::json!({"type": "turn.failed", "error": {"message": body}}).to_string();
        let style = Style {
            color: false,
            quiet: false,
            live_status: false,
            lang: Lang::En,
        };
        let mut r = Renderer::new(Vec::new(), style);
        r.line(failed.as_bytes()).expect("render");
        r.finish().expect("finish");
        assert!(r.failed());
        let out = String::from_utf8(r.into_inner()).expect("utf8");
        assert!(
            out.contains("=> The server rejected the request as invalid."),
            "{out}"
        );
        let odd =
            serde_json::json!({"type": "turn.failed", "error": {"message": "boom"}}).to_string();
        let (out, causes) = render(&[&odd], false);
        assert_eq!(causes, [Cause::Other], "{out}");
    }

    #[test]
    fn bare_waiting_for_network_is_explained() {
        let (out, causes) = render(
            &[r#"{"type":"error","message":"Reconnecting... waiting for network"}"#],
            false,
        );
        assert_eq!(causes, [Cause::WaitingForNetwork], "{out}");
        assert!(out.contains("usbide doctor"), "{out}");
    }

    #[test]
    fn markdown_emphasis_is_not_shown_as_asterisks() {
        let (out, _) = render(
            &[
                r#"{"type":"item.completed","item":{"id":"0","type":"reasoning","text":"**Planning** the run"}}"#,
            ],
            false,
        );
        assert_eq!(out, "Planning the run\n");
    }

    #[test]
    fn long_messages_are_cut_with_an_ellipsis() {
        let long = format!("unexpected status 502 Bad Gateway: {}", "é".repeat(3000));
        let failed =
            serde_json::json!({"type": "turn.failed", "error": {"message": long}}).to_string();
        let (out, _) = render(&[&failed], false);
        let line = out.lines().next().unwrap_or_default();
        assert!(line.ends_with('…') && line.chars().count() < 1100, "{line}");
    }

    #[test]
    fn codex_advice_is_shown_as_the_usbide_command() {
        let msg = "Enable device code authorization for Codex in ChatGPT Security Settings, then run 'codex login --device-auth' again.";
        let failed =
            serde_json::json!({"type": "turn.failed", "error": {"message": msg}}).to_string();
        let (out, _) = render(&[&failed], false);
        assert!(
            out.contains("run 'usbide login --device-auth' again"),
            "{out}"
        );
        assert!(!out.contains("codex login"), "{out}");
    }
}
