//! `usbide exec [codex exec options] PROMPT`: a non-interactive codex run
//! whose failures end (Codex's own switch for that) and are explained.
//!
//! Checks `codex login status` first (a doomed run is not started), runs
//! `codex exec --json` with usbide's own stdin (codex reads a prompt from it
//! with `-`, and appends piped input to the prompt), drains stdout and
//! stderr concurrently, and exits with codex's status. As codex exec does,
//! the transcript (progress, token counts, diagnoses, hints) goes to stderr
//! and only the final answer to stdout (`--json`: the events on stdout).
//! When a network failure hides its cause, a quick probe names it.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{self, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::cli::ExecArgs;
use crate::context::Context;
use crate::diagnose::phrases;
use crate::diagnose::{self, Cause, Diagnosis};
use crate::events::lines;
use crate::events::machine::Machine;
use crate::events::model::{Event, ItemKind, Line, parse_line};
use crate::events::render::Renderer;
use crate::session::Started;

/// Exit code when the watchdog stopped a silent codex (as `timeout` does).
pub const STALLED: i32 = 124;

/// Stops a codex that says nothing for too long while nothing runs: exec can
/// hang before the model's stream starts (openai/codex#31376). A running
/// command, tool call, file change or web search may be silent as long as
/// it likes; a plan (`todo_list`) or reasoning item in progress is not work
/// that keeps codex quiet, so it does not hold the watchdog off.
#[derive(Debug)]
struct Watchdog {
    limit: Duration,
    last: Instant,
    /// Ids of the busy items started and not completed yet.
    running: HashSet<String>,
    fired: bool,
}

/// More items in progress than codex ever runs at once: an id past this is
/// not remembered (the set stays bounded whatever codex prints).
const MAX_RUNNING: usize = 1024;

/// How long output is still read once codex is gone (killed or exited): a
/// grandchild that inherited the pipe must not keep usbide waiting.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

impl Watchdog {
    /// A watchdog that fires after `limit` of silence (zero: never).
    fn new(limit: Duration) -> Self {
        Self {
            limit,
            last: Instant::now(),
            running: HashSet::new(),
            fired: false,
        }
    }

    fn saw(&mut self, chunk: &Chunk) {
        self.last = Instant::now();
        if let Chunk::Out(line) = chunk {
            self.event(line);
        }
    }

    fn event(&mut self, line: &[u8]) {
        match parse_line(line) {
            Line::Event(Event::ItemStarted { item })
                if keeps_codex_busy(&item.kind) && self.running.len() < MAX_RUNNING =>
            {
                self.running.insert(item.id.into_owned());
            }
            Line::Event(Event::ItemCompleted { item }) => {
                self.running.remove(&*item.id);
            }
            Line::Event(Event::TurnCompleted { .. } | Event::TurnFailed { .. }) => {
                self.running.clear();
            }
            _ => {}
        }
    }

    /// Nothing is running that may legitimately be silent.
    fn idle(&self) -> bool {
        self.running.is_empty()
    }

    fn expired(&mut self) -> bool {
        self.fired = !self.limit.is_zero() && self.idle() && self.last.elapsed() >= self.limit;
        self.fired
    }
}

/// Items during which codex waits on something else and may print nothing.
fn keeps_codex_busy(kind: &ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::CommandExecution { .. }
            | ItemKind::McpToolCall { .. }
            | ItemKind::CollabToolCall { .. }
            | ItemKind::FileChange { .. }
            | ItemKind::WebSearch { .. }
    )
}

enum Chunk {
    Out(Vec<u8>),
    Err(Vec<u8>),
    /// A line too long to keep (its length in bytes), on either stream.
    Overlong(u64),
}

/// Run the command.
pub fn run(ctx: &Context, args: &ExecArgs) -> Result<i32> {
    use std::io::IsTerminal;
    let style = crate::cmd::render::style(ctx, &args.output);
    let transcript_style =
        crate::cmd::render::style_on(ctx, &args.output, io::stderr().is_terminal());
    let Started {
        ready,
        codex,
        inv,
        // Alive until codex has ended (its temporary folder).
        scratch: _scratch,
    } = crate::session::start(ctx, false, false, |ready| {
        let mut codex_args: Vec<OsString> = [
            "exec",
            "--json",
            "--disable",
            "unbounded_connection_retries",
        ]
        .map(OsString::from)
        .to_vec();
        skip_git_check_in_stick_work(ctx, ready, &args.args, &mut codex_args);
        codex_args.extend(args.args.iter().cloned());
        codex_args
    })?;
    let provider = &ready.provider;
    if !args.no_login_check && provider.openai_login {
        let check = ready.invocation(&codex.path, &["login".into(), "status".into()]);
        let out = check
            .command()
            .stdin(Stdio::null())
            .output()
            .context(crate::messages::text(ctx.lang).cannot_run_login_status)?;
        if !out.status.success() {
            // Nothing was sent: the stick has no login codex accepts.
            let d = Diagnosis::of(Cause::NoLogin);
            if args.json {
                let mut machine = Machine::new(io::stdout().lock(), style.lang);
                machine.emit(&d, &String::from_utf8_lossy(&out.stderr))?;
            } else {
                let t = crate::messages::text(style.lang);
                let title = &phrases::inline_title(d.cause, style.lang);
                crate::out::eprintln!(
                    "{}",
                    crate::messages::fill(t.exec_not_started, &[("title", title)])
                );
                let hint = phrases::hint(&d, style.lang);
                let line = crate::messages::fill(t.usbide_line, &[("message", &hint)]);
                crate::out::eprintln!("{line}");
            }
            return Ok(crate::exit::LOGIN);
        }
    }
    let mut child = inv
        .command()
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| crate::launch::SpawnError {
            path: codex.path.clone(),
            source,
        })?;
    // Bounded: a codex printing faster than the terminal shows waits for it
    // instead of piling lines up in memory.
    let (tx, rx) = mpsc::sync_channel(8);
    let out = child
        .stdout
        .take()
        .map(|s| spawn_reader(s, tx.clone(), Chunk::Out));
    let err = child.stderr.take().map(|s| spawn_reader(s, tx, Chunk::Err));
    let mut renderer = Renderer::new(io::stderr().lock(), transcript_style).keeping_final_message();
    let mut machine = Machine::new(io::stdout().lock(), style.lang);
    let mut watchdog = Watchdog::new(ctx.settings.exec_idle);
    // Once codex is gone, output is read until DRAIN_GRACE passes without a
    // line (codex exited) or DRAIN_GRACE in all (the watchdog killed it).
    let mut gone_at: Option<Instant> = None;
    loop {
        let wait = match gone_at {
            Some(at) => DRAIN_GRACE.saturating_sub(at.elapsed()),
            None => Duration::from_secs(1),
        };
        let chunk = match rx.recv_timeout(wait) {
            Ok(chunk) => {
                if gone_at.is_some() && !watchdog.fired {
                    // codex ended by itself: its last lines are still coming,
                    // so the grace counts from the last one.
                    gone_at = Some(Instant::now());
                }
                chunk
            }
            Err(mpsc::RecvTimeoutError::Timeout) if gone_at.is_some() => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if watchdog.expired() {
                    let _ = child.kill();
                    gone_at = Some(Instant::now());
                } else if matches!(child.try_wait(), Ok(Some(_))) {
                    gone_at = Some(Instant::now());
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        watchdog.saw(&chunk);
        let shown = if args.json {
            match &chunk {
                Chunk::Out(line) => machine.line(line),
                Chunk::Err(line) => machine.stderr_line(line),
                // stdout stays valid JSON lines: the skip is said on stderr.
                Chunk::Overlong(bytes) => {
                    Renderer::new(io::stderr().lock(), style).overlong(*bytes)
                }
            }
        } else {
            show(&mut renderer, &chunk)
        };
        if let Err(e) = shown
            && e.kind() != io::ErrorKind::BrokenPipe
        {
            return Err(e).context(crate::messages::text(ctx.lang).cannot_write_output);
        }
    }
    if gone_at.is_none() {
        // Both pipes closed: the readers are done.
        for h in [out, err].into_iter().flatten() {
            let _ = h.join();
        }
    } // else a grandchild may hold a pipe open: its reader is left behind.
    let status = child
        .wait()
        .context(crate::messages::text(ctx.lang).codex_unfinished)?;
    let mut code = crate::platform::exit_code(status);
    if watchdog.fired {
        code = STALLED;
        let secs = watchdog.limit.as_secs().to_string();
        crate::ui::note(&crate::messages::fill(
            crate::messages::text(ctx.lang).exec_stalled,
            &[("secs", &secs)],
        ));
    }
    let causes: Vec<Cause> = if args.json {
        machine.causes.clone()
    } else {
        renderer.causes_seen().to_vec()
    };
    let unexplained = causes.iter().any(|c| c.hides_network_cause());
    if code != 0
        && (unexplained || watchdog.fired)
        && let Some(d) = crate::net::probe::probe_model(&ctx.net, probe_target(ctx, provider))
    {
        if args.json {
            machine.emit(&d, "probe of the endpoint")?;
        } else {
            renderer.extra(&d)?;
        }
    }
    renderer.finish()?;
    // The final answer on stdout, as codex exec prints it: for a script or
    // a file; on a terminal where stderr shows the transcript, not twice.
    let seen_in_transcript = io::stdout().is_terminal() && io::stderr().is_terminal();
    if !args.json
        && !seen_in_transcript
        && let Some(message) = renderer.final_message()
    {
        // Through usbide's one stdout writer: a closed stdout is noticed
        // (exit 70) and never a panic.
        if message.ends_with('\n') {
            crate::out::print!("{message}");
        } else {
            crate::out::println!("{message}");
        }
    }
    if code == 0 {
        crate::session::retire_rollback(ctx, &ready);
    }
    Ok(code)
}

/// codex exec refuses a folder outside git unless told
/// `--skip-git-repo-check`; the stick's own `work/` folder (which usbide
/// made for codex) must work out of the box, so there usbide tells it, and
/// says so once per stick.
fn skip_git_check_in_stick_work(
    ctx: &Context,
    ready: &crate::session::Ready,
    user_args: &[OsString],
    codex_args: &mut Vec<OsString>,
) {
    use crate::session::workdir;
    if user_args.iter().any(|a| a == "--skip-git-repo-check") {
        return;
    }
    let Ok(cwd) = std::env::current_dir() else {
        return;
    };
    let chosen = workdir::choose(&cwd, &ready.stick, user_args);
    let dir = workdir::codex_dir(&cwd, chosen.as_deref(), user_args);
    if !workdir::is_stick_work_outside_git(&dir, &ready.stick) {
        return;
    }
    codex_args.push("--skip-git-repo-check".into());
    let said = crate::stick::state_dir(&ready.stick.codex_home()).join("work-git-check-said");
    // Said once per stick, and remembered by the one that holds it.
    if !said.exists() && ready.holds_the_stick() {
        crate::ui::note(&crate::messages::fill(
            crate::messages::text(ctx.lang).exec_work_outside_git,
            &[("dir", &ready.stick.root.join("work").display().to_string())],
        ));
        let _ = crate::fsx::write_own(&said, b"said\n");
    }
}

/// stdout events go to the transcript; codex's stderr joins it only when it
/// names a cause (e.g. a failed token refresh), else stays on stderr, escaped.
fn show(renderer: &mut Renderer<impl Write>, chunk: &Chunk) -> io::Result<()> {
    match chunk {
        Chunk::Out(line) => renderer.line(line),
        Chunk::Overlong(bytes) => renderer.overlong(*bytes),
        Chunk::Err(line) => {
            let text = String::from_utf8_lossy(line);
            if diagnose::classify(&text).is_some() {
                renderer.stderr_line(line)
            } else if !text.trim().is_empty()
                && !text.starts_with("Reading additional input from stdin")
            {
                writeln!(
                    io::stderr().lock(),
                    "{}",
                    crate::events::text::clean_codex(&text, usize::MAX)
                )
            } else {
                Ok(())
            }
        }
    }
}

fn spawn_reader(
    stream: impl Read + Send + 'static,
    tx: mpsc::SyncSender<Chunk>,
    wrap: fn(Vec<u8>) -> Chunk,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(1 << 16, stream);
        loop {
            let mut line = Vec::new();
            let chunk = match lines::next(&mut reader, &mut line, lines::MAX_LINE) {
                Ok(lines::Read::Eof) | Err(_) => break,
                Ok(lines::Read::Line) => wrap(line),
                Ok(lines::Read::Overlong(bytes)) => Chunk::Overlong(bytes),
            };
            if tx.send(chunk).is_err() {
                break;
            }
        }
    })
}

/// What the closing probe of a failed run tries: the first of
/// `USBIDE_DOCTOR_ENDPOINTS` when set (mirrors, tests), else where codex
/// sends its requests.
fn probe_target<'a>(ctx: &'a Context, provider: &'a crate::home::provider::Provider) -> &'a str {
    ctx.settings
        .doctor_endpoints
        .as_ref()
        .and_then(|list| list.first())
        .map_or(provider.endpoint.as_str(), String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watchdog() -> Watchdog {
        Watchdog {
            limit: Duration::from_secs(600),
            last: Instant::now(),
            running: HashSet::new(),
            fired: false,
        }
    }

    fn feed(w: &mut Watchdog, line: &str) {
        w.event(line.as_bytes());
    }

    const CMD_STARTED: &str = r#"{"type":"item.started","item":{"id":"item_2","type":"command_execution","command":"/bin/bash -lc 'sleep 100'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#;
    const CMD_DONE: &str = r#"{"type":"item.completed","item":{"id":"item_2","type":"command_execution","command":"/bin/bash -lc 'sleep 100'","aggregated_output":"","exit_code":0,"status":"completed"}}"#;
    const REASONING_DONE: &str = r#"{"type":"item.completed","item":{"id":"item_3","type":"reasoning","text":"**Thinking**"}}"#;
    const TODO_STARTED: &str = r#"{"type":"item.started","item":{"id":"item_0","type":"todo_list","items":[{"text":"a","completed":false}]}}"#;

    #[test]
    fn a_completed_reasoning_item_does_not_end_a_running_command() {
        let mut w = watchdog();
        feed(&mut w, CMD_STARTED);
        feed(&mut w, REASONING_DONE);
        assert!(!w.idle(), "the command still runs: {:?}", w.running);
        feed(&mut w, CMD_DONE);
        assert!(w.idle());
    }

    #[test]
    fn an_unfinished_plan_does_not_disable_the_watchdog() {
        let mut w = watchdog();
        feed(&mut w, TODO_STARTED);
        assert!(w.idle());
    }

    #[test]
    fn the_real_0_169_stream_ends_idle() {
        let mut w = watchdog();
        let fixture = include_str!("../../benches/fixtures/codex-0.169-exec.jsonl");
        let mut busy_seen = false;
        for line in fixture.lines() {
            feed(&mut w, line);
            busy_seen |= !w.idle();
        }
        assert!(busy_seen, "the fixture runs commands");
        assert!(w.idle());
    }

    #[test]
    fn a_flood_of_started_items_stays_bounded() {
        let mut w = watchdog();
        for i in 0..5000 {
            feed(&mut w, &CMD_STARTED.replace("item_2", &format!("x{i}")));
        }
        assert_eq!(w.running.len(), MAX_RUNNING);
    }
}
