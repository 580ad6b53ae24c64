//! What a launch does to the files it edits on the stick, through the real
//! binary: a linked, private, CRLF, BOM `config.toml` with comments stays all
//! of that; a Latin-1 `.env` keeps every byte it does not drop; an emptied
//! `config.toml` never costs the good backup.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::Stick;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

fn launch(stick: &Stick, extra: &[&str]) -> crate::support::Run {
    let mut args = extra.to_vec();
    args.extend(["codex", "--", "--version"]);
    let run = stick.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    run
}

#[test]
fn a_linked_private_crlf_config_stays_so_and_its_comments_stay() {
    let mut stick = Stick::new();
    stick.set("USBIDE_PREFLIGHT", "off");
    let home = stick.codex_home();
    fs::create_dir_all(&home).expect("home");
    let real = stick.root.join("dotfiles-codex.toml");
    let text = "\u{feff}model = \"gpt-5\"\r\n\r\n# IT rule: API keys only.\r\n# Ask before changing.\r\nforced_login_method = \"api\"\r\nsandbox_mode = \"read-only\"\r\n";
    fs::write(&real, text).expect("write");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
    std::os::unix::fs::symlink(&real, home.join("config.toml")).expect("link");

    // The stick's own method (a one-off `--login-method` is never written).
    stick.write("usbide.toml", "login_method = \"none\"\n");
    let run = launch(&stick, &[]);
    let config = home.join("config.toml");
    assert!(
        fs::symlink_metadata(&config)
            .expect("meta")
            .file_type()
            .is_symlink(),
        "{run:?}"
    );
    let after = fs::read_to_string(&real).expect("read");
    assert!(after.starts_with("\u{feff}model = \"gpt-5\"\r\n\r\n# IT rule: API keys only.\r\n# Ask before changing.\r\nsandbox_mode = \"read-only\"\r\n"), "{after:?}");
    assert!(!after.contains("forced_login_method"), "{after:?}");
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
    assert_eq!(mode(&real), 0o600);
    let bak = home.join("config.toml.bak");
    assert_eq!(fs::read_to_string(&bak).expect("bak"), text);
    assert_eq!(mode(&bak), 0o600);
    let stray: Vec<_> = fs::read_dir(&home)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("usbide-tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn a_latin1_env_keeps_its_bytes_and_its_mode() {
    let mut stick = Stick::new();
    stick.set("USBIDE_PREFLIGHT", "off");
    let env = stick.codex_home().join(".env");
    fs::create_dir_all(stick.codex_home()).expect("home");
    fs::write(
        &env,
        b"# cl\xe9s\r\nGREETING=caf\xe9\r\nOPENAI_API_KEY=sk-canary\xff\r\nNAME=Ren\xe9e\n",
    )
    .expect("write");
    fs::set_permissions(&env, fs::Permissions::from_mode(0o600)).expect("chmod");
    let run = launch(&stick, &[]);
    assert!(run.stderr.contains("OPENAI_API_KEY"), "{run:?}");
    assert_eq!(
        fs::read(&env).expect("read"),
        b"# cl\xe9s\r\nGREETING=caf\xe9\r\nNAME=Ren\xe9e\n"
    );
    assert_eq!(mode(&env), 0o600);
}

#[test]
fn an_emptied_config_never_costs_the_good_backup() {
    let mut stick = Stick::new();
    stick.set("USBIDE_PREFLIGHT", "off");
    let good = "model = \"gpt-5\"\n[profiles.work]\nmodel = \"o3\"\n";
    stick.write("codex_home/config.toml", good);
    launch(&stick, &[]);
    let bak = stick.codex_home().join("config.toml.bak");
    assert_eq!(fs::read_to_string(&bak).expect("bak"), good);
    // The stick was pulled out mid-write.
    stick.write("codex_home/config.toml", "");
    let run = launch(&stick, &[]);
    assert!(
        run.stderr.contains("kept the last good version in"),
        "{run:?}"
    );
    assert!(run.stderr.contains("config.toml.bak"), "{run:?}");
    assert_eq!(fs::read_to_string(&bak).expect("bak"), good);
}
