//! `usbide doctor [--json] [--offline] [--bundle FILE.zip]`: every check, in
//! plain words, within a few seconds; and a support bundle that is safe to
//! send (no token, no key, no `auth.json`, no `.env`, no transcript).

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::preflight::{self, CodexCall, Options};

/// Run the command; exit 0 when nothing fails, 1 otherwise. The doctor
/// diagnoses and changes nothing (a broken config.toml is reported, not
/// refused), except writing the CA bundle a TLS-inspecting proxy needs.
pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<i32> {
    if let Some(path) = &args.bundle
        && !args.force
        && std::fs::symlink_metadata(path).is_ok()
    {
        let t = crate::messages::text(ctx.lang);
        let shown = path.display().to_string();
        anyhow::bail!(crate::cli::UsageError(crate::messages::fill(
            t.bundle_exists,
            &[("path", &shown)]
        )));
    }
    let stick = ctx.stick()?;
    let home = stick.codex_home();
    // A write-protected stick is what the doctor is often asked about: it
    // runs without the lock there, and writes nothing.
    // Nor does it wait for a codex session: beside one, it only reads.
    let lock = match crate::session::stick_lock::lock(ctx, &stick) {
        Ok(lock) => Some(lock),
        Err(e) if crate::session::stick_lock::is_write_protected(&e) => None,
        Err(e) if crate::session::stick_lock::held_by_session(&e) => {
            crate::ui::note(crate::messages::text(ctx.lang).doctor_beside_session);
            None
        }
        Err(e) => return Err(e),
    };
    if lock.is_some() {
        crate::log::init(&home);
        if let Ok(crate::login::Recovery::Restored) = crate::login::recover_interrupted(&home) {
            let lang = ctx.lang;
            crate::ui::note(crate::login::restored_note(lang));
        }
    }
    let codex_env = crate::session::codex_environment(ctx, &home);
    let sandbox = codex_env.sandbox.clone();
    let codex = crate::payload::target::host()
        .and_then(|t| crate::payload::tree_for(&stick.payload_dir, t, ctx.lang).ok())
        .map(|tree| CodexCall {
            exe: tree.exe,
            overrides: codex_env.overrides,
            env: codex_env.filtered.vars,
        });
    let mut opts = Options::from_settings(
        &ctx.settings,
        &crate::home::provider::Provider::read(&home, ctx.settings.login_method),
        true,
        !args.offline,
    );
    opts.sandbox = sandbox;
    let report = preflight::run(
        &stick,
        &ctx.settings,
        (&ctx.env, &ctx.net),
        codex.as_ref(),
        &opts,
        ctx.lang,
    );
    if report.passed() && opts.network && lock.is_some() {
        preflight::cache::save(
            &home,
            &preflight::cache::fingerprint(&ctx.net, &opts.endpoints),
            crate::time::now(),
        );
    }
    let t = crate::messages::text(ctx.lang);
    // codex's own output in the report can quote a config value (its error
    // about a bad one): those values are hidden too, wherever they appear.
    let known = crate::redact::Known::from_config(
        &crate::home::provider::read_config_text(&home.join("config.toml")).unwrap_or_default(),
    );
    let json = serde_json::to_string_pretty(&report).context(t.cannot_encode_report)?;
    let json = known.text(&json);
    if args.json {
        crate::out::println!("{}", crate::escape::json_text(&json));
    } else {
        let color = ctx.color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
        crate::out::print!(
            "{}",
            known.text(&preflight::render(&report, ctx.lang, color))
        );
    }
    if let Some(path) = &args.bundle {
        bundle(ctx, &stick.root, &home, &known, &json, path)?;
        let shown = path.display().to_string();
        crate::ui::note(&crate::messages::fill(
            t.bundle_written,
            &[("path", &shown)],
        ));
    }
    Ok(if report.passed() { crate::exit::OK } else { 1 })
}

/// The zip: doctor JSON, host facts, redacted config, `.gitignore`,
/// `payload.toml`, the end of usbide's log. Written atomically.
fn bundle(
    ctx: &Context,
    root: &Path,
    home: &Path,
    known: &crate::redact::Known,
    doctor_json: &str,
    dest: &Path,
) -> Result<()> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let host = serde_json::json!({
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "usbide": env!("CARGO_PKG_VERSION"),
        "drive": crate::stick::drive::detect(root),
        "locale": ctx.lang == crate::messages::Lang::Fr,
    });
    let config = crate::home::provider::read_config_text(&home.join("config.toml"))
        .map(|t| crate::redact::config::redact(&t))
        .unwrap_or_else(|| {
            "(no config.toml, or one usbide does not read: see doctor.json)\n".into()
        });
    let files: Vec<(&str, String)> = vec![
        ("doctor.json", doctor_json.to_string()),
        (
            "host.json",
            crate::redact::text(&serde_json::to_string_pretty(&host)?),
        ),
        ("config.toml", config),
        (
            "gitignore.txt",
            crate::redact::text(
                &std::fs::read_to_string(home.join(".gitignore")).unwrap_or_default(),
            ),
        ),
        (
            "payload.toml",
            crate::redact::text(
                &std::fs::read_to_string(root.join("payload").join("payload.toml"))
                    .unwrap_or_default(),
            ),
        ),
        ("usbide.log", crate::log::tail(home, 200)),
    ];
    for (name, text) in files {
        zip.start_file(name, opts)?;
        // Every file once more through the known values: nothing the
        // config holds leaves in the bundle, whichever text quotes it.
        zip.write_all(known.text(&text).as_bytes())?;
    }
    let bytes = zip.finish()?.into_inner();
    // Replaces a file only with --force, and then a link at that name
    // itself, never what it points at.
    crate::fsx::write_own(dest, &bytes)
        .with_context(|| crate::messages::about(crate::messages::text(ctx.lang).cannot_write, dest))
}
