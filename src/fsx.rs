//! Writes to the stick. Every write is atomic: a temp file with a random name
//! created with `create_new` in the target's folder (the `tempfile` crate, so
//! a planted link is never followed), `sync_all`, then a rename over the
//! target, retried while Windows reports a sharing violation (antivirus and
//! indexers hold files open briefly). A crash or a pulled stick leaves either
//! the old file or the new one, never half.
//!
//! What is replaced keeps what the user chose for it: a symlink the user made
//! to a file of theirs stays a link (the write goes through to its target),
//! a read-only file is refused (never forced), and the mode is kept (a 0600
//! file stays 0600). Token files are written owner-only where the file
//! system has permissions.
//!
//! Never through a link somebody else planted: a link (or its target) that
//! belongs to another user is refused ([`NotOurs`]). usbide's own files
//! ([`write_own`], [`open_own`]) never follow a link at all: a write
//! replaces whatever is at the name, an open refuses a link, a FIFO or
//! device, a second name of another file, or another user's file, checked
//! on the opened handle.

use crate::messages::UserError as _;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::NamedTempFile;

/// How often a rename is retried when the platform says the file is busy.
const RENAME_ATTEMPTS: u32 = 10;

/// The suffix of usbide's temp files (`.config.toml.Ab12Cd.usbide-tmp`); the
/// codex_home `.gitignore` covers it and [`sweep_temp_files`] removes leftovers.
pub const TEMP_SUFFIX: &str = ".usbide-tmp";

/// Links followed before giving up (a loop).
const MAX_LINKS: usize = 40;

/// The error inside an [`io::Error`] when the file to replace is read-only.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::messages::Lang::En))]
pub struct ReadOnlyFile {
    pub path: PathBuf,
}

/// The error inside an [`io::Error`] when a file usbide was to write is not
/// one it may write: a link or a file of another user, a FIFO or device, or
/// a second name (hard link) of some other file.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(crate::messages::Lang::En))]
pub struct NotOurs {
    pub path: PathBuf,
}

fn not_ours(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        NotOurs {
            path: path.to_path_buf(),
        },
    )
}

/// Whether `err` is a refusal to write a file usbide did not make ([`NotOurs`]).
pub fn is_not_ours(err: &io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<NotOurs>().is_some())
}

/// Open a file usbide keeps for itself (a lock, its log), created when
/// missing (owner-only), for reading and writing, or appending. Refuses a
/// link at that name, a FIFO or device (opened without blocking), a file
/// with a second name, or another user's file; the checks are made on the
/// opened handle, so nothing can be swapped in between.
pub fn open_own(path: &Path, append: bool) -> io::Result<File> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true).create(true);
    if append {
        opts.append(true);
    } else {
        opts.write(true).truncate(false);
    }
    crate::platform::no_follow(&mut opts);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = match opts.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW on a link (Linux ELOOP, BSDs EMLINK).
        #[cfg(unix)]
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::EMLINK)) => {
            return Err(not_ours(path));
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    let mine = cfg!(windows) || crate::platform::owned_by_me(path, &meta);
    if !meta.is_file()
        || crate::platform::is_link(&meta)
        || crate::platform::link_count(&file).is_some_and(|n| n > 1)
        || !mine
    {
        return Err(not_ours(path));
    }
    Ok(file)
}

/// The last `max` bytes of the regular file at `path` as text (empty when
/// it is missing, not a regular file, or unreadable); never more in memory.
pub fn read_tail(path: &Path, max: u64) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    crate::platform::no_follow(&mut opts);
    let Ok(mut file) = opts.open(path) else {
        return String::new();
    };
    let Ok(meta) = file.metadata() else {
        return String::new();
    };
    if !meta.is_file() {
        return String::new();
    }
    let _ = file.seek(SeekFrom::Start(meta.len().saturating_sub(max)));
    let mut bytes = Vec::new();
    let _ = file.take(max).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The first `max` bytes of one of usbide's small records, read whole: not
/// through a link, never blocking on a FIFO, and a planted huge file is not
/// read past `max`. `None` when it is missing, not a regular file, or
/// unreadable.
pub fn read_capped(path: &Path, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    crate::platform::no_follow(&mut opts);
    let file = opts.open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Replace one of usbide's own files (a record, a backup, a binary) with
/// `bytes` atomically. A link at that name is replaced, never followed.
pub fn write_own(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(
        path,
        bytes,
        Perm {
            own: true,
            ..Perm::default()
        },
    )
}

/// An I/O error in `lang`: the refusals of this module in their own words,
/// anything else as the OS says it.
pub fn io_message(err: &io::Error, lang: crate::messages::Lang) -> String {
    use crate::messages::UserError;
    match err.get_ref() {
        Some(inner) => match (
            inner.downcast_ref::<NotOurs>(),
            inner.downcast_ref::<ReadOnlyFile>(),
        ) {
            (Some(e), _) => e.message(lang),
            (_, Some(e)) => e.message(lang),
            _ => err.to_string(),
        },
        None => err.to_string(),
    }
}

/// Whether `err` says the file to replace is read-only ([`ReadOnlyFile`]).
pub fn is_read_only_file(err: &io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<ReadOnlyFile>().is_some())
}

/// Whether `err` says the whole file system is mounted read-only
/// (EROFS; Windows: ERROR_WRITE_PROTECT).
pub fn is_read_only_fs(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::ReadOnlyFilesystem
        || (cfg!(windows) && err.raw_os_error() == Some(19))
}

/// What mode a written file gets: the mode of `like` (by default the file
/// it replaces; a new file gets the usual default), without any group or
/// other bit when `private` (a new private file is 0600).
#[derive(Debug, Clone, Copy, Default)]
struct Perm<'a> {
    like: Option<&'a Path>,
    private: bool,
    /// usbide's own file: a link at its name is replaced, not followed.
    own: bool,
}

/// Replace `path` with `bytes` atomically, keeping its mode (and its link).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, Perm::default())
}

/// [`write_atomic`] for a file that holds tokens: owner-only where the file
/// system can say so.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(
        path,
        bytes,
        Perm {
            private: true,
            ..Perm::default()
        },
    )
}

/// [`write_atomic`] giving the file the mode of `like` (a backup keeps the
/// mode of its original).
pub fn write_atomic_like(path: &Path, bytes: &[u8], like: &Path) -> io::Result<()> {
    write_with(
        path,
        bytes,
        Perm {
            like: Some(like),
            ..Perm::default()
        },
    )
}

/// [`write_private`] giving the file the mode of `like`, less any group or
/// other bit (a token copy, and the token put back from it).
pub fn write_private_like(path: &Path, bytes: &[u8], like: &Path) -> io::Result<()> {
    write_with(
        path,
        bytes,
        Perm {
            like: Some(like),
            private: true,
            ..Perm::default()
        },
    )
}

fn write_with(path: &Path, bytes: &[u8], perm: Perm<'_>) -> io::Result<()> {
    let target = if perm.own {
        path.to_path_buf()
    } else {
        resolve_own_links(path)?
    };
    let existing = match fs::symlink_metadata(&target) {
        Ok(meta) if crate::platform::is_link(&meta) => None,
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if existing
        .as_ref()
        .is_some_and(|m| m.permissions().readonly())
    {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            ReadOnlyFile { path: target },
        ));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    new_file_permissions(&mut builder, perm);
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    let model = match perm.like {
        Some(other) => fs::metadata(other).ok(),
        None => existing,
    };
    if let Some(meta) = &model {
        keep_mode(tmp.as_file(), meta, perm.private);
    }
    tmp.as_file().sync_all()?;
    persist_with_retry(tmp, &target)?;
    sync_parent(&target);
    Ok(())
}

/// The file a chain of the user's own symlinks ends at (the path itself
/// when it is none). A link, or the file it ends at, that belongs to
/// another user is refused: somebody planted it.
fn resolve_own_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        };
        let linked = current.as_path() != path;
        if (linked || meta.file_type().is_symlink())
            && !crate::platform::owned_by_me(&current, &meta)
        {
            return Err(not_ours(path));
        }
        if !meta.file_type().is_symlink() {
            return Ok(current);
        }
        let next = fs::read_link(&current)?;
        current = match current.parent() {
            Some(parent) if next.is_relative() => parent.join(next),
            _ => next,
        };
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

/// The file a chain of symlinks ends at (the path itself when it is none).
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

#[cfg(unix)]
fn new_file_permissions(builder: &mut tempfile::Builder<'_, '_>, perm: Perm<'_>) {
    use std::os::unix::fs::PermissionsExt;
    // 0666 minus the umask, like any new file; tokens owner-only.
    let mode = if perm.private { 0o600 } else { 0o666 };
    builder.permissions(fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn new_file_permissions(_builder: &mut tempfile::Builder<'_, '_>, _perm: Perm<'_>) {}

#[cfg(unix)]
fn keep_mode(file: &File, old: &fs::Metadata, private: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mut mode = old.permissions().mode() & 0o7777;
    if private {
        mode &= !0o077;
    }
    // FAT has no modes and refuses chmod: nothing to keep there.
    let _ = file.set_permissions(fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn keep_mode(_file: &File, _old: &fs::Metadata, _private: bool) {}

fn persist_with_retry(mut tmp: NamedTempFile, to: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match tmp.persist(to) {
            Ok(_) => return Ok(()),
            Err(e) if attempt + 1 < RENAME_ATTEMPTS && is_transient(&e.error) => {
                tmp = e.file;
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
            }
            // Dropping the temp file removes it.
            Err(e) => return Err(e.error),
        }
    }
}

/// Rename, retrying briefly on errors that mean "someone holds the file".
pub fn rename_with_retry(from: &Path, to: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match fs::rename(from, to) {
            Ok(()) => return Ok(()),
            Err(err) if attempt + 1 < RENAME_ATTEMPTS && is_transient(&err) => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
            }
            Err(err) => return Err(err),
        }
    }
}

fn is_transient(err: &io::Error) -> bool {
    // ERROR_ACCESS_DENIED (5), ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33).
    cfg!(windows)
        && (err.kind() == io::ErrorKind::PermissionDenied
            || matches!(err.raw_os_error(), Some(5 | 32 | 33)))
}

/// Remove usbide temp files a killed write left in `dir` (ours and the
/// `.<name>.usbide-tmp-<pid>` ones of older versions). Call under the stick
/// lock only: another usbide's temp file is in use. Returns how many went.
pub fn sweep_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with('.')
                && (name.ends_with(TEMP_SUFFIX) || name.contains(".usbide-tmp-"))
                && e.file_type().is_ok_and(|t| !t.is_dir())
        })
        .filter(|e| fs::remove_file(e.path()).is_ok())
        .count()
}

fn sync_parent(path: &Path) {
    // Directory fsync makes the rename durable on Unix; Windows cannot open a
    // directory this way, and FAT over FUSE may refuse. Best effort.
    if cfg!(unix)
        && let Some(parent) = path.parent()
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

impl crate::messages::UserError for ReadOnlyFile {
    fn message(&self, lang: crate::messages::Lang) -> String {
        crate::messages::fill(
            crate::messages::text(lang).file_read_only,
            &[("path", &crate::messages::shown_path(&self.path))],
        )
    }

    fn exit_code(&self) -> i32 {
        crate::exit::FAILURE
    }
}

impl crate::messages::UserError for NotOurs {
    fn message(&self, lang: crate::messages::Lang) -> String {
        crate::messages::fill(
            crate::messages::text(lang).file_not_ours,
            &[("path", &crate::messages::shown_path(&self.path))],
        )
    }

    fn exit_code(&self) -> i32 {
        crate::exit::FAILURE
    }
}

/// A FIFO at `path`, for the tests that plant one where usbide reads or
/// writes (opening it blocking would hang).
#[cfg(all(test, unix))]
pub(crate) fn make_fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("c");
    // SAFETY: a plain mkfifo on a NUL-terminated path.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_read_whole_up_to_its_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.json");
        assert_eq!(read_capped(&path, 8), None);
        fs::write(&path, "0123456789").expect("write");
        assert_eq!(read_capped(&path, 4).as_deref(), Some(&b"0123"[..]));
        assert_eq!(read_capped(&path, 64).as_deref(), Some(&b"0123456789"[..]));
        assert_eq!(read_capped(dir.path(), 64), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_record_is_never_read_through_a_link_or_from_a_fifo() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("target");
        fs::write(&target, "secret").expect("write");
        std::os::unix::fs::symlink(&target, dir.path().join("link")).expect("link");
        assert_eq!(read_capped(&dir.path().join("link"), 64), None);
        let fifo = dir.path().join("fifo");
        make_fifo(&fifo);
        // Returns at once (a blocking open would wait for a writer forever).
        assert_eq!(read_capped(&fifo, 64), None);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        write_atomic(&path, b"one").expect("first write");
        write_atomic(&path, b"two").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        assert_eq!(names(dir.path()), ["config.toml"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing-dir").join("x");
        assert!(write_atomic(&path, b"x").is_err());
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_the_old_temp_name_is_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "precious").expect("write");
        let home = dir.path().join("home");
        fs::create_dir(&home).expect("mkdir");
        let path = home.join("config.toml");
        let planted = home.join(format!(".config.toml.usbide-tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&outside, &planted).expect("plant");
        write_atomic(&path, b"mine").expect("write");
        assert_eq!(fs::read_to_string(&outside).expect("read"), "precious");
        assert_eq!(fs::read_to_string(&path).expect("read"), "mine");
        assert_eq!(sweep_temp_files(&home), 1);
        assert_eq!(names(&home), ["config.toml"]);
        assert_eq!(fs::read_to_string(&outside).expect("read"), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_of_the_replaced_file_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o7777;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env");
        fs::write(&path, "A=1\n").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&path, b"A=2\n").expect("write");
        assert_eq!(mode(&path), 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&path, b"A=3\n").expect("write");
        assert_eq!(mode(&path), 0o640);
        write_private(&path, b"A=4\n").expect("write");
        assert_eq!(mode(&path), 0o600);
        let token = dir.path().join("auth.json");
        write_private(&token, b"{}").expect("write");
        assert_eq!(mode(&token), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("dotfiles");
        fs::create_dir(&real).expect("mkdir");
        fs::write(real.join("codex.toml"), "old").expect("write");
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink("dotfiles/codex.toml", &link).expect("link");
        write_atomic(&link, b"new").expect("write");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(real.join("codex.toml")).expect("read"),
            "new"
        );
        assert_eq!(names(&real), ["codex.toml"]);
    }

    #[test]
    fn a_read_only_file_is_refused_not_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        fs::write(&path, "mine").expect("write");
        let mut perms = fs::metadata(&path).expect("meta").permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).expect("chmod");
        let err = write_atomic(&path, b"theirs").expect_err("read-only");
        assert!(is_read_only_file(&err), "{err}");
        assert_eq!(fs::read_to_string(&path).expect("read"), "mine");
        assert_eq!(names(dir.path()), ["config.toml"]);
    }
}
