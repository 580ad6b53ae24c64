//! Putting a new usbide in place of the running one, and back. Next to the
//! running binary: `usbide.new` (unpacked, then run once), `usbide.old` (the
//! previous binary, for `--rollback`), `.usbide-update/` (downloads). The
//! swap itself is one rename (`self_replace`, which on Windows moves the
//! running `.exe` aside first); whenever a step is cut short, the stick
//! holds the old or the new binary, and the leftovers are swept at the next
//! start.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use semver::Version;

use crate::update::UpdateError;

fn sibling(exe: &Path, stem: &str) -> PathBuf {
    exe.with_file_name(format!("{stem}{}", std::env::consts::EXE_SUFFIX))
}

/// Where the unpacked new binary waits.
pub fn new_path(exe: &Path) -> PathBuf {
    sibling(exe, "usbide.new")
}

/// Where the previous binary is kept.
pub fn old_path(exe: &Path) -> PathBuf {
    sibling(exe, "usbide.old")
}

/// Where downloads went before they were kept in memory (swept).
fn staging_dir(exe: &Path) -> PathBuf {
    exe.with_file_name(".usbide-update")
}

/// At a start: remove what an update cut short left behind (a download, an
/// unpacked binary), when it is older than a minute (an update running now
/// keeps its files).
pub fn sweep(exe: &Path) {
    let stale = |p: &Path| {
        std::fs::symlink_metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > Duration::from_secs(60)))
    };
    let new = new_path(exe);
    if stale(&new) {
        let _ = std::fs::remove_file(&new);
    }
    let staging = staging_dir(exe);
    if stale(&staging) {
        let _ = std::fs::remove_dir_all(&staging);
    }
}

/// Run `binary --version` (10 s at most) and check it names `expected`.
pub fn probe(binary: &Path, expected: &Version) -> Result<(), UpdateError> {
    let fail = |reason: String| UpdateError::Probe {
        expected: expected.to_string(),
        reason,
    };
    let first = version_line(binary).map_err(fail)?;
    let want = format!("usbide {expected} ");
    if first.starts_with(&want) {
        Ok(())
    } else {
        Err(fail(format!("it says {:?}", crate::escape::escape(&first))))
    }
}

/// The first line `binary --version` prints.
fn version_line(binary: &Path) -> Result<String, String> {
    let mut child = Command::new(binary)
        .arg("--version")
        .env("USBIDE_UPDATE_CHECK", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(10) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("it did not answer within 10 s".into());
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect())
}

/// Keep the running binary as `usbide.old`, then swap `new` in.
pub fn swap_in(exe: &Path, new: &Path) -> Result<(), UpdateError> {
    let fail = |path: &Path, e: std::io::Error| UpdateError::Replace {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let old = old_path(exe);
    let current = std::fs::read(exe).map_err(|e| fail(exe, e))?;
    // usbide's own file: a link planted at `usbide.old` is replaced, never
    // written through.
    crate::fsx::write_own(&old, &current).map_err(|e| fail(&old, e))?;
    crate::platform::make_executable(&old);
    crate::hooks::crash_point("update:kept-old");
    replace_running(exe, new).map_err(|e| fail(exe, e))?;
    crate::hooks::crash_point("update:replaced");
    let _ = std::fs::remove_file(new);
    Ok(())
}

/// Put `new` in place of the running binary `exe`. Windows cannot replace a
/// running `.exe` by rename: the `self_replace` crate moves it aside first.
/// On Unix a rename over a running binary is fine; usbide's own atomic write
/// is used because `self_replace` copies the file's permissions and fails on
/// a FAT stick whose mount refuses them.
fn replace_running(exe: &Path, new: &Path) -> std::io::Result<()> {
    if cfg!(windows) {
        self_replace::self_replace(new)
    } else {
        let bytes = std::fs::read(new)?;
        crate::fsx::write_own(exe, &bytes)?;
        crate::platform::make_executable(exe);
        Ok(())
    }
}

/// Put `usbide.old` back in place of the running binary (which becomes
/// `usbide.old`: a second rollback undoes the first). Returns the version
/// it went back to.
pub fn rollback(exe: &Path) -> Result<String, UpdateError> {
    let old = old_path(exe);
    // A regular file of usbide's, never what a link there points at.
    let real =
        std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_file() && !crate::platform::is_link(&m));
    if !real {
        return Err(UpdateError::NoPrevious(old));
    }
    let line = version_line(&old).map_err(|reason| UpdateError::Probe {
        expected: "the previous one".into(),
        reason,
    })?;
    let version = line
        .strip_prefix("usbide ")
        .and_then(|r| r.split_whitespace().next())
        .ok_or_else(|| UpdateError::Probe {
            expected: "the previous one".into(),
            reason: format!("it says {:?}", crate::escape::escape(&line)),
        })?
        .to_string();
    let fail = |path: &Path, e: std::io::Error| UpdateError::Replace {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let back = new_path(exe);
    let previous = std::fs::read(&old).map_err(|e| fail(&old, e))?;
    crate::fsx::write_own(&back, &previous).map_err(|e| fail(&back, e))?;
    crate::platform::make_executable(&back);
    swap_in(exe, &back)?;
    Ok(version)
}
