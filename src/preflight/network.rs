//! Network checks for the endpoints codex uses: DNS, TCP connect (direct, or
//! a CONNECT through the proxy, where 407 means "the proxy needs
//! credentials"), the TLS handshake verified twice (Mozilla roots bundled in
//! usbide, then this computer's trust store), and the clock from the HTTP
//! `Date` header. Every endpoint runs in its own thread under one deadline,
//! so a black-holed host or a silent DNS costs the timeout, not more.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ureq::tls::{RootCerts, TlsConfig};

use crate::environ::Environ;
use crate::events::diagnose::{self, Cause};
use crate::net::{proxy, scheme_and_host, trust};
use crate::preflight::check::{Check, Group};

/// What one endpoint showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointReport {
    pub checks: Vec<Check>,
    /// Bundled roots rejected the certificate, the host's accepted it.
    pub inspected: bool,
    /// Server `Date` minus our clock, seconds.
    pub skew: Option<i64>,
}

/// Check every endpoint concurrently; finish within `timeout` (plus a hair).
pub fn check_all(env: &Environ, endpoints: &[String], timeout: Duration) -> Vec<EndpointReport> {
    let deadline = Instant::now() + timeout;
    // The steps stop a little early so that their own finding (not "no
    // answer") is what the report gets.
    let steps_deadline = deadline - Duration::from_millis(200).min(timeout / 4);
    let env = Arc::new(env.clone());
    let (tx, rx) = mpsc::channel();
    for (i, url) in endpoints.iter().enumerate() {
        let (tx, env, url) = (tx.clone(), env.clone(), url.clone());
        std::thread::spawn(move || {
            let _ = tx.send((i, check_one(&env, &url, steps_deadline)));
        });
    }
    drop(tx);
    let mut reports: Vec<Option<EndpointReport>> = vec![None; endpoints.len()];
    while reports.iter().any(Option::is_none) {
        let left = deadline.saturating_duration_since(Instant::now()) + Duration::from_millis(150);
        match rx.recv_timeout(left) {
            Ok((i, r)) => reports[i] = Some(r),
            Err(_) => break,
        }
    }
    reports
        .into_iter()
        .zip(endpoints)
        .map(|(r, url)| {
            r.unwrap_or_else(|| EndpointReport {
                checks: vec![Check::fail(Group::Network, id(url), format!("no answer from {} within {} ms", host_of(url), timeout.as_millis()), "the network drops the traffic silently (a firewall?); try another network or ask for this host to be allowed")],
                inspected: false,
                skew: None,
            })
        })
        .collect()
}

fn id(url: &str) -> String {
    format!("network:{}", host_of(url))
}

/// `host`, or `host:port` when the URL names a port (ids stay unique).
fn host_of(url: &str) -> String {
    let host = scheme_and_host(url).map_or(url, |(_, h)| h);
    match port_of(url) {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

fn left(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

fn check_one(env: &Environ, url: &str, deadline: Instant) -> EndpointReport {
    let report = |checks| EndpointReport {
        checks,
        inspected: false,
        skew: None,
    };
    let Some((scheme, host)) = scheme_and_host(url) else {
        return report(vec![Check::fail(
            Group::Network,
            id(url),
            format!("{url} is not an http(s) URL"),
            "fix USBIDE_DOCTOR_ENDPOINTS",
        )]);
    };
    let https = scheme.eq_ignore_ascii_case("https");
    let port = port_of(url).unwrap_or(if https { 443 } else { 80 });
    let started = Instant::now();
    let route = match proxy::proxy_for(env, scheme, host) {
        Some(p) => match tunnel(&p, host, port, https, deadline) {
            Ok(()) => format!("through the proxy {}", crate::redact::url_password(&p)),
            Err(check) => return report(vec![check.with_id(id(url))]),
        },
        None => match direct(host, port, deadline) {
            Ok(()) => "directly".to_string(),
            Err(check) => return report(vec![check.with_id(id(url))]),
        },
    };
    let mut checks = vec![Check::ok(
        Group::Network,
        id(url),
        format!(
            "{host}:{port} reachable {route} ({} ms)",
            started.elapsed().as_millis()
        ),
    )];
    let (tls_check, inspected, date) = if https {
        tls_twice(env, url, &host_of(url), deadline)
    } else {
        (
            None,
            false,
            fetch_date(env, url, None, deadline).ok().flatten(),
        )
    };
    checks.extend(tls_check);
    let skew = date.map(|d| d - crate::time::now());
    EndpointReport {
        checks,
        inspected,
        skew,
    }
}

trait WithId {
    fn with_id(self, id: String) -> Check;
}

impl WithId for Check {
    fn with_id(mut self, id: String) -> Check {
        self.id = id;
        self
    }
}

fn port_of(url: &str) -> Option<u16> {
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

fn resolve(host: &str, port: u16, deadline: Instant) -> Option<SocketAddr> {
    let (tx, rx) = mpsc::channel();
    let target = format!("{host}:{port}");
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().ok().and_then(|mut a| a.next()));
    });
    rx.recv_timeout(left(deadline)).ok().flatten()
}

fn connect(addr: SocketAddr, what: &str, deadline: Instant) -> Result<TcpStream, Check> {
    TcpStream::connect_timeout(&addr, left(deadline)).map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => Check::fail(Group::Network, "", format!("{what} refused the connection"), "nothing listens there: check the address, or HTTPS_PROXY / codex_home/.env (`usbide env`)"),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Check::fail(Group::Network, "", format!("{what} did not answer (connection timed out)"), "a firewall drops the traffic; try another network or set HTTPS_PROXY to your company proxy"),
        _ => Check::fail(Group::Network, "", format!("cannot connect to {what}: {}", e.kind()), "check the network connection"),
    })
}

fn direct(host: &str, port: u16, deadline: Instant) -> Result<(), Check> {
    let addr = resolve(host, port, deadline).ok_or_else(|| {
        Check::fail(
            Group::Network,
            "",
            format!("{host} cannot be resolved (DNS)"),
            "check the network; behind a company proxy set HTTPS_PROXY=http://proxy-host:port",
        )
    })?;
    connect(addr, host, deadline).map(drop)
}

/// Reach `host:port` through the proxy, as codex would (CONNECT for https).
fn tunnel(
    proxy_url: &str,
    host: &str,
    port: u16,
    https: bool,
    deadline: Instant,
) -> Result<(), Check> {
    use std::io::{BufRead, BufReader, Write};
    let full = if proxy_url.contains("://") {
        proxy_url.to_string()
    } else {
        format!("http://{proxy_url}")
    };
    let shown = crate::redact::url_password(&full);
    let (_, phost) = scheme_and_host(&full).ok_or_else(|| {
        Check::fail(
            Group::Network,
            "",
            format!("the proxy {shown} is not a URL"),
            "set HTTPS_PROXY=http://proxy-host:port",
        )
    })?;
    let pport = port_of(&full).unwrap_or(80);
    let addr = resolve(phost, pport, deadline).ok_or_else(|| {
        Check::fail(
            Group::Network,
            "",
            format!("the proxy {shown} cannot be resolved"),
            "check HTTPS_PROXY (`usbide env`)",
        )
    })?;
    let mut stream = connect(addr, &format!("the proxy {shown}"), deadline)?;
    if !https {
        return Ok(());
    }
    let _ = stream.set_read_timeout(Some(left(deadline)));
    let mut req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some((creds, _)) = full
        .split_once("://")
        .and_then(|(_, r)| r.split('/').next())
        .and_then(|a| a.rsplit_once('@'))
    {
        use base64::Engine;
        req.push_str(&format!(
            "Proxy-Authorization: Basic {}\r\n",
            base64::engine::general_purpose::STANDARD.encode(creds)
        ));
    }
    req.push_str("\r\n");
    let answer = stream.write_all(req.as_bytes()).ok().and_then(|()| {
        let mut line = String::new();
        BufReader::new(&stream)
            .read_line(&mut line)
            .ok()
            .map(|_| line)
    });
    match answer
        .as_deref()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse::<u16>().ok())
    {
        Some(200) => Ok(()),
        Some(407) => Err(Check::fail(
            Group::Network,
            "",
            format!("the proxy {shown} needs credentials (407)"),
            "set HTTPS_PROXY=http://user:password@proxy-host:port",
        )),
        Some(code) => Err(Check::fail(
            Group::Network,
            "",
            format!("the proxy {shown} refused the tunnel to {host} (HTTP {code})"),
            "ask for this host to be allowed through the proxy",
        )),
        None => Err(Check::fail(
            Group::Network,
            "",
            format!("the proxy {shown} did not answer the tunnel request"),
            "check HTTPS_PROXY (`usbide env`)",
        )),
    }
}

/// An HTTPS request with `roots`; the server's `Date` on success.
fn fetch_date(
    env: &Environ,
    url: &str,
    roots: Option<RootCerts>,
    deadline: Instant,
) -> Result<Option<i64>, Cause> {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(left(deadline)))
        .user_agent(crate::net::USER_AGENT);
    if let Some(p) = scheme_and_host(url).and_then(|(s, h)| proxy::proxy_for(env, s, h)) {
        config = config.proxy(ureq::Proxy::new(&p).ok());
    } else {
        config = config.proxy(None);
    }
    if let Some(roots) = roots {
        config = config.tls_config(TlsConfig::builder().root_certs(roots).build());
    }
    let agent = ureq::Agent::new_with_config(config.build());
    match agent.get(url).call() {
        Ok(resp) => Ok(resp
            .headers()
            .get("date")
            .and_then(|d| d.to_str().ok())
            .and_then(crate::time::parse_http_date)),
        Err(ureq::Error::Timeout(_)) => Err(Cause::Timeout),
        Err(e) => {
            Err(diagnose::classify(&e.to_string()).map_or(Cause::NetworkUnknown, |d| d.cause))
        }
    }
}

fn tls_twice(
    env: &Environ,
    url: &str,
    host: &str,
    deadline: Instant,
) -> (Option<Check>, bool, Option<i64>) {
    let tls_id = format!("tls:{host}");
    let bundled = match fetch_date(
        env,
        url,
        Some(RootCerts::Specific(Arc::new(trust::bundled()))),
        deadline,
    ) {
        Ok(date) => {
            return (
                Some(Check::ok(
                    Group::Network,
                    tls_id,
                    "certificate trusted (Mozilla roots)",
                )),
                false,
                date,
            );
        }
        Err(cause) => cause,
    };
    let mut host_roots = trust::host();
    host_roots.extend(trust::codex_ca_file(env));
    let host_result = fetch_date(
        env,
        url,
        Some(RootCerts::Specific(Arc::new(host_roots))),
        deadline,
    );
    match (bundled, host_result) {
        (Cause::Tls, Ok(date)) => (
            Some(Check::warn(
                Group::Network,
                tls_id,
                format!(
                    "{host} presents a certificate only this computer trusts: a company proxy inspects TLS"
                ),
                "usbide gives codex a CA bundle with this computer's roots (CODEX_CA_CERTIFICATE); nothing to do",
            )),
            true,
            date,
        ),
        (Cause::Tls, Err(Cause::Tls)) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                format!("{host}'s certificate is trusted by no root here"),
                "export your company's root certificate as PEM and set CODEX_CA_CERTIFICATE=path\\to\\root.pem",
            )),
            false,
            None,
        ),
        (Cause::Timeout, _) | (_, Err(Cause::Timeout)) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                format!("{host} accepted the connection but never completed TLS"),
                "a firewall holds the traffic; try another network or set HTTPS_PROXY",
            )),
            false,
            None,
        ),
        (cause, _) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                format!(
                    "TLS with {host} failed ({})",
                    crate::events::hints::title(cause, crate::events::hints::Lang::En)
                ),
                "check the network and proxy (`usbide env`)",
            )),
            false,
            None,
        ),
    }
}

/// The `clock` check from the skews the endpoints reported.
pub fn clock(reports: &[EndpointReport]) -> Check {
    let Some(skew) = reports.iter().find_map(|r| r.skew) else {
        return Check::skipped(Group::Network, "clock", "no server told the time");
    };
    let span = crate::time::span(skew);
    let direction = if skew > 0 { "behind" } else { "ahead of" };
    match skew.abs() {
        0..=300 => Check::ok(
            Group::Network,
            "clock",
            format!("this computer's clock agrees with the servers (within {span})"),
        ),
        301..=86_400 => Check::warn(
            Group::Network,
            "clock",
            format!("this computer's clock is {span} {direction} the servers"),
            "set the date and time (Windows: Settings > Time > Sync now)",
        ),
        _ => Check::fail(
            Group::Network,
            "clock",
            format!(
                "this computer's clock is {span} {direction} the servers: certificates will look invalid"
            ),
            "set the date and time (Windows: Settings > Time > Sync now)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_thresholds() {
        let r = |skew| EndpointReport {
            checks: vec![],
            inspected: false,
            skew,
        };
        assert_eq!(
            clock(&[r(None)]).status,
            crate::preflight::check::Status::Skipped
        );
        assert_eq!(
            clock(&[r(Some(12))]).status,
            crate::preflight::check::Status::Ok
        );
        assert_eq!(
            clock(&[r(Some(-3600))]).status,
            crate::preflight::check::Status::Warn
        );
        let far = clock(&[r(None), r(Some(2 * 86_400))]);
        assert_eq!(far.status, crate::preflight::check::Status::Fail);
        assert!(far.finding.contains("2 days behind"), "{}", far.finding);
    }

    #[test]
    fn ports() {
        assert_eq!(port_of("https://h:8443/x"), Some(8443));
        assert_eq!(port_of("https://h/x"), None);
        assert_eq!(port_of("http://u:p@h:81"), Some(81));
    }
}
