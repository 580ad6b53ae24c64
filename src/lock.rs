//! One usbide per stick at a time writes to it: two codex processes on one
//! CODEX_HOME race on the SQLite state and on rotating refresh tokens
//! ("refresh token was already used"), and two payload installs would swap
//! trees under each other. Every command that writes to the stick takes this
//! lock first; reading commands do not need it. The lock is an OS file lock
//! on `codex_home/usbide.lock` (std's `File::try_lock`: `flock` on Unix,
//! `LockFileEx` on Windows), released when the process ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A held lock on the stick.
#[derive(Debug)]
pub struct StickLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Busy { home: PathBuf, holder: String },
    /// The stick is mounted read-only: nothing can be written, so nothing
    /// needs the lock either.
    #[error("{}", self.message(crate::messages::Lang::En))]
    ReadOnly { home: PathBuf },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Io { path: PathBuf, source: io::Error },
}

impl StickLock {
    /// Take the lock, waiting up to `wait` for another usbide to finish.
    pub fn acquire(codex_home: &Path, wait: Duration) -> Result<Self, LockError> {
        let path = codex_home.join("usbide.lock");
        let io_err = |source: io::Error| {
            if crate::fsx::is_read_only_fs(&source) {
                LockError::ReadOnly {
                    home: codex_home.into(),
                }
            } else {
                LockError::Io {
                    path: path.clone(),
                    source,
                }
            }
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err)?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = match holder.trim() {
                        "" => String::new(),
                        h => h.chars().take(40).collect(),
                    };
                    return Err(LockError::Busy {
                        home: codex_home.into(),
                        holder,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
        }
        // Who holds it, for the message the next usbide shows. Informational only.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "pid {}", std::process::id());
        let _ = file.flush();
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_explains() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = StickLock::acquire(dir.path(), Duration::ZERO).expect("first");
        let err = StickLock::acquire(dir.path(), Duration::from_millis(150)).expect_err("busy");
        let msg = err.to_string();
        assert!(msg.contains("another usbide is using"), "{msg}");
        // Windows locks are mandatory: the holder's note cannot be read there.
        if cfg!(unix) {
            assert!(
                msg.contains(&format!("pid {}", std::process::id())),
                "{msg}"
            );
        }
        drop(first);
        StickLock::acquire(dir.path(), Duration::ZERO).expect("free again");
    }
}
