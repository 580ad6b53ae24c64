//! Fuzz the line parser, the classifier and the renderer with arbitrary
//! bytes: none may panic, and rendered output never carries a raw ESC.
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
