//! Third step: the login guard. Never let codex delete the stored login;
//! offer a login where a session needs one.

use std::ffi::OsString;
use std::io::{self, IsTerminal};

use anyhow::Result;

use crate::context::Context;
use crate::session::Ready;
use crate::ui::ask;

/// The person chose to log this stick in with an API key where a launch
/// offered a login: [`crate::session::run`] logs in that way, then starts
/// again with the stick's new method (this launch was prepared for ChatGPT).
#[derive(Debug, thiserror::Error)]
#[error("an API key was chosen for this stick's login")]
pub struct ApiKeyChosen;

/// Before codex runs: stop a launch that would make codex delete the stored login (it does when the
/// mode contradicts `forced_login_method`); and for an interactive session
/// with no login, offer to log in (terminal) or stop with the hint.
pub fn check_login(
    ctx: &Context,
    ready: &Ready,
    codex: &std::path::Path,
    args: &[OsString],
    interactive: bool,
) -> Result<()> {
    use crate::login::{self, LoginError, claims};
    // An interrupted login was already put back when the stick was prepared.
    let home = ready.stick.codex_home();
    let provider = &ready.provider;
    if !provider.openai_login || !login::needs_session(args) {
        return Ok(());
    }
    let terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
    let problem = match claims::read(&login::auth_path(&home)) {
        Ok(summary) => match login::mismatch_in(
            &summary,
            ctx.settings.login_method,
            provider.workspace.as_deref(),
            ctx.lang,
        ) {
            Some(why) => LoginError::Mismatch { why },
            None => return Ok(()),
        },
        Err(claims::AuthFileError::Missing) if interactive => LoginError::Missing {
            api_key: ctx.settings.login_method == crate::home::config::LoginMethod::Api,
        },
        Err(_) => return Ok(()),
    };
    // `--yes` answers only the documented questions (download, set up a
    // stick); a login needs a person, so with it there is no prompt.
    // A session beside another one cannot log in (that needs the stick).
    if !terminal || !ready.holds_the_stick() || ctx.settings.assume_yes {
        return Err(problem.into());
    }
    let chatgpt = if matches!(problem, LoginError::Missing { api_key: false })
        && ctx.settings.source_of("login_method") == crate::settings::Source::Default
    {
        // Nobody chose how this stick logs in: ask which way.
        let t = crate::messages::text(ctx.lang);
        match crate::ui::pick(
            t.login_ask_which,
            &[t.login_choice_chatgpt, t.login_choice_api],
            t.login_choice_suffix,
            t.login_choice_again,
            ctx.lang,
        )? {
            Some(crate::ui::Picked::One(0)) => true,
            Some(crate::ui::Picked::One(_)) => return Err(ApiKeyChosen.into()),
            _ => return Err(problem.into()),
        }
    } else {
        ask(&problem.question_in(ctx.lang), ctx.lang)?
    };
    if !chatgpt {
        return Err(problem.into());
    }
    let code = crate::session::login::login(ctx, ready, codex, &crate::cli::LoginArgs::default())?;
    if code != crate::exit::OK {
        // The login just tried says why it failed (above); pointing at
        // `usbide login` again would send the user round in a circle.
        return Err(LoginError::Failed.into());
    }
    if ctx.settings.source_of("login_method") == crate::settings::Source::Default {
        crate::session::login::record_method(
            ctx,
            &ready.stick.root,
            crate::home::config::LoginMethod::Chatgpt,
        )?;
    }
    Ok(())
}
