//! The launcher's environment snapshot, taken once in `main` and passed down.
//!
//! Nothing below `main` reads `std::env`: every decision that depends on a
//! variable takes an [`Environ`], so tests can build one from pairs. Names
//! compare case-insensitively when the snapshot says so (Windows does).

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// An ordered copy of environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environ {
    vars: Vec<(OsString, OsString)>,
    case_insensitive: bool,
}

impl Environ {
    /// The current process environment, with this platform's name rules.
    pub fn from_process() -> Self {
        Self::new(std::env::vars_os().collect(), cfg!(windows))
    }

    /// A snapshot from explicit pairs; `case_insensitive` mirrors Windows.
    pub fn new(vars: Vec<(OsString, OsString)>, case_insensitive: bool) -> Self {
        Self {
            vars,
            case_insensitive,
        }
    }

    /// Convenience for tests: pairs of `&str`.
    pub fn from_pairs(pairs: &[(&str, &str)], case_insensitive: bool) -> Self {
        let vars = pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect();
        Self::new(vars, case_insensitive)
    }

    /// This snapshot with `vars` set (a variable of the same name replaced).
    pub fn with_vars(&self, vars: &[(OsString, OsString)]) -> Self {
        let mut out = self.clone();
        for (name, value) in vars {
            let name_str = name.to_string_lossy();
            out.vars
                .retain(|(k, _)| !out_same(self.case_insensitive, k, &name_str));
            out.vars.push((name.clone(), value.clone()));
        }
        out
    }

    /// Whether names compare without regard to case.
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whether two variable names denote the same variable here.
    pub fn same_name(&self, a: &OsStr, b: &str) -> bool {
        match a.to_str() {
            Some(a) if self.case_insensitive => a.eq_ignore_ascii_case(b),
            Some(a) => a == b,
            None => false,
        }
    }

    /// The value of `name` (the last one wins if a name repeats).
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| self.same_name(k, name))
            .map(|(_, v)| v.as_os_str())
    }

    /// The value of `name` as text, treating an empty value as unset.
    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether `name` holds a truthy value (`1`, `true`, `yes`, `on`).
    pub fn truthy(&self, name: &str) -> bool {
        self.get_str(name).is_some_and(|v| is_truthy(&v))
    }

    /// All variables in order.
    pub fn iter(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.as_os_str(), v.as_os_str()))
    }

    /// The folders this host uses for temporary files: `%TEMP%` and `%TMP%`
    /// on Windows; `$TMPDIR`, or `/tmp` when it is unset, elsewhere.
    pub fn temp_dirs(&self) -> Vec<PathBuf> {
        if self.case_insensitive {
            return ["TEMP", "TMP"]
                .iter()
                .filter_map(|n| self.get_str(n).map(PathBuf::from))
                .collect();
        }
        vec![
            self.get_str("TMPDIR")
                .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from),
        ]
    }
}

/// `1`, `true`, `yes`, `on`, in any case, are truthy; anything else is not.
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_the_platform_case_rule() {
        let win = Environ::from_pairs(&[("Path", "C:\\x"), ("openai_api_key", "k")], true);
        assert_eq!(win.get("PATH"), Some(OsStr::new("C:\\x")));
        assert_eq!(win.get("OPENAI_API_KEY"), Some(OsStr::new("k")));
        let unix = Environ::from_pairs(&[("Path", "/x")], false);
        assert_eq!(unix.get("PATH"), None);
        assert_eq!(unix.get("Path"), Some(OsStr::new("/x")));
    }

    #[test]
    fn truthy_values() {
        for v in ["1", "true", "TRUE", "Yes", "on", " ON "] {
            assert!(is_truthy(v), "{v}");
        }
        for v in ["", "0", "false", "no", "off", "2", "enabled"] {
            assert!(!is_truthy(v), "{v}");
        }
    }

    #[test]
    fn temp_folders_per_platform() {
        let win = Environ::from_pairs(&[("TEMP", "C:\\T"), ("TMP", "C:\\U")], true);
        assert_eq!(
            win.temp_dirs(),
            [PathBuf::from("C:\\T"), PathBuf::from("C:\\U")]
        );
        assert_eq!(
            Environ::from_pairs(&[], false).temp_dirs(),
            [PathBuf::from("/tmp")]
        );
        assert_eq!(
            Environ::from_pairs(&[("TMPDIR", "/var/t")], false).temp_dirs(),
            [PathBuf::from("/var/t")]
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let env = Environ::from_pairs(&[("USBIDE_ROOT", "  ")], false);
        assert_eq!(env.get_str("USBIDE_ROOT"), None);
    }
}

fn out_same(case_insensitive: bool, a: &OsStr, b: &str) -> bool {
    let a = a.to_string_lossy();
    if case_insensitive {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}
