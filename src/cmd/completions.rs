//! `usbide completions SHELL`: the shell completion script, from the same
//! command definition clap parses with (`clap_complete`).

use anyhow::Result;

/// Print the completion script for `shell` on stdout.
pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "usbide", &mut script);
    crate::out::print!("{}", String::from_utf8_lossy(&script));
    Ok(crate::exit::OK)
}
