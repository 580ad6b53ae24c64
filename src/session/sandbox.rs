//! Codex's Windows sandbox on a computer that may not be the user's: the
//! question a first launch asks where the elevated sandbox would work (the
//! decision itself is [`crate::preflight::sandbox`]), and the removal of
//! what the elevated sandbox left ([`crate::preflight::leftovers`] finds it).

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::preflight::leftovers::{self, Leftover};
use crate::stick::Stick;
use crate::ui::note;

/// Ask once on this computer whether codex may set up its elevated
/// sandbox here, and remember the answer for it in `usbide.toml`. `None`
/// when nobody can answer or `--yes` stands for the answer: the sandbox
/// that leaves nothing is used, and the question waits for a terminal.
pub fn ask(ctx: &Context, stick: &Stick) -> Option<crate::settings::SandboxChoice> {
    use crate::settings::SandboxChoice;
    if ctx.settings.assume_yes {
        return None;
    }
    let t = crate::messages::text(ctx.lang);
    let yes = crate::ui::choose(t.sandbox_question, ctx.lang).ok()??;
    let chosen = if yes {
        SandboxChoice::Elevated
    } else {
        SandboxChoice::Unelevated
    };
    if let Some(host) = ctx.settings.host.as_deref() {
        let line = format!("windows_sandbox.{host}");
        match crate::settings::file::save(&stick.root, &line, Some(chosen.as_str())) {
            Ok(_) => note(&crate::messages::fill(
                t.sandbox_remembered,
                &[("choice", chosen.as_str())],
            )),
            Err(e) => note(&crate::messages::UserError::message(&e, ctx.lang)),
        }
    }
    Some(chosen)
}

/// Remove what codex's elevated sandbox left: on the computer through one
/// administrator prompt (asked first; `--yes` answers), else the commands an
/// administrator would run; then the stick's copy of the accounts'
/// passwords, once the accounts are gone. `true` when nothing is left.
pub fn remove_leftovers(
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
        let _lock = crate::session::stick_lock::lock(ctx, &stick)?;
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
