//! The `usbide exec` idle watchdog with the real codex: an unfinished plan
//! (`todo_list`) is not work that keeps codex quiet, so a model that stalls
//! after codex updated its plan is still stopped and explained.

use crate::standin::{Reply, Server, sse_events as sse};
use crate::support::Stick;

#[test]
fn an_unfinished_plan_does_not_disable_the_watchdog() {
    // First answer: the model updates the plan (codex shows a todo_list
    // item, still in progress). Second request: the model stalls.
    let server = Server::start(|req| {
        let body = String::from_utf8_lossy(&req.body);
        if !(req.method == "POST" && req.path.ends_with("/responses")) {
            return Reply::Full(404, "text/plain", b"no".to_vec());
        }
        if body.contains("function_call_output") {
            return Reply::Stall {
                len: 4096,
                first: b"event: response.created\n".to_vec(),
            };
        }
        let plan = serde_json::json!({"plan": [
            {"step": "look around", "status": "in_progress"},
            {"step": "answer", "status": "pending"}]});
        Reply::Full(
            200,
            "text/event-stream",
            sse(&[
                serde_json::json!({"type": "response.created", "response": {"id": "r1"}}),
                serde_json::json!({"type": "response.output_item.done", "item": {
                    "type": "function_call", "id": "fc_1", "call_id": "call_1",
                    "name": "update_plan", "arguments": plan.to_string()}}),
                serde_json::json!({"type": "response.completed", "response": {"id": "r1", "usage": {
                    "input_tokens": 5, "input_tokens_details": null, "output_tokens": 2,
                    "output_tokens_details": null, "total_tokens": 7}}}),
            ]),
        )
    });
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    let config = stick.read("codex_home/config.toml");
    stick.write(
        "codex_home/config.toml",
        &format!("{config}\n[tools.update_plan]\nenabled = true\n"),
    );
    stick.set("USBIDE_EXEC_IDLE_SECS", "2");
    let run = stick.run(&[
        "exec",
        "--color",
        "never",
        "--skip-git-repo-check",
        "make a plan",
    ]);
    assert!(run.stderr.contains("[ ] answer"), "no plan shown: {run:?}");
    assert_eq!(run.code, 124, "{run:?}");
    assert!(run.stderr.contains("codex sent nothing for 2 s"), "{run:?}");
}
