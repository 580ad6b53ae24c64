//! A release archive: its signature, and its one binary. A usbide release
//! zip holds exactly one file, `usbide` (`usbide.exe` on Windows), at its
//! top; anything else (a folder, a path that climbs out, an absolute path, a
//! link, a second file, a binary larger than any usbide) is refused before
//! a byte is written.

use std::io::Read;
use std::path::Path;

use crate::update::UpdateError;

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
    #[cfg(debug_assertions)]
    let keys = keys.chain(
        std::env::var("USBIDE_TEST_UPDATE_KEY")
            .ok()
            .and_then(|hex_key| hex::decode(hex_key.trim()).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok()),
    );
    keys.collect()
}

/// Check the archive's zipsign signature (which covers its file name).
pub fn verify(path: &Path) -> Result<(), UpdateError> {
    let name = display_name(path);
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
    let mut file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    zipsign_api::verify::verify_zip(&mut file, &keys, Some(name.as_bytes()))
        .map(drop)
        .map_err(|e| bad(e.to_string()))
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file name of the binary in a release for this computer.
pub fn binary_name() -> String {
    format!("usbide{}", std::env::consts::EXE_SUFFIX)
}

/// Unpack the archive's one binary to `dest` (executable), after checking
/// every entry.
pub fn extract_binary(path: &Path, dest: &Path) -> Result<(), UpdateError> {
    let name = display_name(path);
    let bad = |reason: String| UpdateError::Archive {
        name: name.clone(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    if zip.len() != 1 {
        return Err(bad(format!(
            "it holds {} entries, not only {}",
            zip.len(),
            binary_name()
        )));
    }
    let mut entry = zip.by_index(0).map_err(|e| bad(e.to_string()))?;
    let entry_name = entry.name().map_err(|e| bad(e.to_string()))?.into_owned();
    let is_link = entry
        .unix_mode()
        .is_some_and(|m| m & 0o170_000 == 0o120_000);
    if entry_name != binary_name() || entry.is_dir() || entry.enclosed_name().is_none() || is_link {
        return Err(bad(format!(
            "its entry {:?} is not a plain {} at its top",
            crate::events::escape::escape(&entry_name),
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
