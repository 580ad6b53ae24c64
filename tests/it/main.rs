//! Integration tests: the real `usbide` binary on temporary sticks, handing
//! off to the real codex from the payload, against loopback stand-ins. On
//! Linux with the musl codex; under Wine (`scripts/win.sh it`) the same tests
//! run `usbide.exe` and the real Windows `codex.exe`, except the few that
//! need Unix tools (FUSE, `sh`, `openssl`), which say so with `#[cfg(unix)]`.

mod corpus;
mod doctor;
mod envfilter;
mod exec;
#[cfg(unix)]
mod fat32;
mod firstrun;
mod french;
// Hostile host input: non-UTF-8 names, closed pipes, a fake codex in `sh`.
#[cfg(unix)]
mod hostile;
// Byte-exact edits, modes, links: Unix file semantics.
#[cfg(unix)]
mod files;
mod launch;
mod login;
// The installer's mechanics, with small fake packages whose codex is a shell
// script; under Wine `windows::payload_install_...` installs the real one.
#[cfg(unix)]
mod payload;
mod screens;
mod secrets;
mod shared;
// A read-only bind mount.
#[cfg(unix)]
mod readonly;
mod standin;
mod support;
mod update;
mod watchdog;
mod windows;
mod wine;
