//! From a blank stick to codex running: root discovery, CODEX_HOME
//! preparation, config edits, the lock, exit codes.

use std::fs;

use crate::support::{Stick, TEMP_VARS, exe_name, real_codex, usbide_bin};

#[test]
fn login_status_on_a_fresh_stick_prepares_codex_home() {
    let mut stick = Stick::new();
    stick.set("CODEX_HOME", "/somewhere/else/.codex");
    let run = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("Not logged in"), "{run:?}");
    assert!(
        run.stderr.contains("CODEX_HOME was /somewhere/else/.codex"),
        "{run:?}"
    );
    let config = stick.read("codex_home/config.toml");
    assert!(
        config.contains("forced_login_method = \"chatgpt\"\n"),
        "{config}"
    );
    assert!(
        config.contains("cli_auth_credentials_store = \"file\"\n"),
        "{config}"
    );
    assert!(
        config.contains("check_for_update_on_startup = false\n"),
        "{config}"
    );
    let gitignore = stick.read("codex_home/.gitignore");
    assert!(gitignore.lines().any(|l| l == "auth.json"), "{gitignore}");
    // codex wrote its state on the stick, not in the host's home.
    assert!(!stick.outside.join("home/.codex").exists());
}

#[test]
fn a_hand_written_config_keeps_every_byte_but_the_owned_keys() {
    let stick = Stick::new();
    let original = "# my settings   \n\
                    model = \"gpt-5\"    # favourite\n\
                    \n\
                    forced_login_method   =   \"api\"   # by hand\n\
                    \n\
                    [tui]\n\
                    \tnotifications = true\n\
                    \n\
                    # about projects\n\
                    [projects.\"/work/repo\"]\n\
                    trust_level = \"trusted\"\n";
    stick.write("codex_home/config.toml", original);
    let run = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(run.code, 1, "{run:?}");
    let expected = original.replace(
        "forced_login_method   =   \"api\"   # by hand\n",
        "forced_login_method   =   \"chatgpt\"   # by hand\n\
         cli_auth_credentials_store = \"file\"\n\
         check_for_update_on_startup = false\n",
    );
    assert_eq!(stick.read("codex_home/config.toml"), expected);
    assert_eq!(stick.read("codex_home/config.toml.bak"), original);
    assert!(run.stderr.contains("config.toml.bak"), "{run:?}");
    // A second launch has nothing to change and says nothing.
    let again = stick.run(&["codex", "--", "login", "status"]);
    assert!(!again.stderr.contains("updated"), "{again:?}");
}

#[test]
fn invalid_toml_stops_before_codex_and_leaves_the_file_alone() {
    let stick = Stick::new();
    let broken = "model = \"gpt-5\"\n[tui\nnotifications = true\n";
    stick.write("codex_home/config.toml", broken);
    let run = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(run.code, 72, "{run:?}");
    let path = stick.codex_home().join("config.toml");
    assert!(
        run.stderr.contains(&format!("{}:2:5", path.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("did not start codex"), "{run:?}");
    assert!(
        !run.stderr.contains("Not logged in"),
        "codex must not start: {run:?}"
    );
    assert_eq!(fs::read(&path).expect("read"), broken.as_bytes());
    assert!(!stick.codex_home().join("config.toml.bak").exists());
}

#[test]
fn duplicate_keys_are_refused_with_their_line() {
    let stick = Stick::new();
    let dup = "model = \"a\"\n\nmodel = \"b\"\n";
    stick.write("codex_home/config.toml", dup);
    let run = stick.run(&["env"]);
    assert_eq!(
        run.code, 0,
        "env is read-only and does not parse the config: {run:?}"
    );
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 72, "{run:?}");
    assert!(run.stderr.contains("config.toml:3:"), "{run:?}");
    assert_eq!(stick.read("codex_home/config.toml"), dup);
}

#[test]
fn the_stick_is_found_from_where_usbide_lives() {
    let mut stick = Stick::new();
    stick.unset("USBIDE_ROOT");
    fs::create_dir_all(stick.root.join("codex_home")).expect("codex_home");
    fs::create_dir_all(stick.root.join("tools/bin")).expect("bin");
    let exe = stick.root.join("tools/bin").join(exe_name("usbide"));
    fs::copy(usbide_bin(), &exe).expect("copy");
    let out = crate::support::output(&mut stick.command_for(&exe, &["stick"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.starts_with(&format!("root        {}\n", stick.root.display())),
        "{stdout}"
    );
    assert!(stdout.contains("file system "), "{stdout}");
    assert!(stdout.contains(" free of "), "{stdout}");
}

#[test]
fn a_stick_in_the_temp_folder_is_refused() {
    let mut stick = Stick::new();
    stick.unset("USBIDE_ROOT");
    fs::create_dir_all(stick.root.join("codex_home")).expect("codex_home");
    let exe = stick.root.join(exe_name("usbide"));
    fs::copy(usbide_bin(), &exe).expect("copy");
    let parent = stick.root.parent().expect("parent").display().to_string();
    for name in TEMP_VARS {
        stick.set(name, &parent);
    }
    let out =
        crate::support::output(&mut stick.command_for(&exe, &["codex", "--", "login", "status"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(71), "{stderr}");
    assert!(
        stderr.contains("running from a temporary folder"),
        "{stderr}"
    );
    assert!(!stick.codex_home().join("config.toml").exists());
}

#[test]
fn a_second_usbide_waits_then_explains() {
    let mut stick = Stick::new();
    stick.set("USBIDE_LOCK_WAIT_MS", "300");
    let first = stick.run(&["codex", "--", "--version"]);
    assert_eq!(first.code, 0, "{first:?}");
    // Hold the stick's lock the way a running usbide does.
    let lock = fs::OpenOptions::new()
        .write(true)
        .open(stick.codex_home().join("usbide.lock"))
        .expect("lock file");
    lock.lock().expect("lock");
    let second = stick.run(&["codex", "--", "--version"]);
    assert_eq!(second.code, 75, "{second:?}");
    assert!(
        second.stderr.contains("another usbide is using"),
        "{second:?}"
    );
    drop(lock);
    assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
}

#[test]
fn codex_exit_codes_and_arguments_pass_through() {
    let stick = Stick::new();
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("codex-cli "), "{run:?}");
    // A clap error in codex is codex's exit code 2, not usbide's.
    let run = stick.run(&["codex", "--", "--no-such-flag"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--no-such-flag"), "{run:?}");
    // No subcommand: `usbide -- ARGS` runs codex too.
    let run = stick.run(&["--", "--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("codex-cli "), "{run:?}");
}

#[test]
fn a_missing_payload_without_a_terminal_falls_back_to_path_or_explains() {
    let mut stick = Stick::new();
    stick.set(
        "USBIDE_PAYLOAD_DIR",
        &stick.root.join("payload").display().to_string(),
    );
    stick.set(
        "PATH",
        if cfg!(windows) {
            r"C:\nonexistent"
        } else {
            "/nonexistent"
        },
    );
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("usbide payload install"), "{run:?}");
    // With codex on PATH it is used, with a warning.
    let bin = stick.outside.join("bin");
    fs::create_dir_all(&bin).expect("bin");
    fs::copy(real_codex(), bin.join(exe_name("codex"))).expect("copy codex");
    stick.set("PATH", &bin.display().to_string());
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("warning: no codex on the stick"),
        "{run:?}"
    );
}

#[test]
fn env_lists_what_codex_gets_without_secrets() {
    let mut stick = Stick::new();
    stick
        .set("OPENAI_API_KEY", "sk-canary-0123456789")
        .set("HTTPS_PROXY", "http://ann:s3cret-pw@proxy.corp:3128")
        .set("CODEX_MANAGED_BY_NPM", "1");
    let run = stick.run(&["env"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.all().contains("canary"), "{run:?}");
    assert!(!run.all().contains("s3cret"), "{run:?}");
    assert!(
        run.stdout
            .contains("HTTPS_PROXY=http://ann:***@proxy.corp:3128\n"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("CODEX_HOME={}\n", stick.codex_home().display())),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("# OPENAI_API_KEY: an API key would replace"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("# CODEX_MANAGED_BY_NPM: internal to codex"),
        "{run:?}"
    );
}

#[test]
fn a_failed_interactive_session_is_explained_from_codex_log() {
    let stick = Stick::new();
    stick.write(
        "codex_home/auth.json",
        "{\"auth_mode\":\"chatgpt\",\"tokens\":{}}",
    );
    stick.write(
        "codex_home/log/codex-tui.log",
        "2026-11-25T10:00:00Z INFO starting\n\
         2026-11-25T10:00:01Z ERROR codex_core: unexpected status 401 Unauthorized: Unknown error, url: https://chatgpt.com/backend-api/codex/responses\n",
    );
    // `usbide run` is the interactive path; a codex clap error makes it fail.
    let run = stick.run(&["run", "--", "--no-such-flag"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("codex ended with an error: the server refused this stick's login (401)"),
        "{run:?}"
    );
    assert!(run.stderr.contains("usbide login"), "{run:?}");
    // `usbide codex` is not interactive: no log reading.
    let run = stick.run(&["codex", "--", "--no-such-flag"]);
    assert!(!run.stderr.contains("codex ended with an error"), "{run:?}");
}

#[test]
fn codex_never_outlives_a_killed_usbide() {
    // The auth issuer takes codex's device-code request and then says
    // nothing: codex waits on it for minutes. When usbide is killed, codex
    // must go too (a job object on Windows, the parent-death signal on
    // Linux), which the stand-in sees as its connection closing.
    let server = crate::standin::Server::start(|_| crate::standin::Reply::Stall {
        len: 4096,
        first: b"{".to_vec(),
    });
    let stick = Stick::new();
    let issuer = server.url();
    let args = [
        "codex",
        "--",
        "login",
        "--device-auth",
        "--experimental_issuer",
        issuer.as_str(),
    ];
    let mut usbide = stick
        .command_for(&usbide_bin(), &args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn usbide");
    let waited = std::time::Instant::now();
    while server.requests().is_empty() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "codex never asked the issuer"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    usbide.kill().expect("kill usbide");
    let _ = usbide.wait();
    let killed = std::time::Instant::now();
    while server.gone() == 0 && killed.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(server.gone(), 1, "codex outlived usbide");
}

#[test]
fn a_move_killed_at_any_step_is_finished_at_the_next_start() {
    for step in ["relocate:journal", "relocate:config", "relocate:record"] {
        let mut stick = Stick::new();
        let project = |root: &std::path::Path| root.join("work").join("proj");
        let key = |root: &std::path::Path| {
            toml_edit::Value::from(project(root).display().to_string()).to_string()
        };
        stick.write(
            "codex_home/config.toml",
            &format!(
                "model = \"gpt-5\"\n\n[projects.{}]\ntrust_level = \"trusted\"\n",
                key(&stick.root)
            ),
        );
        assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
        let settled = stick.read("codex_home/config.toml");
        // The stick shows up at another place.
        let old = stick.root.clone();
        let new = old.with_file_name("MOVED");
        fs::rename(&old, &new).expect("move the stick");
        stick.set("USBIDE_ROOT", &new.display().to_string());
        stick.set("USBIDE_TEST_CRASH_AT", step);
        let crashed = stick.run(&["codex", "--", "--version"]);
        assert_ne!(crashed.code, 0, "{step}: {crashed:?}");
        stick.unset("USBIDE_TEST_CRASH_AT");
        let text = fs::read_to_string(new.join("codex_home/config.toml")).expect("config");
        assert!(
            text == settled || text == settled.replace(&key(&old), &key(&new)),
            "{step}: half-moved config:\n{text}"
        );
        let next = stick.run(&["codex", "--", "--version"]);
        assert_eq!(next.code, 0, "{step}: {next:?}");
        let text = fs::read_to_string(new.join("codex_home/config.toml")).expect("config");
        text.parse::<toml_edit::DocumentMut>().expect("parses");
        assert_eq!(text, settled.replace(&key(&old), &key(&new)), "{step}");
        fs::rename(&new, &old).expect("put back for cleanup");
    }
}

#[test]
fn traces_on_the_computer_are_listed_and_cleaned() {
    let stick = Stick::new();
    let host_codex = stick.outside.join("home").join(".codex");
    fs::create_dir_all(&host_codex).expect("host codex home");
    let stale = stick.outside.join("usbide-codex-1-dead");
    fs::create_dir_all(&stale).expect("stale scratch");
    fs::write(stale.join(".owner"), "").expect("owner");
    let run = stick.run(&["doctor", "--offline", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let traces = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "host.traces"))
        .cloned()
        .expect("host.traces");
    assert_eq!(traces["status"], "warn", "{traces}");
    let finding = traces["finding"].as_str().unwrap_or_default();
    assert!(
        finding.contains(".codex") && finding.contains("usbide-codex-1-dead"),
        "{finding}"
    );
    // Without a terminal nobody can confirm: the computer's ~/.codex stays.
    let clean = stick.run(&["clean"]);
    assert_eq!(clean.code, 1, "{clean:?}");
    assert!(!stale.exists());
    assert!(host_codex.is_dir());
    // A session leaves no temporary folder behind.
    assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
    let left: Vec<_> = fs::read_dir(&stick.outside)
        .expect("temp")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("usbide-codex-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_session_that_dies_at_start_is_explained_from_codex_stderr() {
    let server = crate::standin::Server::start(|_| {
        crate::standin::Reply::Full(
            401,
            "application/json",
            br#"{"error":{"message":"bad token"}}"#.to_vec(),
        )
    });
    let stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    // The interactive path, with a codex that fails before any log exists.
    let run = stick.run(&["run", "--", "exec", "--skip-git-repo-check", "hello"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        !stick.codex_home().join("log/codex-tui.log").exists(),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("codex ended with an error: the model provider refused this key or access"),
        "{run:?}"
    );
    // codex's own words still reach the terminal.
    assert!(run.stderr.contains("bad token"), "{run:?}");
}

#[test]
fn options_and_commands_usbide_does_not_know_go_to_codex() {
    let stick = Stick::new();
    // `usbide -c key=value login status` is `codex -c key=value login status`
    // (a command that needs no login, so no login is asked for).
    let run = stick.run(&["-c", "model=\"gpt-test\"", "login", "status"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.all().contains("Not logged in"), "{run:?}");
    // codex's own help, for codex and for one of its commands.
    let help = stick.run(&["codex", "--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(help.stdout.contains("Usage: codex"), "{help:?}");
    let resume = stick.run(&["resume", "--help"]);
    assert_eq!(resume.code, 0, "{resume:?}");
    assert!(resume.stdout.contains("codex resume"), "{resume:?}");
    // usbide's own options and commands stay usbide's, and its help says how
    // codex's reach codex.
    let own = stick.run(&["--help"]);
    assert!(
        own.stdout
            .contains("codex's options, and its commands (usbide resume)"),
        "{own:?}"
    );
    let status = stick.run(&["--yes", "status"]);
    assert!(status.stdout.contains("login"), "{status:?}");
}

#[test]
fn a_second_window_reads_beside_a_session_and_writers_are_told_at_once() {
    use std::process::Stdio;
    // A session that lasts: the model answers after a while.
    let server = crate::standin::Server::start(|req| {
        if req.path.ends_with("/responses") {
            std::thread::sleep(std::time::Duration::from_secs(8));
        }
        crate::standin::Reply::Full(
            200,
            "text/event-stream",
            crate::standin::sse_reply("late answer"),
        )
    });
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick.set("USBIDE_PREFLIGHT", "off");
    let mut session = stick
        .command_for(
            &crate::support::usbide_bin(),
            &["exec", "--skip-git-repo-check", "say hello"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("session");
    // The session holds the stick once codex has asked the model.
    while !server
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/responses"))
    {
        assert!(
            session.try_wait().expect("wait").is_none(),
            "the session ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // A wait as long as a session would hang these commands if they waited.
    stick.set("USBIDE_LOCK_WAIT_MS", "600000");
    for args in [
        &["doctor", "--offline"][..],
        &["status"],
        &["env"],
        &["config"],
        &["codex", "--", "--version"],
        &["codex", "--", "login", "status"],
    ] {
        let run = stick.run(args);
        assert!(
            !run.stderr.contains("another usbide")
                && !run.stderr.contains("session is running from this stick;"),
            "{args:?}: {run:?}"
        );
        assert!(
            run.code == 0 || args[0] == "doctor" || args.contains(&"status"),
            "{args:?}: {run:?}"
        );
    }
    // A command that writes is told at once that the session must end first.
    let run = stick.run(&["logout"]);
    assert_eq!(run.code, 75, "{run:?}");
    assert!(
        run.stderr
            .contains("a codex session is running from this stick"),
        "{run:?}"
    );
    assert!(
        session.try_wait().expect("wait").is_none(),
        "the writer waited for the session to end"
    );
    assert_eq!(session.wait().expect("session").code(), Some(0));
    // The session's mark went with it: a writer now goes ahead.
    assert!(!stick.codex_home().join("usbide.session").exists());
    let run = stick.run(&["logout"]);
    assert!(!run.stderr.contains("session is running"), "{run:?}");
}

#[test]
fn config_lists_every_setting_the_readme_lists() {
    let readme = std::fs::read_to_string(crate::support::repo().join("README.md")).expect("README");
    let table = &readme[readme.find("## Environment variables").expect("the table")..];
    let names: Vec<&str> = table
        .lines()
        .take_while(|l| !l.starts_with("## Exit"))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|n| n.starts_with("USBIDE_") && *n != "USBIDE_")
        .collect();
    assert!(names.len() >= 25, "{names:?}");
    let mut stick = Stick::without_payload();
    stick.set(
        "USBIDE_DOCTOR_ENDPOINTS",
        "https://ann:CANARY-pw@mirror.example/",
    );
    let run = stick.run(&["config"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("CANARY-pw"), "{}", run.stdout);
    let json = stick.run(&["config", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    // Each by its variable: a stick setting's `set_by`, or a variable's line.
    let listed: Vec<String> = doc["settings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["set_by"].as_str().unwrap_or_default().to_string())
        .chain(
            doc["variables"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v["name"].as_str().unwrap_or_default().to_string()),
        )
        .collect();
    for name in &names {
        assert!(
            listed
                .iter()
                .any(|l| l.split([' ', '/', ',']).any(|w| w == *name)),
            "{name} is not in usbide config: {listed:?}"
        );
    }
    let errors = crate::support::schema_errors("config", &doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        doc["variables"].as_array().is_some_and(|v| v
            .iter()
            .any(|x| x["name"] == "USBIDE_DOCTOR_ENDPOINTS" && x["source"] == "environment")),
        "{doc}"
    );
}

/// A stand-in model whose answer to a prompt holding `slow` takes 8 s and
/// to `first` 3 s, so that sessions overlap.
fn overlapping_model() -> crate::standin::Server {
    crate::standin::Server::start(|req| {
        if req.path.ends_with("/responses") {
            let body = String::from_utf8_lossy(&req.body);
            let wait = if body.contains("slow") {
                8
            } else if body.contains("first") {
                3
            } else {
                0
            };
            std::thread::sleep(std::time::Duration::from_secs(wait));
            if body.contains("refused") {
                return crate::standin::Reply::Full(
                    401,
                    "application/json",
                    br#"{"detail":"Unauthorized"}"#.to_vec(),
                );
            }
            return crate::standin::Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("answered"),
            );
        }
        crate::standin::Reply::Full(404, "text/plain", b"no".to_vec())
    })
}

/// `usbide exec PROMPT` started in the background on `stick`, once the
/// model has its request.
fn session_on(stick: &Stick, server: &crate::standin::Server, prompt: &str) -> std::process::Child {
    use std::process::Stdio;
    let asked = |s: &crate::standin::Server| {
        s.requests()
            .iter()
            .filter(|r| {
                r.path.ends_with("/responses") && String::from_utf8_lossy(&r.body).contains(prompt)
            })
            .count()
    };
    let before = asked(server);
    let mut child = stick
        .command_for(&usbide_bin(), &["exec", "--skip-git-repo-check", prompt])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("session");
    while asked(server) == before {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the session {prompt:?} ended early: {:?}",
            child.wait_with_output()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child
}

#[test]
fn two_sessions_share_an_api_key_stick_and_keep_writers_away_until_both_end() {
    let server = overlapping_model();
    let mut stick = Stick::with_openai_standin(&format!("{}/v1", server.url()));
    stick.set("USBIDE_PREFLIGHT", "off");
    let auth = fs::read(stick.codex_home().join("auth.json")).expect("auth");
    // A first session holds the stick; a second one runs beside it, on the
    // same API-key login, and answers.
    let first = session_on(&stick, &server, "first question");
    // What usbide keeps on the stick (codex's own files aside).
    let usbide_files = || {
        let mut files: Vec<(String, Vec<u8>)> = ["usbide.toml", "codex_home/config.toml"]
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    fs::read(stick.root.join(f)).unwrap_or_default(),
                )
            })
            .collect();
        for dir in ["codex_home/.usbide", "payload"] {
            for e in fs::read_dir(stick.root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                let bytes = fs::read(e.path()).unwrap_or_default();
                files.push((e.path().display().to_string(), bytes));
            }
        }
        files.sort();
        files
    };
    let before = usbide_files();
    let second = stick.run(&["exec", "--skip-git-repo-check", "second question"]);
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(second.stdout.trim(), "answered", "{second:?}");
    assert!(
        second
            .stderr
            .contains("another codex session is running from this stick"),
        "{second:?}"
    );
    assert!(
        before == usbide_files(),
        "the session beside wrote to the stick"
    );
    // Beside the first, a failure is explained as on the stick's own run:
    // its fix is the API-key login.
    let refused = stick.run(&["exec", "--skip-git-repo-check", "refused question"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("usbide login --with-api-key"),
        "{refused:?}"
    );
    let first = first.wait_with_output().expect("first");
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    // A session that started beside the first one keeps writers away after
    // the first one ended, and a writer does not wait for it.
    let first = session_on(&stick, &server, "first again");
    let beside = session_on(&stick, &server, "slow question");
    assert_eq!(
        first.wait_with_output().expect("first").status.code(),
        Some(0)
    );
    stick.set("USBIDE_LOCK_WAIT_MS", "600000");
    let started = std::time::Instant::now();
    let logout = stick.run(&["logout"]);
    assert_eq!(logout.code, 75, "{logout:?}");
    assert!(
        logout.stderr.contains("a codex session is running"),
        "{logout:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let beside = beside.wait_with_output().expect("beside");
    assert_eq!(beside.status.code(), Some(0), "{beside:?}");
    // The login both used is the one the stick had, byte for byte.
    assert_eq!(
        fs::read(stick.codex_home().join("auth.json")).expect("auth"),
        auth
    );
    assert!(!stick.codex_home().join("usbide.session").exists());
}

#[test]
fn a_second_session_on_a_chatgpt_stick_is_refused_with_the_reason() {
    use base64::Engine;
    let server = overlapping_model();
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick.set("USBIDE_PREFLIGHT", "off");
    // ChatGPT's backend (plugins, accounts) is the stand-in too.
    let config = stick.read("codex_home/config.toml");
    stick.write(
        "codex_home/config.toml",
        &format!(
            "chatgpt_base_url = \"{}/backend-api/\"\n{config}",
            server.url()
        ),
    );
    let part = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let id = format!(
        "{}.{}.sig",
        part(serde_json::json!({"alg": "none"})),
        part(
            serde_json::json!({"email": "ann@example.test", "exp": 4_000_000_000u64,
            "https://api.openai.com/auth": {"chatgpt_plan_type": "plus", "chatgpt_account_id": "acc-1"}})
        )
    );
    let auth = serde_json::json!({"auth_mode": "chatgpt", "tokens": {"id_token": id,
        "access_token": id, "refresh_token": "rt_one_use", "account_id": "acc-1"},
        "last_refresh": "2099-01-01T00:00:00Z"})
    .to_string();
    stick.write("codex_home/auth.json", &auth);
    let first = session_on(&stick, &server, "slow question");
    let started = std::time::Instant::now();
    let second = stick.run(&["exec", "--skip-git-repo-check", "second question"]);
    assert_eq!(second.code, 75, "{second:?}");
    assert!(
        second
            .stderr
            .contains("a ChatGPT login cannot serve two sessions at once"),
        "{second:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(second.stdout.is_empty(), "{second:?}");
    let first = first.wait_with_output().expect("first");
    assert_eq!(first.status.code(), Some(0), "{first:?}");
}

#[test]
fn eject_names_a_running_session_waits_for_it_when_asked_and_never_ejects_a_system_disk() {
    use std::process::Stdio;
    let server = overlapping_model();
    let mut stick = Stick::with_openai_standin(&format!("{}/v1", server.url()));
    stick.set("USBIDE_PREFLIGHT", "off");
    // The test's stick is a folder of this computer's own disk: nothing to
    // eject (never `umount /`), said, and not a success.
    let run = stick.run(&["eject"]);
    assert_eq!(run.code, 70, "{run:?}");
    assert!(
        run.stderr.contains("is not on a drive of its own")
            && run.stderr.contains("nothing to eject"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
    let french = {
        let mut fr = Stick::without_payload();
        fr.set("LANG", "fr_FR.UTF-8");
        fr.run(&["eject"])
    };
    assert!(
        french.stderr.contains("n'est pas sur un lecteur à part"),
        "{french:?}"
    );
    // A session on the stick: named at once, with the way to wait.
    let session = session_on(&stick, &server, "slow question");
    let run = stick.run(&["eject"]);
    assert_eq!(run.code, 75, "{run:?}");
    assert!(run.stderr.contains("usbide eject --wait"), "{run:?}");
    // `--wait` waits for it, then goes on.
    let waiting = stick
        .command_for(&usbide_bin(), &["eject", "--wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("eject --wait");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let session = session.wait_with_output().expect("session");
    assert_eq!(session.status.code(), Some(0), "{session:?}");
    let waited = waiting.wait_with_output().expect("eject");
    let stderr = String::from_utf8_lossy(&waited.stderr);
    assert!(stderr.contains("waiting for the codex session"), "{stderr}");
    assert!(stderr.contains("nothing to eject"), "{stderr}");
    assert_eq!(waited.status.code(), Some(70), "{stderr}");
}
