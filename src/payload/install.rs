//! `usbide payload install`: download into a staging folder on the stick,
//! verify the digest, unpack, record, then swap in by rename. Until the
//! final rename nothing touches `payload/<target>/`, so an interrupted or
//! failed install leaves the previous payload working. The caller holds the
//! stick lock; each install stages in a folder of its own. A download that
//! stalls, takes too long or grows past its size, and an archive that
//! unpacks to far more than it weighs, are refused.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::fsx;
use crate::net::http::Client;
use crate::payload::PayloadError;
use crate::payload::layout::{self, Tree};
use crate::payload::manifest::PinnedTarget;
use crate::payload::record::Record;
use crate::payload::source::{Artifact, Source};
use crate::payload::target::Target;

/// What to install.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub version: String,
    pub target: &'static Target,
    pub source: Source,
    pub pin: Option<&'a PinnedTarget>,
    /// Keep the tree this install replaces as `.rollback-<triple>`
    /// (`payload update`), for `payload rollback`.
    pub keep_previous: bool,
    /// The language of the errors.
    pub lang: crate::messages::Lang,
    /// How long and how much the download may take.
    pub limits: Limits,
}

/// A finished install.
#[derive(Debug, Clone)]
pub struct Installed {
    pub tree: Tree,
    pub record: Record,
    /// A leftover of an earlier, interrupted install was cleaned up first.
    pub cleaned_interrupted: bool,
}

/// The staging folders of a target's earlier installs (`payload/.staging-<triple>`,
/// and `.staging-<triple>.<random>` since each install has its own).
pub fn leftover_staging(payload_dir: &Path, triple: &str) -> Vec<PathBuf> {
    let exact = format!(".staging-{triple}");
    let own = format!("{exact}.");
    fs::read_dir(payload_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name == exact.as_str() || name.starts_with(&own)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Install `req` into `payload_dir/<triple>`.
pub fn install(
    payload_dir: &Path,
    http: &Client,
    req: &Request<'_>,
) -> Result<Installed, PayloadError> {
    let io_err = |what: &str, path: &Path| {
        let what = what.to_string();
        let path = path.to_path_buf();
        move |source: io::Error| PayloadError::Io { what, path, source }
    };
    fs::create_dir_all(payload_dir).map_err(io_err("create", payload_dir))?;
    let leftovers = leftover_staging(payload_dir, req.target.triple);
    let cleaned_interrupted = !leftovers.is_empty();
    for old in leftovers {
        fs::remove_dir_all(&old).map_err(io_err("remove the leftover", &old))?;
    }
    let artifact = req
        .source
        .resolve(http, &req.version, req.target, req.pin, req.lang)?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".staging-{}.", req.target.triple))
        .rand_bytes(6)
        .tempdir_in(payload_dir)
        .map_err(io_err("create a staging folder in", payload_dir))?;
    let limits = req.limits;
    let result =
        stage(staging.path(), http, req, &artifact, &limits).and_then(|(tree_dir, record)| {
            swap_in(payload_dir, req.target.triple, &tree_dir, req.keep_previous)
                .map(|final_dir| (final_dir, record))
        });
    drop(staging); // removes what is left of it
    let (final_dir, record) = result?;
    let tree = layout::open(&final_dir, req.target, req.lang)
        .map_err(|reason| PayloadError::Layout { reason })?;
    Ok(Installed {
        tree,
        record,
        cleaned_interrupted,
    })
}

/// Download, verify, unpack and record inside `staging`; return the tree.
fn stage(
    staging: &Path,
    http: &Client,
    req: &Request<'_>,
    artifact: &Artifact,
    limits: &Limits,
) -> Result<(PathBuf, Record), PayloadError> {
    let archive = staging.join("download.part");
    let size = match &req.source {
        Source::File { path } => copy_in(
            path,
            artifact,
            &archive,
            limits.max_bytes.max(super::source::FILE_MAX),
        )?,
        _ => download(http, artifact, &archive, limits, req.lang)?,
    };
    let unpacked = staging.join("unpacked");
    let cap = unpack_cap(limits, size);
    let t = crate::messages::text(req.lang);
    crate::ui::note(&crate::messages::fill(
        t.payload_unpacking,
        &[("size", &crate::stick::drive::human_bytes_in(size, req.lang))],
    ));
    crate::payload::unpack::unpack(&archive, artifact.kind, &unpacked, cap).map_err(|source| {
        PayloadError::Io {
            what: "unpack".into(),
            path: archive.clone(),
            source,
        }
    })?;
    let _ = fs::remove_file(&archive);
    let tree_dir = find_tree(&unpacked, req.target, req.lang)?;
    let tree = layout::open(&tree_dir, req.target, req.lang)
        .map_err(|reason| PayloadError::Layout { reason })?;
    let io_err = |source| PayloadError::Io {
        what: "record".into(),
        path: tree_dir.clone(),
        source,
    };
    crate::ui::note(t.payload_hashing);
    let record = Record {
        version: tree.version.clone().unwrap_or_else(|| req.version.clone()),
        target: req.target.triple.into(),
        origin: artifact.origin.clone(),
        archive_digest: artifact.digest.to_string(),
        files: Record::hash_tree(&tree_dir).map_err(io_err)?,
    };
    record.save(&tree_dir).map_err(io_err)?;
    Ok((tree_dir, record))
}

/// How long and how much a download may take (the settings').
pub use crate::settings::Downloads as Limits;

/// An archive unpacks to at most this many times its size (codex's is ~3x).
const UNPACK_RATIO: u64 = 20;
/// ... and never to more than this.
const UNPACK_CEILING: u64 = 4 << 30;
/// ... but a small archive may always unpack to this much.
const UNPACK_FLOOR: u64 = 256 << 20;

/// The most an archive of `archive_len` bytes may unpack to.
pub fn unpack_cap(limits: &Limits, archive_len: u64) -> u64 {
    limits.unpack_max.unwrap_or_else(|| {
        archive_len
            .saturating_mul(UNPACK_RATIO)
            .clamp(UNPACK_FLOOR, UNPACK_CEILING)
    })
}

/// Stream `artifact` to `dest`, hashing as it goes; refuse a digest mismatch,
/// a server that stalls or takes too long, and a body larger than announced
/// (or than `limits` allow). Returns the size.
fn download(
    http: &Client,
    artifact: &Artifact,
    dest: &Path,
    limits: &Limits,
    lang: crate::messages::Lang,
) -> Result<u64, PayloadError> {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let fail = |reason: String| PayloadError::Fetch {
        url: artifact.url.clone(),
        reason,
    };
    let policy = crate::net::http::Policy {
        stall: limits.stall,
        overall: limits.overall,
        ..http.download()
    };
    let mut response = http
        .get(&artifact.url, "*/*", policy, lang)
        .map_err(|e| fail(e.message(lang)))?;
    let length = response.length;
    if let Some(announced) = length.filter(|l| *l > limits.max_bytes) {
        return Err(fail(fill(
            t.download_too_big,
            &[
                ("announced", &announced.to_string()),
                ("max", &limits.max_bytes.to_string()),
            ],
        )));
    }
    let cap = length.unwrap_or(limits.max_bytes);
    let bar = progress_bar(length, t.download_progress);
    let mut hasher = artifact.digest.hasher();
    let write_err = |source| PayloadError::Io {
        what: "write".into(),
        path: dest.into(),
        source,
    };
    // A fresh file in usbide's own staging folder: never an existing one.
    let mut file = File::options()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(write_err)?;
    let mut total = 0u64;
    while let Some(chunk) = response.next_chunk().map_err(|e| fail(e.message(lang)))? {
        total += chunk.len() as u64;
        if total > cap {
            let template = if length.is_some() {
                t.download_over_announced
            } else {
                t.download_over_cap
            };
            return Err(fail(fill(template, &[("cap", &cap.to_string())])));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).map_err(write_err)?;
        bar.set_position(total);
    }
    bar.finish_and_clear();
    if length.is_some_and(|l| l != total) {
        return Err(fail(fill(
            t.download_short,
            &[
                ("total", &total.to_string()),
                ("length", &length.unwrap_or(0).to_string()),
            ],
        )));
    }
    file.sync_all().map_err(write_err)?;
    verified(artifact, hasher)?;
    Ok(total)
}

/// Copy the archive at `from` into the staging folder, hashing the bytes
/// copied: what is installed is what was verified, even if the file
/// changes meanwhile. Returns the size.
fn copy_in(from: &Path, artifact: &Artifact, dest: &Path, max: u64) -> Result<u64, PayloadError> {
    use std::io::Read;
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PayloadError::Io {
            what: "copy".into(),
            path,
            source,
        }
    };
    let mut reader = File::open(from).map_err(io_err(from))?.take(max);
    let mut file = File::options()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(io_err(dest))?;
    let mut hasher = artifact.digest.hasher();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(io_err(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(io_err(dest))?;
        total += n as u64;
    }
    file.sync_all().map_err(io_err(dest))?;
    verified(artifact, hasher)?;
    Ok(total)
}

/// The digest of the bytes hashed, refused unless it is the artifact's.
fn verified(
    artifact: &Artifact,
    hasher: crate::payload::digest::Hasher,
) -> Result<(), PayloadError> {
    let actual = hasher.finish();
    if actual != artifact.digest {
        return Err(PayloadError::DigestMismatch {
            url: artifact.url.clone(),
            expected: artifact.digest.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(())
}

fn progress_bar(length: Option<u64>, message: &'static str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg}[{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

/// The codex tree inside an unpacked archive: npm's `package/vendor/<triple>`,
/// any folder with a `codex-package.json`, or a lone binary (GitHub assets),
/// which is moved to `bin/codex[.exe]`.
fn find_tree(
    unpacked: &Path,
    target: &Target,
    lang: crate::messages::Lang,
) -> Result<PathBuf, PayloadError> {
    let npm = unpacked.join("package").join("vendor").join(target.triple);
    if npm.is_dir() {
        return Ok(npm);
    }
    if let Some(dir) = find_dir_with(unpacked, "codex-package.json", 3) {
        return Ok(dir);
    }
    let names = [
        target.exe("codex"),
        target.exe(&format!("codex-{}", target.triple)),
    ];
    let lone = names.iter().map(|n| unpacked.join(n)).find(|p| p.is_file());
    let Some(lone) = lone else {
        return Err(PayloadError::Layout {
            reason: crate::messages::fill(
                crate::messages::text(lang).archive_no_codex,
                &[("target", target.triple)],
            ),
        });
    };
    let tree = unpacked.join("tree");
    let bin = tree.join("bin");
    let io_err = |source| PayloadError::Io {
        what: "arrange".into(),
        path: bin.clone(),
        source,
    };
    fs::create_dir_all(&bin).map_err(io_err)?;
    fs::rename(&lone, bin.join(target.exe("codex"))).map_err(io_err)?;
    Ok(tree)
}

fn find_dir_with(dir: &Path, file: &str, depth: usize) -> Option<PathBuf> {
    if dir.join(file).is_file() {
        return Some(dir.to_path_buf());
    }
    if depth == 0 {
        return None;
    }
    let mut subdirs: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    subdirs
        .iter()
        .find_map(|d| find_dir_with(d, file, depth - 1))
}

/// Rename `tree` to `payload/<triple>`, moving the old one aside first and
/// back again if the swap fails. Returns the final folder.
fn swap_in(
    payload_dir: &Path,
    triple: &str,
    tree: &Path,
    keep_previous: bool,
) -> Result<PathBuf, PayloadError> {
    let final_dir = payload_dir.join(triple);
    let previous = payload_dir.join(format!(".previous-{triple}"));
    let io_err = |what: &str, path: &Path| {
        let (what, path) = (what.to_string(), path.to_path_buf());
        move |source| PayloadError::Io { what, path, source }
    };
    if previous.exists() {
        fs::remove_dir_all(&previous).map_err(io_err("remove", &previous))?;
    }
    let had_previous = final_dir.exists();
    if had_previous {
        fsx::rename_with_retry(&final_dir, &previous)
            .map_err(io_err("move aside (is codex still running?)", &final_dir))?;
    }
    if let Err(source) = fsx::rename_with_retry(tree, &final_dir) {
        if had_previous {
            let _ = fsx::rename_with_retry(&previous, &final_dir);
        }
        return Err(PayloadError::Io {
            what: "move into place".into(),
            path: final_dir,
            source,
        });
    }
    if had_previous {
        let kept = crate::payload::rollback_dir(payload_dir, triple);
        let _ = fs::remove_dir_all(&kept);
        if !keep_previous || fsx::rename_with_retry(&previous, &kept).is_err() {
            let _ = fs::remove_dir_all(&previous);
        }
    }
    Ok(final_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_unpacks_to_a_bounded_multiple_of_its_size() {
        let defaults = Limits::default();
        assert_eq!(unpack_cap(&defaults, 1), UNPACK_FLOOR);
        assert_eq!(unpack_cap(&defaults, 60 << 20), 1200 << 20);
        assert_eq!(unpack_cap(&defaults, u64::MAX), UNPACK_CEILING);
        let set = Limits {
            unpack_max: Some(u64::MAX),
            ..defaults
        };
        assert_eq!(unpack_cap(&set, 10), u64::MAX);
    }
}
