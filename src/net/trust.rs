//! Which certificate authorities usbide trusts for its own downloads: the
//! Mozilla roots bundled in the binary, plus the host's trust store (where a
//! company installs the root of its TLS-inspecting proxy), plus the PEM file
//! codex itself would use (`CODEX_CA_CERTIFICATE`, else `SSL_CERT_FILE`).

use std::sync::Arc;

use ureq::tls::{Certificate, RootCerts};

use crate::environ::Environ;

/// Mozilla's roots, compiled in.
pub fn bundled() -> Vec<Certificate<'static>> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect()
}

/// The host's trust store (Windows certificate store, macOS keychain, or the
/// system bundle on Linux). Unreadable entries are skipped.
pub fn host() -> Vec<Certificate<'static>> {
    rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect()
}

/// The certificates of the PEM file codex would add, by codex's rule:
/// `CODEX_CA_CERTIFICATE` wins over `SSL_CERT_FILE`; empty counts as unset.
pub fn codex_ca_file(env: &Environ) -> Vec<Certificate<'static>> {
    let Some(path) = env
        .get_str("CODEX_CA_CERTIFICATE")
        .or_else(|| env.get_str("SSL_CERT_FILE"))
    else {
        return Vec::new();
    };
    let Ok(pem) = std::fs::read(path) else {
        return Vec::new();
    };
    ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.to_owned()),
            _ => None,
        })
        .collect()
}

/// Bundled + host + codex's PEM file, for usbide's downloads.
pub fn everything(env: &Environ) -> RootCerts {
    let mut certs = bundled();
    certs.extend(host());
    certs.extend(codex_ca_file(env));
    RootCerts::Specific(Arc::new(certs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_has_the_mozilla_roots() {
        assert!(bundled().len() > 100);
    }

    #[test]
    fn codex_ca_certificate_wins_over_ssl_cert_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a pem").expect("write");
        let env = Environ::from_pairs(
            &[
                ("CODEX_CA_CERTIFICATE", &empty.to_string_lossy()),
                ("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"),
            ],
            false,
        );
        assert!(codex_ca_file(&env).is_empty());
    }
}
