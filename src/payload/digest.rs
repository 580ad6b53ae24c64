//! Digests the sources publish: GitHub's `sha256:<hex>` asset digest and
//! npm's `dist.integrity` (`sha512-<base64>`), computed while downloading.

use std::fmt;

use base64::Engine;
use sha2::{Digest as _, Sha256, Sha512};

/// An expected or computed digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Digest {
    Sha256(Vec<u8>),
    Sha512(Vec<u8>),
}

impl Digest {
    /// `sha256:<hex>` (GitHub) or a bare 64-digit hex string.
    pub fn parse_sha256(text: &str) -> Option<Self> {
        let hex_part = text.trim().strip_prefix("sha256:").unwrap_or(text.trim());
        let bytes = hex::decode(hex_part).ok()?;
        (bytes.len() == 32).then_some(Self::Sha256(bytes))
    }

    /// An npm/SRI integrity string: the first `sha512-<base64>` in it.
    pub fn parse_integrity(text: &str) -> Option<Self> {
        text.split_whitespace().find_map(|part| {
            let b64 = part.strip_prefix("sha512-")?;
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
            (bytes.len() == 64).then_some(Self::Sha512(bytes))
        })
    }

    /// A hasher of the same kind.
    pub fn hasher(&self) -> Hasher {
        match self {
            Self::Sha256(_) => Hasher::Sha256(Sha256::new()),
            Self::Sha512(_) => Hasher::Sha512(Sha512::new()),
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sha256(b) => write!(f, "sha256:{}", hex::encode(b)),
            Self::Sha512(b) => write!(
                f,
                "sha512-{}",
                base64::engine::general_purpose::STANDARD.encode(b)
            ),
        }
    }
}

/// A running hash.
#[derive(Debug, Clone)]
pub enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(bytes),
            Self::Sha512(h) => h.update(bytes),
        }
    }

    pub fn finish(self) -> Digest {
        match self {
            Self::Sha256(h) => Digest::Sha256(h.finalize().to_vec()),
            Self::Sha512(h) => Digest::Sha512(h.finalize().to_vec()),
        }
    }
}

/// Hex SHA-256 of a file, streamed (for the install record).
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_published_forms() {
        let gh = Digest::parse_sha256(&format!("sha256:{}", "ab".repeat(32))).expect("gh");
        assert_eq!(gh.to_string(), format!("sha256:{}", "ab".repeat(32)));
        let sri = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode([7u8; 64])
        );
        assert_eq!(
            Digest::parse_integrity(&format!("sha1-xyz {sri}"))
                .expect("sri")
                .to_string(),
            sri
        );
        assert_eq!(Digest::parse_sha256("sha256:abc"), None);
        assert_eq!(Digest::parse_integrity("sha1-abc"), None);
    }

    #[test]
    fn hashing_matches_known_values() {
        let mut h = Digest::Sha256(vec![]).hasher();
        h.update(b"abc");
        assert_eq!(
            h.finish().to_string(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
