//! The doctor's Windows section: which sandbox codex gets and why,
//! PowerShell and its language mode (ConstrainedLanguage under AppLocker or
//! WDAC breaks codex's shell commands), `git` on PATH, long paths. The
//! findings are pure functions of what [`gather`] read, so Linux tests
//! cover them.

use std::path::PathBuf;
use std::time::Instant;

use crate::environ::Environ;
use crate::messages::{Lang, fill};
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
    .envs(env.iter());
    let out = crate::preflight::output_by(&mut cmd, deadline)?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .find(|l| l.ends_with("Language"))
        .map(str::to_string)
}

/// What a sandbox means for the computer and for what codex runs, in a
/// few words.
fn consequence(sandbox: &str, lang: Lang) -> &'static str {
    let t = crate::messages::text(lang);
    if sandbox == "elevated" {
        t.sandbox_then_elevated
    } else {
        t.sandbox_then_unelevated
    }
}

/// The findings.
pub fn checks(sandbox: Option<&Decision>, facts: &Facts, lang: Lang) -> Vec<Check> {
    let (g, t) = (Group::Windows, crate::messages::text(lang));
    let mut out = Vec::new();
    out.push(match sandbox {
        Some(d) => match (d.warning(lang), d.choice) {
            (Some(w), _) => Check::warn(g, "windows.sandbox", w, t.win_sandbox_fix),
            (None, Some(c)) => Check::ok(
                g,
                "windows.sandbox",
                format!("{c}{}{} ({})", t.colon, d.why(lang), consequence(c, lang)),
            ),
            (None, None) => Check::ok(
                g,
                "windows.sandbox",
                format!(
                    "{} ({})",
                    d.why(lang),
                    consequence(d.own.as_deref().unwrap_or_default(), lang)
                ),
            ),
        },
        None => Check::skipped(g, "windows.sandbox", t.win_not_windows),
    });
    out.push(match (&facts.powershell, facts.language_mode.as_deref()) {
        (None, _) => Check::warn(
            g,
            "windows.powershell",
            t.win_no_powershell,
            t.win_no_powershell_fix,
        ),
        (Some(_), Some("FullLanguage")) => Check::ok(g, "windows.powershell", "FullLanguage"),
        (Some(_), Some(mode)) => Check::fail(
            g,
            "windows.powershell",
            fill(t.win_constrained, &[("mode", mode)]),
            t.win_constrained_fix,
        ),
        (Some(ps), None) => Check::warn(
            g,
            "windows.powershell",
            fill(t.win_ps_silent, &[("path", &ps.display().to_string())]),
            t.win_ps_silent_fix,
        ),
    });
    out.push(match &facts.git {
        Some(git) => Check::ok(g, "windows.git", git.display().to_string()),
        None => Check::warn(g, "windows.git", t.win_no_git, t.win_no_git_fix),
    });
    out.push(match facts.long_paths {
        Some(true) => Check::ok(g, "windows.long_paths", t.win_long_paths_on),
        Some(false) => Check::warn(
            g,
            "windows.long_paths",
            t.win_short_paths,
            t.win_short_paths_fix,
        ),
        None => Check::skipped(g, "windows.long_paths", t.win_unknown),
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
        let checks = checks(None, &facts, Lang::En);
        assert_eq!(status_of(&checks, "windows.powershell"), Status::Fail);
        assert_eq!(status_of(&checks, "windows.git"), Status::Ok);
        assert_eq!(status_of(&checks, "windows.sandbox"), Status::Skipped);
        facts.language_mode = Some("FullLanguage".into());
        assert_eq!(
            status_of(&super::checks(None, &facts, Lang::En), "windows.powershell"),
            Status::Ok
        );
    }

    #[test]
    fn missing_tools_and_short_paths_warn() {
        let facts = Facts {
            long_paths: Some(false),
            ..Default::default()
        };
        let checks = checks(None, &facts, Lang::En);
        let french = super::checks(None, &facts, Lang::Fr);
        assert!(french.iter().any(|c| c.finding.contains("260 caractères")));
        for id in ["windows.powershell", "windows.git", "windows.long_paths"] {
            assert_eq!(status_of(&checks, id), Status::Warn, "{id}");
        }
    }

    #[test]
    fn the_sandbox_choice_and_a_doomed_user_choice_are_reported() {
        let chosen = Decision {
            choice: Some("unelevated"),
            reasons: vec![crate::preflight::sandbox::Reason::FatHome],
            own: None,
            ask: false,
        };
        let c = checks(Some(&chosen), &Facts::default(), Lang::En);
        let sandbox = c.iter().find(|c| c.id == "windows.sandbox").expect("check");
        assert_eq!(sandbox.status, Status::Ok);
        assert!(
            sandbox
                .finding
                .starts_with("unelevated: codex_home is on FAT")
        );
        // What the sandbox means, in the same line.
        assert!(
            sandbox
                .finding
                .contains("can read what your account can read"),
            "{}",
            sandbox.finding
        );
        let doomed = Decision {
            choice: None,
            reasons: vec![crate::preflight::sandbox::Reason::NoAdmin],
            own: Some("elevated".into()),
            ask: false,
        };
        assert_eq!(
            status_of(
                &checks(Some(&doomed), &Facts::default(), Lang::En),
                "windows.sandbox"
            ),
            Status::Warn
        );
    }
}
