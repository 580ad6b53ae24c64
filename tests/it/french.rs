//! With a French locale, what usbide writes is French: the doctor's report,
//! a failing `payload status`, a missing stick. Each run is searched for
//! English words that no French sentence holds.

use crate::support::{Run, Stick};

/// Words of usbide's English sentences that French ones never contain
/// (commands, paths and ids aside).
const ENGLISH: &[&str] = &[
    " the ", " is ", " not ", "cannot", " found", "run `", " free", " missing", " checked",
    " with ", " this ", " your ", "error:", "warning:", " of ", "usbide: ",
];

/// The run's output without what is not prose: the quoted commands and the
/// check ids of the doctor's report.
fn prose(run: &Run) -> String {
    run.all()
        .split('`')
        .step_by(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_french(run: &Run) {
    let text = prose(run);
    for word in ENGLISH {
        assert!(!text.contains(word), "English {word:?} in:\n{}", run.all());
    }
    // The glossary and French typography, in all that usbide says.
    for out in [&run.stdout, &run.stderr] {
        let faults = usbide::messages::glossaire::faults(out);
        assert!(faults.is_empty(), "{faults:?} in:\n{out}");
    }
}

fn french(mut stick: Stick) -> Stick {
    stick.set("LANG", "fr_FR.UTF-8");
    stick
}

#[test]
fn the_doctor_speaks_french() {
    let stick = french(Stick::without_payload());
    let run = stick.run(&["doctor", "--offline"]);
    assert!(run.stdout.contains("Que faire\u{a0}:"), "{run:?}");
    assert!(run.stdout.contains("non vérifié (hors ligne)"), "{run:?}");
    assert_french(&run);
}

#[test]
fn the_doctor_with_codex_speaks_french() {
    let stick = french(Stick::new());
    let run = stick.run(&["doctor", "--offline"]);
    assert!(run.stdout.contains("fonctionne"), "{run:?}");
    assert_french(&run);
}

#[test]
fn a_stick_without_codex_is_explained_in_french() {
    let stick = french(Stick::without_payload());
    let run = stick.run(&["payload", "status"]);
    assert_french(&run);
    let run = stick.run(&["codex", "--", "--version"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("usbide\u{a0}: erreur\u{a0}:"),
        "{run:?}"
    );
    assert_french(&run);
}

#[test]
fn a_missing_stick_is_explained_in_french() {
    let mut stick = french(Stick::without_payload());
    stick.set("USBIDE_ROOT", "/nonexistent/STICK");
    let run = stick.run(&["status"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("n'existe pas"), "{run:?}");
    assert_french(&run);
}

#[test]
fn env_stick_and_status_speak_french() {
    let mut stick = french(Stick::without_payload());
    stick.set("OPENAI_API_KEY", "sk-canary-not-a-key");
    for args in [&["env"][..], &["stick"], &["status"]] {
        let run = stick.run(args);
        assert_french(&run);
    }
    let run = stick.run(&["env"]);
    assert!(
        run.stdout.contains("# OPENAI_API_KEY\u{a0}: une clé d'API"),
        "{run:?}"
    );
    let run = stick.run(&["status"]);
    assert!(run.stdout.contains("aucun sur cette clé USB"), "{run:?}");
}

#[test]
fn bad_settings_and_an_unreachable_registry_are_refused_in_french() {
    let mut stick = french(Stick::without_payload());
    // No payload.toml: the pin compiled into usbide is used; the registry
    // (a closed port) cannot be reached.
    stick.set("npm_config_registry", "http://127.0.0.1:9");
    let run = stick.run(&["payload", "install"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("impossible de joindre"), "{run:?}");
    assert_french(&run);
    // A bad setting is said once, in French, values quoted the French way.
    stick.set("USBIDE_PREFLIGHT", "sometimes");
    let run = stick.run(&["status"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr,
        "usbide\u{a0}: erreur\u{a0}: USBIDE_PREFLIGHT doit valoir auto, local ou off, pas «\u{a0}sometimes\u{a0}»\n"
    );
    stick.unset("USBIDE_PREFLIGHT");
    stick.set("USBIDE_LOGIN_METHOD", "bogus");
    let run = stick.run(&["status"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("méthode de connexion inconnue"),
        "{run:?}"
    );
    assert_french(&run);
}

#[test]
fn language_fr_in_usbide_toml_is_every_commands_language() {
    // The locale says English; the stick says French.
    let mut stick = Stick::new();
    stick
        .set("LANG", "C.UTF-8")
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    stick.write("usbide.toml", "language = \"fr\"\n");
    for args in [
        &["doctor", "--offline"][..],
        &["status"],
        &["stick"],
        &["payload", "status"],
        // Ends with an error: its prefix and words are French too.
        &["exec", "--skip-git-repo-check", "hello"],
        &[],
    ] {
        let run = stick.run(args);
        assert_french(&run);
    }
    let run = stick.run(&["exec", "--skip-git-repo-check", "hello"]);
    assert!(run.all().contains("usbide\u{a0}: "), "{run:?}");
}

#[test]
fn preflight_off_in_usbide_toml_is_honoured_on_launch() {
    // A network check would ask this server; with preflight off nothing may.
    let probe = crate::standin::Server::start(|_| {
        crate::standin::Reply::Full(200, "text/plain", b"ok".to_vec())
    });
    let model = crate::standin::Server::start(|_| {
        crate::standin::Reply::Full(200, "text/event-stream", crate::standin::sse_reply("hi"))
    });
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", model.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick.set("USBIDE_DOCTOR_ENDPOINTS", &format!("{}/", probe.url()));
    stick.write("usbide.toml", "preflight = \"off\"\n");
    let run = stick.run(&["exec", "--skip-git-repo-check", "hello"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(probe.requests().is_empty(), "the preflight ran: {run:?}");
    // Without the setting, the same launch probes.
    stick.write("usbide.toml", "");
    let run = stick.run(&["exec", "--skip-git-repo-check", "hello"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!probe.requests().is_empty(), "no preflight ran: {run:?}");
}

#[test]
fn help_and_usage_mistakes_speak_french() {
    let stick = french(Stick::without_payload());
    let help = stick.run(&["login", "--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    assert!(
        help.stdout.contains("Utilisation\u{a0}: usbide login"),
        "{help:?}"
    );
    assert!(
        help.stdout
            .contains("Se connecter avec un code à usage unique"),
        "{help:?}"
    );
    assert!(!help.stdout.contains("Print help"), "{help:?}");
    assert_french(&help);
    let wrong = stick.run(&["login", "--nope"]);
    assert_eq!(wrong.code, 2, "{wrong:?}");
    assert!(
        wrong
            .stderr
            .starts_with("usbide\u{a0}: erreur\u{a0}: argument inattendu"),
        "{wrong:?}"
    );
    assert_french(&wrong);
    // English stays clap's own.
    let mut english = Stick::without_payload();
    english.set("USBIDE_LANG", "en");
    let wrong = english.run(&["login", "--nope"]);
    assert!(
        wrong.stderr.contains("unexpected argument '--nope'"),
        "{wrong:?}"
    );
}
