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
use crate::preflight::check::{Check, Group, Status};
use crate::settings::Settings;
use crate::stick::Stick;
use crate::stick::drive::human_bytes;

/// The stick's drive.
pub fn stick(stick: &Stick) -> Vec<Check> {
    let Some(d) = stick.drive() else {
        return vec![Check::skipped(
            Group::Stick,
            "stick.drive",
            format!(
                "{} is on a volume the OS does not list",
                stick.root.display()
            ),
        )];
    };
    let letter = d
        .drive_letter
        .map(|l| format!(" ({l}:)"))
        .unwrap_or_default();
    let kind = if d.removable { "removable" } else { "fixed" };
    let mut checks = vec![Check::ok(
        Group::Stick,
        "stick.drive",
        format!(
            "{}{letter}: {}, {kind}, {} free of {}",
            d.mount_point,
            d.file_system,
            human_bytes(d.free_bytes),
            human_bytes(d.total_bytes)
        ),
    )];
    if d.read_only {
        checks.push(Check::fail(
            Group::Stick,
            "stick.writable",
            "the stick is read-only: codex cannot keep its login or history",
            "slide the stick's write-protect switch off, or copy usbide to a writable stick",
        ));
    }
    if d.free_bytes < 500_000_000 {
        checks.push(Check::warn(
            Group::Stick,
            "stick.space",
            format!("only {} free", human_bytes(d.free_bytes)),
            "free some space: codex's sessions and databases grow",
        ));
    }
    if d.lacks_permissions() {
        checks.push(Check::warn(Group::Stick, "stick.permissions", format!("{} has no file permissions: anyone holding the stick can read auth.json (your login)", d.file_system), "keep the stick like a key; `usbide logout` on a stick you lend"));
    }
    checks
}

/// `codex_home`: config, `.gitignore`, `.env`, `auth.json`.
pub fn codex_home(
    stick: &Stick,
    settings: &Settings,
    env: &Environ,
    provider: &Provider,
) -> Vec<Check> {
    let home = stick.codex_home();
    let mut checks = vec![config_check(&home, settings)];
    let gi = std::fs::read(home.join(".gitignore")).unwrap_or_default();
    let unguarded =
        gitignore::merge(&gi).is_some_and(|(_, missing)| missing.contains(&"auth.json"));
    checks.push(if unguarded {
        Check::warn(
            Group::CodexHome,
            "home.gitignore",
            "codex_home/.gitignore does not ignore auth.json",
            "run usbide once: it adds the patterns that keep tokens out of git",
        )
    } else {
        Check::ok(
            Group::CodexHome,
            "home.gitignore",
            ".gitignore keeps auth.json out of git",
        )
    });
    let policy = envfilter::Policy::from_settings(settings);
    let dotenv = std::fs::read(home.join(".env")).unwrap_or_default();
    let (_, smuggled) = crate::home::dotenv::filter(&dotenv, |n| policy.classify(n).is_some());
    checks.push(if smuggled.is_empty() {
        Check::ok(
            Group::CodexHome,
            "home.dotenv",
            "no .env override of the filtered variables",
        )
    } else {
        Check::warn(
            Group::CodexHome,
            "home.dotenv",
            format!("codex_home/.env sets {}", smuggled.join(", ")),
            "run usbide once: it strips them (codex would load them behind usbide's back)",
        )
    });
    checks.extend(auth(&home, settings, env, provider));
    checks
}

fn config_check(home: &Path, settings: &Settings) -> Check {
    let path = home.join("config.toml");
    // The doctor's report is English, like every other check here.
    if let Err(e) = crate::home::provider::check_config_size(&path, crate::messages::Lang::En) {
        return Check::fail(
            Group::CodexHome,
            "home.config",
            e.to_string(),
            "move the big file away and keep a small config.toml",
        );
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(_) => {
            return Check::warn(
                Group::CodexHome,
                "home.config",
                "codex_home/config.toml is missing",
                "run usbide once: it creates it",
            );
        }
    };
    match config::edit(&text, &config::desired(settings.login_method)) {
        Err(f) => Check::fail(
            Group::CodexHome,
            "home.config",
            format!("{}:{}:{}: {}", path.display(), f.line, f.column, f.message),
            "fix the TOML at that line; usbide will not start codex until it parses",
        ),
        Ok(Some((_, keys))) => Check::warn(
            Group::CodexHome,
            "home.config",
            format!("config.toml does not enforce {}", keys.join(", ")),
            "run usbide once: it sets them (they are also passed as -c overrides)",
        ),
        Ok(None) => Check::ok(
            Group::CodexHome,
            "home.config",
            "config.toml parses; forced_login_method, cli_auth_credentials_store and check_for_update_on_startup are in force",
        ),
    }
}

fn auth(home: &Path, settings: &Settings, env: &Environ, provider: &Provider) -> Vec<Check> {
    let t = crate::messages::text(crate::messages::Lang::detect(
        env,
        crate::platform::user_locale().as_deref(),
    ));
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
                e.to_string(),
                "run `usbide login --reset`",
            )];
        }
    };
    let mode = summary
        .mode
        .as_ref()
        .map_or("unknown".to_string(), claims::Mode::label);
    let mut finding = crate::messages::fill(t.login_stored, &[("mode", &mode)]);
    let now = crate::time::now();
    if let Some(at) = summary.last_refresh {
        let ago = crate::time::span(now - at);
        finding.push_str(&crate::messages::fill(t.login_refreshed, &[("ago", &ago)]));
    }
    let mut checks = vec![Check::ok(Group::Login, "login.stored", finding)];
    checks.push(
        match login::mismatch(
            &summary,
            settings.login_method,
            provider.workspace.as_deref(),
        ) {
            Some(why) => Check::fail(
                Group::Login,
                "login.mode",
                format!("{why}: codex would delete this login"),
                "run `usbide login` with the stick's method, or change --login-method",
            ),
            None => Check::ok(
                Group::Login,
                "login.mode",
                "the stored login matches forced_login_method",
            ),
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
            "CODEX_API_KEY is passed to codex while the stick forces ChatGPT: codex would log out",
            "unset USBIDE_CODEX_ALLOW_API_KEY or CODEX_API_KEY",
        ));
    }
    checks.push(permissions(&path));
    checks
}

fn permissions(path: &Path) -> Check {
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
                format!("auth.json is readable by its owner only ({mode:o})"),
            );
        }
        // FAT shows every file as 0777 or 0700 and refuses chmod: the stick check says so.
        Check::warn(
            Group::Login,
            "login.permissions",
            format!("auth.json is readable by others (mode {mode:o})"),
            "on a FAT stick nothing can be done; elsewhere run `chmod 600` on it (usbide does at login)",
        )
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Check::skipped(
            Group::Login,
            "login.permissions",
            "owner-only ACLs are not checked on Windows yet",
        )
    }
}

/// Variables of the host that matter to codex (names and redacted values only).
pub fn environment(env: &Environ, settings: &Settings, codex_home: &Path) -> Vec<Check> {
    let filtered = envfilter::filter(env, &envfilter::Policy::from_settings(settings), codex_home);
    let mut checks = Vec::new();
    checks.push(if filtered.removed.is_empty() {
        Check::ok(
            Group::Environment,
            "env.filtered",
            "no API key, base URL or codex-internal variable to remove",
        )
    } else {
        let names: Vec<&str> = filtered.removed.iter().map(|(n, _)| n.as_str()).collect();
        Check::ok(
            Group::Environment,
            "env.filtered",
            format!("kept from codex: {}", names.join(", ")),
        )
    });
    if let Some(old) = &filtered.replaced_codex_home {
        checks.push(Check::ok(
            Group::Environment,
            "env.codex_home",
            format!(
                "this computer sets CODEX_HOME={}; codex gets the stick's instead",
                old.to_string_lossy()
            ),
        ));
    }
    for name in ["CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"] {
        if let Some(path) = env.get_str(name) {
            checks.push(ca_file(name, &path));
        }
    }
    checks
}

/// The proxy codex and usbide's probes use: `net` is `env` plus the Windows
/// system proxy; a value only `net` has came from the Internet Settings.
pub fn proxy(env: &Environ, net: &Environ, lang: crate::messages::Lang) -> Check {
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
        Check::ok(Group::Environment, "env.proxy", "no proxy variable set")
    } else if from_windows {
        Check::ok(
            Group::Environment,
            "env.proxy",
            crate::messages::fill(
                crate::messages::text(lang).proxy_from_windows,
                &[("list", &proxies.join(" "))],
            ),
        )
    } else {
        Check::ok(Group::Environment, "env.proxy", proxies.join(" "))
    }
}

fn ca_file(name: &str, path: &str) -> Check {
    let id = format!("env.{}", name.to_ascii_lowercase());
    match std::fs::read(path) {
        Err(_) => Check::fail(
            Group::Environment,
            id,
            format!("{name} points at {path}, which cannot be read: codex's login fails"),
            format!("fix the path or unset {name}"),
        ),
        Ok(bytes) if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") => {
            Check::fail(
                Group::Environment,
                id,
                format!(
                    "{name} points at {path}, which holds no PEM certificate: codex's login fails"
                ),
                format!("point {name} at a PEM file (-----BEGIN CERTIFICATE-----), or unset it"),
            )
        }
        Ok(_) => Check::ok(
            Group::Environment,
            id,
            format!("{name} points at a PEM file"),
        ),
    }
}

/// The payload for this host; `full` also verifies every file's digest.
pub fn payload(stick: &Stick, full: bool) -> Vec<Check> {
    let Some(target) = crate::payload::target::host() else {
        return vec![Check::fail(
            Group::Payload,
            "payload.tree",
            "codex is not published for this OS and architecture",
            "run codex from another computer",
        )];
    };
    let tree = match crate::payload::tree_for(&stick.payload_dir, target) {
        Ok(t) => t,
        Err(reason) => {
            return vec![Check::fail(
                Group::Payload,
                "payload.tree",
                reason,
                "run `usbide payload install`",
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
        .unwrap_or_else(|| "unknown".into());
    let mut checks = vec![Check::ok(
        Group::Payload,
        "payload.tree",
        format!("codex {version} for {}", target.triple),
    )];
    if full {
        checks.push(match record.map(|r| r.verify(&dir)) {
            Err(_) => Check::warn(
                Group::Payload,
                "payload.digests",
                "no install record: cannot verify the files",
                "reinstall with `usbide payload install`",
            ),
            Ok(crate::payload::record::Verdict::Verified { files }) => Check::ok(
                Group::Payload,
                "payload.digests",
                format!("{files} files match their recorded SHA-256"),
            ),
            Ok(crate::payload::record::Verdict::Missing(f)) => Check::fail(
                Group::Payload,
                "payload.digests",
                format!("{f} is missing"),
                "reinstall with `usbide payload install`",
            ),
            Ok(crate::payload::record::Verdict::Modified(f)) => Check::fail(
                Group::Payload,
                "payload.digests",
                format!("{f} was modified"),
                "reinstall with `usbide payload install`",
            ),
        });
    }
    checks
}

/// One login check, not two: codex's own `login status` (run in parallel)
/// is folded into `login.stored`, so the report states the login once, with
/// one fix, and says so when the two disagree (an API key stored that codex
/// does not count, say).
pub fn merge_login(checks: &mut Vec<Check>, lang: crate::messages::Lang) {
    let t = crate::messages::text(lang);
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
    stored.finding = crate::messages::fill(
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
