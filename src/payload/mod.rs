//! The codex binaries on the stick: `payload/<target-triple>/` trees as Codex
//! ships them, the pinned `payload.toml`, and the installer that fills them.

pub mod digest;
pub mod install;
pub mod layout;
pub mod manifest;
pub mod record;
pub mod source;
pub mod target;
pub mod unpack;

use crate::messages::UserError as _;
use std::fs;
use std::path::{Path, PathBuf};

pub use layout::Tree;
pub use target::Target;

/// The pinned manifest's file name inside `payload/`.
pub const MANIFEST: &str = "payload.toml";

/// Why a payload could not be installed or used.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Fetch { url: String, reason: String },
    #[error("{}", self.message(crate::messages::Lang::En))]
    NotPublished { what: String },
    #[error("{}", self.message(crate::messages::Lang::En))]
    DigestMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    PinMismatch {
        url: String,
        published: String,
        pinned: String,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    NoDigest { url: String },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Layout { reason: String },
    /// A file of the installed tree is gone or changed since the install
    /// (an antivirus, a bad sector, someone): codex is not started.
    #[error("{}", self.message(crate::messages::Lang::En))]
    Changed { file: String, missing: bool },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Io {
        what: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Manifest(#[from] manifest::ManifestError),
}

/// Put back a tree that an install moved aside and was killed before it
/// could move the new one in. Returns whether it did.
pub fn recover(payload_dir: &Path, triple: &str) -> bool {
    let final_dir = payload_dir.join(triple);
    let previous = payload_dir.join(format!(".previous-{triple}"));
    !final_dir.exists()
        && previous.is_dir()
        && crate::fsx::rename_with_retry(&previous, &final_dir).is_ok()
}

/// Where `payload update` keeps the tree it replaced.
pub fn rollback_dir(payload_dir: &Path, triple: &str) -> PathBuf {
    payload_dir.join(format!(".rollback-{triple}"))
}

/// Go back to the tree `payload update` replaced; the tree it leaves
/// becomes the one to go back to (a second rollback undoes the first).
/// Cut short, [`recover`] puts a tree back at the next start.
pub fn rollback(payload_dir: &Path, triple: &str) -> Result<(), PayloadError> {
    let kept = rollback_dir(payload_dir, triple);
    let final_dir = payload_dir.join(triple);
    let previous = payload_dir.join(format!(".previous-{triple}"));
    let io_err = |what: &str, path: &Path| {
        let (what, path) = (what.to_string(), path.to_path_buf());
        move |source| PayloadError::Io { what, path, source }
    };
    if !kept.is_dir() {
        return Err(PayloadError::Layout {
            reason: format!(
                "no earlier codex for {triple} is kept (only `usbide payload update` keeps one, until the next codex run that succeeds)"
            ),
        });
    }
    if previous.exists() {
        fs::remove_dir_all(&previous).map_err(io_err("remove", &previous))?;
    }
    crate::fsx::rename_with_retry(&final_dir, &previous)
        .map_err(io_err("move aside (is codex still running?)", &final_dir))?;
    if let Err(source) = crate::fsx::rename_with_retry(&kept, &final_dir) {
        let _ = crate::fsx::rename_with_retry(&previous, &final_dir);
        return Err(PayloadError::Io {
            what: "move back into place".into(),
            path: final_dir,
            source,
        });
    }
    let _ = crate::fsx::rename_with_retry(&previous, &kept);
    Ok(())
}

/// After a codex session that succeeded (never a `--version` or a login):
/// the trees and pin kept for a rollback are no longer needed. Returns
/// whether anything was kept (and is now gone).
pub fn forget_rollback(payload_dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(payload_dir) else {
        return false;
    };
    let mut removed = false;
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(".rollback-") {
            removed |= fs::remove_dir_all(e.path()).is_ok();
        }
    }
    removed | fs::remove_file(payload_dir.join(format!("{MANIFEST}.rollback"))).is_ok()
}

/// The installed tree for `target`, if there is a usable one (an
/// interrupted swap is put back first).
pub fn tree_for(
    payload_dir: &Path,
    target: &Target,
    lang: crate::messages::Lang,
) -> Result<Tree, String> {
    recover(payload_dir, target.triple);
    tree_as_it_is(payload_dir, target, lang)
}

/// [`tree_for`] without putting anything back: for a run that does not hold
/// the stick (beside a session), which writes nothing.
pub fn tree_as_it_is(
    payload_dir: &Path,
    target: &Target,
    lang: crate::messages::Lang,
) -> Result<Tree, String> {
    layout::open(&payload_dir.join(target.triple), target, lang)
}

/// The quick check of every launch: the tree's files against its install
/// record (sizes and times; a file that differs is hashed). A tree
/// installed by hand, without a record, passes.
pub fn check_unchanged(tree: &Tree) -> Result<(), PayloadError> {
    let Ok(record) = record::Record::load(&tree.dir) else {
        return Ok(());
    };
    match record.quick_verify(&tree.dir) {
        record::Verdict::Verified { .. } => Ok(()),
        record::Verdict::Missing(file) => Err(PayloadError::Changed {
            file,
            missing: true,
        }),
        record::Verdict::Modified(file) => Err(PayloadError::Changed {
            file,
            missing: false,
        }),
    }
}

/// Target folders present under `payload_dir`, sorted.
pub fn installed_triples(payload_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(payload_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Targets whose install was interrupted (a staging folder is left).
pub fn interrupted(payload_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(payload_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .strip_prefix(".staging-")
                        // `.staging-<triple>.<random>`: a triple has no dot.
                        .map(|rest| rest.split('.').next().unwrap_or(rest).to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

impl crate::messages::UserError for PayloadError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Fetch { url, reason } => {
                use crate::diagnose::{Cause, classify};
                // A network cause is named with what to try, not as the
                // HTTP library's words ("io: Connection refused (os error 111)").
                match classify(reason).map(|d| d.cause) {
                    Some(
                        cause @ (Cause::Dns
                        | Cause::ConnectionRefused
                        | Cause::Tls
                        | Cause::ProxyAuth
                        | Cause::Timeout
                        | Cause::NetworkUnknown),
                    ) => crate::messages::fill(
                        t.payload_unreachable,
                        &[
                            ("url", url),
                            (
                                "title",
                                &crate::diagnose::phrases::inline_title(cause, lang),
                            ),
                        ],
                    ),
                    _ => {
                        crate::messages::fill(t.payload_fetch, &[("url", url), ("reason", reason)])
                    }
                }
            }
            Self::NotPublished { what } => {
                crate::messages::fill(t.payload_not_published, &[("what", what)])
            }
            Self::DigestMismatch {
                url,
                expected,
                actual,
            } => crate::messages::fill(
                t.payload_digest_mismatch,
                &[("url", url), ("expected", expected), ("actual", actual)],
            ),
            Self::PinMismatch {
                url,
                published,
                pinned,
            } => crate::messages::fill(
                t.payload_pin_mismatch,
                &[("url", url), ("published", published), ("pinned", pinned)],
            ),
            Self::NoDigest { url } => crate::messages::fill(t.payload_no_digest, &[("url", url)]),
            Self::Layout { reason } => reason.clone(),
            Self::Changed { file, missing } => crate::messages::fill(
                if *missing {
                    t.payload_changed_missing
                } else {
                    t.payload_changed_modified
                },
                &[("file", file)],
            ),
            Self::Io {
                what,
                path: p,
                source,
            } => crate::messages::fill(
                t.payload_io,
                &[
                    ("what", crate::messages::in_lang(what, lang)),
                    ("path", &crate::messages::shown_path(p)),
                    ("error", &crate::fsx::io_message(source, lang)),
                ],
            ),
            Self::Manifest(e) => e.message(lang),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::PAYLOAD
    }
}

#[cfg(test)]
mod tests {
    /// Every `what` a payload error names is said in French too (it is
    /// looked up in the catalogue when shown: a word missing there stays
    /// English).
    #[test]
    fn every_step_a_payload_error_names_is_in_both_languages() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("install.rs"),
            include_str!("source.rs"),
        ];
        let mut seen = 0;
        for source in sources {
            for part in source.split("what: \"").skip(1) {
                let english = part.split('"').next().unwrap_or_default();
                seen += 1;
                assert_ne!(
                    crate::messages::in_lang(english, crate::messages::Lang::Fr),
                    english,
                    "{english:?} has no French"
                );
            }
        }
        assert!(seen >= 8, "{seen}");
    }
}
