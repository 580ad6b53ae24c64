//! Where a codex archive comes from, and the digest it must have.
//!
//! GitHub releases of `openai/codex` (tag `rust-v<V>`, digest from the
//! release API's `digest` field) by default; or the npm platform package
//! `@openai/codex@<V>-<platform>` from an npm-compatible registry, checked
//! against `dist.integrity`. A digest pinned in `payload.toml` must agree.

use serde::Deserialize;

use crate::messages::Lang;
use crate::net::http::Client;
use crate::payload::PayloadError;
use crate::payload::digest::Digest;
use crate::payload::manifest::PinnedTarget;
use crate::payload::target::Target;

/// Which source to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The GitHub API base (`https://api.github.com` unless overridden).
    Github { api: String },
    /// An npm registry base URL.
    Npm { registry: String },
    /// An archive on disk, checked against the pin only.
    File { path: std::path::PathBuf },
}

/// Archive formats the sources ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    TarGz,
    Zip,
}

/// A resolved download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub url: String,
    pub digest: Digest,
    pub kind: ArchiveKind,
    /// Where it came from, for the install record.
    pub origin: String,
}

impl Source {
    /// A short name for messages.
    pub fn describe(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Github { .. } => t.source_github.into(),
            Self::Npm { registry } => {
                crate::messages::fill(t.source_npm, &[("registry", registry)])
            }
            Self::File { path } => {
                crate::messages::fill(t.source_file, &[("path", &path.display().to_string())])
            }
        }
    }

    /// Ask the source where `version` for `target` is and what digest it has.
    pub fn resolve(
        &self,
        http: &Client,
        version: &str,
        target: &Target,
        pin: Option<&PinnedTarget>,
        lang: crate::messages::Lang,
    ) -> Result<Artifact, PayloadError> {
        match self {
            Self::Github { api } => github(http, api, version, target, (pin, lang)),
            Self::Npm { registry } => npm(http, registry, version, target, (pin, lang)),
            Self::File { path } => file(path, version, target, pin, lang),
        }
    }
}

/// The most `payload install --from` reads of a file (codex's archives
/// weigh about 170 MB).
pub const FILE_MAX: u64 = 4 << 30;

/// An archive on disk: the pinned digest it matches (the npm package's or
/// the GitHub asset's), found by hashing it once; its kind from its first
/// bytes. A file with no pin to match is refused: nothing else vouches for
/// it. The install copies and hashes it again, and installs what it hashed.
fn file(
    path: &std::path::Path,
    version: &str,
    target: &Target,
    pin: Option<&PinnedTarget>,
    lang: Lang,
) -> Result<Artifact, PayloadError> {
    use std::io::Read;
    let t = crate::messages::text(lang);
    let shown = path.display().to_string();
    let what = [
        ("path", shown.as_str()),
        ("version", version),
        ("target", target.triple),
    ];
    let pinned: Vec<Digest> = pin
        .into_iter()
        .flat_map(|p| {
            [
                p.npm_integrity.as_deref().and_then(Digest::parse_integrity),
                p.github_sha256.as_deref().and_then(Digest::parse_sha256),
            ]
        })
        .flatten()
        .collect();
    if pinned.is_empty() {
        return Err(PayloadError::NotPublished {
            what: crate::messages::fill(t.payload_file_unpinned, &what),
        });
    }
    let io_err = |source| PayloadError::Io {
        what: "read".into(),
        path: path.to_path_buf(),
        source,
    };
    // A regular file only (never a FIFO or a device that would hang here),
    // and never more than an archive can weigh.
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(PayloadError::Layout {
            reason: crate::messages::fill(t.payload_file_not_regular, &[("path", &shown)]),
        });
    }
    let mut reader = std::fs::File::open(path).map_err(io_err)?.take(FILE_MAX);
    let mut hashers: Vec<_> = pinned.iter().map(Digest::hasher).collect();
    let mut head = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        if head.len() < 4 {
            head.extend_from_slice(&buf[..n.min(4)]);
        }
        hashers.iter_mut().for_each(|h| h.update(&buf[..n]));
    }
    let digest = hashers
        .into_iter()
        .map(super::digest::Hasher::finish)
        .find(|d| pinned.contains(d))
        .ok_or_else(|| PayloadError::NotPublished {
            what: crate::messages::fill(t.payload_file_not_pinned, &what),
        })?;
    let kind = if head.starts_with(b"PK") {
        ArchiveKind::Zip
    } else {
        ArchiveKind::TarGz
    };
    Ok(Artifact {
        url: shown.clone(),
        digest,
        kind,
        origin: format!("file {shown}"),
    })
}

impl Source {
    /// The newest codex version this source publishes: the latest GitHub
    /// release (`rust-v0.169.0` is 0.169.0) or npm's `latest` dist-tag.
    pub fn latest(&self, http: &Client, lang: Lang) -> Result<String, PayloadError> {
        let version = match self {
            Self::File { .. } => {
                return Err(PayloadError::Layout {
                    reason: crate::messages::text(lang).payload_file_no_latest.into(),
                });
            }
            Self::Github { api } => {
                #[derive(Deserialize)]
                struct Latest {
                    tag_name: String,
                }
                let url = format!(
                    "{}/repos/openai/codex/releases/latest",
                    api.trim_end_matches('/')
                );
                let latest: Latest = get_json(http, &url, lang)?;
                latest.tag_name.trim_start_matches("rust-v").to_string()
            }
            Self::Npm { registry } => {
                #[derive(Deserialize)]
                struct Tags {
                    latest: String,
                }
                let url = format!(
                    "{}/-/package/@openai%2Fcodex/dist-tags",
                    registry.trim_end_matches('/')
                );
                let tags: Tags = get_json(http, &url, lang)?;
                tags.latest
            }
        };
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+');
        if version.is_empty() || version.len() > 64 || !version.chars().all(plain) {
            return Err(PayloadError::NotPublished {
                what: format!("a usable latest version (the answer was {version:?})"),
            });
        }
        Ok(version)
    }
}

#[derive(Deserialize)]
struct Release {
    assets: Vec<Asset>,
}

#[derive(Deserialize)]
struct Asset {
    name: String,
    browser_download_url: String,
    digest: Option<String>,
}

fn github(
    http: &Client,
    api: &str,
    version: &str,
    target: &Target,
    (pin, lang): (Option<&PinnedTarget>, crate::messages::Lang),
) -> Result<Artifact, PayloadError> {
    let url = format!(
        "{}/repos/openai/codex/releases/tags/rust-v{version}",
        api.trim_end_matches('/')
    );
    let release: Release = get_json(http, &url, lang)?;
    let name = target.github_asset();
    let asset = release
        .assets
        .into_iter()
        .find(|a| a.name == name)
        .ok_or_else(|| PayloadError::NotPublished {
            what: crate::messages::fill(
                crate::messages::text(lang).release_asset,
                &[("name", &name), ("version", version)],
            ),
        })?;
    let published = asset.digest.as_deref().and_then(Digest::parse_sha256);
    let pinned = pin
        .and_then(|p| p.github_sha256.as_deref())
        .and_then(Digest::parse_sha256);
    let digest = agree(published, pinned, &asset.browser_download_url)?;
    Ok(Artifact {
        url: asset.browser_download_url,
        digest,
        kind: if target.windows {
            ArchiveKind::Zip
        } else {
            ArchiveKind::TarGz
        },
        origin: format!("github:openai/codex@rust-v{version}/{name}"),
    })
}

#[derive(Deserialize)]
struct NpmVersion {
    dist: NpmDist,
}

#[derive(Deserialize)]
struct NpmDist {
    tarball: String,
    integrity: Option<String>,
}

fn npm(
    http: &Client,
    registry: &str,
    version: &str,
    target: &Target,
    (pin, lang): (Option<&PinnedTarget>, crate::messages::Lang),
) -> Result<Artifact, PayloadError> {
    let spec = format!("{version}-{}", target.npm);
    let url = format!("{}/@openai%2Fcodex/{spec}", registry.trim_end_matches('/'));
    let doc: NpmVersion = get_json(http, &url, lang)?;
    let published = doc
        .dist
        .integrity
        .as_deref()
        .and_then(Digest::parse_integrity);
    let pinned = pin
        .and_then(|p| p.npm_integrity.as_deref())
        .and_then(Digest::parse_integrity);
    let digest = agree(published, pinned, &doc.dist.tarball)?;
    Ok(Artifact {
        url: doc.dist.tarball,
        digest,
        kind: ArchiveKind::TarGz,
        origin: format!("npm:@openai/codex@{spec}"),
    })
}

/// The digest to check against: the pin and the published one must agree;
/// with neither, nothing could be verified and the install is refused.
fn agree(
    published: Option<Digest>,
    pinned: Option<Digest>,
    url: &str,
) -> Result<Digest, PayloadError> {
    match (published, pinned) {
        (Some(p), Some(q)) if p != q => Err(PayloadError::PinMismatch {
            url: url.into(),
            published: p.to_string(),
            pinned: q.to_string(),
        }),
        (Some(d), _) | (None, Some(d)) => Ok(d),
        (None, None) => Err(PayloadError::NoDigest { url: url.into() }),
    }
}

/// The most package or release metadata usbide reads (npm's document for
/// `@openai/codex`, with every version, is a few megabytes).
const MAX_METADATA_BYTES: u64 = 64 << 20;

fn get_json<T: serde::de::DeserializeOwned>(
    http: &Client,
    url: &str,
    lang: crate::messages::Lang,
) -> Result<T, PayloadError> {
    let fail = |reason: String| PayloadError::Fetch {
        url: url.into(),
        reason,
    };
    let body = http
        .get(url, "application/json", http.metadata(), lang)
        .and_then(|r| r.read_all(MAX_METADATA_BYTES))
        .map_err(|e| match e {
            crate::net::http::Error::Status(404) => PayloadError::NotPublished {
                what: url.to_string(),
            },
            other => fail(other.message(lang)),
        })?;
    let text = String::from_utf8_lossy(&body);
    serde_json::from_str(&text).map_err(|e| {
        let error = e.to_string();
        let t = crate::messages::text(lang);
        fail(crate::messages::fill(
            t.unexpected_answer,
            &[("error", &error)],
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_published_digests_must_agree() {
        let a = Digest::Sha256(vec![1; 32]);
        let b = Digest::Sha256(vec![2; 32]);
        assert_eq!(agree(Some(a.clone()), None, "u").expect("published"), a);
        assert_eq!(agree(None, Some(b.clone()), "u").expect("pinned"), b);
        assert!(matches!(
            agree(Some(a), Some(b), "u"),
            Err(PayloadError::PinMismatch { .. })
        ));
        assert!(matches!(
            agree(None, None, "u"),
            Err(PayloadError::NoDigest { .. })
        ));
    }
}
