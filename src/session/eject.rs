//! `usbide eject`: end the stick's use the way a person expects from
//! "Safely Remove Hardware". A codex session on the stick is named (or, with
//! `--wait`, waited for); what usbide wrote is flushed; usbide lets go of the
//! stick (its lock, its working folder; on Windows its own program file, by
//! going on from a copy in the temporary folder); then the OS ejects the
//! drive, and the user reads "safe to remove" or what still holds it.

use std::time::Duration;

use anyhow::Result;

use crate::context::Context;
use crate::messages::{fill, text};
use crate::platform::{Ejected, Manual};
use crate::session::stick_lock::{held_by_session, is_write_protected};
use crate::ui::note;

/// How often a waiting eject looks whether the session has ended.
const POLL: Duration = Duration::from_secs(1);

/// Run `usbide eject`; `after`: the process id of the usbide this one is a
/// copy of (Windows), waited for first.
pub fn run(ctx: &Context, wait: bool, after: Option<u32>) -> Result<i32> {
    let t = text(ctx.lang);
    if let Some(pid) = after {
        crate::platform::wait_for_exit(pid, Duration::from_secs(30));
    }
    let stick = ctx.stick()?;
    if cfg!(windows) && after.is_none() && runs_from(&stick.root) {
        return from_a_copy(ctx, &stick.root, wait);
    }
    let mut said = false;
    let lock = loop {
        match crate::session::stick_lock::lock(ctx, &stick) {
            Ok(lock) => break Some(lock),
            // Nothing can be written: nothing to flush or to lock.
            Err(e) if is_write_protected(&e) => break None,
            Err(e) if held_by_session(&e) && wait => {
                if !said {
                    note(&fill(t.eject_waiting, &[("holder", &holder_of(&e))]));
                    said = true;
                }
                std::thread::sleep(POLL);
            }
            Err(e) if held_by_session(&e) => {
                note(&fill(t.eject_session, &[("holder", &holder_of(&e))]));
                return Ok(crate::exit::BUSY);
            }
            Err(e) => return Err(e),
        }
    };
    crate::platform::flush(&stick.root);
    // Let go of the stick: the lock file is on it, and so may be the folder
    // usbide was started in.
    drop(lock);
    if let Some(temp) = ctx.env.temp_dirs().into_iter().find(|d| d.is_dir()) {
        let _ = std::env::set_current_dir(temp);
    }
    let root = stick.root.display().to_string();
    let (message, code) = match crate::platform::eject(&stick.root, ctx.env.get("PATH")) {
        Ejected::Done => (fill(t.eject_done, &[("at", &root)]), crate::exit::OK),
        Ejected::Unmounted => (fill(t.eject_unmounted, &[("at", &root)]), crate::exit::OK),
        Ejected::Held { why, held_by } => {
            for what in &held_by {
                note(&fill(t.eject_holder, &[("what", what)]));
            }
            let why = crate::escape::escape(&why).into_owned();
            (
                fill(t.eject_held, &[("at", &root), ("why", &why)]),
                crate::exit::BUSY,
            )
        }
        Ejected::Manual {
            at,
            what: Manual::NotADrive(fs),
        } => (
            fill(
                t.eject_not_a_drive,
                &[
                    ("root", &root),
                    (
                        "at",
                        &[at, fs]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ],
            ),
            crate::exit::FAILURE,
        ),
        Ejected::Manual {
            at,
            what: Manual::NoTool(tool),
        } => (
            fill(t.eject_no_tool, &[("at", &at), ("tool", tool)]),
            crate::exit::FAILURE,
        ),
    };
    note(&message);
    Ok(code)
}

/// The session's holder, as the lock error names it (`pid 1234`).
fn holder_of(err: &anyhow::Error) -> String {
    err.chain()
        .find_map(|c| match c.downcast_ref::<crate::lock::LockError>() {
            Some(crate::lock::LockError::Busy { holder, .. }) => Some(holder.clone()),
            _ => None,
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "?".into())
}

/// Whether this usbide's own program file is on the drive of `root` (on
/// Windows a running program keeps its drive from being ejected).
fn runs_from(root: &std::path::Path) -> bool {
    let drive = |p: &std::path::Path| {
        let text = p.display().to_string();
        let text = text.trim_start_matches(r"\\?\");
        text.get(..2)
            .filter(|d| d.ends_with(':'))
            .map(str::to_ascii_uppercase)
    };
    std::env::current_exe()
        .ok()
        .and_then(|exe| drive(&exe))
        .is_some_and(|d| drive(root) == Some(d))
}

/// Go on from a copy of usbide in a private folder of the temporary folder,
/// in this window; this process ends so that its program file lets go of the
/// stick. The folder stays for the copy's life and goes with a later sweep.
fn from_a_copy(ctx: &Context, root: &std::path::Path, wait: bool) -> Result<i32> {
    use anyhow::Context as _;
    let t = text(ctx.lang);
    let temp = ctx
        .env
        .temp_dirs()
        .into_iter()
        .find(|d| d.is_absolute() && d.is_dir())
        .context(t.eject_no_temp)?;
    crate::hosttemp::sweep(&temp, crate::hosttemp::SCRATCH);
    let dir = crate::hosttemp::HostDir::create(&temp, crate::hosttemp::SCRATCH)
        .context(t.eject_no_temp)?;
    let copy = dir.path().join("usbide-eject.exe");
    std::fs::copy(std::env::current_exe()?, &copy).context(t.eject_no_temp)?;
    let mut cmd = std::process::Command::new(&copy);
    cmd.arg("--root")
        .arg(root)
        .args(["eject", "--after"])
        .arg(std::process::id().to_string())
        .current_dir(&temp);
    if wait {
        cmd.arg("--wait");
    }
    crate::platform::detach(&mut cmd);
    cmd.spawn().context(t.eject_no_temp)?;
    // The copy runs from the folder: it is not removed now.
    std::mem::forget(dir);
    note(t.eject_from_copy);
    Ok(crate::exit::OK)
}
