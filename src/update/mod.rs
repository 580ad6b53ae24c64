//! `usbide update`: replace the usbide on the stick with a newer release,
//! signed by its publisher, with a way back. A stick is updated on whatever
//! computer it is plugged into, sometimes offline (`--from FILE`), sometimes
//! pulled out half-way: at every moment the stick holds a usbide that starts.
//!
//! The steps: find the release ([`release`]), read it once into memory
//! (downloaded, or `--from FILE`: the file is never opened twice, so what
//! is verified is what is installed), verify its zipsign signature against the keys compiled in (the archive's own name is
//! signed too: a renamed archive fails), check and unpack its one binary
//! ([`archive`]), run it once (`--version` must name the expected version),
//! keep the running binary as `usbide.old`, and swap the new one in
//! ([`replace`], with the `self_replace` crate: a running `.exe` on Windows
//! too). `--rollback` swaps `usbide.old` back.

pub mod archive;
pub mod check;
pub mod release;
pub mod replace;

use crate::messages::UserError as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use semver::Version;

use crate::messages::{fill, text};

/// Why an update was refused or failed. The installed usbide is unchanged.
/// Its words are in the catalogue ([`UpdateError::message`]); `Display` is
/// the English.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::messages::Lang::En))]
pub enum UpdateError {
    Fetch { url: String, reason: String },
    NoAsset { what: String, name: String },
    Signature { name: String, reason: String },
    Archive { name: String, reason: String },
    TooLarge { name: String, size: u64 },
    Probe { expected: String, reason: String },
    NotNewer { found: String, current: String },
    BadVersion(String),
    NoPrevious(PathBuf),
    Replace { path: String, reason: String },
}

impl crate::messages::UserError for UpdateError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = text(lang);
        match self {
            Self::Fetch { url, reason } => {
                fill(t.update_fetch, &[("url", url), ("reason", reason)])
            }
            Self::NoAsset { what, name } => {
                fill(t.update_no_asset, &[("what", what), ("name", name)])
            }
            Self::Signature { name, reason } => {
                fill(t.update_signature, &[("name", name), ("reason", reason)])
            }
            Self::Archive { name, reason } => {
                fill(t.update_archive, &[("name", name), ("reason", reason)])
            }
            Self::TooLarge { name, size } => fill(
                t.update_too_large,
                &[("name", name), ("size", &size.to_string())],
            ),
            Self::Probe { expected, reason } => fill(
                t.update_probe,
                &[("expected", expected), ("reason", reason)],
            ),
            Self::NotNewer { found, current } => fill(
                t.update_not_newer,
                &[("found", found), ("current", current)],
            ),
            Self::BadVersion(v) => fill(t.update_bad_version, &[("version", v)]),
            Self::NoPrevious(p) => {
                fill(t.update_no_previous, &[("path", &p.display().to_string())])
            }
            Self::Replace { path, reason } => {
                fill(t.update_replace, &[("path", path), ("reason", reason)])
            }
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::UPDATE
    }
}

/// This usbide's version.
pub fn current() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).unwrap_or_else(|_| Version::new(0, 0, 0))
}

/// Whether `found` may replace this usbide: newer, or any other version
/// with `--allow-downgrade`; the same version never (nothing to do).
pub fn newer_or_allowed(found: &Version, allow_downgrade: bool) -> Result<bool, UpdateError> {
    let current = current();
    if *found > current {
        return Ok(true);
    }
    if *found == current {
        return Ok(false);
    }
    if allow_downgrade {
        Ok(true)
    } else {
        Err(UpdateError::NotNewer {
            found: found.to_string(),
            current: current.to_string(),
        })
    }
}

/// Verify, unpack, probe and swap in `archive`: the binary comes from the
/// very bytes whose signature was checked.
pub fn install_archive(
    exe: &Path,
    archive: &release::Archive,
    version: &Version,
    after_verify: impl FnOnce(),
) -> Result<(), UpdateError> {
    archive::verify(archive)?;
    after_verify();
    let new = replace::new_path(exe);
    archive::extract_binary(archive, &new)?;
    if let Err(e) = replace::probe(&new, version) {
        let _ = std::fs::remove_file(&new);
        return Err(e);
    }
    replace::swap_in(exe, &new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_themselves_in_english_and_french() {
        let e = UpdateError::NotNewer {
            found: "0.0.9".into(),
            current: "0.1.0".into(),
        };
        assert!(e.to_string().starts_with("0.0.9 is not newer"), "{e}");
        let fr = crate::messages::UserError::message(&e, crate::messages::Lang::Fr);
        assert!(fr.starts_with("0.0.9 n'est pas plus récent"), "{fr}");
    }
}
