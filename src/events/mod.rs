//! Read what codex says. `codex exec --json` events are parsed ([`model`])
//! line by line ([`lines`], [`batch`]), each error explained by
//! [`crate::diagnose`], and rendered for people ([`render`]) or for programs
//! ([`machine`]). Untrusted text takes one form before it is shown ([`text`]).

pub mod batch;
pub mod lines;
pub mod machine;
pub mod model;
pub mod render;
pub mod text;

/// The rules for what may be shown, as tables, checked on arbitrary text
/// through both outputs (the renderer for people, `--json` for programs).
#[cfg(test)]
mod safety {
    use proptest::prelude::*;

    use super::machine::Machine;
    use super::render::{Renderer, Style};

    /// Secrets as they appear in text, and the part of each that must never
    /// be shown.
    const SECRETS: &[(&str, &str)] = &[
        ("sk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm", "Zq8Xw7Vu6Ts5Rq4Po3Nm"),
        ("ghp_Zq8Xw7Vu6Ts5Rq4Po3NmLk2", "Zq8Xw7Vu6Ts5Rq4Po3NmLk2"),
        ("Bearer Zq8Xw7Vu6Ts5Rq4Po3Nm", "Zq8Xw7Vu6Ts5Rq4Po3Nm"),
        ("https://ann:Zq8Xw7Vu6Ts5@proxy.corp:3128", "Zq8Xw7Vu6Ts5"),
        ("OPENAI_API_KEY=Zq8Xw7Vu6Ts5Rq4", "Zq8Xw7Vu6Ts5Rq4"),
        ("?access_token=Zq8Xw7Vu6Ts5Rq4&x=1", "Zq8Xw7Vu6Ts5Rq4"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ6cTgifQ.Zq8Xw7Vu6Ts5Rq4Po3Nm",
            "Zq8Xw7Vu6Ts5Rq4Po3Nm",
        ),
    ];

    /// Characters that must never reach a terminal raw: controls, bidi
    /// controls, zero-width and other invisible format characters.
    const HIDDEN: &[char] = &[
        '\x1b',
        '\x07',
        '\u{9b}',
        '\u{85}',
        '\u{2028}',
        '\u{202a}',
        '\u{202b}',
        '\u{202c}',
        '\u{202d}',
        '\u{202e}',
        '\u{2066}',
        '\u{2069}',
        '\u{200e}',
        '\u{200f}',
        '\u{061c}',
        '\u{200b}',
        '\u{200d}',
        '\u{2060}',
        '\u{feff}',
        '\u{00ad}',
        '\u{e0001}',
        '\u{e0041}',
    ];

    fn events(text: &str) -> Vec<String> {
        let s = serde_json::to_string(text).expect("json string");
        vec![
            format!(
                r#"{{"type":"item.completed","item":{{"id":"1","type":"agent_message","text":{s}}}}}"#
            ),
            format!(
                r#"{{"type":"item.completed","item":{{"id":"2","type":"reasoning","text":{s}}}}}"#
            ),
            format!(
                r#"{{"type":"item.completed","item":{{"id":"3","type":"command_execution","command":{s},"aggregated_output":{s},"exit_code":1,"status":"failed"}}}}"#
            ),
            format!(
                r#"{{"type":"item.completed","item":{{"id":"4","type":"error","message":{s}}}}}"#
            ),
            format!(r#"{{"type":"error","message":{s}}}"#),
            format!(r#"{{"type":"turn.failed","error":{{"message":{s}}}}}"#),
            text.to_string(),
        ]
    }

    fn outputs(lines: &[String]) -> (String, String) {
        let style = Style {
            color: false,
            quiet: false,
            live_status: false,
            lang: crate::messages::Lang::En,
        };
        let mut human = Renderer::new(Vec::new(), style);
        let mut machine = Machine::new(Vec::new(), crate::messages::Lang::En);
        for line in lines {
            let _ = human.line(line.as_bytes());
            let _ = machine.line(line.as_bytes());
        }
        let _ = human.finish();
        (
            String::from_utf8_lossy(&human.into_inner()).into_owned(),
            String::from_utf8_lossy(&machine.into_inner()).into_owned(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn a_planted_secret_or_invisible_character_never_shows_raw(
            before in "[ -~é日]{0,40}",
            after in "[ -~é日]{0,40}",
            secret in proptest::sample::select(SECRETS),
            hidden in proptest::sample::select(HIDDEN),
        ) {
            let text = format!("{before} {} {after}{hidden}x", secret.0);
            let (human, json) = outputs(&events(&text));
            for (name, out) in [("plain", &human), ("--json", &json)] {
                prop_assert!(!out.contains(secret.1), "{name} shows {}: {out}", secret.1);
                prop_assert!(!out.contains(hidden), "{name} shows U+{:04X}: {out:?}", hidden as u32);
            }
        }

        #[test]
        fn white_space_between_json_tokens_moves_no_cursor(pad in "[ \t\r]{0,4}") {
            let line = format!("{{{pad}\"type\":{pad}\"turn.started\"{pad}}}{pad}\r");
            let (human, json) = outputs(&[line]);
            prop_assert!(!human.contains('\r') && !json.contains('\r'), "{json:?}");
        }

        /// Found by the fuzzer: an event with a form feed after it (white
        /// space the line's trim accepts, which JSON does not) was echoed
        /// with the form feed raw.
        #[test]
        fn white_space_around_an_event_is_never_echoed_raw(
            before in "[ \t\r\x0c]{0,3}",
            after in "[ \t\r\x0c]{0,3}",
        ) {
            let line = format!(
                "{before}{{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_5\",\
                 \"type\":\"agent_message\",\"text\":\"Both commanded.\"}}}}{after}"
            );
            let (human, json) = outputs(&[line]);
            for (name, out) in [("plain", &human), ("--json", &json)] {
                let raw = out.chars().find(|&c| c != '\n' && crate::escape::needs_escape(c));
                prop_assert!(raw.is_none(), "{name} shows {raw:?}: {out:?}");
            }
            // Still the event, as JSON.
            let echoed: serde_json::Value =
                serde_json::from_str(json.lines().next().unwrap_or_default()).expect("json");
            prop_assert_eq!(echoed["item"]["text"].as_str(), Some("Both commanded."));
        }

        #[test]
        fn a_secret_cut_between_two_messages_never_shows(cut in 1usize..22) {
            let secret = SECRETS[0].0;
            let (a, b) = secret.split_at(cut.min(secret.len() - 1));
            let message = |t: &str| {
                let s = serde_json::to_string(t).expect("json");
                format!(r#"{{"type":"item.completed","item":{{"id":"1","type":"agent_message","text":{s}}}}}"#)
            };
            let (human, json) = outputs(&[message(&format!("key: {a}")), message(b)]);
            let tail = &b[b.len().saturating_sub(8)..];
            prop_assert!(!human.contains(tail), "{human}");
            prop_assert!(!json.contains(tail), "{json}");
        }
    }
}
