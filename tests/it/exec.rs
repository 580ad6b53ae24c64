//! `usbide exec` with the real codex against loopback stand-ins: each failure
//! ends with its cause and fix on screen and in `--json`.

use std::net::TcpListener;

use crate::standin::{Reply, Server};
use crate::support::{Run, Stick};

/// A stick whose codex uses `base_url` as its model provider, no retries.
fn stick_for(base_url: &str) -> Stick {
    Stick::with_model_provider(base_url, "experimental_bearer_token = \"test-bearer\"")
}

fn exec(stick: &Stick, json: bool) -> Run {
    let mut args = vec!["exec", "--color", "never"];
    if json {
        args.push("--json");
    }
    args.extend(["--skip-git-repo-check", "say hello"]);
    stick.run(&args)
}

/// Diagnosis lines of a `--json` run.
fn diagnoses(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "usbide.diagnosis")
        .collect()
}

fn status_server(status: u16, ctype: &'static str, body: &'static str) -> Server {
    Server::start(move |_| Reply::Full(status, ctype, body.as_bytes().to_vec()))
}

/// Human and `--json` runs both name `cause` (and `status`) with a hint naming `fix`.
fn assert_diagnosed(stick: &Stick, cause: &str, status: Option<u16>, fix: &str) {
    let human = exec(stick, false);
    assert_eq!(human.code, 1, "{human:?}");
    // The diagnosis is usbide's word: stderr, as codex's own transcript.
    assert!(
        human.stderr.contains("=> ") && human.stderr.contains(fix),
        "{human:?}"
    );
    assert!(!human.stdout.contains("=> "), "{human:?}");
    let json = exec(stick, true);
    assert_eq!(json.code, 1, "{json:?}");
    let d = diagnoses(&json);
    let hit = d
        .iter()
        .find(|v| v["cause"] == cause)
        .unwrap_or_else(|| panic!("no {cause} in {d:?}\n{json:?}"));
    if let Some(s) = status {
        assert_eq!(hit["status"], s, "{hit}");
    }
    let explained = format!(
        "{} {}",
        hit["title"].as_str().unwrap_or_default(),
        hit["hint"].as_str().unwrap_or_default()
    );
    assert!(explained.contains(fix), "{hit}");
}

#[test]
fn a_successful_run_with_a_shell_tool_call_reads_like_a_transcript() {
    let server = Server::start(crate::standin::shell_then_reply(
        "echo hello-from-tool",
        "The command printed its greeting.",
    ));
    let stick = stick_for(&format!("{}/v1", server.url()));
    let run = exec(&stick, false);
    assert_eq!(run.code, 0, "{run:?}");
    // The transcript on stderr, as codex exec writes it...
    assert!(run.stderr.contains("hello-from-tool"), "{run:?}");
    assert!(run.stderr.contains("exit 0"), "{run:?}");
    assert!(
        run.stderr.contains("The command printed its greeting."),
        "{run:?}"
    );
    assert!(run.stderr.contains("tokens: "), "{run:?}");
    assert!(!run.stderr.contains("=> "), "{run:?}");
    // ...and only the final answer on stdout: `ans=$(usbide exec ...)`.
    assert_eq!(run.stdout, "The command printed its greeting.\n", "{run:?}");
}

#[test]
fn piped_input_reaches_codex_as_codex_exec_reads_it() {
    use std::io::Write as _;
    let server = Server::start(crate::standin::shell_then_reply(
        "echo hello-from-tool",
        "Reviewed.",
    ));
    let stick = stick_for(&format!("{}/v1", server.url()));
    let pipe = |args: &[&str], input: &str| {
        let mut cmd = stick.command_for(&crate::support::usbide_bin(), args);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = crate::support::spawn(&mut cmd);
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).expect("write");
        drop(stdin);
        Run::from(child.wait_with_output().expect("usbide"))
    };
    // `git diff | usbide exec "review this"`: the diff follows the prompt.
    let run = pipe(
        &["exec", "--skip-git-repo-check", "review this"],
        "diff --git a/x b/x\n+piped-canary-line\n",
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "Reviewed.\n", "{run:?}");
    let body = |needle: &str| {
        server.requests().iter().any(|r| {
            r.path.ends_with("/responses") && String::from_utf8_lossy(&r.body).contains(needle)
        })
    };
    assert!(body("review this"), "the prompt was not sent");
    assert!(body("piped-canary-line"), "the piped input was not sent");
    // `usbide exec -`: the prompt itself from stdin.
    let run = pipe(
        &["exec", "--skip-git-repo-check", "-"],
        "prompt-from-stdin-canary",
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        body("prompt-from-stdin-canary"),
        "the stdin prompt was not sent"
    );
}

#[test]
fn unauthorized_says_log_in() {
    let server = status_server(401, "application/json", r#"{"detail":"Unauthorized"}"#);
    assert_diagnosed(
        &Stick::with_openai_standin(&format!("{}/v1", server.url())),
        "not_logged_in",
        Some(401),
        // The stick logs in with an API key: the fix says how.
        "usbide login --with-api-key",
    );
}

#[test]
fn a_stick_that_logs_in_with_an_api_key_is_told_how() {
    let stick = Stick::new();
    stick.write("usbide.toml", "login_method = \"api\"\n");
    let run = exec(&stick, false);
    assert_eq!(run.code, 74, "{run:?}");
    assert!(
        run.stderr.contains("`usbide login --with-api-key`"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("one-time code"), "{run:?}");
    // The interactive path says the same.
    let run = stick.run(&["run"]);
    assert!(
        run.stderr.contains("usbide login --with-api-key"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("one-time code"), "{run:?}");
}

#[test]
fn a_key_another_provider_refuses_is_not_the_sticks_login() {
    // The same 401 from a `[model_providers]` server on this computer: its
    // key, not `usbide login`, and the hint says who answered.
    let server = status_server(401, "application/json", r#"{"detail":"Unauthorized"}"#);
    let stick = stick_for(&format!("{}/v1", server.url()));
    assert_diagnosed(&stick, "provider_key", Some(401), "[model_providers]");
    let json = exec(&stick, true);
    let d = diagnoses(&json);
    let hit = d
        .iter()
        .find(|v| v["cause"] == "provider_key")
        .expect("diagnosed");
    assert_eq!(hit["answered_by"], "this_computer", "{hit}");
    let host = server.url().trim_start_matches("http://").to_string();
    assert_eq!(hit["host"], host.as_str(), "{hit}");
    assert!(
        hit["hint"]
            .as_str()
            .is_some_and(|h| h.contains(&host) && !h.contains("usbide login")),
        "{hit}"
    );
}

#[test]
fn a_cloudflare_403_says_change_network() {
    let server = status_server(
        403,
        "text/html",
        "<html><title>Attention Required! | Cloudflare</title>Sorry, you have been blocked</html>",
    );
    assert_diagnosed(
        &stick_for(&format!("{}/v1", server.url())),
        "cloudflare_block",
        Some(403),
        "VPN",
    );
}

#[test]
fn a_usage_limit_429_is_not_a_plain_rate_limit() {
    let usage = status_server(
        429,
        "application/json",
        r#"{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_in_seconds":3600}}"#,
    );
    assert_diagnosed(
        &stick_for(&format!("{}/v1", usage.url())),
        "usage_limit",
        None,
        "usage limit",
    );
    let json = exec(&stick_for(&format!("{}/v1", usage.url())), true);
    assert!(
        diagnoses(&json).iter().all(|v| v["cause"] == "usage_limit"),
        "{json:?}"
    );
    // A 429 without the usage-limit body is a plain rate limit.
    let plain = status_server(
        429,
        "application/json",
        r#"{"error":{"message":"slow down","type":"rate_limit"}}"#,
    );
    assert_diagnosed(
        &stick_for(&format!("{}/v1", plain.url())),
        "rate_limit",
        Some(429),
        "Wait a minute",
    );
}

#[test]
fn server_errors_say_try_later() {
    let server = status_server(
        500,
        "application/json",
        r#"{"error":{"message":"boom","type":"server_error"}}"#,
    );
    let stick = stick_for(&format!("{}/v1", server.url()));
    let json = exec(&stick, true);
    let d = diagnoses(&json);
    // Codex turns a 500 into its own "high demand" message.
    assert!(
        !d.is_empty() && d.iter().all(|v| v["cause"] == "high_demand"),
        "{json:?}"
    );
    let proxy_page = status_server(
        502,
        "text/html",
        "<html><body>Bad Gateway from the corporate proxy</body></html>",
    );
    assert_diagnosed(
        &stick_for(&format!("{}/v1", proxy_page.url())),
        "server_error",
        Some(502),
        "proxy",
    );
}

#[test]
fn a_refused_port_is_named() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // On this computer: a local model server that is not running.
    assert_diagnosed(
        &stick_for(&format!("http://127.0.0.1:{port}/v1")),
        "local_server_down",
        None,
        "base_url",
    );
}

#[test]
fn an_unresolvable_host_is_dns() {
    assert_diagnosed(
        &stick_for("http://no-such-host.invalid/v1"),
        "dns",
        None,
        "resolve",
    );
}

#[test]
fn a_proxy_answering_407_asks_for_credentials() {
    let proxy = Server::start(|_| {
        Reply::Full(
            407,
            "text/html",
            b"<html>Proxy Authentication Required</html>".to_vec(),
        )
    });
    let mut stick = stick_for("https://model.stand-in.test/v1");
    stick.set("HTTPS_PROXY", &proxy.url());
    assert_diagnosed(
        &stick,
        "proxy_auth",
        None,
        "HTTPS_PROXY=http://user:password@",
    );
    assert!(
        proxy.requests().iter().any(|r| r.method == "CONNECT"),
        "codex never asked the proxy"
    );
}

#[test]
fn not_logged_in_stops_before_a_doomed_run() {
    let stick = Stick::new();
    let run = stick.run(&["exec", "--skip-git-repo-check", "hello"]);
    assert_eq!(run.code, 74, "{run:?}");
    assert!(
        run.stderr
            .contains("there is no login on this stick; the run was not started"),
        "{run:?}"
    );
    assert!(run.stderr.contains("usbide login"), "{run:?}");
    assert!(!run.stderr.contains("401"), "nothing was sent: {run:?}");
    let json = stick.run(&["exec", "--json", "--skip-git-repo-check", "hello"]);
    assert_eq!(json.code, 74, "{json:?}");
    let d = diagnoses(&json);
    assert_eq!(d.len(), 1, "{json:?}");
    assert_eq!(d[0]["cause"], "no_login", "{json:?}");
    assert!(
        d[0]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("usbide login"))
    );
}

#[test]
fn render_reads_a_saved_stream() {
    let stick = Stick::new();
    let file = stick.outside.join("events.jsonl");
    std::fs::write(
        &file,
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"1\",\"type\":\"agent_message\",\"text\":\"hi\"}}\n\
         {\"type\":\"turn.failed\",\"error\":{\"message\":\"unexpected status 407 Proxy Authentication Required: \"}}\n",
    )
    .expect("write");
    let run = stick.run(&["render", "--color", "never", &file.display().to_string()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with("hi\nerror: unexpected status 407"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("HTTPS_PROXY=http://user:password@"),
        "{run:?}"
    );
}

#[cfg(unix)]
/// A real TLS server (`openssl s_server`) whose certificate no trust store
/// holds, as a TLS-inspecting firewall presents to a host without its root.
struct UntrustedTls {
    child: std::process::Child,
    port: u16,
}

#[cfg(unix)]
impl UntrustedTls {
    fn start(dir: &std::path::Path) -> Self {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let made = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("openssl is needed for the TLS stand-in");
        assert!(made.success());
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let child = std::process::Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept", &port.to_string()])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openssl s_server");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { child, port }
    }
}

#[cfg(unix)]
impl Drop for UntrustedTls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
#[test]
fn an_untrusted_certificate_is_named_tls() {
    let stick = Stick::new();
    let tls = UntrustedTls::start(&stick.outside);
    let stick = stick_for(&format!("https://localhost:{}/v1", tls.port));
    assert_diagnosed(&stick, "tls", None, "CODEX_CA_CERTIFICATE");
}

#[test]
fn a_codex_that_hangs_before_the_stream_is_stopped_and_explained() {
    // The model endpoint accepts the request, sends the headers and half a
    // body, then says nothing more (openai/codex#31376).
    let server = Server::start(|req| {
        if req.method == "POST" && req.path.ends_with("/responses") {
            Reply::Stall {
                len: 4096,
                first: b"event: response.created\n".to_vec(),
            }
        } else {
            Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    let mut stick = stick_for(&format!("{}/v1", server.url()));
    stick.set("USBIDE_EXEC_IDLE_SECS", "2");
    let run = exec(&stick, false);
    assert_eq!(run.code, 124, "{run:?}");
    assert!(run.stderr.contains("codex sent nothing for 2 s"), "{run:?}");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/responses")),
        "codex never asked the model"
    );
}

#[test]
fn hints_follow_a_french_locale() {
    let mut stick = Stick::new();
    let file = stick.outside.join("events.jsonl");
    std::fs::write(&file, "{\"type\":\"turn.failed\",\"error\":{\"message\":\"unexpected status 401 Unauthorized: Unknown error\"}}\n").expect("write");
    let path = file.display().to_string();
    let english = stick.run(&["render", "--color", "never", &path]);
    assert!(
        english
            .stdout
            .contains("The server refused this stick's login (401)"),
        "{english:?}"
    );
    stick.set("LANG", "fr_FR.UTF-8");
    let french = stick.run(&["render", "--color", "never", &path]);
    assert!(
        french
            .stdout
            .contains("Le serveur a refusé les identifiants de cette clé USB (401)"),
        "{french:?}"
    );
    assert!(french.stdout.contains("usbide login"), "{french:?}");
}

#[test]
fn an_mcp_server_that_does_not_start_is_named_with_its_entry() {
    // The real codex with an MCP server whose program does not exist.
    let server =
        Server::start(|_| Reply::Full(200, "text/event-stream", crate::standin::sse_reply("done")));
    let base = format!("{}/v1", server.url());
    // Required: codex stops before the thread starts, its reason on stderr
    // only; usbide names the server and the entry to fix, in both forms.
    let stick = stick_for(&base);
    let missing = stick.outside.join("no-such-dir").join("mcp-docs-canary");
    let config = |required: bool| {
        Stick::provider_config(&base, "experimental_bearer_token = \"test-bearer\"")
            + &format!(
                "\n[mcp_servers.docs-canary]\ncommand = '{}'\nrequired = {required}\nstartup_timeout_sec = 5\n",
                missing.display()
            )
    };
    stick.write("codex_home/config.toml", &config(true));
    let human = exec(&stick, false);
    assert_ne!(human.code, 0, "{human:?}");
    assert!(human.stderr.contains("=> "), "{human:?}");
    assert!(
        human.stderr.contains("[mcp_servers.docs-canary]"),
        "{human:?}"
    );
    let json = exec(&stick, true);
    let d = diagnoses(&json);
    let hit = d
        .iter()
        .find(|v| v["cause"] == "mcp_startup")
        .unwrap_or_else(|| panic!("no mcp_startup in {d:?}\n{json:?}"));
    assert!(
        hit["hint"]
            .as_str()
            .is_some_and(|h| h.contains("[mcp_servers.docs-canary]")),
        "{hit}"
    );
    // Optional: codex answers anyway, and usbide still says which server
    // did not start.
    stick.write("codex_home/config.toml", &config(false));
    let run = exec(&stick, false);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("[mcp_servers.docs-canary]"), "{run:?}");
}

#[test]
fn a_network_probe_that_never_answers_does_not_hold_the_launch() {
    // A black hole: the probe's connection is accepted and never answered.
    let hole = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("https://{}/", hole.local_addr().expect("addr"));
    let server = Server::start(|_| {
        Reply::Full(
            200,
            "text/event-stream",
            crate::standin::sse_reply("answered"),
        )
    });
    let mut stick = stick_for(&format!("{}/v1", server.url()));
    stick
        .set("USBIDE_PREFLIGHT", "auto")
        .set("USBIDE_DOCTOR_ENDPOINTS", &endpoint)
        // Were the launch to wait for the probe, it would wait this long.
        .set("USBIDE_DOCTOR_TIMEOUT_MS", "600000");
    let run = exec(&stick, false);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "answered\n", "{run:?}");
    // The probe had no verdict: nothing is remembered as working.
    assert!(!stick.codex_home().join(".usbide/preflight-ok").exists());
    drop(hole);
}

#[test]
fn the_provider_chosen_on_the_command_line_is_the_one_probed() {
    // The config's own provider is OpenAI (no login on this stick); the
    // command line picks a local server that is not running.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let stick = Stick::new();
    stick.write(
        "codex_home/config.toml",
        &format!(
            "model = \"gpt-test\"\napproval_policy = \"never\"\n\n[model_providers.local]\nname = \"local\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\nexperimental_bearer_token = \"x\"\nwire_api = \"responses\"\nrequest_max_retries = 0\nstream_max_retries = 0\n"
        ),
    );
    let run = stick.run(&[
        "exec",
        "--json",
        "-c",
        "model_provider=local",
        "--skip-git-repo-check",
        "say hello",
    ]);
    // Not stopped for a ChatGPT login the run does not use.
    assert_ne!(run.code, 74, "{run:?}");
    assert_ne!(run.code, 0, "{run:?}");
    let d = diagnoses(&run);
    assert!(
        d.iter().any(|v| v["cause"] == "local_server_down"),
        "{d:?}\n{run:?}"
    );
    assert!(!d.iter().any(|v| v["cause"] == "dns"), "{d:?}");
}
