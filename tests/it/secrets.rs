//! Canaries planted where the host, the stick or codex can put a secret must
//! reach no output: `env`, `doctor` (text, `--json`, the bundle), `render`,
//! `status`.

use std::io::Read;

use base64::Engine;

use crate::support::{Run, Stick};

fn stick() -> Stick {
    let mut stick = Stick::without_payload();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    stick
}

fn assert_clean(text: &str, what: &str) {
    for canary in ["CANARY", "canary", "Q7x"] {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[test]
fn env_and_doctor_hide_every_host_secret() {
    let mut stick = stick();
    stick
        .set("SSHPASS", "CANARY-ssh")
        .set("MYSQL_PWD", "CANARY-mysql")
        .set("GH_PAT", "CANARY-pat")
        .set("NPM_CONFIG__AUTH", "CANARY-npm")
        .set("HTTPS_PROXY", "ann:CANARY-noscheme@proxy.corp:3128")
        .set(
            "HTTP_PROXY",
            "http://a:CANARY-1@p1:3128,http://b:CANARY-2@p2:3128",
        )
        .set(
            "ALL_PROXY",
            "socks5://c:CANARY-3@p3:1080\thttp://d:CANARY-4@p4",
        )
        .set("COMPAT", "visible-compat")
        .set("PWD", "/visible/pwd");
    let env = stick.run(&["env"]);
    assert_eq!(env.code, 0, "{env:?}");
    assert_clean(&env.all(), "env");
    assert!(env.stdout.contains("COMPAT=visible-compat"), "{env:?}");
    assert!(env.stdout.contains("PWD=/visible/pwd"), "{env:?}");
    assert!(
        env.stdout.contains("SSHPASS=<redacted, 10 chars>"),
        "{env:?}"
    );
    assert!(
        env.stdout.contains("HTTPS_PROXY=ann:***@proxy.corp:3128"),
        "{env:?}"
    );
    for args in [
        &["doctor", "--offline"][..],
        &["doctor", "--offline", "--json"],
    ] {
        let run = stick.run(args);
        assert_clean(&run.all(), &args.join(" "));
    }
    let bundle = stick.outside.join("host-secrets.zip");
    let run = stick.run(&[
        "doctor",
        "--offline",
        "--bundle",
        &bundle.display().to_string(),
    ]);
    assert_clean(&run.all(), "doctor --bundle");
    assert_bundle_clean(&bundle);
}

/// Every file of the bundle at `path` is free of canaries; returns them.
fn assert_bundle_clean(path: &std::path::Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("bundle")).expect("zip");
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("read");
        assert_clean(&text, &name);
        files.push((name, text));
    }
    assert!(!files.is_empty());
    files
}

#[test]
fn the_bundle_keeps_no_config_secret() {
    let stick = stick();
    stick.write(
        "codex_home/config.toml",
        "model = \"gpt-5\"\n\
         env = { X = \"CANARY-inline\" }\n\
         notify = [\"notify\", \"--token\", \"CANARY-args\"]\n\
         doc = \"\"\"\nCANARY-multiline\n\"\"\"\n\
         [model_providers.corp]\n\
         base_url = \"https://llm.corp/v1?api-key=CANARY-query\"\n\
         experimental_bearer_token = \"CANARY-bearer\"\n\
         query_params = { key = \"CANARY-qp\" }\n\
         http_headers = { \"X-Api-Key\" = \"CANARY-hdr\" }\n\
         [mcp_servers.db.env]\n\
         DB_PASSWORD = \"CANARY-mcpenv\"\n\
         [projects.\"/home/ann/repo\"]\n\
         trust_level = \"trusted\"\n",
    );
    let bundle = stick.outside.join("support.zip");
    let run = stick.run(&[
        "doctor",
        "--offline",
        "--bundle",
        &bundle.display().to_string(),
    ]);
    assert_clean(&run.all(), "doctor");
    let config = assert_bundle_clean(&bundle)
        .into_iter()
        .find(|(name, _)| name == "config.toml")
        .map(|(_, text)| text)
        .unwrap_or_default();
    assert!(config.contains("model = \"gpt-5\""), "{config}");
    assert!(config.contains("trust_level = \"trusted\""), "{config}");
}

#[test]
fn render_redacts_before_it_cuts() {
    let stick = stick();
    // Cut points land inside the secrets: the first 80 characters of the
    // repeated error end in "Bearer Q7xC", the 400 of the preview in "sk-proj-Q7x".
    let long = "x".repeat(68);
    let lines = [
        format!(
            r#"{{"type":"error","message":"proxy ann:CANARY-render@proxy.corp:3128 refused {long}"}}"#
        ),
        format!(r#"{{"type":"error","message":"{long} Bearer Q7xCANARYTOKEN123456"}}"#),
        format!(r#"{{"type":"error","message":"{long} Bearer Q7xCANARYTOKEN123456"}}"#),
        r#"{"type":"error","message":"GET https://h/v1?api-key=Q7xquerysecret failed"}"#
            .to_string(),
        format!(
            r#"{{"type":"mystery","blob":"{} sk-proj-Q7xABCDEFGHIJKLMNOP"}}"#,
            "y".repeat(362)
        ),
    ];
    let file = stick.outside.join("stream.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write");
    let run = stick.run(&["render", "--color", "never", &file.display().to_string()]);
    assert_clean(&run.all(), "render");
    assert!(run.stdout.contains("was reported 2 times"), "{run:?}");
}

#[test]
fn status_escapes_claims_and_sees_a_workspace_mismatch() {
    let stick = stick();
    let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let claims = serde_json::json!({
        "email": "ann\u{1b}]0;pwned\u{7}@example.com",
        "exp": 4_000_000_000_i64,
        "https://api.openai.com/auth": {"chatgpt_plan_type": "\u{1b}[2Jplus", "chatgpt_account_id": "acc-1"},
    });
    let id = format!(
        "{}.{}.{}",
        enc(br#"{"alg":"none"}"#),
        enc(claims.to_string().as_bytes()),
        enc(b"sig")
    );
    stick.write(
        "codex_home/auth.json",
        &serde_json::json!({"auth_mode": "chatgpt", "tokens": {"id_token": id, "access_token": id, "refresh_token": "rt_x"}})
            .to_string(),
    );
    stick.write(
        "codex_home/config.toml",
        "forced_login_method = \"chatgpt\"\nforced_chatgpt_workspace_id = [\"ws-other\"]\n",
    );
    let run: Run = stick.run(&["status"]);
    assert!(!run.all().contains('\u{1b}'), "{run:?}");
    assert!(!run.all().contains('\u{7}'), "{run:?}");
    assert!(run.stdout.contains("MISMATCH"), "{run:?}");
    assert!(!run.stdout.contains("(matches)"), "{run:?}");
}

#[test]
fn every_report_hides_credentials_in_the_settings_it_shows() {
    let mut stick = stick();
    stick.write(
        "usbide.toml",
        "npm_registry = \"https://ann:pw-canary-registry@npm.corp.example/\"\n",
    );
    stick.set(
        "USBIDE_GITHUB_API",
        "https://ghtoken-canary-123456@ghe.corp.example/api/v3",
    );
    for args in [
        &["config"][..],
        &["config", "--json"],
        &["env"],
        &["env", "--json"],
    ] {
        let run = stick.run(args);
        assert!(!run.all().contains("canary"), "{args:?}: {run:?}");
    }
}

#[test]
fn render_json_never_passes_escapes_or_tokens_through() {
    let stick = stick();
    let stream = concat!(
        "not json \u{1b}]52;c;cGF3bmVk\u{7} \u{1b}[2J sk-proj-canaryABCDEFGHIJKLMNOP\n",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"1\",\"type\":\"agent_message\",\"text\":\"key sk-proj-canaryQRSTUVWXYZ012345 \u{202e}gnp.exe\"}}\n",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"2\",\"type\":\"agent_message\",\"text\":\"and sk-proj-\"}}\n",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"3\",\"type\":\"agent_message\",\"text\":\"canarysecondhalf0123456789\"}}\n",
    );
    let file = stick.outside.join("events.jsonl");
    std::fs::write(&file, stream).expect("write");
    for json in [true, false] {
        let mut args = vec!["render"];
        if json {
            args.push("--json");
        }
        let path = file.display().to_string();
        args.push(&path);
        let run = stick.run(&args);
        assert!(!run.stdout.contains('\u{1b}'), "json={json}: {run:?}");
        assert!(!run.stdout.contains('\u{202e}'), "json={json}: {run:?}");
        assert!(!run.stdout.contains("canary"), "json={json}: {run:?}");
    }
}

#[test]
fn a_key_typed_where_an_option_was_expected_is_not_quoted_back() {
    let key = "sk-proj-CANARYusageERRORabcdefghijklmnop";
    for lang in ["en", "fr"] {
        let mut stick = Stick::without_payload();
        stick.set("USBIDE_LANG", lang);
        let run = stick.run(&["login", "--with-api-key", key]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(!run.all().contains("CANARYusageERROR"), "{lang}: {run:?}");
    }
}
