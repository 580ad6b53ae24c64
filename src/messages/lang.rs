//! Which language usbide speaks on this host: the one the settings name,
//! else the locale's.

use crate::environ::Environ;

/// The language of everything usbide writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French when `USBIDE_LANG` says so (before the settings are read: a
    /// bad setting is said in the language asked for), else when `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` or `LANGUAGE` (in that order), or else the OS
    /// user locale, is French.
    pub fn detect(env: &Environ, os_locale: Option<&str>) -> Self {
        let from_env = ["USBIDE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
            .iter()
            .find_map(|n| env.get_str(n));
        match from_env.as_deref().or(os_locale) {
            Some(l) if l.to_ascii_lowercase().starts_with("fr") => Self::Fr,
            _ => Self::En,
        }
    }
}
