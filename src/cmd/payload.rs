//! `usbide payload install|status`: fill `payload/` and check what is there.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::cli::{PayloadCommand, PayloadInstallArgs};
use crate::context::Context;
use crate::messages::{fill, text};
use crate::payload::install::{self, Request};
use crate::payload::manifest::Manifest;
use crate::payload::record::{Record, Verdict};
use crate::payload::source::Source;
use crate::payload::{self as pl, MANIFEST, PayloadError, Target, target};
use crate::stick::Stick;
use crate::ui::note;

/// Dispatch `usbide payload ...`.
pub fn run(ctx: &Context, action: &PayloadCommand) -> Result<i32> {
    match action {
        PayloadCommand::Install(args) => install_cmd(ctx, args),
        PayloadCommand::Status => status(ctx),
    }
}

fn manifest(stick: &Stick) -> Result<Option<Manifest>> {
    let own = stick.payload_dir.join(MANIFEST);
    let path = if own.is_file() {
        own
    } else {
        stick.root.join("payload").join(MANIFEST)
    };
    Ok(Manifest::load(&path)?)
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
    let manifest = manifest(&stick)?;
    let version = match (&args.version, &manifest) {
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
    let targets =
        target::select(&args.target, ctx.lang).map_err(|reason| PayloadError::Layout { reason })?;
    let source = source(ctx, args.npm_registry.as_deref());
    for t in targets {
        install_one(ctx, &stick, &version, t, &source, manifest.as_ref())?;
    }
    Ok(crate::exit::OK)
}

fn install_one(
    ctx: &Context,
    stick: &Stick,
    version: &str,
    t: &'static Target,
    source: &Source,
    manifest: Option<&Manifest>,
) -> Result<PathBuf> {
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
        lang: ctx.lang,
    };
    let done = install::install(&stick.payload_dir, &ctx.net, &req)
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
    install_one(
        ctx,
        stick,
        &version,
        t,
        &source(ctx, None),
        manifest.as_ref(),
    )
}

fn status(ctx: &Context) -> Result<i32> {
    let t = text(ctx.lang);
    let stick = ctx.stick()?;
    let pinned = manifest(&stick)?.map(|m| m.version);
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
    let host = target::host();
    let mut failed = false;
    // Putting back a tree an interrupted install moved aside writes: only
    // when no other usbide is at work (and the stick is writable).
    if let Some(h) = host
        && let Ok(_lock) =
            crate::lock::StickLock::acquire(&stick.codex_home(), std::time::Duration::ZERO)
    {
        pl::recover(&stick.payload_dir, h.triple);
    }
    let triples = pl::installed_triples(&stick.payload_dir);
    for triple in &triples {
        let mark = if host.is_some_and(|h| h.triple == triple) {
            t.payload_this_host
        } else {
            ""
        };
        let tree = stick.payload_dir.join(triple);
        let line = match Record::load(&tree) {
            Err(_) => {
                failed = true;
                t.payload_no_record_status.to_string()
            }
            Ok(rec) => match rec.verify(&tree) {
                Verdict::Verified { files } => fill(
                    t.payload_verified_status,
                    &[
                        ("version", &rec.version),
                        ("origin", &rec.origin.to_string()),
                        ("files", &files.to_string()),
                    ],
                ),
                Verdict::Missing(f) => {
                    failed = true;
                    fill(
                        t.payload_missing_status,
                        &[("version", &rec.version), ("file", &f)],
                    )
                }
                Verdict::Modified(f) => {
                    failed = true;
                    fill(
                        t.payload_modified_status,
                        &[("version", &rec.version), ("file", &f)],
                    )
                }
            },
        };
        crate::out::println!(
            "{}",
            fill(
                t.payload_status_line,
                &[("target", triple), ("mark", mark), ("line", &line)],
            )
        );
    }
    for target in pl::interrupted(&stick.payload_dir) {
        crate::out::println!(
            "{}",
            fill(t.payload_interrupted_status, &[("target", &target)])
        );
    }
    let host_present = host.is_some_and(|h| triples.iter().any(|t| t == h.triple));
    if !host_present {
        crate::out::println!("{}", t.payload_none_for_host);
    }
    Ok(if failed || !host_present {
        crate::exit::PAYLOAD
    } else {
        crate::exit::OK
    })
}
