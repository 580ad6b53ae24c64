//! Where the stick was: `codex_home/.usbide/location.json` holds the root
//! that `config.toml`'s paths point at (`config_root`) and where usbide last
//! handed off to codex (`last_seen`: root, drive letter, volume id). When
//! the root changes, [`follow`] moves the paths ([`super::relocate`]).
//!
//! The rewrite is a multi-step change (config, then the record), so it is
//! journaled: `relocate.journal` names the move and the digests of the file
//! before and after; a start that finds one finishes the move when the file
//! is the new one and drops it when the file is still the old one. The next
//! start never sees a config whose paths disagree with its record.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::relocate::{Move, Root};

/// The record on the stick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The root `config.toml`'s absolute paths point at.
    pub config_root: Option<String>,
    /// Where codex last ran from.
    #[serde(default)]
    pub last_seen: Option<Seen>,
}

/// One sighting of the stick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub root: String,
    pub drive_letter: Option<char>,
    pub volume_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    from: String,
    to: String,
    before: String,
    after: String,
}

/// The record's name in usbide's folder.
const RECORD: &str = "location.json";

fn journal_path(codex_home: &Path) -> PathBuf {
    crate::stick::state_dir(codex_home).join("relocate.journal")
}

/// The record (empty when missing or unreadable).
pub fn read(codex_home: &Path) -> Location {
    crate::stick::read_state(codex_home, RECORD).unwrap_or_default()
}

fn write(codex_home: &Path, loc: &Location) -> std::io::Result<()> {
    crate::stick::write_state(codex_home, RECORD, loc)
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `root` can be a stick's root as recorded: an absolute path that
/// is not the root of a whole file system or share where the system lives
/// (`/`, `C:\\`, `\\`, `\\?\\UNC\\`, empty). A record that says otherwise is
/// damaged or planted: followed, it would rewrite every absolute path of
/// `config.toml`.
pub fn plausible_root(root: &str) -> bool {
    let r = root.trim();
    let r = r
        .strip_prefix(r"\\?\UNC\")
        .map(|rest| format!(r"\\{rest}"))
        .or_else(|| r.strip_prefix(r"\\?\").map(str::to_string))
        .unwrap_or_else(|| r.to_string());
    let trimmed = r.trim_end_matches(['/', '\\']);
    if r.starts_with('/') {
        return !trimmed.is_empty();
    }
    if let Some(unc) = r.strip_prefix(r"\\").or_else(|| r.strip_prefix("//")) {
        // \\server\share at least.
        let parts: Vec<&str> = unc.split(['\\', '/']).filter(|p| !p.is_empty()).collect();
        return parts.len() >= 2;
    }
    let bytes = trimmed.as_bytes();
    match bytes {
        [d, b':', rest @ ..] if d.is_ascii_alphabetic() => {
            !rest.is_empty() || !d.eq_ignore_ascii_case(&b'c')
        }
        _ => false,
    }
}

/// Finish or drop a move a crash interrupted.
fn recover(codex_home: &Path) {
    let Some(bytes) = crate::fsx::read_capped(&journal_path(codex_home), 64 * 1024) else {
        return;
    };
    if let Ok(j) = serde_json::from_slice::<Journal>(&bytes)
        && plausible_root(&j.from)
        && plausible_root(&j.to)
    {
        let now = std::fs::read(codex_home.join("config.toml")).unwrap_or_default();
        if digest(&now) == j.after {
            let mut loc = read(codex_home);
            loc.config_root = Some(j.to);
            if write(codex_home, &loc).is_err() {
                return;
            }
        }
    }
    let _ = std::fs::remove_file(journal_path(codex_home));
}

/// Bring `config.toml`'s paths to `root` when the stick moved; the notes
/// say what changed. Nothing to do on the first run (the root is recorded)
/// or when the file does not parse (it is reported elsewhere, never
/// rewritten).
pub fn follow(
    codex_home: &Path,
    root: &Path,
    lang: crate::messages::Lang,
) -> std::io::Result<Vec<String>> {
    recover(codex_home);
    let here = root.to_string_lossy().into_owned();
    let mut loc = read(codex_home);
    let mut notes = Vec::new();
    if let Some(was) = loc.config_root.take_if(|was| !plausible_root(was)) {
        notes.push(crate::messages::fill(
            crate::messages::text(lang).location_ignored,
            &[("root", &was), ("here", &here)],
        ));
    }
    let Some(was) = loc.config_root.clone() else {
        loc.config_root = Some(here);
        write(codex_home, &loc)?;
        return Ok(notes);
    };
    let mv = Move {
        from: Root::new(&was),
        to: Root::new(&here),
    };
    if mv.from.same(&mv.to) {
        return Ok(notes);
    }
    let config = codex_home.join("config.toml");
    let before = std::fs::read(&config).unwrap_or_default();
    let Some(mut doc) = std::str::from_utf8(&before)
        .ok()
        .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok())
    else {
        return Ok(notes);
    };
    let changed = mv.rewrite(&mut doc);
    let after = doc.to_string();
    if changed > 0 {
        // The result must parse before it replaces the file.
        if after.parse::<toml_edit::DocumentMut>().is_err() {
            return Ok(notes);
        }
        let journal = Journal {
            from: was.clone(),
            to: here.clone(),
            before: digest(&before),
            after: digest(after.as_bytes()),
        };
        let json = serde_json::to_vec(&journal).map_err(std::io::Error::other)?;
        crate::fsx::write_atomic(&journal_path(codex_home), &json)?;
        crate::hooks::crash_point("relocate:journal");
        crate::fsx::write_atomic(&config, after.as_bytes())?;
        crate::hooks::crash_point("relocate:config");
    }
    loc.config_root = Some(here.clone());
    write(codex_home, &loc)?;
    crate::hooks::crash_point("relocate:record");
    let _ = std::fs::remove_file(journal_path(codex_home));
    if changed > 0 {
        notes.push(crate::messages::fill(
            crate::messages::text(lang).stick_moved,
            &[
                ("from", &was),
                ("to", &here),
                ("count", &changed.to_string()),
            ],
        ));
    }
    Ok(notes)
}

/// Remember where codex ran from; called once the launch can no longer be
/// abandoned.
pub fn seen(codex_home: &Path, root: &Path, drive: Option<&crate::stick::drive::DriveInfo>) {
    let mut loc = read(codex_home);
    loc.last_seen = Some(Seen {
        root: root.to_string_lossy().into_owned(),
        drive_letter: drive.and_then(|d| d.drive_letter),
        volume_id: drive.and_then(|d| d.volume_id.clone()),
    });
    let _ = write(codex_home, &loc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plausible_root_is_followed() {
        for good in [
            "/media/ann/STICK",
            "E:\\",
            "E:",
            "F:\\sticks\\one",
            "C:\\Users\\ann\\stick",
            "\\\\nas\\share",
            "\\\\?\\E:\\",
            "\\\\?\\UNC\\nas\\share\\x",
        ] {
            assert!(plausible_root(good), "{good}");
        }
        for bad in [
            "",
            " ",
            "/",
            "//",
            "\\",
            "\\\\",
            "\\\\?\\UNC\\",
            "\\\\server",
            "C:\\",
            "c:",
            "relative/path",
            "\\\\?\\C:\\",
        ] {
            assert!(!plausible_root(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_recorded_root_of_slash_rewrites_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("STICK/codex_home");
        std::fs::create_dir_all(home.join(".usbide")).expect("mkdir");
        let config = "[projects.\"/home/ann/repo\"]\ntrust_level = \"trusted\"\nnotify = [\"/usr/bin/notify\"]\n";
        std::fs::write(home.join("config.toml"), config).expect("config");
        std::fs::write(home.join(".usbide/location.json"), r#"{"config_root":"/"}"#)
            .expect("record");
        let notes =
            follow(&home, &dir.path().join("STICK"), crate::messages::Lang::En).expect("follow");
        assert!(
            notes.iter().any(|n| n.contains("cannot be its root")),
            "{notes:?}"
        );
        assert_eq!(
            std::fs::read_to_string(home.join("config.toml")).expect("read"),
            config
        );
        assert_eq!(
            read(&home).config_root.as_deref(),
            Some(dir.path().join("STICK").to_string_lossy().as_ref())
        );
    }

    fn home() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("codex_home");
        std::fs::create_dir_all(&home).expect("mkdir");
        (dir, home)
    }

    #[test]
    fn the_first_run_records_and_a_move_rewrites() {
        let (_d, home) = home();
        std::fs::write(
            home.join("config.toml"),
            "[projects.\"/media/a/work\"]\ntrust_level = \"trusted\"\n",
        )
        .expect("write");
        assert!(
            follow(&home, Path::new("/media/a"), crate::messages::Lang::En)
                .expect("ok")
                .is_empty()
        );
        assert_eq!(read(&home).config_root.as_deref(), Some("/media/a"));
        let notes = follow(&home, Path::new("/mnt/b"), crate::messages::Lang::En).expect("ok");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("from /media/a to /mnt/b"), "{notes:?}");
        let text = std::fs::read_to_string(home.join("config.toml")).expect("read");
        assert_eq!(
            text,
            "[projects.\"/mnt/b/work\"]\ntrust_level = \"trusted\"\n"
        );
        assert_eq!(read(&home).config_root.as_deref(), Some("/mnt/b"));
        assert!(!journal_path(&home).exists());
    }

    #[test]
    fn an_interrupted_move_is_finished_or_dropped() {
        let (_d, home) = home();
        let old = "[projects.\"/media/a/w\"]\ntrust_level = \"trusted\"\n";
        let new = "[projects.\"/mnt/b/w\"]\ntrust_level = \"trusted\"\n";
        let journal = |h: &Path| {
            std::fs::write(
                journal_path(h),
                serde_json::to_vec(&Journal {
                    from: "/media/a".into(),
                    to: "/mnt/b".into(),
                    before: digest(old.as_bytes()),
                    after: digest(new.as_bytes()),
                })
                .expect("json"),
            )
            .expect("journal")
        };
        recorded_at(&home, "/media/a");
        // Crash after the config was replaced: the move is finished.
        std::fs::write(home.join("config.toml"), new).expect("write");
        journal(&home);
        recover(&home);
        assert_eq!(read(&home).config_root.as_deref(), Some("/mnt/b"));
        // Crash before: the record stays, the journal goes.
        recorded_at(&home, "/media/a");
        std::fs::write(home.join("config.toml"), old).expect("write");
        journal(&home);
        recover(&home);
        assert_eq!(read(&home).config_root.as_deref(), Some("/media/a"));
        assert!(!journal_path(&home).exists());
        // Crash after the config was replaced, and the stick shows up at a
        // third place before any start: the journal says the paths are
        // /mnt/b's, so they reach /srv/c (without it they would stay).
        recorded_at(&home, "/media/a");
        std::fs::write(home.join("config.toml"), new).expect("write");
        journal(&home);
        let notes = follow(&home, Path::new("/srv/c"), crate::messages::Lang::En).expect("ok");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            std::fs::read_to_string(home.join("config.toml")).expect("read"),
            "[projects.\"/srv/c/w\"]\ntrust_level = \"trusted\"\n"
        );
    }

    fn recorded_at(home: &Path, root: &str) {
        write(
            home,
            &Location {
                config_root: Some(root.into()),
                last_seen: None,
            },
        )
        .expect("record");
    }

    #[test]
    fn a_broken_config_is_left_alone() {
        let (_d, home) = home();
        std::fs::write(home.join("config.toml"), "[broken\n").expect("write");
        follow(&home, Path::new("/media/a"), crate::messages::Lang::En).expect("ok");
        assert!(
            follow(&home, Path::new("/mnt/b"), crate::messages::Lang::En)
                .expect("ok")
                .is_empty()
        );
        assert_eq!(
            std::fs::read_to_string(home.join("config.toml")).expect("read"),
            "[broken\n"
        );
    }
}
