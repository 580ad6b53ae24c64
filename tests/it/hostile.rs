//! Nothing from the host may crash usbide: odd variable names, huge numbers,
//! a closed stdout. With `panic = "abort"` any panic is a torn state, so
//! every run here must end by usbide's own exit code, never by a panic.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::Stdio;

use crate::support::{Run, Stick, usbide_bin};

/// The run ended by usbide's own decision, not by a panic or an abort.
fn assert_no_panic(run: &Run, what: &str) {
    assert!(
        !matches!(run.code, 101 | 134 | -1),
        "{what} ended by a panic or a signal: {run:?}"
    );
    assert!(!run.stderr.contains("panicked"), "{what}: {run:?}");
}

fn stick() -> Stick {
    let mut stick = Stick::without_payload();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    stick
}

#[test]
fn hostile_variable_names_do_not_crash_any_command() {
    let stick = stick();
    for args in [
        &["env"][..],
        &["status"],
        &["doctor", "--offline"],
        &["stick"],
    ] {
        let mut cmd = stick.command_for(&usbide_bin(), args);
        cmd.env(OsString::from_vec(b"BAD\xff\xfeNAME".to_vec()), "1")
            .env("É_X", "1")
            .env("ABCDEÉ", "1")
            .env("CODEXÉ", "1")
            .env("HUGE_VALUE", "x".repeat(100_000)); // under Linux's 128 KiB per string
        let run = Run::from(cmd.output().expect("spawn"));
        assert_no_panic(&run, &args.join(" "));
    }
}

#[test]
fn huge_numbers_are_clamped() {
    let mut stick = stick();
    for var in [
        "USBIDE_LOCK_WAIT_MS",
        "USBIDE_DOCTOR_TIMEOUT_MS",
        "USBIDE_LOGIN_TIMEOUT_SECS",
        "USBIDE_EXEC_IDLE_SECS",
    ] {
        stick.set(var, "18446744073709551615");
    }
    let run = stick.run(&["doctor", "--offline"]);
    assert_no_panic(&run, "doctor");
    assert!(run.stdout.contains("codex_home"), "{run:?}");
}

#[test]
fn a_closed_stdout_ends_output_quietly() {
    let stick = stick();
    // Create the home first, so every command has something to print.
    assert_no_panic(&stick.run(&["doctor", "--offline"]), "doctor");
    for args in [
        &["env"][..],
        &["env", "--json"],
        &["status"],
        &["status", "--json"],
        &["doctor", "--offline"],
        &["stick"],
        &["stick", "--json"],
        &["config"],
        &["config", "--json"],
        &["render", "/dev/null"],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = stick
            .command_for(&usbide_bin(), args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .expect("spawn");
        let run = Run::from(out);
        assert_no_panic(&run, &args.join(" "));
        // Output that did not arrive is not a success (`render` of an
        // empty file writes nothing).
        if args[0] != "render" {
            assert_ne!(run.code, 0, "{args:?}: {run:?}");
        }
    }
}

#[test]
fn an_absurd_config_is_refused_in_both_languages() {
    let mut stick = stick();
    stick.write("codex_home/config.toml", &"# pad\n".repeat(400_000));
    let run = stick.run(&["doctor", "--offline"]);
    assert!(
        run.stdout.contains("usbide reads none over 1024 KB"),
        "{run:?}"
    );
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 72, "{run:?}");
    assert!(run.stderr.contains("config.toml is 3 MB"), "{run:?}");
    stick.set("LANG", "fr_FR.UTF-8");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 72, "{run:?}");
    assert!(run.stderr.contains("config.toml fait 3 Mo"), "{run:?}");
}

#[test]
fn a_huge_login_timeout_does_not_overflow() {
    // The real codex logs in against a refused port: it fails at once, after
    // usbide computed its deadline from the variable.
    let mut stick = Stick::new();
    stick
        .set("USBIDE_LOGIN_ISSUER", "http://127.0.0.1:9")
        .set("USBIDE_LOGIN_TIMEOUT_SECS", "18446744073709551615");
    let run = stick.run(&["login", "--device-auth"]);
    assert_no_panic(&run, "login");
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn the_exec_watchdog_does_not_wait_for_a_grandchild_holding_the_pipe() {
    // A fake codex (the real one cannot be made to leave a grandchild on its
    // stdout offline): it starts a background child that inherits stdout,
    // then hangs silently. Once the watchdog stops codex, usbide must not
    // wait for that grandchild to close the pipe.
    let mut stick = stick();
    let tree = stick.root.join("payload/x86_64-unknown-linux-musl");
    std::fs::create_dir_all(tree.join("bin")).expect("mkdir");
    std::fs::write(
        tree.join("codex-package.json"),
        r#"{"layoutVersion":1,"version":"0.169.0","entrypoint":"bin/codex"}"#,
    )
    .expect("write");
    let exe = tree.join("bin/codex");
    std::fs::write(&exe, "#!/bin/sh\nsleep 120 &\nexec sleep 120\n").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    stick.write(
        "codex_home/config.toml",
        "model_provider = \"x\"\n[model_providers.x]\nbase_url = \"http://127.0.0.1:9/v1\"\n",
    );
    stick.set("USBIDE_EXEC_IDLE_SECS", "1");
    let started = std::time::Instant::now();
    let run = stick.run(&["exec", "--no-login-check", "hello"]);
    assert_no_panic(&run, "exec");
    assert_eq!(run.code, 124, "{run:?}");
    // Not a speed target: the grandchild holds the pipe for 120 s, and a
    // usbide that waits for it takes all of them.
    assert!(
        started.elapsed().as_secs() < 60,
        "usbide waited for the grandchild"
    );
}
