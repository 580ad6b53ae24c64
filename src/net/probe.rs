//! A quick probe of one endpoint after a failed `usbide exec`, to name what
//! codex's own "Connection failed: error sending request" hides: DNS,
//! refused, proxy credentials (407 on CONNECT), or TLS.

use std::time::{Duration, Instant};

use crate::diagnose::Diagnosis;
use crate::environ::Environ;
use crate::net::reach::{self, Route};

/// How long the whole probe may take.
const BUDGET: Duration = Duration::from_secs(5);

/// What stops a request to `url` from this host, if anything does.
pub fn probe(env: &Environ, url: &str) -> Option<Diagnosis> {
    let deadline = Instant::now() + BUDGET;
    let failure = match reach::reach(env, url, deadline) {
        Err(u) => {
            let d = Diagnosis {
                status: u.status(),
                ..Diagnosis::of(u.cause())
            };
            return Some(d);
        }
        Ok(Route::Direct | Route::Proxy(_)) if url.starts_with("https") => {
            reach::https_get(env, url, None, deadline).err()
        }
        Ok(_) => None,
    };
    failure.map(Diagnosis::of)
}

/// [`probe`] of a model endpoint: a refused connection to this computer is
/// a local model server that is not running.
pub fn probe_model(env: &Environ, url: &str) -> Option<Diagnosis> {
    probe(env, url).map(|d| on_this_computer(d, url))
}

/// A refused connection to this computer is a local model server that is
/// not running, said with its address.
fn on_this_computer(d: Diagnosis, url: &str) -> Diagnosis {
    use crate::diagnose::{Answerer, Cause};
    match crate::diagnose::answered::answered_by(url) {
        Some((Answerer::ThisComputer, host)) if d.cause == Cause::ConnectionRefused => Diagnosis {
            host: Some(host),
            answered_by: Some(Answerer::ThisComputer),
            ..Diagnosis::of(Cause::LocalServerDown)
        },
        _ => d,
    }
}
