//! Making a folder a Codex stick (`usbide init [DIR]`). Also offered when a
//! lone usbide (at a drive's root, or alone in its folder) finds no stick
//! around it: the way most people meet usbide, a downloaded `usbide.exe`
//! copied onto an empty stick and double-clicked.
//!
//! It never turns a home folder, a downloads/desktop/documents folder or a
//! temporary folder into a stick without being named explicitly (and never
//! a home or temporary folder at all).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::messages::{fill, text};
use crate::ui::note;

/// Why a folder is not set up as a stick.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InitRefused(pub String);

impl crate::messages::UserError for InitRefused {
    fn message(&self, _lang: crate::messages::Lang) -> String {
        self.0.clone()
    }

    fn exit_code(&self) -> i32 {
        crate::exit::STICK
    }
}

/// About how much a codex download weighs, said before it starts.
const DOWNLOAD_SIZE: u64 = 170_000_000;

/// About how much codex takes on the stick once unpacked (codex 0.169:
/// 423 MB for Linux, 515 MB for Windows).
const UNPACKED_SIZE: u64 = if cfg!(windows) {
    520_000_000
} else {
    430_000_000
};

/// `usbide init [DIR]`.
pub fn run(ctx: &Context, dir: Option<&Path>) -> Result<i32> {
    let explicit = dir.is_some();
    let dir = match dir {
        Some(d) => std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()),
        None => exe_folder(ctx),
    };
    Ok(match set_up(ctx, &dir, explicit)? {
        // Declining is an answer, not a failure.
        SetUp::Done | SetUp::Declined => crate::exit::OK,
        SetUp::Unanswered => crate::exit::STICK,
    })
}

/// What came of an offer to set a folder up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetUp {
    Done,
    /// The user said no: nothing was changed, and that is all.
    Declined,
    /// Nobody could answer (no terminal, no `--yes`).
    Unanswered,
}

/// What a launch that found no stick offers: the folder usbide sits in
/// alone, set up (asked, or `--yes`).
#[derive(Debug)]
pub enum Offer {
    /// Not a folder to set up (usbide is not alone there).
    None,
    /// Set up: the stick's root.
    Ready(PathBuf),
    /// Declined, or nobody could answer.
    Not(SetUp),
}

/// Offered by a launch that found no stick.
pub fn offer_for_lone_exe(ctx: &Context) -> Result<Offer> {
    let dir = exe_folder(ctx);
    if !is_lone(&dir, &ctx.exe) {
        return Ok(Offer::None);
    }
    Ok(match set_up(ctx, &dir, false)? {
        SetUp::Done => Offer::Ready(dir),
        other => Offer::Not(other),
    })
}

fn exe_folder(ctx: &Context) -> PathBuf {
    ctx.exe
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Whether `dir` looks like a place to set up: a drive's root, or a folder
/// that holds nothing but usbide (and its log).
pub fn is_lone(dir: &Path, exe: &Path) -> bool {
    if dir.parent().is_none() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let exe_name = exe.file_name();
    entries.flatten().take(64).all(|e| {
        let name = e.file_name();
        Some(name.as_os_str()) == exe_name || name == "usbide.log" || name == "usbide.toml"
    })
}

/// `path` as the file system sees it: links and `..` resolved (the part
/// that does not exist yet kept as named), so that a folder reached
/// through a link or `..` is recognised.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if parent != path => canonical(parent).join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The root folder of this computer's system disk (`/`; Windows: the
/// `SystemDrive`, `C:\` by default).
fn system_root(ctx: &Context) -> PathBuf {
    if cfg!(windows) {
        let drive = ctx
            .env
            .get_str("SystemDrive")
            .unwrap_or_else(|| "C:".into());
        PathBuf::from(format!("{}\\", drive.trim_end_matches(['\\', '/'])))
    } else {
        PathBuf::from("/")
    }
}

/// Why `dir` must not become a stick (`None`: it may).
pub fn refusal(dir: &Path, explicit: bool, ctx: &Context) -> Option<String> {
    let t = text(ctx.lang);
    let dir = &canonical(dir);
    let same = |a: &Path, b: &Path| {
        let (a, b) = (canonical(a), b.to_path_buf());
        let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
        let trim = |s: &str| s.trim_end_matches(['/', '\\']).to_string();
        if ctx.env.case_insensitive() {
            trim(&a).eq_ignore_ascii_case(&trim(&b))
        } else {
            trim(&a) == trim(&b)
        }
    };
    let homes: Vec<PathBuf> = ["HOME", "USERPROFILE"]
        .iter()
        .filter_map(|n| ctx.env.get_str(n))
        .filter(|h| !h.is_empty())
        .map(|h| canonical(Path::new(&h)))
        .collect();
    let what = if same(&system_root(ctx), dir) || dir.parent().is_none() && !cfg!(windows) {
        Some(t.init_system_root)
    } else if homes.iter().any(|h| same(h, dir)) {
        Some(t.init_home)
    } else if ctx.env.temp_dirs().iter().any(|tmp| {
        let tmp = canonical(tmp);
        same(&tmp, dir) || dir.starts_with(&tmp)
    }) {
        Some(t.init_temp)
    } else if !explicit && is_personal(dir, &homes) {
        Some(t.init_personal_folder)
    } else {
        None
    }?;
    Some(fill(
        t.init_personal,
        &[("dir", &dir.display().to_string()), ("what", what)],
    ))
}

/// A downloads, desktop or documents folder (where the OS keeps this user's,
/// moved or renamed, or by any of the usual names), or any folder right in a
/// home folder.
fn is_personal(dir: &Path, homes: &[PathBuf]) -> bool {
    let known = [
        dirs::download_dir(),
        dirs::desktop_dir(),
        dirs::document_dir(),
    ];
    if known.iter().flatten().any(|k| canonical(k) == dir) {
        return true;
    }
    const NAMES: &[&str] = &[
        "downloads",
        "téléchargements",
        "desktop",
        "bureau",
        "documents",
        "mes documents",
        "my documents",
    ];
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    NAMES.contains(&name.as_str()) || homes.iter().any(|h| dir.parent() == Some(h.as_path()))
}

/// Set `dir` up after saying what will happen and asking (`--yes` answers
/// yes).
fn set_up(ctx: &Context, dir: &Path, explicit: bool) -> Result<SetUp> {
    let t = text(ctx.lang);
    if let Some(why) = refusal(dir, explicit, ctx) {
        return Err(InitRefused(why).into());
    }
    std::fs::create_dir_all(dir).with_context(|| {
        crate::messages::fill(
            crate::messages::text(ctx.lang).cannot_create,
            &[("path", &dir.display().to_string())],
        )
    })?;
    let drive = crate::stick::drive::detect(dir).map_or_else(String::new, |d| {
        fill(
            t.init_drive,
            &[
                ("fs", &d.file_system),
                (
                    "free",
                    &crate::stick::drive::human_bytes_in(d.free_bytes, ctx.lang),
                ),
            ],
        )
    });
    let question = fill(
        t.init_offer,
        &[
            ("dir", &dir.display().to_string()),
            ("drive", &drive),
            (
                "size",
                &crate::stick::drive::human_bytes_in(DOWNLOAD_SIZE, ctx.lang),
            ),
            (
                "unpacked",
                &crate::stick::drive::human_bytes_in(UNPACKED_SIZE, ctx.lang),
            ),
            (
                "twice",
                &crate::stick::drive::human_bytes_in(2 * UNPACKED_SIZE, ctx.lang),
            ),
        ],
    );
    if ctx.settings.assume_yes {
        note(&question);
    } else if !crate::ui::can_ask() {
        note(&question);
        note(t.init_needs_yes);
        return Ok(SetUp::Unanswered);
    } else if !crate::ui::ask(&question, ctx.lang)? {
        note(t.init_declined);
        return Ok(SetUp::Declined);
    }
    let exe = place_exe(ctx, dir)?;
    let home = dir.join("codex_home");
    let config = home.join("config.toml");
    if !config.exists() {
        std::fs::create_dir_all(&home).with_context(|| {
            crate::messages::fill(
                crate::messages::text(ctx.lang).cannot_create,
                &[("path", &home.display().to_string())],
            )
        })?;
        super::write_file(ctx, &config, crate::home::CONFIG_TEMPLATE.as_bytes())?;
        note(&fill(
            t.init_written,
            &[("path", &config.display().to_string())],
        ));
    }
    let payload = dir.join("payload");
    std::fs::create_dir_all(&payload).with_context(|| {
        crate::messages::fill(
            crate::messages::text(ctx.lang).cannot_create,
            &[("path", &payload.display().to_string())],
        )
    })?;
    let mut settings = ctx.settings.clone();
    settings.root = Some(dir.to_path_buf());
    settings.payload_dir = None;
    let ctx = ctx.with_settings(settings);
    let stick = ctx.stick()?;
    let target = crate::payload::target::host()
        .ok_or_else(|| anyhow::anyhow!(text(ctx.lang).init_no_codex_here))?;
    crate::session::payload::install_for_launch(&ctx, &stick, target)?;
    note(&fill(
        t.init_done,
        &[
            ("dir", &dir.display().to_string()),
            ("exe", &exe.display().to_string()),
        ],
    ));
    Ok(SetUp::Done)
}

/// usbide itself in `dir`: where it already is, or a copy of it.
fn place_exe(ctx: &Context, dir: &Path) -> Result<PathBuf> {
    let name = format!("usbide{}", std::env::consts::EXE_SUFFIX);
    if ctx.exe.parent().is_some_and(|p| p == dir) {
        return Ok(ctx.exe.clone());
    }
    let dest = dir.join(&name);
    if dest.exists() {
        return Ok(dest);
    }
    let bytes = std::fs::read(&ctx.exe).with_context(|| {
        crate::messages::about(crate::messages::text(ctx.lang).cannot_read, &ctx.exe)
    })?;
    super::write_file(ctx, &dest, &bytes)?;
    crate::platform::make_executable(&dest);
    note(&fill(
        text(ctx.lang).init_copied,
        &[("path", &dest.display().to_string())],
    ));
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_folders_are_recognised() {
        let homes = [PathBuf::from("/home/ann")];
        assert!(is_personal(Path::new("/home/ann/Downloads"), &homes));
        assert!(is_personal(Path::new("/home/ann/Téléchargements"), &homes));
        assert!(is_personal(Path::new("/home/ann/projects"), &homes));
        assert!(!is_personal(Path::new("/media/ann/STICK"), &homes));
        assert!(!is_personal(Path::new("/media/ann/STICK/codex"), &homes));
    }

    #[test]
    fn a_folder_with_only_usbide_is_lone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("usbide.exe");
        std::fs::write(&exe, b"x").expect("exe");
        assert!(is_lone(dir.path(), &exe));
        std::fs::write(dir.path().join("usbide.log"), b"").expect("log");
        assert!(is_lone(dir.path(), &exe));
        std::fs::write(dir.path().join("holiday.jpg"), b"").expect("photo");
        assert!(!is_lone(dir.path(), &exe));
        assert!(is_lone(Path::new("/"), &exe));
    }
}
