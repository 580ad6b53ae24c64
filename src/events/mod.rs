//! Step five of a launch: read what codex says. `codex exec --json` events
//! are parsed ([`model`]), errors classified ([`diagnose`]) with a fix
//! ([`hints`]), and everything rendered for people ([`render`]).

pub mod diagnose;
pub mod escape;
pub mod hints;
pub mod lines;
pub mod model;
pub mod render;
