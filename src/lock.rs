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
//!
//! A second codex session may share the stick where nothing of the login
//! rotates (an API key; measured by `scripts/measure-shared-login.py`,
//! tested in `tests/it/launch.rs`): every session
//! holds a shared lock on `codex_home/usbide.sessions` for as long as it
//! runs, and a command that writes holds it exclusively, so a session beside
//! another one keeps writers away even after the first one ended.

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
    /// `usbide.lock`, held exclusively; `None` for a session beside another.
    _file: Option<File>,
    session_mark: Option<PathBuf>,
    /// `usbide.sessions`: shared by sessions, exclusive for a command.
    _sessions: Option<File>,
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
    /// A session whose login can be shared: beside a running session it
    /// goes on without the stick lock, writing nothing (see
    /// [`StickLock::holds_the_stick`]).
    SharedSession,
    /// A command that writes and ends (a login, an install, a setting).
    Command,
}

/// The name of the mark a session leaves beside the lock.
const SESSION_MARK: &str = "usbide.session";

/// The file every session holds a shared lock on while it runs.
const SESSIONS_LOCK: &str = "usbide.sessions";

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
    /// A session holds the stick and this one's login cannot be shared:
    /// two codex processes would refresh one ChatGPT token at once.
    #[error("{}", self.message(crate::messages::Lang::En))]
    NotShared { home: PathBuf, holder: String },
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
        // A session first shows itself to writers (a command holding the
        // stick is waited for, as below).
        let sessions = match holder {
            Holder::Session | Holder::SharedSession => {
                Some(Self::share(codex_home, &mut file, deadline, &io_err)?)
            }
            Holder::Command => None,
        };
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
                    let who = match session.clone() {
                        Some(pid) => pid,
                        None => {
                            let mut who = String::new();
                            let _ = file.read_to_string(&mut who);
                            who.trim().chars().take(40).collect()
                        }
                    };
                    match (holder, session.is_some()) {
                        // Beside the running session, without the stick.
                        (Holder::SharedSession, true) => {
                            return Ok(Self {
                                _file: None,
                                session_mark: None,
                                _sessions: sessions,
                            });
                        }
                        (Holder::Session, true) => {
                            return Err(LockError::NotShared {
                                home: codex_home.into(),
                                holder: who,
                            });
                        }
                        _ => {}
                    }
                    return Err(LockError::Busy {
                        home: codex_home.into(),
                        holder: who,
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
        // A command writes: no session may run beside it, not even one
        // that started beside a session that has ended since.
        let sessions = match sessions {
            Some(s) => s,
            None => Self::alone(codex_home, &io_err)?,
        };
        // A session's mark; a stale one (a crash) goes now that the lock
        // is ours, and a mark is only read while the lock is held.
        let session_mark = match holder {
            Holder::Session | Holder::SharedSession => crate::fsx::write_own(&mark, pid.as_bytes())
                .ok()
                .map(|()| mark),
            Holder::Command => {
                let _ = std::fs::remove_file(&mark);
                None
            }
        };
        Ok(Self {
            _file: Some(file),
            session_mark,
            _sessions: Some(sessions),
        })
    }

    /// Whether this lock holds the stick (it may write); `false` for a
    /// session that runs beside another one.
    pub fn holds_the_stick(&self) -> bool {
        self._file.is_some()
    }

    /// A session's shared lock on `usbide.sessions`, waiting until
    /// `deadline` for a command that writes (named from the stick lock).
    fn share(
        codex_home: &Path,
        lock: &mut File,
        deadline: Instant,
        io_err: &dyn Fn(io::Error) -> LockError,
    ) -> Result<File, LockError> {
        let file = crate::fsx::open_own(&codex_home.join(SESSIONS_LOCK), false).map_err(io_err)?;
        loop {
            match file.try_lock_shared() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = lock.rewind();
                    let _ = lock.read_to_string(&mut holder);
                    return Err(LockError::Busy {
                        home: codex_home.into(),
                        holder: holder.trim().chars().take(40).collect(),
                        session: false,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
        }
    }

    /// A command's exclusive lock on `usbide.sessions`, at once: held by a
    /// session still running beside the one that held the stick.
    fn alone(
        codex_home: &Path,
        io_err: &dyn Fn(io::Error) -> LockError,
    ) -> Result<File, LockError> {
        let file = crate::fsx::open_own(&codex_home.join(SESSIONS_LOCK), false).map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy {
                home: codex_home.into(),
                holder: String::new(),
                session: true,
            }),
            Err(TryLockError::Error(e)) => Err(io_err(e)),
        }
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
            Self::NotShared { home, holder } => crate::messages::fill(
                t.lock_session_not_shared,
                &[
                    ("home", &crate::messages::shown_path(home)),
                    ("holder", holder),
                ],
            ),
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

    #[test]
    fn a_shared_session_runs_beside_and_keeps_writers_away_until_it_ends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first =
            StickLock::acquire_as(dir.path(), Duration::ZERO, Holder::Session).expect("first");
        assert!(first.holds_the_stick());
        // A login that rotates is refused beside it, at once.
        let err = StickLock::acquire_as(dir.path(), Duration::from_secs(600), Holder::Session)
            .expect_err("not shared");
        assert!(matches!(err, LockError::NotShared { .. }), "{err:?}");
        let beside = StickLock::acquire_as(dir.path(), Duration::ZERO, Holder::SharedSession)
            .expect("beside");
        assert!(!beside.holds_the_stick());
        drop(first);
        // The first one ended; the one beside still keeps a writer away.
        let err = StickLock::acquire(dir.path(), Duration::ZERO).expect_err("beside");
        assert!(
            matches!(err, LockError::Busy { session: true, .. }),
            "{err:?}"
        );
        drop(beside);
        let command = StickLock::acquire(dir.path(), Duration::ZERO).expect("free");
        // A writer at work: a session waits for it, then says so.
        let err = StickLock::acquire_as(dir.path(), Duration::ZERO, Holder::SharedSession)
            .expect_err("a command");
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
