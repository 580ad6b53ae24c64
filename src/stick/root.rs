//! Finding the stick's root folder from where usbide lives.
//!
//! The root is the first folder, walking up from the executable, that holds
//! `codex_home/` or `payload/`; so `target/release/usbide` inside the
//! repository finds the repository. `--root` / `USBIDE_ROOT` override it. A
//! root found in a temporary folder or inside an archive preview is refused:
//! whatever usbide wrote there (tokens included) would be lost or left behind.

use crate::messages::UserError as _;
use std::path::{Component, Path, PathBuf};

use crate::environ::Environ;
use crate::stick::winpath;

/// Why no usable root was found.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    #[error("{}", self.message(crate::messages::Lang::En))]
    NotFound { exe: PathBuf },
    #[error("{}", self.message(crate::messages::Lang::En))]
    InTemp { root: PathBuf, temp: PathBuf },
    #[error("{}", self.message(crate::messages::Lang::En))]
    InArchive { path: PathBuf },
    #[error("{}", self.message(crate::messages::Lang::En))]
    Missing { root: PathBuf },
}

/// Resolve the root: the override if given, else found from `exe`.
pub fn locate(over: Option<&Path>, exe: &Path, env: &Environ) -> Result<PathBuf, RootError> {
    if let Some(root) = over {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        if !root.is_dir() {
            return Err(RootError::Missing { root });
        }
        return Ok(root);
    }
    if let Some(path) = archive_component(exe) {
        return Err(RootError::InArchive { path });
    }
    let root = discover(exe).ok_or_else(|| RootError::NotFound {
        exe: exe.to_path_buf(),
    })?;
    if let Some(temp) = containing_temp(&root, env) {
        return Err(RootError::InTemp { root, temp });
    }
    Ok(root)
}

/// The stick root when `given` names one of its own folders (`codex_home`
/// or `payload`, any case) rather than the root: its parent.
pub fn corrected(given: &Path) -> Option<PathBuf> {
    let name = given.file_name()?.to_str()?.to_ascii_lowercase();
    if name != "codex_home" && name != "payload" {
        return None;
    }
    let parent = std::path::absolute(given).ok()?.parent()?.to_path_buf();
    (parent.join("codex_home").is_dir() || parent.join("payload").is_dir()).then_some(parent)
}

/// The first ancestor of `exe` that holds `codex_home/` or `payload/`.
pub fn discover(exe: &Path) -> Option<PathBuf> {
    exe.ancestors()
        .skip(1)
        .find(|dir| dir.join("codex_home").is_dir() || dir.join("payload").is_dir())
        .map(Path::to_path_buf)
}

/// The temp folder that holds `root`, if any.
fn containing_temp(root: &Path, env: &Environ) -> Option<PathBuf> {
    let root_s = root.to_string_lossy();
    env.temp_dirs().into_iter().find(|temp| {
        if env.case_insensitive() {
            winpath::is_under(&root_s, &temp.to_string_lossy())
        } else {
            root.starts_with(temp)
        }
    })
}

/// A path component that marks an archive preview: `x.zip\`, `Temp1_x.zip`,
/// 7-Zip's `7zO1234` or WinRAR's `Rar$EXa0.123`.
fn archive_component(exe: &Path) -> Option<PathBuf> {
    let mut so_far = PathBuf::new();
    for comp in exe.components() {
        so_far.push(comp);
        if let Component::Normal(name) = comp {
            let name = name.to_string_lossy().to_ascii_lowercase();
            let archive_dir =
                [".zip", ".7z", ".rar"].iter().any(|e| name.ends_with(e)) && so_far != exe;
            let preview =
                name.starts_with("temp1_") || name.starts_with("7zo") || name.starts_with("rar$");
            if archive_dir || preview {
                return Some(so_far);
            }
        }
    }
    None
}

impl crate::messages::UserError for RootError {
    fn message(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        match self {
            Self::NotFound { exe } => crate::messages::fill(
                t.root_not_found,
                &[("exe", &crate::messages::shown_path(exe))],
            ),
            Self::InTemp { root, temp } => crate::messages::fill(
                t.root_in_temp,
                &[
                    ("root", &crate::messages::shown_path(root)),
                    ("temp", &crate::messages::shown_path(temp)),
                ],
            ),
            Self::InArchive { path: p } => crate::messages::fill(
                t.root_in_archive,
                &[("path", &crate::messages::shown_path(p))],
            ),
            Self::Missing { root } => crate::messages::fill(
                t.root_missing,
                &[("root", &crate::messages::shown_path(root))],
            ),
        }
    }

    fn exit_code(&self) -> i32 {
        crate::exit::STICK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn stick() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("codex_home")).expect("codex_home");
        fs::create_dir_all(dir.path().join("target/release")).expect("target");
        dir
    }

    #[test]
    fn walks_up_from_a_build_folder() {
        let s = stick();
        let exe = s.path().join("target/release/usbide");
        assert_eq!(discover(&exe), Some(s.path().to_path_buf()));
    }

    #[test]
    fn payload_alone_marks_a_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("payload")).expect("payload");
        assert_eq!(
            discover(&dir.path().join("usbide")),
            Some(dir.path().to_path_buf())
        );
    }

    #[test]
    fn refuses_a_root_in_the_temp_folder() {
        let s = stick();
        let env = Environ::from_pairs(&[("TMPDIR", &s.path().to_string_lossy())], false);
        let err = locate(None, &s.path().join("usbide"), &env).expect_err("refused");
        assert!(matches!(err, RootError::InTemp { .. }), "{err}");
    }

    #[test]
    fn an_explicit_root_is_trusted_but_must_exist() {
        let s = stick();
        let env = Environ::from_pairs(&[("TMPDIR", &s.path().to_string_lossy())], false);
        assert_eq!(
            locate(Some(s.path()), Path::new("/x/usbide"), &env).expect("root"),
            s.path()
        );
        let missing = s.path().join("nope");
        assert!(matches!(
            locate(Some(&missing), Path::new("/x"), &env),
            Err(RootError::Missing { .. })
        ));
    }

    #[test]
    fn archive_previews_are_recognised() {
        for p in [
            "/home/a/Temp1_usbide.zip/usbide",
            "/home/a/usbide.zip/usbide/usbide",
            "/tmp/7zO81C2/usbide",
            "/tmp/Rar$EXa0.123/usbide",
        ] {
            assert!(archive_component(Path::new(p)).is_some(), "{p}");
        }
        assert!(archive_component(Path::new("/media/stick/usbide")).is_none());
    }
}
