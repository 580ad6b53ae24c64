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

/// [`probe`] of a model endpoint: a refused connection to this computer is
/// a local model server that is not running.
pub fn probe_model(env: &Environ, url: &str) -> Option<Diagnosis> {
    probe(env, url).map(|d| on_this_computer(d, url))
}

/// The probe's finding as the server at `url` makes it (the classifier's
/// rule, [`crate::diagnose::whose`]): a refused connection to this computer
/// is a local model server that is not running, said with its address.
fn on_this_computer(d: Diagnosis, url: &str) -> Diagnosis {
    use crate::diagnose::Cause;
    let Some((answerer, host)) = crate::diagnose::answered::answered_by(url) else {
        return d;
    };
    match crate::diagnose::whose(d.cause, Some(answerer)) {
        Cause::LocalServerDown => Diagnosis {
            host: Some(host),
            answered_by: Some(answerer),
            ..Diagnosis::of(Cause::LocalServerDown)
        },
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Answerer, Cause};

    #[test]
    fn a_refused_local_model_server_is_named_with_its_address() {
        let refused = || Diagnosis::of(Cause::ConnectionRefused);
        let d = on_this_computer(refused(), "http://127.0.0.1:11434/v1");
        assert_eq!(d.cause, Cause::LocalServerDown);
        assert_eq!(d.host.as_deref(), Some("127.0.0.1:11434"));
        assert_eq!(d.answered_by, Some(Answerer::ThisComputer));
        // Elsewhere, or another cause: as the probe found it.
        let d = on_this_computer(refused(), "https://proxy.corp.example/v1");
        assert_eq!(d.cause, Cause::ConnectionRefused);
        let d = on_this_computer(Diagnosis::of(Cause::Dns), "http://localhost:1234/v1");
        assert_eq!(d.cause, Cause::Dns);
    }
}
