//! `usbide payload install|status`: fill `payload/` and check what is there.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::cli::{PayloadCommand, PayloadInstallArgs};
use crate::context::Context;
use crate::payload::install::{self, Request};
use crate::payload::manifest::Manifest;
use crate::payload::record::{Record, Verdict};
use crate::payload::source::Source;
use crate::payload::{self as pl, MANIFEST, Target, target};
use crate::stick::Stick;
use crate::ui::note;

/// Dispatch `usbide payload ...`.
pub fn run(ctx: &Context, action: &PayloadCommand) -> Result<i32> {
    match action {
        PayloadCommand::Install(args) => install_cmd(ctx, args),
        PayloadCommand::Status(a) => status(ctx, a.json),
        PayloadCommand::Update(a) => update(ctx, a),
        PayloadCommand::Rollback { target } => rollback(ctx, target),
    }
}

/// The stick's pin: `payload.toml` in the payload folder (or the root's),
/// else the one compiled into usbide.
fn manifest(stick: &Stick) -> Result<Option<Manifest>> {
    let own = stick.payload_dir.join(MANIFEST);
    let path = if own.is_file() {
        own
    } else {
        stick.root.join("payload").join(MANIFEST)
    };
    Ok(Some(
        Manifest::load(&path)?.unwrap_or_else(Manifest::built_in),
    ))
}

/// After an install of the built-in pin on a stick without `payload.toml`:
/// write it, so the stick keeps the pin it was set up with.
fn keep_built_in_pin(ctx: &Context, stick: &Stick, version: &str) -> Result<()> {
    let path = stick.payload_dir.join(MANIFEST);
    if path.exists()
        || stick.root.join("payload").join(MANIFEST).exists()
        || Manifest::built_in().version != version
    {
        return Ok(());
    }
    crate::fsx::write_atomic(&path, crate::payload::manifest::BUILT_IN.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    note(&crate::messages::fill(
        crate::messages::text(ctx.lang).payload_pin_written,
        &[("version", version), ("path", &path.display().to_string())],
    ));
    Ok(())
}

fn source(ctx: &Context, registry_flag: Option<&str>) -> Source {
    match registry_flag
        .map(str::to_string)
        .or_else(|| ctx.settings.npm_registry.clone())
    {
        Some(registry) => Source::Npm { registry },
        None => Source::Github {
            api: ctx.settings.github_api.clone(),
        },
    }
}

fn install_cmd(ctx: &Context, args: &PayloadInstallArgs) -> Result<i32> {
    let stick = ctx.stick()?;
    // Two installs (or an install and a session) must not swap trees under each other.
    let _lock = crate::session::prepare::lock(ctx, &stick)?;
    let targets = target::select(&args.target)
        .map_err(|reason| crate::cmd::config::UsageError(format!("--target: {reason}")))?;
    let manifest = manifest(&stick)?;
    let source = source(ctx, args.npm_registry.as_deref());
    let version = match (args.version.as_deref(), &manifest) {
        (Some("latest"), _) => {
            let v = source.latest(&ctx.net)?;
            note(&crate::messages::fill(
                crate::messages::text(ctx.lang).payload_latest,
                &[("version", &v), ("source", &source.describe())],
            ));
            v
        }
        (Some(v), _) => v
            .trim_start_matches("rust-v")
            .trim_start_matches('v')
            .to_string(),
        (None, Some(m)) => m.version.clone(),
        (None, None) => {
            bail!("no codex version pinned in payload/{MANIFEST}; pass --version X.Y.Z")
        }
    };
    for t in targets {
        install_one(
            ctx,
            &stick,
            &version,
            t,
            &source,
            manifest.as_ref(),
            args.force,
        )?;
    }
    keep_built_in_pin(ctx, &stick, &version)?;
    Ok(crate::exit::OK)
}

fn install_one(
    ctx: &Context,
    stick: &Stick,
    version: &str,
    t: &'static Target,
    source: &Source,
    manifest: Option<&Manifest>,
    force: bool,
) -> Result<PathBuf> {
    install_with(ctx, stick, version, t, source, manifest, force, false)
}

#[allow(clippy::too_many_arguments)]
fn install_with(
    ctx: &Context,
    stick: &Stick,
    version: &str,
    t: &'static Target,
    source: &Source,
    manifest: Option<&Manifest>,
    force: bool,
    keep_previous: bool,
) -> Result<PathBuf> {
    if !force && let Some(exe) = verified(stick, version, t) {
        note(&crate::messages::fill(
            crate::messages::text(ctx.lang).payload_verified_already,
            &[("version", version), ("target", t.triple)],
        ));
        return Ok(exe);
    }
    note(&format!(
        "installing codex {version} for {} from {}",
        t.triple,
        source.describe()
    ));
    let req = Request {
        version: version.to_string(),
        target: t,
        source: source.clone(),
        pin: manifest.and_then(|m| m.pin(version, t.triple)),
        keep_previous,
    };
    let done = install::install(&stick.payload_dir, &ctx.net, &req)
        .with_context(|| format!("codex {version} for {} was not installed", t.triple))?;
    if done.cleaned_interrupted {
        note(&format!(
            "an earlier install of {} had been interrupted; its leftovers were removed",
            t.triple
        ));
    }
    note(&format!(
        "installed codex {} in {} ({} files, archive {})",
        done.record.version,
        done.tree.dir.display(),
        done.record.files.len(),
        done.record.archive_digest
    ));
    Ok(done.tree.exe)
}

/// The codex of `t` when `version` is installed there and verifies.
fn verified(stick: &Stick, version: &str, t: &'static Target) -> Option<PathBuf> {
    let tree = pl::tree_for(&stick.payload_dir, t).ok()?;
    let record = Record::load(&tree.dir).ok()?;
    (record.version == version && matches!(record.verify(&tree.dir), Verdict::Verified { .. }))
        .then_some(tree.exe)
}

/// Install the host's payload before a launch (asked or `--yes`).
pub fn install_for_launch(ctx: &Context, stick: &Stick, t: &'static Target) -> Result<PathBuf> {
    let manifest = manifest(stick)?;
    let version = manifest
        .as_ref()
        .map(|m| m.version.clone())
        .with_context(|| format!("no codex version pinned in payload/{MANIFEST}; run `usbide payload install --version X.Y.Z`"))?;
    let exe = install_one(
        ctx,
        stick,
        &version,
        t,
        &source(ctx, None),
        manifest.as_ref(),
        false,
    )?;
    keep_built_in_pin(ctx, stick, &version)?;
    Ok(exe)
}

/// `usbide payload update`: a newer codex in, the previous one kept, the
/// pin moved to the new version with the digests the source publishes.
fn update(ctx: &Context, args: &crate::cli::PayloadUpdateArgs) -> Result<i32> {
    let stick = ctx.stick()?;
    let _lock = crate::session::prepare::lock(ctx, &stick)?;
    let targets = target::select(&args.target)
        .map_err(|reason| crate::cmd::config::UsageError(format!("--target: {reason}")))?;
    let source = source(ctx, args.npm_registry.as_deref());
    let version = match args.version.as_deref() {
        Some(v) => v
            .trim_start_matches("rust-v")
            .trim_start_matches('v')
            .to_string(),
        None => source.latest(&ctx.net)?,
    };
    let manifest = manifest(&stick)?;
    let mut changed = false;
    for t in targets {
        if verified(&stick, &version, t).is_some() {
            note(&crate::messages::fill(
                crate::messages::text(ctx.lang).payload_verified_already,
                &[("version", &version), ("target", t.triple)],
            ));
            continue;
        }
        install_with(
            ctx,
            &stick,
            &version,
            t,
            &source,
            manifest.as_ref(),
            false,
            true,
        )?;
        changed = true;
    }
    if changed {
        move_pin(ctx, &stick, &version, &source)?;
    }
    Ok(crate::exit::OK)
}

/// Write `payload.toml` for `version` (every target's digest the source
/// gives), keeping the previous file as `payload.toml.rollback`.
fn move_pin(ctx: &Context, stick: &Stick, version: &str, source: &Source) -> Result<()> {
    let path = stick.payload_dir.join(MANIFEST);
    let old = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| crate::payload::manifest::BUILT_IN.to_string());
    let header: String = old
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let mut text = format!("{header}version = \"{version}\"\n");
    for t in target::ALL {
        let Ok(artifact) = source.resolve(&ctx.net, version, t, None) else {
            continue;
        };
        let field = match source {
            Source::Npm { .. } => "npm_integrity",
            Source::Github { .. } => "github_sha256",
        };
        text.push_str(&format!(
            "\n[targets.{}]\n{field} = \"{}\"\n",
            t.triple, artifact.digest
        ));
    }
    let keep = stick.payload_dir.join(format!("{MANIFEST}.rollback"));
    crate::fsx::write_atomic(&keep, old.as_bytes())
        .with_context(|| format!("cannot write {}", keep.display()))?;
    crate::fsx::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    note(&crate::messages::fill(
        crate::messages::text(ctx.lang).payload_pin_written,
        &[("version", version), ("path", &path.display().to_string())],
    ));
    Ok(())
}

/// `usbide payload rollback`.
fn rollback(ctx: &Context, target_arg: &str) -> Result<i32> {
    let stick = ctx.stick()?;
    let _lock = crate::session::prepare::lock(ctx, &stick)?;
    let targets = target::select(target_arg)
        .map_err(|reason| crate::cmd::config::UsageError(format!("--target: {reason}")))?;
    for t in targets {
        pl::rollback(&stick.payload_dir, t.triple)?;
        let version = Record::load(&stick.payload_dir.join(t.triple))
            .map(|r| r.version)
            .unwrap_or_default();
        note(&crate::messages::fill(
            crate::messages::text(ctx.lang).payload_rolled_back,
            &[("version", &version), ("target", t.triple)],
        ));
    }
    let (pin, kept) = (
        stick.payload_dir.join(MANIFEST),
        stick.payload_dir.join(format!("{MANIFEST}.rollback")),
    );
    if let Ok(previous) = std::fs::read(&kept) {
        let current = std::fs::read(&pin).unwrap_or_default();
        crate::fsx::write_atomic(&pin, &previous)
            .with_context(|| format!("cannot write {}", pin.display()))?;
        crate::fsx::write_atomic(&kept, &current)
            .with_context(|| format!("cannot write {}", kept.display()))?;
    }
    Ok(crate::exit::OK)
}

/// One installed target, as `payload status` reports it.
#[derive(Debug, serde::Serialize)]
struct TargetState {
    triple: String,
    host: bool,
    version: Option<String>,
    origin: Option<String>,
    /// `verified`, `missing`, `modified` or `unrecorded`.
    state: &'static str,
    /// The missing or modified file, or the number of verified files.
    file: Option<String>,
    files: Option<usize>,
}

fn status(ctx: &Context, json: bool) -> Result<i32> {
    let stick = ctx.stick()?;
    let pinned = manifest(&stick)?.map(|m| m.version);
    let host = target::host();
    // Putting back a tree an interrupted install moved aside writes: only
    // when no other usbide is at work (and the stick is writable).
    if let Some(h) = host
        && let Ok(_lock) =
            crate::lock::StickLock::acquire(&stick.codex_home(), std::time::Duration::ZERO)
    {
        pl::recover(&stick.payload_dir, h.triple);
    }
    let states: Vec<TargetState> = pl::installed_triples(&stick.payload_dir)
        .into_iter()
        .map(|triple| {
            let tree = stick.payload_dir.join(&triple);
            let is_host = host.is_some_and(|h| h.triple == triple);
            let mut st = TargetState {
                triple,
                host: is_host,
                version: None,
                origin: None,
                state: "unrecorded",
                file: None,
                files: None,
            };
            if let Ok(rec) = Record::load(&tree) {
                (st.state, st.file, st.files) = match rec.verify(&tree) {
                    Verdict::Verified { files } => ("verified", None, Some(files)),
                    Verdict::Missing(f) => ("missing", Some(f), None),
                    Verdict::Modified(f) => ("modified", Some(f), None),
                };
                st.version = Some(rec.version);
                st.origin = Some(rec.origin);
            }
            st
        })
        .collect();
    let interrupted = pl::interrupted(&stick.payload_dir);
    let host_present = states.iter().any(|s| s.host);
    let failed = states.iter().any(|s| s.state != "verified");
    let code = if failed || !host_present {
        crate::exit::PAYLOAD
    } else {
        crate::exit::OK
    };
    if json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "payload_dir": stick.payload_dir.display().to_string(),
            "pinned": pinned,
            "host": host.map(|h| h.triple),
            "targets": states,
            "interrupted": interrupted,
        });
        crate::out::println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(code);
    }
    crate::out::println!(
        "payload {} (pinned: {})",
        stick.payload_dir.display(),
        pinned
            .as_deref()
            .map_or("none".to_string(), |v| format!("codex {v}"))
    );
    for st in &states {
        let mark = if st.host { " (this host)" } else { "" };
        let version = st.version.as_deref().unwrap_or("?");
        let line = match st.state {
            "verified" => format!(
                "codex {version} from {}: verified ({} files)",
                st.origin.as_deref().unwrap_or("?"),
                st.files.unwrap_or(0)
            ),
            "missing" => format!(
                "codex {version}: {} is missing; reinstall with `usbide payload install`",
                st.file.as_deref().unwrap_or("?")
            ),
            "modified" => format!(
                "codex {version}: {} was modified; reinstall with `usbide payload install`",
                st.file.as_deref().unwrap_or("?")
            ),
            _ => "no install record: not installed by usbide, cannot verify".to_string(),
        };
        crate::out::println!("{}{mark}: {line}", st.triple);
    }
    for t in interrupted {
        crate::out::println!(
            "{t}: an install was interrupted; the previous payload (if any) is untouched; run `usbide payload install` again"
        );
    }
    if !host_present {
        crate::out::println!("no codex for this host; run `usbide payload install`");
    }
    Ok(code)
}
