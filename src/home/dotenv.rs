//! `codex_home/.env`: codex loads it after any filtering usbide does, so the
//! variables the filter drops are stripped from it too (atomically, keeping
//! the file's mode). The file is edited as bytes: a line usbide does not drop
//! stays byte for byte, whatever its encoding (a Latin-1 value, a CRLF end).
//! Only names are reported, never values. What is removed is not lost: the
//! lines, byte for byte, are added to an owner-only copy beside usbide's
//! other state ([`removed_path`]), written before `.env` is.

use std::fs;
use std::io;
use std::path::Path;

use crate::fsx;

/// Where the lines removed from `codex_home/.env` are kept (owner-only).
pub fn removed_path(codex_home: &Path) -> std::path::PathBuf {
    crate::stick::state_dir(codex_home).join("env.removed")
}

/// The most the kept copy grows to; older lines go first.
const MAX_KEPT: usize = 256 * 1024;

/// Remove the lines whose variable `drop` says to remove from
/// `codex_home/.env`, after adding them to [`removed_path`]; return their
/// names.
pub fn strip(codex_home: &Path, drop: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let path = codex_home.join(".env");
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let (kept, removed, lines) = filter(&bytes, drop);
    if !removed.is_empty() {
        let copy = removed_path(codex_home);
        fs::create_dir_all(crate::stick::state_dir(codex_home))?;
        let mut all = fs::read(&copy).unwrap_or_default();
        if !all.is_empty() && !all.ends_with(b"\n") {
            all.push(b'\n');
        }
        all.extend_from_slice(&lines);
        if !all.ends_with(b"\n") {
            all.push(b'\n');
        }
        let cut = all.len().saturating_sub(MAX_KEPT);
        let start = all[cut..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |p| if cut == 0 { 0 } else { cut + p + 1 });
        fsx::write_private(&copy, &all[start..])?;
        fsx::write_atomic(&path, &kept)?;
    }
    Ok(removed)
}

/// The bytes without dropped assignments, the dropped names, and the
/// dropped lines as they were.
pub fn filter(bytes: &[u8], drop: impl Fn(&str) -> bool) -> (Vec<u8>, Vec<String>, Vec<u8>) {
    let mut kept = Vec::with_capacity(bytes.len());
    let mut removed = Vec::new();
    let mut lines = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match variable_name(line) {
            Some(name) if drop(name) => {
                removed.push(name.to_string());
                lines.extend_from_slice(line);
            }
            _ => kept.extend_from_slice(line),
        }
    }
    (kept, removed, lines)
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
        let (kept, removed, lines) = filter(text, is_key);
        assert_eq!(
            lines,
            b"OPENAI_API_KEY=sk-x\nexport  openai_api_key = 'y'\n"
        );
        assert_eq!(
            kept,
            b"# keys\nHTTPS_PROXY=http://p:1\r\nOPENAI_API_KEY_NOTE=keep\n"
        );
        assert_eq!(removed, ["OPENAI_API_KEY", "openai_api_key"]);
    }

    #[test]
    fn strip_rewrites_only_when_needed_and_keeps_what_it_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path();
        let path = home.join(".env");
        assert!(strip(home, is_key).expect("missing is fine").is_empty());
        fs::write(&path, "A=1\n").expect("write");
        assert!(strip(home, is_key).expect("nothing").is_empty());
        assert!(!removed_path(home).exists());
        fs::write(&path, "A=1\nOPENAI_API_KEY=sk-first\n").expect("write");
        assert_eq!(strip(home, is_key).expect("strip"), ["OPENAI_API_KEY"]);
        assert_eq!(fs::read_to_string(&path).expect("read"), "A=1\n");
        fs::write(&path, "OPENAI_API_KEY=sk-second").expect("write");
        strip(home, is_key).expect("strip");
        assert_eq!(
            fs::read_to_string(removed_path(home)).expect("kept"),
            "OPENAI_API_KEY=sk-first\nOPENAI_API_KEY=sk-second\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(removed_path(home))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "owner-only");
        }
    }

    #[test]
    fn latin1_lines_stay_byte_for_byte() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path();
        let path = home.join(".env");
        // "GREETING=café" and a comment "# clé" in Latin-1, CRLF endings.
        let text = b"# cl\xe9\r\nGREETING=caf\xe9\r\nOPENAI_API_KEY=sk-\xff\r\nNAME=Ren\xe9e";
        fs::write(&path, text).expect("write");
        assert_eq!(strip(home, is_key).expect("strip"), ["OPENAI_API_KEY"]);
        assert_eq!(
            fs::read(&path).expect("read"),
            b"# cl\xe9\r\nGREETING=caf\xe9\r\nNAME=Ren\xe9e"
        );
    }
}
