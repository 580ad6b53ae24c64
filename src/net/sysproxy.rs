//! The Windows system proxy (Internet Settings), as pure parsing so Linux
//! tests cover it. Codex ignores the system proxy by default; when no proxy
//! variable is set but Windows has one, usbide exports it to codex as
//! `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, or (PAC and auto-detect, which
//! only Windows can evaluate) turns on codex's `respect_system_proxy`.

use std::ffi::OsString;

use crate::environ::Environ;
use crate::platform::InternetSettings;

/// What to do about the system proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemProxy {
    None,
    /// Export these variables to codex.
    Static(Vec<(&'static str, String)>),
    /// A PAC script or WPAD: only Windows can evaluate it.
    Automatic(AutoProxy),
}

/// How Windows finds its proxy by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoProxy {
    /// A PAC script at this URL.
    Pac(String),
    /// "Automatically detect settings" (WPAD).
    Wpad,
}

fn has_proxy_var(env: &Environ) -> bool {
    ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]
        .iter()
        .any(|n| env.get_str(n).is_some())
}

/// What the system proxy means for codex here: nothing when a proxy
/// variable is already set (it wins), else [`interpret`].
pub fn for_codex(env: &Environ, system: Option<&InternetSettings>) -> SystemProxy {
    match system {
        Some(s) if !has_proxy_var(env) => interpret(s),
        _ => SystemProxy::None,
    }
}

/// The proxy variables codex gets from the Windows Internet Settings (a
/// static proxy, when no proxy variable is set): what usbide's own probes
/// and downloads must use too.
pub fn system_proxy_vars(
    env: &Environ,
    system: Option<&InternetSettings>,
) -> Vec<(OsString, OsString)> {
    match for_codex(env, system) {
        SystemProxy::Static(pairs) => pairs
            .into_iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Decide from the settings.
pub fn interpret(s: &InternetSettings) -> SystemProxy {
    if s.proxy_enable
        && let Some(server) = s.proxy_server.as_deref().filter(|v| !v.trim().is_empty())
    {
        let (http, https) = per_scheme(server);
        let mut vars = Vec::new();
        if let Some(p) = https.clone().or_else(|| http.clone()) {
            vars.push(("HTTPS_PROXY", p));
        }
        if let Some(p) = http.or(https) {
            vars.push(("HTTP_PROXY", p));
        }
        if let Some(no) = s.proxy_override.as_deref().and_then(no_proxy) {
            vars.push(("NO_PROXY", no));
        }
        if !vars.is_empty() {
            return SystemProxy::Static(vars);
        }
    }
    match (&s.auto_config_url, auto_detect_flag(&s.connection_settings)) {
        (Some(url), _) if !url.trim().is_empty() => {
            SystemProxy::Automatic(AutoProxy::Pac(url.trim().to_string()))
        }
        (_, true) => SystemProxy::Automatic(AutoProxy::Wpad),
        _ => SystemProxy::None,
    }
}

/// `(http, https)` proxy URLs from a `ProxyServer` value.
fn per_scheme(server: &str) -> (Option<String>, Option<String>) {
    let url = |v: &str| {
        let v = v.trim();
        if v.contains("://") {
            v.to_string()
        } else {
            format!("http://{v}")
        }
    };
    if !server.contains('=') {
        return (Some(url(server)), Some(url(server)));
    }
    let mut http = None;
    let mut https = None;
    for part in server.split(';') {
        match part.split_once('=') {
            Some((scheme, v))
                if scheme.trim().eq_ignore_ascii_case("http") && !v.trim().is_empty() =>
            {
                http = Some(url(v))
            }
            Some((scheme, v))
                if scheme.trim().eq_ignore_ascii_case("https") && !v.trim().is_empty() =>
            {
                https = Some(url(v))
            }
            _ => {}
        }
    }
    (http, https)
}

/// `ProxyOverride` as `NO_PROXY`: `<local>` means plain host names and loopback.
fn no_proxy(value: &str) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for entry in value.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        if entry.eq_ignore_ascii_case("<local>") {
            out.extend(["localhost", "127.0.0.1", "::1"].map(String::from));
        } else if let Some(cidr) = ip_wildcard(entry) {
            out.push(cidr);
        } else {
            out.push(
                entry
                    .trim_start_matches("*.")
                    .trim_start_matches('*')
                    .to_string(),
            );
        }
    }
    out.retain(|e| !e.is_empty());
    out.dedup();
    (!out.is_empty()).then(|| out.join(","))
}

/// `10.*` / `192.168.*` (Windows wildcards) as CIDR, which NO_PROXY understands.
fn ip_wildcard(entry: &str) -> Option<String> {
    let prefix = entry.strip_suffix(".*")?;
    let octets: Vec<&str> = prefix.split('.').collect();
    if octets.is_empty() || octets.len() > 3 || !octets.iter().all(|o| o.parse::<u8>().is_ok()) {
        return None;
    }
    let mut full = octets.clone();
    full.resize(4, "0");
    Some(format!("{}/{}", full.join("."), octets.len() * 8))
}

/// `DefaultConnectionSettings` blob: byte 8 holds the flags; 0x08 = auto-detect.
fn auto_detect_flag(blob: &[u8]) -> bool {
    blob.get(8).is_some_and(|flags| flags & 0x08 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(server: &str, over: Option<&str>) -> InternetSettings {
        InternetSettings {
            proxy_enable: true,
            proxy_server: Some(server.into()),
            proxy_override: over.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn a_single_proxy_serves_both_schemes() {
        let got = interpret(&settings(
            "proxy.corp:8080",
            Some("<local>;*.corp.example;10.*"),
        ));
        assert_eq!(ip_wildcard("192.168.*").as_deref(), Some("192.168.0.0/16"));
        assert_eq!(ip_wildcard("*.corp"), None);
        assert_eq!(
            got,
            SystemProxy::Static(vec![
                ("HTTPS_PROXY", "http://proxy.corp:8080".into()),
                ("HTTP_PROXY", "http://proxy.corp:8080".into()),
                (
                    "NO_PROXY",
                    "localhost,127.0.0.1,::1,corp.example,10.0.0.0/8".into()
                ),
            ])
        );
    }

    #[test]
    fn per_scheme_settings() {
        let got = interpret(&settings("http=p1:80;https=p2:443;socks=s:1080", None));
        assert_eq!(
            got,
            SystemProxy::Static(vec![
                ("HTTPS_PROXY", "http://p2:443".into()),
                ("HTTP_PROXY", "http://p1:80".into())
            ])
        );
        let only_http = interpret(&settings("http=p1:80", None));
        assert_eq!(
            only_http,
            SystemProxy::Static(vec![
                ("HTTPS_PROXY", "http://p1:80".into()),
                ("HTTP_PROXY", "http://p1:80".into())
            ])
        );
    }

    #[test]
    fn disabled_or_automatic() {
        let off = InternetSettings {
            proxy_enable: false,
            ..settings("p:1", None)
        };
        assert_eq!(interpret(&off), SystemProxy::None);
        let pac = InternetSettings {
            auto_config_url: Some("http://wpad/proxy.pac".into()),
            ..Default::default()
        };
        assert_eq!(
            interpret(&pac),
            SystemProxy::Automatic(AutoProxy::Pac("http://wpad/proxy.pac".into()))
        );
        let mut blob = vec![0u8; 16];
        blob[8] = 0x09;
        let wpad = InternetSettings {
            connection_settings: blob.clone(),
            ..Default::default()
        };
        assert_eq!(interpret(&wpad), SystemProxy::Automatic(AutoProxy::Wpad));
        assert!(auto_detect_flag(&blob));
        assert!(!auto_detect_flag(&[0; 4]));
    }
}
