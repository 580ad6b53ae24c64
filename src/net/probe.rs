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
            return Some(Diagnosis {
                status: u.status(),
                ..Diagnosis::of(u.cause())
            });
        }
        Ok(Route::Direct | Route::Proxy(_)) if url.starts_with("https") => {
            reach::https_get(env, url, None, deadline).err()
        }
        Ok(_) => None,
    };
    failure.map(Diagnosis::of)
}
