//! `usbide env`: the environment codex would get (secret-looking values
//! redacted), what was removed and why, and the config overrides. Read-only.

use anyhow::Result;

use crate::cmd::Context;
use crate::home::config;
use crate::launch::envfilter;
use crate::redact;

/// Print the report on stdout.
pub fn run(ctx: &Context) -> Result<i32> {
    let stick = ctx.stick()?;
    let filtered = envfilter::filter(&ctx.env, &ctx.policy(), &stick.codex_home());
    let mut out = String::new();
    out.push_str("# environment codex gets (secret-looking values redacted)\n");
    for (name, value) in &filtered.vars {
        let name = name.to_string_lossy();
        out.push_str(&format!(
            "{name}={}\n",
            redact::env_value(&name, &value.to_string_lossy())
        ));
    }
    out.push_str("\n# removed\n");
    if filtered.removed.is_empty() {
        out.push_str("# (nothing)\n");
    }
    for (name, reason) in &filtered.removed {
        out.push_str(&format!("# {name}: {}\n", reason.explain()));
    }
    if let Some(old) = &filtered.replaced_codex_home {
        out.push_str(&format!(
            "# CODEX_HOME: was {}, replaced by the stick's\n",
            old.to_string_lossy()
        ));
    }
    let overrides = config::cli_overrides(&config::desired(ctx.settings.login_method));
    out.push_str(&format!(
        "\n# codex is also started with: {}\n",
        overrides.join(" ")
    ));
    print!("{out}");
    Ok(crate::exit::OK)
}
