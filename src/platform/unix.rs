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
