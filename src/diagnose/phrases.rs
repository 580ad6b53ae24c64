//! What to say about each cause, in the user's language: its short title,
//! what to do, and both on one line. The words of each language live in
//! [`en`] and [`fr`] (one `match` arm per [`Cause`], so the compiler checks
//! that no cause goes without words); the sentences around them are in the
//! message catalogue.

pub mod en;
pub mod fr;

#[cfg(test)]
mod inline_tests {
    #[test]
    fn a_title_inside_a_sentence_starts_in_lower_case_unless_a_name() {
        use super::lower_first;
        assert_eq!(
            lower_first("La connexion a été refusée"),
            "la connexion a été refusée"
        );
        assert_eq!(lower_first("L'espace de travail"), "l'espace de travail");
        assert_eq!(
            lower_first("OpenAI ne dessert pas"),
            "OpenAI ne dessert pas"
        );
        assert_eq!(lower_first("Codex n'a pas pu"), "Codex n'a pas pu");
        assert_eq!(lower_first("TLS failed"), "TLS failed");
    }
}

use crate::diagnose::{Answerer, Cause, Diagnosis};
use crate::messages::{Lang, fill, text};

/// The short name of a cause ("The connection was refused").
pub fn title(cause: Cause, lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::cause(cause).0,
        Lang::Fr => fr::cause(cause).0,
    }
}

/// The title inside a sentence (« codex s'est arrêté sur une erreur : le
/// serveur a refusé… »): its first letter in lower case, unless the first
/// word is a name (`OpenAI`, `Cloudflare`, `VPN`).
pub fn inline_title(cause: Cause, lang: Lang) -> String {
    lower_first(title(cause, lang))
}

fn lower_first(title: &str) -> String {
    const NAMES: &[&str] = &["Codex", "OpenAI", "ChatGPT", "Cloudflare", "Windows", "Git"];
    let first = title
        .split([' ', '\'', '\u{2019}'])
        .next()
        .unwrap_or_default();
    let mut chars = first.chars();
    let name = NAMES.contains(&first) || chars.next().is_none() || chars.any(|c| c.is_uppercase());
    if name {
        return title.to_string();
    }
    let mut out = String::with_capacity(title.len());
    let mut letters = title.chars();
    out.extend(
        letters
            .next()
            .map(|c| c.to_lowercase())
            .into_iter()
            .flatten(),
    );
    out.extend(letters);
    out
}

/// What to do about a diagnosis, without restating its title; with the
/// request ID to quote, when the server gave one.
pub fn hint(d: &Diagnosis, lang: Lang) -> String {
    let t = text(lang);
    let (_, fix, with_detail) = match lang {
        Lang::En => en::cause(d.cause),
        Lang::Fr => fr::cause(d.cause),
    };
    let fix = match (&d.detail, with_detail, d.cause) {
        (Some(_), Some(template), _) => template,
        (_, _, Cause::NoLogin) if api_key_stick() => t.no_login_api_fix,
        (_, _, Cause::NotLoggedIn) if api_key_stick() => t.not_logged_in_api_fix,
        _ => fix,
    };
    let detail = d.detail.as_deref().unwrap_or(t.provider_key_variable);
    let mut out = who_answered(d, lang).unwrap_or_default();
    out.push_str(&fill(fix, &[("detail", detail)]));
    if let Some(id) = &d.request_id {
        out.push(' ');
        out.push_str(&fill(t.request_id, &[("id", id)]));
    }
    out
}

thread_local! {
    // Whether this run's stick logs in with an API key (set once per run,
    // with the settings, on the thread that reads codex's output): the
    // fixes that say how to log in then say `usbide login --with-api-key`.
    // Already `const`: the Windows toolchain's clippy (1.96) says otherwise.
    #[allow(clippy::missing_const_for_thread_local)]
    static API_KEY_STICK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Say whether this run's stick logs in with an API key.
pub fn stick_logs_in_with_api_key(yes: bool) {
    API_KEY_STICK.set(yes);
}

fn api_key_stick() -> bool {
    API_KEY_STICK.get()
}

/// Who answered, when it was not OpenAI and a status shows the server did
/// answer: whose fix it is comes first ("This computer answered
/// (localhost:11434), not OpenAI. ").
fn who_answered(d: &Diagnosis, lang: Lang) -> Option<String> {
    let t = text(lang);
    let host = d.host.as_deref()?;
    d.status.filter(|_| d.cause != Cause::ProxyAuth)?;
    let sentence = match d.answered_by? {
        Answerer::OpenAi => return None,
        Answerer::ThisComputer => t.answered_here,
        Answerer::LocalNetwork => t.answered_network,
        Answerer::Azure => t.answered_azure,
        Answerer::Other => t.answered_other,
    };
    Some(fill(sentence, &[("host", host)]) + " ")
}

/// The one-line explanation: title, then what to do.
pub fn explain(d: &Diagnosis, lang: Lang) -> String {
    let title = match (lang, d.cause, &d.detail) {
        (_, Cause::MissingProviderKey, _) => fill(
            title(d.cause, lang),
            &[(
                "detail",
                d.detail
                    .as_deref()
                    .unwrap_or(text(lang).provider_key_variable),
            )],
        ),
        _ => title(d.cause, lang).to_string(),
    };
    fill(
        text(lang).diagnosis_line,
        &[("title", &title), ("hint", &hint(d, lang))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::tests::check_french;

    #[test]
    fn every_cause_has_french_words() {
        for cause in Cause::ALL {
            let (et, eh, ed) = en::cause(cause);
            let (ft, fh, fd) = fr::cause(cause);
            let name = format!("{cause:?}");
            check_french(&name, et, ft);
            check_french(&name, eh, fh);
            assert_eq!(ed.is_some(), fd.is_some(), "{name}");
            if let (Some(e), Some(f)) = (ed, fd) {
                check_french(&name, e, f);
            }
        }
    }

    #[test]
    fn no_explanation_says_the_same_thing_twice() {
        for lang in [Lang::En, Lang::Fr] {
            for cause in Cause::ALL {
                let title = title(cause, lang).to_lowercase();
                let hint = hint(&Diagnosis::of(cause), lang).to_lowercase();
                assert!(
                    !hint.contains(title.trim_end_matches(['.', ' '])),
                    "{cause:?} {lang:?}: the hint repeats the title: {hint}"
                );
                assert!(!title.ends_with('.'), "{cause:?}: {title}");
            }
        }
    }

    #[test]
    fn templates_are_filled() {
        let d = Diagnosis {
            detail: Some("34.337 s".into()),
            request_id: Some("req_1".into()),
            ..Diagnosis::of(Cause::RateLimit)
        };
        let e = explain(&d, Lang::En);
        assert!(e.contains("34.337 s") && e.contains("req_1"), "{e}");
        assert!(!e.contains('{'), "{e}");
        let f = explain(&d, Lang::Fr);
        assert!(f.contains("34.337 s") && !f.contains('{'), "{f}");
    }
}
