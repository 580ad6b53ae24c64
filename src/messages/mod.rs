//! Every sentence usbide writes for people, in English ([`en`]) and French
//! ([`fr`]), chosen by the host's locale ([`Lang::detect`]). One place to
//! read, review and translate all user-facing text.
//!
//! The parts: the language ([`lang`]), the catalogue's shape ([`catalogue`]:
//! fixed sentences and templates, one field each), each language's words
//! ([`en`], [`fr`]) and the filling of a template's `{name}` ([`fill`]). What
//! to say about each cause of a codex failure lives with the causes
//! (`crate::diagnose::phrases`).
//!
//! Completeness is checked by the compiler (a `Text` literal must set every
//! field) and by the tests below (each French entry is translated, has the
//! same placeholders, and follows French typography).
//!
//! To add a message: add a field to the list in [`catalogue`] with a `///`
//! saying where it is shown, then one line in `en.rs` and one in `fr.rs`, and
//! print it with `messages::text(lang).field` (or `fill(...)` for a
//! template). The French words follow the glossary ([`glossaire`]).

pub mod catalogue;
pub mod cli;
pub mod en;
pub mod fill;
pub mod fr;
pub mod glossaire;
pub mod lang;

pub use catalogue::Text;
pub use fill::{about, codex_word, fill, one_of, quote};
pub use lang::Lang;

/// One of usbide's own errors: it says itself in the user's language (its
/// `Display` is the English, for logs and tests) and names the exit code a
/// run that ends with it exits with. The final error reporter
/// (`crate::report`) asks each cause of an error for both.
pub trait UserError: std::error::Error + 'static {
    /// The sentence in `lang`.
    fn message(&self, lang: Lang) -> String;
    /// The exit code of a run that ends with this error.
    fn exit_code(&self) -> i32 {
        crate::exit::FAILURE
    }
}

/// A path as a sentence shows it.
pub fn shown_path(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// The fixed sentences of `lang`.
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &en::TEXT,
        Lang::Fr => &fr::TEXT,
    }
}

/// An English catalogue sentence said in `lang`: for values made in English
/// before the language is known (an error's field, a reason code keeps).
/// Text not in the catalogue is returned as it is.
pub fn in_lang(english: &str, lang: Lang) -> &str {
    let (en, said) = (en::TEXT.entries(), text(lang).entries());
    en.iter()
        .zip(said)
        .find(|((_, e), _)| *e == english)
        .map_or(english, |(_, (_, s))| s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::environ::Environ;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        v.sort_unstable();
        v
    }

    /// Text outside `backticks` (commands and paths are not French).
    fn prose(s: &str) -> String {
        s.split('`').step_by(2).collect::<Vec<_>>().join(" ")
    }

    /// Checks one French entry against its English one: same placeholders,
    /// translated, French typography.
    pub(crate) fn check_french(name: &str, en: &str, fr: &str) {
        assert!(!fr.trim().is_empty(), "{name}: empty");
        assert_eq!(placeholders(en), placeholders(fr), "{name}: placeholders");
        let mut words = en.to_string();
        for p in placeholders(en) {
            words = words.replace(&format!("{{{p}}}"), "");
        }
        // A folder name (`codex_home`) is the same in every language.
        let identifier = !en.contains(' ') && en.contains('_');
        // Words that French spells as English does.
        let same = ["span_minute", "span_minutes", "doctor_ok"].contains(&name);
        if !identifier && !same && prose(&words).chars().any(char::is_alphabetic) {
            assert_ne!(en, fr, "{name}: not translated");
        }
        let faults = glossaire::faults(fr);
        assert!(faults.is_empty(), "{name}: {faults:?} in {fr:?}");
        assert!(!fr.contains("que usbide"), "{name}: write qu'usbide: {fr}");
        assert!(!fr.contains("de usbide"), "{name}: write d'usbide: {fr}");
    }

    #[test]
    fn the_french_catalogue_is_complete_and_french() {
        let (en, fr) = (en::TEXT.entries(), fr::TEXT.entries());
        assert_eq!(en.len(), fr.len());
        for ((name, e), (_, f)) in en.iter().zip(&fr) {
            check_french(name, e, f);
        }
    }

    #[test]
    fn an_english_entry_is_found_in_the_other_language() {
        let en = &en::TEXT;
        assert_eq!(in_lang(en.payload_do_move_in, Lang::Fr), "mettre en place");
        assert_eq!(in_lang(en.payload_do_move_in, Lang::En), "move into place");
        assert_eq!(
            in_lang("not in the catalogue", Lang::Fr),
            "not in the catalogue"
        );
    }

    #[test]
    fn fill_replaces_named_values_only() {
        assert_eq!(
            fill("a {x} b {y} {z}", &[("x", "1"), ("y", "{x}")]),
            "a 1 b {x} {z}"
        );
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("é{x}é", &[("x", "ü")]), "éüé");
    }

    #[test]
    fn usbide_lang_is_the_language_before_the_settings_are_read() {
        let fr = Environ::from_pairs(&[("USBIDE_LANG", "fr"), ("LANG", "C.UTF-8")], false);
        assert_eq!(Lang::detect(&fr, None), Lang::Fr);
        let en = Environ::from_pairs(&[("USBIDE_LANG", "en"), ("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&en, Some("fr-FR")), Lang::En);
    }

    #[test]
    fn french_follows_the_locale() {
        let fr = Environ::from_pairs(&[("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&fr, None), Lang::Fr);
        let en = Environ::from_pairs(&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&en, None), Lang::En);
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("fr-CA")),
            Lang::Fr
        );
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("de-DE")),
            Lang::En
        );
    }
}
