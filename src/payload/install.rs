//! `usbide payload install`: download into a staging folder on the stick,
//! verify the digest, unpack, record, then swap in by rename. Until the
//! final rename nothing touches `payload/<target>/`, so an interrupted or
//! failed install leaves the previous payload working.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::environ::Environ;
use crate::fsx;
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
}

/// A finished install.
#[derive(Debug, Clone)]
pub struct Installed {
    pub tree: Tree,
    pub record: Record,
    /// A leftover of an earlier, interrupted install was cleaned up first.
    pub cleaned_interrupted: bool,
}

/// The staging folder of a target: `payload/.staging-<triple>`.
pub fn staging_dir(payload_dir: &Path, triple: &str) -> PathBuf {
    payload_dir.join(format!(".staging-{triple}"))
}

/// Install `req` into `payload_dir/<triple>`.
pub fn install(
    payload_dir: &Path,
    env: &Environ,
    req: &Request<'_>,
) -> Result<Installed, PayloadError> {
    let io_err = |what: &str, path: &Path| {
        let what = what.to_string();
        let path = path.to_path_buf();
        move |source: io::Error| PayloadError::Io { what, path, source }
    };
    fs::create_dir_all(payload_dir).map_err(io_err("create", payload_dir))?;
    let staging = staging_dir(payload_dir, req.target.triple);
    let cleaned_interrupted = staging.exists();
    if cleaned_interrupted {
        fs::remove_dir_all(&staging).map_err(io_err("remove the leftover", &staging))?;
    }
    let artifact = req.source.resolve(env, &req.version, req.target, req.pin)?;
    fs::create_dir_all(&staging).map_err(io_err("create", &staging))?;
    let result = stage(&staging, env, req, &artifact).and_then(|(tree_dir, record)| {
        swap_in(payload_dir, req.target.triple, &tree_dir).map(|final_dir| (final_dir, record))
    });
    let _ = fs::remove_dir_all(&staging);
    let (final_dir, record) = result?;
    let tree =
        layout::open(&final_dir, req.target).map_err(|reason| PayloadError::Layout { reason })?;
    Ok(Installed {
        tree,
        record,
        cleaned_interrupted,
    })
}

/// Download, verify, unpack and record inside `staging`; return the tree.
fn stage(
    staging: &Path,
    env: &Environ,
    req: &Request<'_>,
    artifact: &Artifact,
) -> Result<(PathBuf, Record), PayloadError> {
    let archive = staging.join("download.part");
    download(env, artifact, &archive)?;
    let unpacked = staging.join("unpacked");
    crate::payload::unpack::unpack(&archive, artifact.kind, &unpacked).map_err(|source| {
        PayloadError::Io {
            what: "unpack".into(),
            path: archive.clone(),
            source,
        }
    })?;
    let _ = fs::remove_file(&archive);
    let tree_dir = find_tree(&unpacked, req.target)?;
    let tree =
        layout::open(&tree_dir, req.target).map_err(|reason| PayloadError::Layout { reason })?;
    let io_err = |source| PayloadError::Io {
        what: "record".into(),
        path: tree_dir.clone(),
        source,
    };
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

/// Stream `artifact` to `dest`, hashing as it goes; refuse a digest mismatch.
fn download(env: &Environ, artifact: &Artifact, dest: &Path) -> Result<(), PayloadError> {
    let fail = |reason: String| PayloadError::Fetch {
        url: artifact.url.clone(),
        reason,
    };
    let agent = crate::net::agent_for(env, &artifact.url).map_err(fail)?;
    let response = agent
        .get(&artifact.url)
        .call()
        .map_err(|e| fail(e.to_string()))?;
    let length = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut reader = response
        .into_body()
        .into_with_config()
        .limit(u64::MAX)
        .reader();
    let bar = progress_bar(length);
    let mut hasher = artifact.digest.hasher();
    let mut file = File::create(dest).map_err(|source| PayloadError::Io {
        what: "create".into(),
        path: dest.into(),
        source,
    })?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| fail(format!("download broke off after {total} bytes: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])
            .map_err(|source| PayloadError::Io {
                what: "write".into(),
                path: dest.into(),
                source,
            })?;
        total += n as u64;
        bar.set_position(total);
    }
    bar.finish_and_clear();
    if length.is_some_and(|l| l != total) {
        return Err(fail(format!(
            "download ended after {total} of {} bytes",
            length.unwrap_or(0)
        )));
    }
    file.sync_all().map_err(|source| PayloadError::Io {
        what: "write".into(),
        path: dest.into(),
        source,
    })?;
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

fn progress_bar(length: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg}[{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("downloading codex ");
    bar
}

/// The codex tree inside an unpacked archive: npm's `package/vendor/<triple>`,
/// any folder with a `codex-package.json`, or a lone binary (GitHub assets),
/// which is moved to `bin/codex[.exe]`.
fn find_tree(unpacked: &Path, target: &Target) -> Result<PathBuf, PayloadError> {
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
            reason: format!("the archive holds no codex for {}", target.triple),
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
fn swap_in(payload_dir: &Path, triple: &str, tree: &Path) -> Result<PathBuf, PayloadError> {
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
        let _ = fs::remove_dir_all(&previous);
    }
    Ok(final_dir)
}
