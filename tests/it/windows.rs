//! Windows only, under Wine (`scripts/win.sh it`): a stick on a removable
//! drive letter, a non-ASCII stick path, the Windows system proxy seen by the
//! doctor as codex sees it, the sandbox choice reaching the real `codex.exe`,
//! and `payload install` of the real `codex.exe` package from a loopback
//! registry.
//!
//! `scripts/win.sh it` maps `E:` (Wine's `dosdevices`) to a folder and marks
//! it removable in Wine's registry. Tests whose names start with `winreg_`
//! change the Internet Settings of the whole Wine prefix, so the script runs
//! them alone, after the others. A real removable drive's own answers cannot
//! be shown under Wine: the drive-type logic is unit-tested in
//! `stick::drive`.
#![cfg(windows)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::standin::{Reply, Server};
use crate::support::{Run, Stick, exe_name, repo, usbide_bin};

/// Whether drive `letter` is there; when not, the test says it is skipped
/// and why (scripts/win.sh maps E: and F: to one folder and G: as a network
/// drive under Wine; the CI workflow maps E: and F: with `subst`).
fn has_drive(letter: char) -> bool {
    let there = Path::new(&format!(r"{letter}:\")).is_dir();
    if !there {
        eprintln!("skipped: no {letter}: drive here (scripts/win.sh or the CI workflow maps it)");
    }
    there
}

/// A fresh folder on the `E:` drive the script mapped (`None`: no E:).
fn on_drive_e(name: &str) -> Option<PathBuf> {
    if !has_drive('E') {
        return None;
    }
    let dir = PathBuf::from(format!(r"E:\{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("codex_home")).expect("stick folder");
    fs::copy(usbide_bin(), dir.join(exe_name("usbide"))).expect("copy usbide.exe");
    Some(dir)
}

/// Run the usbide.exe that lives on the stick at `root` (root found from it).
fn run_from(stick: &Stick, root: &Path, args: &[&str]) -> Run {
    let mut cmd = stick.command_for(&root.join(exe_name("usbide")), args);
    cmd.env_remove("USBIDE_ROOT");
    Run::from(crate::support::output(&mut cmd))
}

#[test]
fn a_removable_drive_letter_is_the_stick() {
    let stick = Stick::new();
    let Some(root) = on_drive_e("drive") else {
        return;
    };
    let run = run_from(&stick, &root, &["stick"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with(&format!("root        {}\n", root.display())),
        "{run:?}"
    );
    assert!(run.stdout.contains("drive       E:\\ (E:)\n"), "{run:?}");
    // A `subst` drive (the CI runner's) is a fixed disk, not a stick.
    if run.stdout.contains("removable   no\n") {
        eprintln!("skipped: E: is not a removable drive here (Wine's is, through scripts/win.sh)");
    } else {
        assert!(run.stdout.contains("removable   yes\n"), "{run:?}");
    }
    assert!(run.stdout.contains(" free of "), "{run:?}");
    let _ = fs::remove_dir_all(root);
}

#[test]
fn a_non_ascii_stick_path_works_end_to_end() {
    let stick = Stick::new();
    let Some(root) = on_drive_e("Clé USB") else {
        return;
    };
    let run = run_from(&stick, &root, &["codex", "--", "login", "status"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("Not logged in"), "{run:?}");
    let config = fs::read_to_string(root.join(r"codex_home\config.toml")).expect("config");
    assert!(
        config.contains("cli_auth_credentials_store = \"file\""),
        "{config}"
    );
    let run = run_from(&stick, &root, &["env"]);
    assert!(
        run.stdout.contains(&format!(
            "CODEX_HOME={}\n",
            root.join("codex_home").display()
        )),
        "{run:?}"
    );
    let run = run_from(&stick, &root, &["codex", "--", "--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("codex-cli "), "{run:?}");
    let _ = fs::remove_dir_all(root);
}

#[test]
fn a_failed_sandbox_setup_makes_codex_use_the_unelevated_sandbox() {
    let stick = Stick::new();
    stick.write(
        r"codex_home\.sandbox\setup_error.json",
        r#"{"code":"helper_sandbox_lock_failed"}"#,
    );
    let run = stick.run(&["env"]);
    assert!(
        run.stdout.contains("-c windows.sandbox=\"unelevated\""),
        "{run:?}"
    );
    assert!(run.stdout.contains("helper_sandbox_lock_failed"), "{run:?}");
    // The real codex.exe takes the override; usbide says it once.
    let first = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(first.code, 1, "{first:?}");
    assert!(first.stderr.contains("Not logged in"), "{first:?}");
    assert!(
        first
            .stderr
            .contains("codex uses the unelevated Windows sandbox here"),
        "{first:?}"
    );
    let second = stick.run(&["codex", "--", "login", "status"]);
    assert!(!second.stderr.contains("Windows sandbox"), "{second:?}");
    // The user's own choice wins, with a warning when it will fail.
    stick.write(
        r"codex_home\config.toml",
        "[windows]\nsandbox = \"elevated\"\n",
    );
    let own = stick.run(&["codex", "--", "login", "status"]);
    assert!(
        own.stderr
            .contains("asks for the elevated Windows sandbox, which will fail here"),
        "{own:?}"
    );
    let env = stick.run(&["env"]);
    assert!(!env.stdout.contains("windows.sandbox="), "{env:?}");
}

/// The Windows sandbox `usbide env` says codex is started with (`None`: no
/// `-c windows.sandbox=` at all), and the whole report.
fn sandbox_passed(stick: &Stick) -> (Option<String>, Run) {
    let env = stick.run(&["env"]);
    let value = env
        .stdout
        .split("-c windows.sandbox=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string);
    (value, env)
}

#[test]
fn the_sandbox_is_chosen_per_computer_and_codex_takes_it() {
    let mut stick = Stick::new();
    // Wine's user is an administrator: the elevated sandbox would work.
    // Nobody chose it for this computer and nobody can be asked: the
    // sandbox that leaves nothing, said once.
    let (value, env) = sandbox_passed(&stick);
    assert_eq!(value.as_deref(), Some("unelevated"), "{env:?}");
    let first = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(first.code, 1, "{first:?}");
    assert!(
        first
            .stderr
            .contains("nobody chose the elevated sandbox for this computer"),
        "{first:?}"
    );
    assert!(
        !first.stderr.contains("Is this your own computer"),
        "{first:?}"
    );
    // --yes stands for the answer that leaves nothing.
    let yes = stick.run(&["--yes", "codex", "--", "login", "status"]);
    assert!(!yes.stderr.contains("Is this your own computer"), "{yes:?}");
    // The user's own computer: chosen for it, remembered on the stick.
    let set = stick.run(&["config", "set", "windows_sandbox", "elevated"]);
    assert_eq!(set.code, 0, "{set:?}");
    let file = stick.read("usbide.toml");
    assert!(
        file.contains("[windows_sandbox]\r\n") || file.contains("[windows_sandbox]\n"),
        "{file}"
    );
    assert!(file.contains(" = \"elevated\""), "{file}");
    let (value, env) = sandbox_passed(&stick);
    assert_eq!(value.as_deref(), Some("elevated"), "{env:?}");
    let config = stick.run(&["config"]);
    assert!(
        config.stdout.contains("windows_sandbox elevated"),
        "{config:?}"
    );
    // The real codex.exe takes the value usbide passes.
    let own = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(own.code, 1, "{own:?}");
    assert!(own.stderr.contains("Not logged in"), "{own:?}");
    // Another computer with the same stick: its own choice, not this one's.
    stick.set("USBIDE_TEST_HOST_ID", "another-computer");
    let (value, other) = sandbox_passed(&stick);
    assert_eq!(value.as_deref(), Some("unelevated"), "{other:?}");
    // The doctor lists what codex's sandbox left (nothing under Wine) and
    // says what the sandbox in use means.
    stick.unset("USBIDE_TEST_HOST_ID");
    stick.set("USBIDE_DOCTOR_TIMEOUT_MS", "30000");
    let doctor = stick.run(&["doctor", "--offline"]);
    assert!(
        doctor
            .stdout
            .contains("codex's Windows sandbox left nothing on this computer"),
        "{doctor:?}"
    );
    assert!(
        doctor.stdout.contains("separate local accounts"),
        "{doctor:?}"
    );
}

#[test]
fn a_failed_setup_on_another_computer_does_not_decide_here() {
    let mut stick = Stick::new();
    stick.write("usbide.toml", "windows_sandbox = \"elevated\"\n");
    // A session on computer A, then codex's record of a failed setup.
    stick.set("USBIDE_TEST_HOST_ID", "computer-a");
    let a = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(a.code, 1, "{a:?}");
    stick.write(
        r"codex_home\.sandbox\setup_error.json",
        r#"{"code":"helper_firewall_rule_create_or_add_failed"}"#,
    );
    // On computer B the elevated sandbox is still tried...
    stick.set("USBIDE_TEST_HOST_ID", "computer-b");
    let (value, b) = sandbox_passed(&stick);
    assert_eq!(value.as_deref(), Some("elevated"), "{b:?}");
    // ...and on A it is not.
    stick.set("USBIDE_TEST_HOST_ID", "computer-a");
    let (value, again) = sandbox_passed(&stick);
    assert_eq!(value.as_deref(), Some("unelevated"), "{again:?}");
    assert!(
        again
            .stdout
            .contains("helper_firewall_rule_create_or_add_failed"),
        "{again:?}"
    );
}

#[test]
fn the_doctor_reads_codex_login_status_past_its_warnings() {
    let mut stick = Stick::new();
    // codex.exe under Wine on a loaded machine can take longer than the
    // doctor's usual 2.5 s to say "Not logged in".
    stick.set("USBIDE_DOCTOR_TIMEOUT_MS", "30000");
    // Two codex processes one after the other: under Wine the second one
    // warns about the first one's arg0 folder before it answers.
    let _ = stick.run(&["codex", "--", "--version"]);
    let run = stick.run(&["doctor", "--offline", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let status = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "login.stored"))
        .cloned()
        .expect("login.stored");
    assert_eq!(status["status"], "warn", "{status}");
    let finding = status["finding"].as_str().unwrap_or_default();
    assert!(
        finding.contains("codex login status: Not logged in"),
        "{status}"
    );
    assert!(!finding.contains("WARNING"), "{status}");
}

#[test]
fn payload_install_brings_the_real_codex_exe_from_a_registry() {
    let (version, tarball) = crate::support::real_codex_package();
    let server = crate::standin::codex_registry(&format!("{version}-win32-x64"), tarball);
    let mut stick = Stick::new();
    let payload = stick.root.join("payload");
    fs::create_dir_all(&payload).expect("payload");
    fs::copy(
        repo().join(r"payload\payload.toml"),
        payload.join("payload.toml"),
    )
    .expect("pin");
    stick.set("USBIDE_PAYLOAD_DIR", &payload.display().to_string());
    let run = stick.run(&["payload", "install", "--npm-registry", &server.url()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        payload
            .join(r"x86_64-pc-windows-msvc\bin\codex.exe")
            .is_file()
    );
    let status = stick.run(&["payload", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("verified"), "{status:?}");
    let version_run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(version_run.code, 0, "{version_run:?}");
    assert!(
        version_run
            .stdout
            .starts_with(&format!("codex-cli {version}")),
        "{version_run:?}"
    );
    // An antivirus takes a file of codex's away: named, with the fix.
    fs::remove_file(payload.join(r"x86_64-pc-windows-msvc\codex-path\rg.exe")).expect("rm");
    let gone = stick.run(&["codex", "--", "--version"]);
    assert_eq!(gone.code, 73, "{gone:?}");
    assert!(
        gone.stderr.contains("codex-path/rg.exe is gone"),
        "{gone:?}"
    );
    assert!(
        gone.stderr.contains("usbide payload install --force"),
        "{gone:?}"
    );
    let again = stick.run(&[
        "payload",
        "install",
        "--force",
        "--npm-registry",
        &server.url(),
    ]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
}

#[test]
fn a_stick_on_a_network_drive_is_said_once_with_what_breaks_there() {
    if !has_drive('G') {
        return;
    }
    let model =
        Server::start(|_| Reply::Full(200, "text/event-stream", crate::standin::sse_reply("hi")));
    let mut stick = Stick::new();
    stick.set("USBIDE_PREFLIGHT", "local");
    let root = PathBuf::from(format!(r"G:\share-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("codex_home")).expect("stick folder");
    fs::write(
        root.join(r"codex_home\config.toml"),
        Stick::provider_config(
            &format!("{}/v1", model.url()),
            "experimental_bearer_token = \"test-bearer\"",
        ),
    )
    .expect("config");
    crate::support::wine_installation_id(&root.join("codex_home"));
    fs::copy(usbide_bin(), root.join(exe_name("usbide"))).expect("copy usbide.exe");
    let report = run_from(&stick, &root, &["stick"]);
    assert!(report.stdout.contains("network     yes"), "{report:?}");
    let first = run_from(&stick, &root, &["exec", "--skip-git-repo-check", "hi"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stderr.contains("network drive"), "{first:?}");
    let second = run_from(&stick, &root, &["exec", "--skip-git-repo-check", "hi"]);
    assert!(!second.stderr.contains("network drive"), "{second:?}");
    let doctor = run_from(&stick, &root, &["doctor", "--offline"]);
    assert!(doctor.stdout.contains("stick.network"), "{doctor:?}");
    let _ = fs::remove_dir_all(root);
}

#[test]
fn the_whole_first_run_on_windows_from_a_lone_exe_to_an_answer_on_two_drive_letters() {
    const KEY: &str = "sk-test-firstrun-0123456789abcdef";
    let (version, tarball) = crate::support::real_codex_package();
    let registry = crate::standin::codex_registry(&format!("{version}-win32-x64"), tarball);
    let model = Server::start(|req| {
        let bearer = req.header("authorization").unwrap_or_default().to_string();
        if req.path.ends_with("/responses") && bearer == format!("Bearer {KEY}") {
            Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("hello from the first run"),
            )
        } else {
            Reply::Full(401, "application/json", b"{\"error\":\"who?\"}".to_vec())
        }
    });
    let mut stick = Stick::new();
    stick
        .set("npm_config_registry", &registry.url())
        .set("USBIDE_PREFLIGHT", "off")
        .unset("USBIDE_PAYLOAD_DIR");
    // An empty folder on the removable E: drive, holding only usbide.exe.
    if !has_drive('E') || !has_drive('F') {
        return;
    }
    let on_e = PathBuf::from(format!(r"E:\first-run-{}", std::process::id()));
    let _ = fs::remove_dir_all(&on_e);
    fs::create_dir_all(&on_e).expect("folder");
    fs::copy(usbide_bin(), on_e.join(exe_name("usbide"))).expect("copy usbide.exe");

    // The setup offer, answered (--yes is its documented answer without a
    // terminal): the real codex.exe from the loopback registry.
    let setup = run_from(&stick, &on_e, &["--yes", "codex", "--", "--version"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    assert!(
        setup.stdout.starts_with(&format!("codex-cli {version}")),
        "{setup:?}"
    );
    assert!(
        on_e.join(r"payload\x86_64-pc-windows-msvc\bin\codex.exe")
            .is_file()
    );
    crate::support::wine_installation_id(&on_e.join("codex_home"));

    // An API-key login from stdin, as the README shows it.
    let project = on_e.join(r"work\proj");
    fs::create_dir_all(&project).expect("project");
    let config = on_e.join(r"codex_home\config.toml");
    let template = fs::read_to_string(&config).expect("template");
    fs::write(
        &config,
        format!(
            "{template}\nmodel = \"gpt-test\"\nopenai_base_url = \"{}/v1\"\napproval_policy = \"never\"\n\n[projects.'{}']\ntrust_level = \"trusted\"\n",
            model.url(),
            project.display()
        ),
    )
    .expect("config");
    let mut login = stick.command_for(
        &on_e.join(exe_name("usbide")),
        &["--login-method", "api", "login", "--with-api-key"],
    );
    login
        .env_remove("USBIDE_ROOT")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = login.spawn().expect("login");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(KEY.as_bytes()).expect("key");
    }
    let logged = Run::from(child.wait_with_output().expect("login"));
    assert_eq!(logged.code, 0, "{logged:?}");
    assert!(!logged.all().contains(KEY), "{logged:?}");

    // exec answers, from the project folder.
    let exec = run_from(
        &stick,
        &on_e,
        &["exec", "-C", &project.display().to_string(), "say hello"],
    );
    assert_eq!(exec.code, 0, "{exec:?}");
    assert!(exec.stdout.contains("hello from the first run"), "{exec:?}");

    // The same stick under another letter: its paths follow, and it answers.
    let on_f = PathBuf::from(format!(r"F:\first-run-{}", std::process::id()));
    let project_f = on_f.join(r"work\proj");
    let again = run_from(
        &stick,
        &on_f,
        &["exec", "-C", &project_f.display().to_string(), "say hello"],
    );
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stdout.contains("hello from the first run"),
        "{again:?}"
    );
    let moved = fs::read_to_string(on_f.join(r"codex_home\config.toml")).expect("config");
    assert!(
        moved.contains(&format!("[projects.'{}']", project_f.display())),
        "{moved}"
    );
    assert!(!moved.contains(r"E:\first-run"), "{moved}");
    let _ = fs::remove_dir_all(on_e);
}

const INTERNET_SETTINGS: &str = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings";

/// Set (or with `None` delete) a value of the Internet Settings.
fn reg(name: &str, value: Option<(&str, &str)>) {
    let mut cmd = Command::new("reg");
    match value {
        Some((kind, data)) => cmd.args([
            "add",
            INTERNET_SETTINGS,
            "/v",
            name,
            "/t",
            kind,
            "/d",
            data,
            "/f",
        ]),
        None => cmd.args(["delete", INTERNET_SETTINGS, "/v", name, "/f"]),
    };
    let _ = cmd.output();
}

/// Puts the Internet Settings back however the test ends.
struct SystemProxy;

impl SystemProxy {
    fn set(server: &str) -> Self {
        reg("ProxyServer", Some(("REG_SZ", server)));
        reg("ProxyEnable", Some(("REG_DWORD", "1")));
        Self
    }
}

impl Drop for SystemProxy {
    fn drop(&mut self) {
        reg("ProxyEnable", Some(("REG_DWORD", "0")));
        reg("ProxyServer", None);
    }
}

#[test]
fn winreg_the_doctor_probes_through_the_proxy_codex_gets() {
    let proxy = Server::start(|_| {
        Reply::Full(
            407,
            "text/html",
            b"<html>Proxy Authentication Required</html>".to_vec(),
        )
    });
    let _system = SystemProxy::set(&format!("127.0.0.1:{}", proxy.port));
    let mut stick = Stick::new();
    stick.set("USBIDE_DOCTOR_ENDPOINTS", "https://model.stand-in.test/");
    let env = stick.run(&["env"]);
    assert!(
        env.stdout
            .contains(&format!("HTTPS_PROXY=http://127.0.0.1:{}\n", proxy.port)),
        "{env:?}"
    );
    let run = stick.run(&["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let checks = report["checks"].as_array().expect("checks").clone();
    let finding = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"].as_str().is_some_and(|i| i.starts_with(id)))
            .map(|c| c["finding"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert!(
        finding("env.proxy").contains("from the Windows Internet Settings"),
        "{checks:?}"
    );
    assert!(
        checks
            .iter()
            .any(|c| c["finding"].as_str().is_some_and(|f| f.contains("407"))),
        "{checks:?}"
    );
    assert!(
        proxy.requests().iter().any(|r| r.method == "CONNECT"),
        "the doctor never asked the Windows proxy"
    );
}

#[test]
fn trust_and_tools_follow_the_stick_from_e_to_f() {
    let model = Server::start(|req| {
        if req.path.ends_with("/responses") {
            Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("hello from the stand-in"),
            )
        } else {
            Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    let stick = Stick::new();
    let Some(on_e) = on_drive_e("move") else {
        return;
    };
    fs::create_dir_all(on_e.join(r"work\proj")).expect("project");
    let config = format!(
        "model = \"gpt-test\"\nmodel_provider = \"standin\"\napproval_policy = \"never\"\n\n\
         [model_providers.standin]\nname = \"stand-in\"\nbase_url = \"{}/v1\"\n\
         experimental_bearer_token = \"test-bearer\"\nwire_api = \"responses\"\n\
         request_max_retries = 0\nstream_max_retries = 0\n\n\
         [projects.'{}']\ntrust_level = \"trusted\"\n\n\
         [projects.'C:\\elsewhere']\ntrust_level = \"trusted\"\n\n\
         [mcp_servers.docs]\ncommand = '{}'\n",
        model.url(),
        on_e.join(r"work\proj").display(),
        on_e.join(r"tools\docs-mcp.exe").display(),
    );
    fs::write(on_e.join(r"codex_home\config.toml"), &config).expect("config");
    let first = run_from(&stick, &on_e, &["codex", "--", "--version"]);
    assert_eq!(first.code, 0, "{first:?}");
    let settled = fs::read_to_string(on_e.join(r"codex_home\config.toml")).expect("config");

    // scripts/win.sh maps F: to the folder behind E:: the same stick under
    // another drive letter.
    let on_f = PathBuf::from(format!(
        r"F:\{}",
        on_e.file_name().expect("name").to_string_lossy()
    ));
    let listed = run_from(&stick, &on_f, &["codex", "--", "mcp", "list"]);
    assert_eq!(listed.code, 0, "{listed:?}");
    let new_tool = on_f.join(r"tools\docs-mcp.exe").display().to_string();
    assert!(listed.stdout.contains(&new_tool), "{listed:?}");
    let moved = fs::read_to_string(on_f.join(r"codex_home\config.toml")).expect("config");
    assert_eq!(
        moved,
        settled.replace(&on_e.display().to_string(), &on_f.display().to_string())
    );
    let new_key = format!("[projects.'{}']", on_f.join(r"work\proj").display());
    assert!(moved.contains(&new_key), "{moved}");
    assert!(moved.contains(r"[projects.'C:\elsewhere']"), "{moved}");
    // `codex exec` in the project (no trust prompt) is shown on Linux
    // (fat32.rs): codex.exe 0.169 exec stops under Wine 8 before any request
    // (Lock violation, os error 33 in its in-process app-server).
    drop(model);
}

/// `usbide eject` from a usbide.exe on the stick goes on from a copy in the
/// temporary folder (a running program keeps its drive in use), in the same
/// window; the copy says how it went. Wine has no device to eject behind a
/// mapped letter: the copy says there is nothing to eject, exit 70, and the
/// command itself ends at once with 0.
#[test]
fn eject_from_the_stick_goes_on_from_a_copy_that_says_how_it_went() {
    let stick = Stick::new();
    let Some(root) = on_drive_e("eject") else {
        return;
    };
    let run = run_from(&stick, &root, &["eject"]);
    assert_eq!(run.code, 0, "{run:?}");
    // Both said on the same stderr: the copy inherited it, and the output
    // ends when the copy ends.
    assert!(
        run.stderr
            .contains("the eject goes on in this window from a copy"),
        "{run:?}"
    );
    assert!(run.stderr.contains("nothing to eject"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let _ = fs::remove_dir_all(root);
}
