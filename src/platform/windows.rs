//! Windows side of [`crate::platform`].
#![allow(unsafe_code)]

use std::process::ExitStatus;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::Globalization::GetUserDefaultLocaleName;
use windows_sys::Win32::Security::{
    GetTokenInformation, TOKEN_QUERY, TokenElevationType, TokenElevationTypeLimited,
};
use windows_sys::Win32::Storage::FileSystem::{
    GetDiskFreeSpaceExW, GetDriveTypeW, GetVolumeInformationW,
};
use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode,
    GetConsoleProcessList, GetStdHandle, STD_OUTPUT_HANDLE, SetConsoleCtrlHandler, SetConsoleMode,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_BREAKAWAY_OK,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JobObjectExtendedLimitInformation, SetInformationJobObject,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};
use windows_sys::Win32::UI::Shell::IsUserAnAdmin;

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

/// A DWORD value of `<hive>\<key>`.
fn reg_dword(hive: &windows_registry::Key, key: &str, name: &str) -> Option<u32> {
    hive.open(key).ok()?.get_u32(name).ok()
}

/// A string value of `HKCU\<key>` (empty counts as none).
fn reg_string(key: &str, name: &str) -> Option<String> {
    let value = windows_registry::CURRENT_USER
        .open(key)
        .ok()?
        .get_string(name)
        .ok()?;
    Some(value).filter(|s| !s.is_empty())
}

pub fn internet_settings() -> Option<super::InternetSettings> {
    use windows_registry::CURRENT_USER;
    let enable = reg_dword(CURRENT_USER, INTERNET_SETTINGS, "ProxyEnable").unwrap_or(0);
    let connections = format!("{INTERNET_SETTINGS}\\Connections");
    let blob = CURRENT_USER
        .open(&connections)
        .and_then(|k| k.get_value("DefaultConnectionSettings"))
        .map(|v| v.to_vec())
        .unwrap_or_default();
    Some(super::InternetSettings {
        proxy_enable: enable != 0,
        proxy_server: reg_string(INTERNET_SETTINGS, "ProxyServer"),
        proxy_override: reg_string(INTERNET_SETTINGS, "ProxyOverride"),
        auto_config_url: reg_string(INTERNET_SETTINGS, "AutoConfigURL"),
        connection_settings: blob,
    })
}

/// Put this process in a job that kills every process in it when the last
/// handle closes, i.e. when usbide ends however it ends: children (codex,
/// `codex login`, git) inherit the job and never outlive usbide.
pub fn contain_children() {
    // SAFETY: plain Win32 calls on a job handle this function owns; the handle
    // is leaked on purpose (it must live as long as the process).
    unsafe {
        let job: HANDLE = CreateJobObjectW(std::ptr::null(), std::ptr::null());
        if job.is_null() {
            return;
        }
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        let size = std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32;
        if SetInformationJobObject(
            job,
            JobObjectExtendedLimitInformation,
            (&raw const info).cast(),
            size,
        ) != 0
        {
            AssignProcessToJobObject(job, GetCurrentProcess());
            let _ = JOB.set(job as usize);
        }
    }
}

/// The job of [`contain_children`], once made.
static JOB: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Start `cmd`'s process outside the job of [`contain_children`], so that
/// it outlives usbide (the eject that goes on from a copy).
/// Only then may a child leave the job: codex and what it runs never can.
pub fn detach(cmd: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    use windows_sys::Win32::System::Threading::CREATE_BREAKAWAY_FROM_JOB;
    let Some(&job) = JOB.get() else {
        return;
    };
    // SAFETY: the job handle made by `contain_children`, alive for the process.
    unsafe {
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
        info.BasicLimitInformation.LimitFlags =
            JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK;
        let size = std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32;
        if SetInformationJobObject(
            job as HANDLE,
            JobObjectExtendedLimitInformation,
            (&raw const info).cast(),
            size,
        ) != 0
        {
            cmd.creation_flags(CREATE_BREAKAWAY_FROM_JOB);
        }
    }
}

/// Children are tied to usbide by the job of [`contain_children`].
pub fn tie_to_parent(_cmd: &mut std::process::Command) {}

pub fn machine_id() -> Option<String> {
    windows_registry::LOCAL_MACHINE
        .open(r"SOFTWARE\Microsoft\Cryptography")
        .ok()?
        .get_string("MachineGuid")
        .ok()
}

pub fn system_dir() -> Option<std::path::PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    use windows_sys::Win32::System::SystemInformation::GetSystemDirectoryW;
    let mut buf = [0u16; 512];
    // SAFETY: the buffer and its length in UTF-16 units are passed together;
    // the answer is the number of units written (0: failure, more than the
    // buffer: too small).
    let n = unsafe { GetSystemDirectoryW(buf.as_mut_ptr(), buf.len() as u32) } as usize;
    (n > 0 && n < buf.len())
        .then(|| std::path::PathBuf::from(std::ffi::OsString::from_wide(&buf[..n])))
}

/// `ShellExecuteExW` with the `runas` verb (the UAC prompt), waited for.
pub fn run_elevated(program: &std::path::Path, args: &str) -> Option<u32> {
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, INFINITE, WaitForSingleObject,
    };
    use windows_sys::Win32::UI::Shell::{
        SEE_MASK_NOCLOSEPROCESS, SHELLEXECUTEINFOW, ShellExecuteExW,
    };
    let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
    let (verb, file, params) = (wide("runas"), wide(&program.to_string_lossy()), wide(args));
    // SAFETY: the structure is zeroed, sized, and points at NUL-terminated
    // strings that outlive the call; the process handle is waited on and
    // closed.
    unsafe {
        let mut info: SHELLEXECUTEINFOW = std::mem::zeroed();
        info.cbSize = std::mem::size_of::<SHELLEXECUTEINFOW>() as u32;
        info.fMask = SEE_MASK_NOCLOSEPROCESS;
        info.lpVerb = verb.as_ptr();
        info.lpFile = file.as_ptr();
        info.lpParameters = params.as_ptr();
        info.nShow = 0; // SW_HIDE
        if ShellExecuteExW(&mut info) == 0 || info.hProcess.is_null() {
            return None;
        }
        WaitForSingleObject(info.hProcess, INFINITE);
        let mut code = 0u32;
        let got = GetExitCodeProcess(info.hProcess, &mut code) != 0;
        CloseHandle(info.hProcess);
        got.then_some(code)
    }
}

pub fn mount_of(_path: &std::path::Path) -> Option<super::MountFacts> {
    None
}

/// The root of the volume holding `path` (`GetVolumePathNameW`).
pub fn volume_path(path: &std::path::Path) -> Option<String> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Storage::FileSystem::GetVolumePathNameW;
    let name: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
    let mut buf = [0u16; 1024];
    // SAFETY: the buffer and its length in UTF-16 units are passed together.
    let ok = unsafe { GetVolumePathNameW(name.as_ptr(), buf.as_mut_ptr(), buf.len() as u32) } != 0;
    let end = buf.iter().position(|c| *c == 0).unwrap_or(buf.len());
    ok.then(|| String::from_utf16_lossy(&buf[..end]))
}

/// What Windows says about the volume whose root is `root` (`E:\`), for
/// drives its volume list does not hold (subst, network, Wine).
pub fn volume(root: &str) -> Option<super::VolumeFacts> {
    let wide_root = wide(root);
    // SAFETY: every buffer is passed with its length; the root is NUL-terminated.
    unsafe {
        let kind = GetDriveTypeW(wide_root.as_ptr());
        if kind <= 1 {
            return None; // DRIVE_UNKNOWN, DRIVE_NO_ROOT_DIR
        }
        let mut fs = [0u16; 64];
        let (mut serial, mut max_len, mut flags) = (0u32, 0u32, 0u32);
        let named = GetVolumeInformationW(
            wide_root.as_ptr(),
            std::ptr::null_mut(),
            0,
            &mut serial,
            &mut max_len,
            &mut flags,
            fs.as_mut_ptr(),
            fs.len() as u32,
        ) != 0;
        let (mut free, mut total) = (0u64, 0u64);
        GetDiskFreeSpaceExW(
            wide_root.as_ptr(),
            &mut free,
            &mut total,
            std::ptr::null_mut(),
        );
        let end = fs.iter().position(|c| *c == 0).unwrap_or(fs.len());
        Some(super::VolumeFacts {
            drive_type: kind,
            file_system: named.then(|| String::from_utf16_lossy(&fs[..end])),
            serial: named.then_some(serial),
            read_only: named && flags & 0x0008_0000 != 0, // FILE_READ_ONLY_VOLUME
            free_bytes: free,
            total_bytes: total,
        })
    }
}

/// Administrator rights and UAC, as far as this process can tell.
pub fn elevation() -> Option<crate::platform::Elevation> {
    const POLICIES: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System";
    // SAFETY: no arguments.
    let elevated = unsafe { IsUserAnAdmin() } != 0;
    Some(crate::platform::Elevation {
        elevated,
        split_admin: token_elevation_type() == Some(TokenElevationTypeLimited),
        uac: reg_dword(windows_registry::LOCAL_MACHINE, POLICIES, "EnableLUA").map(|v| v != 0),
    })
}

/// `TokenElevationType` of this process: 3 (limited) means an administrator
/// whose rights UAC holds back until asked.
fn token_elevation_type() -> Option<i32> {
    // SAFETY: the token handle is opened, queried with a buffer of the right
    // size, and closed.
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut kind: i32 = 0;
        let mut len = 0u32;
        let ok = GetTokenInformation(
            token,
            TokenElevationType,
            (&raw mut kind).cast(),
            std::mem::size_of::<i32>() as u32,
            &mut len,
        ) != 0;
        CloseHandle(token);
        ok.then_some(kind)
    }
}

/// `LongPathsEnabled` of the file system policy.
pub fn long_paths_enabled() -> Option<bool> {
    reg_dword(
        windows_registry::LOCAL_MACHINE,
        r"SYSTEM\CurrentControlSet\Control\FileSystem",
        "LongPathsEnabled",
    )
    .map(|v| v != 0)
}

pub fn console_alone() -> bool {
    let mut ids = [0u32; 4];
    // SAFETY: the buffer and its length in elements are passed together.
    let count = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    count == 1
}

/// The current user's SID as text (`S-1-5-21-...`).
fn user_sid_string() -> Option<String> {
    use windows_sys::Win32::Foundation::LocalFree;
    use windows_sys::Win32::Security::Authorization::ConvertSidToStringSidW;
    let user = token_user()?;
    // SAFETY: the SID points into `user`, alive for the call; the string
    // Windows allocates is copied, then freed with LocalFree.
    unsafe {
        let sid = (*user
            .as_ptr()
            .cast::<windows_sys::Win32::Security::TOKEN_USER>())
        .User
        .Sid;
        let mut text: windows_sys::core::PWSTR = std::ptr::null_mut();
        if ConvertSidToStringSidW(sid, &mut text) == 0 || text.is_null() {
            return None;
        }
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        let out = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        LocalFree(text.cast());
        Some(out)
    }
}

/// The `TOKEN_USER` of this process, in a buffer that holds its SID too.
fn token_user() -> Option<Vec<u64>> {
    use windows_sys::Win32::Security::TokenUser;
    // SAFETY: the token is opened, asked for its size, read into a buffer of
    // that size (u64s: aligned for the struct) and closed.
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut len = 0u32;
        GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len);
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        let ok = GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len) != 0;
        CloseHandle(token);
        ok.then_some(buf)
    }
}

/// A folder only this user can open: created with a protected ACL that
/// grants the user alone full access (nothing inherited from a shared
/// parent such as `C:\Windows\Temp`).
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Foundation::LocalFree;
    use windows_sys::Win32::Security::Authorization::{
        ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::SECURITY_ATTRIBUTES;
    use windows_sys::Win32::Storage::FileSystem::CreateDirectoryW;
    let Some(sid) = user_sid_string() else {
        return std::fs::create_dir(path);
    };
    let sddl = wide(&format!("D:P(A;OICI;FA;;;{sid})"));
    let name: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
    // SAFETY: the descriptor Windows builds is passed to CreateDirectoryW,
    // then freed; both strings are NUL-terminated.
    unsafe {
        let mut sd = std::ptr::null_mut();
        if ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut sd,
            std::ptr::null_mut(),
        ) == 0
        {
            return Err(std::io::Error::last_os_error());
        }
        let attrs = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: sd,
            bInheritHandle: 0,
        };
        let ok = CreateDirectoryW(name.as_ptr(), &attrs) != 0;
        let err = std::io::Error::last_os_error();
        LocalFree(sd);
        if ok { Ok(()) } else { Err(err) }
    }
}

/// Whether the file or folder at `path` is owned by this process's user
/// (false when Windows cannot say).
pub fn owned_by_me(path: &std::path::Path, _meta: &std::fs::Metadata) -> bool {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Foundation::LocalFree;
    use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
    use windows_sys::Win32::Security::{EqualSid, OWNER_SECURITY_INFORMATION, TOKEN_USER};
    let Some(user) = token_user() else {
        return false;
    };
    let name: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
    // SAFETY: the owner SID points into the descriptor Windows allocates,
    // which is freed after the comparison.
    unsafe {
        let mut owner = std::ptr::null_mut();
        let mut sd = std::ptr::null_mut();
        let rc = GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut sd,
        );
        if rc != 0 {
            return false;
        }
        let mine = (*user.as_ptr().cast::<TOKEN_USER>()).User.Sid;
        let same = !owner.is_null() && EqualSid(owner, mine) != 0;
        LocalFree(sd);
        same
    }
}

/// Open the last component itself, never what a link or junction points at.
pub fn no_follow(opts: &mut std::fs::OpenOptions) {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::FILE_FLAG_OPEN_REPARSE_POINT;
    opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}

/// How many names the open file has.
pub fn link_count(file: &std::fs::File) -> Option<u64> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, GetFileInformationByHandle,
    };
    // SAFETY: the handle is the open file's; the struct is written by the call.
    unsafe {
        let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
        (GetFileInformationByHandle(file.as_raw_handle(), &mut info) != 0)
            .then_some(u64::from(info.nNumberOfLinks))
    }
}

/// Whether `meta` is a symlink, junction or other reparse point.
pub fn is_link(meta: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    meta.file_type().is_symlink() || meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

/// See [`super::eject_by`]: the volume's disk, found by its device number
/// among the present disks; its parent (the USB device) is what "Safely
/// Remove Hardware" ejects.
pub fn eject_by(root: &std::path::Path) -> super::EjectBy {
    use super::EjectBy;
    let text = root.display().to_string();
    let letter = text.trim_start_matches(r"\\?\").chars().next().filter(|c| {
        c.is_ascii_alphabetic() && text.trim_start_matches(r"\\?\").get(1..2) == Some(":")
    });
    let Some(letter) = letter else {
        return EjectBy::NotADrive { at: text };
    };
    let at = format!("{}:", letter.to_ascii_uppercase());
    match device_number(&format!(r"\\.\{at}")).and_then(disk_instance) {
        Some(instance) => EjectBy::Device { at, instance },
        None => EjectBy::NotADrive { at },
    }
}

/// See [`super::holders`]: the configuration manager names what holds the
/// drive in its reason instead.
pub fn holders(_mount: &std::path::Path) -> Vec<String> {
    Vec::new()
}

/// The device type and number of the disk behind the device path `path`.
fn device_number(path: &str) -> Option<(u32, u32)> {
    use windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE;
    use windows_sys::Win32::Storage::FileSystem::{
        CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
    };
    use windows_sys::Win32::System::IO::DeviceIoControl;
    use windows_sys::Win32::System::Ioctl::{
        IOCTL_STORAGE_GET_DEVICE_NUMBER, STORAGE_DEVICE_NUMBER,
    };
    let wide_path = wide(path);
    // SAFETY: a NUL-terminated path; no access asked (a query only).
    let handle = unsafe {
        CreateFileW(
            wide_path.as_ptr(),
            0,
            FILE_SHARE_READ | FILE_SHARE_WRITE,
            std::ptr::null(),
            OPEN_EXISTING,
            0,
            std::ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return None;
    }
    let mut number = STORAGE_DEVICE_NUMBER {
        DeviceType: 0,
        DeviceNumber: 0,
        PartitionNumber: 0,
    };
    let mut got = 0u32;
    // SAFETY: an open handle and an output buffer of the size given.
    let ok = unsafe {
        DeviceIoControl(
            handle,
            IOCTL_STORAGE_GET_DEVICE_NUMBER,
            std::ptr::null(),
            0,
            (&raw mut number).cast(),
            std::mem::size_of::<STORAGE_DEVICE_NUMBER>() as u32,
            &mut got,
            std::ptr::null_mut(),
        )
    };
    // SAFETY: the handle is ours and closed once.
    unsafe { CloseHandle(handle) };
    (ok != 0).then_some((number.DeviceType, number.DeviceNumber))
}

/// The device instance of the present disk with this type and number.
fn disk_instance(wanted: (u32, u32)) -> Option<u32> {
    use windows_sys::Win32::Devices::DeviceAndDriverInstallation::{
        DIGCF_DEVICEINTERFACE, DIGCF_PRESENT, SP_DEVICE_INTERFACE_DATA,
        SP_DEVICE_INTERFACE_DETAIL_DATA_W, SP_DEVINFO_DATA, SetupDiDestroyDeviceInfoList,
        SetupDiEnumDeviceInterfaces, SetupDiGetClassDevsW, SetupDiGetDeviceInterfaceDetailW,
    };
    use windows_sys::Win32::System::Ioctl::GUID_DEVINTERFACE_DISK;
    // SAFETY: a class GUID that lives for the call; no enumerator or window.
    let set = unsafe {
        SetupDiGetClassDevsW(
            &GUID_DEVINTERFACE_DISK,
            std::ptr::null(),
            std::ptr::null_mut(),
            DIGCF_PRESENT | DIGCF_DEVICEINTERFACE,
        )
    };
    if set as isize == -1 {
        return None;
    }
    let mut found = None;
    for index in 0..256 {
        let mut iface: SP_DEVICE_INTERFACE_DATA = unsafe { std::mem::zeroed() };
        iface.cbSize = std::mem::size_of::<SP_DEVICE_INTERFACE_DATA>() as u32;
        // SAFETY: `set` is valid until destroyed below; `iface` is sized.
        if unsafe {
            SetupDiEnumDeviceInterfaces(
                set,
                std::ptr::null(),
                &GUID_DEVINTERFACE_DISK,
                index,
                &mut iface,
            )
        } == 0
        {
            break;
        }
        let mut need = 0u32;
        // SAFETY: asks only for the size.
        unsafe {
            SetupDiGetDeviceInterfaceDetailW(
                set,
                &iface,
                std::ptr::null_mut(),
                0,
                &mut need,
                std::ptr::null_mut(),
            )
        };
        if (need as usize) < std::mem::size_of::<SP_DEVICE_INTERFACE_DETAIL_DATA_W>()
            || need > 64 * 1024
        {
            continue;
        }
        // u64s: aligned for the detail structure.
        let mut buffer = vec![0u64; (need as usize).div_ceil(8)];
        let detail = buffer
            .as_mut_ptr()
            .cast::<SP_DEVICE_INTERFACE_DETAIL_DATA_W>();
        let mut info: SP_DEVINFO_DATA = unsafe { std::mem::zeroed() };
        info.cbSize = std::mem::size_of::<SP_DEVINFO_DATA>() as u32;
        // SAFETY: `detail` points at `need` zeroed, aligned bytes.
        let ok = unsafe {
            (*detail).cbSize = std::mem::size_of::<SP_DEVICE_INTERFACE_DETAIL_DATA_W>() as u32;
            SetupDiGetDeviceInterfaceDetailW(
                set,
                &iface,
                detail,
                need,
                std::ptr::null_mut(),
                &mut info,
            )
        };
        if ok == 0 {
            continue;
        }
        // The path: UTF-16 from DevicePath to its NUL, within the buffer.
        let words = (need as usize
            - std::mem::offset_of!(SP_DEVICE_INTERFACE_DETAIL_DATA_W, DevicePath))
            / 2;
        // SAFETY: DevicePath lies inside the buffer, `words` long at most.
        let path = unsafe {
            std::slice::from_raw_parts(
                std::ptr::addr_of!((*detail).DevicePath).cast::<u16>(),
                words,
            )
        };
        let end = path.iter().position(|&w| w == 0).unwrap_or(path.len());
        let path = String::from_utf16_lossy(&path[..end]);
        if device_number(&path) == Some(wanted) {
            found = Some(info.DevInst);
            break;
        }
    }
    // SAFETY: the set made above, destroyed once.
    unsafe { SetupDiDestroyDeviceInfoList(set) };
    found
}

/// See [`super::eject_device`]: the disk's parent device is asked (three
/// tries, as Explorer does while a handle is being closed).
pub fn eject_device(disk: u32) -> Result<(), String> {
    use windows_sys::Win32::Devices::DeviceAndDriverInstallation::{
        CM_Get_Parent, CM_Request_Device_EjectW, CR_SUCCESS, PNP_VETO_TYPE,
    };
    let mut parent = 0u32;
    // SAFETY: plain out-parameter.
    if unsafe { CM_Get_Parent(&mut parent, disk, 0) } != CR_SUCCESS {
        parent = disk;
    }
    let mut why = String::new();
    for _ in 0..3 {
        let mut veto: PNP_VETO_TYPE = 0;
        let mut name = [0u16; 260];
        // SAFETY: the name buffer's length is given.
        let result = unsafe {
            CM_Request_Device_EjectW(parent, &mut veto, name.as_mut_ptr(), name.len() as u32, 0)
        };
        if result == CR_SUCCESS && veto == 0 {
            return Ok(());
        }
        let end = name.iter().position(|&w| w == 0).unwrap_or(name.len());
        let named = String::from_utf16_lossy(&name[..end]);
        why = format!("{} {}", veto_name(veto, result), named)
            .trim()
            .to_string();
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    Err(why)
}

/// The configuration manager's reason, by its name.
fn veto_name(veto: i32, result: u32) -> String {
    let name = match veto {
        1 => "PNP_VetoLegacyDevice",
        2 => "PNP_VetoPendingClose",
        3 => "PNP_VetoWindowsApp",
        4 => "PNP_VetoWindowsService",
        5 => "PNP_VetoOutstandingOpen",
        6 => "PNP_VetoDevice",
        7 => "PNP_VetoDriver",
        8 => "PNP_VetoIllegalDeviceRequest",
        9 => "PNP_VetoInsufficientPower",
        10 => "PNP_VetoNonDisableable",
        11 => "PNP_VetoLegacyDriver",
        12 => "PNP_VetoInsufficientRights",
        13 => "PNP_VetoAlreadyRemoved",
        _ => return format!("CONFIGRET {result}"),
    };
    name.to_string()
}

/// See [`super::flush`]: a removable drive is written through (Windows'
/// "quick removal"), and the eject flushes what is left.
pub fn flush(_root: &std::path::Path) {}

/// Wait until process `pid` has ended, at most `limit`.
pub fn wait_for_exit(pid: u32, limit: std::time::Duration) {
    use windows_sys::Win32::System::Threading::{
        OpenProcess, PROCESS_SYNCHRONIZE, WaitForSingleObject,
    };
    // SAFETY: a handle to wait on, closed once.
    unsafe {
        let handle = OpenProcess(PROCESS_SYNCHRONIZE, 0, pid);
        if !handle.is_null() {
            WaitForSingleObject(
                handle,
                limit.as_millis().min(u128::from(u32::MAX - 1)) as u32,
            );
            CloseHandle(handle);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folder's DACL: protected, one ACE, granting the current user.
    fn owner_only(path: &std::path::Path) -> bool {
        use std::os::windows::ffi::OsStrExt;
        use windows_sys::Win32::Foundation::LocalFree;
        use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
        use windows_sys::Win32::Security::{
            ACCESS_ALLOWED_ACE, ACL_SIZE_INFORMATION, AclSizeInformation,
            DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetAclInformation,
            GetSecurityDescriptorControl, TOKEN_USER,
        };
        const SE_DACL_PROTECTED: u16 = 0x1000;
        let user = token_user().expect("token");
        let name: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
        // SAFETY: every pointer comes from Windows for this call and the
        // descriptor is freed at the end.
        unsafe {
            let (mut dacl, mut sd) = (std::ptr::null_mut(), std::ptr::null_mut());
            let rc = GetNamedSecurityInfoW(
                name.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut dacl,
                std::ptr::null_mut(),
                &mut sd,
            );
            assert_eq!(rc, 0, "GetNamedSecurityInfoW");
            let mut control = 0u16;
            let mut revision = 0u32;
            GetSecurityDescriptorControl(sd, &mut control, &mut revision);
            let mut info: ACL_SIZE_INFORMATION = std::mem::zeroed();
            GetAclInformation(
                dacl,
                (&raw mut info).cast(),
                std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
                AclSizeInformation,
            );
            let mut ace = std::ptr::null_mut();
            let got = GetAce(dacl, 0, &mut ace) != 0;
            let mine = (*user.as_ptr().cast::<TOKEN_USER>()).User.Sid;
            let sid = (&raw mut (*ace.cast::<ACCESS_ALLOWED_ACE>()).SidStart).cast();
            let ok = control & SE_DACL_PROTECTED != 0
                && info.AceCount == 1
                && got
                && EqualSid(sid, mine) != 0;
            LocalFree(sd);
            ok
        }
    }

    /// Whether this runs under Wine (which keeps no Windows ACL of its own
    /// and shows one made from the Unix mode).
    fn under_wine() -> bool {
        use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
        let ntdll = wide("ntdll.dll");
        // SAFETY: a lookup by name in a module every process has loaded.
        unsafe {
            let module = GetModuleHandleW(ntdll.as_ptr());
            !module.is_null()
                && GetProcAddress(module, c"wine_get_version".as_ptr().cast()).is_some()
        }
    }

    #[test]
    fn a_private_folder_grants_its_user_alone() {
        let base = tempfile::tempdir().expect("tempdir");
        let dir = base.path().join("private");
        create_private_dir(&dir).expect("create");
        if under_wine() {
            eprintln!(
                "skipped: Wine shows no ACL of its own (the CI workflow checks it on Windows)"
            );
        } else {
            assert!(owner_only(&dir), "the ACL is not owner-only");
        }
        let meta = std::fs::symlink_metadata(&dir).expect("meta");
        assert!(owned_by_me(&dir, &meta));
    }
}
