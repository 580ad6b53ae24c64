//! `usbide status`: the stick's login on one screen, without any token, key
//! or key fragment.

use std::path::Path;

use anyhow::Result;

use crate::context::Context;
use crate::login;
use crate::login::claims::{self, AuthFileError, Mode};
use crate::settings::LoginMethod;
use crate::time;

/// Run the command: exit 0 when logged in.
pub fn run(ctx: &Context) -> Result<i32> {
    let stick = ctx.stick()?;
    let lang =
        crate::events::hints::Lang::detect(&ctx.env, crate::platform::user_locale().as_deref());
    if let Some(said) = login::recover_if_idle(&stick.codex_home(), lang) {
        crate::ui::note(&said);
    }
    Ok(if print(ctx, &stick.codex_home())? {
        crate::exit::OK
    } else {
        1
    })
}

/// Print the status of `codex_home`; returns whether a login is stored.
pub fn print(ctx: &Context, codex_home: &Path) -> Result<bool> {
    let path = login::auth_path(codex_home);
    let forced = ctx.settings.login_method;
    let summary = match claims::read(&path) {
        Ok(s) => s,
        Err(AuthFileError::Missing) => {
            println!(
                "login       not logged in on this stick ({} does not exist)",
                path.display()
            );
            println!("            run `usbide login`");
            return Ok(false);
        }
        Err(e) => {
            println!("login       unreadable: {e}");
            return Ok(false);
        }
    };
    let mode = summary
        .mode
        .clone()
        .unwrap_or(Mode::Other("unknown".into()));
    let who = match (&summary.email, &summary.plan) {
        (Some(e), Some(p)) => format!(" as {e}, plan {p}"),
        (Some(e), None) => format!(" as {e}"),
        _ => String::new(),
    };
    println!("login       {}{who}", mode.label());
    let now = time::now();
    if let Some(at) = summary.last_refresh {
        println!("refreshed   {} ago", time::span(now - at));
    }
    if let Some(exp) = summary.expires_at {
        let when = if exp >= now {
            format!("expires in {}", time::span(exp - now))
        } else {
            format!(
                "expired {} ago (codex refreshes it on the next request)",
                time::span(now - exp)
            )
        };
        println!("token       {when}");
    }
    let forced_text = forced.config_value().unwrap_or("not forced");
    match login::mismatch(&summary, forced, None) {
        Some(why) => println!(
            "forced      {forced_text}: MISMATCH, {why}; codex would delete this login: run `usbide login`"
        ),
        None if forced == LoginMethod::None => println!("forced      not forced"),
        None => println!("forced      {forced_text} (matches)"),
    }
    println!("file        {}", path.display());
    Ok(true)
}
