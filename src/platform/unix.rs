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

pub fn internet_settings() -> Option<crate::preflight::sysproxy::InternetSettings> {
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

pub fn volume(_root: &str) -> Option<crate::stick::drive::VolumeFacts> {
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
