//! Unpacking a verified archive into a staging folder, safely: no entry may
//! leave the folder, links are skipped, the whole never unpacks to more than
//! a cap (a decompression bomb would fill the stick), and permissions are
//! applied where the file system has them (FAT has none; that is not an error).

use crate::messages::UserError as _;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::payload::layout::safe_relative;
use crate::payload::source::ArchiveKind;

/// An archive refused while unpacking (inside the [`io::Error`]).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::messages::Lang::En))]
pub enum Refused {
    /// An entry whose path leaves the payload folder.
    Escapes { name: String },
    /// More bytes than the budget allows.
    TooBig { cap: u64 },
}

impl crate::messages::UserError for Refused {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Escapes { name } => {
                crate::messages::fill(t.archive_escapes, &[("name", &format!("{name:?}"))])
            }
            Self::TooBig { cap } => {
                crate::messages::fill(t.archive_bomb, &[("max", &cap.to_string())])
            }
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::PAYLOAD
    }
}

/// Unpack `archive` into `dest` (created), writing at most `cap` bytes.
pub fn unpack(archive: &Path, kind: ArchiveKind, dest: &Path, cap: u64) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    let mut budget = Budget { left: cap, cap };
    match kind {
        ArchiveKind::TarGz => untar(archive, dest, &mut budget),
        ArchiveKind::Zip => unzip(archive, dest, &mut budget),
    }
}

/// What may still be written.
struct Budget {
    left: u64,
    cap: u64,
}

fn untar(archive: &Path, dest: &Path, budget: &mut Budget) -> io::Result<()> {
    let gz = flate2::read::GzDecoder::new(io::BufReader::new(File::open(archive)?));
    let mut tar = tar::Archive::new(gz);
    for entry in tar.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let mode = entry.header().mode().ok();
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                fs::create_dir_all(target_path(dest, &name)?)?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                write_file(dest, &name, &mut entry, mode, budget)?;
            }
            _ => {} // links and specials: codex packages have none
        }
    }
    Ok(())
}

fn unzip(archive: &Path, dest: &Path, budget: &mut Budget) -> io::Result<()> {
    let mut zip =
        zip::ZipArchive::new(io::BufReader::new(File::open(archive)?)).map_err(io::Error::other)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(io::Error::other)?;
        let name = entry.name().map_err(io::Error::other)?.into_owned();
        if entry.is_dir() {
            fs::create_dir_all(target_path(dest, &name)?)?;
        } else if entry.is_file() {
            let mode = entry.unix_mode();
            write_file(dest, &name, &mut entry, mode, budget)?;
        }
    }
    Ok(())
}

fn target_path(dest: &Path, name: &str) -> io::Result<PathBuf> {
    let trimmed = name.trim_end_matches('/');
    if !safe_relative(trimmed) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            Refused::Escapes { name: name.into() },
        ));
    }
    Ok(dest.join(trimmed))
}

fn write_file(
    dest: &Path,
    name: &str,
    reader: &mut impl Read,
    mode: Option<u32>,
    budget: &mut Budget,
) -> io::Result<()> {
    let path = target_path(dest, name)?;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut out = File::create(&path)?;
    // One byte past the budget tells "too big" from "exactly fits".
    let written = io::copy(&mut reader.take(budget.left.saturating_add(1)), &mut out)?;
    if written > budget.left {
        drop(out);
        let _ = fs::remove_file(&path);
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            Refused::TooBig { cap: budget.cap },
        ));
    }
    budget.left -= written;
    out.sync_all()?;
    set_mode(&path, mode);
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: Option<u32>) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(mode) = mode {
        // FAT refuses chmod; its files are all executable anyway.
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o777));
    }
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: Option<u32>) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o755);
            header.set_entry_type(tar::EntryType::Regular);
            // set_path refuses `..`; write the raw name like a hostile archive would.
            let raw = &mut header.as_old_mut().name;
            raw[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            builder.append(&header, *data).expect("append");
        }
        builder.into_inner().expect("tar").finish().expect("gz")
    }

    #[test]
    fn unpacks_files_with_their_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = dir.path().join("a.tgz");
        fs::write(&archive, tgz(&[("package/vendor/t/bin/codex", b"#!")])).expect("write");
        unpack(
            &archive,
            ArchiveKind::TarGz,
            &dir.path().join("out"),
            1 << 20,
        )
        .expect("unpack");
        let exe = dir.path().join("out/package/vendor/t/bin/codex");
        assert_eq!(fs::read(&exe).expect("read"), b"#!");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&exe).expect("meta").permissions().mode() & 0o777,
                0o755
            );
        }
    }

    #[test]
    fn refuses_entries_that_escape() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = dir.path().join("a.tgz");
        fs::write(&archive, tgz(&[("../evil", b"x")])).expect("write");
        let err = unpack(
            &archive,
            ArchiveKind::TarGz,
            &dir.path().join("out"),
            1 << 20,
        )
        .expect_err("refused");
        assert!(
            err.to_string().contains("leave the payload folder"),
            "{err}"
        );
        assert!(!dir.path().join("evil").exists());
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = dir.path().join("a.tgz");
        let big = vec![0u8; 3 << 20];
        fs::write(&archive, tgz(&[("a", b"12345"), ("zeros", &big)])).expect("write");
        let out = dir.path().join("out");
        let err = unpack(&archive, ArchiveKind::TarGz, &out, 1 << 20).expect_err("refused");
        assert!(err.to_string().contains("more than 1048576 bytes"), "{err}");
        assert!(!out.join("zeros").exists());
        unpack(&archive, ArchiveKind::TarGz, &out, (3 << 20) + 5).expect("fits exactly");
    }
}
