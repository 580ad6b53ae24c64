//! What codex or usbide left on this computer, outside the stick: the
//! private copy of a write-protected stick's `codex_home` (it holds the
//! login) and the temporary folders of sessions that crashed, and a codex
//! home in the user's profile (`~/.codex`, created when codex once ran
//! without the stick's `CODEX_HOME`). The doctor lists them; `usbide clean`
//! shows them and removes them, private copies first. Only folders that are
//! usbide's own are listed ([`crate::hosttemp`]).

use std::path::{Path, PathBuf};

use crate::environ::Environ;
use crate::preflight::check::{Check, Group};

/// One thing left on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trace {
    /// A write-protected session's copy of `codex_home`, with the login.
    PrivateHome(PathBuf),
    /// `~/.codex` (may be this computer's own codex: removed only when asked).
    CodexHome(PathBuf),
    /// A session's temporary folder whose session is gone.
    Scratch(PathBuf),
}

impl Trace {
    pub fn path(&self) -> &Path {
        match self {
            Self::PrivateHome(p) | Self::CodexHome(p) | Self::Scratch(p) => p,
        }
    }
}

/// The user's profile folder (`USERPROFILE` on Windows, `HOME` elsewhere).
pub fn profile(env: &Environ) -> Option<PathBuf> {
    env.get_str("USERPROFILE")
        .or_else(|| env.get_str("HOME"))
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// Everything found: private copies (they hold a login) first, then
/// `~/.codex` (unless it is the stick's own `codex_home`, linked there so
/// that a plain `codex` uses the stick), then scratch folders.
pub fn find(env: &Environ, stick_home: &Path) -> Vec<Trace> {
    use crate::hosttemp::{PRIVATE, SCRATCH, stale};
    let mut temps = env.temp_dirs();
    temps.dedup(); // TEMP and TMP usually name the same folder
    let mut out: Vec<Trace> = temps
        .iter()
        .flat_map(|t| stale(t, PRIVATE))
        .map(Trace::PrivateHome)
        .collect();
    if let Some(home) = profile(env).map(|p| p.join(".codex"))
        && home.is_dir()
        && !same_file::is_same_file(&home, stick_home).unwrap_or(false)
    {
        out.push(Trace::CodexHome(home));
    }
    out.extend(
        temps
            .iter()
            .flat_map(|t| stale(t, SCRATCH))
            .map(Trace::Scratch),
    );
    out
}

/// The doctor's finding.
pub fn check(traces: &[Trace], lang: crate::messages::Lang) -> Check {
    let t = crate::messages::text(lang);
    if traces.is_empty() {
        return Check::ok(Group::Environment, "host.traces", t.clean_nothing);
    }
    let listed: Vec<String> = traces
        .iter()
        .map(|t| t.path().display().to_string())
        .collect();
    Check::warn(
        Group::Environment,
        "host.traces",
        crate::messages::fill(t.traces_found, &[("list", &listed.join(", "))]),
        t.traces_fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_codex_home_linked_to_the_stick_is_the_stick_not_a_trace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stick_home = dir.path().join("STICK/codex_home");
        std::fs::create_dir_all(&stick_home).expect("stick");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        std::os::unix::fs::symlink(&stick_home, home.join(".codex")).expect("link");
        let h = home.display().to_string();
        let env = Environ::from_pairs(&[("HOME", &h), ("TMPDIR", "/nonexistent")], false);
        assert_eq!(find(&env, &stick_home), []);
    }

    #[test]
    fn a_host_codex_home_is_found_and_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".codex")).expect("mkdir");
        let temp = dir.path().join("tmp");
        std::fs::create_dir_all(&temp).expect("tmp");
        let (h, t) = (home.display().to_string(), temp.display().to_string());
        let env = Environ::from_pairs(&[("HOME", &h), ("TMPDIR", &t)], false);
        let found = find(&env, &dir.path().join("STICK/codex_home"));
        assert_eq!(found, [Trace::CodexHome(home.join(".codex"))]);
        let c = check(&found, crate::messages::Lang::En);
        assert!(
            check(&found, crate::messages::Lang::Fr)
                .finding
                .contains("laissé sur cet ordinateur")
        );
        assert_eq!(c.status, crate::preflight::check::Status::Warn);
        assert!(c.finding.contains(".codex"), "{}", c.finding);
        assert_eq!(
            check(&[], crate::messages::Lang::En).status,
            crate::preflight::check::Status::Ok
        );
    }
}
