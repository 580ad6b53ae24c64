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

pub fn machine_id() -> Option<String> {
    use std::io::Read;
    ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|p| {
            let mut text = String::new();
            std::fs::File::open(p)
                .ok()?
                .take(256)
                .read_to_string(&mut text)
                .ok()?;
            Some(text.trim().to_string()).filter(|t| !t.is_empty())
        })
}

pub fn system_dir() -> Option<std::path::PathBuf> {
    None
}

pub fn run_elevated(_program: &std::path::Path, _args: &str) -> Option<u32> {
    None
}

pub fn volume_path(_path: &std::path::Path) -> Option<String> {
    None
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

/// A mount point, its file system type and its device (major, minor).
type MountEntry = (std::path::PathBuf, String, Option<(u32, u32)>);

/// The file system holding `path`, as the OS reports it.
pub fn mount_of(path: &std::path::Path) -> Option<super::MountFacts> {
    let path = path.canonicalize().ok()?;
    let (mount_point, file_system, device) = mount_entry(&path)?;
    let (total_bytes, free_bytes, read_only, fsid) = space(&mount_point)?;
    Some(super::MountFacts {
        removable: device.is_some_and(|d| removable(d) || on_usb(d)),
        id: device_id(&mount_point).or_else(|| (fsid != 0).then(|| format!("{fsid:x}"))),
        mount_point: mount_point.to_string_lossy().into_owned(),
        file_system,
        read_only,
        total_bytes,
        free_bytes,
    })
}

/// The mount point, file system type and device (major, minor) of the
/// longest mount holding `path`, from `/proc/self/mountinfo`.
#[cfg(target_os = "linux")]
fn mount_entry(path: &std::path::Path) -> Option<MountEntry> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open("/proc/self/mountinfo")
        .ok()?
        .take(16 << 20)
        .read_to_string(&mut text)
        .ok()?;
    parse_mountinfo(&text)
        .into_iter()
        .filter(|m| path.starts_with(&m.0))
        .max_by_key(|m| m.0.as_os_str().len())
}

#[cfg(not(target_os = "linux"))]
fn mount_entry(path: &std::path::Path) -> Option<MountEntry> {
    statfs_entry(path)
}

/// Each line of `mountinfo`: mount point, file system type, device.
#[cfg(any(target_os = "linux", test))]
fn parse_mountinfo(text: &str) -> Vec<MountEntry> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let device = fields.nth(2)?;
            let mount_point = fields.nth(1)?;
            let fs = line.split(" - ").nth(1)?.split(' ').next()?;
            let device = device
                .split_once(':')
                .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
            Some((
                std::path::PathBuf::from(unescape(mount_point)),
                fs.to_string(),
                device,
            ))
        })
        .collect()
}

/// `mountinfo` writes a space, tab, newline or backslash as `\040`-style
/// octal escapes.
#[cfg(any(target_os = "linux", test))]
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Three octal digits of one byte: `\000` to `\377`.
        let octal = bytes.get(i + 1..i + 4).filter(|d| {
            (b'0'..=b'3').contains(&d[0]) && d[1..].iter().all(|b| (b'0'..=b'7').contains(b))
        });
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mount point and file system type of `path` (BSD, macOS: `statfs`).
#[cfg(not(target_os = "linux"))]
fn statfs_entry(path: &std::path::Path) -> Option<MountEntry> {
    #[cfg(any(target_os = "macos", target_os = "freebsd", target_os = "openbsd"))]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: statfs fills the struct for a NUL-terminated path.
        let st = unsafe {
            let mut st: libc::statfs = std::mem::zeroed();
            (libc::statfs(c.as_ptr(), &mut st) == 0).then_some(st)?
        };
        let text = |chars: &[libc::c_char]| {
            let bytes: Vec<u8> = chars
                .iter()
                .take_while(|c| **c != 0)
                .map(|c| *c as u8)
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Some((
            std::path::PathBuf::from(text(&st.f_mntonname)),
            text(&st.f_fstypename),
            None,
        ))
    }
    #[cfg(not(any(target_os = "macos", target_os = "freebsd", target_os = "openbsd")))]
    {
        let _ = path;
        None
    }
}

/// Total and free bytes, read-only, and the file system id of the file
/// system mounted at `mount_point` (`statvfs`).
fn space(mount_point: &std::path::Path) -> Option<(u64, u64, bool, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(mount_point.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct for a NUL-terminated path.
    let st = unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        (libc::statvfs(c.as_ptr(), &mut st) == 0).then_some(st)?
    };
    let unit = st.f_frsize as u64;
    Some((
        (st.f_blocks as u64).saturating_mul(unit),
        (st.f_bavail as u64).saturating_mul(unit),
        st.f_flag & libc::ST_RDONLY != 0,
        st.f_fsid as u64,
    ))
}

/// The Unix device id of the file system mounted at `mount_point`, hex.
fn device_id(mount_point: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(mount_point)
        .ok()
        .map(|m| format!("{:x}", m.dev()))
}

/// Whether the block device (major, minor), or the disk it is a partition
/// of, says it is removable (`/sys/dev/block/M:m/removable`).
fn removable((major, minor): (u32, u32)) -> bool {
    let dev = std::path::PathBuf::from(format!("/sys/dev/block/{major}:{minor}"));
    [dev.join("removable"), dev.join("../removable")]
        .iter()
        .any(|p| std::fs::read_to_string(p).is_ok_and(|v| v.trim() == "1"))
}

/// The block device node of `(major, minor)`: `/dev/<DEVNAME>` from sysfs.
#[cfg(target_os = "linux")]
fn device_node((major, minor): (u32, u32)) -> Option<std::path::PathBuf> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(
            std::fs::File::open(format!("/sys/dev/block/{major}:{minor}/uevent")).ok()?,
            4096,
        ),
        &mut text,
    )
    .ok()?;
    let name = text.lines().find_map(|l| l.strip_prefix("DEVNAME="))?;
    (!name.contains("..")).then(|| std::path::Path::new("/dev").join(name))
}

/// Whether the block device `(major, minor)` hangs off a USB bus (a USB
/// disk that does not say it is removable is a stick all the same).
fn on_usb((major, minor): (u32, u32)) -> bool {
    std::fs::canonicalize(format!("/sys/dev/block/{major}:{minor}")).is_ok_and(|p| {
        p.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with("usb"))
    })
}

/// See [`super::holders`]: Linux reads `/proc` (never this process).
#[cfg(target_os = "linux")]
pub fn holders(mount: &std::path::Path) -> Vec<String> {
    let me = std::process::id();
    let mut found = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in procs.flatten().take(100_000) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let dir = entry.path();
        let under = |p: std::path::PathBuf| p.starts_with(mount);
        let cwd = std::fs::read_link(dir.join("cwd")).is_ok_and(under);
        let file = cwd
            || std::fs::read_dir(dir.join("fd")).is_ok_and(|fds| {
                fds.flatten()
                    .take(4096)
                    .any(|fd| std::fs::read_link(fd.path()).is_ok_and(under))
            });
        if file {
            let mut name = String::new();
            if let Ok(comm) = std::fs::File::open(dir.join("comm")) {
                let _ =
                    std::io::Read::read_to_string(&mut std::io::Read::take(comm, 64), &mut name);
            }
            let name = name.trim();
            found.push(format!("{name} (pid {pid})"));
            if found.len() == 10 {
                break;
            }
        }
    }
    found
}

/// See [`super::holders`]: nothing tells here.
#[cfg(not(target_os = "linux"))]
pub fn holders(_mount: &std::path::Path) -> Vec<String> {
    Vec::new()
}

/// See [`super::eject_by`]: `udisksctl` on the block device, never the
/// one mounted at `/`.
#[cfg(target_os = "linux")]
pub fn eject_by(root: &std::path::Path) -> super::EjectBy {
    use super::EjectBy;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let Some((mount, fs, device)) = mount_entry(&root) else {
        return EjectBy::NotADrive {
            at: root.display().to_string(),
        };
    };
    let Some(node) = device
        .filter(|_| mount != std::path::Path::new("/"))
        .and_then(device_node)
        .filter(|n| n.exists())
    else {
        return EjectBy::NotADrive {
            at: format!("{}, {fs}", mount.display()),
        };
    };
    let step = |verb: &str| {
        let args = [
            verb.as_ref(),
            "-b".as_ref(),
            node.as_os_str(),
            "--no-user-interaction".as_ref(),
        ];
        (
            "udisksctl",
            args.iter()
                .map(|a: &&std::ffi::OsStr| a.to_os_string())
                .collect(),
        )
    };
    EjectBy::Tool {
        steps: vec![step("unmount"), step("power-off")],
        mount,
    }
}

/// See [`super::eject_by`]: `diskutil eject` of a volume under `/Volumes`,
/// never the system's own.
#[cfg(target_os = "macos")]
pub fn eject_by(root: &std::path::Path) -> super::EjectBy {
    use super::EjectBy;
    match statfs_entry(root) {
        Some((mount, _, _)) if mount.starts_with("/Volumes/") => EjectBy::Tool {
            steps: vec![(
                "diskutil",
                vec!["eject".into(), mount.clone().into_os_string()],
            )],
            mount,
        },
        Some((mount, fs, _)) => EjectBy::NotADrive {
            at: format!("{}, {fs}", mount.display()),
        },
        None => EjectBy::NotADrive {
            at: root.display().to_string(),
        },
    }
}

/// See [`super::eject_by`]: nothing ejects here.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub fn eject_by(root: &std::path::Path) -> super::EjectBy {
    super::EjectBy::NotADrive {
        at: root.display().to_string(),
    }
}

/// See [`super::eject_device`]: there is no configuration manager here.
pub fn eject_device(_instance: u32) -> Result<(), String> {
    Err(String::new())
}

/// Nothing ties a child to usbide here unless asked ([`super::tie_to_parent`]).
pub fn detach(_cmd: &mut std::process::Command) {}

/// Wait until process `pid` has ended, at most `limit`.
pub fn wait_for_exit(pid: u32, limit: std::time::Duration) {
    let started = std::time::Instant::now();
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    while unsafe { libc::kill(pid, 0) } == 0 && started.elapsed() < limit {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// See [`super::flush`]: `syncfs` of the file system holding `root`.
pub fn flush(root: &std::path::Path) {
    #[cfg(target_os = "linux")]
    if let Ok(dir) = std::fs::File::open(root) {
        use std::os::fd::AsRawFd;
        // SAFETY: a valid descriptor of an open file, for the call's length.
        unsafe { libc::syncfs(dir.as_raw_fd()) };
        return;
    }
    // SAFETY: sync takes no argument and cannot fail.
    unsafe { libc::sync() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_program_working_in_a_folder_is_named_as_holding_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut sleeper = std::process::Command::new("sleep")
            .arg("30")
            .current_dir(dir.path())
            .spawn()
            .expect("sleep");
        let pid = sleeper.id();
        let mut found = Vec::new();
        for _ in 0..50 {
            found = holders(dir.path());
            if !found.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = sleeper.kill();
        let _ = sleeper.wait();
        assert!(found.contains(&format!("sleep (pid {pid})")), "{found:?}");
    }

    #[test]
    fn mountinfo_lines_are_read_with_their_escapes() {
        let text = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
                    95 22 8:17 / /media/ann/MY\\040STICK rw,nosuid - vfat /dev/sdb1 rw,uid=1000\n\
                    96 22 0:45 / /mnt/f rw - fuse.fusefat img rw\n";
        let got = parse_mountinfo(text);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].0, std::path::PathBuf::from("/media/ann/MY STICK"));
        assert_eq!(got[1].1, "vfat");
        assert_eq!(got[1].2, Some((8, 17)));
        assert_eq!(got[2].1, "fuse.fusefat");
    }

    #[test]
    fn an_escape_past_a_byte_is_kept_as_written() {
        // `\777` is no byte: taken as text, never a panic.
        assert_eq!(unescape("a\\777b"), "a\\777b");
        assert_eq!(unescape("a\\400"), "a\\400");
        assert_eq!(unescape("x\\134y\\0"), "x\\y\\0");
    }

    #[test]
    fn the_file_system_of_this_test_is_known() {
        let dir = std::env::current_dir().expect("cwd");
        let facts = mount_of(&dir).expect("a mount");
        assert!(dir.starts_with(&facts.mount_point), "{facts:?}");
        assert!(facts.total_bytes > 0 && !facts.file_system.is_empty());
    }
}
