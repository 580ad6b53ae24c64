//! One subcommand, one file. Each takes the [`crate::context::Context`];
//! sessions of codex are in [`crate::session`].

pub mod clean;
pub mod codex;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod init;
pub mod login;
pub mod payload;
pub mod render;
pub mod status;
pub mod stick;
pub mod version;
