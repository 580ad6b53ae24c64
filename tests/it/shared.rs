//! A host shared with other users and with whoever can write next to the
//! stick: what usbide makes in the temporary folder is owner-only while
//! codex runs, what others planted there (links, FIFOs, folders of other
//! users) is never opened, followed or removed, a link planted at a file
//! usbide writes is never written through, and what a crashed session left
//! (a private copy holding the login) is listed and cleaned.

use std::fs;
#[cfg(unix)]
use std::path::Path;
use std::time::{Duration, Instant};

use crate::standin::Server;
use crate::support::{Run, Stick};

/// Run usbide with `args`, killed after `limit` (a hang fails the test
/// instead of the whole run).
fn run_within(stick: &Stick, args: &[&str], limit: Duration) -> Run {
    let mut child = stick
        .command_for(&crate::support::usbide_bin(), args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("usbide {args:?} hung for {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Run::from(child.wait_with_output().expect("output"))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn the_session_temp_folder_is_owner_only_while_codex_runs() {
    // codex's shell prints the mode of the TMPDIR usbide gave it.
    let server = Server::start(crate::standin::shell_then_reply(
        "stat -c 'mode=%a' \"$TMPDIR\"; echo \"in=$TMPDIR\"",
        "Looked at the folder.",
    ));
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick.set("USBIDE_PREFLIGHT", "off");
    let run = stick.run(&["exec", "--skip-git-repo-check", "look"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("mode=700"), "{run:?}");
    assert!(run.stderr.contains("usbide-codex-"), "{run:?}");
}

#[cfg(unix)]
#[test]
fn what_others_planted_in_the_temp_folder_never_blocks_or_is_removed() {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    let temp = stick.outside.clone();
    // A FIFO where the lock of a session folder would be: opening it
    // waiting for a writer would hang every command.
    let planted = temp.join("usbide-codex-planted");
    fs::create_dir(&planted).expect("dir");
    mkfifo(&planted.join(".owner"));
    let private = temp.join("usbide-private-planted");
    fs::create_dir_all(private.join("codex_home")).expect("dir");
    mkfifo(&private.join("codex_home").join("usbide.lock"));
    // A link named like a session folder, to a folder of someone's.
    let victim = temp.join("victim");
    fs::create_dir(&victim).expect("victim");
    fs::write(victim.join(".owner"), "").expect("owner");
    fs::write(victim.join("thesis.tex"), "precious").expect("file");
    std::os::unix::fs::symlink(&victim, temp.join("usbide-codex-link")).expect("link");
    for args in [
        &["codex", "--", "--version"][..],
        &["doctor", "--offline"],
        &["clean"],
    ] {
        let run = run_within(&stick, args, Duration::from_secs(60));
        assert!(run.code == 0 || args[0] == "doctor", "{args:?}: {run:?}");
    }
    assert!(planted.join(".owner").exists() && private.exists());
    assert_eq!(
        fs::read_to_string(victim.join("thesis.tex")).expect("read"),
        "precious"
    );
}

#[test]
fn a_crashed_private_copy_is_listed_then_cleaned_first() {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    // What a write-protected session killed mid-way leaves: its private
    // home with a copy of the login, its lock free.
    let left = stick.outside.join("usbide-private-crashed");
    fs::create_dir_all(left.join("codex_home")).expect("dir");
    fs::write(
        left.join("codex_home").join("auth.json"),
        "{\"OPENAI_API_KEY\":\"sk-canary-private-0000\"}",
    )
    .expect("auth");
    fs::write(left.join("codex_home").join("usbide.lock"), "pid 1").expect("lock");
    let doctor = stick.run(&["doctor", "--offline"]);
    assert!(
        doctor.all().contains("usbide-private-crashed"),
        "{doctor:?}"
    );
    assert!(!doctor.all().contains("sk-canary-private"), "{doctor:?}");
    let clean = stick.run(&["clean"]);
    assert_eq!(clean.code, 0, "{clean:?}");
    assert!(!left.exists(), "{clean:?}");
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_stick_lock_is_refused_and_its_target_untouched() {
    let stick = Stick::new();
    let victim = stick.outside.join("bashrc");
    fs::write(&victim, "export PS1=precious\n").expect("victim");
    fs::create_dir_all(stick.codex_home()).expect("home");
    std::os::unix::fs::symlink(&victim, stick.codex_home().join("usbide.lock")).expect("link");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("usbide.lock"), "{run:?}");
    assert_eq!(
        fs::read_to_string(&victim).expect("read"),
        "export PS1=precious\n"
    );
}

#[test]
fn a_server_that_sends_headers_then_nothing_never_holds_usbide() {
    // Headers, a length, then silence: the release list, the archive and
    // the npm metadata alike.
    let server = Server::start(|_| crate::standin::Reply::Stall {
        len: 4096,
        first: Vec::new(),
    });
    let mut stick = Stick::new();
    let payload = stick.root.join("payload");
    stick
        .set("USBIDE_PAYLOAD_DIR", &payload.display().to_string())
        .set("USBIDE_DOWNLOAD_STALL_SECS", "2")
        .set("USBIDE_GITHUB_API", &server.url())
        .set("USBIDE_UPDATE_CHECK", "off");
    let url = server.url();
    for args in [
        &["update", "--check"][..],
        &["update"],
        &[
            "payload",
            "install",
            "--version",
            "9.9.9",
            "--npm-registry",
            &url,
        ],
    ] {
        let run = run_within(&stick, args, Duration::from_secs(40));
        assert_ne!(run.code, 0, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("sent nothing for 2 s"),
            "{args:?}: {run:?}"
        );
    }
    // The stick lock is free again at once.
    let run = run_within(
        &stick,
        &["config", "set", "language", "en"],
        Duration::from_secs(20),
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn env_shows_the_temporary_folder_a_session_gets() {
    let stick = Stick::new();
    let run = stick.run(&["env"]);
    assert_eq!(run.code, 0, "{run:?}");
    let pattern = format!(
        "TMPDIR={}",
        stick.outside.join("usbide-codex-\u{2026}").display()
    );
    assert!(run.stdout.contains(&pattern), "{pattern}: {run:?}");
    assert!(run.stdout.contains("readable by you only"), "{run:?}");
}
