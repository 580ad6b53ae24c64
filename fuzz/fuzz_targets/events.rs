//! Fuzz the line parser, the classifier and both renderers with arbitrary
//! bytes: none may panic, the parser's fast scanner never reads a line
//! otherwise than serde_json, and neither output (for people or `--json`)
//! carries a raw control, bidi or other invisible format character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usbide::diagnose;
use usbide::escape::needs_escape;
use usbide::messages::Lang;
use usbide::events::machine::Machine;
use usbide::events::render::{Renderer, Style};

fuzz_target!(|data: &[u8]| {
    let style = Style { color: false, quiet: false, live_status: false, lang: Lang::Fr };
    let mut renderer = Renderer::new(Vec::new(), style);
    let mut machine = Machine::new(Vec::new(), Lang::En);
    for line in data.split(|b| *b == b'\n') {
        let _ = usbide::events::model::parse_line(line);
        if let Ok(text) = std::str::from_utf8(line) {
            assert!(usbide::events::model::scanner_agrees(text.trim_ascii()), "the scanner disagrees with serde_json");
        }
        let _ = renderer.line(line);
        let _ = renderer.stderr_line(line);
        let _ = machine.line(line);
        let _ = machine.stderr_line(line);
        let text = String::from_utf8_lossy(line);
        let _ = diagnose::classify(&text);
        let _ = diagnose::classify_failure(&text);
        let _ = diagnose::http_status(&text);
        let _ = diagnose::reconnecting(&text);
    }
    let _ = renderer.finish();
    for (name, out) in [("render", renderer.into_inner()), ("--json", machine.into_inner())] {
        let out = String::from_utf8_lossy(&out);
        let bad = out.chars().find(|&c| c != '\n' && needs_escape(c));
        assert!(bad.is_none(), "{name} shows U+{:04X} raw", bad.map_or(0, |c| c as u32));
    }
});
