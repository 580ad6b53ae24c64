//! `codex_home/.env`: codex loads it after any filtering usbide does, so the
//! variables the filter drops are stripped from it too (atomically, keeping
//! the file's mode). The file is edited as bytes: a line usbide does not drop
//! stays byte for byte, whatever its encoding (a Latin-1 value, a CRLF end).
//! Only names are reported, never values.

use std::fs;
use std::io;
use std::path::Path;

use crate::fsx;

/// Remove the lines whose variable `drop` says to remove; return their names.
pub fn strip(path: &Path, drop: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let (kept, removed) = filter(&bytes, drop);
    if !removed.is_empty() {
        fsx::write_atomic(path, &kept)?;
    }
    Ok(removed)
}

/// The bytes without dropped assignments, and the dropped names.
pub fn filter(bytes: &[u8], drop: impl Fn(&str) -> bool) -> (Vec<u8>, Vec<String>) {
    let mut kept = Vec::with_capacity(bytes.len());
    let mut removed = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match variable_name(line) {
            Some(name) if drop(name) => removed.push(name.to_string()),
            _ => kept.extend_from_slice(line),
        }
    }
    (kept, removed)
}

/// The variable a `.env` line assigns: `NAME=...` or `export NAME=...`.
/// Names are ASCII; the value may be in any encoding.
fn variable_name(line: &[u8]) -> Option<&str> {
    let line = line.trim_ascii_start();
    if line.starts_with(b"#") {
        return None;
    }
    let line = line
        .strip_prefix(b"export ")
        .unwrap_or(line)
        .trim_ascii_start();
    let eq = line.iter().position(|&b| b == b'=')?;
    let name = line[..eq].trim_ascii_end();
    let valid = !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    // All ASCII, so this cannot fail.
    valid.then(|| std::str::from_utf8(name).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_key(name: &str) -> bool {
        name.eq_ignore_ascii_case("OPENAI_API_KEY")
    }

    #[test]
    fn drops_only_filtered_assignments() {
        let text = b"# keys\nOPENAI_API_KEY=sk-x\nexport  openai_api_key = 'y'\nHTTPS_PROXY=http://p:1\r\nOPENAI_API_KEY_NOTE=keep\n";
        let (kept, removed) = filter(text, is_key);
        assert_eq!(
            kept,
            b"# keys\nHTTPS_PROXY=http://p:1\r\nOPENAI_API_KEY_NOTE=keep\n"
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

    #[test]
    fn latin1_lines_stay_byte_for_byte() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env");
        // "GREETING=café" and a comment "# clé" in Latin-1, CRLF endings.
        let text = b"# cl\xe9\r\nGREETING=caf\xe9\r\nOPENAI_API_KEY=sk-\xff\r\nNAME=Ren\xe9e";
        fs::write(&path, text).expect("write");
        assert_eq!(strip(&path, is_key).expect("strip"), ["OPENAI_API_KEY"]);
        assert_eq!(
            fs::read(&path).expect("read"),
            b"# cl\xe9\r\nGREETING=caf\xe9\r\nNAME=Ren\xe9e"
        );
    }
}
