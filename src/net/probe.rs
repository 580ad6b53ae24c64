//! A quick probe of one endpoint, to name what Codex's own "Connection
//! failed: error sending request" hides: DNS, refused, proxy credentials
//! (407 on CONNECT), or TLS. Every step has its own short timeout.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;

use crate::environ::Environ;
use crate::events::diagnose::{self, Cause, Diagnosis};
use crate::net::{proxy, scheme_and_host};

/// Per-step timeout.
const STEP: Duration = Duration::from_secs(3);

fn found(cause: Cause) -> Option<Diagnosis> {
    Some(Diagnosis {
        cause,
        status: None,
        detail: None,
    })
}

/// What stops a request to `url` from this host, if anything does.
pub fn probe(env: &Environ, url: &str) -> Option<Diagnosis> {
    let (scheme, host) = scheme_and_host(url)?;
    let port = port_of(url).unwrap_or(if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    });
    if let Some(proxy_url) = proxy::proxy_for(env, scheme, host) {
        if let Some(d) = through_proxy(&proxy_url, host, port) {
            return Some(d);
        }
    } else {
        let addr = match resolve(host, port) {
            Some(a) => a,
            None => return found(Cause::Dns),
        };
        match TcpStream::connect_timeout(&addr, STEP) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return found(Cause::ConnectionRefused);
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return found(Cause::Timeout),
            Err(e) => return diagnose::classify(&e.to_string()),
        }
    }
    if scheme.eq_ignore_ascii_case("https") {
        tls(env, url)
    } else {
        None
    }
}

fn port_of(url: &str) -> Option<u16> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let port = authority.rsplit_once(':')?.1;
    port.parse().ok()
}

/// DNS with a deadline (the OS resolver can hang far longer).
fn resolve(host: &str, port: u16) -> Option<SocketAddr> {
    let (tx, rx) = mpsc::channel();
    let target = format!("{host}:{port}");
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().ok().and_then(|mut a| a.next()));
    });
    rx.recv_timeout(STEP).ok().flatten()
}

/// Connect to the proxy and ask for a tunnel, as codex does.
fn through_proxy(proxy_url: &str, host: &str, port: u16) -> Option<Diagnosis> {
    let with_scheme = if proxy_url.contains("://") {
        proxy_url.to_string()
    } else {
        format!("http://{proxy_url}")
    };
    let (_, proxy_host) = scheme_and_host(&with_scheme)?;
    let proxy_port = port_of(&with_scheme).unwrap_or(80);
    let Some(addr) = resolve(proxy_host, proxy_port) else {
        return found(Cause::Dns);
    };
    let mut stream = match TcpStream::connect_timeout(&addr, STEP) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return found(Cause::ConnectionRefused);
        }
        Err(_) => return found(Cause::Timeout),
    };
    let _ = stream.set_read_timeout(Some(STEP));
    let mut request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some(creds) = userinfo(&with_scheme) {
        let token = base64::engine::general_purpose::STANDARD.encode(creds);
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut status = String::new();
    if BufReader::new(&stream).read_line(&mut status).is_err() {
        return found(Cause::Timeout);
    }
    match status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
    {
        Some(200) => None,
        Some(407) => Some(Diagnosis {
            cause: Cause::ProxyAuth,
            status: Some(407),
            detail: None,
        }),
        Some(code) => Some(Diagnosis {
            cause: Cause::HttpStatus,
            status: Some(code),
            detail: None,
        }),
        None => found(Cause::NetworkUnknown),
    }
}

fn userinfo(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    authority.rsplit_once('@').map(|(u, _)| u.to_string())
}

/// A TLS handshake with the roots codex would trust; an HTTP status is fine.
fn tls(env: &Environ, url: &str) -> Option<Diagnosis> {
    let agent = crate::net::agent_for(env, url).ok()?;
    match agent
        .get(url)
        .config()
        .timeout_global(Some(STEP))
        .build()
        .call()
    {
        Ok(_) | Err(ureq::Error::StatusCode(_)) => None,
        Err(ureq::Error::Tls(_)) | Err(ureq::Error::Rustls(_)) => found(Cause::Tls),
        Err(e) => diagnose::classify(&e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_closed_port_is_refused() {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let env = Environ::from_pairs(&[], false);
        let d = probe(&env, &format!("http://127.0.0.1:{port}/v1")).expect("diagnosed");
        assert_eq!(d.cause, Cause::ConnectionRefused);
    }

    #[test]
    fn an_unresolvable_name_is_dns() {
        let env = Environ::from_pairs(&[], false);
        assert_eq!(
            probe(&env, "http://no-such-host.invalid/v1").map(|d| d.cause),
            Some(Cause::Dns)
        );
    }

    #[test]
    fn a_proxy_asking_for_credentials_is_407() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut line = String::new();
                let _ = BufReader::new(&s).read_line(&mut line);
                let _ = s.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n");
            }
        });
        let env = Environ::from_pairs(
            &[("HTTPS_PROXY", &format!("http://127.0.0.1:{port}"))],
            false,
        );
        let d = probe(&env, "https://api.example.test/v1").expect("diagnosed");
        assert_eq!((d.cause, d.status), (Cause::ProxyAuth, Some(407)));
    }

    #[test]
    fn ports_and_credentials_are_read_from_urls() {
        assert_eq!(port_of("http://h:8080/x"), Some(8080));
        assert_eq!(port_of("https://h/x"), None);
        assert_eq!(userinfo("http://ann:pw@p:3128"), Some("ann:pw".into()));
    }
}
