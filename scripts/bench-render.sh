#!/usr/bin/env bash
# Throughput and peak memory of `usbide render` on three shapes of stream,
# side by side with `cat` (the ceiling) and `jq -c .` in the same run:
#   big      real codex 0.169 events; every tenth command prints ~1 MB
#   small    ordinary small events: messages, reasoning, short commands
#   errors   error-heavy: reconnect notices, errors and failed turns with
#            the real texts of tests/corpus/codex-errors.toml
# Target: usbide render at least 10x jq on every shape, memory flat. Each
# figure is the best of ROUNDS (default 7) rounds that run cat, jq and
# usbide one after the other: single runs vary by 30% or more on a shared
# VM, and a slow spell then slows all three.
#
#   scripts/bench-render.sh [SIZE_MB]     (default 100; needs jq and GNU time)
#   USBIDE_BIN=path/to/usbide SKIP_BUILD=1 scripts/bench-render.sh   (another build, before/after)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-100}"
work=target/bench
mkdir -p "$work"
: ${ROUNDS:=7}
: ${SKIP_BUILD:=}; [ -n "$SKIP_BUILD" ] || cargo build --release --quiet
bin=${USBIDE_BIN:-target/release/usbide}

python3 - "$size_mb" "$work" <<'PY'
import functools, json, sys, tomllib
# As codex writes its events (serde_json): UTF-8 as it is, never \u escapes.
json.dumps = functools.partial(json.dumps, ensure_ascii=False)
size = int(sys.argv[1]) * 1_000_000
work = sys.argv[2]
fixture = open("benches/fixtures/codex-0.169-exec.jsonl").read().splitlines()

def write(name, blocks):
    path = f"{work}/{name}-{sys.argv[1]}.jsonl"
    written, n = 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while written < size:
            for l in blocks(n):
                f.write(l + "\n"); written += len(l.encode()) + 1
            n += 1

# big: the real events, repeated; every tenth block one ~1 MB command output.
big = None
for l in fixture:
    e = json.loads(l)
    if e["type"] == "item.completed" and e["item"]["type"] == "command_execution":
        e["item"]["aggregated_output"] = "".join(f"{i}\tok \"line\" {i * 7}\n" for i in range(60_000))
        big = json.dumps(e)
        break
write("big", lambda n: fixture + ([big] if n % 10 == 9 else []))

# small: what a working session mostly is.
def small(n):
    i = f"item_{n}"
    return [json.dumps(e) for e in [
        {"type": "turn.started"},
        {"type": "item.completed", "item": {"id": i + "r", "type": "reasoning", "text": "**Planning the next step**\n\nI will look at the tests, then run them."}},
        {"type": "item.started", "item": {"id": i + "c", "type": "command_execution", "command": "/bin/bash -lc 'ls src'", "aggregated_output": "", "exit_code": None, "status": "in_progress"}},
        {"type": "item.completed", "item": {"id": i + "c", "type": "command_execution", "command": "/bin/bash -lc 'ls src'", "aggregated_output": "cli.rs\nlib.rs\nmain.rs\n", "exit_code": 0, "status": "completed"}},
        {"type": "item.completed", "item": {"id": i + "m", "type": "agent_message", "text": f"Step {n}: the **tests** pass and `cargo fmt` is clean."}},
        {"type": "turn.completed", "usage": {"input_tokens": 1200 + n, "cached_input_tokens": 800, "cache_write_input_tokens": 0, "output_tokens": 60, "reasoning_output_tokens": 12}},
    ]]
write("small", small)

# errors: every real text, as codex emits it.
cases = tomllib.load(open("tests/corpus/codex-errors.toml", "rb"))["case"]
def errors(n):
    t = cases[n % len(cases)]["text"]
    return [json.dumps(e) for e in [
        {"type": "turn.started"},
        {"type": "error", "message": f"Reconnecting... 1/5 ({t})"},
        {"type": "error", "message": f"Reconnecting... 2/5 ({t})"},
        {"type": "item.completed", "item": {"id": f"item_{n}", "type": "error", "message": "Falling back from WebSockets to HTTPS transport. " + t}},
        {"type": "error", "message": t},
        {"type": "turn.failed", "error": {"message": t}},
    ]]
write("errors", errors)
PY

once() { # stream, command...: one run (seconds, peak KiB)
    local stream=$1; shift
    { /usr/bin/time -f "%e %M" "$@" < "$stream" > /dev/null; } 2>&1 | tail -n 1 || true
}
better() { # the faster of two "seconds KiB" figures (the first may be empty)
    if [ -z "$1" ] || awk -v a="${2%% *}" -v b="${1%% *}" 'BEGIN { exit !(a < b) }'; then
        echo "$2"
    else
        echo "$1"
    fi
}

printf '%-8s %8s | %-26s | %-26s | %-26s | %s\n' shape MB cat "jq -c ." "usbide render" "render/jq"
for shape in big small errors; do
    stream="$work/$shape-$size_mb.jsonl"
    bytes=$(stat -c %s "$stream")
    # Rounds of cat, jq, usbide side by side: a slow spell of the machine
    # slows all three, not just one of them.
    c="" j="" u=""
    for _ in $(seq "$ROUNDS"); do
        c=$(better "$c" "$(once "$stream" cat)")
        j=$(better "$j" "$(once "$stream" jq -c .)")
        u=$(better "$u" "$(once "$stream" "$bin" render --color never)")
    done
    python3 - "$shape" "$bytes" "$c" "$j" "$u" <<'PY'
import sys
shape, b = sys.argv[1], int(sys.argv[2])
def cell(t):
    s, k = t.split()
    s = max(float(s), 0.001)
    return s, f"{b/1e6/s:8.1f} MB/s {int(k)/1024:6.1f} MiB"
(cs, c), (js, j), (us, u) = cell(sys.argv[3]), cell(sys.argv[4]), cell(sys.argv[5])
print(f"{shape:<8} {b/1e6:8.0f} | {c:<26} | {j:<26} | {u:<26} | {js/us:5.1f}x")
PY
done
