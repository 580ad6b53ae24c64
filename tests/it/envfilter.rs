//! The environment filter, proven with the real codex: a loopback stand-in
//! model provider configured with `env_key = "OPENAI_API_KEY"` sees the key
//! only when usbide is told to let it through.

use crate::standin::{Reply, Server, sse_reply};
use crate::support::Stick;

const CANARY: &str = "sk-canary-7f3a9c21d4e5b6";

/// A stick whose codex talks to `server`, keyed by `OPENAI_API_KEY`.
fn stick_with_provider(server: &Server) -> Stick {
    Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "env_key = \"OPENAI_API_KEY\"",
    )
}

fn model_server() -> Server {
    Server::start(|req| {
        if req.method == "POST" && req.path.ends_with("/responses") {
            Reply::Full(
                200,
                "text/event-stream",
                sse_reply("hello from the stand-in"),
            )
        } else {
            Reply::Full(404, "text/plain", b"not here".to_vec())
        }
    })
}

fn exec(stick: &Stick) -> crate::support::Run {
    stick.run(&[
        "codex",
        "--",
        "exec",
        "--skip-git-repo-check",
        "--json",
        "say hello",
    ])
}

fn canary_reached(server: &Server) -> bool {
    server
        .requests()
        .iter()
        .any(|r| r.raw_text().contains(CANARY))
}

#[test]
fn api_keys_never_reach_codex_by_default() {
    let server = model_server();
    let mut stick = stick_with_provider(&server);
    stick
        .set("OPENAI_API_KEY", CANARY)
        .set("CODEX_API_KEY", CANARY)
        .set("openai_api_key", CANARY);
    let run = exec(&stick);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.all()
            .contains("Missing environment variable: `OPENAI_API_KEY`")
            || run
                .all()
                .contains("Missing environment variable: 'OPENAI_API_KEY'"),
        "{run:?}"
    );
    assert!(!canary_reached(&server), "the stand-in saw the canary");
    assert!(!run.all().contains(CANARY), "{run:?}");
}

#[test]
fn allow_api_key_lets_the_request_through() {
    let server = model_server();
    let mut stick = stick_with_provider(&server);
    stick
        .set("OPENAI_API_KEY", CANARY)
        .set("USBIDE_CODEX_ALLOW_API_KEY", "1");
    let run = exec(&stick);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("hello from the stand-in"), "{run:?}");
    let requests = server.requests();
    let auth = requests
        .iter()
        .find_map(|r| r.header("authorization").map(str::to_string));
    assert_eq!(
        auth.as_deref(),
        Some(format!("Bearer {CANARY}").as_str()),
        "{requests:?}"
    );
}

#[test]
fn a_dotenv_in_codex_home_does_not_smuggle_the_key_back() {
    let server = model_server();
    let stick = stick_with_provider(&server);
    stick.write(
        "codex_home/.env",
        &format!("# mine\nOPENAI_API_KEY={CANARY}\nKEEP_ME=1\n"),
    );
    let run = exec(&stick);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("removed OPENAI_API_KEY from"),
        "{run:?}"
    );
    assert!(!canary_reached(&server), "the stand-in saw the canary");
    assert!(!run.all().contains(CANARY), "{run:?}");
    assert_eq!(stick.read("codex_home/.env"), "# mine\nKEEP_ME=1\n");
}
