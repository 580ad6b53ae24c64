//! The doctor's Windows section: which sandbox codex gets and why,
//! PowerShell and its language mode (ConstrainedLanguage under AppLocker or
//! WDAC breaks codex's shell commands), `git` on PATH, long paths. The
//! findings are pure functions of what [`gather`] read, so Linux tests
//! cover them.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::environ::Environ;
use crate::preflight::check::{Check, Group};
use crate::preflight::sandbox::Decision;

/// What the Windows checks look at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub powershell: Option<PathBuf>,
    /// `$ExecutionContext.SessionState.LanguageMode` (`None`: did not answer).
    pub language_mode: Option<String>,
    pub git: Option<PathBuf>,
    pub long_paths: Option<bool>,
}

/// Read this host, within `deadline` (PowerShell can take a second to start).
pub fn gather(env: &Environ, deadline: Instant) -> Facts {
    let powershell = crate::launch::find_on_path(env, "powershell")
        .or_else(|| crate::launch::find_on_path(env, "pwsh"));
    let language_mode = powershell
        .as_ref()
        .and_then(|ps| language_mode(ps, env, deadline));
    Facts {
        powershell,
        language_mode,
        git: crate::launch::find_on_path(env, "git"),
        long_paths: crate::platform::long_paths_enabled(),
    }
}

fn language_mode(ps: &std::path::Path, env: &Environ, deadline: Instant) -> Option<String> {
    let mut cmd = std::process::Command::new(ps);
    cmd.args([
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        "$ExecutionContext.SessionState.LanguageMode",
    ])
    .env_clear()
    .envs(env.iter())
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    crate::platform::tie_to_parent(&mut cmd);
    let mut child = cmd.spawn().ok()?;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            let out = child.wait_with_output().ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            return text
                .lines()
                .map(str::trim)
                .find(|l| l.ends_with("Language"))
                .map(str::to_string);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The findings.
pub fn checks(sandbox: Option<&Decision>, facts: &Facts) -> Vec<Check> {
    let g = Group::Windows;
    let mut out = Vec::new();
    out.push(match sandbox {
        Some(Decision {
            warning: Some(w), ..
        }) => Check::warn(
            g,
            "windows.sandbox",
            w.clone(),
            "set [windows] sandbox = \"unelevated\" in codex_home/config.toml, or remove the line and let usbide choose",
        ),
        Some(Decision {
            choice: Some(c),
            why,
            ..
        }) => Check::ok(g, "windows.sandbox", format!("{c}: {why}")),
        Some(d) => Check::ok(g, "windows.sandbox", d.why.clone()),
        None => Check::skipped(g, "windows.sandbox", "not Windows"),
    });
    out.push(match (&facts.powershell, facts.language_mode.as_deref()) {
        (None, _) => Check::warn(
            g,
            "windows.powershell",
            "no PowerShell on PATH: codex runs its shell commands through PowerShell",
            "ask IT to allow powershell.exe, or put its folder on PATH",
        ),
        (Some(_), Some("FullLanguage")) => Check::ok(g, "windows.powershell", "FullLanguage"),
        (Some(_), Some(mode)) => Check::fail(
            g,
            "windows.powershell",
            format!(
                "PowerShell runs in {mode} mode (AppLocker or WDAC policy): codex's shell commands will fail"
            ),
            "ask IT for a FullLanguage exception for codex, or use codex on a computer without this policy",
        ),
        (Some(ps), None) => Check::warn(
            g,
            "windows.powershell",
            format!("{} did not say its language mode in time", ps.display()),
            "run `usbide doctor` again; a slow start often means a security scanner inspects PowerShell",
        ),
    });
    out.push(match &facts.git {
        Some(git) => Check::ok(g, "windows.git", git.display().to_string()),
        None => Check::warn(
            g,
            "windows.git",
            "no git on PATH: codex cannot show diffs or find the project root",
            "install Git for Windows (the portable edition can live on the stick) and put its cmd folder on PATH",
        ),
    });
    out.push(match facts.long_paths {
        Some(true) => Check::ok(g, "windows.long_paths", "enabled"),
        Some(false) => Check::warn(
            g,
            "windows.long_paths",
            "paths longer than 260 characters fail (deep node_modules, long project names)",
            "keep projects near the drive root, or ask an administrator to enable Win32 long paths (LongPathsEnabled)",
        ),
        None => Check::skipped(g, "windows.long_paths", "unknown"),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::check::Status;

    fn status_of(checks: &[Check], id: &str) -> Status {
        checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .expect("check present")
    }

    #[test]
    fn constrained_powershell_fails_and_full_language_passes() {
        let mut facts = Facts {
            powershell: Some(PathBuf::from(
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
            )),
            language_mode: Some("ConstrainedLanguage".into()),
            git: Some(PathBuf::from(r"C:\Git\cmd\git.exe")),
            long_paths: Some(true),
        };
        let checks = checks(None, &facts);
        assert_eq!(status_of(&checks, "windows.powershell"), Status::Fail);
        assert_eq!(status_of(&checks, "windows.git"), Status::Ok);
        assert_eq!(status_of(&checks, "windows.sandbox"), Status::Skipped);
        facts.language_mode = Some("FullLanguage".into());
        assert_eq!(
            status_of(&super::checks(None, &facts), "windows.powershell"),
            Status::Ok
        );
    }

    #[test]
    fn missing_tools_and_short_paths_warn() {
        let checks = checks(
            None,
            &Facts {
                long_paths: Some(false),
                ..Default::default()
            },
        );
        for id in ["windows.powershell", "windows.git", "windows.long_paths"] {
            assert_eq!(status_of(&checks, id), Status::Warn, "{id}");
        }
    }

    #[test]
    fn the_sandbox_choice_and_a_doomed_user_choice_are_reported() {
        let chosen = Decision {
            choice: Some("unelevated"),
            why: "codex_home is on FAT/exFAT, which has no ACLs".into(),
            warning: None,
        };
        let c = checks(Some(&chosen), &Facts::default());
        let sandbox = c.iter().find(|c| c.id == "windows.sandbox").expect("check");
        assert_eq!(sandbox.status, Status::Ok);
        assert!(
            sandbox
                .finding
                .starts_with("unelevated: codex_home is on FAT")
        );
        let doomed = Decision {
            choice: None,
            why: "config.toml sets [windows] sandbox = \"elevated\"".into(),
            warning: Some("... will fail here".into()),
        };
        assert_eq!(
            status_of(&checks(Some(&doomed), &Facts::default()), "windows.sandbox"),
            Status::Warn
        );
    }
}
