//! What on this host will break codex, in plain
//! words, within a few seconds. `usbide doctor` runs every check; each launch
//! runs the quick local ones, plus the network ones when no success for this
//! host and network is younger than ten minutes.

pub mod cache;
pub mod check;
pub mod host;
pub mod leftovers;
pub mod local;
pub mod mcp;
pub mod network;
pub mod sandbox;
pub mod tlsbundle;
pub mod traces;
pub mod windows;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::environ::Environ;
use crate::home::provider::Provider;
use crate::launch::Invocation;
use crate::settings::{LoginMethod, Settings};
use crate::stick::Stick;
use check::{Check, Group, Status};

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Hash the payload and run codex (doctor), or only the quick checks.
    pub full: bool,
    /// Run the network checks.
    pub network: bool,
    pub endpoints: Vec<String>,
    pub timeout: Duration,
    /// Where codex sends its requests (read once per launch).
    pub provider: Provider,
    /// The Windows sandbox codex gets (doctor, Windows only).
    pub sandbox: Option<sandbox::Decision>,
}

/// The default timeout of the network checks (all run at once).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(2500);

impl Options {
    /// Endpoints and timeout from the settings (`USBIDE_DOCTOR_ENDPOINTS`,
    /// `USBIDE_DOCTOR_TIMEOUT_MS`), else those codex uses in this login mode.
    pub fn from_settings(
        settings: &Settings,
        provider: &Provider,
        full: bool,
        network: bool,
    ) -> Self {
        let endpoints = match &settings.doctor_endpoints {
            Some(list) => list.clone(),
            None if !provider.openai_login => vec![provider.endpoint.clone()],
            None if settings.login_method == LoginMethod::Api => vec![provider.endpoint.clone()],
            None => vec![
                "https://auth.openai.com/".to_string(),
                provider.endpoint.clone(),
            ],
        };
        let timeout = settings.doctor_timeout;
        Self {
            full,
            network,
            provider: provider.clone(),
            sandbox: None,
            endpoints,
            timeout,
        }
    }
}

/// A finished preflight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub usbide_version: &'static str,
    pub overall: Status,
    pub duration_ms: u64,
    pub checks: Vec<Check>,
    /// The CA bundle written for a TLS-inspecting proxy, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<PathBuf>,
}

impl Report {
    /// Whether nothing failed.
    pub fn passed(&self) -> bool {
        self.overall != Status::Fail
    }
}

/// A codex call the preflight may make (`--version`, `login status`).
#[derive(Debug, Clone)]
pub struct CodexCall {
    pub exe: PathBuf,
    pub overrides: Vec<String>,
    pub env: Vec<(OsString, OsString)>,
}

/// Run the preflight.
///
/// `env` is the host's environment; `net` the one usbide's network traffic
/// sees (`env` plus the Windows system proxy codex gets).
pub fn run(
    stick: &Stick,
    settings: &Settings,
    (env, net): (&Environ, &Environ),
    codex: Option<&CodexCall>,
    opts: &Options,
    lang: crate::messages::Lang,
) -> Report {
    let started = Instant::now();
    let deadline = started + opts.timeout;
    let codex_home = stick.codex_home();
    let (tx, rx) = mpsc::channel::<Vec<Check>>();
    if opts.full
        && let Some(call) = codex
    {
        for (id, args, group) in [
            ("payload.runs", vec!["--version"], Group::Payload),
            ("login.status", vec!["login", "status"], Group::Login),
        ] {
            let (tx, call) = (tx.clone(), call.clone());
            std::thread::spawn(move || {
                let _ = tx.send(vec![run_codex(&call, id, &args, group, deadline, lang)]);
            });
        }
    }
    if opts.full && cfg!(windows) {
        let (win_tx, win_env, sandbox) = (tx.clone(), env.clone(), opts.sandbox.clone());
        std::thread::spawn(move || {
            let facts = windows::gather(&win_env, deadline);
            let _ = win_tx.send(windows::checks(sandbox.as_ref(), &facts, lang));
        });
        // Beside it, not after it: PowerShell may take the whole deadline.
        let (left_tx, left_env) = (tx.clone(), env.clone());
        let (home, host) = (codex_home.clone(), settings.host.clone());
        std::thread::spawn(move || {
            let found = leftovers::find(&left_env, &home, host.as_deref(), deadline);
            let _ = left_tx.send(vec![leftovers::check(&found, lang)]);
        });
    }
    let mut checks = local::stick(stick, env, lang);
    // A launch has just enforced codex_home and found the payload; only the
    // doctor looks at them again.
    if opts.full {
        checks.extend(local::codex_home(
            stick,
            settings,
            env,
            &opts.provider,
            lang,
        ));
        checks.extend(local::payload(stick, true, lang));
    }
    checks.extend(local::environment(env, settings, &codex_home, lang));
    checks.extend(mcp::check(&opts.provider.mcp_commands, env, lang));
    checks.push(local::proxy(env, net, lang));
    if opts.full {
        checks.push(traces::check(&traces::find(env, &codex_home), lang));
    }
    let (network, ca_bundle) = network_checks(&codex_home, (env, net), opts, lang);
    checks.extend(network);
    drop(tx);
    while let Ok(more) = rx.recv_timeout(
        deadline.saturating_duration_since(Instant::now()) + Duration::from_millis(200),
    ) {
        checks.extend(more);
    }
    local::merge_login(&mut checks, lang);
    checks.sort_by_key(|c| c.group);
    let overall = checks
        .iter()
        .map(|c| c.status)
        .filter(|s| *s != Status::Skipped)
        .max()
        .unwrap_or(Status::Ok);
    Report {
        schema_version: 1,
        usbide_version: env!("CARGO_PKG_VERSION"),
        overall,
        duration_ms: started.elapsed().as_millis() as u64,
        checks,
        ca_bundle,
    }
}

/// The network checks alone (skipped when `opts` says no network), and the
/// CA bundle written when a TLS-inspecting proxy was found. A launch runs
/// them beside codex; [`run`] with everything else.
pub fn network_checks(
    codex_home: &std::path::Path,
    (env, net): (&Environ, &Environ),
    opts: &Options,
    lang: crate::messages::Lang,
) -> (Vec<Check>, Option<PathBuf>) {
    let t = crate::messages::text(lang);
    let mut checks = Vec::new();
    let mut ca_bundle = None;
    if opts.network && !opts.endpoints.is_empty() {
        let reports = network::check_all(net, &opts.endpoints, opts.timeout, lang);
        checks.extend(reports.iter().flat_map(|r| r.checks.clone()));
        checks.push(network::clock(&reports, lang));
        if reports.iter().any(|r| r.inspected) {
            let host = crate::login::method::host_name(env);
            checks.push(match tlsbundle::write(codex_home, &host, env) {
                Ok((path, n)) => {
                    ca_bundle = Some(path.clone());
                    let found = crate::messages::fill(
                        t.tls_bundle_written,
                        &[("path", &path.display().to_string()), ("n", &n.to_string())],
                    );
                    Check::ok(Group::Network, "tls.bundle", found)
                }
                Err(e) => Check::fail(
                    Group::Network,
                    "tls.bundle",
                    crate::messages::fill(t.tls_bundle_failed, &[("error", &e.to_string())]),
                    t.free_space_fix,
                ),
            });
        }
    } else {
        checks.push(Check::skipped(Group::Network, "network", t.network_offline));
    }
    (checks, ca_bundle)
}

/// Run `cmd` (stdin closed, stdout and stderr captured, each up to 1 MiB)
/// until it ends or `deadline` passes, when it is killed: a tool that hangs
/// never holds usbide. Both pipes are read while it runs (a chatty tool
/// never blocks on a full one), and a pipe a left-behind grandchild keeps
/// open is not waited for past the deadline. `None` when it could not start
/// or did not end in time.
pub fn output_by(
    cmd: &mut std::process::Command,
    deadline: Instant,
) -> Option<std::process::Output> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::platform::tie_to_parent(cmd);
    let mut child = cmd.spawn().ok()?;
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = std::io::Read::read_to_end(
                    &mut std::io::Read::take(&mut pipe, 1 << 20),
                    &mut kept,
                );
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            }
            let _ = tx.send(kept);
        });
        rx
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as _));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    let left = || deadline.saturating_duration_since(Instant::now());
    Some(std::process::Output {
        status,
        stdout: stdout.recv_timeout(left()).unwrap_or_default(),
        stderr: stderr.recv_timeout(left()).unwrap_or_default(),
    })
}

/// Run codex with `args` under the deadline; its output never leaves here
/// except as a cleaned first line.
fn run_codex(
    call: &CodexCall,
    id: &str,
    args: &[&str],
    group: Group,
    deadline: Instant,
    lang: crate::messages::Lang,
) -> Check {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let user: Vec<OsString> = args.iter().map(OsString::from).collect();
    let inv = Invocation::new(&call.exe, &call.overrides, &user, call.env.clone());
    let child = inv
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return Check::fail(
            group,
            id,
            fill(
                t.codex_wont_start,
                &[("path", &call.exe.display().to_string())],
            ),
            t.payload_reinstall_fix,
        );
    };
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Check::warn(group, id, t.codex_slow, t.codex_slow_fix);
            }
        }
    }
    let out = child.wait_with_output();
    let Ok(out) = out else {
        return Check::fail(group, id, t.codex_unfinished, t.payload_reinstall_fix);
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let first = crate::events::render::clean(status_line(&text));
    match (id, out.status.success()) {
        ("payload.runs", true) => Check::ok(group, id, fill(t.codex_runs, &[("version", &first)])),
        ("payload.runs", false) => Check::fail(
            group,
            id,
            fill(t.codex_version_failed, &[("output", &first)]),
            t.payload_reinstall_fix,
        ),
        (_, true) => Check::ok(
            group,
            id,
            fill(
                t.codex_login_status,
                &[("output", first.split(" - ").next().unwrap_or_default())],
            ),
        ),
        // codex's own words are quoted as they are: they match its docs.
        (_, false) if first.starts_with("Not logged in") => Check::warn(
            group,
            id,
            fill(t.codex_login_status, &[("output", "Not logged in")]),
            t.login_missing_fix,
        ),
        (_, false) => Check::fail(
            group,
            id,
            fill(t.codex_login_status, &[("output", &first)]),
            t.login_reset_fix,
        ),
    }
}

/// The line of codex's output that carries its answer: `codex-cli X.Y.Z`,
/// `Logged in using ...`, `Not logged in`, `API key configured ...`, not a
/// warning printed before it (codex under Wine warns about its arg0 temp
/// folders first); else the first line that is not a warning.
fn status_line(text: &str) -> &str {
    const ANSWERS: [&str; 5] = [
        "codex-cli",
        "Logged in",
        "Not logged in",
        "API key configured",
        "Error",
    ];
    let lines = || text.lines().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find(|l| ANSWERS.iter().any(|a| l.starts_with(a)))
        .or_else(|| lines().find(|l| !l.starts_with("WARNING")))
        .or_else(|| lines().next())
        .unwrap_or_default()
}

/// The human report: one line per check by group, the fixes at the end, in
/// the host's language.
pub fn render(report: &Report, lang: crate::messages::Lang, color: bool) -> String {
    let t = crate::messages::text(lang);
    let mut out = String::new();
    let mut group = None;
    for c in &report.checks {
        if group != Some(c.group) {
            out.push_str(&format!("\n{}\n", c.group.title_in(lang)));
            group = Some(c.group);
        }
        let (status, paint) = match c.status {
            Status::Ok => (t.doctor_ok, "32"),
            Status::Warn => (t.doctor_warn, "33"),
            Status::Fail => (t.doctor_fail, "1;31"),
            Status::Skipped => (t.doctor_skip, "2"),
        };
        // Padded first: the colour codes take no room on screen.
        let status = format!("{status:<5}");
        let status = if color {
            format!("\x1b[{paint}m{status}\x1b[0m")
        } else {
            status
        };
        out.push_str(&format!("  {status} {:<28} {}\n", c.id, c.finding));
    }
    let fixes: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
        .collect();
    if !fixes.is_empty() {
        out.push_str(&format!("\n{}\n", t.doctor_what_to_do));
        for (i, c) in fixes.iter().enumerate() {
            let line = crate::messages::fill(
                t.doctor_fix_line,
                &[
                    ("n", &(i + 1).to_string()),
                    ("id", &c.id),
                    ("fix", c.fix.as_deref().unwrap_or(t.doctor_see_above)),
                ],
            );
            out.push_str(&format!("  {line}\n"));
        }
    }
    let no_login = report
        .checks
        .iter()
        .any(|c| c.id == "login.stored" && c.status != Status::Ok);
    let verdict = match report.overall {
        Status::Fail => t.doctor_verdict_fail,
        _ if no_login => t.doctor_verdict_no_login,
        Status::Warn => t.doctor_verdict_warn,
        _ => t.doctor_verdict_ok,
    };
    out.push_str(&format!("\n{verdict} ({} ms)\n", report.duration_ms));
    crate::redact::text(&out)
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn a_tool_that_talks_a_lot_or_hangs_never_holds_usbide() {
        use std::time::{Duration, Instant};
        // 2 MB on stderr: more than a pipe holds, read while it runs.
        let mut chatty = std::process::Command::new("sh");
        chatty.args(["-c", "head -c 2000000 /dev/zero >&2; echo done"]);
        let started = Instant::now();
        let out =
            super::output_by(&mut chatty, Instant::now() + Duration::from_secs(20)).expect("ended");
        assert!(out.status.success());
        assert_eq!(out.stdout, b"done\n");
        assert_eq!(out.stderr.len(), 1 << 20);
        assert!(started.elapsed() < Duration::from_secs(10));
        // One that never ends is let go at the deadline.
        let mut hung = std::process::Command::new("sleep");
        hung.arg("30");
        let started = Instant::now();
        assert!(super::output_by(&mut hung, Instant::now() + Duration::from_millis(300)).is_none());
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    use super::*;

    #[test]
    fn the_french_report_has_french_tags_and_typography() {
        let fr = crate::messages::Lang::Fr;
        let t = crate::messages::text(fr);
        let report = Report {
            schema_version: 1,
            usbide_version: "0",
            overall: Status::Fail,
            duration_ms: 1,
            checks: vec![
                local::proxy(
                    &Environ::from_pairs(&[], false),
                    &Environ::from_pairs(&[], false),
                    fr,
                ),
                Check::fail(
                    Group::Stick,
                    "stick.writable",
                    t.stick_read_only,
                    t.stick_read_only_fix,
                ),
                network::clock(&[], fr),
            ],
            ca_bundle: None,
        };
        let out = render(&report, fr, false);
        assert!(out.contains("ÉCHEC stick.writable"), "{out}");
        assert!(out.contains("1. stick.writable\u{a0}: désactivez"), "{out}");
        let faults = crate::messages::glossaire::faults(&out);
        assert!(faults.is_empty(), "{faults:?}\n{out}");
        assert!(out.contains("aucune variable de proxy définie"), "{out}");
        assert!(out.contains("aucun serveur n'a donné l'heure"), "{out}");
        for english in ["FAIL", "WARN", "skip", "What to do", "no server"] {
            assert!(!out.contains(english), "{english}: {out}");
        }
    }

    #[test]
    fn the_status_line_is_found_after_codex_warnings() {
        let wine =
            "WARNING: failed to clean up stale arg0 temp dirs: Access denied\nNot logged in\n";
        assert_eq!(status_line(wine), "Not logged in");
        assert_eq!(
            status_line("\n  Logged in using ChatGPT\n"),
            "Logged in using ChatGPT"
        );
        assert_eq!(
            status_line("WARNING: proceeding, even though ...\ncodex-cli 0.169.0\n"),
            "codex-cli 0.169.0"
        );
        assert_eq!(
            status_line("WARNING: x\nsomething unexpected\n"),
            "something unexpected"
        );
        assert_eq!(status_line("WARNING: only\n"), "WARNING: only");
        assert_eq!(status_line(""), "");
    }
}
