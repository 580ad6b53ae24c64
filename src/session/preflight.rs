//! Fourth step: the quick preflight of every session, which only speaks
//! when something on this host will break codex.

use crate::context::Context;
use crate::preflight::check::Status;
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

/// The longest a launch waits for the network checks: a probe with no
/// verdict by then lets codex start, and goes on beside it.
const NETWORK_WAIT: std::time::Duration = std::time::Duration::from_millis(300);

/// The quick preflight of every launch: local checks, plus the network ones
/// when no success for this computer and network is younger than ten
/// minutes (`USBIDE_PREFLIGHT=local` skips those, `off` skips all). Only
/// problems are shown; nothing here stops the launch. The network checks
/// run beside the launch: a launch waits for them at most [`NETWORK_WAIT`]
/// (a firewall that drops packets would otherwise hold every launch for
/// their whole deadline); a verdict that comes later is not shown (a
/// failed session probes again to explain itself, and `usbide doctor`
/// shows it), and a network that works, however slowly, is remembered.
pub fn preflight_on_launch(ctx: &Context, ready: &Ready) {
    use crate::preflight::{self, Options, cache, check::Group};
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
    // The network checks alone run beside the launch (the local ones below
    // are quick and run once).
    let network = opts.network.then(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        let (env, net, lang) = (ctx.env.clone(), ctx.net.clone(), ctx.lang);
        let (opts, home) = (opts.clone(), home.clone());
        std::thread::spawn(move || {
            let found = preflight::network_checks(&home, (&env, &net), &opts, lang);
            let works = !found.0.iter().any(|c| c.status == Status::Fail);
            if works {
                cache::save(&home, &fingerprint, now);
            }
            let _ = tx.send(found);
        });
        rx
    });
    opts.network = false;
    let mut report = preflight::run(
        &ready.stick,
        &ctx.settings,
        (&ctx.env, &ctx.net),
        None,
        &opts,
        ctx.lang,
    );
    if let Some((checks, ca_bundle)) = network.and_then(|rx| rx.recv_timeout(NETWORK_WAIT).ok()) {
        report.checks.retain(|c| c.group != Group::Network);
        report.checks.extend(checks);
        report.ca_bundle = ca_bundle;
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
