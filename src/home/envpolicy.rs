//! Which variables codex must not see, and why: API keys and base URLs that
//! would take the place of the stick's login, codex's own internal
//! variables, backtrace switches. The same rule filters usbide's
//! environment (`crate::launch::envfilter`) and `codex_home/.env`, which
//! codex loads behind usbide's back.
//!
//! Names compare case-insensitively, as Windows does, on every platform.

/// Why a variable was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// An API key: codex would use it instead of the stick's login (and with
    /// `forced_login_method = "chatgpt"`, log the stick out).
    ApiKey,
    /// A base-URL override that sends requests (and tokens) elsewhere.
    CustomBase,
    /// A codex-internal variable inherited from a parent codex or its npm wrapper.
    CodexInternal,
    /// A Rust backtrace switch: a failing codex would print walls of
    /// `<unknown>` frames instead of its error (kept with `--verbose`).
    Backtrace,
}

impl DropReason {
    /// One plain sentence for `usbide env`.
    pub fn explain(self, lang: crate::messages::Lang) -> &'static str {
        let t = crate::messages::text(lang);
        match self {
            Self::ApiKey => t.drop_api_key,
            Self::CustomBase => t.drop_custom_base,
            Self::CodexInternal => t.drop_internal,
            Self::Backtrace => t.drop_backtrace,
        }
    }
}

const API_KEYS: &[&str] = &["OPENAI_API_KEY", "CODEX_API_KEY"];
const CUSTOM_BASES: &[&str] = &["OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_API_HOST"];
const BACKTRACES: &[&str] = &["RUST_BACKTRACE", "RUST_LIB_BACKTRACE"];
/// `CODEX_*` variables a user sets on purpose and that codex reads as input.
const CODEX_KEPT: &[&str] = &["CODEX_HOME", "CODEX_CA_CERTIFICATE"];

/// What the filter lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub allow_api_key: bool,
    pub allow_custom_base: bool,
    /// Extra `CODEX_*` names to keep (`USBIDE_CODEX_KEEP`).
    pub keep: Vec<String>,
    /// Keep RUST_BACKTRACE (`--verbose`).
    pub verbose: bool,
}

impl Policy {
    /// Why `name` must not reach codex, or `None` to keep it.
    pub fn classify(&self, name: &str) -> Option<DropReason> {
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if is(API_KEYS) {
            return (!self.allow_api_key).then_some(DropReason::ApiKey);
        }
        if is(CUSTOM_BASES) {
            return (!self.allow_custom_base).then_some(DropReason::CustomBase);
        }
        if is(BACKTRACES) {
            return (!self.verbose).then_some(DropReason::Backtrace);
        }
        // Bytes, not `name[..6]`: a host name like `ABCDEÉ` has no char
        // boundary there, and a panic here would stop every launch.
        let codex_prefixed = name.len() > 6 && name.as_bytes()[..6].eq_ignore_ascii_case(b"CODEX_");
        let kept = is(CODEX_KEPT) || self.keep.iter().any(|k| k.eq_ignore_ascii_case(name));
        (codex_prefixed && !kept).then_some(DropReason::CodexInternal)
    }
}
