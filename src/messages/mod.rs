//! Every sentence usbide writes for people, in English ([`en`]) and French
//! ([`fr`]), chosen by the host's locale ([`Lang::detect`]). One place to
//! read, review and translate all user-facing text.
//!
//! Two kinds of entries:
//! - [`Text`]: fixed sentences and templates, one field each. A template
//!   names its values in braces (`{count}`) and is filled by [`fill`].
//! - per-cause titles and fixes ([`en::cause`], [`fr::cause`]), one `match`
//!   arm per [`Cause`].
//!
//! Completeness is checked by the compiler (a `Text` literal must set every
//! field; a `match` must cover every cause) and by the tests below (each
//! French entry is translated, has the same placeholders, and follows French
//! typography: a space before `:` and `;`, "qu'usbide").
//!
//! To add a message: add a field to the `catalogue!` list below with a `///`
//! saying where it is shown, then one line in `en.rs` and one in `fr.rs`, and
//! print it with `messages::text(lang).field` (or `fill(...)` for a
//! template). Words to keep apart in French: "connexion" is the network,
//! "identification" (or "s'identifier") is the login; "clé USB" is the stick,
//! "clé d'API" an API key.

pub mod en;
pub mod fr;

use crate::environ::Environ;
use crate::events::diagnose::{Cause, Diagnosis};

/// The language of everything usbide writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French when `LC_ALL`, `LC_MESSAGES`, `LANG` or `LANGUAGE` (in that
    /// order), or else the OS user locale, is French.
    pub fn detect(env: &Environ, os_locale: Option<&str>) -> Self {
        let from_env = ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
            .iter()
            .find_map(|n| env.get_str(n));
        match from_env.as_deref().or(os_locale) {
            Some(l) if l.to_ascii_lowercase().starts_with("fr") => Self::Fr,
            _ => Self::En,
        }
    }
}

macro_rules! catalogue {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The fixed sentences and templates of one language.
        #[derive(Debug)]
        pub struct Text {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        impl Text {
            /// Every entry with its field name (for the catalogue tests).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name),)*]
            }
        }
    };
}

catalogue! {
    /// The renderer: an error line (`{message}`).
    error_line,
    /// The renderer: a non-fatal error item it does not diagnose.
    note_line,
    /// The renderer: a web search (`{query}`).
    search_line,
    /// The renderer: the heading of a plan.
    plan_heading,
    /// The renderer: a command's end (`{code}`).
    exit_line,
    /// The renderer: an MCP tool call's end (`{name}`, `{status}`).
    tool_line,
    /// The renderer: a collaborating agent's call (`{name}`, `{status}`).
    agent_line,
    /// The renderer: token counts after a turn.
    tokens_line,
    /// The renderer: the reconnect status line (`{progress}`, `{cause}`).
    reconnecting_line,
    /// The renderer: progress when codex waits for the network.
    waiting_for_network,
    /// The renderer: a reconnect whose cause is not recognised.
    connection_problem,
    /// The renderer: how often one failure was reported.
    repeated_line,
    /// The diagnosis line (`{title}`, `{hint}`).
    diagnosis_line,
    /// Appended to a hint when the server gave a request ID (`{id}`).
    request_id,
    /// Default for a missing provider variable's name.
    provider_key_variable,
    /// `usbide render` reading a terminal.
    render_waiting,
    /// `usbide exec` when no run was started (`{title}`).
    exec_not_started,
    /// After an interactive session that failed (`{title}`).
    session_failed,
    /// The doctor's groups: the stick.
    group_stick,
    /// The doctor's groups: codex_home.
    group_codex_home,
    /// The doctor's groups: the codex payload.
    group_payload,
    /// The doctor's groups: the environment.
    group_environment,
    /// The doctor's groups: the login.
    group_login,
    /// The doctor's groups: the network.
    group_network,
    /// The doctor's login check: no `auth.json`.
    login_missing,
    /// The doctor's fix for a missing login.
    login_missing_fix,
    /// The doctor's login check: a login is stored (`{mode}`).
    login_stored,
    /// Appended to `login_stored` (`{ago}`).
    login_refreshed,
    /// The doctor's login check: codex's own status agrees (`{stored}`, `{codex}`).
    login_agrees,
    /// The doctor's login check: codex's own status disagrees.
    login_disagrees,
    /// The doctor: heading of the fixes.
    doctor_what_to_do,
    /// The doctor: a failed check without its own fix.
    doctor_see_above,
    /// The doctor's verdict when a check failed.
    doctor_verdict_fail,
    /// The doctor's verdict when there is no login.
    doctor_verdict_no_login,
    /// The doctor's verdict with warnings only.
    doctor_verdict_warn,
    /// The doctor's verdict when all is well.
    doctor_verdict_ok,
    /// A launch on Windows: the sandbox codex gets (`{choice}`, `{why}`).
    sandbox_used,
    /// The user's own `[windows] sandbox` will fail here (`{why}`).
    sandbox_doomed,
    /// Why: the user chose (`{value}`).
    sandbox_own,
    /// Why: codex's setup failed before (`{code}`).
    sandbox_setup_failed,
    /// Why: codex_home on FAT.
    sandbox_fat_home,
    /// Why: the work folder on FAT.
    sandbox_fat_work,
    /// Why: no administrator rights.
    sandbox_no_admin,
    /// Why the elevated sandbox works.
    sandbox_admin,
    /// The stick moved (`{from}`, `{to}`, `{count}`).
    stick_moved,
    /// The paths could not follow the stick (`{root}`, `{error}`).
    move_failed,
    /// A double-clicked window waits before it closes.
    pause_to_close,
    /// After a question only a typed yes answers.
    confirm_suffix,
    /// `usbide clean` found nothing.
    clean_nothing,
    /// `usbide clean` removed `{path}`.
    clean_removed,
    /// `usbide clean` kept `{path}`.
    clean_kept,
    /// `usbide clean` asks before removing a host's codex home (`{path}`).
    clean_ask_codex_home,
    /// Doctor: fix for a doomed own sandbox choice.
    win_sandbox_fix,
    /// Doctor: a Windows check on another OS.
    win_not_windows,
    /// Doctor: no PowerShell.
    win_no_powershell,
    /// Doctor: fix for no PowerShell.
    win_no_powershell_fix,
    /// Doctor: PowerShell in a restricted mode (`{mode}`).
    win_constrained,
    /// Doctor: fix for a restricted PowerShell.
    win_constrained_fix,
    /// Doctor: PowerShell did not answer (`{path}`).
    win_ps_silent,
    /// Doctor: fix for a silent PowerShell.
    win_ps_silent_fix,
    /// Doctor: no git.
    win_no_git,
    /// Doctor: fix for no git.
    win_no_git_fix,
    /// Doctor: long paths allowed.
    win_long_paths_on,
    /// Doctor: long paths not allowed.
    win_short_paths,
    /// Doctor: fix for short paths.
    win_short_paths_fix,
    /// Doctor: a Windows setting it could not read.
    win_unknown,
    /// Doctor: what was left on the host (`{list}`).
    traces_found,
    /// Doctor: fix for leftovers on the host.
    traces_fix,
    /// Doctor: proxy variables that came from Windows (`{list}`).
    proxy_from_windows,
    /// The renderer: a line of codex too long to read (`{size}`, `{max}` in MB).
    line_skipped,
    /// A launch refusing a huge config.toml (`{path}`, `{size}` MB, `{max}` KB).
    config_too_large,
    /// `--root` named the stick's `{name}` folder (`{given}`).
    root_corrected,
    /// `usbide config`: a value set by a flag (`{name}`).
    config_flag,
    /// `usbide config`: a value set by a variable (`{name}`).
    config_env,
    /// `usbide config`: a value from the stick's file (`{path}`).
    config_file,
    /// `usbide config`: a default value.
    config_default,
    /// `usbide config`: a setting with no value.
    config_unset_value,
    /// `usbide config set` (`{key}`, `{value}`, `{path}`).
    config_saved,
    /// `usbide config unset` (`{key}`, `{path}`).
    config_removed,
    /// `usbide config set` of a key a variable or flag overrides (`{key}`, `{by}`).
    config_overridden,
    /// `usbide config set` of an unknown key (`{key}`, `{known}`).
    config_unknown_key,
    /// `usbide config set` of a bad value (`{key}`, `{wants}`, `{value}`).
    config_bad_value,
    /// A usbide.toml that cannot be read (`{error}`).
    config_broken,
    /// `usbide --version`: the codex on the stick (`{version}`, `{target}`).
    version_codex,
    /// `usbide --version`: no codex for this computer.
    version_no_codex,
    /// `usbide --version`: no stick found.
    version_no_stick,
    /// Offer to set up a folder (`{dir}`, `{drive}`, `{size}`).
    init_offer,
    /// Init: the drive (`{fs}`, `{free}`).
    init_drive,
    /// Init refusing a personal folder (`{dir}`, `{what}`).
    init_personal,
    /// Init: a home folder.
    init_home,
    /// Init: Downloads, Desktop or Documents.
    init_personal_folder,
    /// Init: a temporary folder.
    init_temp,
    /// Init or a login-method change without a terminal.
    init_needs_yes,
    /// Init: the user said no.
    init_declined,
    /// Init: usbide copied itself (`{path}`).
    init_copied,
    /// Init: a file or folder written (`{path}`).
    init_written,
    /// Init finished (`{dir}`, `{exe}`).
    init_done,
    /// No stick around usbide: how to make one.
    init_lone_hint,
    /// `payload install` of what is there (`{version}`, `{target}`).
    payload_verified_already,
    /// `payload install` wrote the built-in pin (`{version}`, `{path}`).
    payload_pin_written,
    /// `--version latest` resolved (`{version}`, `{source}`).
    payload_latest,
    /// Where codex works when started from the stick itself (`{dir}`).
    workdir,
    /// A login's method recorded on the stick (`{method}`, `{path}`).
    login_method_saved,
    /// Asking before a login changes the stick's method (`{old}`, `{new}`).
    login_method_change,
    /// The user kept the stick's login method (`{old}`).
    login_method_kept,
    /// A newer usbide exists (`{version}`, `{current}`).
    update_available,
    /// No newer usbide (`{version}`).
    update_up_to_date,
    /// An update starts (`{version}`, `{url}`).
    update_downloading,
    /// An update finished (`{version}`, `{old}`).
    update_done,
    /// A rollback finished (`{version}`).
    update_rolled_back,
    /// `payload rollback` finished (`{version}`, `{target}`).
    payload_rolled_back,
}

/// The fixed sentences of `lang`.
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &en::TEXT,
        Lang::Fr => &fr::TEXT,
    }
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The short name of a cause ("The connection was refused").
pub fn title(cause: Cause, lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::cause(cause).0,
        Lang::Fr => fr::cause(cause).0,
    }
}

/// What to do about a diagnosis, without restating its title; with the
/// request ID to quote, when the server gave one.
pub fn hint(d: &Diagnosis, lang: Lang) -> String {
    let t = text(lang);
    let (_, fix, with_detail) = match lang {
        Lang::En => en::cause(d.cause),
        Lang::Fr => fr::cause(d.cause),
    };
    let fix = match (&d.detail, with_detail) {
        (Some(_), Some(template)) => template,
        _ => fix,
    };
    let detail = d.detail.as_deref().unwrap_or(t.provider_key_variable);
    let mut out = fill(fix, &[("detail", detail)]);
    if let Some(id) = &d.request_id {
        out.push(' ');
        out.push_str(&fill(t.request_id, &[("id", id)]));
    }
    out
}

/// The one-line explanation: title, then what to do.
pub fn explain(d: &Diagnosis, lang: Lang) -> String {
    let title = match (lang, d.cause, &d.detail) {
        (_, Cause::MissingProviderKey, _) => fill(
            title(d.cause, lang),
            &[(
                "detail",
                d.detail
                    .as_deref()
                    .unwrap_or(text(lang).provider_key_variable),
            )],
        ),
        _ => title(d.cause, lang).to_string(),
    };
    fill(
        text(lang).diagnosis_line,
        &[("title", &title), ("hint", &hint(d, lang))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        v.sort_unstable();
        v
    }

    /// Text outside `backticks` (commands and paths are not French).
    fn prose(s: &str) -> String {
        s.split('`').step_by(2).collect::<Vec<_>>().join(" ")
    }

    fn check_french(name: &str, en: &str, fr: &str) {
        assert!(!fr.trim().is_empty(), "{name}: empty");
        assert_eq!(placeholders(en), placeholders(fr), "{name}: placeholders");
        let mut words = en.to_string();
        for p in placeholders(en) {
            words = words.replace(&format!("{{{p}}}"), "");
        }
        // A folder name (`codex_home`) is the same in every language.
        let identifier = !en.contains(' ') && en.contains('_');
        if !identifier && prose(&words).chars().any(char::is_alphabetic) {
            assert_ne!(en, fr, "{name}: not translated");
        }
        let text = prose(fr);
        for (i, c) in text.char_indices() {
            if (c == ':' || c == ';') && text[i + 1..].starts_with(' ') {
                let before = text[..i].chars().next_back();
                assert!(
                    matches!(before, Some(' ' | '\u{a0}' | '\u{202f}')),
                    "{name}: no space before '{c}' in {fr:?}"
                );
            }
        }
        assert!(!fr.contains("que usbide"), "{name}: write qu'usbide: {fr}");
        assert!(!fr.contains("de usbide"), "{name}: write d'usbide: {fr}");
    }

    #[test]
    fn the_french_catalogue_is_complete_and_french() {
        let (en, fr) = (en::TEXT.entries(), fr::TEXT.entries());
        assert_eq!(en.len(), fr.len());
        for ((name, e), (_, f)) in en.iter().zip(&fr) {
            check_french(name, e, f);
        }
        for cause in Cause::ALL {
            let (et, eh, ed) = en::cause(cause);
            let (ft, fh, fd) = fr::cause(cause);
            let name = format!("{cause:?}");
            check_french(&name, et, ft);
            check_french(&name, eh, fh);
            assert_eq!(ed.is_some(), fd.is_some(), "{name}");
            if let (Some(e), Some(f)) = (ed, fd) {
                check_french(&name, e, f);
            }
        }
    }

    #[test]
    fn no_explanation_says_the_same_thing_twice() {
        for lang in [Lang::En, Lang::Fr] {
            for cause in Cause::ALL {
                let title = title(cause, lang).to_lowercase();
                let hint = hint(&Diagnosis::of(cause), lang).to_lowercase();
                assert!(
                    !hint.contains(title.trim_end_matches(['.', ' '])),
                    "{cause:?} {lang:?}: the hint repeats the title: {hint}"
                );
                assert!(!title.ends_with('.'), "{cause:?}: {title}");
            }
        }
    }

    #[test]
    fn fill_replaces_named_values_only() {
        assert_eq!(
            fill("a {x} b {y} {z}", &[("x", "1"), ("y", "{x}")]),
            "a 1 b {x} {z}"
        );
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("é{x}é", &[("x", "ü")]), "éüé");
    }

    #[test]
    fn templates_are_filled() {
        let d = Diagnosis {
            detail: Some("34.337 s".into()),
            request_id: Some("req_1".into()),
            ..Diagnosis::of(Cause::RateLimit)
        };
        let e = explain(&d, Lang::En);
        assert!(e.contains("34.337 s") && e.contains("req_1"), "{e}");
        assert!(!e.contains('{'), "{e}");
        let f = explain(&d, Lang::Fr);
        assert!(f.contains("34.337 s") && !f.contains('{'), "{f}");
    }

    #[test]
    fn french_follows_the_locale() {
        let fr = Environ::from_pairs(&[("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&fr, None), Lang::Fr);
        let en = Environ::from_pairs(&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&en, None), Lang::En);
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("fr-CA")),
            Lang::Fr
        );
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("de-DE")),
            Lang::En
        );
    }
}
