//! Step five of a launch: read what codex says. `codex exec --json` events
//! are parsed ([`model`]), errors classified ([`diagnose`]) with a fix
//! ([`hints`]), and rendered for people ([`render`]) or for programs
//! ([`machine`]). Untrusted text takes one form before it is shown ([`text`]).

pub mod batch;
pub mod diagnose;
pub mod escape;
pub mod hints;
pub mod lines;
pub mod machine;
pub mod model;
pub mod render;
pub mod text;
