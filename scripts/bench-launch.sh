#!/usr/bin/env bash
# What the network preflight adds to a launch: `usbide exec` against a
# loopback stand-in model, with `preflight = local`, then `auto` with a
# probe endpoint that accepts connections and never answers (a firewall
# that drops packets). Target: at most 0.4 s more than `local`, whatever
# USBIDE_DOCTOR_TIMEOUT_MS says. Best of ROUNDS (default 5) runs each.
#
#   scripts/bench-launch.sh            (needs the payload: scripts' quick start)
#   USBIDE_BIN=path/to/usbide SKIP_BUILD=1 scripts/bench-launch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: ${ROUNDS:=5}
: ${SKIP_BUILD:=}; [ -n "$SKIP_BUILD" ] || cargo build --release --quiet
bin=$(realpath "${USBIDE_BIN:-target/release/usbide}")
payload=$(realpath payload)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$work" <<'PY' &
import http.server, json, socket, sys, threading
work = sys.argv[1]
# The black hole: connections accepted, never answered.
hole = socket.socket(); hole.bind(("127.0.0.1", 0)); hole.listen(64)
held = []
threading.Thread(target=lambda: [held.append(hole.accept()) for _ in iter(int, 1)], daemon=True).start()
def sse(text):
    events = [
        {"type": "response.created", "response": {"id": "resp_1"}},
        {"type": "response.output_item.done", "item": {"type": "message", "role": "assistant", "id": "msg_1", "content": [{"type": "output_text", "text": text}]}},
        {"type": "response.completed", "response": {"id": "resp_1", "usage": {"input_tokens": 5, "input_tokens_details": None, "output_tokens": 3, "output_tokens_details": None, "total_tokens": 8}}},
    ]
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()
class Model(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = sse("answered")
        self.send_response(200); self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    do_GET = do_POST
    def log_message(self, *a): pass
model = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Model)
open(f"{work}/ports", "w").write(f"{model.server_address[1]} {hole.getsockname()[1]}\n")
model.serve_forever()
PY
while [ ! -s "$work/ports" ]; do sleep 0.1; done
read -r model_port hole_port < "$work/ports"

mkdir -p "$work/STICK/codex_home" "$work/home"
cat > "$work/STICK/codex_home/config.toml" <<EOF
model = "gpt-test"
model_provider = "standin"
approval_policy = "never"

[model_providers.standin]
name = "stand-in"
base_url = "http://127.0.0.1:$model_port/v1"
experimental_bearer_token = "bench"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
EOF

run() { # preflight -> best wall seconds of ROUNDS launches
    local best=""
    for _ in $(seq "$ROUNDS"); do
        rm -f "$work/STICK/codex_home/.usbide/preflight-ok"
        local t0 t1
        t0=$(date +%s.%N)
        env -i PATH="$PATH" HOME="$work/home" LANG=C.UTF-8 TMPDIR="$work" \
            USBIDE_ROOT="$work/STICK" USBIDE_PAYLOAD_DIR="$payload" USBIDE_UPDATE_CHECK=off \
            USBIDE_PREFLIGHT="$1" USBIDE_DOCTOR_ENDPOINTS="https://127.0.0.1:$hole_port/" \
            USBIDE_DOCTOR_TIMEOUT_MS=60000 \
            "$bin" exec --skip-git-repo-check "say hello" > /dev/null 2>&1
        t1=$(date +%s.%N)
        best=$(python3 -c "import sys; a=float(sys.argv[1])-float(sys.argv[2]); b=sys.argv[3]; print(a if not b or a < float(b) else b)" "$t1" "$t0" "$best")
    done
    echo "$best"
}
local_s=$(run local)
auto_s=$(run auto)
python3 - "$local_s" "$auto_s" <<'PY'
import sys
l, a = float(sys.argv[1]), float(sys.argv[2])
print(f"launch, preflight=local:                     {l:6.3f} s")
print(f"launch, preflight=auto, probe never answers: {a:6.3f} s")
print(f"added by the network preflight:              {a - l:6.3f} s (target: at most 0.400)")
PY
