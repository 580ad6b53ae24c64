//! Which stick usbide runs from, and where its parts are.

pub mod drive;
pub mod root;
pub mod winpath;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use drive::DriveInfo;

/// The stick layout, all paths absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stick {
    /// The folder holding `codex_home/`, `payload/`, `usbide[.exe]`.
    pub root: PathBuf,
    /// The payload folder (`<root>/payload` unless `USBIDE_PAYLOAD_DIR`).
    pub payload_dir: PathBuf,
    /// The volume, read once (the launch preflight and the location record
    /// both want it).
    drive: OnceLock<Option<DriveInfo>>,
}

impl Stick {
    /// The layout under `root`, with an optional payload folder elsewhere.
    pub fn new(root: PathBuf, payload_dir: Option<&Path>) -> Self {
        let payload_dir = match payload_dir {
            Some(p) => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
            None => root.join("payload"),
        };
        Self {
            root,
            payload_dir,
            drive: OnceLock::new(),
        }
    }

    /// `<root>/codex_home`: what codex gets as `CODEX_HOME`.
    pub fn codex_home(&self) -> PathBuf {
        self.root.join("codex_home")
    }

    /// The volume the stick is on (reads the OS disk list once; not free).
    pub fn drive(&self) -> Option<DriveInfo> {
        self.drive.get_or_init(|| drive::detect(&self.root)).clone()
    }
}

/// usbide's own folder in `codex_home` (`.usbide`, ignored by the
/// `.gitignore`): its log, records and the copies it keeps.
pub fn state_dir(codex_home: &Path) -> PathBuf {
    codex_home.join(".usbide")
}

/// The most of a record usbide reads (its records are a few hundred bytes).
const STATE_MAX: u64 = 256 * 1024;

/// One of usbide's JSON records in [`state_dir`] (`None`: absent,
/// unreadable, a link or a FIFO, or not a `T`).
pub fn read_state<T: serde::de::DeserializeOwned>(codex_home: &Path, name: &str) -> Option<T> {
    let bytes = crate::fsx::read_capped(&state_dir(codex_home).join(name), STATE_MAX)?;
    serde_json::from_slice(&bytes).ok()
}

/// Write one of usbide's JSON records in [`state_dir`] atomically.
pub fn write_state<T: serde::Serialize>(
    codex_home: &Path,
    name: &str,
    value: &T,
) -> std::io::Result<()> {
    std::fs::create_dir_all(state_dir(codex_home))?;
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    crate::fsx::write_atomic(&state_dir(codex_home).join(name), &json)
}
