//! The command line in the user's language: `--help` and usage mistakes.
//! clap's words are English; in French every command's description, every
//! option's help and the examples come from `cli_fr.tsv` (one line per text:
//! the command's path, the option's id or `ABOUT` / `AFTER`, the text), and
//! clap's own headings, help flag and mistakes are said here.

use std::collections::HashMap;
use std::sync::LazyLock;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::messages::{Lang, fill, text};

/// The French texts, by (command path, key).
static FRENCH: LazyLock<HashMap<(&'static str, &'static str), String>> = LazyLock::new(|| {
    include_str!("cli_fr.tsv")
        .lines()
        .filter_map(|line| {
            let mut cells = line.splitn(3, '\t');
            let (path, key, text) = (cells.next()?, cells.next()?, cells.next()?);
            Some(((path, key), text.replace("\\n", "\n")))
        })
        .collect()
});

/// The long help of `usbide help` in French.
const LONG_HELP_FR: &str = include_str!("cli_long_help_fr.txt");

/// `cmd` (the whole tree) in `lang`.
pub fn localize(cmd: clap::Command, lang: Lang) -> clap::Command {
    match lang {
        Lang::En => cmd,
        Lang::Fr => french(cmd, "usbide").after_long_help(LONG_HELP_FR.trim_end()),
    }
}

fn french(mut cmd: clap::Command, path: &str) -> clap::Command {
    let t = text(Lang::Fr);
    let get = |key: &str| FRENCH.get(&(path, key)).cloned();
    if let Some(about) = get("ABOUT") {
        cmd = cmd.about(about);
    }
    if let Some(after) = get("AFTER") {
        cmd = cmd.after_help(after);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let Some(help) = get(&id) else {
            continue;
        };
        cmd = cmd.mut_arg(&id, |arg| {
            let heading = if arg.is_global_set() {
                t.cli_global_options
            } else if arg.is_positional() {
                t.cli_arguments
            } else {
                t.cli_options
            };
            let arg = arg.help_heading(heading);
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let (mut help, mut arg) = (help, arg);
            // A flag's own `true` / `false` are not values to list.
            let flag = values == ["true", "false"] || defaults == ["false"];
            if !values.is_empty() && !flag {
                help.push_str(&fill(t.cli_values, &[("values", &values.join(", "))]));
                arg = arg.hide_possible_values(true);
            }
            if !defaults.is_empty() && !flag {
                help.push_str(&fill(t.cli_default, &[("value", &defaults.join(", "))]));
                arg = arg.hide_default_value(true);
            }
            arg.help(help)
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let sub = format!("{path}/{name}");
        cmd = cmd.mut_subcommand(&name, |c| french(c, &sub));
    }
    cmd.help_template(t.cli_help_template)
        .subcommand_help_heading(t.cli_commands)
        .subcommand_value_name(t.cli_command)
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .help(t.cli_help_flag)
                .help_heading(t.cli_options)
                .action(clap::ArgAction::Help)
                .global(false),
        )
}

/// A usage mistake clap found, in `lang`, with the `usbide: error:` prefix
/// and the usage line. English keeps clap's own words.
pub fn usage_error(err: &clap::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return err.render().to_string();
    }
    let t = text(lang);
    let get = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let message = match err.kind() {
        ErrorKind::UnknownArgument => fill(t.cli_unknown_argument, &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => fill(
            t.cli_unknown_command,
            &[("command", &get(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::InvalidValue if get(ContextKind::InvalidValue).is_empty() => {
            fill(t.cli_missing_value, &[("arg", &arg)])
        }
        ErrorKind::InvalidValue => fill(
            t.cli_invalid_value,
            &[
                ("value", &get(ContextKind::InvalidValue)),
                ("arg", &arg),
                ("values", &get(ContextKind::ValidValue)),
            ],
        ),
        ErrorKind::MissingRequiredArgument => fill(t.cli_missing, &[("args", &arg)]),
        ErrorKind::ArgumentConflict => fill(
            t.cli_conflict,
            &[("arg", &arg), ("other", &get(ContextKind::PriorArg))],
        ),
        ErrorKind::MissingSubcommand => t.cli_missing_command.to_string(),
        _ => t.cli_invalid.to_string(),
    };
    let usage = get(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let mut out = fill(t.error_prefix, &[("message", &message)]);
    out.push('\n');
    if !usage.is_empty() {
        out.push('\n');
        out.push_str(&fill(t.cli_usage, &[("usage", usage)]));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(t.cli_more);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::tests::check_french;

    /// Every command, option and example the English help has, the French
    /// one has too, in the project's French: a new option cannot go
    /// untranslated.
    #[test]
    fn every_help_text_has_its_french() {
        use clap::CommandFactory;
        fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let mut need = |key: &str, english: Option<String>| {
                let Some(english) = english.filter(|e| !e.trim().is_empty()) else {
                    return;
                };
                match FRENCH.get(&(path, key)) {
                    Some(french) => check_french(
                        &format!("{path} {key}"),
                        &descriptions(&english),
                        &descriptions(french),
                    ),
                    None => missing.push(format!("{path}\t{key}\t{english}")),
                }
            };
            need("ABOUT", c.get_about().map(ToString::to_string));
            need("AFTER", c.get_after_help().map(ToString::to_string));
            for a in c.get_arguments() {
                need(a.get_id().as_str(), a.get_help().map(ToString::to_string));
            }
            for s in c.get_subcommands() {
                walk(s, &format!("{path}/{}", s.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&crate::cli::Cli::command(), "usbide", &mut missing);
        assert!(missing.is_empty(), "no French for:\n{}", missing.join("\n"));
        check_french("long help", "", &descriptions(LONG_HELP_FR));
    }

    /// An examples block without its command column (`usbide exec "explain
    /// src/"` is typed as it is): what is left is French prose.
    fn descriptions(text: &str) -> String {
        text.lines()
            .map(|line| match line.strip_prefix("  ") {
                Some(rest) if rest.starts_with("usbide") || rest.starts_with("USBIDE_") => {
                    rest.rsplit_once("  ").map_or("", |(_, d)| d.trim_start())
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_french_help_and_mistakes_read_french() {
        use clap::CommandFactory;
        let mut cmd = localize(crate::cli::Cli::command(), Lang::Fr);
        let help = cmd.render_help().to_string();
        assert!(help.contains("Utilisation\u{a0}: usbide"), "{help}");
        assert!(help.contains("Commandes"), "{help}");
        assert!(!help.contains("Print help"), "{help}");
        let err = localize(crate::cli::Cli::command(), Lang::Fr)
            .try_get_matches_from(["usbide", "login", "--nope"])
            .expect_err("unknown");
        let said = usage_error(&err, Lang::Fr);
        assert!(said.starts_with("usbide\u{a0}: erreur\u{a0}: "), "{said}");
        assert!(said.contains("--nope"), "{said}");
        assert!(said.contains("Utilisation\u{a0}: usbide login"), "{said}");
    }
}
