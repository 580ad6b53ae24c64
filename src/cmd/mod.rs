//! One subcommand, one file, each thin: it reads its arguments and calls
//! what does the work (mostly [`crate::session`]), with the
//! [`crate::context::Context`] every command starts from.

pub mod clean;
pub mod codex;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod eject;
pub mod env;
pub mod exec;
pub mod init;
pub mod login;
pub mod payload;
pub mod render;
pub mod schema;
pub mod status;
pub mod stick;
pub mod update;
pub mod version;
