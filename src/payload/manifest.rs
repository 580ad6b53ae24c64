//! `payload/payload.toml` (committed): the codex version this stick pins and,
//! per target, the digests the installed archive must have.

use crate::messages::UserError as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::payload::digest::Digest;

/// The pinned payload.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: String,
    #[serde(default)]
    pub targets: BTreeMap<String, PinnedTarget>,
}

/// Digests for one target; either may be unknown.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PinnedTarget {
    /// `dist.integrity` of `@openai/codex@<version>-<platform>`.
    pub npm_integrity: Option<String>,
    /// SHA-256 of the GitHub release asset, `sha256:<hex>`.
    pub github_sha256: Option<String>,
}

/// Why the manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    BadDigest {
        path: PathBuf,
        target: String,
        field: &'static str,
    },
}

/// The pin usbide was built and tested with (`payload/payload.toml` of its
/// source), for a stick that has no `payload.toml` yet.
pub const BUILT_IN: &str = include_str!("../../payload/payload.toml");

impl Manifest {
    /// The pin compiled into usbide.
    pub fn built_in() -> Self {
        // Checked by a unit test: the file in the repository parses.
        toml::from_str(BUILT_IN).unwrap_or_default()
    }

    /// Read `path`; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<Self>, ManifestError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ManifestError::Read {
                    path: path.into(),
                    source,
                });
            }
        };
        let manifest: Self = toml::from_str(&text).map_err(|e| {
            let (line, column) =
                crate::home::config::line_column(&text, e.span().map(|s| s.start).unwrap_or(0));
            ManifestError::Parse {
                path: path.into(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        manifest.check_digests(path)?;
        Ok(Some(manifest))
    }

    fn check_digests(&self, path: &Path) -> Result<(), ManifestError> {
        for (target, pin) in &self.targets {
            let bad = |field| ManifestError::BadDigest {
                path: path.into(),
                target: target.clone(),
                field,
            };
            if pin
                .npm_integrity
                .as_deref()
                .is_some_and(|v| Digest::parse_integrity(v).is_none())
            {
                return Err(bad("npm_integrity"));
            }
            if pin
                .github_sha256
                .as_deref()
                .is_some_and(|v| Digest::parse_sha256(v).is_none())
            {
                return Err(bad("github_sha256"));
            }
        }
        Ok(())
    }

    /// The pin for `triple` at `version`, if this manifest pins that version.
    pub fn pin(&self, version: &str, triple: &str) -> Option<&PinnedTarget> {
        (self.version == version)
            .then(|| self.targets.get(triple))
            .flatten()
    }
}

impl crate::messages::UserError for ManifestError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Read { path: p, source } => crate::messages::fill(
                t.manifest_read,
                &[
                    ("path", &crate::messages::shown_path(p)),
                    ("error", &source.to_string()),
                ],
            ),
            Self::Parse {
                path: p,
                line,
                column,
                message,
            } => crate::messages::fill(
                t.manifest_parse,
                &[
                    (
                        "place",
                        &format!("{}:{line}:{column}", crate::messages::shown_path(p)),
                    ),
                    ("message", message),
                ],
            ),
            Self::BadDigest {
                path: p,
                target,
                field,
            } => crate::messages::fill(
                t.manifest_bad_digest,
                &[
                    ("path", &crate::messages::shown_path(p)),
                    ("field", field),
                    ("target", target),
                ],
            ),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::PAYLOAD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_pin_parses_and_pins_every_target() {
        let m = Manifest::built_in();
        assert!(!m.version.is_empty());
        for t in crate::payload::target::ALL {
            let pin = m.pin(&m.version, t.triple).expect(t.triple);
            assert!(pin.npm_integrity.is_some(), "{}", t.triple);
        }
    }

    #[test]
    fn loads_pins_and_rejects_bad_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("payload.toml");
        assert_eq!(Manifest::load(&path).expect("missing is fine"), None);
        let sha = format!("sha256:{}", "0".repeat(64));
        std::fs::write(
            &path,
            format!(
                "version = \"1.2.3\"\n[targets.x86_64-pc-windows-msvc]\ngithub_sha256 = \"{sha}\"\n"
            ),
        )
        .expect("write");
        let m = Manifest::load(&path).expect("loads").expect("present");
        assert!(m.pin("1.2.3", "x86_64-pc-windows-msvc").is_some());
        assert!(m.pin("1.2.4", "x86_64-pc-windows-msvc").is_none());
        std::fs::write(
            &path,
            "version = \"1\"\n[targets.x]\nnpm_integrity = \"md5-x\"\n",
        )
        .expect("write");
        assert!(matches!(
            Manifest::load(&path),
            Err(ManifestError::BadDigest { .. })
        ));
        std::fs::write(&path, "version = 1\n").expect("write");
        let err = Manifest::load(&path).expect_err("bad type");
        assert!(err.to_string().contains("payload.toml:1:"), "{err}");
    }
}
