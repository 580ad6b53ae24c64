//! `usbide env`: the environment codex would get (secret-looking values
//! redacted), what was removed and why, and the config overrides. Read-only.

use anyhow::Result;

use crate::context::Context;
use crate::escape::escape;
use crate::redact;

/// Print the report on stdout (`json`: docs/env.schema.json).
pub fn run(ctx: &Context, json: bool) -> Result<i32> {
    let stick = ctx.stick()?;
    let crate::session::CodexEnv {
        filtered,
        mut notes,
        overrides,
        sandbox,
    } = crate::session::codex_environment(ctx, &stick.codex_home());
    let mut filtered = filtered;
    // A session's own temporary folder, as a launch makes it.
    if let Some(pattern) = crate::session::scratch::Scratch::pattern(&ctx.env) {
        let names = ["TMPDIR", "TEMP", "TMP"];
        let same = |k: &std::ffi::OsString| {
            names
                .iter()
                .any(|n| k.to_string_lossy().eq_ignore_ascii_case(n))
        };
        filtered.vars.retain(|(k, _)| !same(k));
        filtered
            .vars
            .extend(names.map(|n| (n.into(), pattern.clone().into_os_string())));
        notes.push(crate::messages::fill(
            crate::messages::text(ctx.lang).env_scratch,
            &[("path", &pattern.display().to_string())],
        ));
    }
    if let Some(d) = sandbox {
        notes.push(match d.choice {
            Some(choice) => crate::messages::fill(
                crate::messages::text(ctx.lang).sandbox_used,
                &[("choice", choice), ("why", &d.why(ctx.lang))],
            ),
            None => d.why(ctx.lang),
        });
        notes.extend(d.warning(ctx.lang));
    }
    if json {
        let vars: Vec<serde_json::Value> = filtered
            .vars
            .iter()
            .map(|(name, value)| {
                let name = name.to_string_lossy();
                serde_json::json!({
                    "name": escape(&name),
                    "value": escape(&redact::env_value(&name, &value.to_string_lossy())),
                })
            })
            .collect();
        let removed: Vec<serde_json::Value> = filtered
            .removed
            .iter()
            .map(|(name, reason)| serde_json::json!({"name": escape(name), "reason": reason.explain(ctx.lang)}))
            .collect();
        let doc = serde_json::json!({
            "schema_version": 1,
            "variables": vars,
            "removed": removed,
            "notes": notes.iter().map(|n| redact::text(n)).collect::<Vec<_>>(),
            "overrides": overrides,
        });
        crate::out::json(&doc)?;
        return Ok(crate::exit::OK);
    }
    let mut out = String::new();
    let t = crate::messages::text(ctx.lang);
    out.push_str(&format!("{}\n", t.env_heading));
    for (name, value) in &filtered.vars {
        let name = name.to_string_lossy();
        // Host names and values are untrusted text: redacted, then escaped.
        out.push_str(&format!(
            "{}={}\n",
            escape(&name),
            escape(&redact::env_value(&name, &value.to_string_lossy()))
        ));
    }
    out.push_str(&format!("\n{}\n", t.env_removed_heading));
    if filtered.removed.is_empty() {
        out.push_str(&format!("{}\n", t.env_removed_none));
    }
    for (name, reason) in &filtered.removed {
        let line = crate::messages::fill(
            t.env_removed_line,
            &[("name", &escape(name)), ("why", reason.explain(ctx.lang))],
        );
        out.push_str(&format!("{line}\n"));
    }
    for line in notes {
        out.push_str(&format!("# {line}\n"));
    }
    let line = crate::messages::fill(t.env_overrides, &[("list", &overrides.join(" "))]);
    out.push_str(&format!("\n{line}\n"));
    crate::out::print!("{out}");
    Ok(crate::exit::OK)
}
