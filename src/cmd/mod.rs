//! One subcommand, one file. This module holds what several share: the
//! context every command gets, and the preparation before a hand-off.

pub mod codex;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod guard;
pub mod login;
pub mod payload;
pub mod render;
pub mod status;
pub mod stick;

use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::environ::Environ;
use crate::home::{self, config};
use crate::launch::envfilter::{self, Policy};
use crate::launch::{CodexExe, Invocation};
use crate::lock::StickLock;
use crate::settings::Settings;
use crate::stick::{Stick, root};

/// What every command starts from.
#[derive(Debug)]
pub struct Context {
    pub env: Environ,
    pub settings: Settings,
    /// Where this usbide executable is.
    pub exe: PathBuf,
}

impl Context {
    /// The stick layout (root found or given).
    pub fn stick(&self) -> Result<Stick> {
        let root = root::locate(self.settings.root.as_deref(), &self.exe, &self.env)?;
        Ok(Stick::new(root, self.settings.payload_dir.as_deref()))
    }

    /// The environment filter the settings ask for.
    pub fn policy(&self) -> Policy {
        Policy::from_settings(&self.settings)
    }
}

/// Print a note for the user on stderr (and into the stick's log).
pub fn note(message: &str) {
    let message = crate::redact::text(message);
    crate::log::line(&message);
    eprintln!("usbide: {message}");
}

/// A stick ready for codex: home prepared, environment filtered, locked.
#[derive(Debug)]
pub struct Ready {
    pub stick: Stick,
    pub filtered: envfilter::Filtered,
    pub overrides: Vec<String>,
    /// Where codex sends its requests, read once after config.toml was brought in line.
    pub provider: crate::home::provider::Provider,
    _lock: StickLock,
}

impl Ready {
    /// A codex call with the stick's overrides and environment.
    pub fn invocation(&self, codex: &std::path::Path, args: &[OsString]) -> Invocation {
        Invocation::new(codex, &self.overrides, args, self.filtered.vars.clone())
    }
}

/// Lock the stick, prepare CODEX_HOME and filter the environment, saying
/// what changed. Nothing here starts codex.
pub fn prepare(ctx: &Context) -> Result<Ready> {
    let stick = ctx.stick()?;
    let codex_home = stick.codex_home();
    std::fs::create_dir_all(&codex_home).with_context(|| {
        format!(
            "cannot create {}; is the stick write-protected?",
            codex_home.display()
        )
    })?;
    let lock = StickLock::acquire(&codex_home, ctx.settings.lock_wait)?;
    crate::log::init(&codex_home);
    let policy = ctx.policy();
    let prepared = home::prepare(&codex_home, ctx.settings.login_method, &policy)?;
    for line in prepared.notes() {
        note(&line);
    }
    let (filtered, notes, overrides) = codex_environment(ctx, &codex_home);
    for line in notes {
        note(&line);
    }
    Ok(Ready {
        stick,
        filtered,
        overrides,
        provider: crate::home::provider::Provider::read(&codex_home, ctx.settings.login_method),
        _lock: lock,
    })
}

/// What codex gets on this host: the filtered environment plus the host's
/// additions (CA bundle, Windows proxy), the `-c` overrides, and notes that
/// say what changed. Shared by every launch and by `usbide env`.
pub fn codex_environment(
    ctx: &Context,
    codex_home: &std::path::Path,
) -> (envfilter::Filtered, Vec<String>, Vec<String>) {
    let mut filtered = envfilter::filter(&ctx.env, &ctx.policy(), codex_home);
    let mut notes = Vec::new();
    if let Some(old) = &filtered.replaced_codex_home {
        notes.push(format!(
            "CODEX_HOME was {} on this host; codex uses the stick's {} instead",
            old.to_string_lossy(),
            codex_home.display()
        ));
    }
    let host = crate::preflight::host::additions(
        &ctx.env,
        codex_home,
        crate::platform::internet_settings(),
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
    (filtered, notes, overrides)
}

/// The codex to run: the stick's payload for this host; if it is missing,
/// offer to install it (on a terminal), else fall back to PATH with a warning.
pub fn resolve_codex(ctx: &Context, stick: &Stick) -> Result<CodexExe> {
    let target = crate::payload::target::host()
        .context("codex is not published for this OS and architecture")?;
    let missing = match crate::payload::tree_for(&stick.payload_dir, target) {
        Ok(tree) => {
            return Ok(CodexExe {
                path: tree.exe,
                from_path: false,
            });
        }
        Err(reason) => reason,
    };
    if ctx.settings.assume_yes
        || ask(&format!(
            "codex is not on this stick yet ({missing}). Download it now?"
        ))?
    {
        let installed = payload::install_for_launch(ctx, stick, target)?;
        return Ok(CodexExe {
            path: installed,
            from_path: false,
        });
    }
    if let Some(path) = crate::launch::find_on_path(&ctx.env, "codex") {
        note(&format!(
            "warning: no codex on the stick ({missing}); using {} from this host's PATH. \
             Its version is not the stick's; run `usbide payload install` to carry codex with you",
            path.display()
        ));
        return Ok(CodexExe {
            path,
            from_path: true,
        });
    }
    Err(crate::payload::PayloadError::Layout {
        reason: format!(
            "no codex on the stick ({missing}) and none on PATH; run `usbide payload install`"
        ),
    }
    .into())
}

/// Ask a yes/no question when both stdin and stderr are terminals; `false`
/// without a terminal (nobody to answer).
pub fn ask(question: &str) -> Result<bool> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Ok(false);
    }
    eprint!("usbide: {question} [Y/n] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes" | "o" | "oui"
    ))
}

/// Prepare the stick, then run codex with `args` on the terminal. After an
/// interactive session that failed, name the last error codex logged.
pub fn hand_off(ctx: &Context, args: &[OsString], interactive: bool) -> Result<i32> {
    let ready = prepare(ctx)?;
    let codex = resolve_codex(ctx, &ready.stick)?;
    let inv = ready.invocation(&codex.path, args);
    guard::check_login(ctx, &ready, &codex.path, args, interactive)?;
    if crate::login::needs_session(args) {
        guard::preflight_on_launch(ctx, &ready);
    }
    let code = inv
        .run_inherited()
        .with_context(|| format!("cannot start {}", codex.path.display()))?;
    if interactive && code != 0 {
        explain_log(
            ctx,
            &ready.stick.codex_home().join("log").join("codex-tui.log"),
        );
    }
    Ok(code)
}

/// Print the diagnosis of the last error in the tail of codex's log.
fn explain_log(ctx: &Context, log: &std::path::Path) {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(log) else {
        return;
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(TAIL)));
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(&bytes);
    let lang =
        crate::events::hints::Lang::detect(&ctx.env, crate::platform::user_locale().as_deref());
    if let Some(d) = text
        .lines()
        .rev()
        .find_map(crate::events::diagnose::classify)
    {
        note(&format!(
            "codex ended with an error: {}",
            crate::events::hints::title(d.cause, lang)
        ));
        note(&crate::events::hints::hint(&d, lang));
    }
}
