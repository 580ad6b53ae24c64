//! Windows side of [`crate::platform`].
#![allow(unsafe_code)]

use std::process::ExitStatus;

use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler};

/// Nothing to save: the handler is removed by name.
#[derive(Debug)]
pub struct Saved;

/// Swallow Ctrl+C / Ctrl+Break in usbide; the console still delivers them to
/// codex, which shares it. A handler (unlike `SetConsoleCtrlHandler(NULL,
/// TRUE)`) is not inherited, so codex keeps its own Ctrl+C.
unsafe extern "system" fn swallow(ctrl_type: u32) -> i32 {
    i32::from(ctrl_type == CTRL_C_EVENT || ctrl_type == CTRL_BREAK_EVENT)
}

pub fn ignore_interrupts() -> Saved {
    // SAFETY: registers a handler that only compares an integer.
    unsafe {
        SetConsoleCtrlHandler(Some(swallow), 1);
    }
    Saved
}

pub fn restore_interrupts(_saved: &Saved) {
    // SAFETY: removes the handler registered above.
    unsafe {
        SetConsoleCtrlHandler(Some(swallow), 0);
    }
}

pub fn exit_code(status: ExitStatus) -> i32 {
    // NTSTATUS codes such as 0xC000013A (closed by Ctrl+C) arrive as negative i32.
    status.code().unwrap_or(1)
}
