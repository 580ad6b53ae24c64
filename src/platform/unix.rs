//! Unix side of [`crate::platform`].
#![allow(unsafe_code)]

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

/// The dispositions replaced while codex runs.
#[derive(Debug)]
pub struct Saved {
    int: libc::sighandler_t,
    quit: libc::sighandler_t,
}

pub fn ignore_interrupts() -> Saved {
    // SAFETY: installing SIG_IGN is async-signal-safe and has no handler code.
    unsafe {
        Saved {
            int: libc::signal(libc::SIGINT, libc::SIG_IGN),
            quit: libc::signal(libc::SIGQUIT, libc::SIG_IGN),
        }
    }
}

pub fn restore_interrupts(saved: &Saved) {
    // SAFETY: puts back the dispositions returned by `signal` above.
    unsafe {
        libc::signal(libc::SIGINT, saved.int);
        libc::signal(libc::SIGQUIT, saved.quit);
    }
}

pub fn exit_code(status: ExitStatus) -> i32 {
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(sig)) => 128 + sig,
        (None, None) => 1,
    }
}

pub fn enable_ansi() -> bool {
    true
}

pub fn user_locale() -> Option<String> {
    None
}

pub fn internet_settings() -> Option<super::InternetSettings> {
    None
}

/// Nothing to do process-wide on Unix: see [`tie_to_parent`].
pub fn contain_children() {}

/// On Linux the child gets SIGKILL when usbide dies, however it dies (the
/// kernel's parent-death signal), so no codex outlives usbide.
pub fn tie_to_parent(cmd: &mut std::process::Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe; the closure touches nothing else.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

pub fn volume(_root: &str) -> Option<super::VolumeFacts> {
    None
}

pub fn elevation() -> Option<crate::platform::Elevation> {
    None
}

pub fn long_paths_enabled() -> Option<bool> {
    None
}

pub fn console_alone() -> bool {
    false
}

/// A folder only this user can open, 0700 from its creation.
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

/// Whether `meta` (taken without following links) belongs to this process's user.
pub fn owned_by_me(_path: &std::path::Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no arguments and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

/// Never follow a link at the last component, never block on a FIFO.
pub fn no_follow(opts: &mut std::fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
}

/// How many names the open file has.
pub fn link_count(file: &std::fs::File) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    file.metadata().ok().map(|m| m.nlink())
}

/// Whether `meta` is a link or another reparse point (Unix: a symlink).
pub fn is_link(meta: &std::fs::Metadata) -> bool {
    meta.file_type().is_symlink()
}
