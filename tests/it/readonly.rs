//! A write-protected stick (a read-only bind mount of the test stick, as a
//! locked-down PC mounts USB drives): the reading commands work, a launch
//! says what is wrong in plain words, and no cause is printed twice.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::Stick;

/// A read-only bind mount of `dir` over itself; unmounted when dropped.
/// `None` where this test cannot mount (not root, no mount namespace).
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn mount(dir: &Path) -> Option<Self> {
        let mount = |args: &[&std::ffi::OsStr]| {
            Command::new("mount")
                .args(args)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !mount(&["--bind".as_ref(), dir.as_os_str(), dir.as_os_str()]) {
            return None;
        }
        let guard = Self(dir.to_path_buf());
        mount(&["-o".as_ref(), "remount,bind,ro".as_ref(), dir.as_os_str()]).then_some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A stick that was used once (codex_home prepared, a login stored), then
/// mounted read-only.
fn write_protected() -> Option<(Stick, ReadOnly)> {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    let prepared = stick.run(&["codex", "--", "--version"]);
    assert_eq!(prepared.code, 0, "{prepared:?}");
    stick.write(
        "codex_home/auth.json",
        "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-canary-ro-0000\"}",
    );
    match ReadOnly::mount(&stick.root) {
        Some(ro) => Some((stick, ro)),
        None => {
            eprintln!("skipped: cannot mount a read-only bind mount here (needs root)");
            None
        }
    }
}

fn assert_each_cause_once(run: &crate::support::Run) {
    for needle in ["os error 30", "Read-only file system"] {
        assert!(
            run.all().matches(needle).count() <= 1,
            "{needle} twice: {run:?}"
        );
    }
}

#[test]
fn reading_commands_work_on_a_write_protected_stick() {
    let Some((stick, _ro)) = write_protected() else {
        return;
    };
    assert!(
        std::fs::write(stick.root.join("probe"), "x").is_err(),
        "not read-only"
    );
    for args in [
        &["doctor", "--offline"][..],
        &["--login-method", "api", "status"],
        &["stick"],
        &["env"],
        &["payload", "status"],
    ] {
        let run = stick.run(args);
        assert!(
            run.code == 0 || (args[0] == "doctor" && run.code == 1),
            "{args:?}: {run:?}"
        );
        assert!(!run.all().contains("another usbide"), "{args:?}: {run:?}");
        assert_each_cause_once(&run);
    }
    let mut render = stick.command_for(&crate::support::usbide_bin(), &["render"]);
    render.stdin(std::process::Stdio::piped());
    let mut child = render
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("render");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn a_launch_on_a_write_protected_stick_says_so_plainly() {
    let Some((stick, _ro)) = write_protected() else {
        return;
    };
    let run = stick.run(&[
        "--login-method",
        "api",
        "exec",
        "--skip-git-repo-check",
        "hi",
    ]);
    assert_eq!(run.code, 72, "{run:?}");
    assert!(run.stderr.contains("write-protected"), "{run:?}");
    assert!(run.stderr.contains("lock switch"), "{run:?}");
    assert!(!run.stderr.contains("another usbide"), "{run:?}");
    assert_each_cause_once(&run);
    let mut stick = stick;
    stick.set("LANG", "fr_FR.UTF-8");
    let run = stick.run(&[
        "--login-method",
        "api",
        "exec",
        "--skip-git-repo-check",
        "hi",
    ]);
    assert_eq!(run.code, 72, "{run:?}");
    assert!(run.stderr.contains("protégée en écriture"), "{run:?}");
}

#[test]
fn a_session_on_a_write_protected_stick_runs_on_a_private_copy_removed_at_exit() {
    let server = crate::standin::Server::start(|_| {
        crate::standin::Reply::Full(
            200,
            "text/event-stream",
            crate::standin::sse_reply("Hello from a read-only stick."),
        )
    });
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick.set("USBIDE_PREFLIGHT", "off");
    let prepared = stick.run(&["codex", "--", "--version"]);
    assert_eq!(prepared.code, 0, "{prepared:?}");
    let before = std::fs::read(stick.codex_home().join("config.toml")).expect("config");
    let Some(_ro) = ReadOnly::mount(&stick.root) else {
        eprintln!("skipped: cannot mount a read-only bind mount here (needs root)");
        return;
    };
    stick.set("USBIDE_READ_ONLY_STICK", "private");
    let run = stick.run(&["exec", "--skip-git-repo-check", "say hello"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("Hello from a read-only stick."),
        "{run:?}"
    );
    assert!(run.stderr.contains("private copy"), "{run:?}");
    let left: Vec<_> = std::fs::read_dir(&stick.outside)
        .expect("temp")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("usbide-private-")
        })
        .collect();
    assert!(left.is_empty(), "the private copy stays behind: {left:?}");
    assert_eq!(
        std::fs::read(stick.codex_home().join("config.toml")).expect("config"),
        before
    );
    stick.set("USBIDE_READ_ONLY_STICK", "stop");
    let run = stick.run(&["exec", "--skip-git-repo-check", "say hello"]);
    assert_eq!(run.code, 72, "{run:?}");
}

#[test]
fn codex_on_a_drive_mounted_noexec_is_named_with_the_fix() {
    let mut stick = Stick::new();
    // The real payload, seen through a bind mount without the right to run
    // programs (as some systems mount USB drives).
    let mount = stick.outside.join("noexec-payload");
    std::fs::create_dir_all(&mount).expect("mount point");
    let payload = crate::support::real_payload_dir();
    let mount_cmd = |args: &[&std::ffi::OsStr]| {
        Command::new("mount")
            .args(args)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !mount_cmd(&["--bind".as_ref(), payload.as_os_str(), mount.as_os_str()]) {
        eprintln!("skipped: cannot bind-mount here (needs root)");
        return;
    }
    let _unmount = ReadOnly(mount.clone());
    assert!(mount_cmd(&[
        "-o".as_ref(),
        "remount,bind,noexec".as_ref(),
        mount.as_os_str()
    ]));
    stick.set("USBIDE_PAYLOAD_DIR", &mount.display().to_string());
    let run = stick.run(&["codex", "--", "--version"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("noexec"), "{run:?}");
}
