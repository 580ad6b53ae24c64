//! The drive the stick lives on: mount point or drive letter, file system,
//! removable, read-only, space and volume id, as the OS reports them
//! (`crate::platform::mount_of` on Unix, `crate::platform::volume` on Windows).

use std::path::Path;

use serde::Serialize;

use crate::stick::winpath;

/// What usbide knows about the volume holding the stick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriveInfo {
    /// `E:\` on Windows, `/media/ann/STICK` elsewhere.
    pub mount_point: String,
    /// The upper-case drive letter on Windows.
    pub drive_letter: Option<char>,
    /// As the OS names it: `vfat`, `FAT32`, `exfat`, `NTFS`, `fuse.fusefat`...
    pub file_system: String,
    pub removable: bool,
    /// A network drive or share (`DRIVE_REMOTE`; NFS, SMB, SSHFS...).
    #[serde(default)]
    pub remote: bool,
    pub read_only: bool,
    pub total_bytes: u64,
    pub free_bytes: u64,
    /// Unix device id or Windows volume serial number, hex.
    pub volume_id: Option<String>,
}

impl DriveInfo {
    /// FAT32 and exFAT have no permissions: nothing protects `auth.json`.
    pub fn lacks_permissions(&self) -> bool {
        is_fat(&self.file_system)
    }
}

/// Whether a file system name denotes a network file system.
pub fn is_network_fs(file_system: &str) -> bool {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
    ];
    NETWORK.contains(&file_system.to_ascii_lowercase().as_str())
}

/// Whether a file system name denotes FAT12/16/32 or exFAT.
pub fn is_fat(file_system: &str) -> bool {
    let fs = file_system.to_ascii_lowercase();
    fs.contains("fat") || fs.contains("msdos")
}

/// The drive report for the volume at `root` (`E:\`), from what Windows
/// answered about it (`crate::platform::volume`).
pub fn from_volume(v: crate::platform::VolumeFacts, root: &str) -> DriveInfo {
    {
        const DRIVE_REMOVABLE: u32 = 2;
        const DRIVE_REMOTE: u32 = 4;
        DriveInfo {
            mount_point: root.to_string(),
            drive_letter: winpath::drive_letter(root),
            file_system: v.file_system.unwrap_or_else(|| "unknown".into()),
            removable: v.drive_type == DRIVE_REMOVABLE,
            remote: v.drive_type == DRIVE_REMOTE,
            read_only: v.read_only,
            total_bytes: v.total_bytes,
            free_bytes: v.free_bytes,
            volume_id: v.serial.map(|s| format!("{s:08x}")),
        }
    }
}

/// Describe the volume holding `root`: from the OS's volume list, else (on
/// Windows) by asking about the drive root itself. A UNC path
/// (`\\\\server\\share\\stick`) is a network drive.
pub fn detect(root: &Path) -> Option<DriveInfo> {
    listed(root)
        .or_else(|| {
            let drive_root = winpath::drive_root(&root.to_string_lossy())?;
            crate::platform::volume(&drive_root).map(|v| from_volume(v, &drive_root))
        })
        .map(|mut info| {
            let text = root.to_string_lossy();
            let text = text
                .strip_prefix(r"\\?\UNC\")
                .map_or(text.to_string(), |r| format!(r"\\{r}"));
            info.remote |= text.starts_with(r"\\") && !text.starts_with(r"\\?\");
            info
        })
}

/// The OneDrive folder `root` lies in, when the environment names one
/// (`OneDrive`, `OneDriveCommercial`, `OneDriveConsumer`): OneDrive may make
/// files online-only, lock them while it syncs, and upload `auth.json`.
pub fn onedrive_folder(root: &Path, env: &crate::environ::Environ) -> Option<String> {
    ["OneDrive", "OneDriveCommercial", "OneDriveConsumer"]
        .iter()
        .filter_map(|n| env.get_str(n))
        .find(|dir| {
            let (r, d) = (root.to_string_lossy(), dir.trim_end_matches(['\\', '/']));
            !d.is_empty() && (winpath::is_under(&r, d) || root.starts_with(d))
        })
}

/// The volume holding `root`, as the OS reports it.
fn listed(root: &Path) -> Option<DriveInfo> {
    if cfg!(windows) {
        let volume_root = crate::platform::volume_path(root)?;
        return crate::platform::volume(&volume_root).map(|v| from_volume(v, &volume_root));
    }
    let m = crate::platform::mount_of(root)?;
    Some(DriveInfo {
        drive_letter: None,
        remote: is_network_fs(&m.file_system),
        mount_point: m.mount_point,
        file_system: m.file_system,
        removable: m.removable,
        read_only: m.read_only,
        total_bytes: m.total_bytes,
        free_bytes: m.free_bytes,
        volume_id: m.id,
    })
}

/// `12.3 GB`-style size for people.
pub fn human_bytes(bytes: u64) -> String {
    human_bytes_in(bytes, crate::messages::Lang::En)
}

/// [`human_bytes`] in `lang` (`12,3 Go`).
pub fn human_bytes_in(bytes: u64, lang: crate::messages::Lang) -> String {
    let units: Vec<&str> = crate::messages::text(lang).bytes_units.split('|').collect();
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    let name = units.get(unit).copied().unwrap_or_default();
    let number = format!("{value:.1}");
    // `170 MB`, not `170.0 MB`.
    let number = number.strip_suffix(".0").unwrap_or(&number);
    if unit == 0 {
        format!("{bytes} {name}")
    } else if lang == crate::messages::Lang::Fr {
        format!("{} {name}", number.replace('.', ","))
    } else {
        format!("{number} {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fat_names() {
        for fs in ["vfat", "FAT32", "exFAT", "msdos", "fuse.fusefat"] {
            assert!(is_fat(fs), "{fs}");
        }
        for fs in ["NTFS", "ext4", "apfs", "btrfs"] {
            assert!(!is_fat(fs), "{fs}");
        }
    }

    #[test]
    fn a_removable_drive_from_its_root() {
        use crate::platform::VolumeFacts;
        let facts = VolumeFacts {
            drive_type: 2,
            file_system: Some("FAT32".into()),
            serial: Some(0x1234_abcd),
            read_only: false,
            free_bytes: 10,
            total_bytes: 20,
        };
        let info = from_volume(facts, "E:\\");
        assert_eq!(info.drive_letter, Some('E'));
        assert!(info.removable && info.lacks_permissions());
        assert_eq!(info.volume_id.as_deref(), Some("1234abcd"));
        let fixed = from_volume(
            VolumeFacts {
                drive_type: 3,
                ..Default::default()
            },
            "C:\\",
        );
        assert!(!fixed.removable);
        let share = from_volume(
            VolumeFacts {
                drive_type: 4,
                ..Default::default()
            },
            "G:\\",
        );
        assert!(share.remote && !share.removable);
        assert_eq!(fixed.file_system, "unknown");
    }

    #[test]
    fn the_root_file_system_holds_this_test() {
        let dir = std::env::current_dir().expect("cwd");
        let info = detect(&dir).expect("the current folder is on a listed volume");
        assert!(dir.starts_with(&info.mount_point));
        assert!(info.total_bytes >= info.free_bytes);
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(human_bytes(31_900_000_000), "31.9 GB");
        assert_eq!(human_bytes(170_000_000), "170 MB");
        let fr = crate::messages::Lang::Fr;
        assert_eq!(human_bytes_in(31_900_000_000, fr), "31,9 Go");
        assert_eq!(human_bytes_in(999, fr), "999 o");
    }
}
