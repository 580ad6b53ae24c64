//! The ways usbide speaks to the person at the terminal outside of a
//! command's own output: a note on stderr (also logged), a yes/no question,
//! and the pause that keeps a window opened by a double-click readable.

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::Result;

/// The language notes are written in, once it is known (English before).
static LANG: std::sync::OnceLock<crate::messages::Lang> = std::sync::OnceLock::new();

/// Say notes in `lang` from now on (set once, when the settings are read).
pub fn set_lang(lang: crate::messages::Lang) {
    let _ = LANG.set(lang);
}

/// Print a note for the user on stderr (and into the stick's log), headed
/// `usbide:` (`usbide :` in French).
pub fn note(message: &str) {
    let message = crate::redact::text(message);
    crate::log::line(&message);
    let t = crate::messages::text(LANG.get().copied().unwrap_or(crate::messages::Lang::En));
    let escaped = crate::escape::escape(&message);
    crate::out::eprintln!(
        "{}",
        crate::messages::fill(t.usbide_line, &[("message", &escaped)])
    );
}

/// Whether someone can answer a question (stdin and stderr are terminals).
pub fn can_ask() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Ask a yes/no question whose answer is yes unless the user says no
/// (Enter is yes); `false` without a terminal (nobody to answer).
pub fn ask(question: &str, lang: crate::messages::Lang) -> Result<bool> {
    let suffix = crate::messages::text(lang).ask_suffix;
    Ok(asked_until_clear(question, suffix, lang, true)?.unwrap_or(false))
}

/// Ask before something that cannot be undone: Enter is no, and without a
/// terminal the answer is no.
pub fn confirm(question: &str, lang: crate::messages::Lang) -> Result<bool> {
    let suffix = crate::messages::text(lang).confirm_suffix;
    Ok(asked_until_clear(question, suffix, lang, false)?.unwrap_or(false))
}

/// The answer to a yes/no question, asked again (up to five times, then
/// no) until it is yes or no in English or French; Enter is `empty`.
/// `None` without a terminal.
fn asked_until_clear(
    question: &str,
    suffix: &str,
    lang: crate::messages::Lang,
    empty: bool,
) -> Result<Option<bool>> {
    let t = crate::messages::text(lang);
    for _ in 0..5 {
        let Some(a) = answer(question, suffix, lang)? else {
            return Ok(None);
        };
        if a.trim().is_empty() {
            return Ok(Some(empty));
        }
        match yes_or_no(&a) {
            Some(yes) => return Ok(Some(yes)),
            None => note(&crate::messages::fill(
                t.choose_again,
                &[("answer", &crate::messages::quote(lang, &a))],
            )),
        }
    }
    Ok(Some(false))
}

/// Ask a yes/no question whose answer stays no unless the user says yes:
/// `Some(true)` for y/yes/o/oui, `Some(false)` for n/no/non or Enter, asked
/// again for anything else; `None` without a terminal (nobody to answer).
pub fn choose(question: &str, lang: crate::messages::Lang) -> Result<Option<bool>> {
    asked_until_clear(
        question,
        crate::messages::text(lang).choose_suffix,
        lang,
        false,
    )
}

/// What a person picked from numbered choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    /// The choice at this index (Enter: the first).
    One(usize),
    /// No (n, no, non): not now.
    NotNow,
}

/// Ask `question`, show `choices` (numbered from 1 in their text) and read
/// the number, asked again (up to five times, then not now) until it is a
/// choice or no; `None` without a terminal.
pub fn pick(
    question: &str,
    choices: &[&str],
    suffix: &str,
    again: &str,
    lang: crate::messages::Lang,
) -> Result<Option<Picked>> {
    if !can_ask() {
        return Ok(None);
    }
    note(question);
    for choice in choices {
        note(choice);
    }
    for _ in 0..5 {
        let Some(a) = answer("", suffix, lang)? else {
            return Ok(None);
        };
        if let Some(picked) = picked(&a, choices.len()) {
            return Ok(Some(picked));
        }
        note(&crate::messages::fill(
            again,
            &[("answer", &crate::messages::quote(lang, &a))],
        ));
    }
    Ok(Some(Picked::NotNow))
}

/// The choice `answer` names among `count`: a number from 1, nothing (the
/// first), or no in English or French.
fn picked(answer: &str, count: usize) -> Option<Picked> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Some(Picked::One(0));
    }
    if let Ok(n) = answer.trim_end_matches('.').parse::<usize>() {
        return (1..=count).contains(&n).then(|| Picked::One(n - 1));
    }
    (yes_or_no(answer) == Some(false)).then_some(Picked::NotNow)
}

/// `Some(true)` for yes, `Some(false)` for no or nothing, in English or
/// French; `None` for anything else.
fn yes_or_no(answer: &str) -> Option<bool> {
    match answer.trim().to_lowercase().as_str() {
        "y" | "yes" | "o" | "oui" => Some(true),
        "" | "n" | "no" | "non" => Some(false),
        _ => None,
    }
}

/// The trimmed answer to `question` (`None` without a terminal).
fn answer(question: &str, suffix: &str, lang: crate::messages::Lang) -> Result<Option<String>> {
    if !can_ask() {
        return Ok(None);
    }
    let t = crate::messages::text(lang);
    let asked = if question.is_empty() {
        suffix.to_string()
    } else {
        format!("{question} {suffix}")
    };
    let line = crate::messages::fill(t.usbide_line, &[("message", &asked)]);
    crate::out::eprint!("{line} ");
    io::stderr().flush()?;
    let mut text = String::new();
    // The end of input (Ctrl+D, Ctrl+Z) is no answer, never Enter.
    if io::stdin().lock().read_line(&mut text)? == 0 {
        crate::out::eprintln!();
        return Ok(None);
    }
    Ok(Some(text.trim().to_string()))
}

/// Whether to wait for Enter before exiting: only in a console window that
/// belongs to usbide alone (started from Explorer, which closes the window
/// with the process), and only when there is something to read: an error,
/// or the end of a command that is not a codex session.
pub fn should_pause(console_alone: bool, code: i32, session: bool) -> bool {
    console_alone && (code != crate::exit::OK || !session)
}

/// Say why the window stays open and wait for Enter.
pub fn pause(lang: crate::messages::Lang) {
    let t = crate::messages::text(lang);
    let line = crate::messages::fill(t.usbide_line, &[("message", t.pause_to_close)]);
    crate::out::eprintln!("\n{line}");
    let mut answer = String::new();
    let _ = io::stdin().lock().read_line(&mut answer);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_in_either_language() {
        for a in ["y", "Yes", "o", "OUI", " oui "] {
            assert_eq!(yes_or_no(a), Some(true), "{a}");
        }
        for a in ["", "n", "No", "non"] {
            assert_eq!(yes_or_no(a), Some(false), "{a}");
        }
        for a in ["ok", "peut-être", "1"] {
            assert_eq!(yes_or_no(a), None, "{a}");
        }
    }

    #[test]
    fn a_choice_by_number_enter_or_no() {
        assert_eq!(picked("", 2), Some(Picked::One(0)));
        assert_eq!(picked(" 2 ", 2), Some(Picked::One(1)));
        assert_eq!(picked("1.", 2), Some(Picked::One(0)));
        for no in ["n", "No", "non"] {
            assert_eq!(picked(no, 2), Some(Picked::NotNow), "{no}");
        }
        for other in ["3", "0", "y", "api", "-1"] {
            assert_eq!(picked(other, 2), None, "{other}");
        }
    }

    #[test]
    fn a_double_clicked_window_waits_only_when_there_is_something_to_read() {
        // Started from a terminal: never.
        assert!(!should_pause(false, 74, true));
        assert!(!should_pause(false, 0, false));
        // From Explorer: an error, or the end of a report-style command.
        assert!(should_pause(true, 74, true));
        assert!(should_pause(true, 0, false));
        // A codex session that ended normally closes its window.
        assert!(!should_pause(true, 0, true));
    }
}
