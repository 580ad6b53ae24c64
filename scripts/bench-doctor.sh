#!/usr/bin/env bash
# How long `usbide doctor` takes on a stick where every check fails: broken
# config.toml, no payload, a CA variable pointing nowhere, a login codex would
# delete, and every endpoint failing differently (black hole, unresolvable,
# refused, proxy asking for credentials). Target: under 3 s.
#
#   scripts/bench-doctor.sh [RUNS]     (default 5; loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release --quiet
bin="$PWD/target/release/usbide"
work="$(mktemp -d "$PWD/target/bench-doctor.XXXXXX")"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

# Stand-ins: a black hole (accepts, never answers) and a proxy answering 407.
python3 - "$work" <<'PY' &
import socket, sys, threading
hole = socket.socket(); hole.bind(("127.0.0.1", 0)); hole.listen(64)
proxy = socket.socket(); proxy.bind(("127.0.0.1", 0)); proxy.listen(64)
open(f"{sys.argv[1]}/ports", "w").write(f"{hole.getsockname()[1]} {proxy.getsockname()[1]}\n")
def answer():
    while True:
        c, _ = proxy.accept(); c.recv(4096)
        c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"); c.close()
threading.Thread(target=answer, daemon=True).start()
threading.Event().wait(600)
PY
while [ ! -s "$work/ports" ]; do sleep 0.1; done
read -r hole proxy < "$work/ports"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

stick="$work/STICK"
mkdir -p "$stick/codex_home" "$stick/payload"
printf 'model = "x\n' > "$stick/codex_home/config.toml"
printf '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-bench-0000000000"}' > "$stick/codex_home/auth.json"

run() {
    env -i PATH="$PATH" HOME="$work" TMPDIR="$work" USBIDE_ROOT="$stick" \
        CODEX_CA_CERTIFICATE="$work/missing.pem" \
        USBIDE_DOCTOR_ENDPOINTS="https://127.0.0.1:$hole/,https://no-such-host.invalid/,http://127.0.0.1:$closed/,https://through-proxy.invalid/" \
        NO_PROXY="127.0.0.1,no-such-host.invalid" HTTPS_PROXY="http://127.0.0.1:$proxy" \
        "$bin" doctor --json
}
run > "$work/report.json" || true
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fails = [c["id"] for c in r["checks"] if c["status"] == "fail"]
print(f"failing checks ({len(fails)}): {', '.join(fails)}")
PY
for i in $(seq "$runs"); do
    /usr/bin/time -q -f "%e" -o "$work/t" bash -c "$(declare -f run); bin=$bin work=$work stick=$stick hole=$hole closed=$closed proxy=$proxy run" > /dev/null || true
    echo "run $i: $(cat "$work/t") s"
done
