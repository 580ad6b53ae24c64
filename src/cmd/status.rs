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
pub fn run(ctx: &Context, json: bool) -> Result<i32> {
    let stick = ctx.stick()?;
    if json {
        let (doc, logged_in) = report(ctx, &stick.codex_home());
        crate::out::println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(if logged_in { crate::exit::OK } else { 1 });
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
            crate::out::println!(
                "login       not logged in on this stick ({} does not exist)",
                path.display()
            );
            crate::out::println!("            run `usbide login`");
            return Ok(false);
        }
        Err(e) => {
            crate::out::println!("login       unreadable: {e}");
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
    crate::out::println!("login       {}{who}", mode.label());
    let now = time::now();
    if let Some(at) = summary.last_refresh {
        crate::out::println!("refreshed   {} ago", time::span(now - at));
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
        crate::out::println!("token       {when}");
    }
    let workspace = crate::home::provider::Provider::read(codex_home, forced).workspace;
    let line = forced_line(&summary, forced, workspace.as_deref());
    let color = ctx.color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match (color, line.contains("MISMATCH")) {
        (true, true) => crate::out::println!("\x1b[1;31m{line}\x1b[0m"),
        (true, false) => crate::out::println!("\x1b[32m{line}\x1b[0m"),
        _ => crate::out::println!("{line}"),
    }
    crate::out::println!("file        {}", path.display());
    Ok(true)
}

/// The status as JSON (docs/status.schema.json); never a token or key.
fn report(ctx: &Context, codex_home: &Path) -> (serde_json::Value, bool) {
    let path = login::auth_path(codex_home);
    let forced = ctx.settings.login_method;
    let workspace = crate::home::provider::Provider::read(codex_home, forced).workspace;
    let forced_doc = |mismatch: Option<String>| {
        serde_json::json!({
            "method": forced.config_value(),
            "workspace": workspace,
            "mismatch": mismatch,
        })
    };
    let summary = match claims::read(&path) {
        Ok(s) => s,
        Err(e) => {
            let error = match e {
                AuthFileError::Missing => None,
                other => Some(crate::redact::text(&other.to_string())),
            };
            return (
                serde_json::json!({
                    "schema_version": 1,
                    "logged_in": false,
                    "file": path.display().to_string(),
                    "error": error,
                    "forced": forced_doc(None),
                }),
                false,
            );
        }
    };
    let now = time::now();
    let mode = match &summary.mode {
        Some(Mode::Chatgpt) => "chatgpt".to_string(),
        Some(Mode::ApiKey) => "api_key".to_string(),
        Some(Mode::Other(m)) => crate::events::escape::escape(m).into_owned(),
        None => "unknown".to_string(),
    };
    let mismatch = login::mismatch(&summary, forced, workspace.as_deref());
    (
        serde_json::json!({
            "schema_version": 1,
            "logged_in": true,
            "file": path.display().to_string(),
            "mode": mode,
            "email": summary.email,
            "plan": summary.plan,
            "refreshed_seconds_ago": summary.last_refresh.map(|at| now - at),
            "expires_in_seconds": summary.expires_at.map(|at| at - now),
            "forced": forced_doc(mismatch),
        }),
        true,
    )
}

/// The `forced` line: the same rule ([`login::mismatch`]) a launch and the
/// doctor apply, so status never says "matches" where a launch refuses.
fn forced_line(summary: &claims::Summary, forced: LoginMethod, workspace: Option<&str>) -> String {
    let mut what = forced.config_value().unwrap_or("not forced").to_string();
    if let Some(ws) = workspace {
        what.push_str(&format!(
            ", workspace {}",
            crate::events::escape::escape(ws)
        ));
    }
    match login::mismatch(summary, forced, workspace) {
        Some(why) => format!(
            "forced      {what}: MISMATCH, {why}; codex would delete this login: run `usbide login`"
        ),
        None if forced == LoginMethod::None && workspace.is_none() => {
            "forced      not forced".to_string()
        }
        None => format!("forced      {what} (matches)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chatgpt(account: &str) -> claims::Summary {
        claims::Summary {
            mode: Some(Mode::Chatgpt),
            account_id: Some(account.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_workspace_mismatch_is_never_called_a_match() {
        let line = forced_line(&chatgpt("acc-1"), LoginMethod::Chatgpt, Some("ws-other"));
        assert!(line.contains("MISMATCH"), "{line}");
        let line = forced_line(&chatgpt("acc-1"), LoginMethod::None, Some("ws-a,ws-b"));
        assert!(line.contains("MISMATCH"), "{line}");
        let line = forced_line(&chatgpt("ws-b"), LoginMethod::Chatgpt, Some("ws-a,ws-b"));
        assert!(line.ends_with("(matches)"), "{line}");
        assert_eq!(
            forced_line(&chatgpt("acc-1"), LoginMethod::None, None),
            "forced      not forced"
        );
    }
}
