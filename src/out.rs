//! Writing to the terminal without ever panicking.
//!
//! `print!` and `eprintln!` panic when the other end is gone (`usbide env |
//! head -c1`, a console closed under a running session), and with
//! `panic = "abort"` that panic can tear a login apart. Here a stdout or
//! stderr that refuses a write is closed for the rest of the run: later
//! output to it is dropped quietly and the command goes on to its own exit.
//! Use [`print!`], [`println!`], [`eprint!`] and [`eprintln!`] from this
//! module for every line usbide writes.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);

/// Print a report as JSON on stdout: pretty, every secret the redaction
/// rules know hidden, every invisible or reordering character escaped. The
/// one way a `--json` report is written.
pub fn json(report: &impl serde::Serialize) -> serde_json::Result<()> {
    let text = serde_json::to_string_pretty(report)?;
    let text = crate::redact::redacted(&text);
    let _ = stdout(&format!("{}\n", crate::escape::json_text(&text)));
    Ok(())
}

/// Print one line of a human report on stdout: secrets hidden, controls
/// and invisible characters escaped.
pub fn line(text: &str) {
    let text = crate::redact::redacted(text);
    let _ = stdout(&format!("{}\n", crate::escape::escape(&text)));
}

/// Whether stdout refused a write during this run (the command's output
/// did not all arrive: a script must not take the run for a success).
pub fn stdout_failed() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
}

/// Write `text` to stdout; false once stdout is closed.
pub fn stdout(text: &str) -> bool {
    write(&STDOUT_GONE, &mut io::stdout().lock(), text)
}

/// Write `text` to stderr; false once stderr is closed.
pub fn stderr(text: &str) -> bool {
    write(&STDERR_GONE, &mut io::stderr().lock(), text)
}

fn write(gone: &AtomicBool, to: &mut dyn Write, text: &str) -> bool {
    if gone.load(Ordering::Relaxed) {
        return false;
    }
    let ok = to
        .write_all(text.as_bytes())
        .and_then(|()| to.flush())
        .is_ok();
    if !ok {
        gone.store(true, Ordering::Relaxed);
    }
    ok
}

/// `print!` to stdout that never panics.
macro_rules! print {
    ($($arg:tt)*) => {{
        let _ = $crate::out::stdout(&format!($($arg)*));
    }};
}

/// `println!` to stdout that never panics.
macro_rules! println {
    () => {{
        let _ = $crate::out::stdout("\n");
    }};
    ($($arg:tt)*) => {{
        let _ = $crate::out::stdout(&format!("{}\n", format_args!($($arg)*)));
    }};
}

/// `eprint!` to stderr that never panics.
macro_rules! eprint {
    ($($arg:tt)*) => {{
        let _ = $crate::out::stderr(&format!($($arg)*));
    }};
}

/// `eprintln!` to stderr that never panics.
macro_rules! eprintln {
    () => {{
        let _ = $crate::out::stderr("\n");
    }};
    ($($arg:tt)*) => {{
        let _ = $crate::out::stderr(&format!("{}\n", format_args!($($arg)*)));
    }};
}

pub(crate) use {eprint, eprintln, print, println};

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader went away.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stream_stops_output_quietly() {
        let gone = AtomicBool::new(false);
        assert!(!write(&gone, &mut Closed, "first"));
        assert!(gone.load(Ordering::Relaxed));
        let mut buf = Vec::new();
        assert!(!write(&gone, &mut buf, "later"), "stays closed");
        assert!(buf.is_empty());
    }
}
