//! Where codex works. Started from the stick itself (Explorer's double-click
//! runs usbide in its own folder), codex would work next to
//! `codex_home/auth.json`, with write access there under a workspace-write
//! sandbox. It never starts at the stick's root, in `codex_home/` or in
//! `payload/`: unless the user named a folder (`-C`/`--cd`), it works in the
//! stick's `work/` folder, created on first use.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::stick::Stick;

/// The folder codex works in when `cwd` is not fit for it: `<root>/work`.
pub fn choose(cwd: &Path, stick: &Stick, args: &[OsString]) -> Option<PathBuf> {
    if names_a_folder(args) {
        return None;
    }
    let forbidden = cwd_is(cwd, &stick.root, false)
        || cwd_is(cwd, &stick.codex_home(), true)
        || cwd_is(cwd, &stick.payload_dir, true)
        || cwd_is(cwd, &stick.root.join("payload"), true);
    forbidden.then(|| stick.root.join("work"))
}

/// The folder codex will work in: the one `-C`/`--cd` names (relative to
/// `cwd`), else `chosen` (the stick's `work/`), else `cwd`.
pub fn codex_dir(cwd: &Path, chosen: Option<&Path>, args: &[OsString]) -> PathBuf {
    let mut named = None;
    let mut iter = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = iter.next() {
        if a == "-C" || a == "--cd" {
            named = iter.next();
        } else if let Some(v) = a.strip_prefix("--cd=") {
            named = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("-C").filter(|v| !v.is_empty()) {
            named = Some(v.to_string());
        }
    }
    match named {
        Some(dir) => cwd.join(dir),
        None => chosen.unwrap_or(cwd).to_path_buf(),
    }
}

/// Whether `dir` is the stick's own `work/` folder (or inside it) and no git
/// work tree holds it: `codex exec` refuses such a folder unless told
/// `--skip-git-repo-check`, and it is the folder usbide made for codex.
pub fn is_stick_work_outside_git(dir: &Path, stick: &Stick) -> bool {
    let work = stick.root.join("work");
    if !cwd_is(dir, &work, true) {
        return false;
    }
    !dir.ancestors().any(|d| d.join(".git").exists())
}

/// Whether codex's arguments name its working folder.
fn names_a_folder(args: &[OsString]) -> bool {
    args.iter().any(|a| {
        let a = a.to_string_lossy();
        a == "-C" || a == "--cd" || a.starts_with("--cd=") || (a.starts_with("-C") && a.len() > 2)
    })
}

/// `cwd` is `dir` (or, with `below`, inside it); case-insensitive where
/// the OS is.
fn cwd_is(cwd: &Path, dir: &Path, below: bool) -> bool {
    if cfg!(windows) {
        let (c, d) = (cwd.to_string_lossy(), dir.to_string_lossy());
        let norm = |s: &str| s.trim_end_matches(['\\', '/']).to_lowercase();
        if below {
            crate::stick::winpath::is_under(&c, &d)
        } else {
            norm(&c) == norm(&d)
        }
    } else if below {
        cwd.starts_with(dir)
    } else {
        cwd == dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stick() -> Stick {
        Stick::new(PathBuf::from("/media/STICK"), None)
    }

    #[test]
    fn the_stick_itself_is_never_codexs_work_folder() {
        let s = stick();
        let work = Some(PathBuf::from("/media/STICK/work"));
        assert_eq!(choose(Path::new("/media/STICK"), &s, &[]), work);
        assert_eq!(choose(Path::new("/media/STICK/codex_home"), &s, &[]), work);
        assert_eq!(
            choose(Path::new("/media/STICK/codex_home/sessions"), &s, &[]),
            work
        );
        assert_eq!(choose(Path::new("/media/STICK/payload"), &s, &[]), work);
        assert_eq!(choose(Path::new("/media/STICK/work/app"), &s, &[]), None);
        assert_eq!(choose(Path::new("/home/ann/app"), &s, &[]), None);
    }

    #[test]
    fn the_folder_codex_works_in_and_whether_exec_needs_the_skip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Stick::new(dir.path().join("STICK"), None);
        let work = s.root.join("work");
        std::fs::create_dir_all(work.join("proj")).expect("mkdir");
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(codex_dir(&s.root, Some(&work), &[]), work);
        assert_eq!(
            codex_dir(&work, None, &args(&["-C", "proj"])),
            work.join("proj")
        );
        // An absolute folder is taken as it is (a drive path on Windows).
        let elsewhere = dir.path().join("elsewhere");
        let cd = format!("--cd={}", elsewhere.display());
        assert_eq!(codex_dir(&work, None, &args(&[cd.as_str()])), elsewhere);
        assert!(is_stick_work_outside_git(&work, &s));
        assert!(is_stick_work_outside_git(&work.join("proj"), &s));
        assert!(!is_stick_work_outside_git(&s.root, &s));
        std::fs::create_dir_all(work.join("proj/.git")).expect("git");
        assert!(!is_stick_work_outside_git(&work.join("proj"), &s));
    }

    #[test]
    fn a_folder_the_user_names_wins() {
        let s = stick();
        for args in [&["-C", "/x"][..], &["--cd", "/x"], &["--cd=/x"], &["-C/x"]] {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert_eq!(choose(Path::new("/media/STICK"), &s, &args), None);
        }
    }
}
