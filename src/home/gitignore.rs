//! `codex_home/.gitignore`: keep the files that hold tokens or private history
//! out of any git repository the stick ends up in. The merge only appends;
//! a user's line is never dropped or reordered.

/// Patterns that must be ignored, with why.
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
    ".usbide/",
];

const HEADER: &str =
    "# usbide: files that hold tokens (auth.json is a password) or private history";

/// The merged file, or `None` when every required pattern is already in force.
pub fn merge(existing: &str) -> Option<(String, Vec<&'static str>)> {
    let lines: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|p| !in_force(&lines, p))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !lines.contains(&HEADER) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(HEADER);
        out.push('\n');
    }
    for p in &missing {
        out.push_str(p);
        out.push('\n');
    }
    Some((out, missing))
}

/// Whether the last line naming `pattern` (plain, `/`-anchored or negated)
/// ignores it. A later `!auth.json` would undo an earlier `auth.json`.
fn in_force(lines: &[&str], pattern: &str) -> bool {
    lines
        .iter()
        .rev()
        .find_map(|line| {
            let (negated, rest) = match line.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, *line),
            };
            (rest.trim_start_matches('/') == pattern).then_some(!negated)
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gets_every_pattern() {
        let (out, added) = merge("").expect("changes");
        assert_eq!(added, REQUIRED);
        assert!(out.starts_with(HEADER));
        assert!(out.lines().any(|l| l == "auth.json"));
    }

    #[test]
    fn user_lines_stay_in_place() {
        let user = "# mine\nnotes.txt\n/auth.json\n*.sqlite";
        let (out, added) = merge(user).expect("changes");
        assert!(out.starts_with("# mine\nnotes.txt\n/auth.json\n*.sqlite\n"));
        assert!(!added.contains(&"auth.json"));
        assert!(!added.contains(&"*.sqlite"));
        assert!(added.contains(&"sessions/"));
    }

    #[test]
    fn a_negation_is_overridden_after_it() {
        let (out, added) = merge("auth.json\n!auth.json\n").expect("changes");
        assert!(added.contains(&"auth.json"));
        assert!(out.starts_with("auth.json\n!auth.json\n"));
        assert!(out.trim_end().lines().filter(|l| *l == "auth.json").count() == 2);
    }

    #[test]
    fn merging_twice_is_stable() {
        let (once, _) = merge("x\n").expect("changes");
        assert_eq!(merge(&once), None);
    }
}
