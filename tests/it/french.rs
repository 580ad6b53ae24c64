//! With a French locale, what usbide writes is French: the doctor's report,
//! a failing `payload status`, a missing stick. Each run is searched for
//! English words that no French sentence holds.

use crate::support::{Run, Stick};

/// Words of usbide's English sentences that French ones never contain
/// (commands, paths and ids aside).
const ENGLISH: &[&str] = &[
    " the ", " is ", " not ", "cannot", " found", "run `", " free", " missing", " checked",
    " with ", " this ", " your ", "error:", "warning:", " of ",
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
}

fn french(mut stick: Stick) -> Stick {
    stick.set("LANG", "fr_FR.UTF-8");
    stick
}

#[test]
fn the_doctor_speaks_french() {
    let stick = french(Stick::without_payload());
    let run = stick.run(&["doctor", "--offline"]);
    assert!(run.stdout.contains("Que faire :"), "{run:?}");
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
    assert!(run.stderr.contains("usbide : erreur :"), "{run:?}");
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
