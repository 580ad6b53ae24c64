//! The interactive session on Windows: `usbide.exe` started under Wine in a
//! terminal (tmux, driven from here), a prompt typed, the loopback model's
//! answer on screen, Ctrl+C twice, usbide's exit code, and no `codex.exe`
//! left running. The screen is read by its text, not its layout (Wine's
//! console draws codex's TUI out of place).
//!
//! Runs where `scripts/win.sh tui` points `USBIDE_WINE_EXE` at a built
//! `usbide.exe` (with `WINEPREFIX` set up); elsewhere it says it is skipped.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::standin::{Reply, Server, sse_reply};
use crate::support::repo;

/// The usbide.exe to test, or why not.
fn wine_exe() -> Option<PathBuf> {
    let exe = std::env::var_os("USBIDE_WINE_EXE").map(PathBuf::from)?;
    let ready = exe.is_file()
        && std::env::var_os("WINEPREFIX").is_some()
        && Command::new("tmux").arg("-V").output().is_ok();
    ready.then_some(exe)
}

/// `path` as Wine's `Z:` drive shows it.
fn wine_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// A tmux server of the test's own, with one window running `command`.
pub(crate) struct Tmux {
    socket: String,
}

impl Tmux {
    /// Whether tmux is here (a test that needs it says when it is not).
    pub(crate) fn available() -> bool {
        Command::new("tmux").arg("-V").output().is_ok()
    }

    pub(crate) fn start(command: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("usbide-tui-{}-{n}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "160",
                "-y",
                "48",
            ])
            .arg(command)
            .status()
            .expect("tmux");
        assert!(status.success(), "tmux did not start");
        Self { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What a person sees now.
    pub(crate) fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Wait until the screen holds `text`; every screen seen is kept.
    pub(crate) fn wait_for(&self, text: &str, limit: Duration, seen: &mut String) -> bool {
        self.wait_for_any(&[text], limit, seen)
    }

    /// Wait until the screen holds one of `texts`; every screen seen is kept.
    pub(crate) fn wait_for_any(&self, texts: &[&str], limit: Duration, seen: &mut String) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            let screen = self.screen();
            let found = texts.iter().any(|t| screen.contains(t));
            seen.push_str(&screen);
            if found {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    }
}

impl Tmux {
    /// The exit code the command wrote to `exit` (`echo $? > exit`), once
    /// it is there or `limit` has passed (then empty).
    pub(crate) fn exit_code(&self, exit: &std::path::Path, limit: Duration) -> String {
        let started = Instant::now();
        while !exit.exists() && started.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(200));
        }
        std::fs::read_to_string(exit)
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// Like `wait_for_any`, on the screen without its white space.
    pub(crate) fn wait_for_squeezed(
        &self,
        texts: &[&str],
        limit: Duration,
        seen: &mut String,
    ) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            let screen = self.screen();
            let squeezed: String = screen.chars().filter(|c| !c.is_whitespace()).collect();
            seen.push_str(&screen);
            if texts.iter().any(|t| squeezed.contains(t)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// `codex.exe` processes alive now (Wine runs them as Unix processes).
fn codex_exe_alive() -> bool {
    Command::new("pgrep")
        .args(["-f", r"codex\.exe"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_tui_answers_under_wine_and_ctrl_c_ends_it_without_a_codex_left() {
    let Some(exe) = wine_exe() else {
        eprintln!("skipped: no USBIDE_WINE_EXE / WINEPREFIX / tmux (scripts/win.sh tui runs it)");
        return;
    };
    let model = Server::start(|req| {
        if req.path.ends_with("/responses") {
            Reply::Full(
                200,
                "text/event-stream",
                sse_reply("Hello from the mock backend."),
            )
        } else {
            Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    // Outside any git work tree (codex would first ask to trust it), and
    // not in Windows' own temporary folder (which usbide refuses as a stick).
    let dir = tempfile::Builder::new()
        .prefix("usbide-wine-tui-")
        .tempdir()
        .expect("tempdir");
    let stick = dir.path().join("STICK");
    let home = stick.join("codex_home");
    std::fs::create_dir_all(&home).expect("codex_home");
    std::fs::copy(&exe, stick.join("usbide.exe")).expect("copy usbide.exe");
    std::fs::write(
        home.join("config.toml"),
        format!(
            "model = \"gpt-test\"\nmodel_provider = \"standin\"\napproval_policy = \"never\"\n\n\
             [model_providers.standin]\nname = \"stand-in\"\nbase_url = \"{}/v1\"\n\
             experimental_bearer_token = \"test-bearer\"\nwire_api = \"responses\"\n\
             request_max_retries = 0\nstream_max_retries = 0\n",
            model.url()
        ),
    )
    .expect("config");
    // Wine's lock bug (see support::wine_installation_id).
    std::fs::write(
        home.join("installation_id"),
        "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    )
    .expect("installation_id");
    let work = stick.join("work");
    std::fs::create_dir_all(&work).expect("work");
    let exit = dir.path().join("exit");
    let command = format!(
        "cd '{work}' && env WINEDEBUG=-all USBIDE_PAYLOAD_DIR='{payload}' USBIDE_PREFLIGHT=off \
         USBIDE_UPDATE_CHECK=off wine '{exe}'; echo $? > '{exit}'; sleep 600",
        work = work.display(),
        payload = wine_path(&repo().join("payload")),
        exe = stick.join("usbide.exe").display(),
        exit = exit.display(),
    );
    let tmux = Tmux::start(&command);
    let mut seen = String::new();
    // The first launch on this computer asks whose computer it is, once,
    // before codex starts: "no" keeps the sandbox that leaves nothing.
    assert!(
        tmux.wait_for(
            "Is this your own computer",
            Duration::from_secs(120),
            &mut seen
        ),
        "usbide never asked about the sandbox (exit: {:?}):\n{}",
        std::fs::read_to_string(&exit),
        tmux.screen()
    );
    tmux.keys(&["-l", "n"]);
    tmux.keys(&["C-m"]);
    // codex's composer: its placeholder, or (when Wine's console redraw
    // leaves the welcome art over it) the empty chat's first line.
    assert!(
        tmux.wait_for_any(
            &["Ask Codex", "describe a task"],
            Duration::from_secs(120),
            &mut seen
        ),
        "codex's prompt never showed (exit: {:?}):\n{}",
        std::fs::read_to_string(&exit),
        tmux.screen()
    );
    // The answer is remembered for this computer, and codex.exe got it.
    let file = std::fs::read_to_string(stick.join("usbide.toml")).unwrap_or_default();
    assert!(
        file.contains("[windows_sandbox]") && file.contains(" = \"unelevated\""),
        "{file}"
    );
    let codex_line = Command::new("pgrep")
        .args(["-af", r"codex\.exe"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert!(codex_line.contains("windows.sandbox="), "{codex_line}");
    assert!(codex_line.contains("unelevated"), "{codex_line}");
    // Typed, then Enter a moment later: codex takes keys that arrive all at
    // once for a paste, where Enter is a new line.
    tmux.keys(&["-l", "say hello"]);
    std::thread::sleep(Duration::from_secs(2));
    tmux.keys(&["C-m"]);
    // Under load, Wine's console may redraw a line in pieces ("Hello from
    // the      backend." with "mock" below, or "He    from the mock
    // backend." with "llo" below): any piece of the answer, spaces aside.
    assert!(
        tmux.wait_for_squeezed(
            &["Hellofrom", "themock", "mockbackend"],
            Duration::from_secs(120),
            &mut seen
        ),
        "the answer never showed:\n{}",
        tmux.screen()
    );
    tmux.keys(&["C-c"]);
    std::thread::sleep(Duration::from_secs(1));
    tmux.keys(&["C-c"]);
    assert_eq!(
        tmux.exit_code(&exit, Duration::from_secs(60)),
        "0",
        "usbide's exit code; screen:\n{}",
        tmux.screen()
    );
    // codex's own question about its Windows sandbox never came up: usbide
    // chose the sandbox for this computer.
    assert!(!seen.contains("non-admin sandbox"), "{seen}");
    assert!(!seen.contains("Administrator permissions"), "{seen}");
    let started = Instant::now();
    while codex_exe_alive() && started.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(!codex_exe_alive(), "a codex.exe outlived usbide");
    assert!(
        model
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/responses")),
        "the model was never asked"
    );
}
