//! Fuzz the line parser, the classifier and the renderer with arbitrary
//! bytes: none may panic, the parser's fast scanner never reads a line
//! otherwise than serde_json, and rendered output never carries a raw ESC.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usbide::events::diagnose;
use usbide::events::hints::Lang;
use usbide::events::render::{Renderer, Style};

fuzz_target!(|data: &[u8]| {
    let style = Style { color: false, quiet: false, live_status: false, lang: Lang::Fr };
    let mut renderer = Renderer::new(Vec::new(), style);
    for line in data.split(|b| *b == b'\n') {
        let _ = usbide::events::model::parse_line(line);
        if let Ok(text) = std::str::from_utf8(line) {
            assert!(usbide::events::model::scanner_agrees(text.trim_ascii()), "the scanner disagrees with serde_json");
        }
        let _ = renderer.line(line);
        let _ = renderer.stderr_line(line);
        let text = String::from_utf8_lossy(line);
        let _ = diagnose::classify(&text);
        let _ = diagnose::http_status(&text);
        let _ = diagnose::reconnecting(&text);
    }
    let _ = renderer.finish();
    let out = renderer.into_inner();
    assert!(!out.contains(&0x1b), "a raw ESC reached the output");
});
