//! The CA bundle for a host behind a TLS-inspecting proxy: Mozilla's roots
//! plus this computer's trust store (which holds the company root), written
//! into `codex_home/` and given to codex as `CODEX_CA_CERTIFICATE`, so codex
//! works without the user knowing what a CA is. One file per computer: a
//! company root is trusted only on the computers of that company.

use std::path::{Path, PathBuf};

use base64::Engine;

use crate::environ::Environ;

/// `codex_home/usbide-ca-<host>.pem`.
pub fn path_for(codex_home: &Path, host_name: &str) -> PathBuf {
    let safe: String = host_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    codex_home.join(format!("usbide-ca-{safe}.pem"))
}

/// Write the bundle (atomically); returns its path and how many roots it holds.
pub fn write(
    codex_home: &Path,
    host_name: &str,
    env: &Environ,
) -> std::io::Result<(PathBuf, usize)> {
    let mut ders: Vec<Vec<u8>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    ders.extend(
        rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|c| c.as_ref().to_vec()),
    );
    ders.extend(
        crate::net::trust::codex_ca_file(env)
            .iter()
            .map(|c| c.der().to_vec()),
    );
    ders.sort();
    ders.dedup();
    let path = path_for(codex_home, host_name);
    crate::fsx::write_atomic(&path, pem(&ders).as_bytes())?;
    Ok((path, ders.len()))
}

/// PEM text of DER certificates, 64 columns.
pub fn pem(ders: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for der in ders {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

/// The bundle codex should get on this host, unless the user chose a CA file.
pub fn for_launch(codex_home: &Path, host_name: &str, env: &Environ) -> Option<PathBuf> {
    if env.get_str("CODEX_CA_CERTIFICATE").is_some() {
        return None;
    }
    Some(path_for(codex_home, host_name)).filter(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_through_the_parser() {
        let ders: Vec<Vec<u8>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .take(3)
            .map(|c| c.as_ref().to_vec())
            .collect();
        let text = pem(&ders);
        let parsed: Vec<_> = ureq::tls::parse_pem(text.as_bytes())
            .filter_map(Result::ok)
            .collect();
        assert_eq!(parsed.len(), 3);
        assert!(
            text.lines()
                .all(|l| l.len() <= 64 || l.starts_with("-----"))
        );
    }

    #[test]
    fn the_bundle_is_per_host_and_yields_to_the_users_choice() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            path_for(dir.path(), "PC 1/x")
                .file_name()
                .and_then(|n| n.to_str()),
            Some("usbide-ca-PC_1_x.pem")
        );
        let env = Environ::from_pairs(&[], false);
        assert_eq!(for_launch(dir.path(), "pc", &env), None);
        let (path, n) = write(dir.path(), "pc", &env).expect("write");
        assert!(n > 100);
        assert_eq!(for_launch(dir.path(), "pc", &env), Some(path));
        assert_eq!(for_launch(dir.path(), "other-pc", &env), None);
        let chosen = Environ::from_pairs(&[("CODEX_CA_CERTIFICATE", "/corp.pem")], false);
        assert_eq!(for_launch(dir.path(), "pc", &chosen), None);
    }
}
