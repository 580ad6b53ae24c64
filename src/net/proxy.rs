//! Which proxy a request to a host goes through, by the variables codex also
//! honours (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, any case).
//! Pure: the environment snapshot is passed in.

use crate::environ::Environ;

/// The proxy URL for `host` over `scheme` (`https` / `http`), if any.
pub fn proxy_for(env: &Environ, scheme: &str, host: &str) -> Option<String> {
    if is_loopback(host) || bypassed(env, host) {
        return None;
    }
    let names: &[&str] = if scheme.eq_ignore_ascii_case("https") {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names.iter().find_map(|n| exact(env, n))
}

/// Unix tools treat `https_proxy` and `HTTPS_PROXY` as two names; look both up.
fn exact(env: &Environ, name: &str) -> Option<String> {
    env.iter()
        .find(|(k, v)| k.to_str() == Some(name) && !v.is_empty())
        .or_else(|| {
            env.iter()
                .find(|(k, v)| env.same_name(k, name) && !v.is_empty())
        })
        .map(|(_, v)| v.to_string_lossy().trim().to_string())
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.starts_with("127.") || h == "::1"
}

/// Whether `NO_PROXY` exempts `host`, with the rules codex's HTTP stack
/// (reqwest) applies, so that usbide's own traffic goes where codex's goes:
/// `*` exempts everything; an IP address or a CIDR block (`10.0.0.0/8`,
/// `fd00::/8`) exempts the addresses in it when the host is an address; a
/// name (`corp.local`, `.corp.local` or `*.corp.local`) exempts itself and
/// every name below it. A port after an entry is ignored.
pub fn bypassed(env: &Environ, host: &str) -> bool {
    let Some(list) = exact(env, "NO_PROXY").or_else(|| exact(env, "no_proxy")) else {
        return false;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let address: Option<std::net::IpAddr> = host.parse().ok();
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|entry| entry == "*" || matches_entry(&entry, &host, address))
}

/// Whether one `NO_PROXY` entry exempts `host` (`address` when it is one).
fn matches_entry(entry: &str, host: &str, address: Option<std::net::IpAddr>) -> bool {
    if let Some(ip) = address {
        let entry = entry.trim_start_matches('[');
        let (net, bits) = match entry.split_once('/') {
            Some((net, bits)) => (net.trim_end_matches(']'), bits.parse::<u8>().ok()),
            None => (entry.split(']').next().unwrap_or(entry), None),
        };
        if let Ok(net) = net.parse::<std::net::IpAddr>() {
            return in_block(ip, net, bits);
        }
        return false;
    }
    // A name: drop a port (`host:8080`), then the leading `*.` or `.`.
    let name = match entry.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => entry,
    };
    let name = name.trim_start_matches("*.").trim_start_matches('.');
    !name.is_empty() && (host == name || host.ends_with(&format!(".{name}")))
}

/// Whether `ip` lies in `net/bits` (the address itself without `bits`).
fn in_block(ip: std::net::IpAddr, net: std::net::IpAddr, bits: Option<u8>) -> bool {
    use std::net::IpAddr;
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let bits = u32::from(bits.unwrap_or(32).min(32));
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let bits = u32::from(bits.unwrap_or(128).min(128));
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_prefers_its_own_variable() {
        let env = Environ::from_pairs(
            &[
                ("ALL_PROXY", "http://all:1"),
                ("https_proxy", "http://p:3128"),
            ],
            false,
        );
        assert_eq!(
            proxy_for(&env, "https", "github.com").as_deref(),
            Some("http://p:3128")
        );
        assert_eq!(
            proxy_for(&env, "http", "github.com").as_deref(),
            Some("http://all:1")
        );
    }

    #[test]
    fn loopback_and_no_proxy_go_direct() {
        let env = Environ::from_pairs(
            &[
                ("HTTPS_PROXY", "http://p:1"),
                ("NO_PROXY", "corp.local, .example.com,*.intra"),
            ],
            false,
        );
        assert_eq!(proxy_for(&env, "https", "127.0.0.1"), None);
        assert_eq!(proxy_for(&env, "https", "localhost"), None);
        assert_eq!(proxy_for(&env, "https", "git.corp.local"), None);
        assert_eq!(proxy_for(&env, "https", "example.com"), None);
        assert_eq!(proxy_for(&env, "https", "a.intra"), None);
        assert!(proxy_for(&env, "https", "notexample.com").is_some());
        let all = Environ::from_pairs(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")], false);
        assert_eq!(proxy_for(&all, "https", "github.com"), None);
    }

    #[test]
    fn no_proxy_reads_addresses_blocks_and_names_as_codex_does() {
        let env = Environ::from_pairs(
            &[
                ("HTTPS_PROXY", "http://p:1"),
                (
                    "NO_PROXY",
                    "10.0.0.0/8, 192.168.1.7, [fd00::]/8, intra.corp:8443, 172.16.0.0/12",
                ),
            ],
            false,
        );
        for direct in [
            "10.1.2.3",
            "192.168.1.7",
            "172.20.0.1",
            "[fd12::1]",
            "git.intra.corp",
        ] {
            assert_eq!(proxy_for(&env, "https", direct), None, "{direct}");
        }
        for proxied in [
            "11.0.0.1",
            "192.168.1.8",
            "172.32.0.1",
            "[fe80::1]",
            "github.com",
        ] {
            assert!(proxy_for(&env, "https", proxied).is_some(), "{proxied}");
        }
        // A block never exempts a name, a name never an address.
        let names = Environ::from_pairs(
            &[
                ("HTTPS_PROXY", "http://p:1"),
                ("NO_PROXY", "10.0.0.0/8,corp"),
            ],
            false,
        );
        assert!(proxy_for(&names, "https", "10.example").is_some());
        assert!(proxy_for(&names, "https", "10.0.0.1").is_none());
    }

    #[test]
    fn windows_names_ignore_case() {
        let env = Environ::from_pairs(&[("Https_Proxy", "http://p:8080")], true);
        assert_eq!(
            proxy_for(&env, "https", "x.org").as_deref(),
            Some("http://p:8080")
        );
    }
}
