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
    /// French when `LC_ALL`, `LC_MESSAGES`, `LANG` or `LANGUAGE` (in that
    /// order), or else the OS user locale, is French.
    pub fn detect(env: &Environ, os_locale: Option<&str>) -> Self {
        let from_env = ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
            .iter()
            .find_map(|n| env.get_str(n));
        match from_env.as_deref().or(os_locale) {
            Some(l) if l.to_ascii_lowercase().starts_with("fr") => Self::Fr,
            _ => Self::En,
        }
    }
}
