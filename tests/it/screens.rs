//! What people read, exactly: the main screens of usbide in English and in
//! French, as exact-output snapshots (`tests/it/snapshots/`, `insta`). What
//! differs from one machine or run to the next (paths, the drive under the
//! test folder, sizes, durations) is replaced by a placeholder first.
//! Linux only: Windows says other (right) things about its drives, sandbox
//! and paths, which the Windows tests check by their words.
#![cfg(unix)]

use crate::standin::{Reply, Server};
use crate::support::{Run, Stick, usbide_bin};

/// `text` with what depends on the machine or the run replaced.
fn normal(stick: &Stick, text: &str) -> String {
    let mut out = text
        .replace(&stick.root.display().to_string(), "[STICK]")
        .replace(&stick.outside.display().to_string(), "[HOST]")
        .replace(
            &crate::support::repo().join("payload").display().to_string(),
            "[PAYLOAD]",
        );
    // Line by line: the drive under the test folder, sizes and durations.
    out = out
        .lines()
        .map(|line| {
            let mut l = line.to_string();
            // A path in a column: its padding depends on where the test runs.
            for tag in ["[STICK] ", "[PAYLOAD] ", "[HOST] "] {
                if let Some(at) = l.find(tag) {
                    let rest = l[at + tag.len()..].trim_start().to_string();
                    l = format!("{}{tag}{rest}", &l[..at]);
                }
            }
            for (from, to) in [("(", ")")] {
                // "(537 ms)" -> "([MS])"
                if let Some(start) = l.rfind(from)
                    && l.ends_with(&format!(" ms{to}"))
                {
                    l = format!("{}([MS])", &l[..start]);
                }
            }
            // "(ext4, 70.9 GB free)": the file system and free space here.
            for end in [" free)", " libres)"] {
                if let Some(stop) = l.find(end)
                    && let Some(start) = l[..stop].rfind('(')
                {
                    l = format!("{}([DRIVE]){}", &l[..start], &l[stop + end.len()..]);
                }
            }
            let trimmed = l.trim_start();
            let labels = [
                "ok    stick.drive",
                "drive ",
                "lecteur ",
                "file system ",
                "système de fichiers ",
                "space ",
                "espace ",
                "volume id ",
                "numéro de volume ",
                "removable ",
                "amovible ",
            ];
            if let Some(label) = labels.iter().find(|p| trimmed.starts_with(*p)) {
                l = format!(
                    "{}{} [DRIVE]",
                    &l[..l.len() - trimmed.len()],
                    label.trim_end()
                );
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn screen(stick: &Stick, run: &Run) -> String {
    // What a French user reads follows the glossary and French typography.
    if stick
        .env
        .iter()
        .any(|(k, v)| k == "USBIDE_LANG" && v == "fr")
    {
        for text in [&run.stdout, &run.stderr] {
            let faults = usbide::messages::glossaire::faults(text);
            assert!(faults.is_empty(), "{faults:?} in:\n{text}");
        }
    }
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        normal(stick, &run.stdout),
        normal(stick, &run.stderr)
    )
}

/// A stick speaking `lang`, its network checks kept on loopback.
fn stick(lang: &str) -> Stick {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_LANG", lang)
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/")
        .set("USBIDE_UPDATE_CHECK", "off");
    stick
}

#[test]
fn the_first_launch_without_a_login() {
    for lang in ["en", "fr"] {
        let stick = stick(lang);
        let run = stick.run(&[]);
        insta::assert_snapshot!(format!("first_launch_{lang}"), screen(&stick, &run));
    }
}

#[test]
fn status_without_and_with_a_login() {
    for lang in ["en", "fr"] {
        let stick = stick(lang);
        let none = stick.run(&["status"]);
        insta::assert_snapshot!(format!("status_none_{lang}"), screen(&stick, &none));
        stick.write(
            "codex_home/auth.json",
            "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-test-screens-0000\"}",
        );
        stick.write("usbide.toml", "login_method = \"api\"\n");
        let key = stick.run(&["status"]);
        insta::assert_snapshot!(format!("status_api_key_{lang}"), screen(&stick, &key));
    }
}

#[test]
fn the_doctor_offline_on_a_fresh_stick() {
    for lang in ["en", "fr"] {
        let stick = stick(lang);
        let _ = stick.run(&["codex", "--", "--version"]);
        let run = stick.run(&["doctor", "--offline"]);
        insta::assert_snapshot!(format!("doctor_offline_{lang}"), screen(&stick, &run));
    }
}

#[test]
fn the_stick_report_and_the_settings() {
    for lang in ["en", "fr"] {
        let stick = stick(lang);
        let run = stick.run(&["stick"]);
        insta::assert_snapshot!(format!("stick_{lang}"), screen(&stick, &run));
        let run = stick.run(&["config"]);
        insta::assert_snapshot!(format!("config_{lang}"), screen(&stick, &run));
    }
}

#[test]
fn exec_failures_read_the_same_every_time() {
    let model = Server::start(|_| {
        Reply::Full(
            401,
            "application/json",
            b"{\"detail\":\"Unauthorized\"}".to_vec(),
        )
    });
    for lang in ["en", "fr"] {
        let mut stick = stick(lang);
        // No login at all: nothing is started.
        let none = stick.run(&["exec", "--skip-git-repo-check", "say hello"]);
        insta::assert_snapshot!(format!("exec_no_login_{lang}"), screen(&stick, &none));
        // A provider that answers 401.
        stick.write(
            "codex_home/config.toml",
            &Stick::provider_config(
                &format!("{}/v1", model.url()),
                "experimental_bearer_token = \"test-bearer\"",
            ),
        );
        stick.set("USBIDE_PREFLIGHT", "off");
        let run = stick.run(&[
            "exec",
            "--color",
            "never",
            "--skip-git-repo-check",
            "say hello",
        ]);
        let host = model.url().replace("http://", "");
        let shown = screen(&stick, &run)
            .replace(&model.url(), "[MODEL]")
            .replace(&host, "[MODEL-HOST]");
        insta::assert_snapshot!(format!("exec_401_{lang}"), shown);
    }
}

#[test]
fn the_setup_offer_of_a_lone_usbide() {
    for lang in ["en", "fr"] {
        let stick = stick(lang);
        let dir = stick.root.parent().expect("parent").join("EMPTY");
        std::fs::create_dir_all(&dir).expect("lone");
        let exe = dir.join("usbide");
        std::fs::copy(usbide_bin(), &exe).expect("copy");
        // The offer a lone usbide makes, asked for by name (without a
        // terminal it says how to answer).
        let mut cmd = stick.command_for(&exe, &["init", &dir.display().to_string()]);
        cmd.env_remove("USBIDE_ROOT")
            .env_remove("USBIDE_PAYLOAD_DIR");
        let run = Run::from(crate::support::output(&mut cmd));
        let shown = screen(&stick, &run).replace(&dir.display().to_string(), "[EMPTY]");
        insta::assert_snapshot!(format!("setup_offer_{lang}"), shown);
    }
}
