//! The little that differs per OS, behind one set of function names so that
//! callers carry no `cfg`. It knows nothing of usbide: it answers with the
//! OS's own facts (a volume, the Internet Settings), which the modules above
//! interpret. Anything "Windows" that is pure logic lives in ordinary modules
//! (`stick::winpath`, `net::sysproxy`) where Linux tests run it.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

use std::process::ExitStatus;

/// While alive, Ctrl+C (and Ctrl+Break / SIGQUIT) belong to the child: usbide
/// itself ignores them and waits for codex to finish.
#[derive(Debug)]
pub struct InterruptsToChild(imp::Saved);

impl InterruptsToChild {
    /// Start ignoring interrupts in this process. Call after spawning the
    /// child, so that the child does not inherit "ignore".
    pub fn begin() -> Self {
        Self(imp::ignore_interrupts())
    }
}

impl Drop for InterruptsToChild {
    fn drop(&mut self) {
        imp::restore_interrupts(&self.0);
    }
}

/// The exit code a shell would report: the code, or 128 + signal number.
pub fn exit_code(status: ExitStatus) -> i32 {
    imp::exit_code(status)
}

/// Let ANSI colour codes through to the console (Windows 10+); a no-op elsewhere.
pub fn enable_ansi() -> bool {
    imp::enable_ansi()
}

/// The OS user locale (`fr-FR`) where the OS has one apart from `LANG`.
pub fn user_locale() -> Option<String> {
    imp::user_locale()
}

/// The values of `HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InternetSettings {
    pub proxy_enable: bool,
    /// `ProxyServer`: `host:port`, or `http=h:p;https=h:p;socks=h:p`.
    pub proxy_server: Option<String>,
    /// `ProxyOverride`: `<local>;*.corp.example;10.*`.
    pub proxy_override: Option<String>,
    /// `AutoConfigURL`: a PAC script.
    pub auto_config_url: Option<String>,
    /// `Connections\DefaultConnectionSettings`, whose flags say whether
    /// "Automatically detect settings" (WPAD) is on.
    pub connection_settings: Vec<u8>,
}

/// What Windows answers about a drive root (`GetDriveTypeW`,
/// `GetVolumeInformationW`, `GetDiskFreeSpaceExW`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeFacts {
    /// `DRIVE_REMOVABLE` (2), `DRIVE_FIXED` (3), `DRIVE_REMOTE` (4), ...
    pub drive_type: u32,
    pub file_system: Option<String>,
    pub serial: Option<u32>,
    pub read_only: bool,
    pub free_bytes: u64,
    pub total_bytes: u64,
}

/// What the OS says about the file system holding a path (Unix).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MountFacts {
    pub mount_point: String,
    /// As the OS names it: `vfat`, `exfat`, `ext4`, `fuse.fusefat`...
    pub file_system: String,
    pub read_only: bool,
    /// The block device (or the disk it is part of) says it is removable.
    pub removable: bool,
    pub total_bytes: u64,
    pub free_bytes: u64,
    /// The Unix device id, hex.
    pub id: Option<String>,
}

/// The file system holding `path` (Unix; `None` elsewhere: see [`volume`]).
pub fn mount_of(path: &std::path::Path) -> Option<MountFacts> {
    imp::mount_of(path)
}

/// The root of the volume holding `path` (`E:\`, or a folder a volume is
/// mounted in; Windows only).
pub fn volume_path(path: &std::path::Path) -> Option<String> {
    imp::volume_path(path)
}

/// The Windows Internet Settings of the current user (`None` elsewhere).
pub fn internet_settings() -> Option<InternetSettings> {
    imp::internet_settings()
}

/// Tie every child usbide starts to usbide's own life (call once, first):
/// on Windows a kill-on-close job object that children inherit.
pub fn contain_children() {
    imp::contain_children()
}

/// Make `cmd`'s process die with usbide (Linux: parent-death signal; Windows:
/// the job of [`contain_children`] already does it).
pub fn tie_to_parent(cmd: &mut std::process::Command) {
    imp::tie_to_parent(cmd)
}

/// What the OS says about the volume whose root is `root` (`E:\`), for
/// drives that its volume list does not hold (Windows only).
pub fn volume(root: &str) -> Option<VolumeFacts> {
    imp::volume(root)
}

/// Administrator rights and UAC of this process (Windows only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Elevation {
    /// Running with full administrator rights now.
    pub elevated: bool,
    /// An administrator whose rights UAC holds back until a prompt.
    pub split_admin: bool,
    /// `EnableLUA`: UAC is on (`None`: unknown).
    pub uac: Option<bool>,
}

impl Elevation {
    /// An elevated helper can be started: already elevated, or one UAC
    /// consent prompt away.
    pub fn can_elevate(&self) -> bool {
        self.elevated || (self.split_admin && self.uac != Some(false))
    }
}

/// This computer's own id, the same across reboots, drive letters and
/// renames: Windows' `MachineGuid`, `/etc/machine-id` elsewhere. Never shown
/// or stored as it is (see `crate::settings::host_id`).
pub fn machine_id() -> Option<String> {
    // Read once per run: the settings are resolved twice (before and after
    // the stick's usbide.toml is found).
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| imp::machine_id().filter(|id| !id.trim().is_empty()))
        .clone()
}

/// Windows' own program folder (`C:\Windows\System32`), asked of Windows
/// itself: its tools are run from there, never found through the search
/// path or the current folder (`None` elsewhere).
pub fn system_dir() -> Option<std::path::PathBuf> {
    imp::system_dir()
}

/// Run `program` with `args` as an administrator (one UAC prompt, Windows
/// only) and wait for it: its exit code, `None` when it could not start or
/// the prompt was declined.
pub fn run_elevated(program: &std::path::Path, args: &str) -> Option<u32> {
    imp::run_elevated(program, args)
}

/// Administrator rights and UAC of this process (`None` outside Windows).
pub fn elevation() -> Option<Elevation> {
    imp::elevation()
}

/// Whether this process's console window belongs to it alone: started by a
/// double-click in Explorer, not from a terminal (Windows only).
pub fn console_alone() -> bool {
    imp::console_alone()
}

/// Whether Windows allows paths past 260 characters (`None` outside Windows).
pub fn long_paths_enabled() -> Option<bool> {
    imp::long_paths_enabled()
}

/// Let the owner run `path` (a copied usbide); nothing to do on Windows.
pub fn make_executable(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Create `path` as a folder only the current user can open (Unix: 0700;
/// Windows: an owner-only ACL), private from its creation.
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    imp::create_private_dir(path)
}

/// Whether what `meta` describes (taken without following links) belongs
/// to the user running usbide.
pub fn owned_by_me(path: &std::path::Path, meta: &std::fs::Metadata) -> bool {
    imp::owned_by_me(path, meta)
}

/// Make `opts` open the last component itself, never what a link there
/// points at, and never wait on a FIFO.
pub fn no_follow(opts: &mut std::fs::OpenOptions) {
    imp::no_follow(opts)
}

/// How many names (hard links) the open file has.
pub fn link_count(file: &std::fs::File) -> Option<u64> {
    imp::link_count(file)
}

/// Whether `meta` (taken without following links) is a link: a symlink, or
/// on Windows any reparse point (junctions too).
pub fn is_link(meta: &std::fs::Metadata) -> bool {
    imp::is_link(meta)
}

/// How the drive that holds the stick is ejected on this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EjectBy {
    /// The OS's tool, step after step: each a program and its arguments
    /// (Linux: `udisksctl unmount`, then `power-off`; macOS: `diskutil
    /// eject`); `mount`: where the drive is mounted.
    Tool {
        steps: Vec<(&'static str, Vec<std::ffi::OsString>)>,
        mount: std::path::PathBuf,
    },
    /// Windows: the configuration manager ejects this device instance (see
    /// [`eject_device`]); `at`: the drive letter.
    Device { at: String, instance: u32 },
    /// Not a drive of its own (a folder of the system disk, a fixed disk, a
    /// network share, an image file): where it is, and its file system.
    NotADrive { at: String },
}

/// How the drive holding `root` is ejected: only a removable (or, on
/// Linux, USB) drive that is not the system's.
pub fn eject_by(root: &std::path::Path) -> EjectBy {
    imp::eject_by(root)
}

/// Ask the configuration manager to eject device `instance` (Windows); the
/// reason it gave when it did not.
pub fn eject_device(instance: u32) -> Result<(), String> {
    imp::eject_device(instance)
}

/// The programs of this user with a file or their working folder under
/// `mount`: `name (pid N)`, at most ten (Linux; none elsewhere).
pub fn holders(mount: &std::path::Path) -> Vec<String> {
    imp::holders(mount)
}

/// Write what the OS still holds in memory for the file system holding
/// `root` to the drive.
pub fn flush(root: &std::path::Path) {
    imp::flush(root)
}

/// Wait until process `pid` has ended, at most `limit`.
pub fn wait_for_exit(pid: u32, limit: std::time::Duration) {
    imp::wait_for_exit(pid, limit)
}

/// Start `cmd`'s process so that it outlives usbide (Windows: outside the
/// job of [`contain_children`]).
pub fn detach(cmd: &mut std::process::Command) {
    imp::detach(cmd)
}
