//! What runs between preparing the stick and starting codex: the login
//! guard (never let codex delete the stored login; offer a login where a
//! session needs one) and the quick preflight of every session.

use std::ffi::OsString;
use std::io::{self, IsTerminal};

use anyhow::Result;

use crate::cmd::{Context, Ready, ask, note};

/// Before codex runs: put back a login an interrupted attempt removed; stop a
/// launch that would make codex delete the stored login (it does when the
/// mode contradicts `forced_login_method`); and for an interactive session
/// with no login, offer to log in (terminal) or stop with the hint.
pub fn check_login(
    ctx: &Context,
    ready: &Ready,
    codex: &std::path::Path,
    args: &[OsString],
    interactive: bool,
) -> Result<()> {
    use crate::login::{self, LoginError, claims};
    let home = ready.stick.codex_home();
    if login::recover_interrupted(&home) {
        note("an interrupted login had removed auth.json; the previous login is back");
    }
    let provider = &ready.provider;
    if !provider.openai_login || !login::needs_session(args) {
        return Ok(());
    }
    let terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
    let problem = match claims::read(&login::auth_path(&home)) {
        Ok(summary) => match login::mismatch(
            &summary,
            ctx.settings.login_method,
            provider.workspace.as_deref(),
        ) {
            Some(why) => LoginError::Mismatch { why },
            None => return Ok(()),
        },
        Err(claims::AuthFileError::Missing) if interactive => LoginError::Missing,
        Err(_) => return Ok(()),
    };
    if terminal && ask(&problem.question())? {
        let code = crate::cmd::login::login(ctx, ready, codex, &crate::cli::LoginArgs::default())?;
        if code == crate::exit::OK {
            return Ok(());
        }
    }
    Err(problem.into())
}

/// The quick preflight of every launch: local checks, plus the network ones
/// when no success for this computer and network is younger than ten
/// minutes (`USBIDE_PREFLIGHT=local` skips those, `off` skips all). Only
/// problems are shown; nothing here stops the launch.
pub fn preflight_on_launch(ctx: &Context, ready: &Ready) {
    use crate::preflight::{self, Options, cache, check::Status};
    let mode = ctx
        .env
        .get_str("USBIDE_PREFLIGHT")
        .unwrap_or_else(|| "auto".into())
        .to_ascii_lowercase();
    if mode == "off" {
        return;
    }
    let home = ready.stick.codex_home();
    let mut opts = Options::from_settings(
        &ctx.env,
        &ctx.settings,
        &ready.provider,
        false,
        mode != "local",
    );
    let fingerprint = cache::fingerprint(&ctx.env, &opts.endpoints);
    let now = crate::time::now();
    if opts.network && cache::fresh(&home, &fingerprint, now) {
        opts.network = false;
    }
    let report = preflight::run(&ready.stick, &ctx.settings, &ctx.env, None, &opts);
    let network_ok = !report
        .checks
        .iter()
        .any(|c| c.group == crate::preflight::check::Group::Network && c.status == Status::Fail);
    if opts.network && network_ok {
        cache::save(&home, &fingerprint, now);
    }
    let fat_note = crate::login::state_dir(&home).join("fat-warned");
    for c in report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
    {
        // Login problems have their own guard; the FAT warning is said once per stick.
        if c.id.starts_with("login.") || (c.id == "stick.permissions" && fat_note.exists()) {
            continue;
        }
        if c.id == "stick.permissions" {
            let _ = std::fs::create_dir_all(crate::login::state_dir(&home));
            let _ = crate::fsx::write_atomic(&fat_note, b"shown\n");
        }
        note(&format!(
            "{}: {} ({})",
            c.id,
            c.finding,
            c.fix.as_deref().unwrap_or_default()
        ));
    }
    if let Some(bundle) = &report.ca_bundle {
        note(&format!(
            "TLS inspection on this network: codex gets the CA bundle {}",
            bundle.display()
        ));
    }
}
