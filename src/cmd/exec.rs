//! `usbide exec [codex exec options] PROMPT`: a non-interactive codex run
//! whose failures end (Codex's own switch for that) and are explained.
//!
//! Checks `codex login status` first (a doomed run is not started), runs
//! `codex exec --json` with stdin closed, drains stdout and stderr
//! concurrently, renders each line as it arrives, and exits with codex's
//! status. When a network failure hides its cause, a quick probe names it.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::cli::ExecArgs;
use crate::context::Context;
use crate::events::diagnose::{self, Cause, Diagnosis};
use crate::events::hints;
use crate::events::model::{Event, ItemKind, Line, parse_line};
use crate::events::render::Renderer;
use crate::session::{prepare_session, resolve_codex};

/// Exit code when the watchdog stopped a silent codex (as `timeout` does).
pub const STALLED: i32 = 124;

/// Stops a codex that says nothing for too long while nothing runs: exec can
/// hang before the model's stream starts (openai/codex#31376). A running
/// command or tool call may be silent as long as it likes.
#[derive(Debug)]
struct Watchdog {
    limit: Duration,
    last: Instant,
    running: usize,
    fired: bool,
}

impl Watchdog {
    /// `USBIDE_EXEC_IDLE_SECS` (default 600; 0 turns it off).
    fn new(env: &crate::environ::Environ) -> Self {
        let secs = env
            .get_str("USBIDE_EXEC_IDLE_SECS")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(600);
        Self {
            limit: Duration::from_secs(secs),
            last: Instant::now(),
            running: 0,
            fired: false,
        }
    }

    fn saw(&mut self, chunk: &Chunk) {
        self.last = Instant::now();
        if let Chunk::Out(line) = chunk {
            match parse_line(line) {
                Line::Event(Event::ItemStarted { .. }) => self.running += 1,
                Line::Event(Event::ItemCompleted { .. }) => {
                    self.running = self.running.saturating_sub(1)
                }
                _ => {}
            }
        }
    }

    fn expired(&mut self) -> bool {
        self.fired =
            !self.limit.is_zero() && self.running == 0 && self.last.elapsed() >= self.limit;
        self.fired
    }
}

enum Chunk {
    Out(Vec<u8>),
    Err(Vec<u8>),
}

/// Run the command.
pub fn run(ctx: &Context, args: &ExecArgs) -> Result<i32> {
    let ready = prepare_session(ctx)?;
    let codex = resolve_codex(ctx, &ready.stick)?;
    let style = crate::cmd::render::style(ctx, &args.output);
    let provider = &ready.provider;
    crate::session::guard::check_login(ctx, &ready, &codex.path, &args.args, false)?;
    crate::session::preflight::preflight_on_launch(ctx, &ready);
    if !args.no_login_check && provider.openai_login {
        let check = ready.invocation(&codex.path, &["login".into(), "status".into()]);
        let out = check
            .command()
            .stdin(Stdio::null())
            .output()
            .context("cannot run codex login status")?;
        if !out.status.success() {
            let d = Diagnosis {
                cause: Cause::NotLoggedIn,
                status: None,
                detail: None,
            };
            eprintln!("usbide: codex is not logged in on this stick; the run was not started.");
            eprintln!("usbide: {}", hints::hint(&d, style.lang));
            return Ok(crate::platform::exit_code(out.status));
        }
    }
    let mut codex_args: Vec<OsString> = [
        "exec",
        "--json",
        "--disable",
        "unbounded_connection_retries",
    ]
    .map(OsString::from)
    .to_vec();
    codex_args.extend(args.args.iter().cloned());
    let inv = ready.invocation(&codex.path, &codex_args);
    let mut child = inv
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", codex.path.display()))?;
    let (tx, rx) = mpsc::channel();
    let out = child
        .stdout
        .take()
        .map(|s| spawn_reader(s, tx.clone(), Chunk::Out));
    let err = child.stderr.take().map(|s| spawn_reader(s, tx, Chunk::Err));
    let mut renderer = Renderer::new(io::stdout().lock(), style);
    let mut machine = MachineOutput::default();
    let mut watchdog = Watchdog::new(&ctx.env);
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(chunk) => chunk,
            Err(mpsc::RecvTimeoutError::Timeout) if watchdog.expired() => {
                let _ = child.kill();
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        watchdog.saw(&chunk);
        let shown = if args.json {
            machine.chunk(&chunk, style.lang)
        } else {
            show(&mut renderer, &chunk)
        };
        if let Err(e) = shown
            && e.kind() != io::ErrorKind::BrokenPipe
        {
            return Err(e).context("cannot write the output");
        }
    }
    for h in [out, err].into_iter().flatten() {
        let _ = h.join();
    }
    let status = child.wait().context("codex did not finish")?;
    let mut code = crate::platform::exit_code(status);
    if watchdog.fired {
        code = STALLED;
        crate::ui::note(&format!(
            "codex sent nothing for {} s while nothing was running (no answer from the model?); usbide stopped it. \
             Set USBIDE_EXEC_IDLE_SECS to wait longer (0: forever)",
            watchdog.limit.as_secs()
        ));
    }
    let causes: Vec<Cause> = if args.json {
        machine.causes.clone()
    } else {
        renderer.causes().to_vec()
    };
    let unexplained = causes.iter().any(|c| {
        matches!(
            c,
            Cause::NetworkUnknown | Cause::WaitingForNetwork | Cause::Timeout
        )
    });
    if code != 0
        && (unexplained || watchdog.fired)
        && let Some(d) = crate::net::probe::probe(&ctx.net, &provider.endpoint)
    {
        if args.json {
            machine.emit(&d, "probe of the endpoint", style.lang)?;
        } else {
            renderer.extra(&d)?;
        }
    }
    renderer.finish()?;
    Ok(code)
}

/// stdout events go to the transcript; codex's stderr joins it only when it
/// names a cause (e.g. a failed token refresh), else stays on stderr, escaped.
fn show(renderer: &mut Renderer<impl Write>, chunk: &Chunk) -> io::Result<()> {
    match chunk {
        Chunk::Out(line) => renderer.line(line),
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
                    crate::events::render::clean(&text)
                )
            } else {
                Ok(())
            }
        }
    }
}

fn spawn_reader(
    stream: impl Read + Send + 'static,
    tx: mpsc::Sender<Chunk>,
    wrap: fn(Vec<u8>) -> Chunk,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(1 << 16, stream);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                        line.pop();
                    }
                    if tx.send(wrap(line)).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

/// `--json`: codex's events unchanged on stdout, plus one
/// `{"type":"usbide.diagnosis",...}` line after each error.
#[derive(Debug, Default)]
struct MachineOutput {
    causes: Vec<Cause>,
}

impl MachineOutput {
    fn chunk(&mut self, chunk: &Chunk, lang: hints::Lang) -> io::Result<()> {
        match chunk {
            Chunk::Out(line) => {
                let mut stdout = io::stdout().lock();
                stdout.write_all(line)?;
                stdout.write_all(b"\n")?;
                stdout.flush()?;
                if let Some(message) = error_message(line)
                    && let Some(d) = diagnose::classify(&message)
                {
                    self.emit(&d, &message, lang)?;
                }
                Ok(())
            }
            Chunk::Err(line) => {
                let text = String::from_utf8_lossy(line);
                match diagnose::classify(&text) {
                    Some(d) => self.emit(&d, &text, lang),
                    None => Ok(()),
                }
            }
        }
    }

    fn emit(&mut self, d: &Diagnosis, message: &str, lang: hints::Lang) -> io::Result<()> {
        self.causes.push(d.cause);
        let doc = serde_json::json!({
            "type": "usbide.diagnosis",
            "cause": d.cause,
            "status": d.status,
            "hint": hints::hint(d, lang),
            "message": crate::redact::text(message),
        });
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{doc}")?;
        stdout.flush()
    }
}

/// The error text an event carries, if it is an error (a `Reconnecting`
/// notice counts: its inner message is the cause).
fn error_message(line: &[u8]) -> Option<String> {
    match parse_line(line) {
        Line::Event(Event::Error { message }) => Some(match diagnose::reconnecting(&message) {
            Some((_, inner)) => inner.to_string(),
            None => message,
        }),
        Line::Event(Event::TurnFailed { error }) => Some(error.message),
        Line::Event(Event::ItemCompleted { item }) => match item.kind {
            ItemKind::Error { message } => Some(message),
            _ => None,
        },
        _ => None,
    }
}
