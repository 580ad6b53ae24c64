#!/usr/bin/env bash
# Peak memory (and time) of usbide on hostile inputs, which must stay bounded:
#   - `render` of one 100 MB line with no newline, and of one 100 MB event;
#   - `render` of 268 MB of distinct error lines;
#   - a launch (`usbide codex -- --version`) and `doctor --offline` on a
#     stick whose config.toml is 50 MB.
#
#   scripts/bench-memory.sh [USBIDE_BINARY]   (default: a fresh release build;
#                                              needs GNU time at /usr/bin/time)
# Pass another build's binary to compare (e.g. one built from main).
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/bench
mkdir -p "$work"
if [[ $# -ge 1 ]]; then
    bin=$(realpath "$1")
else
    cargo build --release --quiet
    bin=$(realpath target/release/usbide)
fi

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
one = f"{work}/one-line-100mb.txt"
if not os.path.exists(one):
    with open(one, "wb") as f:
        chunk = b"a" * 1_000_000
        for _ in range(100):
            f.write(chunk)
event = f"{work}/one-event-100mb.jsonl"
if not os.path.exists(event):
    with open(event, "w") as f:
        f.write('{"type":"item.completed","item":{"id":"item_9","type":"agent_message","text":"')
        for _ in range(100):
            f.write("word " * 200_000)
        f.write('"}\n')
errors = f"{work}/distinct-errors-268mb.jsonl"
if not os.path.exists(errors):
    with open(errors, "w") as f:
        written, i = 0, 0
        while written < 268_000_000:
            line = '{"type":"error","message":"unexpected status 500 Internal Server Error: request %d failed at stage %d"}\n' % (i, i * 7)
            f.write(line); written += len(line); i += 1
stick = f"{work}/stick-big-config"
home = f"{stick}/codex_home"
os.makedirs(home, exist_ok=True)
os.makedirs(f"{stick}/payload", exist_ok=True)
cfg = f"{home}/config.toml"
if not os.path.exists(cfg) or os.path.getsize(cfg) < 50_000_000:
    with open(cfg, "w") as f:
        f.write('model = "gpt-5"\n')
        written, i = 0, 0
        while written < 50_000_000:
            line = f'[projects."/home/ann/project-{i}"]\ntrust_level = "trusted"\n'
            f.write(line); written += len(line); i += 1
PY

measure() { # name, stdin file, command...
    local name=$1 input=$2; shift 2
    /usr/bin/time -o "$work/time.txt" -f "%e %M %x" "$@" < "$input" > /dev/null 2> "$work/stderr.txt" || true
    read -r secs kb code < <(tail -n 1 "$work/time.txt")
    printf '%-34s %7.2f s  peak %8.1f MiB  exit %s\n' "$name" "$secs" "$(echo "$kb / 1024" | bc -l)" "$code"
}

stick=$(realpath "$work/stick-big-config")
export USBIDE_PREFLIGHT=local USBIDE_DOCTOR_ENDPOINTS=https://127.0.0.1:9/
echo "binary: $bin"
measure "render: one 100 MB line" "$work/one-line-100mb.txt" "$bin" render --color never
measure "render: one 100 MB JSON event" "$work/one-event-100mb.jsonl" "$bin" render --color never
measure "render: 268 MB distinct errors" "$work/distinct-errors-268mb.jsonl" "$bin" render --color never
measure "launch: 50 MB config.toml" /dev/null env USBIDE_ROOT="$stick" USBIDE_PAYLOAD_DIR="$stick/payload" "$bin" codex -- --version
measure "doctor: 50 MB config.toml" /dev/null env USBIDE_ROOT="$stick" USBIDE_PAYLOAD_DIR="$stick/payload" "$bin" doctor --offline
