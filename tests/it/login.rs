//! Logging in with the real codex against a loopback stand-in of the auth
//! issuer (codex's `--experimental_issuer`): device code end to end, failures
//! that must give the previous login back, API-key login, status.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;

use crate::standin::{Reply, Server};
use crate::support::{Run, Stick};

const CODE: &str = "QWER-7788";
const REFRESH_CANARY: &str = "rt_canary_refresh_0123456789abcdef";

fn jwt(claims: serde_json::Value) -> String {
    let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{}",
        enc(br#"{"alg":"RS256","typ":"JWT"}"#),
        enc(claims.to_string().as_bytes()),
        enc(b"signature")
    )
}

/// How the stand-in issuer behaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Issuer {
    /// Pending once, then approved.
    Approves,
    /// The user-code request fails with 500.
    Fails500,
    /// Never approved (pending forever).
    Pending,
}

fn issuer(mode: Issuer) -> Server {
    let polls = Arc::new(AtomicU32::new(0));
    Server::start(move |req| {
        let json =
            |v: serde_json::Value| Reply::Full(200, "application/json", v.to_string().into_bytes());
        match req.path.as_str() {
            "/api/accounts/deviceauth/usercode" if mode == Issuer::Fails500 => {
                Reply::Full(500, "text/plain", b"boom".to_vec())
            }
            "/api/accounts/deviceauth/usercode" => json(
                serde_json::json!({"device_auth_id": "dev-1", "user_code": CODE, "interval": "1"}),
            ),
            "/api/accounts/deviceauth/token" => {
                if mode == Issuer::Pending || polls.fetch_add(1, Ordering::SeqCst) == 0 {
                    Reply::Full(
                        403,
                        "application/json",
                        b"{\"error\":\"authorization_pending\"}".to_vec(),
                    )
                } else {
                    json(
                        serde_json::json!({"authorization_code": "auth-code-1", "code_challenge": "ch", "code_verifier": "ver"}),
                    )
                }
            }
            "/oauth/token" => json(serde_json::json!({
                "id_token": jwt(serde_json::json!({"email": "ann@example.test", "exp": 4_000_000_000u64,
                    "https://api.openai.com/auth": {"chatgpt_plan_type": "plus", "chatgpt_account_id": "acc-test-1", "chatgpt_user_id": "user-1"}})),
                "access_token": jwt(serde_json::json!({"exp": 4_000_000_000u64, "https://api.openai.com/auth": {"chatgpt_account_id": "acc-test-1"}})),
                "refresh_token": REFRESH_CANARY,
            })),
            _ => Reply::Full(404, "text/plain", b"not found".to_vec()),
        }
    })
}

fn login_stick(server: &Server) -> Stick {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_LOGIN_ISSUER", &server.url())
        .set("USBIDE_QR", "1");
    stick
}

fn assert_no_secret(run: &Run) {
    assert!(!run.all().contains(REFRESH_CANARY), "{run:?}");
    assert!(!run.all().contains("rt_canary"), "{run:?}");
}

#[test]
fn device_code_login_lands_on_the_stick() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    let run = stick.run(&["login", "--device-auth"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("{}/codex/device", server.url())),
        "{run:?}"
    );
    assert!(run.stdout.contains("Q W E R - 7 7 8 8"), "{run:?}");
    assert!(
        run.stdout
            .contains("Continue only if you started this login in Codex"),
        "codex's warning is kept: {run:?}"
    );
    assert!(
        run.stdout.contains('▀') || run.stdout.contains('█'),
        "no QR code: {run:?}"
    );
    assert_no_secret(&run);
    let auth = stick.read("codex_home/auth.json");
    assert!(auth.contains(REFRESH_CANARY));
    assert!(
        !stick.outside.join("home/.codex/auth.json").exists(),
        "the tokens went to the stick only"
    );

    let status = stick.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status
            .stdout
            .contains("login       ChatGPT as ann@example.test, plan plus"),
        "{status:?}"
    );
    assert!(
        status.stdout.contains("forced      chatgpt (matches)"),
        "{status:?}"
    );
    assert_no_secret(&status);
}

#[test]
fn a_failed_login_gives_the_previous_one_back() {
    let server = issuer(Issuer::Fails500);
    let stick = login_stick(&server);
    let previous = format!(
        "{{\"auth_mode\":\"chatgpt\",\"tokens\":{{\"refresh_token\":\"{REFRESH_CANARY}\"}}}}\n"
    );
    stick.write("codex_home/auth.json", &previous);
    let run = stick.run(&["login", "--device-auth"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("your previous login is back, unchanged"),
        "{run:?}"
    );
    assert!(run.stderr.contains("500"), "{run:?}");
    assert_eq!(stick.read("codex_home/auth.json"), previous);
    assert_no_secret(&run);
}

#[test]
fn an_expired_code_gives_the_previous_one_back() {
    let server = issuer(Issuer::Pending);
    let mut stick = login_stick(&server);
    stick.set("USBIDE_LOGIN_TIMEOUT_SECS", "3");
    let previous = "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-canary-previous-0000\"}";
    stick.write("codex_home/auth.json", previous);
    let run = stick.run(&["--login-method", "none", "login", "--device-auth"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("Q W E R - 7 7 8 8"), "{run:?}");
    assert!(run.stderr.contains("expired"), "{run:?}");
    assert_eq!(stick.read("codex_home/auth.json"), previous);
    assert!(!run.all().contains("sk-canary"), "{run:?}");
}

#[test]
fn api_key_login_reads_stdin_and_never_shows_the_key() {
    let stick = Stick::new();
    let key = "sk-canary-apikey-9876543210abcdef";
    let mut cmd = stick.command_for(
        &crate::support::usbide_bin(),
        // --yes: without a terminal, the stick's change to API-key login
        // needs it.
        &["--yes", "--login-method", "api", "login", "--with-api-key"],
    );
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{key}\n").as_bytes())
        .expect("write key");
    let run = Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.all().contains("canary-apikey"), "{run:?}");
    assert!(!run.all().contains("9876543210"), "{run:?}");
    assert!(stick.read("codex_home/auth.json").contains(key));

    let status = stick.run(&["--login-method", "api", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("login       API key"), "{status:?}");
    assert!(
        status.stdout.contains("forced      api (matches)"),
        "{status:?}"
    );
    assert!(!status.all().contains("sk-"), "{status:?}");

    // The login recorded its method on the stick: a plain status agrees.
    let plain = stick.run(&["status"]);
    assert!(plain.stdout.contains("(matches)"), "{plain:?}");
    // Forcing ChatGPT, codex would delete this login: caught first.
    let mismatch = stick.run(&["--login-method", "chatgpt", "status"]);
    assert!(mismatch.stdout.contains("MISMATCH"), "{mismatch:?}");
    let config_before = stick.read("codex_home/config.toml");
    let launch = stick.run(&[
        "--login-method",
        "chatgpt",
        "exec",
        "--skip-git-repo-check",
        "hello",
    ]);
    assert_eq!(launch.code, 74, "{launch:?}");
    assert!(launch.stderr.contains("codex would delete"), "{launch:?}");
    // A refused launch changes nothing: the one-off method is not written.
    assert_eq!(stick.read("codex_home/config.toml"), config_before);
    assert!(
        stick.read("codex_home/auth.json").contains(key),
        "the login must survive"
    );
    for args in [
        &["env"][..],
        &["stick"],
        &["status"],
        &["payload", "status"],
    ] {
        assert!(!stick.run(args).all().contains("canary-apikey"), "{args:?}");
    }
}

#[test]
fn an_empty_api_key_changes_nothing_and_leaves_no_copy() {
    let stick = Stick::new();
    stick.write(
        "codex_home/auth.json",
        "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-old-0000000000\"}",
    );
    stick.write("usbide.toml", "login_method = \"api\"\n");
    let run = stick.run(&["login", "--with-api-key"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        !stick
            .codex_home()
            .join(".usbide/auth.json.before-login")
            .exists()
    );
    assert!(stick.read("codex_home/auth.json").contains("sk-old-"));
    // A login the user then deletes stays deleted.
    std::fs::remove_file(stick.codex_home().join("auth.json")).expect("rm");
    let status = stick.run(&["status"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(!stick.codex_home().join("auth.json").exists(), "{status:?}");
}

#[test]
fn status_without_a_login_says_how_to_log_in() {
    let stick = Stick::new();
    let run = stick.run(&["status"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("not logged in on this stick"),
        "{run:?}"
    );
    assert!(run.stdout.contains("usbide login"), "{run:?}");
}

#[test]
fn a_plain_launch_without_a_terminal_stops_with_the_hint() {
    let stick = Stick::new();
    let run = stick.run(&[]);
    assert_eq!(run.code, 74, "{run:?}");
    assert!(run.stderr.contains("usbide login"), "{run:?}");
}

#[test]
fn logout_and_reset_remove_the_login() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    assert_eq!(stick.run(&["login", "--device-auth"]).code, 0);
    let out = stick.run(&["logout"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!stick.codex_home().join("auth.json").exists());
    assert_eq!(stick.run(&["status"]).code, 1);

    // --reset on a broken login: the old file goes, a fresh login lands.
    stick.write("codex_home/auth.json", "{ not json");
    let server = issuer(Issuer::Approves);
    let mut stick = stick;
    stick.set("USBIDE_LOGIN_ISSUER", &server.url());
    let run = stick.run(&["login", "--reset", "--device-auth"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("removed the token files"), "{run:?}");
    assert!(stick.read("codex_home/auth.json").contains(REFRESH_CANARY));
    assert_no_secret(&run);
}

/// An auth.json of the ChatGPT account the stand-in issuer logs in.
fn chatgpt_auth(account: &str) -> String {
    let id = jwt(
        serde_json::json!({"email": "ann@example.test", "exp": 4_000_000_000u64,
        "https://api.openai.com/auth": {"chatgpt_plan_type": "plus", "chatgpt_account_id": account}}),
    );
    serde_json::json!({"auth_mode": "chatgpt", "tokens": {"id_token": id, "access_token": "a",
        "refresh_token": REFRESH_CANARY, "account_id": account}})
    .to_string()
}

#[test]
fn yes_never_removes_the_computers_login() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    let host_copy = stick.outside.join("home/.codex/auth.json");
    std::fs::create_dir_all(host_copy.parent().expect("parent")).expect("mkdir");
    std::fs::write(&host_copy, chatgpt_auth("acc-test-1")).expect("write");
    let run = stick.run(&["--yes", "login", "--device-auth"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        host_copy.exists(),
        "--yes answers the payload question only: {run:?}"
    );
    assert!(run.stderr.contains("--remove-host-copy"), "{run:?}");
}

#[test]
fn remove_host_copy_moves_the_same_accounts_copy_aside() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    let host_copy = stick.outside.join("home/.codex/auth.json");
    std::fs::create_dir_all(host_copy.parent().expect("parent")).expect("mkdir");
    let original = chatgpt_auth("acc-test-1");
    std::fs::write(&host_copy, &original).expect("write");
    let run = stick.run(&["login", "--device-auth", "--remove-host-copy"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!host_copy.exists(), "{run:?}");
    let aside = host_copy.with_file_name("auth.json.moved-by-usbide");
    assert_eq!(
        std::fs::read_to_string(&aside).expect("kept aside"),
        original
    );
    assert!(run.stderr.contains("auth.json.moved-by-usbide"), "{run:?}");
    assert_no_secret(&run);
}

#[cfg(unix)]
#[test]
fn a_host_codex_home_linked_to_the_stick_is_one_copy_not_two() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    std::fs::create_dir_all(stick.codex_home()).expect("home");
    // A plain `codex` on this computer uses the stick through a link.
    std::os::unix::fs::symlink(stick.codex_home(), stick.outside.join("home/.codex"))
        .expect("link");
    let run = stick.run(&["login", "--device-auth", "--remove-host-copy"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("two copies"), "{run:?}");
    assert!(stick.read("codex_home/auth.json").contains(REFRESH_CANARY));
    assert!(
        !stick
            .codex_home()
            .join("auth.json.moved-by-usbide")
            .exists()
    );
    let doctor = stick.run(&["doctor", "--offline"]);
    assert!(
        doctor.stdout.contains("nothing of codex or usbide is left"),
        "{doctor:?}"
    );
}

#[test]
fn another_accounts_login_on_the_computer_is_left_alone() {
    let server = issuer(Issuer::Approves);
    let stick = login_stick(&server);
    let host_copy = stick.outside.join("home/.codex/auth.json");
    std::fs::create_dir_all(host_copy.parent().expect("parent")).expect("mkdir");
    let theirs = chatgpt_auth("acc-someone-else");
    std::fs::write(&host_copy, &theirs).expect("write");
    let run = stick.run(&["login", "--device-auth", "--remove-host-copy"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(&host_copy).expect("still there"),
        theirs
    );
    assert!(run.stderr.contains("leaves it alone"), "{run:?}");
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

/// A pending device-code login, killed with `signal` once codex has removed
/// auth.json (openai/codex#46430).
#[cfg(unix)]
fn kill_mid_login(stick: &Stick, signal: &str) {
    let mut child = stick
        .command_for(&crate::support::usbide_bin(), &["login", "--device-auth"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let auth = stick.codex_home().join("auth.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while auth.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!auth.exists(), "codex never removed auth.json");
    let ok = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    let _ = child.wait();
}

#[cfg(unix)]
#[test]
fn a_login_killed_with_sigkill_is_back_at_the_next_command_with_its_mode() {
    let server = issuer(Issuer::Pending);
    let stick = login_stick(&server);
    let previous = chatgpt_auth("acc-test-1");
    stick.write("codex_home/auth.json", &previous);
    let auth = stick.codex_home().join("auth.json");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&auth, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    kill_mid_login(&stick, "-KILL");
    assert!(!auth.exists(), "SIGKILL cannot be caught");
    let status = stick.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("ann@example.test"), "{status:?}");
    assert_eq!(std::fs::read_to_string(&auth).expect("back"), previous);
    assert_eq!(mode(&auth), 0o600);
    assert!(
        !stick
            .codex_home()
            .join(".usbide/auth.json.before-login")
            .exists()
    );
}

#[cfg(unix)]
#[test]
fn a_login_ended_by_sigterm_or_sighup_puts_the_login_back_itself() {
    for signal in ["-TERM", "-HUP"] {
        let server = issuer(Issuer::Pending);
        let stick = login_stick(&server);
        let previous = chatgpt_auth("acc-test-1");
        stick.write("codex_home/auth.json", &previous);
        let auth = stick.codex_home().join("auth.json");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&auth, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        kill_mid_login(&stick, signal);
        assert_eq!(
            std::fs::read_to_string(&auth).expect("back without another command"),
            previous,
            "{signal}"
        );
        assert_eq!(mode(&auth), 0o600, "{signal}");
    }
}

#[test]
fn logout_removes_every_copy_and_the_login_does_not_come_back() {
    // With the login in place, and with only the copy an interrupted login left.
    for with_auth in [true, false] {
        let stick = Stick::new();
        if with_auth {
            stick.write("codex_home/auth.json", &chatgpt_auth("acc-test-1"));
        }
        stick.write(
            "codex_home/.usbide/auth.json.before-login",
            &chatgpt_auth("acc-test-1"),
        );
        let out = stick.run(&["logout"]);
        assert_eq!(out.code, 0, "{out:?}");
        let home = stick.codex_home();
        assert!(!home.join("auth.json").exists(), "{with_auth}");
        assert!(
            !home.join(".usbide/auth.json.before-login").exists(),
            "{with_auth}"
        );
        let launch = stick.run(&["exec", "--skip-git-repo-check", "hi"]);
        assert!(!home.join("auth.json").exists(), "{with_auth}: {launch:?}");
        assert_eq!(stick.run(&["status"]).code, 1);
    }
}

#[test]
fn a_login_that_fails_on_the_network_names_the_cause() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut stick = Stick::new();
    stick.set("USBIDE_LOGIN_ISSUER", &format!("http://127.0.0.1:{port}"));
    let run = stick.run(&["login", "--device-auth"]);
    assert_ne!(run.code, 0, "{run:?}");
    // codex says only "error sending request for url (...)"; usbide probes it.
    assert!(run.stderr.contains("The connection was refused"), "{run:?}");
}

#[test]
fn a_login_that_contradicts_the_forced_method_says_so_in_the_users_language() {
    let mut stick = Stick::new();
    for (lang, words) in [
        ("en", "(or `--login-method api` with"),
        ("fr", "(ou `--login-method api` avec"),
    ] {
        stick.set("USBIDE_LANG", lang);
        let run = stick.run(&["--login-method", "chatgpt", "login", "--with-api-key"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(words), "{lang}: {run:?}");
        // A browser login on a stick told to use an API key names the command.
        let run = stick.run(&["--login-method", "api", "login"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr
                .contains("`usbide --login-method api login --with-api-key`"),
            "{lang}: {run:?}"
        );
    }
}
