//! Device-code login: read codex's prompt as it streams (ANSI stripped), pick
//! out the URL and the one-time code, and show them large and clear with a QR
//! code of the URL (for the phone next to a locked-down PC), the expiry, and
//! codex's own anti-phishing warning.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::escape::{escape, strip_ansi};

/// What codex's prompt told the user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prompt {
    pub url: Option<String>,
    pub code: Option<String>,
    /// The warning line codex prints under the code.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Expect {
    #[default]
    Nothing,
    Url,
    Code,
}

/// Feeds codex's stdout lines and fills a [`Prompt`].
#[derive(Debug, Default)]
pub struct PromptReader {
    expect: Expect,
    pub prompt: Prompt,
}

impl PromptReader {
    /// Take one line; returns true when the prompt just became complete.
    pub fn line(&mut self, raw: &str) -> bool {
        let was_complete = self.complete();
        let line = strip_ansi(raw);
        let text = line.trim();
        if text.starts_with("1. Open this link") {
            self.expect = Expect::Url;
        } else if text.starts_with("2. Enter this one-time code") {
            self.expect = Expect::Code;
        } else if !text.is_empty() {
            match self.expect {
                Expect::Url => self.prompt.url = Some(text.to_string()),
                Expect::Code => self.prompt.code = Some(text.to_string()),
                Expect::Nothing if self.complete() && is_warning(text) => {
                    self.prompt.warning = Some(text.to_string())
                }
                Expect::Nothing => {}
            }
            self.expect = Expect::Nothing;
        }
        !was_complete && self.complete()
    }

    pub fn complete(&self) -> bool {
        self.prompt.url.is_some() && self.prompt.code.is_some()
    }
}

/// Codex's anti-phishing line under the code (its wording changed across versions).
pub fn is_warning(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("phishing") || t.contains("continue only if") || t.contains("cancel")
}

/// The screen usbide shows for a prompt (`qr`: draw the QR code).
pub fn screen(prompt: &Prompt, qr: bool, lang: crate::messages::Lang) -> String {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let url = escape(prompt.url.as_deref().unwrap_or_default()).into_owned();
    let code = escape(prompt.code.as_deref().unwrap_or_default()).into_owned();
    let mut out = String::new();
    out.push_str(&format!("\n{}\n\n", t.device_intro));
    out.push_str(&format!("  {}\n", fill(t.device_open, &[("url", &url)])));
    out.push_str(&format!(
        "  {}\n",
        fill(t.device_enter, &[("code", &spaced(&code))])
    ));
    out.push_str(&format!("\n  {}\n", t.device_expires));
    if let Some(w) = &prompt.warning {
        out.push_str(&format!("  {}\n", escape(w)));
    }
    if qr && let Ok(qr_code) = QrCode::new(url.as_bytes()) {
        let art = qr_code.render::<Dense1x2>().quiet_zone(true).build();
        out.push('\n');
        for line in art.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `ABCD-1234` as `A B C D - 1 2 3 4`, easier to read off a screen.
fn spaced(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT_0_169: &str = "\n\
Welcome to Codex [v\x1b[90m0.169.0\x1b[0m]\n\
\x1b[90mOpenAI's command-line coding agent\x1b[0m\n\
\n\
Follow these steps to sign in with ChatGPT using device code authorization:\n\
\n\
1. Open this link in your browser and sign in to your account\n\
   \x1b[94mhttps://auth.openai.com/codex/device\x1b[0m\n\
\n\
2. Enter this one-time code \x1b[90m(expires in 15 minutes)\x1b[0m\n\
   \x1b[94mABCD-1234\x1b[0m\n\
\n\
\x1b[90mContinue only if you started this login in Codex. If a website or another person gave you this code, cancel.\x1b[0m\n";

    #[test]
    fn the_real_prompt_is_read() {
        let mut reader = PromptReader::default();
        let mut completed_at = None;
        for (i, line) in PROMPT_0_169.lines().enumerate() {
            if reader.line(line) {
                completed_at = Some(i);
            }
        }
        assert_eq!(completed_at, Some(10), "complete on the code line");
        assert_eq!(
            reader.prompt.url.as_deref(),
            Some("https://auth.openai.com/codex/device")
        );
        assert_eq!(reader.prompt.code.as_deref(), Some("ABCD-1234"));
        assert!(
            reader
                .prompt
                .warning
                .as_deref()
                .is_some_and(|w| w.starts_with("Continue only if"))
        );
    }

    #[test]
    fn the_screen_shows_url_code_and_qr() {
        let prompt = Prompt {
            url: Some("https://auth.example/codex/device".into()),
            code: Some("WXYZ-9876".into()),
            warning: Some(
                "Device codes are a common phishing target. Never share this code.".into(),
            ),
        };
        let s = screen(&prompt, true, crate::messages::Lang::En);
        assert!(s.contains("https://auth.example/codex/device"));
        assert!(s.contains("W X Y Z - 9 8 7 6"));
        assert!(s.contains("phishing"));
        assert!(s.contains('█') || s.contains('▀'), "{s}");
        assert!(!screen(&prompt, false, crate::messages::Lang::En).contains('▀'));
    }
}
