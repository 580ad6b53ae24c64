//! Test hooks, in debug builds only: the integration tests stop usbide dead
//! between two steps, trust their own update key, swap a file at the worst
//! moment, or give a slow machine more time. They are read once, from the
//! environment snapshot taken at start, like every other setting; a release
//! build has none.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::environ::Environ;

/// What the tests asked for.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    /// `USBIDE_TEST_CRASH_AT`: the step to abort at.
    pub crash_at: Option<String>,
    /// `USBIDE_TEST_UPDATE_KEY`: one more release key (hex).
    pub update_key: Option<String>,
    /// `USBIDE_TEST_SWAP_AFTER_VERIFY`: a file put in place of the
    /// `update --from` archive once its signature is checked.
    pub swap_after_verify: Option<PathBuf>,
    /// `USBIDE_TEST_UPDATE_WAIT_MS`: how long a launch waits for the daily
    /// update check's answer.
    pub update_wait: Option<Duration>,
    /// `USBIDE_TEST_HOST_ID`: the id of this computer on the stick, so that
    /// one machine can play two computers.
    pub host_id: Option<String>,
}

static HOOKS: OnceLock<Hooks> = OnceLock::new();

/// Read the hooks from `env` (debug builds; once per process).
pub fn init(env: &Environ) {
    #[cfg(debug_assertions)]
    let _ = HOOKS.set(Hooks {
        crash_at: env.get_str("USBIDE_TEST_CRASH_AT"),
        update_key: env.get_str("USBIDE_TEST_UPDATE_KEY"),
        swap_after_verify: env
            .get_str("USBIDE_TEST_SWAP_AFTER_VERIFY")
            .map(PathBuf::from),
        update_wait: env
            .get_str("USBIDE_TEST_UPDATE_WAIT_MS")
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_millis),
        host_id: env.get_str("USBIDE_TEST_HOST_ID"),
    });
    #[cfg(not(debug_assertions))]
    let _ = env;
}

/// The hooks in force (none before [`init`], none in a release build).
pub fn get() -> &'static Hooks {
    static NONE: Hooks = Hooks {
        crash_at: None,
        update_key: None,
        swap_after_verify: None,
        update_wait: None,
        host_id: None,
    };
    HOOKS.get().unwrap_or(&NONE)
}

/// Stop dead at `step` when a test asked for it, the way a pulled stick or
/// a killed process would.
pub fn crash_point(step: &str) {
    if get().crash_at.as_deref() == Some(step) {
        std::process::abort();
    }
}
