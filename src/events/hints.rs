//! What to do about each cause, in the host's language. The sentences live in
//! the message catalogue ([`crate::messages`]); this module is the events'
//! door to it.

use crate::events::diagnose::{Cause, Diagnosis};
pub use crate::messages::Lang;

/// What to do about a diagnosis (without restating its cause).
pub fn hint(d: &Diagnosis, lang: Lang) -> String {
    crate::messages::hint(d, lang)
}

/// A short name of the cause for a one-line summary.
pub fn title(cause: Cause, lang: Lang) -> &'static str {
    crate::messages::title(cause, lang)
}

/// The whole explanation on one line: `=> Cause. What to do.`
pub fn explain(d: &Diagnosis, lang: Lang) -> String {
    crate::messages::explain(d, lang)
}
