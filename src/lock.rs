//! One usbide per stick at a time writes to it: two codex processes on one
//! CODEX_HOME race on the SQLite state and on rotating refresh tokens
//! ("refresh token was already used"), and two payload installs would swap
//! trees under each other. Every command that writes to the stick takes this
//! lock first; reading commands do not need it. The lock is an OS file lock
//! on `codex_home/usbide.lock` (std's `File::try_lock`: `flock` on Unix,
//! `LockFileEx` on Windows), released when the process ends, however it ends.
//! The lock file is opened as usbide's own ([`crate::fsx::open_own`]): a
//! link, a FIFO or another user's file at its name is refused, never
//! truncated.

use crate::messages::UserError as _;
use std::fs::{File, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A held lock on the stick; a session's also leaves `usbide.session`
/// beside it (removed when dropped), which a command that would wait reads
/// to learn that the wait is for a whole session, not a moment (the lock
/// file itself cannot be read while held on Windows).
#[derive(Debug)]
pub struct StickLock {
    _file: File,
    session_mark: Option<PathBuf>,
}

impl Drop for StickLock {
    fn drop(&mut self) {
        if let Some(mark) = &self.session_mark {
            let _ = std::fs::remove_file(mark);
        }
    }
}

/// Who takes the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// A codex session (interactive or `exec`): held as long as codex runs.
    Session,
    /// A command that writes and ends (a login, an install, a setting).
    Command,
}

/// The name of the mark a session leaves beside the lock.
const SESSION_MARK: &str = "usbide.session";

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// `session`: the holder is a codex session (it may run for hours).
    #[error("{}", self.message(crate::messages::Lang::En))]
    Busy {
        home: PathBuf,
        holder: String,
        session: bool,
    },
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
        Self::acquire_as(codex_home, wait, Holder::Command)
    }

    /// [`Self::acquire`] for `holder`. Held by a session, the lock is not
    /// waited for: the session may last hours, and the answer is at once.
    pub fn acquire_as(
        codex_home: &Path,
        wait: Duration,
        holder: Holder,
    ) -> Result<Self, LockError> {
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
        // Never through a link, never a FIFO, never another user's file:
        // a lock planted as a link to someone's file would be truncated.
        let mut file = crate::fsx::open_own(&path, false).map_err(io_err)?;
        let deadline = Instant::now() + wait;
        let mark = codex_home.join(SESSION_MARK);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let session = crate::fsx::read_capped(&mark, 64).map(|b| {
                        String::from_utf8_lossy(&b)
                            .trim()
                            .chars()
                            .take(40)
                            .collect::<String>()
                    });
                    if session.is_none() && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(100));
                        continue;
                    }
                    let holder = match session.clone() {
                        Some(pid) => pid,
                        None => {
                            let mut holder = String::new();
                            let _ = file.read_to_string(&mut holder);
                            holder.trim().chars().take(40).collect()
                        }
                    };
                    return Err(LockError::Busy {
                        home: codex_home.into(),
                        holder,
                        session: session.is_some(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
        }
        // Who holds it, for the message the next usbide shows. Informational only.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let pid = format!("pid {}", std::process::id());
        let _ = write!(file, "{pid}");
        let _ = file.flush();
        // A session's mark; a stale one (a crash) goes now that the lock
        // is ours, and a mark is only read while the lock is held.
        let session_mark = match holder {
            Holder::Session => crate::fsx::write_own(&mark, pid.as_bytes())
                .ok()
                .map(|()| mark),
            Holder::Command => {
                let _ = std::fs::remove_file(&mark);
                None
            }
        };
        Ok(Self {
            _file: file,
            session_mark,
        })
    }
}

impl crate::messages::UserError for LockError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Busy {
                home,
                holder,
                session,
            } => {
                let holder = if holder.is_empty() {
                    t.lock_pid_unknown
                } else {
                    holder
                };
                crate::messages::fill(
                    if *session {
                        t.lock_session
                    } else {
                        t.lock_busy
                    },
                    &[
                        ("home", &crate::messages::shown_path(home)),
                        ("holder", holder),
                    ],
                )
            }
            Self::ReadOnly { home } => crate::messages::fill(
                t.lock_read_only,
                &[("home", &crate::messages::shown_path(home))],
            ),
            Self::Io { path: p, .. } => {
                crate::messages::fill(t.lock_io, &[("path", &crate::messages::shown_path(p))])
            }
        }
    }

    fn exit_code(&self) -> i32 {
        match self {
            Self::ReadOnly { .. } => crate::exit::HOME,
            _ => crate::exit::BUSY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_not_waited_for_and_a_stale_mark_goes_with_the_next_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let session =
            StickLock::acquire_as(dir.path(), Duration::ZERO, Holder::Session).expect("session");
        assert!(dir.path().join(SESSION_MARK).is_file());
        // A long wait, yet the answer is at once: the holder is a session.
        let started = Instant::now();
        let err = StickLock::acquire(dir.path(), Duration::from_secs(600)).expect_err("busy");
        assert!(
            matches!(err, LockError::Busy { session: true, .. }),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(60));
        drop(session);
        assert!(!dir.path().join(SESSION_MARK).exists());
        // A mark a crashed session left: the next command that holds the
        // lock removes it, and a writer then waits as for any command.
        std::fs::write(dir.path().join(SESSION_MARK), "pid 1").expect("stale");
        let command = StickLock::acquire(dir.path(), Duration::ZERO).expect("free");
        assert!(!dir.path().join(SESSION_MARK).exists());
        let err = StickLock::acquire(dir.path(), Duration::ZERO).expect_err("busy");
        assert!(
            matches!(err, LockError::Busy { session: false, .. }),
            "{err:?}"
        );
        drop(command);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("bashrc");
        std::fs::write(&victim, "export PS1=precious\n").expect("victim");
        let home = dir.path().join("codex_home");
        std::fs::create_dir(&home).expect("home");
        std::os::unix::fs::symlink(&victim, home.join("usbide.lock")).expect("plant");
        let err = StickLock::acquire(&home, Duration::ZERO).expect_err("a link");
        let err = format!("{:#}", anyhow::Error::from(err));
        assert!(err.contains("usbide does not write through it"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&victim).expect("read"),
            "export PS1=precious\n"
        );
        // A hard link (a second name of somebody's file) is refused as well.
        std::fs::remove_file(home.join("usbide.lock")).expect("rm");
        std::fs::hard_link(&victim, home.join("usbide.lock")).expect("hard link");
        StickLock::acquire(&home, Duration::ZERO).expect_err("a second name");
        assert_eq!(
            std::fs::read_to_string(&victim).expect("read"),
            "export PS1=precious\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_at_the_lock_name_does_not_hang() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("usbide.lock");
        crate::fsx::make_fifo(&fifo);
        StickLock::acquire(dir.path(), Duration::ZERO).expect_err("a FIFO");
    }

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
