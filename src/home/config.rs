//! Editing `codex_home/config.toml` without losing a byte the user wrote.
//!
//! Only the keys usbide owns change; comments, spacing, key order and every
//! unrelated table stay as they were (`toml_edit` keeps the document's
//! decor, and comments above a removed key move to what follows it), and a
//! byte-order mark and CRLF line ends stay. A file that does not parse is
//! never rewritten: the error names the file, line and column. A read-only
//! file is left alone (codex still gets the keys as `-c` overrides). Writes
//! are atomic, go through a symlink to its target, keep the mode, and keep
//! the previous version as `config.toml.bak` (older good ones as `.bak.1`,
//! `.bak.2`); a backup is never replaced by an empty or cut-off file.

use crate::messages::UserError as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::textfile::{BOM, to_crlf, uses_crlf};
use toml_edit::{DocumentMut, Item, Value};

use crate::fsx;

/// A key usbide owns and the value it must have (`None`: must be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    pub value: Option<Wanted>,
}

/// The value types usbide writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Str(&'static str),
    Bool(bool),
}

impl Wanted {
    fn to_value(self) -> Value {
        match self {
            Self::Str(s) => Value::from(s),
            Self::Bool(b) => Value::from(b),
        }
    }

    fn matches(self, item: &Item) -> bool {
        match self {
            Self::Str(s) => item.as_str() == Some(s),
            Self::Bool(b) => item.as_bool() == Some(b),
        }
    }

    /// The TOML literal, as `-c key=<literal>` wants it.
    fn literal(self) -> String {
        self.to_value().to_string().trim().to_string()
    }
}

/// The keys usbide enforces for a login method.
pub fn desired(login: LoginMethod) -> Vec<Setting> {
    vec![
        Setting {
            key: "forced_login_method",
            value: login.config_value().map(Wanted::Str),
        },
        Setting {
            key: "cli_auth_credentials_store",
            value: Some(Wanted::Str("file")),
        },
        Setting {
            key: "check_for_update_on_startup",
            value: Some(Wanted::Bool(false)),
        },
    ]
}

/// The same values as `-c key=value` arguments for every codex call: a
/// trusted project's `.codex/config.toml` could otherwise override them.
pub fn cli_overrides(settings: &[Setting]) -> Vec<String> {
    settings
        .iter()
        .filter_map(|s| {
            s.value
                .map(|v| ["-c".to_string(), format!("{}={}", s.key, v.literal())])
        })
        .flatten()
        .collect()
}

/// Why the config could not be brought in line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    Read { path: PathBuf, source: io::Error },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// A backup that parses, to copy back.
        good_backup: Option<PathBuf>,
    },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Write { path: PathBuf, source: io::Error },
}

/// A parse failure at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Bring `text` in line with `wanted`; `None` when nothing had to change.
/// A byte-order mark and CRLF line endings are kept.
pub fn edit(
    text: &str,
    wanted: &[Setting],
) -> Result<Option<(String, Vec<&'static str>)>, ParseFailure> {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    // One byte-order mark may start the file; a second one is text codex
    // refuses (the TOML parser here would skip it, and usbide would write
    // back a file that parses where codex's did not).
    if body.starts_with(BOM) {
        return Err(ParseFailure {
            line: 1,
            column: 1,
            message: "a second byte-order mark (U+FEFF) at the start of the file".into(),
        });
    }
    let mut doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = line_column(body, offset);
        ParseFailure {
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let mut changed = Vec::new();
    for setting in wanted {
        if set_key(&mut doc, setting) {
            changed.push(setting.key);
        }
    }
    if changed.is_empty() {
        return Ok(None);
    }
    let mut out = doc.to_string();
    if uses_crlf(body) {
        out = to_crlf(&out);
    }
    Ok(Some((format!("{bom}{out}"), changed)))
}

fn set_key(doc: &mut DocumentMut, setting: &Setting) -> bool {
    let table = doc.as_table_mut();
    match (setting.value, table.get_mut(setting.key)) {
        (None, None) => false,
        (None, Some(_)) => {
            crate::textfile::remove_keeping_comments(doc, setting.key);
            true
        }
        (Some(want), Some(item)) if want.matches(item) => false,
        (Some(want), Some(item)) => {
            let mut value = want.to_value();
            if let Some(old) = item.as_value() {
                // Keep the spacing and a trailing `# comment` of the old value.
                *value.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(value);
            true
        }
        (Some(want), None) => {
            table.insert(setting.key, Item::Value(want.to_value()));
            true
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The login method written to `forced_login_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// `forced_login_method = "chatgpt"` (the default).
    Chatgpt,
    /// `forced_login_method = "api"`.
    Api,
    /// No forced method: the key is removed.
    None,
}

impl LoginMethod {
    /// The config value, or `None` when the key must be absent.
    pub fn config_value(self) -> Option<&'static str> {
        match self {
            Self::Chatgpt => Some("chatgpt"),
            Self::Api => Some("api"),
            Self::None => None,
        }
    }

    /// `chatgpt`, `api` or `none`, in any case.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "chatgpt" => Some(Self::Chatgpt),
            "api" => Some(Self::Api),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Created,
    /// The keys that changed, and where the previous version is.
    Updated {
        keys: Vec<&'static str>,
        backup: Backup,
    },
    /// The file is read-only: left as it is. The keys still reach codex as
    /// `-c` overrides; these are the ones the file disagrees with.
    ReadOnly(Vec<&'static str>),
}

/// Where the previous config is after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backup {
    /// The file just replaced is in this backup.
    Saved(PathBuf),
    /// The file just replaced looked damaged (empty, or a cut-off copy of the
    /// backup): the last good version was kept here instead.
    KeptGood(PathBuf),
}

/// How many backups are kept: `config.toml.bak`, `.bak.1`, `.bak.2`.
const GENERATIONS: usize = 3;

/// `config.toml.bak` (generation 0), `config.toml.bak.1`, ...
pub fn backup_path(path: &Path, generation: usize) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    if generation > 0 {
        name.push(format!(".{generation}"));
    }
    path.with_file_name(name)
}

/// Whether `bytes` is a config.toml worth keeping as a backup.
fn parses(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| {
        let body = t.strip_prefix(BOM).unwrap_or(t);
        !body.starts_with(BOM) && body.parse::<DocumentMut>().is_ok()
    })
}

/// A file that would be a worse backup than `good`: empty, or a cut-off
/// beginning of it (a stick pulled mid-write, FAT damage).
fn looks_damaged(old: &[u8], good: &[u8]) -> bool {
    let blank = |b: &[u8]| b.iter().all(|c| c.is_ascii_whitespace());
    (blank(old) && !blank(good)) || (old.len() < good.len() && good.starts_with(old))
}

/// Keep `old` (the config about to be replaced) as `config.toml.bak`,
/// shifting older good backups down a generation; never replace a good
/// backup with a damaged file.
fn back_up(path: &Path, old: &[u8]) -> Result<Backup, ConfigError> {
    let newest = backup_path(path, 0);
    let current = fs::read(&newest).ok().filter(|b| parses(b));
    if let Some(good) = &current {
        if good == old {
            return Ok(Backup::Saved(newest));
        }
        if looks_damaged(old, good) {
            return Ok(Backup::KeptGood(newest));
        }
        for generation in (1..GENERATIONS).rev() {
            let from = backup_path(path, generation - 1);
            if from.exists() {
                fsx::rename_with_retry(&from, &backup_path(path, generation)).map_err(
                    |source| ConfigError::Write {
                        path: from.clone(),
                        source,
                    },
                )?;
            }
        }
    }
    fsx::write_atomic_like(&newest, old, path).map_err(|source| ConfigError::Write {
        path: newest.clone(),
        source,
    })?;
    Ok(Backup::Saved(newest))
}

/// The header of a config.toml that usbide creates from nothing.
const NEW_FILE_HEADER: &str = "\
# Codex configuration for this stick (CODEX_HOME). usbide keeps the keys
# below in force on every launch; everything else here is yours to edit.

";

/// Read, edit and atomically rewrite `path` when something must change.
pub fn apply(path: &Path, wanted: &[Setting]) -> Result<Outcome, ConfigError> {
    let existing = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.into(),
                source,
            });
        }
    };
    let parse_error = |line, column, message| ConfigError::Parse {
        path: path.into(),
        line,
        column,
        message,
        good_backup: (0..GENERATIONS)
            .map(|g| backup_path(path, g))
            .find(|b| fs::read(b).is_ok_and(|bytes| parses(&bytes))),
    };
    let text = match &existing {
        Some(bytes) => std::str::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_column(&String::from_utf8_lossy(bytes), e.valid_up_to());
            parse_error(line, column, "the file is not UTF-8 text".to_string())
        })?,
        None => "",
    };
    let edited = edit(text, wanted).map_err(|f| parse_error(f.line, f.column, f.message))?;
    let write = |p: &Path, bytes: &[u8]| {
        fsx::write_atomic(p, bytes).map_err(|source| ConfigError::Write {
            path: p.into(),
            source,
        })
    };
    match (existing, edited) {
        (None, edited) => {
            let new_text = format!(
                "{NEW_FILE_HEADER}{}",
                edited.map_or(String::new(), |(t, _)| t)
            );
            write(path, new_text.as_bytes())?;
            Ok(Outcome::Created)
        }
        (Some(_), None) => Ok(Outcome::Unchanged),
        (Some(_), Some((_, keys))) if read_only(path) => Ok(Outcome::ReadOnly(keys)),
        (Some(old), Some((new_text, keys))) => {
            let backup = back_up(path, &old)?;
            write(path, new_text.as_bytes())?;
            Ok(Outcome::Updated { keys, backup })
        }
    }
}

/// Whether the file (through any link) is marked read-only.
fn read_only(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}

impl crate::messages::UserError for ConfigError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Read { path: p, source } => crate::messages::fill(
                t.config_read,
                &[
                    ("path", &crate::messages::shown_path(p)),
                    ("error", &source.to_string()),
                ],
            ),
            Self::Parse {
                path: p,
                line,
                column,
                message,
                good_backup,
            } => {
                let backup = good_backup.as_deref().map_or(String::new(), |b| {
                    crate::messages::fill(
                        t.config_good_backup,
                        &[("path", &crate::messages::shown_path(b))],
                    )
                });
                let place = format!("{}:{line}:{column}", crate::messages::shown_path(p));
                crate::messages::fill(
                    t.config_parse,
                    &[("place", &place), ("message", message), ("backup", &backup)],
                )
            }
            Self::Write { path: p, source } => crate::messages::fill(
                t.config_write,
                &[
                    ("path", &crate::messages::shown_path(p)),
                    ("error", &source.to_string()),
                ],
            ),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::HOME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_byte_order_marks_are_refused_not_rewritten() {
        let text = "\u{feff}\u{feff}model = \"x\"\n";
        let err = edit(text, &desired(LoginMethod::Chatgpt)).expect_err("two BOMs");
        assert_eq!((err.line, err.column), (1, 1), "{err:?}");
        assert!(!parses(text.as_bytes()));
        assert!(parses("\u{feff}model = \"x\"\n".as_bytes()));
    }

    const HAND_WRITTEN: &str = r#"# my codex settings
model   =    "gpt-5"   # favourite

forced_login_method = "api"  # set by hand

[profiles.work]
  model = 'o3'   # keep

# trailing comment
[projects.'E:\work\repo']
trust_level = "trusted"
"#;

    #[test]
    fn only_owned_keys_change() {
        let (out, keys) = edit(HAND_WRITTEN, &desired(LoginMethod::Chatgpt))
            .expect("parses")
            .expect("changes");
        assert_eq!(
            keys,
            [
                "forced_login_method",
                "cli_auth_credentials_store",
                "check_for_update_on_startup"
            ]
        );
        let expected = HAND_WRITTEN.replace(
            "forced_login_method = \"api\"  # set by hand\n",
            "forced_login_method = \"chatgpt\"  # set by hand\n\
                 cli_auth_credentials_store = \"file\"\n\
                 check_for_update_on_startup = false\n",
        );
        assert!(out.contains("[profiles.work]\n  model = 'o3'   # keep\n"));
        assert_eq!(out, expected);
    }

    #[test]
    fn a_second_edit_changes_nothing() {
        let (once, _) = edit(HAND_WRITTEN, &desired(LoginMethod::Chatgpt))
            .expect("parses")
            .expect("changes");
        assert_eq!(
            edit(&once, &desired(LoginMethod::Chatgpt)).expect("parses"),
            None
        );
    }

    #[test]
    fn login_method_none_removes_the_key() {
        let (out, keys) = edit(HAND_WRITTEN, &desired(LoginMethod::None))
            .expect("parses")
            .expect("changes");
        assert!(keys.contains(&"forced_login_method"));
        assert!(!out.contains("forced_login_method"));
        assert!(out.contains("[profiles.work]\n  model = 'o3'   # keep\n"));
    }

    #[test]
    fn invalid_toml_names_line_and_column() {
        let err = edit("a = 1\nb = = 2\n", &desired(LoginMethod::Chatgpt)).expect_err("invalid");
        assert_eq!((err.line, err.column), (2, 5));
        let dup = edit("x = 1\n\nx = 2\n", &desired(LoginMethod::Chatgpt)).expect_err("duplicate");
        assert_eq!(dup.line, 3);
        assert!(dup.message.contains("duplicate"), "{}", dup.message);
    }

    #[test]
    fn overrides_are_toml_literals() {
        assert_eq!(
            cli_overrides(&desired(LoginMethod::Chatgpt)),
            [
                "-c",
                "forced_login_method=\"chatgpt\"",
                "-c",
                "cli_auth_credentials_store=\"file\"",
                "-c",
                "check_for_update_on_startup=false"
            ]
        );
        assert_eq!(cli_overrides(&desired(LoginMethod::None)).len(), 4);
    }

    #[test]
    fn apply_creates_updates_and_backs_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        assert_eq!(
            apply(&path, &desired(LoginMethod::Chatgpt)).expect("create"),
            Outcome::Created
        );
        let created = fs::read_to_string(&path).expect("read");
        assert!(created.starts_with(NEW_FILE_HEADER), "{created}");
        assert!(
            created.ends_with("check_for_update_on_startup = false\n"),
            "{created}"
        );
        assert_eq!(
            apply(&path, &desired(LoginMethod::Chatgpt)).expect("again"),
            Outcome::Unchanged
        );
        let before = fs::read(&path).expect("read");
        assert!(matches!(
            apply(&path, &desired(LoginMethod::Api)).expect("update"),
            Outcome::Updated { .. }
        ));
        assert_eq!(
            fs::read(dir.path().join("config.toml.bak")).expect("bak"),
            before
        );
    }

    #[test]
    fn a_broken_file_is_never_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        fs::write(&path, "model = \"x\n").expect("write");
        let err = apply(&path, &desired(LoginMethod::Chatgpt)).expect_err("broken");
        assert!(err.to_string().contains("config.toml:1:"), "{err}");
        assert_eq!(fs::read_to_string(&path).expect("read"), "model = \"x\n");
        assert!(!dir.path().join("config.toml.bak").exists());
    }

    #[test]
    fn comments_above_a_removed_key_stay() {
        let text = "model = \"x\"\n\n# Company rule: ChatGPT only.\n# Ask IT before changing.\nforced_login_method = \"chatgpt\"\nmodel_reasoning = \"high\"\n";
        let (out, _) = edit(text, &desired(LoginMethod::None))
            .expect("parses")
            .expect("changes");
        assert!(
            out.starts_with("model = \"x\"\n\n# Company rule: ChatGPT only.\n# Ask IT before changing.\nmodel_reasoning = \"high\"\n"),
            "{out}"
        );
        // The last top-level key: its comments go before the first table.
        let text = "# rule\nforced_login_method = \"api\"\n\n[profiles.x]\nmodel = \"o3\"\n";
        let (out, _) = edit(text, &desired(LoginMethod::None))
            .expect("parses")
            .expect("changes");
        assert!(out.contains("# rule\n"), "{out}");
        assert!(out.find("# rule").expect("kept") < out.find("[profiles.x]").expect("table"));
        // The only key: its comments stay, after the keys usbide adds.
        let (out, _) = edit(
            "# rule\nforced_login_method = \"api\"\n",
            &desired(LoginMethod::None),
        )
        .expect("parses")
        .expect("changes");
        assert!(out.ends_with("\n# rule\n"), "{out}");
    }

    #[test]
    fn crlf_and_a_byte_order_mark_are_kept() {
        let text = "\u{feff}# mine\r\nmodel = \"x\"\r\n\r\n[t]\r\na = 1\r\n";
        let (out, _) = edit(text, &desired(LoginMethod::Chatgpt))
            .expect("parses")
            .expect("changes");
        assert!(
            out.starts_with("\u{feff}# mine\r\nmodel = \"x\"\r\n"),
            "{out:?}"
        );
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert_eq!(
            edit(&out, &desired(LoginMethod::Chatgpt)).expect("parses"),
            None
        );
    }

    fn updated(path: &Path, login: LoginMethod) -> Backup {
        match apply(path, &desired(login)).expect("apply") {
            Outcome::Updated { backup, .. } => backup,
            other => panic!("not updated: {other:?}"),
        }
    }

    #[test]
    fn an_empty_or_cut_off_file_never_replaces_a_good_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        let good = "model = \"gpt-5\"\n[profiles.work]\nmodel = \"o3\"\n";
        fs::write(&path, good).expect("write");
        updated(&path, LoginMethod::Chatgpt);
        let bak = backup_path(&path, 0);
        assert_eq!(fs::read_to_string(&bak).expect("bak"), good);
        // The stick was pulled mid-write: an empty config.toml.
        fs::write(&path, "").expect("empty");
        assert_eq!(
            updated(&path, LoginMethod::Chatgpt),
            Backup::KeptGood(bak.clone())
        );
        assert_eq!(fs::read_to_string(&bak).expect("bak"), good);
        // Cut off after the first line (it still parses).
        fs::write(&path, "model = \"gpt-5\"\n").expect("cut");
        assert_eq!(
            updated(&path, LoginMethod::Chatgpt),
            Backup::KeptGood(bak.clone())
        );
        assert_eq!(fs::read_to_string(&bak).expect("bak"), good);
    }

    #[test]
    fn older_good_versions_move_down_a_generation() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        for (i, login) in [
            LoginMethod::Chatgpt,
            LoginMethod::Api,
            LoginMethod::Chatgpt,
            LoginMethod::Api,
        ]
        .into_iter()
        .enumerate()
        {
            fs::write(&path, format!("model = \"m{i}\"\n")).expect("write");
            assert_eq!(updated(&path, login), Backup::Saved(backup_path(&path, 0)));
        }
        let read = |g| fs::read_to_string(backup_path(&path, g)).expect("generation");
        assert_eq!(read(0), "model = \"m3\"\n");
        assert_eq!(read(1), "model = \"m2\"\n");
        assert_eq!(read(2), "model = \"m1\"\n");
        assert!(!backup_path(&path, 3).exists());
    }

    #[test]
    fn a_read_only_file_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        fs::write(&path, "model = \"x\"\n").expect("write");
        let mut perms = fs::metadata(&path).expect("meta").permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).expect("chmod");
        assert_eq!(
            apply(&path, &desired(LoginMethod::Chatgpt)).expect("apply"),
            Outcome::ReadOnly(vec![
                "forced_login_method",
                "cli_auth_credentials_store",
                "check_for_update_on_startup"
            ])
        );
        assert_eq!(fs::read_to_string(&path).expect("read"), "model = \"x\"\n");
        assert!(!backup_path(&path, 0).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_private_config_stays_a_private_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("codex.toml");
        fs::write(&real, "model = \"x\"\n").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink("codex.toml", &path).expect("link");
        updated(&path, LoginMethod::Chatgpt);
        assert!(
            fs::symlink_metadata(&path)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(&real)
                .expect("read")
                .contains("forced_login_method")
        );
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&real), 0o600);
        assert_eq!(mode(&backup_path(&path, 0)), 0o600);
    }
}

#[cfg(test)]
mod properties {
    //! Arbitrary valid documents keep every byte outside the keys usbide owns.
    use proptest::prelude::*;

    use super::*;

    const OWNED: [&str; 3] = [
        "forced_login_method",
        "cli_auth_credentials_store",
        "check_for_update_on_startup",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 #=é]{0,10}".prop_map(|s| format!("\"{s}\"")),
            "[a-z#= ]{0,6}".prop_map(|s| format!("'{s}'")),
            any::<i32>().prop_map(|n| n.to_string()),
            any::<bool>().prop_map(|b| b.to_string()),
            Just("[1, 2,  3, ]".to_string()),
            Just("{ a = 1, b = \"x\" }".to_string()),
            Just("\"\"\"\nmulti = 1\n# not a comment\n\"\"\"".to_string()),
            Just("1979-05-27T07:32:00Z".to_string()),
        ]
    }

    fn owned_value(key: &'static str) -> &'static str {
        match key {
            "forced_login_method" => "\"api\"",
            "cli_auth_credentials_store" => "\"keyring\"",
            _ => "true",
        }
    }

    /// One line of a table body (without its end of line).
    fn line(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
        let indent = prop_oneof![Just(""), Just("  "), Just("\t")];
        let comment = prop_oneof![Just(String::new()), "  # [a-z =]{0,8}".prop_map(|s| s)];
        prop_oneof![
            "# [a-zA-Z =\\[\\]é]{0,12}".prop_map(|s| s),
            Just(String::new()),
            (indent, prop::sample::select(keys), value(), comment)
                .prop_map(|(i, k, v, c)| format!("{i}{k} = {v}{c}")),
        ]
    }

    /// A document: top-level lines (maybe the owned keys), then tables.
    fn document() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
        const ROOT: &[&str] = &[
            "model",
            "k1",
            "k2",
            "forced_login_method",
            "cli_auth_credentials_store",
            "check_for_update_on_startup",
        ];
        const INNER: &[&str] = &["model", "k1", "forced_login_method"];
        (
            prop::collection::vec(line(ROOT), 0..12),
            prop::collection::vec(prop::collection::vec(line(INNER), 0..5), 0..3),
        )
    }

    /// Render with unique keys per table and the owned keys' own values.
    fn render(root: &[String], tables: &[Vec<String>], eol: &str) -> String {
        let mut out = String::new();
        let body = |lines: &[String], out: &mut String| {
            let mut seen = Vec::new();
            for l in lines {
                let mut l = l.clone();
                if let Some((k, _)) = l.split_once(" = ")
                    && !l.trim_start().starts_with('#')
                {
                    let k = k.trim().to_string();
                    if seen.contains(&k) {
                        continue;
                    }
                    if let Some(owned) = OWNED.iter().find(|o| **o == k) {
                        l = format!("{k} = {}", owned_value(owned));
                    }
                    seen.push(k);
                }
                out.push_str(&l.replace('\n', eol));
                out.push_str(eol);
            }
        };
        body(root, &mut out);
        for (i, t) in tables.iter().enumerate() {
            out.push_str(&format!("[table{i}]{eol}"));
            body(t, &mut out);
        }
        out
    }

    /// The text without the lines of owned top-level keys.
    fn outside_owned(text: &str) -> String {
        let mut in_root = true;
        text.trim_start_matches(BOM)
            .split_inclusive('\n')
            .filter(|l| {
                let t = l.trim_start();
                if t.starts_with('[') {
                    in_root = false;
                }
                !(in_root
                    && OWNED.iter().any(|k| {
                        t.strip_prefix(k)
                            .is_some_and(|r| r.trim_start().starts_with('='))
                    }))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn every_byte_outside_the_owned_keys_stays(
            (root, tables) in document(),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            method in prop::sample::select(vec![LoginMethod::Chatgpt, LoginMethod::Api, LoginMethod::None]),
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let input = format!("{}{}", if bom { BOM } else { "" }, render(&root, &tables, eol));
            prop_assume!(input.trim_start_matches(BOM).parse::<DocumentMut>().is_ok());
            let wanted = desired(method);
            let output = match edit(&input, &wanted).expect("a valid document edits") {
                Some((text, _)) => text,
                None => input.clone(),
            };
            prop_assert_eq!(outside_owned(&output), outside_owned(&input));
            prop_assert_eq!(output.starts_with(BOM), bom);
            if input.contains("\r\n") {
                prop_assert!(!output.replace("\r\n", "").contains('\n'), "{output:?}");
            }
            prop_assert_eq!(edit(&output, &wanted).expect("parses"), None);
        }
    }
}
