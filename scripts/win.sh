#!/usr/bin/env bash
# scripts/win.sh: build usbide.exe for Windows on a Debian 12 machine and test it under Wine,
# with the real Windows codex.exe. CI (.ci/run) calls `scripts/win.sh all`.
#
# usage: scripts/win.sh [setup|build|clippy|unit|it|tui|all|env] [-- extra cargo test args]
#   setup   install the toolchain (Debian's rustc-web + its std source, unpacked privately),
#           mingw-w64 and Wine; make the Wine prefix
#   build   usbide.exe (dev profile) in target/windows/x86_64-pc-windows-gnu/debug/
#   clippy  cargo clippy --all-targets -D warnings for the Windows target
#   unit    the library's unit tests, run by Wine
#   it      the integration tests (tests/it) under Wine: usbide.exe and the real codex.exe from
#           payload/x86_64-pc-windows-msvc (install it first; .ci/run does)
#   tui     the interactive session: usbide.exe under Wine in tmux, a prompt typed, the loopback
#           model's answer read off the screen, Ctrl+C twice (tests/it/wine.rs, Linux toolchain)
#   all     setup, build, clippy, unit, it, tui
#   env     print the variables that make `cargo` build for Windows here (eval "$(scripts/win.sh env)")
#
# How: rustup here cannot download a Windows std. Debian's bookworm-security ships rustc-web (a
# current rustc) with its exact std source (rust-web-src); we unpack those debs into
# $USBIDE_WIN_HOME (default ~/.cache/usbide-win), never system-wide, and build std for
# x86_64-pc-windows-gnu with `RUSTC_BOOTSTRAP=1 cargo -Zbuild-std`, linking with mingw-w64.
# Wine 8 (bookworm) lacks bcryptprimitives.dll (ProcessPrng), which Rust's std and codex.exe
# import: a tiny shim is built for the Wine prefix only, never for a stick.
# The MSVC release build is made by .github/workflows (this is the tested gnu twin).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=x86_64-pc-windows-gnu
W=${USBIDE_WIN_HOME:-$HOME/.cache/usbide-win}
DEB=$W/deb
export CARGO_TARGET_DIR=$ROOT/target/windows
export WINEPREFIX=${WINEPREFIX:-$W/wineprefix} WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml="
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$W/debs"

say() { printf 'win: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
elapsed() { local t=$SECONDS; "$@"; say "$1 took $((SECONDS - t)) s"; }

rust_version() { apt-cache policy rustc-web 2>/dev/null | awk '/Candidate:/ {print $2}'; }

setup() {
    local v
    v=$(rust_version)
    # apt's lists may be older than the rustc-web this crate needs (Cargo.toml rust-version).
    local need
    need=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml)
    if [ -z "$v" ] || [ "$v" = "(none)" ] || ! dpkg --compare-versions "${v%%+*}" ge "$need"; then
        apt-get update -qq; v=$(rust_version)
    fi
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "no rustc-web in apt's sources (Debian 12 with bookworm-security is needed)"
    local up=${v%%+*} mm
    mm=${up%.*}
    local pkgs=(rustc-web libstd-rust-web-dev "libstd-rust-web-$mm" rust-web-src cargo-web rust-web-clippy)
    if [ "$(cat "$DEB/.complete" 2>/dev/null)" != "$v" ]; then
        local missing=() p
        for p in "${pkgs[@]}"; do ls "$W/debs/${p}_${v//:/%3a}_"*.deb >/dev/null 2>&1 || missing+=("$p=$v"); done
        if [ ${#missing[@]} -gt 0 ]; then
            (cd "$W/debs" && apt-get download -qq "${missing[@]}") || { apt-get update -qq; (cd "$W/debs" && apt-get download -qq "${missing[@]}"); }
        fi
        rm -rf "$DEB"; mkdir -p "$DEB"
        for p in "${pkgs[@]}"; do dpkg -x "$W/debs/${p}_${v//:/%3a}_"*.deb "$DEB"; done
        echo "$v" >"$DEB/.complete"
    fi
    # What the unpacked rustc and cargo link against, from the debs' own Depends.
    local deps
    deps=$(for f in "$W/debs/"*"_${v//:/%3a}_"*.deb; do dpkg-deb -f "$f" Depends; done | tr ',' '\n' \
        | sed 's/|.*//; s/(.*)//; s/:any//; s/ //g; s/^libc-dev$/libc6-dev/' | grep -v -x -e '' \
        $(printf -- '-e %s ' "${pkgs[@]}") | sort -u)
    local want=($deps gcc-mingw-w64-x86-64 wine wine64) absent=() p
    for p in "${want[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || absent+=("$p"); done
    if [ ${#absent[@]} -gt 0 ]; then
        apt-get install -y -qq --no-install-recommends "${absent[@]}" >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${absent[@]}" >/dev/null; }
    fi
    wineprefix
    say "toolchain $(dcargo --version 2>&1 | head -1), $(wine --version)"
}

wineprefix() {
    if [ ! -f "$WINEPREFIX/system.reg" ]; then wineboot -i >/dev/null 2>&1 || true; wineserver -w; fi
    local sys32=$WINEPREFIX/drive_c/windows/system32
    if [ ! -f "$sys32/bcryptprimitives.dll" ] && ! ls /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll >/dev/null 2>&1; then
        mkdir -p "$W/shim"
        cat >"$W/shim/bcryptprimitives.c" <<'EOF'
/* Wine 8.0 has no bcryptprimitives.dll; Rust's std and codex.exe import ProcessPrng from it.
 * For the Wine test prefix only. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
BOOL WINAPI DllMain(HINSTANCE h, DWORD r, LPVOID p) { (void)h; (void)r; (void)p; return TRUE; }
EOF
        x86_64-w64-mingw32-gcc -shared -O2 -static-libgcc -o "$sys32/bcryptprimitives.dll" \
            "$W/shim/bcryptprimitives.c" -ladvapi32
    fi
}

# The environment that makes cargo build for Windows with the private toolchain.
cargo_env() {
    cat <<EOF
export PATH="$DEB/usr/bin:\$PATH" LD_LIBRARY_PATH="$DEB/usr/lib/x86_64-linux-gnu" RUSTC_BOOTSTRAP=1
export RUSTC="$DEB/usr/bin/rustc" RUSTDOC="$DEB/usr/bin/rustdoc" CARGO_TARGET_DIR="$CARGO_TARGET_DIR"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$ROOT/scripts/wine-run.sh"
export WINEPREFIX="$WINEPREFIX" WINEDEBUG="$WINEDEBUG" WINEDLLOVERRIDES="$WINEDLLOVERRIDES"
EOF
}

dcargo() {
    (eval "$(cargo_env)"; "$DEB/usr/bin/cargo" "$@")
}

XARGS=(--locked --target $TARGET -Zbuild-std=std,panic_abort)
build() { dcargo build "${XARGS[@]}"; }
clippy() { dcargo clippy "${XARGS[@]}" --all-targets -- -D warnings; }
unit() { dcargo test "${XARGS[@]}" --lib -- "$@"; }
it() {
    [ -f payload/x86_64-pc-windows-msvc/codex-package.json ] \
        || die "the Windows codex is not in payload/ (run: usbide --root . payload install --target x86_64-pc-windows-msvc)"
    local version
    version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' payload/payload.toml | head -1)
    # The real package, for the test that installs it from a loopback registry.
    mkdir -p "$CARGO_TARGET_DIR/npm"
    if [ ! -s "$CARGO_TARGET_DIR/npm/openai-codex-$version-win32-x64.tgz" ]; then
        (cd "$CARGO_TARGET_DIR/npm" && npm pack -q "@openai/codex@$version-win32-x64" >/dev/null)
    fi
    # E: is a removable drive holding a folder of ours (Wine: dosdevices + its registry).
    wineserver -k 2>/dev/null || true
    mkdir -p "$CARGO_TARGET_DIR/drive-e"
    ln -sfn "$CARGO_TARGET_DIR/drive-e" "$WINEPREFIX/dosdevices/e:"
    wine reg add 'HKLM\Software\Wine\Drives' /v e: /t REG_SZ /d floppy /f >/dev/null 2>&1
    # F: is the same folder: the stick plugged in again under another letter.
    ln -sfn "$CARGO_TARGET_DIR/drive-e" "$WINEPREFIX/dosdevices/f:"
    wine reg add 'HKLM\Software\Wine\Drives' /v f: /t REG_SZ /d floppy /f >/dev/null 2>&1
    # G: is a network drive (a company share).
    mkdir -p "$CARGO_TARGET_DIR/drive-g"
    ln -sfn "$CARGO_TARGET_DIR/drive-g" "$WINEPREFIX/dosdevices/g:"
    wine reg add 'HKLM\Software\Wine\Drives' /v g: /t REG_SZ /d network /f >/dev/null 2>&1
    wineserver -w
    # Tests named winreg_* change the prefix's Internet Settings: alone, after the rest.
    dcargo test "${XARGS[@]}" --test it -- --test-threads=2 --skip winreg_ "$@"
    dcargo test "${XARGS[@]}" --test it -- --test-threads=1 winreg_ "$@"
}

# The interactive session: usbide.exe under Wine in tmux, driven by a Linux
# test (tests/it/wine.rs) with the Linux toolchain.
tui() {
    build
    command -v tmux >/dev/null || apt-get install -y -qq tmux >/dev/null
    USBIDE_WINE_EXE="$CARGO_TARGET_DIR/$TARGET/debug/usbide.exe" CARGO_TARGET_DIR="$ROOT/target" \
        cargo test --locked --test it wine:: -- --test-threads=1 --nocapture "$@"
}

cmd=${1:-all}; shift || true
[ "${1:-}" = "--" ] && shift
case "$cmd" in
    setup) elapsed setup ;;
    build) elapsed build ;;
    clippy) elapsed clippy ;;
    unit) elapsed unit "$@" ;;
    it) elapsed it "$@" ;;
    tui) elapsed tui "$@" ;;
    env) cargo_env ;;
    all) elapsed setup; elapsed build; elapsed clippy; elapsed unit; elapsed it; elapsed tui ;;
    *) die "unknown step $cmd (setup, build, clippy, unit, it, tui, all, env)" ;;
esac
