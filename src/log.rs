//! usbide's own log on the stick (`codex_home/.usbide/usbide.log`): every
//! note usbide shows, redacted, with a timestamp, so that a support bundle
//! can say what happened. Kept small: rotated past 1 MB.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

static LOG: OnceLock<Mutex<File>> = OnceLock::new();

/// Largest log before it is rotated to `usbide.log.1`.
const MAX_BYTES: u64 = 1_000_000;

/// The log file of a `codex_home`.
pub fn path(codex_home: &Path) -> PathBuf {
    crate::stick::state_dir(codex_home).join("usbide.log")
}

/// Start logging into `codex_home` (once per process; later calls are ignored).
pub fn init(codex_home: &Path) {
    if LOG.get().is_some() {
        return;
    }
    let path = path(codex_home);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() > MAX_BYTES) {
        let _ = std::fs::rename(&path, path.with_extension("log.1"));
    }
    // usbide's own file: never appended through a link or to a FIFO.
    if let Ok(file) = crate::fsx::open_own(&path, true) {
        let _ = LOG.set(Mutex::new(file));
    }
}

/// Append one line (redacted).
pub fn line(message: &str) {
    if let Some(file) = LOG.get()
        && let Ok(mut f) = file.lock()
    {
        let _ = writeln!(
            f,
            "{} {}",
            crate::time::local_rfc3339(),
            crate::redact::text(message)
        );
    }
}

/// The last `n` lines of the log, for a support bundle.
pub fn tail(codex_home: &Path, n: usize) -> String {
    let text = crate::fsx::read_tail(&path(codex_home), MAX_BYTES);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    lines[start..]
        .iter()
        .map(|l| format!("{}\n", crate::redact::text(l)))
        .collect()
}
