//! Step one of a launch: which stick usbide runs from, and where its parts are.

pub mod drive;
pub mod root;
pub mod winpath;

use std::path::{Path, PathBuf};

pub use drive::DriveInfo;

/// The stick layout, all paths absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stick {
    /// The folder holding `codex_home/`, `payload/`, `usbide[.exe]`.
    pub root: PathBuf,
    /// The payload folder (`<root>/payload` unless `USBIDE_PAYLOAD_DIR`).
    pub payload_dir: PathBuf,
}

impl Stick {
    /// The layout under `root`, with an optional payload folder elsewhere.
    pub fn new(root: PathBuf, payload_dir: Option<&Path>) -> Self {
        let payload_dir = match payload_dir {
            Some(p) => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
            None => root.join("payload"),
        };
        Self { root, payload_dir }
    }

    /// `<root>/codex_home`: what codex gets as `CODEX_HOME`.
    pub fn codex_home(&self) -> PathBuf {
        self.root.join("codex_home")
    }

    /// The volume the stick is on (reads the OS disk list; not free).
    pub fn drive(&self) -> Option<DriveInfo> {
        drive::detect(&self.root)
    }
}
