//! Network checks for the endpoints codex uses: DNS, TCP connect (direct, or
//! a CONNECT through the proxy, where 407 means "the proxy needs
//! credentials"), the TLS handshake verified twice (Mozilla roots bundled in
//! usbide, then this computer's trust store), and the clock from the HTTP
//! `Date` header. Every endpoint runs in its own thread under one deadline,
//! so a black-holed host or a silent DNS costs the timeout, not more.

use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ureq::tls::RootCerts;

use crate::diagnose::Cause;
use crate::environ::Environ;
use crate::messages::{Lang, fill, text};
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
pub fn check_all(
    env: &Environ,
    endpoints: &[String],
    timeout: Duration,
    lang: Lang,
) -> Vec<EndpointReport> {
    let t = text(lang);
    let deadline = Instant::now() + timeout;
    // The steps stop a little early so that their own finding (not "no
    // answer") is what the report gets.
    let steps_deadline = deadline - Duration::from_millis(200).min(timeout / 4);
    let env = Arc::new(env.clone());
    let (tx, rx) = mpsc::channel();
    for (i, url) in endpoints.iter().enumerate() {
        let (tx, env, url) = (tx.clone(), env.clone(), url.clone());
        std::thread::spawn(move || {
            let _ = tx.send((i, check_one(&env, &url, steps_deadline, lang)));
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
                checks: vec![Check::fail(
                    Group::Network,
                    id(url),
                    fill(
                        t.net_silent,
                        &[
                            ("host", &host_of(url)),
                            ("ms", &timeout.as_millis().to_string()),
                        ],
                    ),
                    t.net_silent_fix,
                )],
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

fn check_one(env: &Environ, url: &str, deadline: Instant, lang: Lang) -> EndpointReport {
    let t = text(lang);
    let started = Instant::now();
    let route = match reach::reach(env, url, deadline) {
        Ok(route) => route,
        Err(u) => {
            return EndpointReport {
                checks: vec![unreachable(url, &u, lang)],
                inspected: false,
                skew: None,
            };
        }
    };
    let route = match route {
        Route::Direct => t.net_directly.to_string(),
        Route::Proxy(p) => fill(t.net_through_proxy, &[("proxy", &p.to_string())]),
    };
    let host = host_of(url);
    let mut checks = vec![Check::ok(
        Group::Network,
        id(url),
        fill(
            t.net_reachable,
            &[
                ("host", &host),
                ("route", &route),
                ("ms", &started.elapsed().as_millis().to_string()),
            ],
        ),
    )];
    let (tls_check, inspected, date) = if url.starts_with("https") {
        tls_twice(env, url, &host, deadline, lang)
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
fn unreachable(url: &str, u: &Unreachable, lang: Lang) -> Check {
    let t = text(lang);
    // `what` is the endpoint's URL, or `the proxy X` (net::reach).
    let named = |what: &str| match what.strip_prefix("the proxy ") {
        Some(proxy) => fill(t.net_the_proxy, &[("proxy", proxy)]),
        None => what.to_string(),
    };
    let one = |template: &str, what: &str| fill(template, &[("what", &named(what))]);
    let (finding, fix) = match u {
        Unreachable::NotAUrl { what } => (one(t.net_not_url, what), t.net_not_url_fix),
        Unreachable::Dns { what } if what.starts_with("the proxy") => {
            (one(t.net_proxy_dns, what), t.net_check_proxy_fix)
        }
        Unreachable::Dns { what } => (one(t.net_dns, what), t.net_dns_fix),
        Unreachable::Refused { what } => (one(t.net_refused, what), t.net_refused_fix),
        Unreachable::Timeout { what } => (one(t.net_timeout, what), t.net_timeout_fix),
        Unreachable::Io { what, kind } => (
            fill(
                t.net_io,
                &[("what", &named(what)), ("kind", &kind.to_string())],
            ),
            t.net_io_fix,
        ),
        Unreachable::ProxyAuth { proxy } => (
            fill(t.net_proxy_auth, &[("proxy", &proxy.to_string())]),
            t.net_proxy_auth_fix,
        ),
        Unreachable::ProxyStatus { proxy, status } => (
            fill(
                t.net_proxy_refused,
                &[
                    ("proxy", &proxy.to_string()),
                    ("host", &host_of(url)),
                    ("status", &status.to_string()),
                ],
            ),
            t.net_proxy_refused_fix,
        ),
        Unreachable::ProxySilent { proxy } => (
            fill(t.net_proxy_silent, &[("proxy", &proxy.to_string())]),
            t.net_check_proxy_fix,
        ),
    };
    Check::fail(Group::Network, id(url), finding, fix)
}

fn tls_twice(
    env: &Environ,
    url: &str,
    host: &str,
    deadline: Instant,
    lang: Lang,
) -> (Option<Check>, bool, Option<i64>) {
    let t = text(lang);
    let h = [("host", host)];
    let tls_id = format!("tls:{host}");
    let bundled = match reach::https_get(
        env,
        url,
        Some(RootCerts::Specific(Arc::new(trust::bundled()))),
        deadline,
    ) {
        Ok(date) => {
            return (
                Some(Check::ok(Group::Network, tls_id, t.tls_trusted)),
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
                fill(t.tls_inspected, &h),
                t.tls_inspected_fix,
            )),
            true,
            date,
        ),
        (Cause::Tls, Err(Cause::Tls)) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                fill(t.tls_untrusted, &h),
                t.tls_untrusted_fix,
            )),
            false,
            None,
        ),
        (Cause::Timeout, _) | (_, Err(Cause::Timeout)) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                fill(t.tls_stalled, &h),
                t.tls_stalled_fix,
            )),
            false,
            None,
        ),
        (cause, _) => (
            Some(Check::fail(
                Group::Network,
                tls_id,
                fill(
                    t.tls_failed,
                    &[
                        ("host", host),
                        ("cause", crate::diagnose::phrases::title(cause, lang)),
                    ],
                ),
                t.tls_failed_fix,
            )),
            false,
            None,
        ),
    }
}

/// The `clock` check from the skews the endpoints reported.
pub fn clock(reports: &[EndpointReport], lang: Lang) -> Check {
    let t = text(lang);
    let Some(skew) = reports.iter().find_map(|r| r.skew) else {
        return Check::skipped(Group::Network, "clock", t.clock_unknown);
    };
    let span = crate::time::span_in(skew, lang);
    let span = [("span", span.as_str())];
    let off = fill(
        if skew > 0 {
            t.clock_behind
        } else {
            t.clock_ahead
        },
        &span,
    );
    match skew.abs() {
        0..=300 => Check::ok(Group::Network, "clock", fill(t.clock_ok, &span)),
        301..=86_400 => Check::warn(Group::Network, "clock", off, t.clock_fix),
        _ => Check::fail(
            Group::Network,
            "clock",
            fill(t.clock_far, &[("off", &off)]),
            t.clock_fix,
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
            clock(&[r(None)], Lang::En).status,
            crate::preflight::check::Status::Skipped
        );
        assert_eq!(
            clock(&[r(Some(12))], Lang::En).status,
            crate::preflight::check::Status::Ok
        );
        assert_eq!(
            clock(&[r(Some(-3600))], Lang::En).status,
            crate::preflight::check::Status::Warn
        );
        let far = clock(&[r(None), r(Some(2 * 86_400))], Lang::En);
        assert_eq!(far.status, crate::preflight::check::Status::Fail);
        assert!(far.finding.contains("2 days behind"), "{}", far.finding);
    }
}
