//! A private temporary folder for codex on the host: codex (and the tools it
//! runs) get it as `TMPDIR` / `TEMP` / `TMP`, and it is removed when the
//! session ends, so a borrowed computer keeps nothing of the session.
//! Folders that a crash left behind are swept at the next start
//! ([`crate::hosttemp`] says which are usbide's and gone).

use std::ffi::OsString;
use std::path::Path;

use crate::environ::Environ;
use crate::hosttemp::{self, HostDir, SCRATCH};

/// The private folder of one session; removed on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: HostDir,
}

impl Scratch {
    /// Sweep what earlier sessions left, then make this session's folder in
    /// the host's temporary folder (owner-only, see [`crate::hosttemp`]).
    /// `None` when the host has none usable (codex then keeps the host's own).
    pub fn create(env: &Environ) -> Option<Self> {
        let temp = env
            .temp_dirs()
            .into_iter()
            .find(|d| d.is_absolute() && d.is_dir())?;
        hosttemp::sweep(&temp, SCRATCH);
        HostDir::create(&temp, SCRATCH).ok().map(|dir| Self { dir })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// What the folder of a session will be (`/tmp/usbide-codex-…`), for
    /// `usbide env`, which starts none.
    pub fn pattern(env: &Environ) -> Option<std::path::PathBuf> {
        let temp = env
            .temp_dirs()
            .into_iter()
            .find(|d| d.is_absolute() && d.is_dir())?;
        Some(temp.join(format!("{SCRATCH}\u{2026}")))
    }

    /// The variables that point codex at the folder.
    pub fn vars(&self) -> Vec<(OsString, OsString)> {
        ["TMPDIR", "TEMP", "TMP"]
            .iter()
            .map(|n| (OsString::from(n), self.path().as_os_str().to_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_for(temp: &Path) -> Environ {
        let t = temp.display().to_string();
        Environ::from_pairs(&[("TMPDIR", &t), ("TEMP", &t), ("TMP", &t)], cfg!(windows))
    }

    #[test]
    fn the_folder_lives_as_long_as_the_session() {
        let temp = tempfile::tempdir().expect("tempdir");
        let scratch = Scratch::create(&env_for(temp.path())).expect("scratch");
        let dir = scratch.path().to_path_buf();
        assert!(dir.is_dir() && dir.starts_with(temp.path()));
        std::fs::write(dir.join("codex-tmp"), "x").expect("write");
        assert!(scratch.vars().iter().all(|(_, v)| v == dir.as_os_str()));
        // A second session leaves a live one alone.
        let other = Scratch::create(&env_for(temp.path())).expect("second");
        assert!(dir.is_dir());
        drop(other);
        drop(scratch);
        assert!(!dir.exists());
    }

    #[test]
    fn what_a_crash_left_is_swept() {
        let temp = tempfile::tempdir().expect("tempdir");
        let stale = temp.path().join(format!("{SCRATCH}1-dead"));
        std::fs::create_dir(&stale).expect("mkdir");
        std::fs::write(stale.join(".owner"), "").expect("owner");
        let unrelated = temp.path().join("someone-else");
        std::fs::create_dir(&unrelated).expect("mkdir");
        let _scratch = Scratch::create(&env_for(temp.path())).expect("scratch");
        assert!(!stale.exists());
        assert!(unrelated.exists());
    }
}
