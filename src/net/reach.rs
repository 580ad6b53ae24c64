//! Reaching an endpoint step by step, the way codex would: DNS and TCP
//! directly, or a CONNECT through the proxy the environment names (where 407
//! means "the proxy needs credentials"), then an HTTPS request with chosen
//! roots. Every step stops at one deadline. The exec probe and the doctor
//! both use this and differ only in how they word the result.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use ureq::tls::{RootCerts, TlsConfig};

use crate::diagnose::{self, Cause};
use crate::environ::Environ;
use crate::net::{port_of, proxy, scheme_and_host, userinfo};

/// How the endpoint was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Direct,
    /// Through this proxy (password hidden).
    Proxy(String),
}

/// Where the path to the endpoint broke. `what` names the endpoint or the
/// proxy (password hidden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreachable {
    NotAUrl {
        what: String,
    },
    Dns {
        what: String,
    },
    Refused {
        what: String,
    },
    Timeout {
        what: String,
    },
    Io {
        what: String,
        kind: std::io::ErrorKind,
    },
    /// The proxy answered the CONNECT with 407.
    ProxyAuth {
        proxy: String,
    },
    /// The proxy answered the CONNECT with another status.
    ProxyStatus {
        proxy: String,
        status: u16,
    },
    /// The proxy accepted the connection and said nothing.
    ProxySilent {
        proxy: String,
    },
}

impl Unreachable {
    /// The cause, in the classifier's terms.
    pub fn cause(&self) -> Cause {
        match self {
            Self::Dns { .. } => Cause::Dns,
            Self::Refused { .. } => Cause::ConnectionRefused,
            Self::Timeout { .. } | Self::ProxySilent { .. } => Cause::Timeout,
            Self::ProxyAuth { .. } => Cause::ProxyAuth,
            Self::ProxyStatus { .. } => Cause::HttpStatus,
            Self::NotAUrl { .. } | Self::Io { .. } => Cause::NetworkUnknown,
        }
    }

    /// The HTTP status a proxy answered, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::ProxyAuth { .. } => Some(407),
            Self::ProxyStatus { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What is left of the time until `deadline` (at least a millisecond).
pub fn left(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

/// `url`'s host and port (the scheme's default when none is given).
fn host_port(url: &str) -> Option<(bool, &str, u16)> {
    let (scheme, host) = scheme_and_host(url)?;
    let https = scheme.eq_ignore_ascii_case("https");
    Some((
        https,
        host,
        port_of(url).unwrap_or(if https { 443 } else { 80 }),
    ))
}

/// Reach the endpoint's host and port (a tunnel for https through a proxy).
pub fn reach(env: &Environ, url: &str, deadline: Instant) -> Result<Route, Unreachable> {
    let (https, host, port) = host_port(url).ok_or_else(|| Unreachable::NotAUrl {
        what: url.to_string(),
    })?;
    let scheme = if https { "https" } else { "http" };
    match proxy::proxy_for(env, scheme, host) {
        None => connect(host, port, host, deadline).map(|_| Route::Direct),
        Some(p) => tunnel(&p, host, port, https, deadline),
    }
}

fn resolve(host: &str, port: u16, deadline: Instant) -> Option<SocketAddr> {
    let (tx, rx) = mpsc::channel();
    let target = format!("{host}:{port}");
    // The OS resolver can hang far longer than the deadline: wait in a thread.
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().ok().and_then(|mut a| a.next()));
    });
    rx.recv_timeout(left(deadline)).ok().flatten()
}

fn connect(host: &str, port: u16, what: &str, deadline: Instant) -> Result<TcpStream, Unreachable> {
    let what = what.to_string();
    let addr =
        resolve(host, port, deadline).ok_or_else(|| Unreachable::Dns { what: what.clone() })?;
    TcpStream::connect_timeout(&addr, left(deadline)).map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => Unreachable::Refused { what },
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            Unreachable::Timeout { what }
        }
        kind => Unreachable::Io { what, kind },
    })
}

fn tunnel(
    proxy_url: &str,
    host: &str,
    port: u16,
    https: bool,
    deadline: Instant,
) -> Result<Route, Unreachable> {
    let full = if proxy_url.contains("://") {
        proxy_url.to_string()
    } else {
        format!("http://{proxy_url}")
    };
    let shown = crate::redact::url_password(&full);
    let what = format!("the proxy {shown}");
    let (_, phost, pport) =
        host_port(&full).ok_or_else(|| Unreachable::NotAUrl { what: what.clone() })?;
    let mut stream = connect(phost, pport, &what, deadline)?;
    if !https {
        return Ok(Route::Proxy(shown));
    }
    let _ = stream.set_read_timeout(Some(left(deadline)));
    let mut req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some(creds) = userinfo(&full) {
        let token = base64::engine::general_purpose::STANDARD.encode(creds);
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    let mut line = String::new();
    let answered = stream.write_all(req.as_bytes()).is_ok()
        && BufReader::new(&stream).read_line(&mut line).is_ok();
    match line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|_| answered)
    {
        Some(200) => Ok(Route::Proxy(shown)),
        Some(407) => Err(Unreachable::ProxyAuth { proxy: shown }),
        Some(status) => Err(Unreachable::ProxyStatus {
            proxy: shown,
            status,
        }),
        None => Err(Unreachable::ProxySilent { proxy: shown }),
    }
}

/// GET `url` through the environment's proxy, trusting `roots` (default: the
/// bundled roots, the computer's and codex's CA file). Any HTTP status counts
/// as an answer; returns the server's `Date`, or the cause of the failure.
pub fn https_get(
    env: &Environ,
    url: &str,
    roots: Option<RootCerts>,
    deadline: Instant,
) -> Result<Option<i64>, Cause> {
    let proxy = scheme_and_host(url).and_then(|(s, h)| proxy::proxy_for(env, s, h));
    let roots = roots.unwrap_or_else(|| crate::net::trust::everything(env));
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(left(deadline)))
        .user_agent(crate::net::USER_AGENT)
        .proxy(proxy.and_then(|p| ureq::Proxy::new(&p).ok()))
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build();
    match ureq::Agent::new_with_config(config).get(url).call() {
        Ok(resp) => Ok(resp
            .headers()
            .get("date")
            .and_then(|d| d.to_str().ok())
            .and_then(crate::time::parse_http_date)),
        Err(ureq::Error::Timeout(_)) => Err(Cause::Timeout),
        Err(ureq::Error::Tls(_) | ureq::Error::Rustls(_)) => Err(Cause::Tls),
        Err(e) => {
            Err(diagnose::classify(&e.to_string()).map_or(Cause::NetworkUnknown, |d| d.cause))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(3)
    }

    #[test]
    fn a_closed_port_is_refused_and_a_bad_name_is_dns() {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let env = Environ::from_pairs(&[], false);
        let refused =
            reach(&env, &format!("http://127.0.0.1:{port}/v1"), soon()).expect_err("refused");
        assert_eq!(refused.cause(), Cause::ConnectionRefused);
        let dns = reach(&env, "http://no-such-host.invalid/v1", soon()).expect_err("dns");
        assert_eq!(
            dns,
            Unreachable::Dns {
                what: "no-such-host.invalid".into()
            }
        );
    }

    #[test]
    fn a_proxy_asking_for_credentials_is_407_and_gets_them_sent() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut head = String::new();
                let mut reader = BufReader::new(s.try_clone().expect("clone"));
                while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
                let _ = tx.send(head);
                let _ = s.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
            }
        });
        let env = Environ::from_pairs(
            &[("HTTPS_PROXY", &format!("http://ann:pw1@127.0.0.1:{port}"))],
            false,
        );
        let err = reach(&env, "https://api.example.test/v1", soon()).expect_err("407");
        assert_eq!((err.cause(), err.status()), (Cause::ProxyAuth, Some(407)));
        assert!(matches!(err, Unreachable::ProxyAuth { ref proxy } if !proxy.contains("pw1")));
        let head = rx.recv().expect("request");
        assert!(
            head.starts_with("CONNECT api.example.test:443 HTTP/1.1"),
            "{head}"
        );
        assert!(
            head.contains("Proxy-Authorization: Basic YW5uOnB3MQ=="),
            "{head}"
        );
    }
}
