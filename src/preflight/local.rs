//! Checks that need no network: the stick, `codex_home`, the payload, the
//! environment and the stored login. The quick set (every launch) reads a
//! few small files; the full set (doctor) also hashes the payload and runs
//! codex.

use std::path::Path;

use crate::environ::Environ;
use crate::home::provider::Provider;
use crate::home::{config, gitignore};
use crate::launch::envfilter;
use crate::login::{self, claims};
use crate::messages::{Lang, fill, text};
use crate::preflight::check::{Check, Group, Status};
use crate::settings::Settings;
use crate::stick::Stick;
use crate::stick::drive::human_bytes_in;

/// The stick's drive.
pub fn stick(stick: &Stick, env: &Environ, lang: Lang) -> Vec<Check> {
    let t = text(lang);
    let mut checks = Vec::new();
    if let Some(dir) = crate::stick::drive::onedrive_folder(&stick.root, env) {
        checks.push(Check::warn(
            Group::Stick,
            "stick.onedrive",
            fill(t.stick_onedrive, &[("dir", &dir)]),
            t.stick_onedrive_fix,
        ));
    }
    let Some(d) = stick.drive() else {
        checks.insert(
            0,
            Check::skipped(
                Group::Stick,
                "stick.drive",
                fill(
                    t.stick_unlisted,
                    &[("root", &stick.root.display().to_string())],
                ),
            ),
        );
        return checks;
    };
    let letter = d
        .drive_letter
        .map(|l| format!(" ({l}:)"))
        .unwrap_or_default();
    let kind = if d.removable {
        t.stick_removable
    } else {
        t.stick_fixed
    };
    let free = human_bytes_in(d.free_bytes, lang);
    checks.insert(
        0,
        Check::ok(
            Group::Stick,
            "stick.drive",
            fill(
                t.stick_drive,
                &[
                    ("mount", &d.mount_point),
                    ("letter", &letter),
                    ("fs", &d.file_system),
                    ("kind", kind),
                    ("free", &free),
                    ("total", &human_bytes_in(d.total_bytes, lang)),
                ],
            ),
        ),
    );
    if d.remote {
        checks.push(Check::warn(
            Group::Stick,
            "stick.network",
            fill(t.stick_network, &[("mount", &d.mount_point)]),
            t.stick_network_fix,
        ));
    }
    if d.read_only {
        checks.push(Check::fail(
            Group::Stick,
            "stick.writable",
            t.stick_read_only,
            t.stick_read_only_fix,
        ));
    }
    if d.free_bytes < 500_000_000 {
        checks.push(Check::warn(
            Group::Stick,
            "stick.space",
            fill(t.stick_low_space, &[("free", &free)]),
            t.stick_low_space_fix,
        ));
    }
    if d.lacks_permissions() {
        checks.push(Check::warn(
            Group::Stick,
            "stick.permissions",
            fill(t.stick_no_permissions, &[("fs", &d.file_system)]),
            t.stick_no_permissions_fix,
        ));
    }
    checks
}

/// `codex_home`: config, `.gitignore`, `.env`, `auth.json`.
pub fn codex_home(
    stick: &Stick,
    settings: &Settings,
    env: &Environ,
    provider: &Provider,
    lang: Lang,
) -> Vec<Check> {
    let t = text(lang);
    let home = stick.codex_home();
    let mut checks = vec![config_check(&home, settings, lang)];
    let gi = std::fs::read(home.join(".gitignore")).unwrap_or_default();
    let unguarded =
        gitignore::merge(&gi).is_some_and(|(_, missing)| missing.contains(&"auth.json"));
    checks.push(if unguarded {
        Check::warn(
            Group::CodexHome,
            "home.gitignore",
            t.home_gitignore_missing,
            t.home_gitignore_fix,
        )
    } else {
        Check::ok(Group::CodexHome, "home.gitignore", t.home_gitignore_ok)
    });
    let policy = settings.env_policy();
    let dotenv = std::fs::read(home.join(".env")).unwrap_or_default();
    let (_, smuggled, _) = crate::home::dotenv::filter(&dotenv, |n| policy.classify(n).is_some());
    checks.push(if smuggled.is_empty() {
        Check::ok(Group::CodexHome, "home.dotenv", t.home_dotenv_ok)
    } else {
        Check::warn(
            Group::CodexHome,
            "home.dotenv",
            fill(t.home_dotenv_sets, &[("list", &smuggled.join(", "))]),
            t.home_dotenv_fix,
        )
    });
    checks.extend(auth(&home, settings, env, provider, lang));
    checks
}

fn config_check(home: &Path, settings: &Settings, lang: Lang) -> Check {
    let t = text(lang);
    let path = home.join("config.toml");
    if let Err(e) = crate::home::provider::check_config_size(&path) {
        use crate::messages::UserError;
        return Check::fail(
            Group::CodexHome,
            "home.config",
            e.message(lang),
            t.home_config_big_fix,
        );
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(_) => {
            return Check::warn(
                Group::CodexHome,
                "home.config",
                t.home_config_missing,
                t.home_config_missing_fix,
            );
        }
    };
    match config::edit(&text, &config::desired(settings.login_method)) {
        Err(f) => Check::fail(
            Group::CodexHome,
            "home.config",
            format!("{}:{}:{}: {}", path.display(), f.line, f.column, f.message),
            t.home_config_broken_fix,
        ),
        Ok(Some((_, keys))) => Check::warn(
            Group::CodexHome,
            "home.config",
            fill(t.home_config_unenforced, &[("keys", &keys.join(", "))]),
            t.home_config_unenforced_fix,
        ),
        Ok(None) => Check::ok(Group::CodexHome, "home.config", t.home_config_ok),
    }
}

fn auth(
    home: &Path,
    settings: &Settings,
    env: &Environ,
    provider: &Provider,
    lang: Lang,
) -> Vec<Check> {
    let t = text(lang);
    let path = login::auth_path(home);
    let summary = match claims::read(&path) {
        Ok(s) => s,
        Err(claims::AuthFileError::Missing) => {
            return vec![Check::warn(
                Group::Login,
                "login.stored",
                t.login_missing,
                t.login_missing_fix,
            )];
        }
        Err(e) => {
            return vec![Check::fail(
                Group::Login,
                "login.stored",
                crate::messages::UserError::message(&e, lang),
                t.login_reset_fix,
            )];
        }
    };
    let mode = summary
        .mode
        .as_ref()
        .map_or(t.login_mode_unknown.to_string(), |m| m.label_in(lang));
    let mut finding = fill(t.login_stored, &[("mode", &mode)]);
    let now = crate::time::now();
    if let Some(at) = summary.last_refresh {
        let ago = crate::time::span_in(now - at, lang);
        finding.push_str(&fill(t.login_refreshed, &[("ago", &ago)]));
    }
    let mut checks = vec![Check::ok(Group::Login, "login.stored", finding)];
    checks.push(
        match login::mismatch_in(
            &summary,
            settings.login_method,
            provider.workspace.as_deref(),
            lang,
        ) {
            Some(why) => Check::fail(
                Group::Login,
                "login.mode",
                fill(t.login_mode_mismatch, &[("why", &why)]),
                t.login_mode_mismatch_fix,
            ),
            None => Check::ok(Group::Login, "login.mode", t.login_mode_ok),
        },
    );
    if settings.allow_api_key
        && env.get_str("CODEX_API_KEY").is_some()
        && summary.mode == Some(claims::Mode::Chatgpt)
        && settings.login_method == crate::settings::LoginMethod::Chatgpt
    {
        checks.push(Check::fail(
            Group::Login,
            "login.api_key_env",
            t.login_api_key_env,
            t.login_api_key_env_fix,
        ));
    }
    checks.push(permissions(&path, lang));
    checks
}

fn permissions(path: &Path, lang: Lang) -> Check {
    let t = text(lang);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        if mode & 0o077 == 0 {
            return Check::ok(
                Group::Login,
                "login.permissions",
                fill(t.auth_private, &[("mode", &format!("{mode:o}"))]),
            );
        }
        // FAT shows every file as 0777 or 0700 and refuses chmod: the stick check says so.
        Check::warn(
            Group::Login,
            "login.permissions",
            fill(t.auth_readable, &[("mode", &format!("{mode:o}"))]),
            t.auth_readable_fix,
        )
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Check::skipped(Group::Login, "login.permissions", t.auth_acl_unchecked)
    }
}

/// Variables of the host that matter to codex (names and redacted values only).
pub fn environment(
    env: &Environ,
    settings: &Settings,
    codex_home: &Path,
    lang: Lang,
) -> Vec<Check> {
    let t = text(lang);
    let filtered = envfilter::filter(env, &settings.env_policy(), codex_home);
    let mut checks = Vec::new();
    checks.push(if filtered.removed.is_empty() {
        Check::ok(Group::Environment, "env.filtered", t.env_nothing_removed)
    } else {
        let names: Vec<&str> = filtered.removed.iter().map(|(n, _)| n.as_str()).collect();
        Check::ok(
            Group::Environment,
            "env.filtered",
            fill(t.env_removed, &[("list", &names.join(", "))]),
        )
    });
    if let Some(old) = &filtered.replaced_codex_home {
        checks.push(Check::ok(
            Group::Environment,
            "env.codex_home",
            fill(t.env_codex_home, &[("path", &old.to_string_lossy())]),
        ));
    }
    for name in ["CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"] {
        if let Some(path) = env.get_str(name) {
            checks.push(ca_file(name, &path, lang));
        }
    }
    checks
}

/// The proxy codex and usbide's probes use: `net` is `env` plus the Windows
/// system proxy; a value only `net` has came from the Internet Settings.
pub fn proxy(env: &Environ, net: &Environ, lang: Lang) -> Check {
    let proxies: Vec<String> = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"]
        .iter()
        .filter_map(|n| {
            net.get_str(n)
                .map(|v| format!("{n}={}", crate::redact::env_value(n, &v)))
        })
        .collect();
    let from_windows = ["HTTPS_PROXY", "HTTP_PROXY"]
        .iter()
        .any(|n| env.get_str(n).is_none() && net.get_str(n).is_some());
    if proxies.is_empty() {
        Check::ok(Group::Environment, "env.proxy", text(lang).env_no_proxy)
    } else if from_windows {
        Check::ok(
            Group::Environment,
            "env.proxy",
            fill(
                text(lang).proxy_from_windows,
                &[("list", &proxies.join(" "))],
            ),
        )
    } else {
        Check::ok(Group::Environment, "env.proxy", proxies.join(" "))
    }
}

fn ca_file(name: &str, path: &str, lang: Lang) -> Check {
    let t = text(lang);
    let vars = [("name", name), ("path", path)];
    let id = format!("env.{}", name.to_ascii_lowercase());
    match std::fs::read(path) {
        Err(_) => Check::fail(
            Group::Environment,
            id,
            fill(t.ca_unreadable, &vars),
            fill(t.ca_unreadable_fix, &vars),
        ),
        Ok(bytes) if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") => {
            Check::fail(
                Group::Environment,
                id,
                fill(t.ca_not_pem, &vars),
                fill(t.ca_not_pem_fix, &vars),
            )
        }
        Ok(_) => Check::ok(Group::Environment, id, fill(t.ca_ok, &vars)),
    }
}

/// The payload for this host; `full` also verifies every file's digest.
pub fn payload(stick: &Stick, full: bool, lang: Lang) -> Vec<Check> {
    let t = text(lang);
    let Some(target) = crate::payload::target::host() else {
        return vec![Check::fail(
            Group::Payload,
            "payload.tree",
            t.payload_unpublished,
            t.payload_unpublished_fix,
        )];
    };
    let tree = match crate::payload::tree_for(&stick.payload_dir, target, lang) {
        Ok(t) => t,
        Err(reason) => {
            return vec![Check::fail(
                Group::Payload,
                "payload.tree",
                reason,
                t.payload_install_fix,
            )];
        }
    };
    let dir = stick.payload_dir.join(target.triple);
    let record = crate::payload::record::Record::load(&dir);
    let version = record
        .as_ref()
        .map(|r| r.version.clone())
        .ok()
        .or(tree.version)
        .unwrap_or_else(|| t.payload_version_unknown.into());
    let mut checks = vec![Check::ok(
        Group::Payload,
        "payload.tree",
        fill(
            t.payload_tree_ok,
            &[("version", &version), ("target", target.triple)],
        ),
    )];
    if full {
        checks.push(match record.map(|r| r.verify(&dir)) {
            Err(_) => Check::warn(
                Group::Payload,
                "payload.digests",
                t.payload_no_record,
                t.payload_reinstall_fix,
            ),
            Ok(crate::payload::record::Verdict::Verified { files }) => Check::ok(
                Group::Payload,
                "payload.digests",
                fill(t.payload_verified, &[("files", &files.to_string())]),
            ),
            Ok(crate::payload::record::Verdict::Missing(f)) => Check::fail(
                Group::Payload,
                "payload.digests",
                fill(t.payload_file_missing, &[("file", &f)]),
                t.payload_reinstall_fix,
            ),
            Ok(crate::payload::record::Verdict::Modified(f)) => Check::fail(
                Group::Payload,
                "payload.digests",
                fill(t.payload_file_modified, &[("file", &f)]),
                t.payload_reinstall_fix,
            ),
        });
    }
    checks
}

/// One login check, not two: codex's own `login status` (run in parallel)
/// is folded into `login.stored`, so the report states the login once, with
/// one fix, and says so when the two disagree (an API key stored that codex
/// does not count, say).
pub fn merge_login(checks: &mut Vec<Check>, lang: Lang) {
    let t = text(lang);
    let Some(at) = checks.iter().position(|c| c.id == "login.status") else {
        return;
    };
    let codex = checks.remove(at);
    let Some(stored) = checks.iter_mut().find(|c| c.id == "login.stored") else {
        checks.insert(
            at,
            Check {
                id: "login.stored".into(),
                ..codex
            },
        );
        return;
    };
    let agree = (stored.status == Status::Ok) == (codex.status == Status::Ok);
    let template = if agree {
        t.login_agrees
    } else {
        t.login_disagrees
    };
    stored.finding = fill(
        template,
        &[("stored", &stored.finding), ("codex", &codex.finding)],
    );
    if codex.status > stored.status {
        stored.status = codex.status;
        stored.fix = codex.fix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_login_checks_become_one_that_says_when_they_disagree() {
        let mut checks = vec![
            Check::ok(Group::Login, "login.stored", "API key login stored"),
            Check::warn(
                Group::Login,
                "login.status",
                "codex login status: Not logged in",
                "run `usbide login`",
            ),
        ];
        merge_login(&mut checks, crate::messages::Lang::En);
        assert_eq!(checks.len(), 1);
        let c = &checks[0];
        assert_eq!((c.id.as_str(), c.status), ("login.stored", Status::Warn));
        assert_eq!(
            c.finding,
            "API key login stored, but codex login status: Not logged in"
        );
        assert_eq!(c.fix.as_deref(), Some("run `usbide login`"));
        let mut alone = vec![Check::ok(
            Group::Login,
            "login.status",
            "codex login status: Logged in using ChatGPT",
        )];
        merge_login(&mut alone, crate::messages::Lang::En);
        assert_eq!(alone[0].id, "login.stored");
    }
}
