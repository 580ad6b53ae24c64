//! `codex_home/.env`: codex loads it after any filtering usbide does, so the
//! variables the filter drops are stripped from it too (atomically, keeping
//! every other line). Only names are reported, never values.

use std::fs;
use std::io;
use std::path::Path;

use crate::fsx;

/// Remove the lines whose variable `drop` says to remove; return their names.
pub fn strip(path: &Path, drop: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let (kept, removed) = filter(&text, drop);
    if !removed.is_empty() {
        fsx::write_atomic(path, kept.as_bytes())?;
    }
    Ok(removed)
}

/// The text without dropped assignments, and the dropped names.
pub fn filter(text: &str, drop: impl Fn(&str) -> bool) -> (String, Vec<String>) {
    let mut kept = String::with_capacity(text.len());
    let mut removed = Vec::new();
    for line in text.split_inclusive('\n') {
        match variable_name(line) {
            Some(name) if drop(name) => removed.push(name.to_string()),
            _ => kept.push_str(line),
        }
    }
    (kept, removed)
}

/// The variable a `.env` line assigns: `NAME=...` or `export NAME=...`.
fn variable_name(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.starts_with('#') {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (name, _) = line.split_once('=')?;
    let name = name.trim_end();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_key(name: &str) -> bool {
        name.eq_ignore_ascii_case("OPENAI_API_KEY")
    }

    #[test]
    fn drops_only_filtered_assignments() {
        let text = "# keys\nOPENAI_API_KEY=sk-x\nexport  openai_api_key = 'y'\nHTTPS_PROXY=http://p:1\r\nOPENAI_API_KEY_NOTE=keep\n";
        let (kept, removed) = filter(text, is_key);
        assert_eq!(
            kept,
            "# keys\nHTTPS_PROXY=http://p:1\r\nOPENAI_API_KEY_NOTE=keep\n"
        );
        assert_eq!(removed, ["OPENAI_API_KEY", "openai_api_key"]);
    }

    #[test]
    fn strip_rewrites_only_when_needed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env");
        assert!(strip(&path, is_key).expect("missing is fine").is_empty());
        fs::write(&path, "A=1\n").expect("write");
        assert!(strip(&path, is_key).expect("nothing").is_empty());
        fs::write(&path, "A=1\nOPENAI_API_KEY=2\n").expect("write");
        assert_eq!(strip(&path, is_key).expect("strip"), ["OPENAI_API_KEY"]);
        assert_eq!(fs::read_to_string(&path).expect("read"), "A=1\n");
    }
}
