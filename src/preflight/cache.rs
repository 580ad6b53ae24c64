//! Remembering a successful network preflight on the stick, per computer and
//! network, so that launches within ten minutes skip the network checks.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::environ::Environ;

/// How long a success counts.
pub const FRESH_FOR_SECS: i64 = 600;

fn path(codex_home: &Path) -> PathBuf {
    crate::stick::state_dir(codex_home).join("preflight-ok")
}

/// This computer and network: host name, proxy settings, endpoints.
pub fn fingerprint(env: &Environ, endpoints: &[String]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    crate::login::method::host_name(env).hash(&mut h);
    for n in [
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "CODEX_CA_CERTIFICATE",
        "SSL_CERT_FILE",
    ] {
        env.get_str(n).hash(&mut h);
    }
    endpoints.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Whether a success for `fingerprint` is younger than ten minutes.
pub fn fresh(codex_home: &Path, fingerprint: &str, now: i64) -> bool {
    std::fs::read_to_string(path(codex_home))
        .ok()
        .and_then(|t| {
            let (fp, at) = t.trim().split_once(' ')?;
            Some(
                fp == fingerprint && (0..FRESH_FOR_SECS).contains(&(now - at.parse::<i64>().ok()?)),
            )
        })
        .unwrap_or(false)
}

/// Record a success.
pub fn save(codex_home: &Path, fingerprint: &str, now: i64) {
    let p = path(codex_home);
    if let Some(dir) = p.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::fsx::write_atomic(&p, format!("{fingerprint} {now}\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_for_ten_minutes_on_the_same_network() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = Environ::from_pairs(&[("HOSTNAME", "pc")], false);
        let fp = fingerprint(&env, &["https://x".into()]);
        assert!(!fresh(dir.path(), &fp, 1000));
        save(dir.path(), &fp, 1000);
        assert!(fresh(dir.path(), &fp, 1599));
        assert!(!fresh(dir.path(), &fp, 1600));
        let proxied =
            Environ::from_pairs(&[("HOSTNAME", "pc"), ("HTTPS_PROXY", "http://p:1")], false);
        assert!(!fresh(
            dir.path(),
            &fingerprint(&proxied, &["https://x".into()]),
            1001
        ));
    }
}
