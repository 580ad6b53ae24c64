//! Which Windows sandbox codex can set up on this host.
//!
//! Codex's elevated sandbox setup (`[windows] sandbox = "elevated"`, its
//! default) needs an administrator through UAC, and it fails or loops on
//! managed PCs (`helper_sandbox_lock_failed`, `SetNamedSecurityInfoW failed:
//! 5`) and on FAT/exFAT volumes, which have no ACLs (openai/codex#23108).
//! The unelevated sandbox works in those places. And the elevated setup
//! leaves two local accounts, their profiles, a group and firewall rules on
//! the computer ([`crate::preflight::leftovers`]): on a computer that is not
//! the user's, that is not a portable tool's to leave. So where the elevated
//! sandbox would work, the user chooses once per computer (asked on the
//! first launch there, remembered in `usbide.toml` under this computer's
//! id); unasked, or without anyone to ask, it is the sandbox that leaves
//! nothing. usbide passes the choice with `-c`, and leaves an explicit
//! choice in `config.toml` alone (with a warning when it will fail).
//!
//! Codex's record of a failed elevated setup (`.sandbox/setup_error.json`)
//! travels with the stick; usbide notes which computer it came from
//! ([`Hosts`]), so one computer's failure does not decide for the next.
//! The decision is pure ([`decide`]); [`Facts::gather`] reads the host.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::messages::{self, Lang, fill};
use crate::platform::Elevation;
use crate::settings::SandboxChoice;

/// What decides the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Administrator rights and UAC (`None`: not Windows).
    pub elevation: Option<Elevation>,
    /// `codex_home` is on FAT or exFAT.
    pub fat_home: bool,
    /// The folder codex works in is on FAT or exFAT.
    pub fat_workspace: bool,
    /// Codex's elevated setup failed before on this computer
    /// (`.sandbox/setup_error.json`): the error code or text it recorded.
    pub setup_failed: Option<String>,
    /// `[windows] sandbox` set in the stick's `config.toml`.
    pub explicit: Option<String>,
    /// What the user chose for this computer (`windows_sandbox`).
    pub chosen: Option<SandboxChoice>,
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
    /// The elevated sandbox would work, but nobody chose it for this
    /// computer: it would leave local accounts there.
    NotChosen,
    /// The user chose the unelevated sandbox for this computer.
    ChosenHere,
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
    /// The elevated sandbox would work and nobody chose for this computer
    /// yet: ask (on a terminal) before the launch.
    pub ask: bool,
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
                Reason::NotChosen => t.sandbox_not_chosen.to_string(),
                Reason::ChosenHere => t.sandbox_chosen_here.to_string(),
            })
            .collect();
        parts.join(t.semicolon)
    }

    /// A warning when the user's own choice is the elevated sandbox and it
    /// will fail here.
    pub fn warning(&self, lang: Lang) -> Option<String> {
        let doomed = self.own.as_deref() == Some("elevated")
            && self.reasons.iter().any(Reason::against_elevated);
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
    let possible = against.is_empty();
    let chosen = facts.chosen.unwrap_or(SandboxChoice::Ask);
    if possible {
        against.push(match chosen {
            SandboxChoice::Elevated => Reason::Admin,
            SandboxChoice::Unelevated => Reason::ChosenHere,
            SandboxChoice::Ask => Reason::NotChosen,
        });
    }
    let elevated = possible && chosen == SandboxChoice::Elevated;
    let choice = match (&facts.explicit, elevated) {
        (Some(_), _) => None,
        (None, true) => Some("elevated"),
        (None, false) => Some("unelevated"),
    };
    Some(Decision {
        choice,
        reasons: against,
        own: facts.explicit.clone(),
        ask: possible && chosen == SandboxChoice::Ask && facts.explicit.is_none(),
    })
}

impl Reason {
    /// A fact of the computer that makes the elevated sandbox fail (not a
    /// choice).
    fn against_elevated(&self) -> bool {
        !matches!(self, Self::Admin | Self::NotChosen | Self::ChosenHere)
    }
}

impl Facts {
    /// Read this host: elevation, the volumes of `codex_home` and `workdir`,
    /// codex's setup error, and the stick's own choice.
    pub fn gather(
        codex_home: &Path,
        workdir: &Path,
        chosen: SandboxChoice,
        host: Option<&str>,
    ) -> Self {
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
            setup_failed: Hosts::read(codex_home)
                .attributed(setup_error(codex_home), host)
                .setup_error_of(host),
            explicit: explicit_choice(codex_home),
            chosen: Some(chosen),
        }
    }
}

/// Which computer codex's sandbox records on the stick came from, kept in
/// `.usbide/sandbox-hosts.json`: codex writes `.sandbox/setup_error.json`
/// and `.sandbox-secrets/` into CODEX_HOME, which travels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hosts {
    /// The computer of the last session (which wrote what codex wrote last).
    #[serde(default)]
    pub last: Option<String>,
    /// Each computer's failed setup: its code and when codex wrote it.
    #[serde(default)]
    pub setup_errors: BTreeMap<String, SetupError>,
    /// The computer whose sandbox accounts `.sandbox-secrets/` holds (its
    /// passwords can be read only there).
    #[serde(default)]
    pub secrets: Option<String>,
    /// When codex last wrote them (seconds since 1970).
    #[serde(default)]
    pub secrets_written: u64,
}

/// A failed elevated setup, as codex recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupError {
    pub code: String,
    /// The record's modification time (seconds since 1970).
    pub written: u64,
}

const HOSTS_FILE: &str = "sandbox-hosts.json";

impl Hosts {
    /// The record on the stick (empty when absent or unreadable).
    pub fn read(codex_home: &Path) -> Self {
        crate::stick::read_state(codex_home, HOSTS_FILE).unwrap_or_default()
    }

    /// Write the record (under the stick lock).
    pub fn write(&self, codex_home: &Path) -> std::io::Result<()> {
        crate::stick::write_state(codex_home, HOSTS_FILE, self)
    }

    /// The record with codex's current setup error (`code`, written at
    /// `written`) given to a computer: one it is already known for, else the
    /// computer of the last session (codex wrote it there), else this one.
    pub fn attributed(mut self, current: Option<(String, u64)>, here: Option<&str>) -> Self {
        let Some((code, written)) = current else {
            return self;
        };
        let known = self.setup_errors.values().any(|e| e.written == written);
        if !known && let Some(host) = self.last.clone().or(here.map(str::to_string)) {
            self.setup_errors.insert(host, SetupError { code, written });
        }
        self
    }

    /// The failed setup recorded for computer `host`.
    pub fn setup_error_of(&self, host: Option<&str>) -> Option<String> {
        self.setup_errors.get(host?).map(|e| e.code.clone())
    }

    /// Write the record of a launch on `host` ([`Self::after_launch`]), only
    /// when it changes it.
    pub fn record_launch(codex_home: &Path, host: &str) -> std::io::Result<()> {
        let before = Self::read(codex_home);
        let after = before.clone().after_launch(codex_home, host);
        if after == before {
            return Ok(());
        }
        after.write(codex_home)
    }

    /// The record after a session on `host`: codex's records attributed,
    /// `.sandbox-secrets/` given to this computer when it changed, and this
    /// computer the last one.
    pub fn after_launch(self, codex_home: &Path, host: &str) -> Self {
        let mut hosts = self.attributed(setup_error(codex_home), Some(host));
        match written(&secrets_dir(codex_home).join("sandbox_users.json")) {
            Some(at) if at != hosts.secrets_written || hosts.secrets.is_none() => {
                hosts.secrets = hosts.last.clone().or(Some(host.to_string()));
                hosts.secrets_written = at;
            }
            Some(_) => {}
            None => hosts.secrets = None,
        }
        hosts.last = Some(host.to_string());
        hosts
    }
}

/// Where codex keeps the sandbox accounts' passwords (DPAPI, readable only
/// on the computer that made them).
pub fn secrets_dir(codex_home: &Path) -> std::path::PathBuf {
    codex_home.join(".sandbox-secrets")
}

/// The error codex recorded in `.sandbox/setup_error.json`, if any, with
/// when it wrote it.
pub fn setup_error(codex_home: &Path) -> Option<(String, u64)> {
    let at = written(&codex_home.join(".sandbox").join("setup_error.json"))?;
    setup_error_code(codex_home).map(|code| (code, at))
}

/// When `path` was last written (seconds since 1970; `None`: no file).
fn written(path: &Path) -> Option<u64> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some(
        meta.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs()),
    )
}

/// The error code codex recorded in `.sandbox/setup_error.json`, if any.
pub fn setup_error_code(codex_home: &Path) -> Option<String> {
    let bytes = crate::fsx::read_capped(
        &codex_home.join(".sandbox").join("setup_error.json"),
        16 * 1024,
    )?;
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    let code = parsed.as_ref().and_then(|v| {
        ["code", "error_code", "kind", "message", "error"]
            .iter()
            .find_map(|k| v.get(k).and_then(|s| s.as_str()).map(str::to_string))
    });
    Some(crate::events::render::clean(
        // Without a code, the record itself (a path reads the same in any
        // language).
        &code.unwrap_or_else(|| ".sandbox/setup_error.json".into()),
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

    /// On the user's own computer (the elevated sandbox chosen for it).
    fn own(facts: Facts) -> Facts {
        Facts {
            chosen: Some(SandboxChoice::Elevated),
            ..facts
        }
    }

    #[test]
    fn whose_computer_it_is_decides_where_the_elevated_sandbox_works() {
        // Possible, nobody chose: the sandbox that leaves nothing, and ask.
        let d = decide(&on(admin())).expect("windows");
        assert_eq!((d.choice, d.ask), (Some("unelevated"), true));
        assert_eq!(d.reasons, [Reason::NotChosen]);
        assert!(
            d.why(Lang::En).contains("local accounts"),
            "{}",
            d.why(Lang::En)
        );
        assert!(d.why(Lang::Fr).contains("comptes locaux"));
        // The user's own computer: elevated, not asked again.
        let d = decide(&own(on(admin()))).expect("windows");
        assert_eq!((d.choice, d.ask), (Some("elevated"), false));
        // A borrowed one: unelevated, not asked again.
        let borrowed = Facts {
            chosen: Some(SandboxChoice::Unelevated),
            ..on(admin())
        };
        let d = decide(&borrowed).expect("windows");
        assert_eq!((d.choice, d.ask), (Some("unelevated"), false));
        assert_eq!(d.reasons, [Reason::ChosenHere]);
        // Not possible here: never asked, whatever was chosen.
        for chosen in [SandboxChoice::Ask, SandboxChoice::Elevated] {
            let d = decide(&Facts {
                chosen: Some(chosen),
                ..on(standard_user())
            })
            .expect("windows");
            assert_eq!((d.choice, d.ask), (Some("unelevated"), false));
            assert_eq!(d.reasons, [Reason::NoAdmin]);
        }
        // An explicit config line wins and nothing is asked.
        let d = decide(&Facts {
            explicit: Some("elevated".into()),
            ..on(admin())
        })
        .expect("windows");
        assert_eq!((d.choice, d.ask, d.warning(Lang::En)), (None, false, None));
    }

    #[test]
    fn the_decision_table() {
        let elevated = |f: &Facts| decide(f).and_then(|d| d.choice);
        // An administrator on NTFS who chose it: codex's default, elevated.
        assert_eq!(elevated(&own(on(admin()))), Some("elevated"));
        // Already elevated, even with UAC off.
        let full = Elevation {
            elevated: true,
            split_admin: false,
            uac: Some(false),
        };
        assert_eq!(elevated(&own(on(full))), Some("elevated"));
        // An administrator with UAC off runs with a full token only when elevated.
        let no_uac = Elevation {
            elevated: false,
            split_admin: true,
            uac: Some(false),
        };
        assert_eq!(elevated(&own(on(no_uac))), Some("unelevated"));
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
                ..own(on(admin()))
            },
            Facts {
                fat_workspace: true,
                ..own(on(admin()))
            },
        ] {
            let d = decide(&facts).expect("windows");
            assert_eq!(d.choice, Some("unelevated"));
            assert!(d.why(Lang::En).contains("FAT"), "{}", d.why(Lang::En));
        }
        // A setup that failed before.
        let d = decide(&Facts {
            setup_failed: Some("helper_sandbox_lock_failed".into()),
            ..own(on(admin()))
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
    fn a_failed_setup_belongs_to_the_computer_it_happened_on() {
        let failed = |at| Some(("helper_sandbox_lock_failed".to_string(), at));
        // First seen, no session before: this computer's.
        let h = Hosts::default().attributed(failed(100), Some("A"));
        assert_eq!(
            h.setup_error_of(Some("A")).as_deref(),
            Some("helper_sandbox_lock_failed")
        );
        assert_eq!(h.setup_error_of(Some("B")), None);
        // Seen again on B: still A's, B decides for itself.
        let h = h.attributed(failed(100), Some("B"));
        assert_eq!(h.setup_error_of(Some("B")), None);
        // Codex wrote a new one during the last session, which ran on B:
        // B's, even when first seen on C.
        let h = Hosts {
            last: Some("B".into()),
            ..h
        }
        .attributed(failed(200), Some("C"));
        assert!(h.setup_error_of(Some("B")).is_some());
        assert_eq!(h.setup_error_of(Some("C")), None);
        assert!(h.setup_error_of(Some("A")).is_some());
        // No record now: nothing new.
        assert_eq!(h.clone().attributed(None, Some("C")), h);
        // The facts follow: a failure on another computer does not decide.
        let d = decide(&Facts {
            setup_failed: h.setup_error_of(Some("C")),
            ..own(on(admin()))
        })
        .expect("windows");
        assert_eq!(d.choice, Some("elevated"));
    }

    #[test]
    fn the_record_follows_sessions_and_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path();
        assert_eq!(Hosts::read(home), Hosts::default());
        Hosts::record_launch(home, "A").expect("record");
        let h = Hosts::read(home);
        assert_eq!((h.last.as_deref(), h.secrets.as_deref()), (Some("A"), None));
        // A second launch on A changes nothing: nothing is written.
        let file = crate::stick::state_dir(home).join(HOSTS_FILE);
        std::fs::write(&file, serde_json::to_string(&h).expect("json")).expect("compact");
        let compact = std::fs::read(&file).expect("read");
        Hosts::record_launch(home, "A").expect("record");
        assert_eq!(std::fs::read(&file).expect("read"), compact);
        // Codex made the accounts' passwords during A's session.
        std::fs::create_dir_all(secrets_dir(home)).expect("mkdir");
        std::fs::write(secrets_dir(home).join("sandbox_users.json"), "{}").expect("write");
        let h = Hosts::read(home).after_launch(home, "B");
        assert_eq!(
            (h.last.as_deref(), h.secrets.as_deref()),
            (Some("B"), Some("A"))
        );
        Hosts::record_launch(home, "B").expect("record");
        assert_eq!(Hosts::read(home), h);
        // Gone: forgotten.
        std::fs::remove_dir_all(secrets_dir(home)).expect("rm");
        assert_eq!(Hosts::read(home).after_launch(home, "B").secrets, None);
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
            setup_error_code(dir.path()).as_deref(),
            Some("helper_sandbox_lock_failed")
        );
        assert!(setup_error(dir.path()).is_some_and(|(_, at)| at > 0));
        std::fs::write(dir.path().join(".sandbox/setup_error.json"), "not json").expect("write");
        assert_eq!(
            setup_error_code(dir.path()).as_deref(),
            Some(".sandbox/setup_error.json")
        );
    }
}
