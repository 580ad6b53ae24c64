//! Windows side of [`crate::platform`].
#![allow(unsafe_code)]

use std::process::ExitStatus;

use windows_sys::Win32::Globalization::GetUserDefaultLocaleName;
use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode,
    GetStdHandle, STD_OUTPUT_HANDLE, SetConsoleCtrlHandler, SetConsoleMode,
};
use windows_sys::Win32::System::Registry::{
    HKEY_CURRENT_USER, RRF_RT_REG_BINARY, RRF_RT_REG_DWORD, RRF_RT_REG_SZ, RegGetValueW,
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

const INTERNET_SETTINGS: &str = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings";

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Read one value of HKCU\<key> as raw bytes.
fn reg_value(key: &str, name: &str, flags: u32) -> Option<Vec<u8>> {
    let (key, name) = (wide(key), wide(name));
    let mut len = 0u32;
    // SAFETY: first call asks for the size; pointers are valid for the call.
    let rc = unsafe {
        RegGetValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            flags,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut len,
        )
    };
    if rc != 0 || len == 0 {
        return None;
    }
    let mut buf = vec![0u8; len as usize];
    // SAFETY: the buffer is `len` bytes long, as the call is told.
    let rc = unsafe {
        RegGetValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            flags,
            std::ptr::null_mut(),
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    (rc == 0).then(|| {
        buf.truncate(len as usize);
        buf
    })
}

fn reg_string(key: &str, name: &str) -> Option<String> {
    let bytes = reg_value(key, name, RRF_RT_REG_SZ)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|u| *u != 0)
        .collect();
    Some(String::from_utf16_lossy(&units)).filter(|s| !s.is_empty())
}

pub fn internet_settings() -> Option<crate::preflight::sysproxy::InternetSettings> {
    let enable = reg_value(INTERNET_SETTINGS, "ProxyEnable", RRF_RT_REG_DWORD)
        .and_then(|b| {
            b.get(..4)
                .map(|d| u32::from_le_bytes([d[0], d[1], d[2], d[3]]))
        })
        .unwrap_or(0);
    let connections = format!("{INTERNET_SETTINGS}\\Connections");
    let blob =
        reg_value(&connections, "DefaultConnectionSettings", RRF_RT_REG_BINARY).unwrap_or_default();
    Some(crate::preflight::sysproxy::InternetSettings {
        proxy_enable: enable != 0,
        proxy_server: reg_string(INTERNET_SETTINGS, "ProxyServer"),
        proxy_override: reg_string(INTERNET_SETTINGS, "ProxyOverride"),
        auto_config_url: reg_string(INTERNET_SETTINGS, "AutoConfigURL"),
        auto_detect: crate::preflight::sysproxy::auto_detect_flag(&blob),
    })
}
