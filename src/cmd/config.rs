//! `usbide config [set KEY VALUE | unset KEY] [--json]`: the stick's own
//! settings (`<root>/usbide.toml`), each with where its value comes from on
//! this computer (flag > environment > usbide.toml > default).

use anyhow::{Result, bail};

use crate::cli::ConfigCommand;
use crate::context::Context;
use crate::messages::{fill, text};
use crate::settings::{Origin, Source, file};
use crate::ui::note;

/// Dispatch `usbide config ...`.
pub fn run(ctx: &Context, action: Option<&ConfigCommand>, json: bool) -> Result<i32> {
    match action {
        None => show(ctx, json),
        Some(ConfigCommand::Set { key, value }) => change(ctx, key, Some(value)),
        Some(ConfigCommand::Unset { key }) => change(ctx, key, None),
    }
}

fn show(ctx: &Context, json: bool) -> Result<i32> {
    let path = ctx.stick().ok().map(|s| s.root.join(file::FILE_NAME));
    if json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "file": path.as_ref().map(|p| p.display().to_string()),
            "settings": ctx.settings.origins,
            "variables": ctx.settings.variables(&ctx.env),
        });
        crate::out::json(&doc)?;
        return Ok(crate::exit::OK);
    }
    let t = text(ctx.lang);
    let shown_path = path
        .as_ref()
        .map_or(file::FILE_NAME.to_string(), |p| p.display().to_string());
    for o in &ctx.settings.origins {
        let value = o.value.as_deref().unwrap_or(t.config_unset_value);
        crate::out::line(&format!(
            "{:<15} {:<28} {}",
            o.key,
            value,
            source_words(o, &shown_path, ctx.lang)
        ));
    }
    // What only a variable sets, as it is in force here.
    crate::out::line("");
    for v in ctx.settings.variables(&ctx.env) {
        let value = v.value.as_deref().unwrap_or(t.config_unset_value);
        let source = match v.source {
            Source::Environment => fill(t.config_env, &[("name", v.name)]),
            _ => t.config_default.to_string(),
        };
        crate::out::line(&format!("{:<31} {:<20} {}", v.name, value, source));
    }
    Ok(crate::exit::OK)
}

/// "variable USBIDE_LANG", "usbide.toml", "default".
fn source_words(o: &Origin, path: &str, lang: crate::messages::Lang) -> String {
    let t = text(lang);
    match o.source {
        Source::Flag => fill(t.config_flag, &[("name", o.set_by)]),
        Source::Environment => fill(t.config_env, &[("name", o.set_by)]),
        Source::StickFile => fill(t.config_file, &[("path", path)]),
        Source::Default => t.config_default.to_string(),
    }
}

fn change(ctx: &Context, key: &str, value: Option<&str>) -> Result<i32> {
    let t = text(ctx.lang);
    // Any key may be removed (a newer usbide may have written one this one
    // does not know); only known keys, with values they accept, are set.
    if let Some(v) = value {
        let Some(wants) = file::wants_in(key, ctx.lang) else {
            let known: Vec<&str> = file::KEYS.iter().map(|(k, _)| *k).collect();
            bail!(crate::cli::UsageError(fill(
                t.config_unknown_key,
                &[("key", key), ("known", &known.join(", "))]
            )));
        };
        if !file::accepts(key, v) {
            bail!(crate::cli::UsageError(fill(
                t.config_bad_value,
                &[
                    ("key", key),
                    ("wants", &wants),
                    ("value", &crate::messages::quote(ctx.lang, v))
                ]
            )));
        }
    }
    let stick = ctx.stick()?;
    let _lock = crate::session::stick_lock::lock(ctx, &stick)?;
    // A per-computer key is this computer's line.
    let line = match ctx.settings.host.as_deref() {
        Some(host) if file::PER_HOST.contains(&key) => format!("{key}.{host}"),
        _ => key.to_string(),
    };
    let value = value.map(|v| match file::PER_HOST.contains(&key) {
        true => v.trim().to_ascii_lowercase(),
        false => v.trim().to_string(),
    });
    let value = value.as_deref();
    let path = file::save(&stick.root, &line, value)?;
    let shown = path.display().to_string();
    match value {
        Some(v) => note(&fill(
            t.config_saved,
            &[("key", key), ("value", v.trim()), ("path", &shown)],
        )),
        None => note(&fill(t.config_removed, &[("key", key), ("path", &shown)])),
    }
    if let Some(o) = ctx
        .settings
        .origins
        .iter()
        .find(|o| o.key == key && matches!(o.source, Source::Flag | Source::Environment))
    {
        note(&fill(
            t.config_overridden,
            &[("key", key), ("by", o.set_by)],
        ));
    }
    Ok(crate::exit::OK)
}
