//! A private temporary folder for codex on the host: codex (and the tools it
//! runs) get it as `TMPDIR` / `TEMP` / `TMP`, and it is removed when the
//! session ends, so a borrowed computer keeps nothing of the session.
//! Folders that a crash left behind are swept at the next start: the owner
//! holds a lock on `.owner` inside for as long as it lives, so a folder
//! whose lock can be taken has no owner any more.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::environ::Environ;

const PREFIX: &str = "usbide-codex-";

/// The private folder of one session; removed on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
    owner: Option<File>,
}

impl Scratch {
    /// Sweep what earlier sessions left, then make this session's folder in
    /// the host's temporary folder. `None` when the host has none usable
    /// (codex then keeps the host's own).
    pub fn create(env: &Environ) -> Option<Self> {
        let temp = env
            .temp_dirs()
            .into_iter()
            .find(|d| d.is_absolute() && d.is_dir())?;
        sweep(&temp);
        for attempt in 0..8u32 {
            let dir = temp.join(format!("{PREFIX}{}-{}", std::process::id(), nonce(attempt)));
            if std::fs::create_dir(&dir).is_err() {
                continue;
            }
            let owner = File::create(dir.join(".owner")).ok()?;
            if owner.try_lock().is_err() {
                let _ = std::fs::remove_dir_all(&dir);
                return None;
            }
            return Some(Self {
                dir,
                owner: Some(owner),
            });
        }
        None
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The variables that point codex at the folder.
    pub fn vars(&self) -> Vec<(OsString, OsString)> {
        ["TMPDIR", "TEMP", "TMP"]
            .iter()
            .map(|n| (OsString::from(n), self.dir.clone().into_os_string()))
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Windows cannot delete a file that is still open: close it first.
        drop(self.owner.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nonce(attempt: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{:08x}", nanos ^ attempt.wrapping_mul(0x9e37_79b9))
}

/// Remove the folders of sessions that are gone.
fn sweep(temp: &Path) {
    for dir in stale(temp) {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The folders in `temp` of sessions that are gone (their lock is free).
pub fn stale(temp: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(temp) else {
        return out;
    };
    for entry in entries.flatten().take(10_000) {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let dir = entry.path();
        // Never follow a link someone planted under that name.
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let free = File::open(dir.join(".owner")).is_ok_and(|f| f.try_lock().is_ok());
        if free {
            out.push(dir);
        }
    }
    out
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
        let stale = temp.path().join(format!("{PREFIX}1-dead"));
        std::fs::create_dir(&stale).expect("mkdir");
        std::fs::write(stale.join(".owner"), "").expect("owner");
        let unrelated = temp.path().join("someone-else");
        std::fs::create_dir(&unrelated).expect("mkdir");
        let _scratch = Scratch::create(&env_for(temp.path())).expect("scratch");
        assert!(!stale.exists());
        assert!(unrelated.exists());
    }
}
