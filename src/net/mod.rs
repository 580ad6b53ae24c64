//! Talking to the network on usbide's own behalf (payload downloads): one
//! HTTP agent per request target, with the proxy chosen from the snapshot,
//! under the limits of [`http`].

pub mod http;
pub mod probe;
pub mod proxy;
pub mod reach;
pub mod sysproxy;
pub mod trust;

use crate::environ::Environ;

/// The user agent usbide sends (GitHub's API requires one).
pub const USER_AGENT: &str = concat!("usbide/", env!("CARGO_PKG_VERSION"));

/// An agent for `url`, through the proxy the environment names for its host.
pub fn agent_for(
    env: &Environ,
    url: &str,
    policy: http::Policy,
    lang: crate::messages::Lang,
) -> Result<ureq::Agent, String> {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let (scheme, host) =
        scheme_and_host(url).ok_or_else(|| fill(t.url_not_http, &[("url", url)]))?;
    let proxy = match proxy::proxy_for(env, scheme, host) {
        Some(p) => Some(ureq::Proxy::new(&p).map_err(|e| {
            let proxy = crate::redact::url_password(&p);
            fill(
                t.proxy_unusable,
                &[("proxy", &proxy), ("error", &e.to_string())],
            )
        })?),
        None => None,
    };
    let config = ureq::Agent::config_builder()
        .proxy(proxy)
        .user_agent(USER_AGENT)
        .timeout_connect(Some(policy.connect))
        .timeout_recv_response(Some(policy.headers))
        .timeout_global(Some(policy.overall))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(trust::everything(env))
                .build(),
        )
        .build();
    Ok(ureq::Agent::new_with_config(config))
}

/// `("https", "host")` of `https://host:port/path`.
pub fn scheme_and_host(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| h.trim_start_matches('['))?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some((scheme, host))
}

/// The port a URL names explicitly (`https://h:8443/` -> 8443).
pub fn port_of(url: &str) -> Option<u16> {
    let authority = url
        .split_once("://")?
        .1
        .split(['/', '?', '#'])
        .next()?
        .rsplit('@')
        .next()?;
    if authority.ends_with(']') {
        return None;
    }
    authority.rsplit_once(':')?.1.parse().ok()
}

/// The `user:password` of a URL, if it has one.
pub fn userinfo(url: &str) -> Option<&str> {
    let authority = url.split_once("://")?.1.split(['/', '?', '#']).next()?;
    authority.rsplit_once('@').map(|(u, _)| u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_taken_from_urls() {
        assert_eq!(
            scheme_and_host("https://api.github.com/repos"),
            Some(("https", "api.github.com"))
        );
        assert_eq!(
            scheme_and_host("http://u:p@127.0.0.1:8080/x"),
            Some(("http", "127.0.0.1"))
        );
        assert_eq!(scheme_and_host("http://[::1]:80/"), Some(("http", "::1")));
        assert_eq!(scheme_and_host("ftp://x"), None);
        assert_eq!(port_of("https://h:8443/x"), Some(8443));
        assert_eq!(port_of("https://h/x"), None);
        assert_eq!(port_of("http://[::1]/"), None);
        assert_eq!(port_of("http://u:p@h:81"), Some(81));
        assert_eq!(userinfo("http://ann:pw@p:3128/x"), Some("ann:pw"));
        assert_eq!(userinfo("http://p:3128"), None);
    }
}
