//! The corpus of real Codex error texts (`tests/corpus/codex-errors.toml`):
//! each one, wrapped in the events codex emits, goes through the real
//! `usbide render` binary, which must name the expected cause and status (in
//! `--json`), explain it right after the error with the expected words, and
//! exit non-zero when the turn failed.

use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::support::usbide_bin;

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    text: String,
    source: String,
    cause: String,
    status: Option<u16>,
    /// Who answered (`answered_by` of the diagnosis): absent when the text
    /// names no server.
    answered_by: Option<String>,
    hint: Vec<String>,
    #[serde(default = "fatal")]
    shape: String,
}

fn fatal() -> String {
    "fatal".into()
}

fn corpus() -> Vec<Case> {
    let path = crate::support::repo().join("tests/corpus/codex-errors.toml");
    let text = std::fs::read_to_string(&path).expect("corpus");
    toml::from_str::<Corpus>(&text).expect("corpus parses").case
}

fn event(kind: &str, text: &str) -> String {
    let v = match kind {
        "error" => serde_json::json!({"type": "error", "message": text}),
        "turn.failed" => serde_json::json!({"type": "turn.failed", "error": {"message": text}}),
        "item" => {
            serde_json::json!({"type": "item.completed", "item": {"id": "item_0", "type": "error", "message": text}})
        }
        other => panic!("{other}"),
    };
    v.to_string()
}

/// The `codex exec --json` stream codex emits around this text.
fn stream(case: &Case) -> String {
    let t = &case.text;
    let mut lines = vec![
        r#"{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}"#
            .to_string(),
        r#"{"type":"turn.started"}"#.to_string(),
    ];
    match case.shape.as_str() {
        "fatal" => lines.extend([event("error", t), event("turn.failed", t)]),
        "turn" => lines.push(event("turn.failed", t)),
        "notice" => lines.push(event("error", t)),
        "item" => lines.push(event("item", t)),
        "reconnect" => {
            for n in 1..=5 {
                lines.push(event("error", &format!("Reconnecting... {n}/5 ({t})")));
            }
            lines.extend([event("error", t), event("turn.failed", t)]);
        }
        other => panic!("unknown shape {other}"),
    }
    lines.join("\n") + "\n"
}

fn render(input: &str, args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cmd = Command::new(usbide_bin());
    cmd.arg("render")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .env("USBIDE_PREFLIGHT", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = crate::support::spawn(&mut cmd);
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn check(case: &Case) -> Result<(), String> {
    let input = stream(case);
    let fails = case.shape != "notice" && case.shape != "item";
    let (code, json) = render(&input, &["--json", "--color", "never"]);
    let diagnoses: Vec<serde_json::Value> = json
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "usbide.diagnosis")
        .collect();
    let Some(first) = diagnoses.last() else {
        return Err(format!("no diagnosis in --json:\n{json}"));
    };
    if diagnoses.iter().any(|d| d["cause"] != case.cause.as_str()) {
        let got: Vec<_> = diagnoses.iter().map(|d| d["cause"].to_string()).collect();
        return Err(format!("cause {got:?}, want {}", case.cause));
    }
    let want_status = case.status.map_or(serde_json::Value::Null, Into::into);
    if first["status"] != want_status {
        return Err(format!("status {}, want {want_status}", first["status"]));
    }
    let want_answerer = case
        .answered_by
        .as_deref()
        .map_or(serde_json::Value::Null, Into::into);
    if first["answered_by"] != want_answerer {
        return Err(format!(
            "answered by {}, want {want_answerer}",
            first["answered_by"]
        ));
    }
    if (code != 0) != fails {
        return Err(format!("--json exit code {code}"));
    }
    let (code, human) = render(&input, &["--color", "never"]);
    if (code != 0) != fails {
        return Err(format!("exit code {code}:\n{human}"));
    }
    let Some(at) = human.find("=> ") else {
        return Err(format!("no explanation:\n{human}"));
    };
    let explanation = human[at..]
        .lines()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    for word in &case.hint {
        if !explanation.contains(&word.to_lowercase()) {
            return Err(format!("{word:?} missing from {explanation:?}"));
        }
    }
    if case.shape != "notice" && !human[..at].contains("error: ") {
        return Err(format!("the explanation comes before the error:\n{human}"));
    }
    if human.matches("=> ").count() != 1 {
        return Err(format!("one failure, more than one explanation:\n{human}"));
    }
    if human.contains("reported 2 times") {
        return Err(format!(
            "an error and its turn.failed counted twice:\n{human}"
        ));
    }
    if case.cause == "server_failed" && explanation.contains("could not connect") {
        return Err(format!(
            "a server that answered is not a connection failure: {explanation}"
        ));
    }
    Ok(())
}

#[test]
fn every_real_codex_error_is_named_and_explained() {
    let cases = corpus();
    let mut texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), cases.len(), "the corpus repeats a text");
    assert!(cases.len() >= 200, "{} cases", cases.len());
    for c in &cases {
        assert!(!c.source.trim().is_empty(), "no source for {}", c.text);
    }
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{}\n  [{}] {e}", c.text, c.source))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_failed_turn_is_explained_in_french_too() {
    let input = stream(&corpus()[0]);
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(usbide_bin())
        .args(["render", "--color", "never", "-"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("LANG", "fr_FR.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().expect("stdin").write_all(input.as_bytes())?;
            c.wait_with_output()
        })
        .expect("usbide");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("erreur de codex\u{a0}: «\u{a0}"), "{text}");
    assert!(
        text.contains("=> Ce modèle n'est pas disponible pour ce compte."),
        "{text}"
    );
}

#[test]
fn render_on_a_terminal_says_it_waits_for_a_stream() {
    // util-linux `script` gives usbide a terminal as stdin; without it the
    // check cannot be made here.
    let Ok(out) = Command::new("script")
        .args([
            "-qec",
            &format!("{} render --color never", usbide_bin().display()),
            "/dev/null",
        ])
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
    else {
        eprintln!("no `script` here: not checked");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("waiting for a `codex exec --json` stream on stdin"),
        "{text}"
    );
    // Not on a terminal: nothing to say, the stream is read.
    let piped = Command::new(usbide_bin())
        .args(["render", "--color", "never"])
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("usbide");
    let said = String::from_utf8_lossy(&piped.stderr);
    assert!(!said.contains("waiting"), "{said}");
}
