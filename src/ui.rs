//! The two ways usbide speaks to the person at the terminal outside of a
//! command's own output: a note on stderr (also logged) and a yes/no question.

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::Result;

/// Print a note for the user on stderr (and into the stick's log).
pub fn note(message: &str) {
    let message = crate::redact::text(message);
    crate::log::line(&message);
    eprintln!("usbide: {message}");
}

/// Ask a yes/no question when both stdin and stderr are terminals; `false`
/// without a terminal (nobody to answer).
pub fn ask(question: &str) -> Result<bool> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Ok(false);
    }
    eprint!("usbide: {question} [Y/n] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes" | "o" | "oui"
    ))
}
