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

/// Whether `NO_PROXY` exempts `host`: `*`, the name itself, or a parent domain.
pub fn bypassed(env: &Environ, host: &str) -> bool {
    let Some(list) = exact(env, "NO_PROXY").or_else(|| exact(env, "no_proxy")) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .any(|entry| {
            let entry = entry
                .split(':')
                .next()
                .unwrap_or_default()
                .trim_start_matches("*.");
            let entry = entry.trim_start_matches('.');
            !entry.is_empty()
                && (entry == "*" || host == entry || host.ends_with(&format!(".{entry}")))
        })
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
    fn windows_names_ignore_case() {
        let env = Environ::from_pairs(&[("Https_Proxy", "http://p:8080")], true);
        assert_eq!(
            proxy_for(&env, "https", "x.org").as_deref(),
            Some("http://p:8080")
        );
    }
}
