//! Editing `codex_home/config.toml` without losing a byte the user wrote.
//!
//! Only the keys usbide owns change; comments, spacing, key order and every
//! unrelated table stay as they were (`toml_edit` keeps the document's
//! decor). A file that does not parse is never rewritten: the error names the
//! file, line and column. Writes are atomic and keep the previous version as
//! `config.toml.bak`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use crate::fsx;
use crate::settings::LoginMethod;

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
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path}:{line}:{column}: {message}\n\
         usbide left this file untouched and did not start codex. Fix the TOML at that line \
         (or rename the file to start from a fresh one) and run usbide again."
    )]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot write {path}: {source}; is the stick write-protected or full?")]
    Write { path: PathBuf, source: io::Error },
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Created,
    /// The keys that changed; the old file is in `config.toml.bak`.
    Updated(Vec<&'static str>),
}

/// A parse failure at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Bring `text` in line with `wanted`; `None` when nothing had to change.
pub fn edit(
    text: &str,
    wanted: &[Setting],
) -> Result<Option<(String, Vec<&'static str>)>, ParseFailure> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = line_column(text, offset);
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
    Ok((!changed.is_empty()).then(|| (doc.to_string(), changed)))
}

fn set_key(doc: &mut DocumentMut, setting: &Setting) -> bool {
    let table = doc.as_table_mut();
    match (setting.value, table.get_mut(setting.key)) {
        (None, None) => false,
        (None, Some(_)) => table.remove(setting.key).is_some(),
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
    let text = match &existing {
        Some(bytes) => String::from_utf8(bytes.clone()).map_err(|e| {
            let (line, column) = line_column(
                &String::from_utf8_lossy(bytes),
                e.utf8_error().valid_up_to(),
            );
            ConfigError::Parse {
                path: path.into(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
            }
        })?,
        None => String::new(),
    };
    let edited = edit(&text, wanted).map_err(|f| ConfigError::Parse {
        path: path.into(),
        line: f.line,
        column: f.column,
        message: f.message,
    })?;
    let write = |p: &Path, bytes: &[u8]| {
        fsx::write_atomic(p, bytes).map_err(|source| ConfigError::Write {
            path: p.into(),
            source,
        })
    };
    match (existing, edited) {
        (None, edited) => {
            let new_text = format!("{NEW_FILE_HEADER}{}", edited.map_or(text, |(t, _)| t));
            write(path, new_text.as_bytes())?;
            Ok(Outcome::Created)
        }
        (Some(_), None) => Ok(Outcome::Unchanged),
        (Some(old), Some((new_text, keys))) => {
            write(&path.with_extension("toml.bak"), &old)?;
            write(path, new_text.as_bytes())?;
            Ok(Outcome::Updated(keys))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Outcome::Updated(_)
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
}
