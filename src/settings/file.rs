//! The stick's own settings file, `<root>/usbide.toml`: what a user chose
//! once for this stick (login method, language, preflight, where downloads
//! come from). A flag or a variable wins over it; it wins over the defaults.
//!
//! Read with a size cap (a planted 1 GB file is not read whole); edited with
//! `toml_edit`, so the user's comments, order, line ends and byte order mark
//! stay; written atomically ([`crate::fsx`]).

use crate::messages::UserError;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, value};

use crate::textfile::{BOM, to_crlf, uses_crlf};

/// The settings file's name, at the stick root.
pub const FILE_NAME: &str = "usbide.toml";

/// The most of the file usbide reads.
const MAX_BYTES: u64 = 64 * 1024;

/// Every key the file may hold, with the values it accepts (none listed:
/// an http(s) URL), for `usbide config` and its errors.
pub const KEYS: &[(&str, &[&str])] = &[
    ("login_method", &["chatgpt", "api", "none"]),
    ("language", &["en", "fr"]),
    ("preflight", &["auto", "local", "off"]),
    ("npm_registry", &[]),
    ("github_api", &[]),
    ("update_channel", &["stable", "beta"]),
    ("update_check", &["on", "off"]),
    ("windows_sandbox", &["ask", "elevated", "unelevated"]),
];

/// Keys whose value is chosen for each computer: a table of host ids (see
/// [`crate::settings::host_id`]), one line per computer (`"*"`: the others),
/// or one plain value for every computer.
pub const PER_HOST: &[&str] = &["windows_sandbox"];

/// The values found in `usbide.toml` (absent keys are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StickFile {
    /// Where it was read from (`None`: no stick, or no file).
    pub path: Option<PathBuf>,
    values: Vec<(String, String)>,
    /// What in the file was ignored, to say once: a key this usbide does
    /// not know (a newer one may have written it), a value it cannot use, a
    /// file it cannot read. Never a reason to stop.
    pub problems: Vec<FileError>,
}

/// A `usbide.toml` usbide cannot use.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FileError {
    #[error("{path}: {reason}")]
    Parse { path: String, reason: String },
    #[error("{path}: larger than {max} bytes")]
    TooLarge { path: String, max: u64 },
    #[error("{path}: not UTF-8 text")]
    NotText { path: String },
    #[error("{path}: unknown key {key:?} (known: {known})")]
    UnknownKey {
        path: String,
        key: String,
        known: String,
    },
    #[error("{path}: {key} must be {wants}, not {found}")]
    BadValue {
        path: String,
        key: String,
        wants: String,
        found: String,
    },
}

impl StickFile {
    /// The file at `<root>/usbide.toml`; an absent file is empty. What it
    /// holds that cannot be used is ignored and listed in [`Self::problems`].
    pub fn load(root: &Path) -> Self {
        let path = root.join(FILE_NAME);
        let mut file = match read_capped(&path) {
            Ok(None) => return Self::default(),
            Ok(Some(text)) => Self::parse(&text, &path),
            Err(problem) => Self {
                problems: vec![problem],
                ..Self::default()
            },
        };
        file.path = Some(path);
        file
    }

    /// Parse the text of a settings file at `path` (named in problems).
    pub fn parse(text: &str, path: &Path) -> Self {
        let shown = path.display().to_string();
        let doc: DocumentMut = match text.strip_prefix(BOM).unwrap_or(text).parse() {
            Ok(doc) => doc,
            Err(e) => {
                let e: toml_edit::TomlError = e;
                return Self {
                    problems: vec![FileError::Parse {
                        path: shown,
                        reason: e.message().to_string(),
                    }],
                    ..Self::default()
                };
            }
        };
        let mut out = Self::default();
        for (key, item) in doc.as_table().iter() {
            let Some(wants) = wants(key) else {
                out.problems.push(FileError::UnknownKey {
                    path: shown.clone(),
                    key: key.to_string(),
                    known: KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
                });
                continue;
            };
            if PER_HOST.contains(&key)
                && let Some(table) = item.as_table_like()
            {
                for (host, value) in table.iter() {
                    match value.as_str() {
                        Some(text) if accepts(key, text) => {
                            out.values.push((format!("{key}.{host}"), text.to_string()));
                        }
                        other => out.problems.push(FileError::BadValue {
                            path: shown.clone(),
                            key: format!("{key}.{host}"),
                            wants: wants.clone(),
                            found: other.map_or_else(
                                || value.to_string().trim().to_string(),
                                |t| format!("{t:?}"),
                            ),
                        }),
                    }
                }
                continue;
            }
            let found = match item.as_str() {
                Some(text) if accepts(key, text) => {
                    out.values.push((key.to_string(), text.to_string()));
                    continue;
                }
                Some(text) => format!("{text:?}"),
                None => item.to_string().trim().to_string(),
            };
            out.problems.push(FileError::BadValue {
                path: shown.clone(),
                key: key.to_string(),
                wants: wants.clone(),
                found,
            });
        }
        out
    }

    /// The value of `key` for computer `host`: its own line, else the one
    /// for every computer.
    pub fn get_for_host(&self, key: &str, host: Option<&str>) -> Option<&str> {
        host.and_then(|h| self.get(&format!("{key}.{h}")))
            .or_else(|| self.get(&format!("{key}.*")))
            .or_else(|| self.get(key))
    }

    /// The value of `key`, when the file sets it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What `key` accepts, in English, or `None` for an unknown key.
pub fn wants(key: &str) -> Option<String> {
    wants_in(key, crate::messages::Lang::En)
}

/// What `key` (or a computer's line of it, `key.host`) accepts, in `lang`.
pub fn wants_in(key: &str, lang: crate::messages::Lang) -> Option<String> {
    let base = key.split_once('.').map_or(key, |(k, _)| k);
    let values = KEYS.iter().find(|(k, _)| *k == base)?.1;
    Some(match values {
        [] => crate::messages::text(lang).settings_wants_url.to_string(),
        v => crate::messages::one_of(lang, v),
    })
}

/// Whether `text` is a value `key` accepts.
pub fn accepts(key: &str, text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    match key {
        "login_method" => ["chatgpt", "api", "none"].contains(&lower.as_str()),
        "language" => ["en", "fr"].contains(&lower.as_str()),
        "preflight" => ["auto", "local", "off"].contains(&lower.as_str()),
        "npm_registry" | "github_api" => {
            lower.starts_with("https://") || lower.starts_with("http://")
        }
        "update_channel" => ["stable", "beta"].contains(&lower.as_str()),
        "update_check" => ["on", "off"].contains(&lower.as_str()),
        "windows_sandbox" => ["ask", "elevated", "unelevated"].contains(&lower.as_str()),
        _ => false,
    }
}

/// The text of `<root>/usbide.toml` with `key` set to `new` (or removed when
/// `None`), keeping everything else byte for byte; a new file starts with a
/// comment saying what it is.
pub fn edited(existing: Option<&str>, key: &str, new: Option<&str>) -> Result<String, String> {
    let existing = existing.unwrap_or(HEADER);
    let (bom, body) = match existing.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", existing),
    };
    let mut doc: DocumentMut = body
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut appended = None;
    let mut above_tables = None;
    let has_tables = doc
        .iter()
        .any(|(_, item)| item.is_table_like() && !item.is_inline_table());
    if let Some((table, host)) = key.split_once('.') {
        appended = Some(set_for_host(&mut doc, table, host, new)).filter(|t| !t.is_empty());
    } else {
        match (new, doc.get_mut(key)) {
            (Some(v), Some(item @ Item::Value(_))) => {
                let decor = item.as_value().map(|old| old.decor().clone());
                *item = value(v);
                if let (Some(decor), Some(val)) = (decor, item.as_value_mut()) {
                    *val.decor_mut() = decor;
                }
            }
            // A new key goes at the end, after the user's lines (toml_edit
            // would put it above a file's closing comments), or, when the file
            // has tables, above the first of them.
            (Some(v), _) if has_tables => {
                doc.remove(key);
                above_tables = Some(format!("{key} = {}\n\n", value(v).to_string().trim()));
            }
            (Some(v), _) => {
                doc.remove(key);
                appended = Some(format!("{key} = {}\n", value(v).to_string().trim()));
            }
            (None, _) => crate::textfile::remove_keeping_comments(&mut doc, key),
        }
    }
    let mut out = doc.to_string();
    if let Some(line) = above_tables {
        let at = out
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .chain([0])
            .filter(|&i| out[i..].trim_start_matches([' ', '\t']).starts_with('['))
            .min()
            .unwrap_or(out.len());
        out.insert_str(at, &line);
    }
    if let Some(line) = appended {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&line);
    }
    if uses_crlf(body) {
        out = to_crlf(&out);
    }
    Ok(format!("{bom}{out}"))
}

/// Set or remove computer `host`'s line in the `[table]` of per-host
/// values, as text to append when the table is new. A table left empty
/// goes; a plain value for every computer becomes the table's `"*"` line.
fn set_for_host(doc: &mut DocumentMut, table: &str, host: &str, new: Option<&str>) -> String {
    let for_all = doc.get(table).and_then(Item::as_str).map(str::to_string);
    if doc.get(table).is_some_and(|i| !i.is_table_like()) {
        crate::textfile::remove_keeping_comments(doc, table);
    }
    let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut) else {
        let mut lines: Vec<(String, String)> = Vec::new();
        if let Some(all) = for_all {
            lines.push(("*".into(), all));
        }
        if let Some(v) = new {
            lines.push((host.into(), v.into()));
        }
        if lines.is_empty() {
            return String::new();
        }
        let mut text = format!("\n[{table}]\n");
        for (k, v) in lines {
            let k = toml_edit::Key::new(k).display_repr().to_string();
            text.push_str(&format!("{k} = {}\n", value(v).to_string().trim()));
        }
        return text;
    };
    match new {
        Some(v) => {
            t.insert(host, value(v));
        }
        None => {
            t.remove(host);
        }
    }
    if t.is_empty() {
        // The comments above the table stay (a new file's header).
        let above = doc
            .get(table)
            .and_then(Item::as_table)
            .and_then(|t| t.decor().prefix())
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .trim_matches('\n')
            .to_string();
        doc.remove(table);
        if !above.is_empty() {
            let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
            doc.set_trailing(format!("{above}\n{trailing}"));
        }
    }
    String::new()
}

/// Set (`Some`) or remove (`None`) `key` in `<root>/usbide.toml`, keeping
/// the rest of the file byte for byte; written atomically, only when it
/// changes. Returns the file's path. A file usbide cannot edit whole (too
/// large, not UTF-8, not TOML) is left as it is and refused.
pub fn save(root: &Path, key: &str, new: Option<&str>) -> Result<PathBuf, SaveError> {
    let path = root.join(FILE_NAME);
    let existing = read_for_edit(root)?;
    let text = edited(existing.as_deref(), key, new).map_err(|reason| FileError::Parse {
        path: path.display().to_string(),
        reason,
    })?;
    if existing.as_deref() != Some(text.as_str()) {
        crate::fsx::write_atomic(&path, text.as_bytes()).map_err(|source| SaveError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(path)
}

/// Why [`save`] did not change the file.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl UserError for SaveError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        match self {
            Self::File(e) => e.message(lang),
            Self::Write { path, .. } => {
                crate::messages::about(crate::messages::text(lang).cannot_write, path)
            }
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::HOME
    }
}

/// The first lines of a new `usbide.toml`.
const HEADER: &str = "# usbide's settings for this stick (`usbide config` shows and changes them).\n\
# A command-line flag or an environment variable wins over this file.\n";

/// The file's text (`None`: no file), never more than [`MAX_BYTES`] read:
/// a larger file, or one that is not UTF-8, is refused whole, never cut or
/// mended (an edit would then lose what was cut).
fn read_capped(path: &Path) -> Result<Option<String>, FileError> {
    use std::io::Read;
    let shown = || path.display().to_string();
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    if file.take(MAX_BYTES + 1).read_to_end(&mut bytes).is_err() {
        return Ok(None);
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(FileError::TooLarge {
            path: shown(),
            max: MAX_BYTES,
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| FileError::NotText { path: shown() })
}

/// The current text of the file for an edit (`None`: no file yet); a file
/// usbide cannot edit whole is refused.
pub fn read_for_edit(root: &Path) -> Result<Option<String>, FileError> {
    read_capped(&root.join(FILE_NAME))
}

impl crate::messages::UserError for FileError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::Parse { path, reason } => crate::messages::fill(
                t.settings_not_toml,
                &[
                    ("path", path),
                    ("reason", &crate::messages::quote(lang, reason)),
                ],
            ),
            Self::TooLarge { path, max } => crate::messages::fill(
                t.settings_too_large,
                &[("path", path), ("max", &max.to_string())],
            ),
            Self::NotText { path } => crate::messages::fill(t.settings_not_text, &[("path", path)]),
            Self::UnknownKey { path, key, known } => format!(
                "{path}{}{}",
                t.colon,
                crate::messages::fill(t.config_unknown_key, &[("key", key), ("known", known)])
            ),
            Self::BadValue {
                path,
                key,
                wants,
                found,
            } => format!(
                "{path}{}{}",
                t.colon,
                crate::messages::fill(
                    t.settings_bad_value,
                    &[
                        ("key", key),
                        (
                            "wants",
                            &wants_in(key, lang).unwrap_or_else(|| wants.clone())
                        ),
                        ("value", found),
                    ]
                )
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

    fn parse(text: &str) -> Result<StickFile, FileError> {
        let mut file = StickFile::parse(text, Path::new("usbide.toml"));
        match file.problems.pop() {
            Some(problem) => Err(problem),
            None => Ok(file),
        }
    }

    #[test]
    fn known_keys_are_read() {
        let f = parse("# mine\nlogin_method = \"api\"\nlanguage = \"fr\"\n").expect("parses");
        assert_eq!(f.get("login_method"), Some("api"));
        assert_eq!(f.get("language"), Some("fr"));
        assert_eq!(f.get("preflight"), None);
    }

    #[test]
    fn a_choice_per_computer_is_read_and_edited_in_its_table() {
        let f = parse(
            "language = \"fr\"\n\n[windows_sandbox]\nabc = \"elevated\"\n\"*\" = \"unelevated\"\n",
        )
        .expect("parses");
        assert_eq!(
            f.get_for_host("windows_sandbox", Some("abc")),
            Some("elevated")
        );
        assert_eq!(
            f.get_for_host("windows_sandbox", Some("def")),
            Some("unelevated")
        );
        let all = parse("windows_sandbox = \"unelevated\"\n").expect("parses");
        assert_eq!(
            all.get_for_host("windows_sandbox", Some("abc")),
            Some("unelevated")
        );
        let err = parse("[windows_sandbox]\nabc = \"admin\"\n").expect_err("bad");
        assert!(
            err.to_string().contains("windows_sandbox.abc must be"),
            "{err}"
        );
        // A new computer's line goes into a table at the end, a new plain
        // key above it, and an emptied table goes with its lines only.
        let text = edited(
            Some("# mine\r\nlanguage = \"fr\"\r\n"),
            "windows_sandbox.abc",
            Some("elevated"),
        )
        .expect("edits");
        assert_eq!(
            text,
            "# mine\r\nlanguage = \"fr\"\r\n\r\n[windows_sandbox]\r\nabc = \"elevated\"\r\n"
        );
        let text = edited(Some(&text), "preflight", Some("off")).expect("edits");
        assert!(
            text.contains("preflight = \"off\"\r\n\r\n[windows_sandbox]"),
            "{text:?}"
        );
        let text = edited(Some(&text), "windows_sandbox.abc", None).expect("edits");
        let f = parse(&text).expect("parses");
        assert_eq!(
            (f.get("language"), f.get("preflight")),
            (Some("fr"), Some("off"))
        );
        assert!(
            !text.contains("windows_sandbox") && !text.contains("\r\n\r\n\r\n"),
            "{text:?}"
        );
        // A value for every computer stays the others' when one chooses.
        let text = edited(
            Some("windows_sandbox = \"unelevated\"\n"),
            "windows_sandbox.abc",
            Some("elevated"),
        )
        .expect("edits");
        let f = parse(&text).expect("parses");
        assert_eq!(
            f.get_for_host("windows_sandbox", Some("abc")),
            Some("elevated")
        );
        assert_eq!(
            f.get_for_host("windows_sandbox", Some("zzz")),
            Some("unelevated")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let err = parse("login = \"api\"\n").expect_err("unknown");
        assert!(err.to_string().contains("unknown key \"login\""), "{err}");
        let err = parse("login_method = \"sso\"\n").expect_err("bad");
        assert!(
            err.to_string()
                .contains("login_method must be chatgpt, api or none, not \"sso\""),
            "{err}"
        );
        let err = parse("language = 3\n").expect_err("not a string");
        assert!(
            err.to_string().contains("language must be en or fr"),
            "{err}"
        );
        assert!(matches!(parse("= broken"), Err(FileError::Parse { .. })));
    }

    #[test]
    fn what_cannot_be_used_is_ignored_never_fatal() {
        let file = StickFile::parse(
            "newer_key = \"x\"\nlanguage = \"fr\"\nlogin_method = \"sso\"\n",
            Path::new("usbide.toml"),
        );
        assert_eq!(file.get("language"), Some("fr"));
        assert_eq!(file.get("login_method"), None);
        assert_eq!(file.problems.len(), 2, "{:?}", file.problems);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, format!("language = \"fr\"\n{}", "#".repeat(70_000))).expect("big");
        let big = StickFile::load(dir.path());
        assert_eq!(big.get("language"), None);
        assert!(matches!(big.problems[..], [FileError::TooLarge { .. }]));
        assert!(read_for_edit(dir.path()).is_err());
        std::fs::write(&path, b"language = \"fr\" # caf\xe9\n").expect("latin-1");
        assert!(matches!(
            StickFile::load(dir.path()).problems[..],
            [FileError::NotText { .. }]
        ));
        assert!(read_for_edit(dir.path()).is_err());
    }

    #[test]
    fn an_edit_keeps_comments_line_ends_and_the_byte_order_mark() {
        let mine = "\u{feff}# my stick\r\nlanguage = \"fr\" # French please\r\n";
        let out = edited(Some(mine), "login_method", Some("api")).expect("edit");
        assert!(
            out.starts_with("\u{feff}# my stick\r\nlanguage = \"fr\" # French please\r\n"),
            "{out:?}"
        );
        assert!(out.ends_with("login_method = \"api\"\r\n"), "{out:?}");
        let out = edited(Some(&out), "language", Some("en")).expect("edit");
        assert!(
            out.contains("language = \"en\" # French please\r\n"),
            "{out:?}"
        );
        let out = edited(Some(&out), "language", None).expect("edit");
        assert!(!out.contains("language"), "{out:?}");
        assert!(out.starts_with("\u{feff}# my stick\r\n"), "{out:?}");
    }

    #[test]
    fn a_new_file_says_what_it_is() {
        let out = edited(None, "preflight", Some("local")).expect("edit");
        assert!(out.starts_with("# usbide's settings"), "{out}");
        assert_eq!(parse(&out).expect("parses").get("preflight"), Some("local"));
    }
}
