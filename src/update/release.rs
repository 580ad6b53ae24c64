//! Where a usbide release is: the GitHub releases of `usbide/usbide` (or a
//! mirror at another API base: GitHub Enterprise, or any server answering
//! the same two URLs), or an archive on disk. Archives are named
//! `usbide-<version>-<target>.zip`.

use std::path::Path;

use semver::Version;
use serde::Deserialize;

use crate::messages::Lang;
use crate::net::http::Client;
use crate::update::UpdateError;

/// The repository whose releases carry usbide.
pub const REPO: &str = "usbide/usbide";

/// The target this usbide was built for.
pub const TARGET: &str = env!("USBIDE_TARGET");

/// The most a release archive may weigh (a debug build, with its debug
/// information, is ten times a release).
pub const MAX_ARCHIVE_BYTES: u64 = if cfg!(debug_assertions) {
    256 << 20
} else {
    64 << 20
};

/// The archive name of `version` for this computer.
pub fn asset_name(version: &Version) -> String {
    format!("usbide-{version}-{TARGET}.zip")
}

/// A release found at the source.
#[derive(Debug, Clone)]
pub struct Found {
    pub version: Version,
    pub name: String,
    pub url: String,
    pub size: u64,
}

#[derive(Deserialize)]
struct GhRelease {
    tag_name: String,
    #[serde(default)]
    assets: Vec<GhAsset>,
}

#[derive(Deserialize)]
struct GhAsset {
    name: String,
    browser_download_url: String,
    #[serde(default)]
    size: u64,
}

/// The latest release, or the one of `version`.
pub fn find(
    http: &Client,
    api: &str,
    version: Option<&str>,
    lang: Lang,
) -> Result<Found, UpdateError> {
    let api = api.trim_end_matches('/');
    let url = match version {
        Some(v) => format!(
            "{api}/repos/{REPO}/releases/tags/v{}",
            v.trim_start_matches('v')
        ),
        None => format!("{api}/repos/{REPO}/releases/latest"),
    };
    let release: GhRelease = get_json(http, &url, lang)?;
    let version = parse_version(&release.tag_name)?;
    let name = asset_name(&version);
    let asset = release
        .assets
        .into_iter()
        .find(|a| a.name == name)
        .ok_or_else(|| UpdateError::NoAsset {
            what: release.tag_name.clone(),
            name: name.clone(),
        })?;
    if asset.size > MAX_ARCHIVE_BYTES {
        return Err(UpdateError::TooLarge {
            name,
            size: asset.size,
        });
    }
    Ok(Found {
        version,
        name,
        url: asset.browser_download_url,
        size: asset.size,
    })
}

/// `v1.2.3` or `1.2.3`.
pub fn parse_version(text: &str) -> Result<Version, UpdateError> {
    Version::parse(text.trim().trim_start_matches('v'))
        .map_err(|_| UpdateError::BadVersion(text.chars().take(64).collect()))
}

/// The version an archive on disk claims by its name
/// (`usbide-<version>-<target>.zip`, this computer's target); its signature
/// covers that name.
pub fn version_from_name(path: &Path) -> Result<Version, UpdateError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bad = |reason: &str| UpdateError::Archive {
        name: name.clone(),
        reason: reason.to_string(),
    };
    let middle = name
        .strip_prefix("usbide-")
        .and_then(|r| r.strip_suffix(".zip"))
        .ok_or_else(|| bad("its name is not usbide-<version>-<target>.zip"))?;
    let version = middle
        .strip_suffix(&format!("-{TARGET}"))
        .ok_or_else(|| bad(&format!("it is not for this computer ({TARGET})")))?;
    let version = parse_version(version)?;
    if asset_name(&version) != name {
        return Err(bad("its name is not usbide-<version>-<target>.zip"));
    }
    Ok(version)
}

/// Download `found` into memory, refusing more than [`MAX_ARCHIVE_BYTES`]:
/// the bytes verified are the bytes installed, with no file in between that
/// anything could swap. usbide's own HTTP agent: the proxy and the
/// certificates (a company's TLS inspection) codex gets too.
pub fn download(http: &Client, found: &Found, lang: Lang) -> Result<Archive, UpdateError> {
    let fail = |reason: String| UpdateError::Fetch {
        url: found.url.clone(),
        reason,
    };
    let body = http
        .get(
            &found.url,
            "application/octet-stream",
            http.download(),
            lang,
        )
        .and_then(|r| r.read_all(MAX_ARCHIVE_BYTES))
        .map_err(|e| match e {
            crate::net::http::Error::TooLarge { .. } => UpdateError::TooLarge {
                name: found.name.clone(),
                size: MAX_ARCHIVE_BYTES + 1,
            },
            other => fail(other.message(lang)),
        })?;
    Archive::read_from(&found.name, body.as_slice()).map_err(|e| match e {
        ReadError::TooLarge(size) => UpdateError::TooLarge {
            name: found.name.clone(),
            size,
        },
        ReadError::Io(e) => fail(e.to_string()),
    })
}

/// A release archive, read once into memory (at most
/// [`MAX_ARCHIVE_BYTES`]): its signature is checked and its binary taken
/// from these same bytes.
#[derive(Debug, Clone)]
pub struct Archive {
    /// The archive's file name, which its signature covers.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an archive could not be read.
#[derive(Debug)]
pub enum ReadError {
    TooLarge(u64),
    Io(std::io::Error),
}

impl Archive {
    /// Read `reader` to its end, refusing more than [`MAX_ARCHIVE_BYTES`].
    pub fn read_from(name: &str, reader: impl std::io::Read) -> Result<Self, ReadError> {
        use std::io::Read;
        let mut bytes = Vec::new();
        reader
            .take(MAX_ARCHIVE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
        if bytes.len() as u64 > MAX_ARCHIVE_BYTES {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(Self {
            name: name.to_string(),
            bytes,
        })
    }

    /// The archive at `path` (`update --from`), read once: the user's path
    /// is never opened again.
    pub fn read(path: &Path) -> Result<Self, UpdateError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let fail = |reason: String| UpdateError::Archive {
            name: name.clone(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
        Self::read_from(&name, file).map_err(|e| match e {
            ReadError::TooLarge(size) => UpdateError::TooLarge {
                name: name.clone(),
                size,
            },
            ReadError::Io(e) => fail(e.to_string()),
        })
    }
}

fn get_json<T: serde::de::DeserializeOwned>(
    http: &Client,
    url: &str,
    lang: Lang,
) -> Result<T, UpdateError> {
    let fail = |reason: String| UpdateError::Fetch {
        url: url.into(),
        reason,
    };
    let body = http
        .get(url, "application/vnd.github+json", http.metadata(), lang)
        .and_then(|r| r.read_all(4 * 1024 * 1024))
        .map_err(|e| fail(e.message(lang)))?;
    let text = String::from_utf8_lossy(&body);
    serde_json::from_str(&text).map_err(|e| fail(format!("unexpected answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_names_its_version_and_target() {
        let good = format!("/x/usbide-1.2.3-{TARGET}.zip");
        assert_eq!(
            version_from_name(Path::new(&good)).expect("good"),
            Version::new(1, 2, 3)
        );
        for bad in [
            "/x/usbide-1.2.3-other-target.zip".to_string(),
            format!("/x/usbide-1.2.3-{TARGET}.zip.renamed"),
            format!("/x/usbide-v1.2.3-{TARGET}.zip"),
            format!("/x/codex-1.2.3-{TARGET}.zip"),
        ] {
            assert!(version_from_name(Path::new(&bad)).is_err(), "{bad}");
        }
    }
}
