//! `usbide clean`: show what codex or usbide left on this computer, outside
//! the stick, and remove it. Temporary folders of sessions that are gone are
//! usbide's own and go at once; a `~/.codex` may be this computer's own
//! codex, so it goes only after a question that names it (never by `--yes`).

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::preflight::leftovers::{self, Leftover};
use crate::preflight::traces::{self, Trace};
use crate::ui::{confirm, note};

/// Run the command.
pub fn run(ctx: &Context) -> Result<i32> {
    let t = crate::messages::text(ctx.lang);
    let said = |template: &str, path: &std::path::Path| {
        crate::messages::fill(template, &[("path", &path.display().to_string())])
    };
    let stick_home = ctx.stick().map(|s| s.codex_home()).unwrap_or_default();
    let found = traces::find(&ctx.env, &stick_home);
    // The Windows tools answer in well under a second; a hung one is let go.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let left = leftovers::find(
        &ctx.env,
        &stick_home,
        ctx.settings.host.as_deref(),
        deadline,
    );
    if found.is_empty() && left.is_empty() {
        note(t.clean_nothing);
        return Ok(crate::exit::OK);
    }
    let mut kept = !left.is_empty() && !sandbox_leftovers(ctx, &stick_home, &left)?;
    for trace in &found {
        crate::out::println!("{}", trace.path().display());
    }
    for trace in found {
        match trace {
            Trace::PrivateHome(dir) | Trace::Scratch(dir) => {
                std::fs::remove_dir_all(&dir).with_context(|| said(t.cannot_remove, &dir))?;
                note(&said(t.clean_removed, &dir));
            }
            Trace::CodexHome(dir) => {
                if confirm(&said(t.clean_ask_codex_home, &dir), ctx.lang)? {
                    std::fs::remove_dir_all(&dir).with_context(|| said(t.cannot_remove, &dir))?;
                    note(&said(t.clean_removed, &dir));
                } else {
                    kept = true;
                    note(&said(t.clean_kept, &dir));
                }
            }
        }
    }
    Ok(if kept { 1 } else { crate::exit::OK })
}

/// Remove what codex's elevated sandbox left: on the computer through one
/// administrator prompt (asked first; `--yes` answers), else the commands an
/// administrator would run; then the stick's copy of the accounts'
/// passwords, once the accounts are gone. `true` when nothing is left.
fn sandbox_leftovers(
    ctx: &Context,
    codex_home: &std::path::Path,
    left: &[Leftover],
) -> Result<bool> {
    let t = crate::messages::text(ctx.lang);
    for l in left {
        crate::out::println!("{}", l.describe(ctx.lang));
    }
    let on_computer: Vec<Leftover> = left
        .iter()
        .filter(|l| l.on_the_computer())
        .cloned()
        .collect();
    let commands = leftovers::removal_commands(&on_computer);
    let shown = commands
        .iter()
        .map(|c| format!("  {c}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut done = on_computer.is_empty();
    if !done {
        let can = crate::platform::elevation().is_some_and(|e| e.can_elevate());
        let list: Vec<String> = on_computer.iter().map(|l| l.describe(ctx.lang)).collect();
        let question = crate::messages::fill(t.clean_sandbox_ask, &[("list", &list.join(", "))]);
        let yes = can
            && (ctx.settings.assume_yes
                || crate::ui::choose(&question, ctx.lang)?.unwrap_or(false));
        if !can {
            note(&crate::messages::fill(
                t.clean_sandbox_commands,
                &[("commands", &shown)],
            ));
        } else if !yes {
            note(t.clean_sandbox_kept);
        } else {
            let args = format!(
                "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand {}",
                leftovers::encoded_script(&commands)
            );
            let ran =
                leftovers::powershell().and_then(|ps| crate::platform::run_elevated(&ps, &args));
            match ran {
                Some(0) => {
                    note(t.clean_sandbox_removed);
                    done = true;
                }
                other => {
                    let count = other.map_or_else(|| "-".to_string(), |c| c.to_string());
                    note(&crate::messages::fill(
                        t.clean_sandbox_failed,
                        &[("count", &count)],
                    ));
                    note(&crate::messages::fill(
                        t.clean_sandbox_commands,
                        &[("commands", &shown)],
                    ));
                }
            }
        }
    }
    // The passwords on the stick open accounts that are gone: they go too.
    let accounts_gone = done || !left.iter().any(|l| matches!(l, Leftover::Account(_)));
    if let Some(Leftover::Secrets(dir)) = left.iter().find(|l| matches!(l, Leftover::Secrets(_)))
        && accounts_gone
    {
        let stick = ctx.stick()?;
        let _lock = crate::session::prepare::lock(ctx, &stick)?;
        let said = |template: &str| {
            crate::messages::fill(template, &[("path", &dir.display().to_string())])
        };
        std::fs::remove_dir_all(dir).with_context(|| said(t.cannot_remove))?;
        note(&said(t.clean_removed));
        let mut hosts = crate::preflight::sandbox::Hosts::read(codex_home);
        hosts.secrets = None;
        let _ = hosts.write(codex_home);
    }
    Ok(done)
}
