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

use std::path::Path;

use anyhow::Context as _;

use crate::context::Context;

/// Write `bytes` to `path` on the stick atomically
/// ([`crate::fsx::write_atomic`]); a failure names the file in the user's
/// language.
pub fn write_file(ctx: &Context, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::fsx::write_atomic(path, bytes)
        .with_context(|| crate::messages::about(crate::messages::text(ctx.lang).cannot_write, path))
}
