//! The same flow from a real FAT32 file system (an image made with
//! `mkfs.vfat`, mounted with `fusefat`), the way sticks are formatted: no
//! permissions, no symlinks. usbide and the payload are copied onto it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Stick, real_payload_dir, usbide_bin};

/// A mounted FAT32 image, unmounted on drop.
struct FatMount {
    dir: PathBuf,
}

impl FatMount {
    fn new(base: &Path) -> Option<Self> {
        let have = |tool: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have("mkfs.vfat") || !have("fusefat") {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install dosfstools and fusefat"
            );
            eprintln!("skipped: install dosfstools and fusefat to run the FAT32 test");
            return None;
        }
        let image = base.join("stick.img");
        let dir = base.join("mnt");
        fs::create_dir_all(&dir).expect("mnt");
        let ok = |cmd: &mut Command| cmd.status().is_ok_and(|s| s.success());
        assert!(ok(Command::new("truncate")
            .args(["-s", "700M"])
            .arg(&image)));
        assert!(ok(Command::new("mkfs.vfat")
            .args(["-F", "32"])
            .arg(&image)
            .stdout(std::process::Stdio::null())));
        mount(&image, &dir);
        Some(Self { dir })
    }

    /// Unmount, and mount the same image at `dir` (the stick plugged in
    /// elsewhere).
    fn remount(&mut self, dir: &Path) {
        assert!(
            Command::new("fusermount")
                .arg("-u")
                .arg(&self.dir)
                .status()
                .is_ok_and(|s| s.success())
        );
        let image = self.dir.parent().expect("base").join("stick.img");
        fs::create_dir_all(dir).expect("mount point");
        mount(&image, dir);
        self.dir = dir.to_path_buf();
    }
}

fn mount(image: &Path, dir: &Path) {
    assert!(
        Command::new("fusefat")
            .args(["-o", "rw+"])
            .arg(image)
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    );
}

impl Drop for FatMount {
    fn drop(&mut self) {
        let _ = Command::new("fusermount").arg("-u").arg(&self.dir).status();
    }
}

/// Copy the files codex needs (entry point, package file, bundled rg).
fn copy_payload(to: &Path) {
    let from = real_payload_dir().join("x86_64-unknown-linux-musl");
    for rel in ["codex-package.json", "bin/codex", "codex-path/rg"] {
        let dest = to.join("x86_64-unknown-linux-musl").join(rel);
        fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        copy_file(&from.join(rel), &dest);
    }
}

/// `fs::copy` also copies permissions, which FAT refuses (ENOSYS): copy bytes only.
fn copy_file(from: &Path, to: &Path) {
    let mut src = fs::File::open(from).expect("open source");
    let mut dst = fs::File::create(to).expect("create on FAT");
    std::io::copy(&mut src, &mut dst).expect("copy onto FAT");
}

#[test]
fn the_launcher_works_from_fat32() {
    let mut host = Stick::new();
    let base = host.root.parent().expect("parent").join("fat");
    let Some(fat) = FatMount::new(&base) else {
        return;
    };
    let root = fat.dir.join("usbide");
    fs::create_dir_all(root.join("codex_home")).expect("codex_home on FAT");
    copy_payload(&root.join("payload"));
    let exe = root.join("usbide");
    copy_file(&usbide_bin(), &exe);
    fs::write(
        root.join("codex_home/config.toml"),
        "# from the stick\nmodel = \"gpt-5\"\n",
    )
    .expect("config");
    fs::write(
        root.join("codex_home/.env"),
        "OPENAI_BASE_URL=http://evil\nKEEP=1\n",
    )
    .expect("env");
    host.unset("USBIDE_ROOT")
        .unset("USBIDE_PAYLOAD_DIR")
        .set("OPENAI_API_KEY", "sk-canary-fat-0123456789");

    let out =
        crate::support::output(&mut host.command_for(&exe, &["codex", "--", "login", "status"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Not logged in"), "{stderr}");
    assert!(!stderr.contains("canary"), "{stderr}");

    let config = fs::read_to_string(root.join("codex_home/config.toml")).expect("config");
    assert!(
        config.starts_with(
            "# from the stick\nmodel = \"gpt-5\"\nforced_login_method = \"chatgpt\"\n"
        ),
        "{config}"
    );
    assert_eq!(
        fs::read_to_string(root.join("codex_home/config.toml.bak")).expect("bak"),
        "# from the stick\nmodel = \"gpt-5\"\n"
    );
    let gitignore = fs::read_to_string(root.join("codex_home/.gitignore")).expect("gitignore");
    assert!(gitignore.lines().any(|l| l == "auth.json"));
    assert_eq!(
        fs::read_to_string(root.join("codex_home/.env")).expect("env"),
        "KEEP=1\n"
    );

    let out = crate::support::output(&mut host.command_for(&exe, &["stick"]));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(&format!("root        {}\n", root.display())),
        "{report}"
    );
    assert!(report.contains("fusefat (no file permissions"), "{report}");
}

#[test]
fn trust_and_tools_follow_the_stick_to_another_mount_point() {
    let model = crate::standin::Server::start(|req| {
        if req.path.ends_with("/responses") {
            crate::standin::Reply::Full(
                200,
                "text/event-stream",
                crate::standin::sse_reply("hello from the stand-in"),
            )
        } else {
            crate::standin::Reply::Full(404, "text/plain", b"no".to_vec())
        }
    });
    let mut host = Stick::new();
    let base = host.root.parent().expect("parent").join("fat-move");
    let Some(mut fat) = FatMount::new(&base) else {
        return;
    };
    let old = fat.dir.join("usbide");
    let project = |root: &Path| root.join("work").join("proj");
    fs::create_dir_all(project(&old)).expect("project on FAT");
    fs::create_dir_all(old.join("codex_home")).expect("codex_home on FAT");
    fs::create_dir_all(old.join("tools")).expect("tools");
    copy_payload(&old.join("payload"));
    copy_file(&usbide_bin(), &old.join("usbide"));
    let config = |root: &Path| {
        format!(
            "model = \"gpt-test\"\nmodel_provider = \"standin\"\napproval_policy = \"never\"\n\n\
             [model_providers.standin]\nname = \"stand-in\"\nbase_url = \"{}/v1\"\n\
             experimental_bearer_token = \"test-bearer\"\nwire_api = \"responses\"\n\
             request_max_retries = 0\nstream_max_retries = 0\n\n\
             # trusted on this stick\n[projects.\"{}\"]\ntrust_level = \"trusted\"\n\n\
             [projects.\"/elsewhere/on/the/host\"]\ntrust_level = \"trusted\"\n\n\
             [mcp_servers.docs]\ncommand = \"{}\"\nargs = [\"--root\", \"{}\"]\n",
            model.url(),
            project(root).display(),
            root.join("tools/docs-mcp").display(),
            root.join("work").display(),
        )
    };
    fs::write(old.join("codex_home/config.toml"), config(&old)).expect("config");
    host.unset("USBIDE_ROOT").unset("USBIDE_PAYLOAD_DIR");
    let run = |root: &Path, args: &[&str], cwd: &Path| {
        let out = crate::support::output(
            host.command_for(&root.join("usbide"), args)
                .current_dir(cwd),
        );
        crate::support::Run::from(out)
    };
    let first = run(&old, &["codex", "--", "--version"], &host.outside);
    assert_eq!(first.code, 0, "{first:?}");
    let settled = fs::read_to_string(old.join("codex_home/config.toml")).expect("config");

    // Unplugged, and plugged in somewhere else.
    fat.remount(&base.join("elsewhere"));
    let new = fat.dir.join("usbide");
    let listed = run(&new, &["codex", "--", "mcp", "list"], &host.outside);
    assert_eq!(listed.code, 0, "{listed:?}");
    assert!(listed.stderr.contains("the stick moved from"), "{listed:?}");
    assert!(
        listed
            .stdout
            .contains(&new.join("tools/docs-mcp").display().to_string()),
        "{listed:?}"
    );
    let moved = fs::read_to_string(new.join("codex_home/config.toml")).expect("config");
    let old_text = old.display().to_string();
    let new_text = new.display().to_string();
    assert_eq!(moved, settled.replace(&old_text, &new_text));
    assert!(
        moved.contains("[projects.\"/elsewhere/on/the/host\"]"),
        "{moved}"
    );
    // The real codex at the new place: fusefat implements no chmod, and
    // codex 0.169 changes the mode of codex_home/installation_id on every
    // start, so its exec stops there (as on a kernel FAT mount whose masks
    // refuse the change). usbide names that and its fix. (`codex exec`
    // asks only for a git repository, never for the `[projects]` trust that
    // moved; that is checked in the config above.)
    let exec = run(&new, &["exec", "say hello"], &project(&new));
    assert_ne!(exec.code, 0, "{exec:?}");
    let said = format!("{}{}", exec.stdout, exec.stderr);
    assert!(
        said.contains("Codex could not set up its files in codex_home on the stick"),
        "{exec:?}"
    );
    assert!(said.contains("-o showexec"), "{exec:?}");
}

#[test]
fn usbide_updates_and_rolls_back_on_fat32() {
    let mut host = Stick::new();
    let base = host.root.parent().expect("parent").join("fat-update");
    let Some(fat) = FatMount::new(&base) else {
        return;
    };
    let root = fat.dir.join("usbide");
    fs::create_dir_all(root.join("codex_home")).expect("codex_home on FAT");
    let exe = root.join("usbide");
    copy_file(&usbide_bin(), &exe);
    let original = fs::read(&exe).expect("usbide on FAT");
    let (name, bytes) = crate::update::release("0.2.0");
    let archive = host.outside.join(&name);
    fs::write(&archive, bytes).expect("archive");
    let public =
        fs::read(crate::support::repo().join("tests/fixtures/update-test.pub")).expect("test key");
    host.unset("USBIDE_ROOT")
        .unset("USBIDE_PAYLOAD_DIR")
        .set("USBIDE_TEST_UPDATE_KEY", &hex::encode(public))
        .set("USBIDE_UPDATE_CHECK", "off");
    let run = |args: &[&str]| {
        crate::support::Run::from(crate::support::output(&mut host.command_for(&exe, args)))
    };
    let update = run(&["update", "--from", &archive.display().to_string()]);
    assert_eq!(update.code, 0, "{update:?}");
    assert!(run(&["--version"]).stdout.starts_with("usbide 0.2.0 "));
    let back = run(&["update", "--rollback"]);
    assert_eq!(back.code, 0, "{back:?}");
    assert_eq!(fs::read(&exe).expect("usbide on FAT"), original);
    assert!(
        run(&["--version"])
            .stdout
            .starts_with(&format!("usbide {} ", crate::update::CURRENT))
    );
}
