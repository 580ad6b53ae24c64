//! The environment codex gets: the launcher's snapshot minus the variables
//! that break a portable install, plus `CODEX_HOME`.
//!
//! Names compare case-insensitively, as Windows does, on every platform: a
//! lower-case `openai_api_key` is dropped on Linux too (harmless there, and
//! the rule stays the one tested).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use crate::environ::Environ;

pub use crate::home::envpolicy::{DropReason, Policy};

/// The filtered environment and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtered {
    /// Exactly what codex gets, in order.
    pub vars: Vec<(OsString, OsString)>,
    /// Removed names (as spelled) and why.
    pub removed: Vec<(String, DropReason)>,
    /// An inherited `CODEX_HOME` that the stick's replaced.
    pub replaced_codex_home: Option<OsString>,
}

/// Filter `env` and point `CODEX_HOME` at `codex_home`.
pub fn filter(env: &Environ, policy: &Policy, codex_home: &Path) -> Filtered {
    let mut vars = Vec::new();
    let mut removed = Vec::new();
    let mut replaced_codex_home = None;
    for (name, value) in env.iter() {
        let name_s = name.to_string_lossy();
        if name_s.eq_ignore_ascii_case("CODEX_HOME") {
            if value != codex_home.as_os_str() {
                replaced_codex_home = Some(value.to_os_string());
            }
            continue;
        }
        match policy.classify(&name_s) {
            Some(reason) => removed.push((name_s.into_owned(), reason)),
            None => vars.push((name.to_os_string(), value.to_os_string())),
        }
    }
    vars.push((
        OsString::from("CODEX_HOME"),
        codex_home.as_os_str().to_os_string(),
    ));
    Filtered {
        vars,
        removed,
        replaced_codex_home,
    }
}

impl Filtered {
    /// The value codex gets for `name`.
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .iter()
            .find(|(k, _)| k.to_string_lossy().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_os_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            allow_api_key: false,
            allow_custom_base: false,
            keep: vec![],
            verbose: false,
        }
    }

    #[test]
    fn any_host_name_is_classified_without_panic() {
        for name in [
            "ABCDEÉ",
            "CODEXÉ_X",
            "É_X",
            "CODEX_É",
            "\u{fffd}\u{fffd}",
            "",
            "C",
        ] {
            let _ = policy().classify(name);
        }
        assert_eq!(
            policy().classify("CODEX_É"),
            Some(DropReason::CodexInternal)
        );
        assert_eq!(policy().classify("ABCDEÉ"), None);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_pass_through() {
        use std::os::unix::ffi::OsStringExt;
        let odd = OsString::from_vec(b"ABCDE\xff\xfe".to_vec());
        let env = Environ::new(vec![(odd.clone(), OsString::from("1"))], false);
        let out = filter(&env, &policy(), Path::new("/stick/codex_home"));
        assert_eq!(out.vars[0].0, odd);
    }

    #[test]
    fn parasites_are_dropped_in_any_case() {
        let env = Environ::from_pairs(
            &[
                ("PATH", "/bin"),
                ("OPENAI_API_KEY", "sk-canary"),
                ("Codex_Api_Key", "sk-canary"),
                ("openai_base_url", "http://evil"),
                ("OPENAI_API_BASE", "x"),
                ("OPENAI_API_HOST", "x"),
                ("CODEX_MANAGED_BY_NPM", "1"),
                ("CODEX_SANDBOX", "seatbelt"),
                ("codex_thread_id", "t"),
                ("CODEX_CA_CERTIFICATE", "/ca.pem"),
                ("HTTPS_PROXY", "http://p:3128"),
                ("RUST_BACKTRACE", "1"),
            ],
            true,
        );
        let f = filter(&env, &policy(), Path::new("/stick/codex_home"));
        let kept: Vec<_> = f
            .vars
            .iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            kept,
            ["PATH", "CODEX_CA_CERTIFICATE", "HTTPS_PROXY", "CODEX_HOME"]
        );
        let removed: Vec<_> = f.removed.iter().map(|(n, r)| (n.as_str(), *r)).collect();
        assert_eq!(
            removed,
            [
                ("OPENAI_API_KEY", DropReason::ApiKey),
                ("Codex_Api_Key", DropReason::ApiKey),
                ("openai_base_url", DropReason::CustomBase),
                ("OPENAI_API_BASE", DropReason::CustomBase),
                ("OPENAI_API_HOST", DropReason::CustomBase),
                ("CODEX_MANAGED_BY_NPM", DropReason::CodexInternal),
                ("CODEX_SANDBOX", DropReason::CodexInternal),
                ("codex_thread_id", DropReason::CodexInternal),
                ("RUST_BACKTRACE", DropReason::Backtrace),
            ]
        );
    }

    #[test]
    fn allow_switches_keep_what_they_name() {
        let p = Policy {
            allow_api_key: true,
            allow_custom_base: true,
            keep: vec!["CODEX_REFRESH_TOKEN_URL_OVERRIDE".into()],
            verbose: true,
        };
        for name in [
            "OPENAI_API_KEY",
            "codex_api_key",
            "OPENAI_BASE_URL",
            "codex_refresh_token_url_override",
            "RUST_BACKTRACE",
        ] {
            assert_eq!(p.classify(name), None, "{name}");
        }
        assert_eq!(p.classify("CODEX_SANDBOX"), Some(DropReason::CodexInternal));
        assert_eq!(p.classify("CODEX_"), None);
        assert_eq!(p.classify("CODEXY"), None);
    }

    #[test]
    fn codex_home_is_set_and_an_inherited_one_reported() {
        let env = Environ::from_pairs(&[("codex_home", "C:\\Users\\a\\.codex")], true);
        let f = filter(&env, &policy(), Path::new("E:\\codex_home"));
        assert_eq!(f.get("CODEX_HOME"), Some(OsStr::new("E:\\codex_home")));
        assert_eq!(f.vars.len(), 1);
        assert_eq!(
            f.replaced_codex_home,
            Some(OsString::from("C:\\Users\\a\\.codex"))
        );
        let same = Environ::from_pairs(&[("CODEX_HOME", "E:\\codex_home")], true);
        assert_eq!(
            filter(&same, &policy(), Path::new("E:\\codex_home")).replaced_codex_home,
            None
        );
    }
}
