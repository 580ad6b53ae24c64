//! Windows side of [`crate::platform`].
#![allow(unsafe_code)]

use std::process::ExitStatus;

use windows_sys::Win32::Globalization::GetUserDefaultLocaleName;
use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode,
    GetStdHandle, STD_OUTPUT_HANDLE, SetConsoleCtrlHandler, SetConsoleMode,
};

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

pub fn enable_ansi() -> bool {
    // SAFETY: queries and sets the mode of this process's own stdout handle.
    unsafe {
        let handle = GetStdHandle(STD_OUTPUT_HANDLE);
        let mut mode = 0u32;
        GetConsoleMode(handle, &mut mode) != 0
            && SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
    }
}

pub fn user_locale() -> Option<String> {
    let mut buf = [0u16; 85]; // LOCALE_NAME_MAX_LENGTH
    // SAFETY: the buffer and its length in UTF-16 units are passed together.
    let len = unsafe { GetUserDefaultLocaleName(buf.as_mut_ptr(), buf.len() as i32) };
    (len > 1).then(|| String::from_utf16_lossy(&buf[..len as usize - 1]))
}
