#!/usr/bin/env bash
# scripts/release-archive.sh BINARY VERSION TARGET KEY_FILE OUT_DIR
#
# Name, pack and sign one release archive (usbide-VERSION-TARGET.zip, the
# binary alone, zipsign-signed for that file name) and add its line to
# OUT_DIR/SHA256SUMS. The release workflow runs it for every target; the
# tests run it with the test key. The signing tool is examples/release_archive.rs
# (USBIDE_RELEASE_TOOL overrides where its binary is).
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 BINARY VERSION TARGET KEY_FILE OUT_DIR" >&2; exit 2; }
binary=$1 version=${2#v} target=$3 key=$4 out=$5
cd "$(dirname "$0")/.."
tool=${USBIDE_RELEASE_TOOL:-}
if [ -z "$tool" ]; then
    cargo build -q --locked --example release_archive
    tool=target/debug/examples/release_archive
fi
mkdir -p "$out"
line=$("$tool" "$binary" "$version" "$target" "$key" "$out")
sums="$out/SHA256SUMS"
touch "$sums"
grep -v "  usbide-$version-$target.zip\$" "$sums" > "$sums.tmp" || true
echo "$line" >> "$sums.tmp"
sort -k2 "$sums.tmp" > "$sums"
rm -f "$sums.tmp"
echo "$line"
