//! First step of every session: lock the stick, bring CODEX_HOME in line,
//! and decide the environment and `-c` overrides codex gets on this host.

use std::ffi::OsString;
use std::path::Path;

use anyhow::Result;

use crate::context::Context;
use crate::home::{self, config};
use crate::launch::Invocation;
use crate::launch::envfilter;
use crate::lock::StickLock;
use crate::session::stick_lock::{held_by_session, is_write_protected, lock_as};
use crate::stick::Stick;
use crate::ui::note;

/// A stick ready for codex: home prepared, environment filtered, locked.
#[derive(Debug)]
pub struct Ready {
    pub stick: Stick,
    pub filtered: envfilter::Filtered,
    pub overrides: Vec<String>,
    /// Where codex sends its requests, read once after config.toml was brought in line.
    pub provider: crate::home::provider::Provider,
    _lock: Option<StickLock>,
    /// This computer's id on the stick (settings).
    host: Option<String>,
    /// On a write-protected stick: the private copy codex uses (removed on drop).
    _private: Option<crate::session::private::PrivateHome>,
}

impl Ready {
    /// Remember where codex runs from (once the launch goes ahead).
    pub fn seen(&self) {
        if !self.holds_the_stick() {
            return;
        }
        let codex_home = self.stick.codex_home();
        crate::home::location::seen(&codex_home, &self.stick.root, self.stick.drive().as_ref());
        // Which computer codex's sandbox records came from, and that this
        // one now runs codex (Windows: the sandbox is Windows').
        if cfg!(windows)
            && let Some(host) = &self.host
        {
            let _ = crate::preflight::sandbox::Hosts::record_launch(&codex_home, host);
        }
    }

    /// Whether this run holds the stick (not a reader beside a session):
    /// only then does it write.
    pub fn holds_the_stick(&self) -> bool {
        self._lock.as_ref().is_some_and(StickLock::holds_the_stick)
    }

    /// A codex call with the stick's overrides and environment.
    pub fn invocation(&self, codex: &std::path::Path, args: &[OsString]) -> Invocation {
        Invocation::new(codex, &self.overrides, args, self.filtered.vars.clone())
    }

    /// Start codex in the stick's `work/` folder when usbide runs from the
    /// stick itself (see [`crate::session::workdir`]); says so, once.
    pub fn keep_out_of_the_stick(
        &self,
        inv: &mut Invocation,
        args: &[OsString],
        lang: crate::messages::Lang,
    ) {
        let Ok(cwd) = std::env::current_dir() else {
            return;
        };
        let Some(work) = crate::session::workdir::choose(&cwd, &self.stick, args) else {
            return;
        };
        // Beside a session nothing is made on the stick (that session made
        // the folder if it works there).
        let there = if self.holds_the_stick() {
            std::fs::create_dir_all(&work).is_ok()
        } else {
            work.is_dir()
        };
        if there {
            crate::ui::note(&crate::messages::fill(
                crate::messages::text(lang).workdir,
                &[("dir", &work.display().to_string())],
            ));
            inv.cwd = Some(work);
        }
    }
}

/// Lock the stick, prepare CODEX_HOME and filter the environment, saying
/// what changed. Nothing here starts codex.
pub fn prepare(ctx: &Context) -> Result<Ready> {
    prepare_with(ctx, false, false)
}

/// A stick a running session holds, for a codex call that only reads: the
/// session has brought `codex_home` in line; nothing is written here.
fn beside_a_session(ctx: &Context, stick: Stick) -> Ready {
    let codex_home = stick.codex_home();
    let codex_env = codex_environment(ctx, &codex_home);
    let provider = provider_of(ctx, &codex_home);
    Ready {
        stick,
        filtered: codex_env.filtered,
        overrides: codex_env.overrides,
        provider,
        host: None,
        _lock: None,
        _private: None,
    }
}

/// [`prepare`] for a codex session, which on a write-protected stick may run
/// on a private copy of `codex_home` (asked, or `USBIDE_READ_ONLY_STICK`).
/// A codex call that only reads (`--version`, `login status`, `--help`:
/// `reader`) answers beside a running session, without the lock and
/// without writing.
pub fn prepare_session(ctx: &Context, reader: bool) -> Result<Ready> {
    prepare_with(ctx, true, reader)
}

fn prepare_with(ctx: &Context, private_ok: bool, reader: bool) -> Result<Ready> {
    let stick = ctx.stick()?;
    let holder = match (private_ok, reader) {
        (true, false) if login_can_be_shared(&stick.codex_home()) => {
            crate::lock::Holder::SharedSession
        }
        (true, false) => crate::lock::Holder::Session,
        _ => crate::lock::Holder::Command,
    };
    let (stick, lock, private) = match lock_as(ctx, &stick, holder) {
        // A second session beside a running one: it writes nothing.
        Ok(lock) if !lock.holds_the_stick() => {
            note(crate::messages::text(ctx.lang).session_beside);
            let mut ready = beside_a_session(ctx, stick);
            ready._lock = Some(lock);
            return Ok(ready);
        }
        Ok(lock) => (stick, Some(lock), None),
        Err(e) if reader && held_by_session(&e) => return Ok(beside_a_session(ctx, stick)),
        Err(e) if private_ok && is_write_protected(&e) => {
            let lang = ctx.lang;
            if !crate::session::private::wanted(ctx, lang)? {
                return Err(e);
            }
            let mut private = crate::session::private::create(ctx, &stick)?;
            note(&crate::messages::fill(
                crate::messages::text(lang).private_copy_used,
                &[("path", &private.stick.codex_home().display().to_string())],
            ));
            let lock = private.lock.take();
            (private.stick.clone(), lock, Some(private))
        }
        Err(e) => return Err(e),
    };
    let codex_home = stick.codex_home();
    crate::log::init(&codex_home);
    crate::home::provider::check_config_size(&codex_home.join("config.toml"))?;
    let policy = ctx.policy();
    let prepared = home::prepare(&codex_home, ctx.settings.stick_login_method, &policy)?;
    // A login an interrupted `usbide login` removed goes back (under the lock).
    let recovery = crate::login::recover_interrupted(&codex_home).map_err(|source| {
        home::HomeError::Recover {
            path: crate::login::auth_path(&codex_home),
            source,
        }
    })?;
    if recovery == crate::login::Recovery::Restored {
        note(crate::login::restored_note(ctx.lang));
    }
    let lang = ctx.lang;
    for line in prepared.notes(lang) {
        note(&line);
    }
    // The stick moved: codex's absolute paths into it follow.
    match home::location::follow(&codex_home, &stick.root, ctx.lang) {
        Ok(lines) => lines.iter().for_each(|l| note(l)),
        Err(e) => note(&crate::messages::fill(
            crate::messages::text(ctx.lang).move_failed,
            &[
                ("root", &stick.root.display().to_string()),
                ("error", &e.to_string()),
            ],
        )),
    }
    let mut codex_env = codex_environment(ctx, &codex_home);
    if private_ok
        && codex_env.sandbox.as_ref().is_some_and(|d| d.ask)
        && let Some(chosen) = crate::session::sandbox::ask(ctx, &stick)
    {
        let mut ctx = ctx.clone();
        ctx.settings.windows_sandbox = chosen;
        codex_env = codex_environment(&ctx, &codex_home);
    }
    for line in &codex_env.notes {
        note(line);
    }
    say_sandbox_once(&codex_home, codex_env.sandbox.as_ref(), ctx.lang);
    let provider = provider_of(ctx, &codex_home);
    Ok(Ready {
        stick,
        filtered: codex_env.filtered,
        overrides: codex_env.overrides,
        provider,
        host: ctx.settings.host.clone(),
        _lock: lock,
        _private: private,
    })
}

/// Where codex sends its requests, as `config.toml` says, told to the
/// diagnoses (who answered, and whether the stick logs in with an API key),
/// the same for a session that holds the stick and for one beside it.
fn provider_of(ctx: &Context, codex_home: &Path) -> crate::home::provider::Provider {
    let provider = crate::home::provider::Provider::read(codex_home, ctx.settings.login_method);
    crate::diagnose::answered::provider_at(&provider.endpoint, provider.openai_login);
    crate::diagnose::phrases::stick_logs_in_with_api_key(
        ctx.settings.login_method == crate::home::config::LoginMethod::Api,
    );
    provider
}

/// Whether a second codex session may run on the stick's login beside a
/// first one: nothing of it rotates (an API key; not a missing login, which
/// the first session may be logging in with ChatGPT). Two codex processes
/// on one ChatGPT login both renew its single-use refresh token, and the
/// server refuses the
/// second ("refresh token was already used"; measured with
/// `scripts/measure-shared-login.py`: against a server that revokes the
/// token family on reuse, neither answered and the next session was logged
/// out).
fn login_can_be_shared(codex_home: &Path) -> bool {
    use crate::login::claims;
    match claims::read(&crate::login::auth_path(codex_home)) {
        Ok(summary) => summary.mode == Some(claims::Mode::ApiKey),
        Err(_) => false,
    }
}

/// What codex gets on this host.
#[derive(Debug)]
pub struct CodexEnv {
    /// The filtered environment plus the host's additions.
    pub filtered: envfilter::Filtered,
    /// What changed, to say.
    pub notes: Vec<String>,
    /// The `-c` overrides.
    pub overrides: Vec<String>,
    /// The Windows sandbox usbide chose (Windows only).
    pub sandbox: Option<crate::preflight::sandbox::Decision>,
}

/// Say which Windows sandbox codex uses and why, once per choice and reason
/// (remembered on the stick); a warning about the user's own choice, always.
fn say_sandbox_once(
    codex_home: &Path,
    sandbox: Option<&crate::preflight::sandbox::Decision>,
    lang: crate::messages::Lang,
) {
    let Some(d) = sandbox else { return };
    if let Some(warning) = d.warning(lang) {
        note(&warning);
    }
    let Some(choice) = d.choice else { return };
    let said = crate::stick::state_dir(codex_home).join("sandbox-said");
    let line = crate::messages::fill(
        crate::messages::text(lang).sandbox_used,
        &[("choice", choice), ("why", &d.why(lang))],
    );
    if std::fs::read_to_string(&said).ok().as_deref() == Some(line.as_str()) {
        return;
    }
    note(&line);
    let _ = std::fs::create_dir_all(crate::stick::state_dir(codex_home));
    let _ = crate::fsx::write_atomic(&said, line.as_bytes());
}

/// What codex gets on this host: the filtered environment plus the host's
/// additions (CA bundle, Windows proxy, Windows sandbox), the `-c`
/// overrides, and notes that say what changed. Shared by every launch, the
/// doctor and `usbide env`.
pub fn codex_environment(ctx: &Context, codex_home: &Path) -> CodexEnv {
    let mut filtered = envfilter::filter(&ctx.env, &ctx.policy(), codex_home);
    let mut notes = Vec::new();
    if let Some(old) = &filtered.replaced_codex_home {
        notes.push(crate::messages::fill(
            crate::messages::text(ctx.lang).codex_home_replaced,
            &[
                ("old", &old.to_string_lossy()),
                ("new", &codex_home.display().to_string()),
            ],
        ));
    }
    let host = crate::preflight::host::additions(
        &ctx.env,
        codex_home,
        crate::platform::internet_settings(),
        ctx.lang,
    );
    for (name, value) in host.vars {
        let same = |k: &OsString| {
            k.to_string_lossy()
                .eq_ignore_ascii_case(&name.to_string_lossy())
        };
        filtered.vars.retain(|(k, _)| !same(k));
        filtered.vars.push((name, value));
    }
    notes.extend(host.notes);
    let mut overrides = config::cli_overrides(&config::desired(ctx.settings.login_method));
    overrides.extend(host.overrides);
    let workdir = std::env::current_dir().unwrap_or_else(|_| codex_home.to_path_buf());
    let sandbox = crate::preflight::sandbox::decide(&crate::preflight::sandbox::Facts::gather(
        codex_home,
        &workdir,
        ctx.settings.windows_sandbox,
        ctx.settings.host.as_deref(),
    ));
    if let Some(d) = &sandbox {
        overrides.extend(d.overrides());
    }
    CodexEnv {
        filtered,
        notes,
        overrides,
        sandbox,
    }
}
