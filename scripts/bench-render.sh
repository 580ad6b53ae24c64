#!/usr/bin/env bash
# Throughput and peak memory of `usbide render` over a large stream built from
# real codex 0.169 `exec --json` events (benches/fixtures), side by side with
# `cat` (the ceiling) and `jq -c .` in the same run.
#
#   scripts/bench-render.sh [SIZE_MB]     (default 200; needs jq and GNU time)
#   USBIDE_BIN=/path/to/usbide scripts/bench-render.sh   (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-200}"
work=target/bench
mkdir -p "$work"
if [[ -n "${USBIDE_BIN:-}" ]]; then   # compare another build (e.g. main's)
    bin=$USBIDE_BIN
else
    cargo build --release --quiet
    bin=target/release/usbide
fi

# Build the stream: the real events, repeated; every tenth command's output is
# grown to ~1 MB, as a build log or a test run would be.
python3 - "$size_mb" "$work" <<'PY'
import json, sys
size = int(sys.argv[1]) * 1_000_000
out_path = f"{sys.argv[2]}/stream-{sys.argv[1]}.jsonl"
lines = open("benches/fixtures/codex-0.169-exec.jsonl").read().splitlines()
big = None
for l in lines:
    e = json.loads(l)
    if e["type"] == "item.completed" and e["item"]["type"] == "command_execution":
        e["item"]["aggregated_output"] = "".join(f"{i}\tok \"line\" {i * 7}\n" for i in range(60_000))
        big = json.dumps(e)
        break
written, n = 0, 0
with open(out_path, "w") as f:
    while written < size:
        for l in lines:
            f.write(l + "\n"); written += len(l) + 1
        n += 1
        if n % 10 == 0:
            f.write(big + "\n"); written += len(big) + 1
print(out_path)
PY
stream="$work/stream-$size_mb.jsonl"
bytes=$(stat -c %s "$stream")

measure() { # name, command...
    local name=$1; shift
    local t
    t=$( { /usr/bin/time -f "%e %M" "$@" < "$stream" > /dev/null; } 2>&1 | tail -n 1 )
    local secs=${t% *} kb=${t#* }
    python3 -c "import sys; b,s,k=$bytes,max($secs,0.001),$kb; print(f'{sys.argv[1]:<14} {b/1e6/s:8.1f} MB/s  {s:6.2f} s  peak {k/1024:7.1f} MiB')" "$name"
}

echo "stream: $stream ($((bytes / 1000000)) MB)"
measure cat cat
measure "jq -c ." jq -c .
measure "usbide render" "$bin" render --color never
