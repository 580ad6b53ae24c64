//! Fourth step: the quick preflight of every session, which only speaks
//! when something on this host will break codex.

use crate::context::Context;
use crate::session::Ready;
use crate::ui::note;

/// The file that remembers a finding said once per stick, for the findings
/// about the stick itself (its file system, where it is).
fn said_once(id: &str) -> Option<&'static str> {
    match id {
        "stick.permissions" => Some("fat-warned"),
        "stick.network" => Some("network-warned"),
        "stick.onedrive" => Some("onedrive-warned"),
        _ => None,
    }
}

/// The quick preflight of every launch: local checks, plus the network ones
/// when no success for this computer and network is younger than ten
/// minutes (`USBIDE_PREFLIGHT=local` skips those, `off` skips all). Only
/// problems are shown; nothing here stops the launch.
pub fn preflight_on_launch(ctx: &Context, ready: &Ready) {
    use crate::preflight::{self, Options, cache, check::Status};
    use crate::settings::Preflight;
    if ctx.settings.preflight == Preflight::Off {
        return;
    }
    let home = ready.stick.codex_home();
    let mut opts = Options::from_settings(
        &ctx.settings,
        &ready.provider,
        false,
        ctx.settings.preflight == Preflight::Auto,
    );
    let fingerprint = cache::fingerprint(&ctx.net, &opts.endpoints);
    let now = crate::time::now();
    if opts.network && cache::fresh(&home, &fingerprint, now) {
        opts.network = false;
    }
    let report = preflight::run(
        &ready.stick,
        &ctx.settings,
        (&ctx.env, &ctx.net),
        None,
        &opts,
        ctx.lang,
    );
    let network_ok = !report
        .checks
        .iter()
        .any(|c| c.group == crate::preflight::check::Group::Network && c.status == Status::Fail);
    if opts.network && network_ok {
        cache::save(&home, &fingerprint, now);
    }
    for c in report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
    {
        // Login problems have their own guard; what the stick itself is
        // (FAT, a network drive, OneDrive) is said once per stick.
        if c.id.starts_with("login.") {
            continue;
        }
        if let Some(name) = said_once(&c.id) {
            let said = crate::stick::state_dir(&home).join(name);
            if said.exists() {
                continue;
            }
            let _ = std::fs::create_dir_all(crate::stick::state_dir(&home));
            let _ = crate::fsx::write_own(&said, b"shown\n");
        }
        note(&crate::messages::fill(
            crate::messages::text(ctx.lang).preflight_note,
            &[
                ("id", &c.id),
                ("finding", &c.finding),
                ("fix", c.fix.as_deref().unwrap_or_default()),
            ],
        ));
    }
    if let Some(bundle) = &report.ca_bundle {
        note(&crate::messages::fill(
            crate::messages::text(ctx.lang).tls_bundle_launch,
            &[("path", &bundle.display().to_string())],
        ));
    }
}
