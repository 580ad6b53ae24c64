//! Hand off to codex, with the filtered environment,
//! the config overrides first on its command line, and an absolute path to
//! its executable (CreateProcess would also search the current folder).

pub mod envfilter;

use crate::messages::UserError as _;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::environ::Environ;

/// codex could not be started. Some refusals name their cause: Windows
/// blocking programs on the drive by policy, an antivirus that took codex for
/// a threat, a drive mounted without the right to run programs.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::messages::Lang::En))]
pub struct SpawnError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Why the system refused to start a program, by its error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// AppLocker, WDAC or Software Restriction Policies: a company policy.
    Policy,
    /// An antivirus found "a virus" in it, or removed it.
    Antivirus,
    /// The drive is mounted without the right to run programs (noexec).
    NoExec,
}

/// The refusal an OS error code stands for, on Windows or elsewhere.
pub fn refusal(code: Option<i32>, windows: bool) -> Option<Refusal> {
    match (code?, windows) {
        // ERROR_ACCESS_DISABLED_BY_POLICY, ERROR_ACCESS_DISABLED_NO_SAFER_UI_BY_POLICY,
        // ERROR_SYSTEM_INTEGRITY_POLICY_VIOLATION (WDAC), ERROR_APPHELP_BLOCK
        // (1259) blocks by compatibility policy too.
        (1259 | 1260 | 786 | 4551, true) => Some(Refusal::Policy),
        // ERROR_VIRUS_INFECTED, ERROR_VIRUS_DELETED.
        (225 | 226, true) => Some(Refusal::Antivirus),
        // EACCES on an executable file: a noexec mount.
        (13, false) => Some(Refusal::NoExec),
        _ => None,
    }
}

impl crate::messages::UserError for SpawnError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        let code = self.source.raw_os_error();
        let template = match refusal(code, cfg!(windows)) {
            Some(Refusal::Policy) => t.spawn_blocked_by_policy,
            Some(Refusal::Antivirus) => t.spawn_antivirus,
            Some(Refusal::NoExec) => t.spawn_noexec,
            None => t.cannot_start,
        };
        crate::messages::fill(
            template,
            &[
                ("path", &self.path.display().to_string()),
                ("code", &code.map_or(String::new(), |c| c.to_string())),
            ],
        )
    }
}

/// The codex executable usbide will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodexExe {
    pub path: PathBuf,
    /// Found on PATH rather than in the stick's payload.
    pub from_path: bool,
}

/// A codex call, fully decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub exe: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    /// The folder codex starts in (`None`: usbide's own).
    pub cwd: Option<PathBuf>,
}

impl Invocation {
    /// `exe <overrides...> <user args...>` with exactly `env`.
    pub fn new(
        exe: &Path,
        overrides: &[String],
        user_args: &[OsString],
        env: Vec<(OsString, OsString)>,
    ) -> Self {
        let args = overrides
            .iter()
            .map(OsString::from)
            .chain(user_args.iter().cloned())
            .collect();
        Self {
            exe: exe.to_path_buf(),
            args,
            env,
            cwd: None,
        }
    }

    /// Set `vars` (replacing a variable of the same name, any case).
    pub fn set_vars(&mut self, vars: &[(OsString, OsString)]) {
        for (name, value) in vars {
            let name_str = name.to_string_lossy();
            self.env
                .retain(|(k, _)| !k.to_string_lossy().eq_ignore_ascii_case(&name_str));
            self.env.push((name.clone(), value.clone()));
        }
    }

    /// The process to spawn, tied to usbide's life (it never outlives
    /// usbide); stdio is left to the caller.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        crate::platform::tie_to_parent(&mut cmd);
        cmd
    }

    /// Run with the terminal handed over; return codex's exit code
    /// (128 + n for a signal). Ctrl+C goes to codex, not to usbide.
    pub fn run_inherited(&self) -> io::Result<i32> {
        let mut child = self
            .command()
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()?;
        let _interrupts = crate::platform::InterruptsToChild::begin();
        let status = child.wait()?;
        Ok(crate::platform::exit_code(status))
    }

    /// Like [`Self::run_inherited`], but codex's stderr passes through
    /// usbide, which keeps its last `keep` bytes: a session that dies before
    /// codex wrote its log can still be explained. stdin and stdout (where
    /// the TUI draws) stay the terminal's.
    pub fn run_inherited_keeping_stderr(&self, keep: usize) -> io::Result<(i32, Vec<u8>)> {
        use std::io::{Read, Write};
        use std::sync::{Arc, Mutex};
        let mut child = self
            .command()
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped())
            .spawn()?;
        let _interrupts = crate::platform::InterruptsToChild::begin();
        let tail = Arc::new(Mutex::new(std::collections::VecDeque::<u8>::new()));
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        if let Some(mut err) = child.stderr.take() {
            let tail = Arc::clone(&tail);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let mut out = io::stderr();
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    let _ = out.write_all(&buf[..n]);
                    let _ = out.flush();
                    if let Ok(mut t) = tail.lock() {
                        t.extend(&buf[..n]);
                        let extra = t.len().saturating_sub(keep);
                        t.drain(..extra);
                    }
                }
                let _ = done_tx.send(());
            });
        }
        let status = child.wait()?;
        // A helper codex left running may hold the pipe open: do not wait
        // for it long.
        let _ = done_rx.recv_timeout(std::time::Duration::from_millis(500));
        let kept = tail
            .lock()
            .map(|t| t.iter().copied().collect())
            .unwrap_or_default();
        Ok((crate::platform::exit_code(status), kept))
    }
}

/// `codex` on the snapshot's PATH, the way the OS would find it.
pub fn find_on_path(env: &Environ, name: &str) -> Option<PathBuf> {
    let path = env.get("PATH")?;
    let exts: Vec<String> = if env.case_insensitive() {
        let exts: Vec<String> = env
            .get_str("PATHEXT")
            .unwrap_or_else(|| ".COM;.EXE;.BAT;.CMD".into())
            .split(';')
            .filter(|e| !e.is_empty())
            .map(|e| e.to_ascii_lowercase())
            .collect();
        // `python.exe` is looked for as it is named, as Windows does.
        let lower = name.to_ascii_lowercase();
        if exts.iter().any(|e| lower.ends_with(e.as_str())) {
            vec![String::new()]
        } else {
            exts
        }
    } else {
        vec![String::new()]
    };
    std::env::split_paths(path)
        .filter(|d| d.is_absolute())
        .find_map(|dir| {
            exts.iter()
                .map(|ext| dir.join(format!("{name}{ext}")))
                .find(|p| is_executable(p))
        })
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_named_by_their_error_codes() {
        for code in [1260, 4551, 786, 1259] {
            assert_eq!(refusal(Some(code), true), Some(Refusal::Policy), "{code}");
        }
        assert_eq!(refusal(Some(225), true), Some(Refusal::Antivirus));
        assert_eq!(refusal(Some(226), true), Some(Refusal::Antivirus));
        assert_eq!(refusal(Some(13), false), Some(Refusal::NoExec));
        assert_eq!(refusal(Some(13), true), None);
        assert_eq!(refusal(Some(2), true), None);
        assert_eq!(refusal(None, true), None);
        let e = SpawnError {
            path: PathBuf::from(r"E:\payload\codex.exe"),
            source: io::Error::from_raw_os_error(if cfg!(windows) { 1260 } else { 13 }),
        };
        let words = if cfg!(windows) {
            "company policy"
        } else {
            "noexec"
        };
        assert!(e.message(crate::messages::Lang::En).contains(words), "{e}");
    }

    #[test]
    fn overrides_come_before_user_arguments() {
        let inv = Invocation::new(
            Path::new("/p/codex"),
            &["-c".into(), "a=1".into()],
            &["login".into(), "status".into()],
            vec![],
        );
        assert_eq!(inv.args, ["-c", "a=1", "login", "status"]);
    }

    #[cfg(unix)]
    #[test]
    fn path_lookup_finds_executables_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("codex");
        std::fs::write(&exe, "#!/bin/sh\n").expect("write");
        let path = format!("relative:{}", dir.path().display());
        let env = Environ::from_pairs(&[("PATH", &path)], false);
        assert_eq!(find_on_path(&env, "codex"), None);
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(find_on_path(&env, "codex"), Some(exe));
    }

    #[cfg(unix)]
    #[test]
    fn a_name_with_its_extension_is_found_as_windows_finds_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("python.exe");
        std::fs::write(&exe, "").expect("write");
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = dir.path().display().to_string();
        let env = Environ::from_pairs(&[("PATH", &path), ("PATHEXT", ".COM;.EXE")], true);
        assert_eq!(find_on_path(&env, "python.exe"), Some(exe.clone()));
        // Without its extension, through PATHEXT, as before.
        assert_eq!(find_on_path(&env, "python"), Some(exe));
    }

    #[cfg(unix)]
    #[test]
    fn a_signal_becomes_128_plus_n() {
        let inv = Invocation::new(
            Path::new("/bin/sh"),
            &[],
            &["-c".into(), "kill -TERM $$".into()],
            vec![],
        );
        assert_eq!(inv.run_inherited().expect("ran"), 143);
        let inv = Invocation::new(
            Path::new("/bin/sh"),
            &[],
            &["-c".into(), "exit 7".into()],
            vec![],
        );
        assert_eq!(inv.run_inherited().expect("ran"), 7);
    }
}
