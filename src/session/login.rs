//! Logging in through codex so that the tokens land in the stick's
//! `codex_home`, with the flow that works on this host, and never losing an
//! existing login to a failed attempt: `usbide login`, `usbide logout`, and
//! the login a launch offers ([`super::guard`]).

use std::ffi::OsString;
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::cli::LoginArgs;
use crate::context::Context;
use crate::events::render::clean;
use crate::launch::Invocation;
use crate::login::claims;
use crate::login::device::{PromptReader, screen};
use crate::login::method::{self, HostConditions, Method};
use crate::login::{self, AuthBackup};
use crate::messages::{fill, in_lang, text};
use crate::session::{Ready, prepare, resolve_codex};
use crate::settings::LoginMethod;
use crate::ui::note;

/// Exit code when a login attempt failed (codex's own is passed through
/// where there is one).
const LOGIN_FAILED: i32 = 1;

/// `usbide login`: the method the login uses becomes the stick's (asked
/// first when that changes it), and a login already on the stick is named
/// and replaced only when the user says so.
pub fn run(ctx: &Context, args: &LoginArgs) -> Result<i32> {
    let Some(method) = method_for(ctx, args)? else {
        return Ok(crate::exit::LOGIN);
    };
    let ctx = &ctx.with_settings(ctx.settings.logging_in_with(method));
    let ready = prepare(ctx)?;
    if !args.reset && !replace_existing(ctx, &ready.stick.codex_home())? {
        return Ok(crate::exit::LOGIN);
    }
    let codex = resolve_codex(ctx, &ready.stick, true)?.path;
    let code = login(ctx, &ready, &codex, args)?;
    if code == crate::exit::OK && method != LoginMethod::None {
        record_method(ctx, &ready.stick.root, method)?;
    }
    Ok(code)
}

/// The login method this login uses: an API key or ChatGPT, as the flags
/// say (`none` stays `none`). When that is not the method the stick has
/// recorded, the user is asked first (`--yes` answers yes); `None` when the
/// user did not agree.
fn method_for(ctx: &Context, args: &LoginArgs) -> Result<Option<LoginMethod>> {
    use crate::settings::Source;
    let t = crate::messages::text(ctx.lang);
    let current = ctx.settings.login_method;
    let asked = if args.with_api_key {
        LoginMethod::Api
    } else {
        LoginMethod::Chatgpt
    };
    let explicit = matches!(
        ctx.settings.source_of("login_method"),
        Source::Flag | Source::Environment
    );
    if explicit && current != LoginMethod::None && current != asked {
        // `--login-method api login` (a browser login) and the like.
        let hint = if current == LoginMethod::Api {
            "`usbide --login-method api login --with-api-key`"
        } else {
            t.login_contradicts_chatgpt_hint
        };
        bail!(crate::cli::UsageError(crate::messages::fill(
            t.login_method_contradicts,
            &[
                ("forced", current.config_value().unwrap_or("none")),
                ("asked", asked.config_value().unwrap_or("none")),
                ("hint", hint),
            ],
        )));
    }
    // `none` forces nothing: the stick's recorded method stays.
    if current == LoginMethod::None {
        return Ok(Some(current));
    }
    let new = asked;
    let recorded = ctx
        .settings
        .stick_login_method
        .config_value()
        .unwrap_or("none")
        .to_string();
    let new_name = new.config_value().unwrap_or("none");
    if ctx.settings.stick_login_method == new {
        return Ok(Some(new));
    }
    let question = crate::messages::fill(
        t.login_method_change,
        &[("old", &recorded), ("new", new_name)],
    );
    // `--login-method api login --with-api-key` (or the variable) is the
    // answer to "switch this stick to api?": said, not asked.
    if explicit && current == new {
        note(&crate::messages::fill(
            t.login_method_switched,
            &[("old", &recorded), ("new", new_name)],
        ));
        return Ok(Some(new));
    }
    if ctx.settings.assume_yes {
        note(&question);
        return Ok(Some(new));
    }
    if !crate::ui::can_ask() {
        note(&question);
        note(t.init_needs_yes);
        return Ok(None);
    }
    if crate::ui::ask(&question, ctx.lang)? {
        Ok(Some(new))
    } else {
        note(&crate::messages::fill(
            t.login_method_kept,
            &[("old", &recorded)],
        ));
        Ok(None)
    }
}

/// With a login already on the stick: name its account, and ask before a
/// new login replaces it (`--yes` answers yes).
fn replace_existing(ctx: &Context, home: &Path) -> Result<bool> {
    let Ok(summary) = claims::read(&login::auth_path(home)) else {
        return Ok(true);
    };
    let who = summary
        .email
        .as_deref()
        .map(|e| crate::escape::escape(e).into_owned())
        .unwrap_or_else(|| summary.mode.as_ref().map(|m| m.label()).unwrap_or_default());
    let t = crate::messages::text(ctx.lang);
    let question = crate::messages::fill(t.login_replace_ask, &[("who", &who)]);
    // Without a terminal nobody can answer, and the command itself asked
    // for a login: go ahead, saying so (the previous login comes back if
    // the new one fails).
    if ctx.settings.assume_yes || !crate::ui::can_ask() {
        note(&crate::messages::fill(
            t.login_replace_note,
            &[("who", &who)],
        ));
        return Ok(true);
    }
    crate::ui::ask(&question, ctx.lang)
}

/// Keep the method of a successful login in the stick's usbide.toml, so the
/// next `usbide`, `exec` and `status` use it (no flag needed any more).
pub fn record_method(ctx: &Context, root: &Path, method: LoginMethod) -> Result<()> {
    let value = method.config_value().unwrap_or("none");
    if ctx.settings.stick_file_login_method.as_deref() == Some(value) {
        return Ok(());
    }
    let path = crate::settings::file::save(root, "login_method", Some(value))?;
    note(&crate::messages::fill(
        crate::messages::text(ctx.lang).login_method_saved,
        &[("method", value), ("path", &path.display().to_string())],
    ));
    Ok(())
}

/// Log in with `args` on a prepared stick; also used before a launch.
pub fn login(ctx: &Context, ready: &Ready, codex: &Path, args: &LoginArgs) -> Result<i32> {
    let t = text(ctx.lang);
    let home = ready.stick.codex_home();
    if args.reset {
        reset(ctx, ready, codex, &home)?;
    }
    if args.with_api_key && ctx.settings.login_method == LoginMethod::Chatgpt {
        bail!(crate::cli::UsageError(t.login_forces_chatgpt.into()));
    }
    if !args.with_api_key && ctx.settings.login_method == LoginMethod::Api {
        bail!(crate::cli::UsageError(t.login_forces_api.into()));
    }
    // The key is read before anything is set aside: an empty or unreadable
    // one changes nothing on the stick.
    let key = if args.with_api_key {
        Some(read_api_key(ctx)?)
    } else {
        None
    };
    let backup = AuthBackup::take(&home).with_context(|| {
        let path = home.join("auth.json").display().to_string();
        fill(t.login_backup_failed, &[("path", &path)])
    })?;
    // A closed terminal or a `kill` ends usbide; the previous login goes back first.
    let _signals = login::RestoreOnSignal::arm(&home);
    let attempt = run_attempt(ctx, ready, codex, args, key.as_deref());
    let code = match attempt {
        Ok(code) => code,
        Err(e) => {
            // A login that could not even run leaves nothing behind: the
            // previous login is put back and the copy goes.
            if !args.reset {
                let _ = backup.restore();
            }
            backup.discard();
            return Err(e);
        }
    };
    if code != 0 {
        if !args.reset && backup.restore().unwrap_or(false) {
            note(t.login_incomplete_restored);
        } else {
            note(t.login_incomplete);
        }
        return Ok(code);
    }
    backup.discard();
    after_success(ctx, &home, args.remove_host_copy)?;
    Ok(crate::exit::OK)
}

/// The login flow `args` (and the host) ask for; codex's exit code.
fn run_attempt(
    ctx: &Context,
    ready: &Ready,
    codex: &Path,
    args: &LoginArgs,
    key: Option<&str>,
) -> Result<i32> {
    let t = text(ctx.lang);
    let home = ready.stick.codex_home();
    let code = if let Some(key) = key {
        api_key(ctx, ready, codex, key)?
    } else {
        let memory = login::state_dir(&home).join("browser-login-failed");
        let host = method::host_name(&ctx.env);
        let chosen = match (args.device_auth, args.browser) {
            (true, _) => Method::DeviceCode(crate::messages::en::TEXT.login_device_asked),
            (_, true) => Method::Browser,
            _ => method::choose(&HostConditions::gather(&ctx.env, &memory, &host)),
        };
        match chosen {
            Method::DeviceCode(why) => {
                note(&fill(t.login_with_code, &[("why", in_lang(why, ctx.lang))]));
                device_code(ctx, ready, codex)?
            }
            Method::Browser => {
                let code = browser(ctx, ready, codex)?;
                if code != 0 {
                    let _ = method::remember_browser_failure(&memory, &host);
                    note(t.login_browser_failed);
                }
                code
            }
        }
    };
    Ok(code)
}

/// `codex login <extra>`; `issuer` is `USBIDE_LOGIN_ISSUER` for the flows
/// that talk to the issuer (codex's hidden `--experimental_issuer`, for a
/// corporate mirror or a test stand-in).
fn codex_login(ready: &Ready, codex: &Path, extra: &[&str], issuer: Option<String>) -> Invocation {
    let mut args: Vec<OsString> = vec!["login".into()];
    args.extend(extra.iter().map(OsString::from));
    if let Some(issuer) = issuer {
        args.push("--experimental_issuer".into());
        args.push(issuer.into());
    }
    ready.invocation(codex, &args)
}

/// `codex logout` with the stick's environment; its output, not printed.
fn codex_logout(ctx: &Context, ready: &Ready, codex: &Path) -> Result<std::process::Output> {
    ready
        .invocation(codex, &["logout".into()])
        .command()
        .stdin(Stdio::null())
        .output()
        .context(text(ctx.lang).login_cannot_run_logout)
}

fn reset(ctx: &Context, ready: &Ready, codex: &Path, home: &Path) -> Result<()> {
    let out = codex_logout(ctx, ready, codex)?;
    drop(out); // "Not logged in" is fine here: the files go either way.
    for name in ["auth.json", "auth.json.lock", "auth.lock"] {
        let _ = std::fs::remove_file(home.join(name));
    }
    login::remove_copies(home);
    note(text(ctx.lang).login_reset_done);
    Ok(())
}

/// The browser flow, on the terminal.
fn browser(ctx: &Context, ready: &Ready, codex: &Path) -> Result<i32> {
    codex_login(ready, codex, &[], ctx.settings.login_issuer.clone())
        .run_inherited()
        .with_context(|| cannot_start(ctx, "codex login"))
}

/// That `command` (a codex login) could not start, in the host's language.
fn cannot_start(ctx: &Context, command: &str) -> String {
    fill(text(ctx.lang).login_cannot_start, &[("command", command)])
}

/// `codex login --with-api-key`, the key read from our stdin and passed on
/// through a pipe: it never appears in an argument list or on screen.
fn api_key(ctx: &Context, ready: &Ready, codex: &Path, key: &str) -> Result<i32> {
    let mut child = codex_login(ready, codex, &["--with-api-key"], None)
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| cannot_start(ctx, "codex login"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(key.as_bytes())?;
        stdin.write_all(b"\n")?;
    }
    let out = child.wait_with_output()?;
    show_codex_errors(&out.stderr, Some(key), ctx.lang);
    Ok(crate::platform::exit_code(out.status))
}

/// The API key, from a hidden prompt on a terminal or from stdin (at most
/// 64 KiB: a key is far shorter), trimmed; never empty.
fn read_api_key(ctx: &Context) -> Result<String> {
    let t = text(ctx.lang);
    let key = if io::stdin().is_terminal() {
        rpassword::prompt_password(t.login_key_prompt).context(t.login_key_unreadable)?
    } else {
        let mut text = String::new();
        io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .context(t.login_key_unreadable_stdin)?;
        text
    };
    let key = key.trim();
    if key.is_empty() {
        bail!(t.login_key_empty);
    }
    Ok(key.to_string())
}

/// Codex's stderr lines that say why a login failed, cleaned (and never the key).
fn show_codex_errors(stderr: &[u8], secret: Option<&str>, lang: crate::messages::Lang) {
    for line in String::from_utf8_lossy(stderr).lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("Reading API key") {
            continue;
        }
        let mut shown = crate::events::text::clean_codex(line, usize::MAX);
        if let Some(s) = secret.filter(|s| s.len() >= 4) {
            shown = shown.replace(s, "***");
        }
        crate::out::eprintln!(
            "{}",
            crate::messages::fill(crate::messages::text(lang).codex_says, &[("line", &shown)])
        );
    }
}

/// Device-code login: stream codex's prompt, show it large with a QR code,
/// count down, and stop at usbide's own deadline.
fn device_code(ctx: &Context, ready: &Ready, codex: &Path) -> Result<i32> {
    let mut child = codex_login(
        ready,
        codex,
        &["--device-auth"],
        ctx.settings.login_issuer.clone(),
    )
    .command()
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .with_context(|| cannot_start(ctx, "codex login --device-auth"))?;
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    for (is_err, stream) in [
        (
            false,
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
        (
            true,
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
    ] {
        if let Some(stream) = stream {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut buf = Vec::new();
                let max = crate::events::lines::MAX_LINE;
                // Bounded lines: codex's output is untrusted in size too.
                while let Ok(
                    crate::events::lines::Read::Line | crate::events::lines::Read::Overlong(_),
                ) = crate::events::lines::next(&mut reader, &mut buf, max)
                {
                    let line = String::from_utf8_lossy(&buf).into_owned();
                    if tx.send((is_err, line)).is_err() {
                        break;
                    }
                }
            });
        }
    }
    drop(tx);
    let limit = ctx.settings.login_timeout;
    let deadline = Instant::now() + limit;
    let live = io::stderr().is_terminal();
    let mut reader = PromptReader::default();
    let mut errors = Vec::new();
    let _interrupts = crate::platform::InterruptsToChild::begin();
    loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok((false, line)) => {
                if reader.line(&line) {
                    crate::out::print!(
                        "{}",
                        screen(
                            &reader.prompt,
                            io::stdout().is_terminal() || ctx.settings.qr,
                            ctx.lang,
                        )
                    );
                    io::stdout().flush()?;
                } else if reader.complete()
                    && crate::login::device::is_warning(crate::escape::strip_ansi(&line).trim())
                {
                    if live {
                        crate::out::eprint!("\r\x1b[2K"); // clear the countdown line first
                    }
                    crate::out::println!("  {}\n", clean(crate::escape::strip_ansi(&line).trim()));
                }
            }
            Ok((true, line)) => errors.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            if live {
                crate::out::eprintln!();
            }
            note(text(ctx.lang).login_code_expired);
            let _ = child.wait();
            return Ok(LOGIN_FAILED);
        }
        if live && reader.complete() {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs();
            let left = format!("{}:{:02}", left / 60, left % 60);
            let waiting = fill(text(ctx.lang).login_waiting, &[("left", &left)]);
            crate::out::eprint!("\r\x1b[2K{waiting}");
        }
    }
    if live && reader.complete() {
        crate::out::eprintln!();
    }
    let status = wait(ctx, &mut child)?;
    if status != 0 {
        show_codex_errors(errors.join("\n").as_bytes(), None, ctx.lang);
        explain_failure(ctx, &errors);
    }
    Ok(status)
}

/// Name why codex's login failed; when its text hides a network cause
/// ("error sending request for url (...)"), probe that URL to name it.
fn explain_failure(ctx: &Context, errors: &[String]) {
    let Some(mut d) = errors.iter().find_map(|l| crate::diagnose::classify(l)) else {
        return;
    };
    if d.cause.hides_network_cause()
        && let Some(url) = errors.iter().find_map(|l| {
            let rest = &l[l.find("(http")? + 1..];
            Some(rest[..rest.find(')')?].to_string())
        })
        && let Some(found) = crate::net::probe::probe(&ctx.env, &url)
    {
        d = found;
    }
    note(&crate::diagnose::phrases::explain(&d, ctx.lang));
}

fn wait(ctx: &Context, child: &mut Child) -> Result<i32> {
    Ok(crate::platform::exit_code(
        child.wait().context(text(ctx.lang).login_unfinished)?,
    ))
}

/// Tokens on the stick: tighten, point out a copy on the host, confirm.
fn after_success(ctx: &Context, home: &Path, remove_host_copy: bool) -> Result<()> {
    let t = text(ctx.lang);
    let auth = home.join("auth.json");
    let path = auth.display().to_string();
    if !auth.is_file() {
        bail!(fill(t.login_no_auth_file, &[("path", &path)]));
    }
    login::tighten(&auth);
    if let Some(copy) = host_copy(ctx, &auth) {
        handle_host_copy(ctx, &auth, &copy, remove_host_copy)?;
    }
    note(&fill(t.login_done, &[("path", &path)]));
    crate::session::status::print(ctx, home)?;
    Ok(())
}

/// The host's own `~/.codex/auth.json`, if it has one and it is not the
/// stick's `auth` itself (a `~/.codex` linked to the stick): the same file
/// (device and inode, or volume and file index) is one copy, not two.
fn host_copy(ctx: &Context, auth: &Path) -> Option<PathBuf> {
    let profile = crate::preflight::traces::profile(&ctx.env)?;
    Some(profile.join(".codex").join("auth.json"))
        .filter(|p| p.is_file() && !same_file::is_same_file(p, auth).unwrap_or(false))
}

/// Whether two logins are the same ChatGPT account (so that both copies
/// refresh one token chain and break each other).
fn same_account(a: &claims::Summary, b: &claims::Summary) -> bool {
    a.mode == Some(claims::Mode::Chatgpt)
        && b.mode == Some(claims::Mode::Chatgpt)
        && a.account_id.is_some()
        && a.account_id == b.account_id
        && (a.email.is_none() || b.email.is_none() || a.email == b.email)
}

/// A login on the computer next to the stick's new one. Only the same
/// account's copy is ever removed, only when asked by name (a terminal
/// question naming the file, or `--remove-host-copy`), and it is moved
/// aside, never deleted.
fn handle_host_copy(ctx: &Context, auth: &Path, copy: &Path, asked: bool) -> Result<()> {
    let t = text(ctx.lang);
    let stick = claims::read(auth).unwrap_or_default();
    let host = claims::read(copy).unwrap_or_default();
    let path = copy.display().to_string();
    if !same_account(&stick, &host) {
        note(&fill(t.login_host_other, &[("path", &path)]));
        return Ok(());
    }
    note(&fill(t.login_host_same, &[("path", &path)]));
    let aside = aside_name(copy);
    let names = [
        ("path", path.as_str()),
        ("aside", &aside.display().to_string()),
    ];
    if !(asked || crate::ui::ask(&fill(t.login_host_ask_move, &names), ctx.lang)?) {
        note(&fill(t.login_host_left, &names));
        return Ok(());
    }
    crate::fsx::rename_with_retry(copy, &aside)
        .with_context(|| fill(t.login_host_cannot_move, &names))?;
    note(&fill(t.login_host_moved, &names));
    Ok(())
}

/// `auth.json.moved-by-usbide`, numbered when taken: nothing is overwritten.
fn aside_name(copy: &Path) -> PathBuf {
    (0..)
        .map(|n| match n {
            0 => copy.with_file_name("auth.json.moved-by-usbide"),
            n => copy.with_file_name(format!("auth.json.moved-by-usbide.{n}")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| copy.with_file_name("auth.json.moved-by-usbide"))
}

/// `usbide logout`.
pub fn logout(ctx: &Context) -> Result<i32> {
    let ready = prepare(ctx)?;
    let codex = resolve_codex(ctx, &ready.stick, true)?.path;
    let out = codex_logout(ctx, &ready, &codex)?;
    for line in String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let line = crate::events::text::clean_codex(line, usize::MAX);
        crate::out::eprintln!(
            "{}",
            crate::messages::fill(
                crate::messages::text(ctx.lang).codex_says,
                &[("line", &line)]
            )
        );
    }
    // usbide's own copies of the login go too, or a later launch would bring it back.
    for copy in login::remove_copies(&ready.stick.codex_home()) {
        let path = copy.display().to_string();
        note(&fill(
            text(ctx.lang).logout_removed_copy,
            &[("path", &path)],
        ));
    }
    Ok(crate::platform::exit_code(out.status))
}
