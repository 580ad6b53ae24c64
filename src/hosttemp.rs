//! What usbide makes in the host's temporary folder, a place it shares with
//! every other user and program of the computer: a session's scratch folder
//! (`usbide-codex-*`) and the private copy of a write-protected stick's
//! `codex_home` (`usbide-private-*`, which holds the login).
//!
//! Invariants: a folder of ours is private from its creation (0700; on
//! Windows an owner-only ACL), never widened later, and holds a lock on its
//! `.owner` file for as long as its session lives. Only folders that are
//! ours are ever opened, followed or removed: a real folder (not a link or
//! junction), owned by the current user, with a `.owner` file (or, for a
//! private copy an older usbide made, `codex_home/usbide.lock`) that is a
//! regular file, opened without following links or blocking, whose lock is
//! free. Anything else under those names (a planted link, another user's
//! folder, a FIFO) is left alone.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The name prefix of a session's scratch folder.
pub const SCRATCH: &str = "usbide-codex-";
/// The name prefix of a write-protected stick's private home.
pub const PRIVATE: &str = "usbide-private-";

/// The file whose lock says the folder's session is alive.
const OWNER: &str = ".owner";

/// Entries of a temporary folder looked at, at most (a folder with millions
/// of entries must not hold a launch up).
const MAX_ENTRIES: usize = 10_000;

/// One of usbide's folders in the temporary folder, locked while it lives,
/// removed on drop.
#[derive(Debug)]
pub struct HostDir {
    path: PathBuf,
    owner: Option<File>,
}

impl HostDir {
    /// Make a new private folder `<base>/<prefix><random>` and lock it.
    pub fn create(base: &Path, prefix: &str) -> io::Result<Self> {
        let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
        for _ in 0..16 {
            let path = base.join(format!("{prefix}{}", nonce()));
            match crate::platform::create_private_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    last = e;
                    continue;
                }
                Err(e) => return Err(e),
            }
            let mut dir = Self { path, owner: None };
            let owner = File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(dir.path.join(OWNER))?;
            owner.try_lock().map_err(io::Error::from)?;
            dir.owner = Some(owner);
            return Ok(dir);
        }
        Err(last)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for HostDir {
    fn drop(&mut self) {
        // Windows cannot delete a file that is still open: close it first.
        drop(self.owner.take());
        let _ = fs::remove_dir_all(&self.path);
    }
}

fn nonce() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = (nanos as u64 ^ u64::from(std::process::id())).to_le_bytes();
    }
    hex::encode(bytes)
}

/// Hold `dir`, one of usbide's folders that another usbide made (the eject
/// copy's own): its `.owner` lock, so that no sweep takes it while the
/// returned file is open. `None` when it is not one (no such regular file,
/// or its lock is held).
pub fn hold(dir: &Path) -> Option<File> {
    let owner = crate::fsx::open_own(&dir.join(OWNER), false).ok()?;
    owner.try_lock().ok()?;
    Some(owner)
}

/// The folders `<base>/<prefix>*` that are ours and whose session is gone.
pub fn stale(base: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(base) else {
        return Vec::new();
    };
    entries
        .flatten()
        .take(MAX_ENTRIES)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .filter(|dir| is_ours(dir) && session_gone(dir))
        .collect()
}

/// Remove what [`stale`] finds; returns what went.
pub fn sweep(base: &Path, prefix: &str) -> Vec<PathBuf> {
    stale(base, prefix)
        .into_iter()
        .filter(|dir| fs::remove_dir_all(dir).is_ok())
        .collect()
}

/// A real folder (not a link or junction) of the current user.
fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|meta| {
        meta.is_dir()
            && !crate::platform::is_link(&meta)
            && crate::platform::owned_by_me(dir, &meta)
    })
}

/// The folder's lock file is a regular file and its lock is free.
fn session_gone(dir: &Path) -> bool {
    let marker = [dir.join(OWNER), dir.join("codex_home").join("usbide.lock")]
        .into_iter()
        .find(|p| fs::symlink_metadata(p).is_ok());
    let Some(marker) = marker else {
        return false;
    };
    let mut opts = File::options();
    opts.read(true).write(true);
    crate::platform::no_follow(&mut opts);
    opts.open(&marker)
        .is_ok_and(|file| file.metadata().is_ok_and(|m| m.is_file()) && file.try_lock().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_private_locked_and_gone_with_its_owner() {
        let temp = tempfile::tempdir().expect("tempdir");
        let dir = HostDir::create(temp.path(), SCRATCH).expect("create");
        let path = dir.path().to_path_buf();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        assert!(stale(temp.path(), SCRATCH).is_empty(), "alive");
        drop(dir);
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn what_is_not_ours_is_never_opened_followed_or_removed() {
        use std::os::unix::fs::symlink;
        let temp = tempfile::tempdir().expect("tempdir");
        let base = temp.path();
        // A link to a folder of somebody's, named like ours.
        let victim = base.join("victim");
        fs::create_dir(&victim).expect("victim");
        fs::write(victim.join(OWNER), "").expect("owner");
        symlink(&victim, base.join(format!("{SCRATCH}link"))).expect("link");
        // A FIFO as the marker: opening it blocking would hang.
        let fifo_dir = base.join(format!("{SCRATCH}fifo"));
        fs::create_dir(&fifo_dir).expect("dir");
        crate::fsx::make_fifo(&fifo_dir.join(OWNER));
        // A marker that links elsewhere.
        let linked = base.join(format!("{SCRATCH}linked"));
        fs::create_dir(&linked).expect("dir");
        symlink(victim.join(OWNER), linked.join(OWNER)).expect("link");
        // A real leftover of ours.
        let gone = base.join(format!("{PRIVATE}gone"));
        fs::create_dir_all(gone.join("codex_home")).expect("dir");
        fs::write(gone.join("codex_home/auth.json"), "{}").expect("auth");
        fs::write(gone.join("codex_home/usbide.lock"), "").expect("lock");
        // Another user's folder (needs root to make here: skipped otherwise).
        let foreign = base.join(format!("{SCRATCH}foreign"));
        fs::create_dir(&foreign).expect("dir");
        fs::write(foreign.join(OWNER), "").expect("owner");
        let c = std::ffi::CString::new(foreign.as_os_str().as_encoded_bytes()).expect("c");
        // SAFETY: chown of a folder this test made, to `nobody`.
        #[allow(unsafe_code)]
        let chowned = unsafe { libc::chown(c.as_ptr(), 65534, 65534) } == 0;
        if !chowned {
            eprintln!("skipped: the foreign-owner case needs root");
            fs::remove_dir_all(&foreign).expect("rm");
        }
        assert!(sweep(base, SCRATCH).is_empty());
        assert_eq!(foreign.exists(), chowned);
        assert_eq!(sweep(base, PRIVATE), std::slice::from_ref(&gone));
        assert!(victim.join(OWNER).exists() && fifo_dir.exists() && linked.exists());
        assert!(!gone.exists());
    }
}
