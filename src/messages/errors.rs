//! usbide's error types in words, in either language. Their `Display` is the
//! English text (logs, tests); the final error printer ([`localize`]) asks
//! for the host's language, so no error sentence lives outside the catalogue.

use std::error::Error;

use super::{Lang, fill, text};
use crate::home::HomeError;
use crate::home::config::ConfigError;
use crate::lock::LockError;
use crate::login::LoginError;
use crate::login::claims::AuthFileError;
use crate::payload::PayloadError;
use crate::payload::manifest::ManifestError;
use crate::settings::SettingsError;
use crate::stick::root::RootError;

/// `err` in `lang` when it is one of usbide's own errors, else its text.
pub fn localize(err: &(dyn Error + 'static), lang: Lang) -> String {
    if let Some(e) = err.downcast_ref::<RootError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<LockError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<HomeError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<ConfigError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<PayloadError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<ManifestError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<AuthFileError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<LoginError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<SettingsError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::settings::file::FileError>() {
        e.message(lang)
    } else if let Some(crate::settings::file::SaveError::Write { path: p, .. }) = err.downcast_ref()
    {
        fill(text(lang).cannot_write, &[("path", &path(p))])
    } else if let Some(crate::settings::file::SaveError::File(e)) = err.downcast_ref() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::fsx::ReadOnlyFile>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::launch::SpawnError>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::fsx::NotOurs>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::payload::unpack::Refused>() {
        e.message(lang)
    } else if let Some(e) = err.downcast_ref::<crate::update::UpdateError>() {
        e.message(lang)
    } else if let Some(inner) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|e| e.get_ref())
    {
        localize(inner, lang)
    } else {
        err.to_string()
    }
}

fn path(p: &std::path::Path) -> String {
    p.display().to_string()
}

impl crate::fsx::ReadOnlyFile {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        fill(text(lang).file_read_only, &[("path", &path(&self.path))])
    }
}

impl crate::settings::file::FileError {
    /// The problem in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Parse { path, reason } => format!("{path}: {reason}"),
            Self::TooLarge { path, max } => fill(
                t.settings_too_large,
                &[("path", path), ("max", &max.to_string())],
            ),
            Self::NotText { path } => fill(t.settings_not_text, &[("path", path)]),
            Self::UnknownKey { path, key, known } => format!(
                "{path}: {}",
                fill(t.config_unknown_key, &[("key", key), ("known", known)])
            ),
            Self::BadValue {
                path,
                key,
                wants,
                found,
            } => format!(
                "{path}: {}",
                fill(
                    t.settings_bad_value,
                    &[("key", key), ("wants", wants), ("value", found)]
                )
            ),
        }
    }
}

impl crate::fsx::NotOurs {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        fill(text(lang).file_not_ours, &[("path", &path(&self.path))])
    }
}

impl RootError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::NotFound { exe } => fill(t.root_not_found, &[("exe", &path(exe))]),
            Self::InTemp { root, temp } => fill(
                t.root_in_temp,
                &[("root", &path(root)), ("temp", &path(temp))],
            ),
            Self::InArchive { path: p } => fill(t.root_in_archive, &[("path", &path(p))]),
            Self::Missing { root } => fill(t.root_missing, &[("root", &path(root))]),
        }
    }
}

impl LockError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Busy { home, holder } => {
                let holder = if holder.is_empty() {
                    t.lock_pid_unknown
                } else {
                    holder
                };
                fill(t.lock_busy, &[("home", &path(home)), ("holder", holder)])
            }
            Self::ReadOnly { home } => fill(t.lock_read_only, &[("home", &path(home))]),
            Self::Io { path: p, .. } => fill(t.lock_io, &[("path", &path(p))]),
        }
    }
}

impl HomeError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        let one = |template, p: &std::path::Path| fill(template, &[("path", &path(p))]);
        match self {
            Self::Create { path: p, .. } => one(t.home_create, p),
            Self::Gitignore { path: p, .. } => one(t.home_update, p),
            Self::Dotenv { path: p, .. } => one(t.home_clean, p),
            Self::Recover { path: p, .. } => one(t.home_recover, p),
            Self::WriteProtected { message } => message.clone(),
            Self::Config(e) => e.message(lang),
        }
    }
}

impl ConfigError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Read { path: p, source } => fill(
                t.config_read,
                &[("path", &path(p)), ("error", &source.to_string())],
            ),
            Self::Parse {
                path: p,
                line,
                column,
                message,
                good_backup,
            } => {
                let backup = good_backup.as_deref().map_or(String::new(), |b| {
                    fill(t.config_good_backup, &[("path", &path(b))])
                });
                let place = format!("{}:{line}:{column}", path(p));
                fill(
                    t.config_parse,
                    &[("place", &place), ("message", message), ("backup", &backup)],
                )
            }
            Self::Write { path: p, source } => fill(
                t.config_write,
                &[("path", &path(p)), ("error", &source.to_string())],
            ),
        }
    }
}

impl PayloadError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Fetch { url, reason } => {
                use crate::events::diagnose::{Cause, classify};
                // A network cause is named with what to try, not as the
                // HTTP library's words ("io: Connection refused (os error 111)").
                match classify(reason).map(|d| d.cause) {
                    Some(
                        cause @ (Cause::Dns
                        | Cause::ConnectionRefused
                        | Cause::Tls
                        | Cause::ProxyAuth
                        | Cause::Timeout
                        | Cause::NetworkUnknown),
                    ) => fill(
                        t.payload_unreachable,
                        &[("url", url), ("title", crate::messages::title(cause, lang))],
                    ),
                    _ => fill(t.payload_fetch, &[("url", url), ("reason", reason)]),
                }
            }
            Self::NotPublished { what } => fill(t.payload_not_published, &[("what", what)]),
            Self::DigestMismatch {
                url,
                expected,
                actual,
            } => fill(
                t.payload_digest_mismatch,
                &[("url", url), ("expected", expected), ("actual", actual)],
            ),
            Self::PinMismatch {
                url,
                published,
                pinned,
            } => fill(
                t.payload_pin_mismatch,
                &[("url", url), ("published", published), ("pinned", pinned)],
            ),
            Self::NoDigest { url } => fill(t.payload_no_digest, &[("url", url)]),
            Self::Layout { reason } => reason.clone(),
            Self::Changed { file, missing } => fill(
                if *missing {
                    t.payload_changed_missing
                } else {
                    t.payload_changed_modified
                },
                &[("file", file)],
            ),
            Self::Io {
                what,
                path: p,
                source,
            } => fill(
                t.payload_io,
                &[
                    ("what", super::in_lang(what, lang)),
                    ("path", &path(p)),
                    ("error", &localize(source, lang)),
                ],
            ),
            Self::Manifest(e) => e.message(lang),
        }
    }
}

impl ManifestError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Read { path: p, source } => fill(
                t.manifest_read,
                &[("path", &path(p)), ("error", &source.to_string())],
            ),
            Self::Parse {
                path: p,
                line,
                column,
                message,
            } => fill(
                t.manifest_parse,
                &[
                    ("place", &format!("{}:{line}:{column}", path(p))),
                    ("message", message),
                ],
            ),
            Self::BadDigest {
                path: p,
                target,
                field,
            } => fill(
                t.manifest_bad_digest,
                &[("path", &path(p)), ("field", field), ("target", target)],
            ),
        }
    }
}

impl AuthFileError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Missing => t.auth_missing.to_string(),
            Self::Unreadable { path: p, reason } => {
                fill(t.auth_unreadable, &[("path", p), ("reason", reason)])
            }
            Self::NotJson {
                path: p,
                line,
                column,
            } => fill(
                t.auth_not_json,
                &[
                    ("path", p),
                    ("line", &line.to_string()),
                    ("column", &column.to_string()),
                ],
            ),
        }
    }
}

impl LoginError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Missing => t.login_error_missing.to_string(),
            Self::Mismatch { why } => fill(t.login_error_mismatch, &[("why", why)]),
            Self::Failed => t.login_error_failed.to_string(),
        }
    }

    /// The question a terminal user is asked, in `lang`.
    pub fn question_in(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Missing => t.login_ask_missing.to_string(),
            Self::Mismatch { why } => fill(t.login_ask_mismatch, &[("why", why)]),
            Self::Failed => t.login_ask_failed.to_string(),
        }
    }
}

impl SettingsError {
    /// The error in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::LoginMethod(v) => fill(t.settings_login_method, &[("value", &format!("{v:?}"))]),
            Self::LockWait(v) => fill(t.settings_lock_wait, &[("value", &format!("{v:?}"))]),
            Self::BadVariable { name, wants, found } => fill(
                t.settings_bad_value,
                &[
                    ("key", name),
                    ("wants", wants),
                    ("value", &format!("{found:?}")),
                ],
            ),
            Self::File(e) => e.message(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_said_in_french_and_keep_their_english_display() {
        let err = RootError::NotFound {
            exe: "/tmp/x/usbide".into(),
        };
        assert!(
            err.to_string()
                .starts_with("no stick folder found above /tmp/x/usbide")
        );
        let fr = localize(&err, Lang::Fr);
        assert!(fr.starts_with("aucun dossier de clé USB"), "{fr}");
        let io = PayloadError::Io {
            what: "move into place".into(),
            path: "/p".into(),
            source: std::io::Error::other("busy"),
        };
        assert_eq!(
            localize(&io, Lang::Fr),
            "impossible de mettre en place /p : busy"
        );
        assert_eq!(io.to_string(), "cannot move into place /p: busy");
        let other = std::io::Error::other("x");
        assert_eq!(localize(&other, Lang::Fr), "x");
    }
}
