//! Integration tests: the real `usbide` binary on temporary sticks, handing
//! off to the real codex from the payload, against loopback stand-ins. They
//! drive Unix tools (sh scripts, FUSE); Windows CI runs the unit tests.
#![cfg(unix)]

mod doctor;
mod envfilter;
mod exec;
mod fat32;
mod launch;
mod login;
mod payload;
mod standin;
mod support;
