//! Reading an installed codex tree: where the executable is.
//!
//! The current layout (0.169) has `codex-package.json` naming the entry
//! point (`bin/codex[.exe]`), with `codex-path/` and `codex-resources/`
//! beside it; codex finds those relative to itself, so the tree is kept
//! whole. Older layouts put the binary at `codex/codex[.exe]`, or shipped a
//! single `codex-<triple>[.exe]`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::payload::target::Target;

/// `codex-package.json`, the fields usbide reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageJson {
    entrypoint: String,
    version: Option<String>,
}

/// An installed tree and its executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub dir: PathBuf,
    /// Absolute path of the codex executable.
    pub exe: PathBuf,
    /// From `codex-package.json` when the layout has one.
    pub version: Option<String>,
}

/// Find the executable in `dir` for `target`, or say what is missing.
pub fn open(dir: &Path, target: &Target, lang: crate::messages::Lang) -> Result<Tree, String> {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let shown = |p: &Path| p.display().to_string();
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let manifest = dir.join("codex-package.json");
    if manifest.is_file() {
        let text = fs::read_to_string(&manifest).map_err(|e| {
            let error = e.to_string();
            fill(
                t.layout_unreadable,
                &[("path", &shown(&manifest)), ("error", &error)],
            )
        })?;
        let pkg: PackageJson = serde_json::from_str(&text).map_err(|e| {
            let error = e.to_string();
            fill(
                t.layout_not_package,
                &[("path", &shown(&manifest)), ("error", &error)],
            )
        })?;
        let exe = dir.join(&pkg.entrypoint);
        if safe_relative(&pkg.entrypoint) && exe.is_file() {
            return Ok(Tree {
                dir,
                exe,
                version: pkg.version,
            });
        }
        return Err(fill(
            t.layout_entry_missing,
            &[("path", &shown(&manifest)), ("entry", &pkg.entrypoint)],
        ));
    }
    let candidates = [
        format!("bin/{}", target.exe("codex")),
        format!("codex/{}", target.exe("codex")),
        target.exe("codex"),
        target.exe(&format!("codex-{}", target.triple)),
    ];
    candidates
        .iter()
        .map(|c| dir.join(c))
        .find(|p| p.is_file())
        .map(|exe| Tree {
            dir: dir.clone(),
            exe,
            version: None,
        })
        .ok_or_else(|| fill(t.layout_no_exe, &[("dir", &shown(&dir))]))
}

/// A relative path that stays inside its folder.
pub fn safe_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && !p.is_absolute()
        && !path.starts_with(['/', '\\'])
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        && !path
            .split(['/', '\\'])
            .any(|s| s == ".." || s.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::target;

    fn linux() -> &'static Target {
        target::select("x86_64-unknown-linux-musl", crate::messages::Lang::En).expect("known")[0]
    }

    #[test]
    fn the_package_file_names_the_entry_point() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("bin")).expect("bin");
        fs::write(dir.path().join("bin/codex"), "").expect("exe");
        fs::write(
            dir.path().join("codex-package.json"),
            r#"{"layoutVersion":1,"version":"0.169.0","entrypoint":"bin/codex","pathDir":"codex-path"}"#,
        )
        .expect("json");
        let tree = open(dir.path(), linux(), crate::messages::Lang::En).expect("tree");
        assert_eq!(tree.exe, dir.path().join("bin/codex"));
        assert_eq!(tree.version.as_deref(), Some("0.169.0"));
        assert!(tree.exe.is_absolute());
    }

    #[test]
    fn older_layouts_are_found() {
        let win =
            target::select("x86_64-pc-windows-msvc", crate::messages::Lang::En).expect("known")[0];
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("codex")).expect("dir");
        fs::write(dir.path().join("codex/codex.exe"), "").expect("exe");
        assert_eq!(
            open(dir.path(), win, crate::messages::Lang::En)
                .expect("tree")
                .exe,
            dir.path().join("codex/codex.exe")
        );
        let single = tempfile::tempdir().expect("tempdir");
        fs::write(single.path().join("codex-x86_64-pc-windows-msvc.exe"), "").expect("exe");
        assert!(open(single.path(), win, crate::messages::Lang::En).is_ok());
        assert!(open(single.path(), linux(), crate::messages::Lang::En).is_err());
    }

    #[test]
    fn an_entry_point_may_not_escape() {
        for bad in ["../codex", "/bin/sh", "C:\\x.exe", "a/../../b", ""] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("bin/codex.exe"));
    }
}
