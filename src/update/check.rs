//! The daily look for a newer usbide, in the background of a launch: at most
//! once a day per release source (a stamp on the stick), never delaying the
//! launch by more than a few milliseconds, silent when it fails (offline),
//! and one line when something newer exists. Off with `update_check = "off"`
//! in usbide.toml or `USBIDE_UPDATE_CHECK=off`.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::context::Context;

/// How long a launch waits for an answer already on its way.
const WAIT: Duration = Duration::from_millis(50);

/// A day.
const INTERVAL_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stamp {
    /// Release source (API base) -> last check, Unix seconds.
    checked: std::collections::BTreeMap<String, i64>,
}

/// The record's name in usbide's folder.
const STAMP: &str = "update-check.json";

/// A check under way.
#[derive(Debug)]
pub struct Pending(mpsc::Receiver<Option<semver::Version>>);

/// Start the check when it is due and allowed.
pub fn start(ctx: &Context, codex_home: &Path) -> Option<Pending> {
    if !ctx.settings.update_check {
        return None;
    }
    let api = ctx.settings.github_api.clone();
    let mut stamp: Stamp = crate::stick::read_state(codex_home, STAMP).unwrap_or_default();
    let codex_home = codex_home.to_path_buf();
    let now = crate::time::now();
    if stamp
        .checked
        .get(&api)
        .is_some_and(|at| (now - at).abs() < INTERVAL_SECS)
    {
        return None;
    }
    let (tx, rx) = mpsc::channel();
    let http = ctx.http.clone();
    let lang = ctx.lang;
    std::thread::spawn(move || {
        let found = crate::update::release::find(&http, &api, None, lang)
            .ok()
            .map(|f| f.version)
            .filter(|v| *v > crate::update::current());
        let _ = tx.send(found);
        stamp.checked.insert(api, now);
        let _ = crate::stick::write_state(&codex_home, STAMP, &stamp);
    });
    Some(Pending(rx))
}

/// Say so when a newer usbide was found in time.
pub fn report(pending: Option<Pending>, lang: crate::messages::Lang) {
    let Some(Pending(rx)) = pending else { return };
    // Test hook (debug builds only): a loaded test machine may need longer.
    let wait = crate::hooks::get().update_wait.unwrap_or(WAIT);
    if let Ok(Some(version)) = rx.recv_timeout(wait) {
        crate::ui::note(&crate::messages::fill(
            crate::messages::text(lang).update_available,
            &[
                ("version", &version.to_string()),
                ("current", &crate::update::current().to_string()),
            ],
        ));
    }
}
