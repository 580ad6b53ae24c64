//! The codex on the stick: install it (for a launch too), update it and go
//! back, move the pin in `payload.toml`, and say what is there
//! (`usbide payload ...`).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::cli::{PayloadCommand, PayloadInstallArgs};
use crate::context::Context;
use crate::messages::{fill, text};
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
    super::write_file(ctx, &path, crate::payload::manifest::BUILT_IN.as_bytes())?;
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
    let _lock = crate::session::stick_lock::lock(ctx, &stick)?;
    let targets = target::select(&args.target, ctx.lang)
        .map_err(|reason| crate::cli::UsageError(format!("--target: {reason}")))?;
    let manifest = manifest(&stick)?;
    let source = match &args.from {
        Some(path) => Source::File { path: path.clone() },
        None => source(ctx, args.npm_registry.as_deref()),
    };
    let version = match (args.version.as_deref(), &manifest) {
        (Some("latest"), _) => {
            let v = source.latest(&ctx.http, ctx.lang)?;
            note(&crate::messages::fill(
                crate::messages::text(ctx.lang).payload_latest,
                &[("version", &v), ("source", &source.describe(ctx.lang))],
            ));
            v
        }
        (Some(v), _) => v
            .trim_start_matches("rust-v")
            .trim_start_matches('v')
            .to_string(),
        (None, Some(m)) => m.version.clone(),
        (None, None) => {
            bail!(fill(
                text(ctx.lang).payload_no_pin,
                &[("manifest", MANIFEST)]
            ))
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
        // What an interrupted install left is removed all the same.
        let leftovers = install::leftover_staging(&stick.payload_dir, t.triple);
        if !leftovers.is_empty() {
            for dir in leftovers {
                let _ = std::fs::remove_dir_all(dir);
            }
            note(&fill(
                text(ctx.lang).payload_leftovers,
                &[("version", version), ("target", t.triple)],
            ));
        }
        note(&crate::messages::fill(
            crate::messages::text(ctx.lang).payload_verified_already,
            &[("version", version), ("target", t.triple)],
        ));
        return Ok(exe);
    }
    let tx = text(ctx.lang);
    let what = [("version", version), ("target", t.triple)];
    note(&fill(
        tx.payload_installing,
        &[
            ("version", version),
            ("target", t.triple),
            ("source", &source.describe(ctx.lang)),
        ],
    ));
    let req = Request {
        version: version.to_string(),
        target: t,
        source: source.clone(),
        pin: manifest.and_then(|m| m.pin(version, t.triple)),
        keep_previous,
        lang: ctx.lang,
        limits: ctx.settings.downloads,
    };
    let done = install::install(&stick.payload_dir, &ctx.http, &req)
        .with_context(|| fill(tx.payload_not_installed, &what))?;
    if done.cleaned_interrupted {
        note(&fill(tx.payload_leftovers, &what));
    }
    note(&fill(
        tx.payload_installed,
        &[
            ("version", &done.record.version),
            ("dir", &done.tree.dir.display().to_string()),
            ("files", &done.record.files.len().to_string()),
            ("digest", &done.record.archive_digest),
        ],
    ));
    Ok(done.tree.exe)
}

/// The codex of `t` when `version` is installed there and verifies.
fn verified(stick: &Stick, version: &str, t: &'static Target) -> Option<PathBuf> {
    let tree = pl::tree_for(&stick.payload_dir, t, crate::messages::Lang::En).ok()?;
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
        .with_context(|| {
            fill(
                text(ctx.lang).payload_no_pin_launch,
                &[("manifest", MANIFEST)],
            )
        })?;
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
    let _lock = crate::session::stick_lock::lock(ctx, &stick)?;
    let targets = target::select(&args.target, ctx.lang)
        .map_err(|reason| crate::cli::UsageError(format!("--target: {reason}")))?;
    let source = source(ctx, args.npm_registry.as_deref());
    let version = match args.version.as_deref() {
        Some(v) => v
            .trim_start_matches("rust-v")
            .trim_start_matches('v')
            .to_string(),
        None => source.latest(&ctx.http, ctx.lang)?,
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
        let Ok(artifact) = source.resolve(&ctx.http, version, t, None, ctx.lang) else {
            continue;
        };
        let field = match (source, &artifact.digest) {
            (Source::Npm { .. }, _) => "npm_integrity",
            (Source::Github { .. }, _) => "github_sha256",
            // `payload update` never takes a file; were it to, the digest says which.
            (Source::File { .. }, crate::payload::digest::Digest::Sha512(_)) => "npm_integrity",
            (Source::File { .. }, crate::payload::digest::Digest::Sha256(_)) => "github_sha256",
        };
        text.push_str(&format!(
            "\n[targets.{}]\n{field} = \"{}\"\n",
            t.triple, artifact.digest
        ));
    }
    let keep = stick.payload_dir.join(format!("{MANIFEST}.rollback"));
    super::write_file(ctx, &keep, old.as_bytes())?;
    super::write_file(ctx, &path, text.as_bytes())?;
    note(&crate::messages::fill(
        crate::messages::text(ctx.lang).payload_pin_written,
        &[("version", version), ("path", &path.display().to_string())],
    ));
    Ok(())
}

/// `usbide payload rollback`.
fn rollback(ctx: &Context, target_arg: &str) -> Result<i32> {
    let stick = ctx.stick()?;
    let _lock = crate::session::stick_lock::lock(ctx, &stick)?;
    let targets = target::select(target_arg, ctx.lang)
        .map_err(|reason| crate::cli::UsageError(format!("--target: {reason}")))?;
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
        super::write_file(ctx, &pin, &previous)?;
        super::write_file(ctx, &kept, &current)?;
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
        crate::out::json(&doc)?;
        return Ok(code);
    }
    let t = text(ctx.lang);
    crate::out::println!(
        "{}",
        fill(
            t.payload_status_head,
            &[
                ("dir", &stick.payload_dir.display().to_string()),
                (
                    "pinned",
                    &pinned
                        .as_deref()
                        .map_or(t.payload_pinned_none.to_string(), |v| format!("codex {v}"))
                ),
            ],
        )
    );
    for st in &states {
        let mark = if st.host { t.payload_this_host } else { "" };
        let version = st.version.as_deref().unwrap_or("?");
        let file = st.file.as_deref().unwrap_or("?");
        let line = match st.state {
            "verified" => fill(
                t.payload_verified_status,
                &[
                    ("version", version),
                    ("origin", st.origin.as_deref().unwrap_or("?")),
                    ("files", &st.files.unwrap_or(0).to_string()),
                ],
            ),
            "missing" => fill(
                t.payload_missing_status,
                &[("version", version), ("file", file)],
            ),
            "modified" => fill(
                t.payload_modified_status,
                &[("version", version), ("file", file)],
            ),
            _ => t.payload_no_record_status.to_string(),
        };
        crate::out::println!(
            "{}",
            fill(
                t.payload_status_line,
                &[("target", &st.triple), ("mark", mark), ("line", &line)],
            )
        );
    }
    for target in interrupted {
        crate::out::println!(
            "{}",
            fill(t.payload_interrupted_status, &[("target", &target)])
        );
    }
    if !host_present {
        crate::out::println!("{}", t.payload_none_for_host);
    }
    Ok(code)
}
