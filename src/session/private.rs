//! A session on a write-protected stick: codex runs with a private copy of
//! the stick's `codex_home` in this computer's temporary folder, made for
//! this session only (owner-only from its creation, see [`crate::hosttemp`])
//! and removed when it ends. A copy a killed usbide left behind is removed
//! by the next one, and listed by `usbide doctor` / removed by `usbide clean`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::lock::StickLock;
use crate::messages::Lang;
use crate::stick::Stick;

/// A private home in the temporary folder, locked, removed on drop.
#[derive(Debug)]
pub struct PrivateHome {
    /// The stick layout pointing at the private copy (payload: the stick's).
    pub stick: Stick,
    /// Held first, released before the folder goes (Windows cannot remove
    /// an open file).
    pub lock: Option<StickLock>,
    dir: Option<crate::hosttemp::HostDir>,
}

impl Drop for PrivateHome {
    fn drop(&mut self) {
        drop(self.lock.take());
        drop(self.dir.take());
    }
}

/// Whether to run on a private copy: `USBIDE_READ_ONLY_STICK=private` (or
/// `stop`), else the answer to a question on the terminal.
pub fn wanted(ctx: &Context, lang: Lang) -> Result<bool> {
    use crate::settings::ReadOnlyStick;
    match ctx.settings.read_only_stick {
        ReadOnlyStick::Private => Ok(true),
        ReadOnlyStick::Stop => Ok(false),
        ReadOnlyStick::Ask => crate::ui::ask(crate::messages::text(lang).private_copy_ask, lang),
    }
}

/// The host's temporary folder, from the environment snapshot.
fn temp_dir(ctx: &Context) -> PathBuf {
    ctx.env
        .temp_dirs()
        .into_iter()
        .find(|d| d.is_absolute())
        .unwrap_or_else(|| {
            PathBuf::from(if cfg!(windows) {
                r"C:\Windows\Temp"
            } else {
                "/tmp"
            })
        })
}

/// Copy the stick's settings and login into a new private home.
pub fn create(ctx: &Context, stick: &Stick) -> Result<PrivateHome> {
    let t = crate::messages::text(ctx.lang);
    let base = temp_dir(ctx);
    crate::hosttemp::sweep(&base, crate::hosttemp::PRIVATE);
    let dir =
        crate::hosttemp::HostDir::create(&base, crate::hosttemp::PRIVATE).with_context(|| {
            let path = base.display().to_string();
            crate::messages::fill(t.private_cannot_create, &[("path", &path)])
        })?;
    let home = dir.path().join("codex_home");
    fs::create_dir(&home).with_context(|| {
        let path = home.display().to_string();
        crate::messages::fill(t.cannot_create, &[("path", &path)])
    })?;
    copy_settings(&stick.codex_home(), &home)?;
    let lock = StickLock::acquire(&home, std::time::Duration::ZERO)?;
    Ok(PrivateHome {
        stick: Stick::new(dir.path().to_path_buf(), Some(&stick.payload_dir)),
        lock: Some(lock),
        dir: Some(dir),
    })
}

/// The top-level files of `from` worth having in a session (settings, login,
/// instructions), not databases, history or locks.
fn copy_settings(from: &Path, to: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(from) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let skip = text.contains(".sqlite")
            || text.ends_with(".lock")
            || text == "history.jsonl"
            || text.ends_with(crate::fsx::TEMP_SUFFIX);
        if skip || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let bytes = fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        crate::fsx::write_private(&to.join(&name), &bytes)
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
    }
    Ok(())
}
