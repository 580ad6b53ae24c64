//! Exit codes. When codex ran, its code is usbide's; these are usbide's own,
//! chosen outside the codes codex uses (0, 1, 2, 101, 128+n).

/// Success.
pub const OK: i32 = 0;
/// Bad command line (clap's own code).
pub const USAGE: i32 = 2;
/// Anything not classified below.
pub const FAILURE: i32 = 70;
/// The stick could not be found or usbide runs from a place it refuses.
pub const STICK: i32 = 71;
/// `codex_home` could not be prepared (e.g. config.toml does not parse).
pub const HOME: i32 = 72;
/// No usable codex payload, or an install/verification failed.
pub const PAYLOAD: i32 = 73;
/// Not logged in where a login is needed, or a stored login codex would delete.
pub const LOGIN: i32 = 74;
/// Another usbide holds the stick.
pub const BUSY: i32 = 75;
/// An update was refused or failed (the installed usbide is unchanged).
pub const UPDATE: i32 = 76;
