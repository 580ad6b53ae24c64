#!/usr/bin/env bash
# Cargo's runner for the x86_64-pc-windows-gnu target (scripts/win.sh): run a test binary under
# Wine. HOME-style variables of the Linux side are dropped so that the Windows process sees
# Wine's own profile (USERPROFILE, TEMP) and nothing of the developer's.
set -euo pipefail
exe=$1; shift
exec env -u HTTPS_PROXY -u HTTP_PROXY -u ALL_PROXY -u https_proxy -u http_proxy -u all_proxy \
    -u NO_PROXY -u no_proxy -u CODEX_HOME -u OPENAI_API_KEY -u TMPDIR \
    wine "$exe" "$@"
