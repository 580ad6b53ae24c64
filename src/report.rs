//! The one place that turns the error a run ended with into the sentence the
//! user reads and the exit code the run exits with. Each of usbide's error
//! types says itself and names its code ([`crate::messages::UserError`]);
//! this is the only module that knows them all, at the top of the house.

use std::error::Error;

use crate::messages::{Lang, UserError};

/// `err` as one of usbide's own errors, looking inside an I/O error that
/// carries one.
fn user_error<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a dyn UserError> {
    macro_rules! any_of {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = err.downcast_ref::<$t>() {
                return Some(e);
            })*
        };
    }
    any_of!(
        crate::cli::UsageError,
        crate::session::setup::InitRefused,
        crate::stick::root::RootError,
        crate::lock::LockError,
        crate::home::HomeError,
        crate::home::config::ConfigError,
        crate::home::provider::ConfigTooLarge,
        crate::settings::SettingsError,
        crate::settings::file::FileError,
        crate::settings::file::SaveError,
        crate::login::LoginError,
        crate::login::claims::AuthFileError,
        crate::payload::PayloadError,
        crate::payload::manifest::ManifestError,
        crate::payload::unpack::Refused,
        crate::launch::SpawnError,
        crate::update::UpdateError,
        crate::fsx::ReadOnlyFile,
        crate::fsx::NotOurs,
    );
    err.downcast_ref::<std::io::Error>()
        .and_then(|e| e.get_ref())
        .and_then(|inner| user_error(inner))
}

/// One cause in `lang`: usbide's own words, or the cause's text.
pub fn localize(err: &(dyn Error + 'static), lang: Lang) -> String {
    user_error(err).map_or_else(|| err.to_string(), |e| e.message(lang))
}

/// The sentence of the error and its causes in `lang`, `: `-joined, each
/// said once (a message that already quotes its cause, `cannot lock X:
/// Read-only file system`, does not get it again), and the exit code: the
/// first of usbide's own errors in the chain names it.
pub fn final_error(err: &anyhow::Error, lang: Lang) -> (String, i32) {
    let separator = crate::messages::text(lang).colon;
    let mut out = String::new();
    for cause in err.chain() {
        let text = localize(cause, lang);
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(&text);
    }
    let code = err
        .chain()
        .find_map(user_error)
        .map_or(crate::exit::FAILURE, UserError::exit_code);
    (out, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_said_in_french_and_keep_their_english_display() {
        let err = crate::stick::root::RootError::NotFound {
            exe: "/tmp/x/usbide".into(),
        };
        assert!(
            err.to_string()
                .starts_with("no stick folder found above /tmp/x/usbide")
        );
        let fr = localize(&err, Lang::Fr);
        assert!(fr.starts_with("aucun dossier de clé USB"), "{fr}");
        let io = crate::payload::PayloadError::Io {
            what: "move into place".into(),
            path: "/p".into(),
            source: std::io::Error::other("busy"),
        };
        assert_eq!(
            localize(&io, Lang::Fr),
            "impossible de mettre en place /p\u{a0}: busy"
        );
        assert_eq!(io.to_string(), "cannot move into place /p: busy");
        let other = std::io::Error::other("x");
        assert_eq!(localize(&other, Lang::Fr), "x");
    }

    #[test]
    fn the_first_of_usbides_errors_names_the_exit_code() {
        let err = anyhow::Error::new(crate::login::LoginError::Missing { api_key: false })
            .context("starting codex");
        assert_eq!(final_error(&err, Lang::En).1, crate::exit::LOGIN);
        let plain = anyhow::anyhow!("something");
        assert_eq!(final_error(&plain, Lang::En).1, crate::exit::FAILURE);
        let busy = crate::lock::LockError::ReadOnly { home: "/h".into() };
        assert_eq!(final_error(&busy.into(), Lang::En).1, crate::exit::HOME);
    }
}
