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
    fn a_folder_the_user_names_wins() {
        let s = stick();
        for args in [&["-C", "/x"][..], &["--cd", "/x"], &["--cd=/x"], &["-C/x"]] {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert_eq!(choose(Path::new("/media/STICK"), &s, &args), None);
        }
    }
}
