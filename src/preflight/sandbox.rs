//! Which Windows sandbox codex can set up on this host.
//!
//! Codex's elevated sandbox setup (`[windows] sandbox = "elevated"`, its
//! default) needs an administrator through UAC, and it fails or loops on
//! managed PCs (`helper_sandbox_lock_failed`, `SetNamedSecurityInfoW failed:
//! 5`) and on FAT/exFAT volumes, which have no ACLs (openai/codex#23108).
//! The unelevated sandbox works in those places. usbide decides from what it
//! can see, passes the choice with `-c`, and leaves an explicit choice in
//! `config.toml` alone (with a warning when it will fail). The decision is
//! pure ([`decide`]); [`Facts::gather`] reads the host.

use std::path::Path;

use crate::messages::{self, Lang, fill};
use crate::platform::Elevation;

/// What decides the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Administrator rights and UAC (`None`: not Windows).
    pub elevation: Option<Elevation>,
    /// `codex_home` is on FAT or exFAT.
    pub fat_home: bool,
    /// The folder codex works in is on FAT or exFAT.
    pub fat_workspace: bool,
    /// Codex's elevated setup failed before (`.sandbox/setup_error.json`):
    /// the error code or text it recorded.
    pub setup_failed: Option<String>,
    /// `[windows] sandbox` set in the stick's `config.toml`.
    pub explicit: Option<String>,
}

/// Why a sandbox was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Codex's elevated setup failed here before (its error code).
    SetupFailed(String),
    FatHome,
    FatWork,
    NoAdmin,
    /// Administrator rights are one UAC prompt away, on a volume with ACLs.
    Admin,
}

/// The sandbox codex is told to use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The value passed as `-c windows.sandbox=...`; `None` keeps the
    /// user's own choice from `config.toml`.
    pub choice: Option<&'static str>,
    /// Why usbide would not use the elevated sandbox here (or, for
    /// `elevated`, why it works).
    pub reasons: Vec<Reason>,
    /// `[windows] sandbox` from `config.toml`, which wins.
    pub own: Option<String>,
}

impl Decision {
    /// The `-c` override, if usbide makes the choice.
    pub fn overrides(&self) -> Vec<String> {
        self.choice
            .map(|c| vec!["-c".to_string(), format!("windows.sandbox=\"{c}\"")])
            .unwrap_or_default()
    }

    /// Why, in a few words.
    pub fn why(&self, lang: Lang) -> String {
        let t = messages::text(lang);
        if let Some(own) = &self.own {
            return fill(t.sandbox_own, &[("value", own)]);
        }
        self.reasons_text(lang)
    }

    fn reasons_text(&self, lang: Lang) -> String {
        let t = messages::text(lang);
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|r| match r {
                Reason::SetupFailed(code) => fill(t.sandbox_setup_failed, &[("code", code)]),
                Reason::FatHome => t.sandbox_fat_home.to_string(),
                Reason::FatWork => t.sandbox_fat_work.to_string(),
                Reason::NoAdmin => t.sandbox_no_admin.to_string(),
                Reason::Admin => t.sandbox_admin.to_string(),
            })
            .collect();
        parts.join(if lang == Lang::Fr { " ; " } else { "; " })
    }

    /// A warning when the user's own choice is the elevated sandbox and it
    /// will fail here.
    pub fn warning(&self, lang: Lang) -> Option<String> {
        let doomed = self.own.as_deref() == Some("elevated")
            && self.reasons.iter().any(|r| *r != Reason::Admin);
        doomed.then(|| {
            fill(
                messages::text(lang).sandbox_doomed,
                &[("why", &self.reasons_text(lang))],
            )
        })
    }
}

/// Decide; `None` off Windows.
pub fn decide(facts: &Facts) -> Option<Decision> {
    let elevation = facts.elevation?;
    let mut against = Vec::new();
    if let Some(code) = &facts.setup_failed {
        against.push(Reason::SetupFailed(code.clone()));
    }
    if facts.fat_home {
        against.push(Reason::FatHome);
    }
    if facts.fat_workspace {
        against.push(Reason::FatWork);
    }
    if !elevation.can_elevate() {
        against.push(Reason::NoAdmin);
    }
    let choice = if facts.explicit.is_some() {
        None
    } else if against.is_empty() {
        Some("elevated")
    } else {
        Some("unelevated")
    };
    if against.is_empty() {
        against.push(Reason::Admin);
    }
    Some(Decision {
        choice,
        reasons: against,
        own: facts.explicit.clone(),
    })
}

impl Facts {
    /// Read this host: elevation, the volumes of `codex_home` and `workdir`,
    /// codex's setup error, and the stick's own choice.
    pub fn gather(codex_home: &Path, workdir: &Path) -> Self {
        let Some(elevation) = crate::platform::elevation() else {
            return Self::default();
        };
        let fat = |p: &Path| {
            crate::stick::drive::detect(p)
                .is_some_and(|d| crate::stick::drive::is_fat(&d.file_system))
        };
        let fat_home = fat(codex_home);
        let same_volume = crate::stick::winpath::drive_root(&codex_home.to_string_lossy())
            == crate::stick::winpath::drive_root(&workdir.to_string_lossy());
        Self {
            elevation: Some(elevation),
            fat_home,
            fat_workspace: if same_volume { fat_home } else { fat(workdir) },
            setup_failed: setup_error(codex_home),
            explicit: explicit_choice(codex_home),
        }
    }
}

/// The error codex recorded in `.sandbox/setup_error.json`, if any.
pub fn setup_error(codex_home: &Path) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(codex_home.join(".sandbox").join("setup_error.json")).ok()?;
    let mut text = String::new();
    file.take(16 * 1024).read_to_string(&mut text).ok()?;
    let parsed: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let code = parsed.as_ref().and_then(|v| {
        ["code", "error_code", "kind", "message", "error"]
            .iter()
            .find_map(|k| v.get(k).and_then(|s| s.as_str()).map(str::to_string))
    });
    Some(crate::events::render::clean(
        &code.unwrap_or_else(|| "see .sandbox/setup_error.json".into()),
    ))
}

/// `[windows] sandbox` in the stick's `config.toml`.
fn explicit_choice(codex_home: &Path) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(codex_home.join("config.toml")).ok()?;
    let mut text = String::new();
    file.take(1 << 20).read_to_string(&mut text).ok()?;
    let doc: toml_edit::DocumentMut = text.parse().ok()?;
    doc.get("windows")?
        .get("sandbox")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin() -> Elevation {
        Elevation {
            elevated: false,
            split_admin: true,
            uac: Some(true),
        }
    }

    fn standard_user() -> Elevation {
        Elevation {
            elevated: false,
            split_admin: false,
            uac: Some(true),
        }
    }

    fn on(elevation: Elevation) -> Facts {
        Facts {
            elevation: Some(elevation),
            ..Default::default()
        }
    }

    #[test]
    fn nothing_is_decided_off_windows() {
        assert_eq!(decide(&Facts::default()), None);
    }

    #[test]
    fn the_decision_table() {
        let elevated = |f: &Facts| decide(f).and_then(|d| d.choice);
        // An administrator on NTFS: codex's default, elevated.
        assert_eq!(elevated(&on(admin())), Some("elevated"));
        // Already elevated, even with UAC off.
        let full = Elevation {
            elevated: true,
            split_admin: false,
            uac: Some(false),
        };
        assert_eq!(elevated(&on(full)), Some("elevated"));
        // An administrator with UAC off runs with a full token only when elevated.
        let no_uac = Elevation {
            elevated: false,
            split_admin: true,
            uac: Some(false),
        };
        assert_eq!(elevated(&on(no_uac)), Some("unelevated"));
        // A standard user on a managed PC.
        let d = decide(&on(standard_user())).expect("windows");
        assert_eq!(d.choice, Some("unelevated"));
        assert_eq!(d.reasons, [Reason::NoAdmin]);
        assert!(d.why(Lang::En).contains("administrator"));
        assert!(d.why(Lang::Fr).contains("administrateur"));
        // FAT under codex_home or the work folder.
        for facts in [
            Facts {
                fat_home: true,
                ..on(admin())
            },
            Facts {
                fat_workspace: true,
                ..on(admin())
            },
        ] {
            let d = decide(&facts).expect("windows");
            assert_eq!(d.choice, Some("unelevated"));
            assert!(d.why(Lang::En).contains("FAT"), "{}", d.why(Lang::En));
        }
        // A setup that failed before.
        let d = decide(&Facts {
            setup_failed: Some("helper_sandbox_lock_failed".into()),
            ..on(admin())
        })
        .expect("windows");
        assert_eq!(d.choice, Some("unelevated"));
        assert!(d.why(Lang::En).contains("helper_sandbox_lock_failed"));
    }

    #[test]
    fn the_users_choice_wins_with_a_warning_when_it_will_fail() {
        let d = decide(&Facts {
            explicit: Some("elevated".into()),
            fat_home: true,
            ..on(standard_user())
        })
        .expect("windows");
        assert_eq!(d.choice, None);
        assert!(d.overrides().is_empty());
        let warning = d.warning(Lang::En).expect("warned");
        assert!(
            warning.contains("FAT") && warning.contains("administrator"),
            "{warning}"
        );
        assert!(d.warning(Lang::Fr).is_some_and(|w| w.contains("échouera")));
        let fine = decide(&Facts {
            explicit: Some("unelevated".into()),
            ..on(standard_user())
        })
        .expect("windows");
        assert_eq!((fine.choice, fine.warning(Lang::En)), (None, None));
    }

    #[test]
    fn the_choice_becomes_a_toml_override() {
        let d = decide(&on(standard_user())).expect("windows");
        assert_eq!(d.overrides(), ["-c", "windows.sandbox=\"unelevated\""]);
    }

    #[test]
    fn a_recorded_setup_error_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(setup_error(dir.path()), None);
        std::fs::create_dir_all(dir.path().join(".sandbox")).expect("mkdir");
        std::fs::write(
            dir.path().join(".sandbox/setup_error.json"),
            r#"{"code":"helper_sandbox_lock_failed","message":"x"}"#,
        )
        .expect("write");
        assert_eq!(
            setup_error(dir.path()).as_deref(),
            Some("helper_sandbox_lock_failed")
        );
        std::fs::write(dir.path().join(".sandbox/setup_error.json"), "not json").expect("write");
        assert_eq!(
            setup_error(dir.path()).as_deref(),
            Some("see .sandbox/setup_error.json")
        );
    }
}
