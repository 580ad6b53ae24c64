//! `payload/<target>/usbide-install.json`: what was installed, from where,
//! and the SHA-256 of every file, so `payload status` (and the doctor) can
//! tell a verified tree from a damaged one without the network.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::payload::digest::sha256_file;

/// The record's file name inside a tree.
pub const FILE: &str = "usbide-install.json";

/// One installed tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub version: String,
    pub target: String,
    /// `npm:@openai/codex@...` or `github:openai/codex@...`.
    pub origin: String,
    /// The verified archive digest.
    pub archive_digest: String,
    pub files: Vec<FileEntry>,
}

/// A file of the tree, relative with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// Modification time at install (Unix seconds); records of older
    /// usbide versions have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
}

/// Modification time of `meta` in Unix seconds.
fn modified_secs(meta: &fs::Metadata) -> Option<i64> {
    let t = meta.modified().ok()?;
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok(),
        Err(e) => i64::try_from(e.duration().as_secs()).ok().map(|s| -s),
    }
}

/// Whether `now` is the recorded time `then`, as a FAT stick shows it on
/// another computer: FAT keeps local time at 2 s steps, so the same file
/// reads hours off under another time zone.
fn same_time(then: i64, now: i64) -> bool {
    const QUARTER_HOUR: i64 = 15 * 60;
    let diff = (now - then).abs();
    if diff > 14 * 3600 + 2 {
        return false;
    }
    let off = diff % QUARTER_HOUR;
    off <= 2 || off >= QUARTER_HOUR - 2
}

/// The result of checking a tree against its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Verified { files: usize },
    Missing(String),
    Modified(String),
}

impl Record {
    /// Hash every file under `tree` (except the record itself).
    pub fn hash_tree(tree: &Path) -> io::Result<Vec<FileEntry>> {
        let mut files = Vec::new();
        walk(tree, tree, &mut files)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Read the record of `tree`.
    pub fn load(tree: &Path) -> io::Result<Self> {
        let text = fs::read_to_string(tree.join(FILE))?;
        serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Write the record into `tree` atomically.
    pub fn save(&self, tree: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        crate::fsx::write_atomic(&tree.join(FILE), text.as_bytes())
    }

    /// The quick check of every launch: each file is there with its size and
    /// time; only a file whose size or time differs is hashed.
    pub fn quick_verify(&self, tree: &Path) -> Verdict {
        for f in &self.files {
            let path = tree.join(&f.path);
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => m,
                _ => return Verdict::Missing(f.path.clone()),
            };
            if meta.len() != f.size {
                return Verdict::Modified(f.path.clone());
            }
            let same = match (f.modified, modified_secs(&meta)) {
                (Some(then), Some(now)) => same_time(then, now),
                _ => true,
            };
            if !same && sha256_file(&path).ok().as_deref() != Some(f.sha256.as_str()) {
                return Verdict::Modified(f.path.clone());
            }
        }
        Verdict::Verified {
            files: self.files.len(),
        }
    }

    /// Re-hash the files and compare.
    pub fn verify(&self, tree: &Path) -> Verdict {
        for f in &self.files {
            let path = tree.join(&f.path);
            match fs::metadata(&path) {
                Err(_) => return Verdict::Missing(f.path.clone()),
                Ok(m) if m.len() != f.size => return Verdict::Modified(f.path.clone()),
                Ok(_) => {}
            }
            if sha256_file(&path).ok().as_deref() != Some(f.sha256.as_str()) {
                return Verdict::Modified(f.path.clone());
            }
        }
        Verdict::Verified {
            files: self.files.len(),
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<FileEntry>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let meta = fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            walk(root, &path, out)?;
        } else if meta.is_file() {
            let rel = path.strip_prefix(root).map_err(io::Error::other)?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel != FILE {
                out.push(FileEntry {
                    sha256: sha256_file(&path)?,
                    size: meta.len(),
                    modified: modified_secs(&meta),
                    path: rel,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fat_time_seen_from_another_time_zone_is_the_same_time() {
        assert!(same_time(1000, 1000) && same_time(1000, 1002) && same_time(1000, 998));
        assert!(same_time(1000, 1000 + 3600) && same_time(1000, 1000 - 5 * 3600 - 1800));
        assert!(!same_time(1000, 1010) && !same_time(1000, 1000 + 600));
        assert!(!same_time(1000, 1000 + 2 * 86400));
    }

    #[test]
    fn a_changed_or_missing_file_is_caught() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("bin")).expect("bin");
        fs::write(dir.path().join("bin/codex"), "v1").expect("exe");
        fs::write(dir.path().join("codex-package.json"), "{}").expect("pkg");
        let touch = |days: u64| {
            let at = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86400);
            fs::File::options()
                .write(true)
                .open(dir.path().join("bin/codex"))
                .expect("open")
                .set_modified(at)
                .expect("touch");
        };
        touch(3);
        let record = Record {
            version: "1".into(),
            target: "t".into(),
            origin: "o".into(),
            archive_digest: "d".into(),
            files: Record::hash_tree(dir.path()).expect("hash"),
        };
        record.save(dir.path()).expect("save");
        assert_eq!(Record::load(dir.path()).expect("load"), record);
        assert_eq!(record.verify(dir.path()), Verdict::Verified { files: 2 });
        assert_eq!(
            record.quick_verify(dir.path()),
            Verdict::Verified { files: 2 }
        );
        // Same size, another time: the quick check hashes it.
        touch(5);
        assert_eq!(
            record.quick_verify(dir.path()),
            Verdict::Verified { files: 2 }
        );
        fs::write(dir.path().join("bin/codex"), "v2").expect("tamper");
        assert_eq!(
            record.quick_verify(dir.path()),
            Verdict::Modified("bin/codex".into())
        );
        assert_eq!(
            record.verify(dir.path()),
            Verdict::Modified("bin/codex".into())
        );
        fs::remove_file(dir.path().join("bin/codex")).expect("rm");
        assert_eq!(
            record.verify(dir.path()),
            Verdict::Missing("bin/codex".into())
        );
    }
}
