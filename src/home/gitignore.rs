//! `codex_home/.gitignore`: keep the files that hold tokens or private history
//! out of any git repository the stick ends up in. The merge only appends,
//! and works on bytes: a user's line is never dropped, reordered or
//! re-encoded (a Latin-1 file name stays Latin-1).

/// Patterns that must be ignored.
pub const REQUIRED: &[&str] = &[
    "auth.json",
    "auth.json.*",
    "*.lock",
    ".env",
    "sessions/",
    "archived_sessions/",
    "log/",
    "*.sqlite",
    "*.sqlite-*",
    "history.jsonl",
    "shell_snapshots/",
    "tmp/",
    ".tmp/",
    "*.bak",
    "*.bak.*",
    "*.usbide-tmp",
    ".usbide/",
];

const HEADER: &str =
    "# usbide: files that hold tokens (auth.json is a password) or private history";

/// The merged file, or `None` when every required pattern is already in force.
pub fn merge(existing: &[u8]) -> Option<(Vec<u8>, Vec<&'static str>)> {
    let lines: Vec<&[u8]> = existing
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .collect();
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|p| !in_force(&lines, p.as_bytes()))
        .collect();
    if missing.is_empty() {
        return None;
    }
    // New lines end like the file's own lines do.
    let eol: &[u8] = if existing.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut out = existing.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(eol);
    }
    if !lines.contains(&HEADER.as_bytes()) {
        if !out.is_empty() {
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(HEADER.as_bytes());
        out.extend_from_slice(eol);
    }
    for p in &missing {
        out.extend_from_slice(p.as_bytes());
        out.extend_from_slice(eol);
    }
    Some((out, missing))
}

/// Whether the last line naming `pattern` (plain, `/`-anchored or negated)
/// ignores it. A later `!auth.json` would undo an earlier `auth.json`.
fn in_force(lines: &[&[u8]], pattern: &[u8]) -> bool {
    lines
        .iter()
        .rev()
        .find_map(|line| {
            let (negated, rest) = match line.strip_prefix(b"!") {
                Some(r) => (true, r),
                None => (false, *line),
            };
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            (rest == pattern).then_some(!negated)
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gets_every_pattern() {
        let (out, added) = merge(b"").expect("changes");
        assert_eq!(added, REQUIRED);
        assert!(out.starts_with(HEADER.as_bytes()));
        assert!(out.split(|&b| b == b'\n').any(|l| l == b"auth.json"));
    }

    #[test]
    fn user_lines_stay_in_place() {
        let user = b"# mine\nnotes.txt\n/auth.json\n*.sqlite";
        let (out, added) = merge(user).expect("changes");
        assert!(out.starts_with(b"# mine\nnotes.txt\n/auth.json\n*.sqlite\n"));
        assert!(!added.contains(&"auth.json"));
        assert!(!added.contains(&"*.sqlite"));
        assert!(added.contains(&"sessions/"));
    }

    #[test]
    fn a_negation_is_overridden_after_it() {
        let (out, added) = merge(b"auth.json\n!auth.json\n").expect("changes");
        assert!(added.contains(&"auth.json"));
        assert!(out.starts_with(b"auth.json\n!auth.json\n"));
        let count = out
            .split(|&b| b == b'\n')
            .filter(|l| *l == b"auth.json")
            .count();
        assert_eq!(count, 2);
    }

    #[test]
    fn merging_twice_is_stable() {
        let (once, _) = merge(b"x\n").expect("changes");
        assert_eq!(merge(&once), None);
    }

    #[test]
    fn latin1_and_crlf_lines_stay_byte_for_byte() {
        let user = b"# fichiers \xe0 ignorer\r\nnot\xe9s.txt\r\n";
        let (out, _) = merge(user).expect("changes");
        assert!(out.starts_with(user));
        assert!(out[user.len()..].windows(2).any(|w| w == b"\r\n"));
        assert!(
            !out[user.len()..]
                .iter()
                .zip(out[user.len() + 1..].iter())
                .any(|(a, b)| *a != b'\r' && *b == b'\n')
        );
        assert_eq!(merge(&out), None);
    }
}
