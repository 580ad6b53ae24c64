//! A release archive: its signature, and its one binary. A usbide release
//! zip holds exactly one file, `usbide` (`usbide.exe` on Windows), at its
//! top; anything else (a folder, a path that climbs out, an absolute path, a
//! link, a second file, a binary larger than any usbide) is refused before
//! a byte is written.

use std::io::Read;
use std::path::Path;

use crate::update::UpdateError;
use crate::update::release::Archive;

/// The most the binary inside may weigh (a debug build, with its debug
/// information, is ten times a release).
pub const MAX_BINARY_BYTES: u64 = if cfg!(debug_assertions) {
    768 << 20
} else {
    128 << 20
};

/// The release keys usbide trusts: two slots, so that a new key can be
/// published before the old one is retired. Slot 1 is the key whose
/// private half signs releases in the release workflow (repository secret
/// `ZIPSIGN_KEY`); slot 2 is empty until a rotation.
const SLOTS: [Option<&[u8; 32]>; 2] = [Some(include_bytes!("../../keys/release-1.pub")), None];

/// The keys an archive must be signed with (one of them).
pub fn trusted_keys() -> Vec<[u8; zipsign_api::PUBLIC_KEY_LENGTH]> {
    let keys = SLOTS.iter().flatten().map(|k| **k);
    // Test hook (debug builds only): the test fixtures' key, in hex.
    let keys = keys.chain(
        crate::hooks::get()
            .update_key
            .as_deref()
            .and_then(|hex_key| hex::decode(hex_key.trim()).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok()),
    );
    keys.collect()
}

/// Check the archive's zipsign signature (which covers its file name).
pub fn verify(archive: &Archive) -> Result<(), UpdateError> {
    let name = archive.name.clone();
    let keys = trusted_keys();
    if keys.is_empty() {
        return Err(UpdateError::Signature {
            name,
            reason: "this usbide trusts no release key".into(),
        });
    }
    let bad = |reason: String| UpdateError::Signature {
        name: name.clone(),
        reason,
    };
    let keys = zipsign_api::verify::collect_keys(keys.into_iter().map(Ok))
        .map_err(|e| bad(e.to_string()))?;
    let mut bytes = std::io::Cursor::new(archive.bytes.as_slice());
    zipsign_api::verify::verify_zip(&mut bytes, &keys, Some(name.as_bytes()))
        .map(drop)
        .map_err(|e| bad(e.to_string()))
}

/// How many entries the archive's central directory says it holds (the
/// end-of-central-directory record's total); `None` when it has none.
fn directory_entries(bytes: &[u8]) -> Option<usize> {
    const EOCD: &[u8] = b"PK\x05\x06";
    // The record is the last 22 bytes plus a comment of at most 64 KiB.
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let at = memchr::memmem::rfind(&bytes[from..], EOCD)? + from;
    let total = bytes.get(at + 10..at + 12)?;
    Some(usize::from(u16::from_le_bytes([total[0], total[1]])))
}

/// The file name of the binary in a release for this computer.
pub fn binary_name() -> String {
    format!("usbide{}", std::env::consts::EXE_SUFFIX)
}

/// Unpack the archive's one binary to `dest` (executable), after checking
/// every entry.
pub fn extract_binary(archive: &Archive, dest: &Path) -> Result<(), UpdateError> {
    let name = archive.name.clone();
    let bad = |reason: String| UpdateError::Archive {
        name: name.clone(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive.bytes.as_slice()))
        .map_err(|e| bad(e.to_string()))?;
    // The zip reader keeps one entry per name: a second entry of the same
    // name (which `unzip` would skip and the reader would take) is counted
    // from the archive's own directory.
    let entries = directory_entries(&archive.bytes)
        .unwrap_or(0)
        .max(zip.len());
    if entries != 1 {
        return Err(bad(format!(
            "it holds {entries} entries, not only {}",
            binary_name()
        )));
    }
    let mut entry = zip.by_index(0).map_err(|e| bad(e.to_string()))?;
    let entry_name = entry.name().map_err(|e| bad(e.to_string()))?.into_owned();
    // A plain file: no mode, or a mode whose type is "regular file" (never
    // a link, folder, FIFO or device).
    let not_plain = entry
        .unix_mode()
        .is_some_and(|m| !matches!(m & 0o170_000, 0 | 0o100_000));
    if entry_name != binary_name() || entry.is_dir() || entry.enclosed_name().is_none() || not_plain
    {
        return Err(bad(format!(
            "its entry {:?} is not a plain {} at its top",
            crate::escape::escape(&entry_name),
            binary_name()
        )));
    }
    if entry.size() > MAX_BINARY_BYTES {
        return Err(UpdateError::TooLarge {
            name: entry_name,
            size: entry.size(),
        });
    }
    // Streamed to a temp file beside `dest` (never more than the cap), then
    // renamed over it.
    let dir = dest.parent().unwrap_or(Path::new("."));
    let place = |e: std::io::Error| UpdateError::Replace {
        path: dest.display().to_string(),
        reason: e.to_string(),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".usbide.new.")
        .suffix(crate::fsx::TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(place)?;
    let written = std::io::copy(&mut (&mut entry).take(MAX_BINARY_BYTES + 1), &mut temp)
        .map_err(|e| bad(e.to_string()))?;
    if written > MAX_BINARY_BYTES {
        return Err(UpdateError::TooLarge {
            name: entry_name,
            size: written,
        });
    }
    temp.as_file().sync_all().map_err(place)?;
    temp.persist(dest).map_err(|e| place(e.error))?;
    crate::platform::make_executable(dest);
    Ok(())
}
