//! Network checks for the endpoints codex uses: DNS, TCP connect (direct, or
//! a CONNECT through the proxy, where 407 means "the proxy needs
//! credentials"), the TLS handshake verified twice (Mozilla roots bundled in
//! usbide, then this computer's trust store), and the clock from the HTTP
//! `Date` header. Every endpoint runs in its own thread under one deadline,
//! so a black-holed host or a silent DNS costs the timeout, not more.

use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ureq::tls::RootCerts;

use crate::environ::Environ;
use crate::events::diagnose::Cause;
use crate::net::reach::{self, Route, Unreachable};
use crate::net::{port_of, scheme_and_host, trust};
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

fn check_one(env: &Environ, url: &str, deadline: Instant) -> EndpointReport {
    let started = Instant::now();
    let route = match reach::reach(env, url, deadline) {
        Ok(route) => route,
        Err(u) => {
            return EndpointReport {
                checks: vec![unreachable(url, &u)],
                inspected: false,
                skew: None,
            };
        }
    };
    let route = match route {
        Route::Direct => "directly".to_string(),
        Route::Proxy(p) => format!("through the proxy {p}"),
    };
    let host = host_of(url);
    let mut checks = vec![Check::ok(
        Group::Network,
        id(url),
        format!(
            "{host} reachable {route} ({} ms)",
            started.elapsed().as_millis()
        ),
    )];
    let (tls_check, inspected, date) = if url.starts_with("https") {
        tls_twice(env, url, &host, deadline)
    } else {
        (
            None,
            false,
            reach::https_get(env, url, None, deadline).ok().flatten(),
        )
    };
    checks.extend(tls_check);
    EndpointReport {
        checks,
        inspected,
        skew: date.map(|d| d - crate::time::now()),
    }
}

/// The failed check for an endpoint that could not be reached.
fn unreachable(url: &str, u: &Unreachable) -> Check {
    let check_proxy = "check HTTPS_PROXY (`usbide env`)";
    let (finding, fix) = match u {
        Unreachable::NotAUrl { what } => (
            format!("{what} is not an http(s) URL"),
            "fix USBIDE_DOCTOR_ENDPOINTS or HTTPS_PROXY",
        ),
        Unreachable::Dns { what } if what.starts_with("the proxy") => {
            (format!("{what} cannot be resolved"), check_proxy)
        }
        Unreachable::Dns { what } => (
            format!("{what} cannot be resolved (DNS)"),
            "check the network; behind a company proxy set HTTPS_PROXY=http://proxy-host:port",
        ),
        Unreachable::Refused { what } => (
            format!("{what} refused the connection"),
            "nothing listens there: check the address, or HTTPS_PROXY / codex_home/.env (`usbide env`)",
        ),
        Unreachable::Timeout { what } => (
            format!("{what} did not answer (connection timed out)"),
            "a firewall drops the traffic; try another network or set HTTPS_PROXY to your company proxy",
        ),
        Unreachable::Io { what, kind } => (
            format!("cannot connect to {what}: {kind}"),
            "check the network connection",
        ),
        Unreachable::ProxyAuth { proxy } => (
            format!("the proxy {proxy} needs credentials (407)"),
            "set HTTPS_PROXY=http://user:password@proxy-host:port",
        ),
        Unreachable::ProxyStatus { proxy, status } => (
            format!(
                "the proxy {proxy} refused the tunnel to {} (HTTP {status})",
                host_of(url)
            ),
            "ask for this host to be allowed through the proxy",
        ),
        Unreachable::ProxySilent { proxy } => (
            format!("the proxy {proxy} did not answer the tunnel request"),
            check_proxy,
        ),
    };
    Check::fail(Group::Network, id(url), finding, fix)
}

fn tls_twice(
    env: &Environ,
    url: &str,
    host: &str,
    deadline: Instant,
) -> (Option<Check>, bool, Option<i64>) {
    let tls_id = format!("tls:{host}");
    let bundled = match reach::https_get(
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
    let host_result = reach::https_get(
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
}
