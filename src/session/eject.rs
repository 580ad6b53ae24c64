//! `usbide eject`: end the stick's use the way a person expects from
//! "Safely Remove Hardware". A codex session on the stick is named (or, with
//! `--wait`, waited for); what usbide wrote is flushed; usbide lets go of the
//! stick (its lock, its working folder; on Windows its own program file, by
//! handing the eject itself to a copy in the temporary folder); then the OS
//! ejects the drive, and the user reads "safe to remove" or what still
//! holds it. Only a removable drive that is not the system's is ejected.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::context::Context;
use crate::messages::{fill, text};
use crate::platform::EjectBy;
use crate::session::stick_lock::{held_by_session, is_write_protected};
use crate::stick::Stick;
use crate::ui::note;

/// How often a waiting eject looks whether the session has ended.
const POLL: Duration = Duration::from_secs(1);

/// The longest one step of the OS's tool may take.
const TOOL_LIMIT: Duration = Duration::from_secs(60);

/// How an eject went.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ejected {
    /// Ejected (or unmounted and powered off).
    Done,
    /// Unmounted, but the drive was not powered off.
    Unmounted,
    /// Still in use: the OS's reason, and the programs it names.
    Held { why: String, held_by: Vec<String> },
    /// Not a drive of its own (`at`: where it is).
    NotADrive { at: String },
    /// The tool that ejects drives here is not installed.
    NoTool { tool: &'static str, at: String },
}

/// Run `usbide eject`. `after`: this is the copy of the usbide with that
/// process id, which has done the rest (Windows): wait for it, then eject.
pub fn run(ctx: &Context, wait: bool, after: Option<u32>) -> Result<i32> {
    let stick = ctx.stick()?;
    if let Some(pid) = after {
        // Our folder stays ours (no sweep takes it) while the copy runs.
        let _folder = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().and_then(crate::hosttemp::hold));
        crate::platform::wait_for_exit(pid, Duration::from_secs(30));
        return Ok(say(ctx, &stick, &eject(ctx, &plan(&stick))));
    }
    let Some(lock) = let_go_of_sessions(ctx, &stick, wait)? else {
        return Ok(crate::exit::BUSY);
    };
    crate::platform::flush(&stick.root);
    // Let go of the stick: the lock file is on it, and so may be the folder
    // usbide was started in.
    drop(lock);
    if let Some(temp) = ctx.env.temp_dirs().into_iter().find(|d| d.is_dir()) {
        let _ = std::env::set_current_dir(temp);
    }
    let plan = match own_drive(&stick) {
        Ok(()) if cfg!(windows) && runs_from(&stick.root) => {
            return from_a_copy(ctx, &stick.root);
        }
        Ok(()) => crate::platform::eject_by(&stick.root),
        Err(at) => EjectBy::NotADrive { at },
    };
    Ok(say(ctx, &stick, &eject(ctx, &plan)))
}

/// The stick lock (`None` inside: a write-protected stick, nothing to
/// flush), once no session runs on the stick: a session is named, or with
/// `wait` waited for; `None` when one is running and not waited for.
fn let_go_of_sessions(
    ctx: &Context,
    stick: &Stick,
    wait: bool,
) -> Result<Option<Option<crate::lock::StickLock>>> {
    let t = text(ctx.lang);
    let mut said = false;
    loop {
        match crate::session::stick_lock::lock(ctx, stick) {
            Ok(lock) => return Ok(Some(Some(lock))),
            Err(e) if is_write_protected(&e) => return Ok(Some(None)),
            Err(e) if held_by_session(&e) && wait => {
                if !said {
                    note(&fill(t.eject_waiting, &[("holder", &holder_of(&e))]));
                    said = true;
                }
                std::thread::sleep(POLL);
            }
            Err(e) if held_by_session(&e) => {
                note(&fill(t.eject_session, &[("holder", &holder_of(&e))]));
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
}

/// How the stick's drive is ejected (see [`own_drive`]).
fn plan(stick: &Stick) -> EjectBy {
    match own_drive(stick) {
        Ok(()) => crate::platform::eject_by(&stick.root),
        Err(at) => EjectBy::NotADrive { at },
    }
}

/// Whether the stick is on a drive of its own, one usbide may eject: a
/// removable drive (on Linux, a USB one too) that is neither a network
/// drive nor the system's. When not, where it is.
fn own_drive(stick: &Stick) -> Result<(), String> {
    let drive = stick.drive();
    let system = crate::platform::system_dir();
    let own = drive.as_ref().is_some_and(|d| {
        d.removable
            && !d.remote
            && d.mount_point != "/"
            && !system
                .as_ref()
                .is_some_and(|s| s.starts_with(&d.mount_point))
    });
    if own {
        return Ok(());
    }
    Err(drive.map_or_else(
        || stick.root.display().to_string(),
        |d| format!("{}, {}", d.mount_point, d.file_system),
    ))
}

/// Carry out `plan`.
fn eject(ctx: &Context, plan: &EjectBy) -> Ejected {
    match plan {
        EjectBy::NotADrive { at } => Ejected::NotADrive { at: at.clone() },
        EjectBy::Device { instance, .. } => match crate::platform::eject_device(*instance) {
            Ok(()) => Ejected::Done,
            Err(why) => Ejected::Held {
                why,
                held_by: Vec::new(),
            },
        },
        EjectBy::Tool { steps, mount } => {
            for (n, (tool, args)) in steps.iter().enumerate() {
                let at = mount.display().to_string();
                let Some(program) = crate::launch::find_on_path(&ctx.env, tool) else {
                    return Ejected::NoTool { tool, at };
                };
                let mut cmd = std::process::Command::new(program);
                cmd.args(args);
                let out = crate::preflight::output_by(&mut cmd, Instant::now() + TOOL_LIMIT);
                if out.as_ref().is_some_and(|o| o.status.success()) {
                    continue;
                }
                // Unmounted, then not powered off: safe all the same.
                if n > 0 {
                    return Ejected::Unmounted;
                }
                return Ejected::Held {
                    why: out.as_ref().map(first_line).unwrap_or_default(),
                    held_by: crate::platform::holders(mount),
                };
            }
            Ejected::Done
        }
    }
}

/// The first line a tool wrote (stderr first), at most 300 characters.
fn first_line(out: &std::process::Output) -> String {
    [&out.stderr, &out.stdout]
        .iter()
        .find_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(|l| l.chars().take(300).collect::<String>())
        })
        .unwrap_or_default()
}

/// Say how it went; the exit code.
fn say(ctx: &Context, stick: &Stick, ejected: &Ejected) -> i32 {
    let t = text(ctx.lang);
    let root = stick.root.display().to_string();
    let (message, code) = match ejected {
        Ejected::Done => (fill(t.eject_done, &[("at", &root)]), crate::exit::OK),
        Ejected::Unmounted => (fill(t.eject_unmounted, &[("at", &root)]), crate::exit::OK),
        Ejected::Held { why, held_by } => {
            for what in held_by {
                note(&fill(t.eject_holder, &[("what", what)]));
            }
            let why = crate::escape::escape(why).into_owned();
            (
                fill(t.eject_held, &[("at", &root), ("why", &why)]),
                crate::exit::BUSY,
            )
        }
        Ejected::NotADrive { at } => (
            fill(t.eject_not_a_drive, &[("root", &root), ("at", at)]),
            crate::exit::FAILURE,
        ),
        Ejected::NoTool { tool, at } => (
            fill(t.eject_no_tool, &[("at", at), ("tool", tool)]),
            crate::exit::FAILURE,
        ),
    };
    note(&message);
    code
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
fn runs_from(root: &Path) -> bool {
    let drive = |p: &Path| crate::stick::winpath::drive_root(&p.to_string_lossy());
    std::env::current_exe()
        .ok()
        .and_then(|exe| drive(&exe))
        .is_some_and(|d| drive(root).is_some_and(|r| r.eq_ignore_ascii_case(&d)))
}

/// Hand the eject to a copy of usbide in a private folder of the temporary
/// folder, in this window; this process ends so that its program file lets
/// go of the stick. The folder stays for the copy's life (the copy holds
/// it) and goes with a later sweep.
fn from_a_copy(ctx: &Context, root: &Path) -> Result<i32> {
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
    crate::platform::detach(&mut cmd);
    cmd.spawn().context(t.eject_no_temp)?;
    // The copy runs from the folder: it is not removed now.
    std::mem::forget(dir);
    note(t.eject_from_copy);
    Ok(crate::exit::OK)
}
