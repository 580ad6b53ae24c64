//! The first five minutes: a lone usbide on an empty stick sets it up
//! (pin compiled in, real codex from a loopback npm registry), settings that
//! stick, an API-key login that lasts, and the command line people expect.

use std::fs;
use std::path::{Path, PathBuf};

use crate::standin::{Reply, Server};
use crate::support::{PAYLOAD_TARGET, Run, Stick, exe_name, output, repo, usbide_bin};

/// A loopback npm registry serving the real codex package of this OS.
fn registry() -> Server {
    let (version, tarball) = crate::support::real_codex_package();
    crate::standin::codex_registry(
        &format!("{version}-{}", crate::support::NPM_PLATFORM),
        tarball,
    )
}

/// A folder `name` under `base` holding nothing but a copy of usbide.
fn lone_folder(base: &Path, name: &str) -> (PathBuf, PathBuf) {
    let dir = base.join(name);
    fs::create_dir_all(&dir).expect("lone folder");
    let exe = dir.join(exe_name("usbide"));
    fs::copy(usbide_bin(), &exe).expect("copy usbide");
    (dir, exe)
}

fn run_exe(stick: &Stick, exe: &Path, args: &[&str]) -> Run {
    let mut cmd = stick.command_for(exe, args);
    cmd.env_remove("USBIDE_ROOT")
        .env_remove("USBIDE_PAYLOAD_DIR");
    Run::from(output(&mut cmd))
}

#[test]
fn a_folder_holding_only_usbide_becomes_a_working_stick() {
    let server = registry();
    let mut stick = Stick::new();
    stick.set("npm_config_registry", &server.url());
    let (dir, exe) = lone_folder(stick.root.parent().expect("parent"), "EMPTY-STICK");
    let init = run_exe(&stick, &exe, &["init", "--yes"]);
    assert_eq!(init.code, 0, "{init:?}");
    assert!(init.stderr.contains("will be downloaded"), "{init:?}");
    // The pin came from the binary and stays on the stick.
    assert_eq!(
        fs::read(dir.join("payload").join("payload.toml")).expect("pin written"),
        fs::read(repo().join("payload").join("payload.toml")).expect("repo pin")
    );
    assert_eq!(
        fs::read(dir.join("codex_home").join("config.toml")).expect("template"),
        fs::read(repo().join("codex_home").join("config.toml")).expect("repo template")
    );
    let status = run_exe(&stick, &exe, &["payload", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("verified"), "{status:?}");
    // Installing again downloads nothing.
    let again = run_exe(&stick, &exe, &["payload", "install"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("already installed and verified"),
        "{again:?}"
    );
    let downloads = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(".tgz"))
        .count();
    assert_eq!(downloads, 1, "{again:?}");
    // The real codex runs from it.
    let codex = run_exe(&stick, &exe, &["codex", "--", "login", "status"]);
    assert_eq!(codex.code, 1, "{codex:?}");
    assert!(codex.stderr.contains("Not logged in"), "{codex:?}");
    assert!(
        dir.join("payload")
            .join(PAYLOAD_TARGET)
            .join("usbide-install.json")
            .is_file()
    );
}

#[test]
fn a_lone_usbide_asks_before_making_a_stick_and_never_takes_a_downloads_folder() {
    let stick = Stick::new();
    // Outside the repository, which is laid out like a stick itself.
    let base = tempfile::tempdir().expect("a folder outside the repository");
    // No terminal and no --yes: nobody can answer, nothing is written.
    let (dir, exe) = lone_folder(base.path(), "LONE");
    let run = run_exe(&stick, &exe, &[]);
    assert_eq!(run.code, 71, "{run:?}");
    assert!(run.stderr.contains("add --yes"), "{run:?}");
    let left: Vec<_> = fs::read_dir(&dir).expect("dir").flatten().collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // A downloads folder is never set up without being named.
    let (downloads, exe) = lone_folder(base.path(), "Downloads");
    let run = run_exe(&stick, &exe, &["init", "--yes"]);
    assert_eq!(run.code, 71, "{run:?}");
    assert!(
        run.stderr.contains("does not turn it into a stick"),
        "{run:?}"
    );
    assert!(!downloads.join("codex_home").exists());
    // Nor a home folder, even when named.
    let home = stick.outside.join("home").display().to_string();
    let run = run_exe(&stick, &exe, &["init", &home, "--yes"]);
    assert_eq!(run.code, 71, "{run:?}");
    assert!(!stick.outside.join("home").join("codex_home").exists());
}

#[test]
fn an_api_key_login_lasts_through_status_usbide_and_exec() {
    const KEY: &str = "sk-test-usbide-0123456789abcdef";
    let model = Server::start(|req| {
        let bearer = req.header("authorization").unwrap_or_default().to_string();
        if req.path.ends_with("/responses") && bearer == format!("Bearer {KEY}") {
            Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("hello with the key"),
            )
        } else {
            Reply::Full(401, "application/json", b"{\"error\":\"who?\"}".to_vec())
        }
    });
    let stick = Stick::new();
    stick.write(
        "codex_home/config.toml",
        &format!(
            "model = \"gpt-test\"\nopenai_base_url = \"{}/v1\"\napproval_policy = \"never\"\n",
            model.url()
        ),
    );
    // An empty key changes nothing, not even the stick's method.
    let mut login = stick.command_for(
        &usbide_bin(),
        &["--login-method", "api", "login", "--with-api-key"],
    );
    let refused = Run::from(output(login.stdin(std::process::Stdio::null())));
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(!stick.root.join("usbide.toml").exists());
    // The README's example: the explicit method is the answer to "switch
    // this stick to API keys?", without a terminal and without --yes.
    let mut login = stick.command_for(
        &usbide_bin(),
        &["--login-method", "api", "login", "--with-api-key"],
    );
    login.stdin(std::process::Stdio::piped());
    let mut child = login
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("login");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(KEY.as_bytes()).expect("key");
    }
    let logged = Run::from(child.wait_with_output().expect("login ends"));
    assert_eq!(logged.code, 0, "{logged:?}");
    assert!(logged.stderr.contains("from now on"), "{logged:?}");
    assert!(!logged.stderr.contains(KEY) && !logged.stdout.contains(KEY));
    assert!(stick.read("usbide.toml").contains("login_method = \"api\""));

    // `status` writes nothing and sees no mismatch.
    let before = snapshot(&stick.root);
    let status = stick.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(!status.stdout.contains("MISMATCH"), "{status:?}");
    assert_eq!(snapshot(&stick.root), before, "status changed a file");

    // A plain launch and exec keep the method and use the key.
    let launch = stick.run(&["codex", "--", "login", "status"]);
    assert_eq!(launch.code, 0, "{launch:?}");
    let exec = stick.run(&["exec", "--skip-git-repo-check", "say hello"]);
    assert_eq!(exec.code, 0, "{exec:?}");
    assert!(exec.stdout.contains("hello with the key"), "{exec:?}");
    assert!(
        stick
            .read("codex_home/config.toml")
            .contains("forced_login_method = \"api\"")
    );
}

/// Every file under `dir` with its bytes (logs excluded: usbide.log may
/// grow by a line).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("payload") {
                    stack.push(p);
                }
            } else {
                out.push((p.clone(), fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn settings_on_the_stick_apply_and_say_where_they_come_from() {
    let mut stick = Stick::without_payload();
    stick.unset("LANG");
    let set = stick.run(&["config", "set", "language", "fr"]);
    assert_eq!(set.code, 0, "{set:?}");
    let shown = stick.run(&["config"]);
    assert!(
        shown.stdout.contains("language") && shown.stdout.contains("usbide.toml"),
        "{shown:?}"
    );
    // The stick's language applies to what usbide says…
    let bogus = stick.run(&["config", "set", "language", "klingon"]);
    assert_eq!(bogus.code, 2, "{bogus:?}");
    assert!(
        bogus.stderr.contains("language doit valoir en ou fr"),
        "{bogus:?}"
    );
    // …and a variable wins over the file.
    stick.set("USBIDE_LANG", "en");
    let json = stick.run(&["config", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let lang = doc["settings"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["key"] == "language"))
        .cloned()
        .expect("language");
    assert_eq!(lang["value"], "en");
    assert_eq!(lang["source"], "environment");
    let unset = stick.run(&["config", "unset", "language"]);
    assert_eq!(unset.code, 0, "{unset:?}");
    assert!(!stick.read("usbide.toml").contains("language"));
    // An unknown key is a usage mistake.
    assert_eq!(stick.run(&["config", "set", "colour", "red"]).code, 2);
}

#[test]
fn init_knows_the_home_folder_by_any_path_and_never_takes_the_system_root() {
    let stick = Stick::without_payload();
    let home = stick.outside.join("home");
    #[cfg_attr(windows, allow(unused_mut))]
    let mut tries = vec![
        home.join("..").join("home"),
        home.join(".").join("sub").join(".."),
        if cfg!(windows) {
            std::path::PathBuf::from("C:\\")
        } else {
            std::path::PathBuf::from("/")
        },
    ];
    #[cfg(unix)]
    {
        let link = stick.outside.join("my-home");
        std::os::unix::fs::symlink(&home, &link).expect("link");
        tries.push(link);
    }
    std::fs::create_dir_all(home.join("sub")).expect("sub");
    for dir in tries {
        let run = stick.run(&["init", "--yes", &dir.display().to_string()]);
        assert_eq!(run.code, 71, "{dir:?}: {run:?}");
        assert!(!home.join("codex_home").exists(), "{dir:?}");
    }
}

#[test]
fn a_settings_file_usbide_cannot_use_is_said_never_fatal_and_never_cut() {
    let stick = Stick::without_payload();
    // A key a newer usbide wrote: said, ignored, removable.
    stick.write("usbide.toml", "language = \"en\"\nnewer_feature = \"on\"\n");
    for args in [&["status"][..], &["update", "--rollback"], &["stick"]] {
        let run = stick.run(args);
        assert_ne!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains("newer_feature"), "{args:?}: {run:?}");
        assert!(run.stderr.contains("ignored"), "{args:?}: {run:?}");
    }
    let unset = stick.run(&["config", "unset", "newer_feature"]);
    assert_eq!(unset.code, 0, "{unset:?}");
    assert_eq!(stick.read("usbide.toml"), "language = \"en\"\n");
    // Too large to read whole: neither read nor cut by an edit.
    let big = format!(
        "language = \"en\"\n{}\npreflight = \"off\"\n",
        "# pad\n".repeat(12_000)
    );
    stick.write("usbide.toml", &big);
    let set = stick.run(&["config", "set", "preflight", "local"]);
    assert_ne!(set.code, 0, "{set:?}");
    assert!(set.stderr.contains("larger than 65536 bytes"), "{set:?}");
    assert_eq!(stick.read("usbide.toml"), big);
    // Not UTF-8: never "mended" into U+FFFD.
    let latin1 = b"language = \"en\" # r\xe9glages\n".to_vec();
    std::fs::write(stick.root.join("usbide.toml"), &latin1).expect("write");
    let set = stick.run(&["config", "set", "preflight", "local"]);
    assert_ne!(set.code, 0, "{set:?}");
    assert_eq!(
        std::fs::read(stick.root.join("usbide.toml")).expect("read"),
        latin1
    );
}

#[test]
fn the_command_line_people_expect() {
    let stick = Stick::without_payload();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = stick.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(run.stdout.contains("usbide"), "{shell}");
        assert!(run.stdout.contains("completions"), "{shell}");
    }
    let version = stick.run(&["--version"]);
    assert_eq!(version.code, 0, "{version:?}");
    assert!(
        version
            .stdout
            .starts_with(&format!("usbide {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{version:?}"
    );
    assert!(version.stdout.contains("codex"), "{version:?}");
    // Usage mistakes exit 2.
    assert_eq!(
        stick.run(&["payload", "install", "--target", "bogus"]).code,
        2
    );
    assert_eq!(stick.run(&["doctor", "--no-such-flag"]).code, 2);
    // An option usbide does not know before any command is codex's (here:
    // no codex on this stick to take it).
    assert_eq!(stick.run(&["--no-such-flag"]).code, 73);
    // `--root` naming codex_home is taken as the stick's root, with a note.
    fs::create_dir_all(stick.codex_home()).expect("codex_home");
    let home = stick.codex_home().display().to_string();
    let run = stick.run(&["--root", &home, "stick"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with(&format!("root        {}\n", stick.root.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("codex_home folder"), "{run:?}");
    // --color applies to the doctor too; never colour without being asked
    // when stdout is not a terminal.
    let coloured = stick.run(&["--color", "always", "doctor", "--offline"]);
    assert!(coloured.stdout.contains("\x1b["), "{coloured:?}");
    let plain = stick.run(&["doctor", "--offline"]);
    assert!(!plain.stdout.contains("\x1b["), "{plain:?}");
    // Help: global options under their own heading, examples, exit codes.
    let help = stick.run(&["help"]);
    assert!(help.stdout.contains("Global options"), "{help:?}");
    assert!(help.stdout.contains("Exit codes"), "{help:?}");
    assert!(help.stdout.contains("USBIDE_ROOT"), "{help:?}");
}

#[test]
fn codex_started_from_the_stick_itself_works_in_its_work_folder() {
    let model = Server::start(|req| {
        if req.path.ends_with("/responses") {
            Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("working"),
            )
        } else {
            Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    // Outside any git repository, as a stick is: the folder usbide made
    // for codex works without --skip-git-repo-check, said once.
    let stick = Stick::outside_git();
    stick.write(
        "codex_home/config.toml",
        &Stick::provider_config(
            &format!("{}/v1", model.url()),
            "experimental_bearer_token = \"test-bearer\"",
        ),
    );
    let exec = |args: &[&str]| {
        Run::from(output(
            stick
                .command_for(&usbide_bin(), args)
                .current_dir(&stick.root),
        ))
    };
    let run = exec(&["exec", "where are you"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("working"), "{run:?}");
    let work = stick.root.join("work");
    assert!(work.is_dir());
    assert!(
        run.stderr
            .contains(&format!("codex works in {}", work.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("--skip-git-repo-check"), "{run:?}");
    let again = exec(&["exec", "where are you"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(!again.stderr.contains("--skip-git-repo-check"), "{again:?}");
}

#[test]
fn each_json_report_validates_against_its_schema() {
    let mut stick = Stick::new();
    stick.set("OPENAI_API_KEY", "sk-canary-json-0123456789");
    stick.write("usbide.toml", "language = \"en\"\n");
    fs::create_dir_all(stick.codex_home()).expect("codex_home");
    let reports = [
        ("status", vec!["status", "--json"]),
        ("stick", vec!["stick", "--json"]),
        ("env", vec!["env", "--json"]),
        ("payload-status", vec!["payload", "status", "--json"]),
        ("config", vec!["config", "--json"]),
    ];
    for (name, args) in reports {
        let run = stick.run(&args);
        assert!(!run.stdout.contains("sk-canary-json"), "{name}: {run:?}");
        let report: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{name}: {e}: {run:?}"));
        let errors = crate::support::schema_errors(name, &report);
        assert!(errors.is_empty(), "{name}: {errors:?}\n{report:#}");
        // The schema can fail: an extra field is refused.
        let mut broken = report.clone();
        broken["surprise"] = serde_json::json!(1);
        assert!(
            !crate::support::schema_errors(name, &broken).is_empty(),
            "{name}"
        );
    }
}

#[test]
fn a_download_that_cannot_reach_its_server_says_what_to_try() {
    let stick = Stick::without_payload();
    let run = stick.run(&["payload", "install", "--npm-registry", "http://127.0.0.1:9"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(
        run.stderr.contains("cannot reach http://127.0.0.1:9/"),
        "{run:?}"
    );
    assert!(run.stderr.contains("usbide doctor"), "{run:?}");
    assert!(!run.stderr.contains("io:"), "{run:?}");
}

/// At a terminal, saying no to the setup offer is an answer: nothing is
/// changed, usbide says so and ends with 0 (not an error); a yes/no answer
/// that is neither is asked again.
#[cfg(unix)]
#[test]
fn declining_the_setup_offer_is_an_answer_not_an_error() {
    use crate::wine::Tmux;
    use std::time::Duration;
    if !Tmux::available() {
        eprintln!("skipped: no tmux (apt-get install tmux)");
        return;
    }
    let stick = Stick::new();
    // Outside the repository (whose payload/ would make it a stick); the
    // session's temporary folder elsewhere, so that this one is no temp.
    let base = tempfile::tempdir().expect("tempdir");
    let dir = base.path().join("LONE");
    fs::create_dir_all(&dir).expect("lone");
    let exe = dir.join("usbide");
    fs::copy(usbide_bin(), &exe).expect("copy");
    let exit = stick.outside.join("exit");
    let command = format!(
        "cd '{dir}' && env -u USBIDE_ROOT -u USBIDE_PAYLOAD_DIR TMPDIR='{tmp}' HOME='{tmp}' \
         USBIDE_PREFLIGHT=off USBIDE_UPDATE_CHECK=off LANG=C.UTF-8 '{exe}'; echo $? > '{exit}'; sleep 60",
        dir = dir.display(),
        tmp = stick.outside.display(),
        exe = exe.display(),
        exit = exit.display(),
    );
    let tmux = Tmux::start(&command);
    let mut seen = String::new();
    assert!(
        tmux.wait_for("Set up", Duration::from_secs(30), &mut seen),
        "no offer:\n{}",
        tmux.screen()
    );
    tmux.keys(&["-l", "maybe"]);
    tmux.keys(&["C-m"]);
    assert!(
        tmux.wait_for("please answer y or n", Duration::from_secs(10), &mut seen),
        "not asked again:\n{}",
        tmux.screen()
    );
    tmux.keys(&["-l", "n"]);
    tmux.keys(&["C-m"]);
    let code = tmux.exit_code(&exit, Duration::from_secs(20));
    let screen = tmux.screen();
    assert_eq!(code, "0", "{screen}");
    assert!(screen.contains("nothing was changed"), "{screen}");
    assert!(!screen.contains("error"), "{screen}");
    assert!(!dir.join("codex_home").exists());
}

#[test]
fn the_json_schemas_come_with_usbide() {
    let stick = Stick::without_payload();
    let names = stick.run(&["schema"]);
    assert_eq!(names.code, 0, "{names:?}");
    let names: Vec<&str> = names.stdout.lines().collect();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in names {
        let run = stick.run(&["schema", name]);
        assert_eq!(run.code, 0, "{run:?}");
        let file = crate::support::repo().join(format!("docs/{name}.schema.json"));
        assert_eq!(
            run.stdout,
            fs::read_to_string(&file).expect("schema"),
            "{name}"
        );
    }
    assert_eq!(stick.run(&["schema", "nope"]).code, 2);
}

/// A stick whose login method nobody chose: the first launch asks which way
/// to log in, and choosing an API key logs in that way, makes it the
/// stick's method and starts codex on it (the real TUI, in tmux).
#[cfg(unix)]
#[test]
fn the_first_launch_asks_which_way_to_log_in_and_an_api_key_works() {
    use crate::wine::Tmux;
    use std::time::Duration;
    if !Tmux::available() {
        eprintln!("skipped: no tmux (apt-get install tmux)");
        return;
    }
    let model = crate::standin::Server::start(|req| {
        if req.path.ends_with("/responses") {
            crate::standin::Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("Hello from the stand-in."),
            )
        } else {
            crate::standin::Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    let stick = Stick::outside_git();
    let (tmux, exit) = first_launch_in_tmux(&stick, &model.url());
    let mut seen = String::new();
    assert!(
        tmux.wait_for(
            "How do you want to log in?",
            Duration::from_secs(60),
            &mut seen
        ),
        "not asked which way:\n{}",
        tmux.screen()
    );
    let screen = tmux.screen();
    assert!(screen.contains("1. with a ChatGPT account"), "{screen}");
    assert!(screen.contains("2. with an OpenAI API key"), "{screen}");
    // Neither choice: asked again.
    tmux.keys(&["-l", "3"]);
    tmux.keys(&["C-m"]);
    assert!(
        tmux.wait_for(
            "please answer 1, 2 or n",
            Duration::from_secs(10),
            &mut seen
        ),
        "not asked again:\n{}",
        tmux.screen()
    );
    tmux.keys(&["-l", "2"]);
    tmux.keys(&["C-m"]);
    assert!(
        tmux.wait_for("API key (input hidden)", Duration::from_secs(30), &mut seen),
        "no key asked for:\n{}",
        tmux.screen()
    );
    tmux.keys(&["-l", "sk-chosen-at-first-launch-0000"]);
    tmux.keys(&["C-m"]);
    assert!(
        tmux.wait_for_any(
            &["Ask Codex", "describe a task"],
            Duration::from_secs(60),
            &mut seen
        ),
        "codex's prompt never showed:\n{}",
        tmux.screen()
    );
    // The key is the stick's login, and API keys are its method now.
    let auth = stick.read("codex_home/auth.json");
    assert!(auth.contains("sk-chosen-at-first-launch-0000"), "{auth}");
    let settings = stick.read("usbide.toml");
    assert!(settings.contains("login_method = \"api\""), "{settings}");
    assert!(
        !seen.contains("sk-chosen-at-first-launch-0000"),
        "the key was shown"
    );
    tmux.keys(&["-l", "say hello"]);
    std::thread::sleep(Duration::from_secs(1));
    tmux.keys(&["C-m"]);
    assert!(
        tmux.wait_for(
            "Hello from the stand-in.",
            Duration::from_secs(60),
            &mut seen
        ),
        "no answer:\n{}",
        tmux.screen()
    );
    tmux.keys(&["C-c"]);
    std::thread::sleep(Duration::from_millis(500));
    tmux.keys(&["C-c"]);
    let code = tmux.exit_code(&exit, Duration::from_secs(30));
    assert_eq!(code, "0", "{}", tmux.screen());
}

/// A stick with no login and no chosen method whose codex talks to the
/// stand-in at `url`, launched (`usbide`, no arguments) in tmux; the file
/// its exit code goes to.
#[cfg(unix)]
fn first_launch_in_tmux(stick: &Stick, url: &str) -> (crate::wine::Tmux, PathBuf) {
    stick.write(
        "codex_home/config.toml",
        &format!(
            "model = \"gpt-test\"\nopenai_base_url = \"{url}/v1\"\napproval_policy = \"never\"\n"
        ),
    );
    let work = stick.outside.join("work");
    fs::create_dir_all(&work).expect("work");
    let exit = stick.outside.join("exit");
    let vars: String = stick
        .env
        .iter()
        .map(|(k, v)| format!("{k}='{v}' "))
        .collect();
    let command = format!(
        "cd '{work}' && env -i {vars} USBIDE_PREFLIGHT=off USBIDE_UPDATE_CHECK=off TERM=xterm-256color \
         '{exe}'; echo $? > '{exit}'; sleep 60",
        work = work.display(),
        exe = usbide_bin().display(),
        exit = exit.display(),
    );
    (crate::wine::Tmux::start(&command), exit)
}

/// Ctrl+D at the question is no answer: nothing is logged in, no method
/// is chosen, and the launch stops with the hint (exit 74), never a ChatGPT
/// login started as if Enter had been pressed.
#[cfg(unix)]
#[test]
fn the_end_of_input_at_the_login_question_logs_nothing_in() {
    use crate::wine::Tmux;
    use std::time::Duration;
    if !Tmux::available() {
        eprintln!("skipped: no tmux (apt-get install tmux)");
        return;
    }
    let stick = Stick::outside_git();
    let (tmux, exit) = first_launch_in_tmux(&stick, "http://127.0.0.1:9");
    let mut seen = String::new();
    assert!(
        tmux.wait_for(
            "How do you want to log in?",
            Duration::from_secs(60),
            &mut seen
        ),
        "not asked:\n{}",
        tmux.screen()
    );
    tmux.keys(&["C-d"]);
    let code = tmux.exit_code(&exit, Duration::from_secs(30));
    let screen = tmux.screen();
    assert_eq!(code, "74", "{screen}");
    assert!(screen.contains("not logged in on this stick"), "{screen}");
    assert!(!screen.contains("one-time code:"), "{screen}");
    assert!(!stick.codex_home().join("auth.json").exists());
    assert!(!stick.root.join("usbide.toml").exists());
}
