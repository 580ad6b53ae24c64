//! The stick's login on one screen (`usbide status`, and after a login),
//! without any token, key or key fragment.

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
        crate::out::json(&doc)?;
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
    let t = crate::messages::text(ctx.lang);
    let fill = crate::messages::fill;
    let path = login::auth_path(codex_home);
    let forced = ctx.settings.login_method;
    let summary = match claims::read(&path) {
        Ok(s) => s,
        Err(AuthFileError::Missing) => {
            crate::out::println!(
                "{}",
                fill(t.status_no_login, &[("path", &path.display().to_string())])
            );
            return Ok(false);
        }
        Err(e) => {
            let e = crate::messages::UserError::message(&e, ctx.lang);
            crate::out::println!("{}", fill(t.status_unreadable, &[("error", &e)]));
            return Ok(false);
        }
    };
    let mode = summary
        .mode
        .clone()
        .unwrap_or(Mode::Other(t.login_mode_unknown.into()));
    let who = match (&summary.email, &summary.plan) {
        (Some(e), Some(p)) => fill(t.status_as_plan, &[("email", e), ("plan", p)]),
        (Some(e), None) => fill(t.status_as, &[("email", e)]),
        _ => String::new(),
    };
    let line = fill(
        t.status_login,
        &[("mode", &mode.label_in(ctx.lang)), ("who", &who)],
    );
    crate::out::println!("{line}");
    let now = time::now();
    let span = |s| time::span_in(s, ctx.lang);
    if let Some(at) = summary.last_refresh {
        let line = fill(t.status_refreshed, &[("ago", &span(now - at))]);
        crate::out::println!("{line}");
    }
    if let Some(exp) = summary.expires_at {
        let line = if exp >= now {
            fill(t.status_expires, &[("span", &span(exp - now))])
        } else {
            fill(t.status_expired, &[("ago", &span(now - exp))])
        };
        crate::out::println!("{line}");
    }
    let workspace = crate::home::provider::Provider::read(codex_home, forced).workspace;
    let line = forced_line(&summary, forced, workspace.as_deref(), ctx.lang);
    let mismatch = login::mismatch(&summary, forced, workspace.as_deref()).is_some();
    let color = ctx.color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match (color, mismatch) {
        (true, true) => crate::out::println!("\x1b[1;31m{line}\x1b[0m"),
        (true, false) => crate::out::println!("\x1b[32m{line}\x1b[0m"),
        _ => crate::out::println!("{line}"),
    }
    let line = fill(t.status_file, &[("path", &path.display().to_string())]);
    crate::out::println!("{line}");
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
        Some(Mode::Other(m)) => crate::escape::escape(m).into_owned(),
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
fn forced_line(
    summary: &claims::Summary,
    forced: LoginMethod,
    workspace: Option<&str>,
    lang: crate::messages::Lang,
) -> String {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let mut what = forced
        .config_value()
        .unwrap_or(t.status_forced_none)
        .to_string();
    if let Some(ws) = workspace {
        let ws = crate::escape::escape(ws);
        what.push_str(&fill(t.status_forced_workspace, &[("ws", &ws)]));
    }
    match login::mismatch_in(summary, forced, workspace, lang) {
        Some(why) => fill(t.status_forced_mismatch, &[("what", &what), ("why", &why)]),
        None if forced == LoginMethod::None && workspace.is_none() => {
            t.status_forced_off.to_string()
        }
        None => fill(t.status_forced_ok, &[("what", &what)]),
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
        let line = forced_line(
            &chatgpt("acc-1"),
            LoginMethod::Chatgpt,
            Some("ws-other"),
            crate::messages::Lang::En,
        );
        assert!(line.contains("MISMATCH"), "{line}");
        let line = forced_line(
            &chatgpt("acc-1"),
            LoginMethod::None,
            Some("ws-a,ws-b"),
            crate::messages::Lang::En,
        );
        assert!(line.contains("MISMATCH"), "{line}");
        let line = forced_line(
            &chatgpt("ws-b"),
            LoginMethod::Chatgpt,
            Some("ws-a,ws-b"),
            crate::messages::Lang::En,
        );
        assert!(line.ends_with("(matches)"), "{line}");
        assert_eq!(
            forced_line(
                &chatgpt("acc-1"),
                LoginMethod::None,
                None,
                crate::messages::Lang::En
            ),
            "forced      not forced"
        );
    }
}
