//! `usbide update` against a loopback stand-in of the GitHub releases API,
//! serving release archives built and signed here (zipsign, with the test
//! key pair in tests/fixtures; a debug usbide also trusts that key through
//! `USBIDE_TEST_UPDATE_KEY`). The "new" usbide is the real binary with its
//! version string patched (same length), so it runs and names itself.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::standin::{Reply, Server};
use crate::support::{Run, Stick, exe_name, output, repo, usbide_bin};

pub const CURRENT: &str = env!("CARGO_PKG_VERSION");

/// This build's target, as `usbide --version` names it (the archive
/// names carry it).
fn target() -> String {
    let out = output(std::process::Command::new(usbide_bin()).arg("--version"));
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    first
        .trim_end_matches(')')
        .rsplit(", ")
        .next()
        .expect("a target")
        .to_string()
}

/// The real usbide, claiming to be `version` (same length as this one):
/// its version line patched.
fn usbide_as(version: &str) -> Vec<u8> {
    assert_eq!(version.len(), CURRENT.len());
    let mut out = fs::read(usbide_bin()).expect("usbide");
    let (from, to) = (
        format!("usbide {CURRENT} (commit "),
        format!("usbide {version} (commit "),
    );
    let at: Vec<usize> = memchr::memmem::find_iter(&out, from.as_bytes()).collect();
    assert!(!at.is_empty(), "no version line in usbide");
    for i in at {
        out[i..i + to.len()].copy_from_slice(to.as_bytes());
    }
    out
}

/// A zip of `(name, bytes, unix mode)` entries.
fn zip_of(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, mode) in entries {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(bytes.len() > u32::MAX as usize / 2)
            .unix_permissions(*mode);
        if mode & 0o170_000 == 0o120_000 {
            w.add_symlink(*name, String::from_utf8_lossy(bytes), opts)
                .expect("symlink");
        } else {
            w.start_file(*name, opts).expect("entry");
            w.write_all(bytes).expect("write");
        }
    }
    w.finish().expect("zip").into_inner()
}

fn key(file: &str) -> zipsign_api::SigningKey {
    let bytes: [u8; 64] = fs::read(repo().join("tests").join("fixtures").join(file))
        .expect("key")
        .try_into()
        .expect("64 bytes");
    zipsign_api::SigningKey::from_keypair_bytes(&bytes).expect("keypair")
}

/// `zip` signed for the archive name `context` with `signer`.
fn signed(zip: &[u8], context: &str, signer: &zipsign_api::SigningKey) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    zipsign_api::sign::copy_and_sign_zip(
        &mut Cursor::new(zip.to_vec()),
        &mut out,
        std::slice::from_ref(signer),
        Some(context.as_bytes()),
    )
    .expect("sign");
    out.into_inner()
}

fn name_of(version: &str) -> String {
    format!("usbide-{version}-{}.zip", target())
}

/// `zip` signed as it is, byte for byte (zipsign's own signer rewrites the
/// archive through a zip reader, which would drop a repeated entry name):
/// zipsign's header and signature, then the archive.
fn signed_raw(zip: &[u8], context: &str, signer: &zipsign_api::SigningKey) -> Vec<u8> {
    let prehash = zipsign_api::Prehash::calculate(&mut Cursor::new(zip)).expect("prehash");
    let mut out = zipsign_api::sign::gather_signature_data(
        std::slice::from_ref(signer),
        &prehash,
        Some(context.as_bytes()),
    )
    .expect("signature");
    out.extend_from_slice(zip);
    out
}

/// A well-formed release of `version`, signed with the test key.
pub fn release(version: &str) -> (String, Vec<u8>) {
    let name = name_of(version);
    let zip = zip_of(&[(&exe_name("usbide"), &usbide_as(version), 0o755)]);
    let bytes = signed(&zip, &name, &key("update-test.key"));
    (name, bytes)
}

/// A published release: version, asset name, bytes, the size the API claims.
type Published = (String, String, Vec<u8>, Option<u64>);

/// The releases API stand-in: one "latest" release.
#[derive(Clone, Default)]
struct Releases {
    latest: Arc<Mutex<Option<Published>>>,
}

impl Releases {
    /// Publish `bytes` as asset `name` of tag `v<version>` (`size`: what the
    /// API claims, default the real size).
    fn publish(&self, version: &str, name: &str, bytes: Vec<u8>, size: Option<u64>) {
        *self.latest.lock().expect("lock") = Some((version.into(), name.into(), bytes, size));
    }

    fn serve(&self) -> Server {
        let me = self.clone();
        let base = Arc::new(Mutex::new(String::new()));
        let base_in = base.clone();
        let server = Server::start(move |req| {
            let latest = me.latest.lock().expect("lock");
            let Some((version, name, bytes, size)) = latest.as_ref() else {
                return Reply::Full(404, "application/json", b"{}".to_vec());
            };
            if req.path == "/repos/usbide/usbide/releases/latest"
                || req.path == format!("/repos/usbide/usbide/releases/tags/v{version}")
            {
                let url = format!("{}/download/{name}", base_in.lock().expect("lock"));
                let doc = serde_json::json!({"tag_name": format!("v{version}"), "assets": [
                    {"name": name, "browser_download_url": url, "size": size.unwrap_or(bytes.len() as u64)}]});
                Reply::Full(200, "application/json", doc.to_string().into_bytes())
            } else if req.path == format!("/download/{name}") {
                Reply::Full(200, "application/octet-stream", bytes.clone())
            } else {
                Reply::Full(404, "application/json", b"{}".to_vec())
            }
        });
        *base.lock().expect("lock") = server.url();
        server
    }
}

/// A stick holding its own copy of usbide (the one updates replace).
fn stick_with_usbide(api: &str) -> (Stick, PathBuf) {
    let mut stick = Stick::new();
    fs::create_dir_all(stick.codex_home()).expect("codex_home");
    let exe = stick.root.join(exe_name("usbide"));
    fs::copy(usbide_bin(), &exe).expect("copy usbide");
    let public = fs::read(
        repo()
            .join("tests")
            .join("fixtures")
            .join("update-test.pub"),
    )
    .expect("pub");
    stick.set("USBIDE_TEST_UPDATE_KEY", &hex::encode(public));
    stick.set("USBIDE_GITHUB_API", api);
    stick.set("USBIDE_UPDATE_CHECK", "off");
    (stick, exe)
}

fn run(stick: &Stick, exe: &Path, args: &[&str]) -> Run {
    Run::from(output(&mut stick.command_for(exe, args)))
}

fn version_of(stick: &Stick, exe: &Path) -> String {
    run(stick, exe, &["--version"])
        .stdout
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_signed_newer_release_updates_usbide_and_rollback_goes_back() {
    let releases = Releases::default();
    let (name, bytes) = release("0.2.0");
    releases.publish("0.2.0", &name, bytes, None);
    let server = releases.serve();
    let (stick, exe) = stick_with_usbide(&server.url());
    let original = fs::read(&exe).expect("exe");

    let check = run(&stick, &exe, &["update", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(
        check.stdout.contains("usbide 0.2.0 is available"),
        "{check:?}"
    );
    assert_eq!(
        fs::read(&exe).expect("exe"),
        original,
        "--check changed usbide"
    );

    let update = run(&stick, &exe, &["update"]);
    assert_eq!(update.code, 0, "{update:?}");
    assert!(
        version_of(&stick, &exe).starts_with("usbide 0.2.0 "),
        "{update:?}"
    );
    let old = stick.root.join(exe_name("usbide.old"));
    assert_eq!(fs::read(&old).expect("old kept"), original);
    assert!(!stick.root.join(".usbide-update").exists());

    let back = run(&stick, &exe, &["update", "--rollback"]);
    assert_eq!(back.code, 0, "{back:?}");
    assert_eq!(fs::read(&exe).expect("exe"), original);
    assert!(version_of(&stick, &exe).starts_with(&format!("usbide {CURRENT} ")));
}

#[test]
fn every_bad_release_is_refused_and_usbide_stays_byte_identical() {
    // Each is refused before its binary would run: a small one will do.
    let tiny: &[u8] = b"#!/bin/sh\necho usbide 0.2.0 (commit x)\n";
    let good_zip = zip_of(&[(&exe_name("usbide"), tiny, 0o755)]);
    let name = name_of("0.2.0");
    let test_key = key("update-test.key");
    let mut tampered = signed(&good_zip, &name, &test_key);
    let len = tampered.len();
    tampered[len - 200] ^= 0x01;
    let small = |version: &str| {
        let name = name_of(version);
        let zip = zip_of(&[(&exe_name("usbide"), tiny, 0o755)]);
        let bytes = signed(&zip, &name, &test_key);
        (name, bytes)
    };
    let (older_name, older) = small("0.0.9");
    let (same_name, same) = small(CURRENT);
    let wrong_target = signed(&good_zip, "usbide-0.2.0-sparc-sun-solaris.zip", &test_key);
    let escaping = signed(
        &zip_of(&[(
            &format!("../{}", exe_name("usbide")),
            &usbide_as("0.2.0"),
            0o755,
        )]),
        &name,
        &test_key,
    );
    let two = signed(
        &zip_of(&[
            (&exe_name("usbide"), tiny, 0o755),
            ("README", b"hello", 0o644),
        ]),
        &name,
        &test_key,
    );
    let link = signed(
        &zip_of(&[(&exe_name("usbide"), b"/bin/sh", 0o120_777)]),
        &name,
        &test_key,
    );
    // Two entries of one name: `unzip` takes the first, a zip reader that
    // keys entries by name the second. Written under two names of the same
    // length, then renamed in place.
    let twin = exe_name("usbidf");
    let mut duplicate = zip_of(&[
        (&exe_name("usbide"), tiny, 0o755),
        (&twin, b"#!/bin/sh\necho evil\n", 0o755),
    ]);
    for at in memchr::memmem::find_iter(&duplicate.clone(), twin.as_bytes()).collect::<Vec<_>>() {
        duplicate[at..at + twin.len()].copy_from_slice(exe_name("usbide").as_bytes());
    }
    let duplicate = signed_raw(&duplicate, &name, &test_key);
    // The zip writer keeps only permission bits: the file type (FIFO,
    // device, folder) is set in the central directory's attributes by hand.
    let kind = |mode: u32| {
        let mut zip = zip_of(&[(&exe_name("usbide"), tiny, 0o755)]);
        let header = memchr::memmem::find(&zip, b"PK\x01\x02").expect("central header");
        // Made by Unix (the attributes are a Unix mode), whatever wrote it.
        zip[header + 5] = 3;
        zip[header + 38..header + 42].copy_from_slice(&(mode << 16).to_le_bytes());
        signed_raw(&zip, &name, &test_key)
    };
    // (what, version, served name, bytes, claimed size, expected words)
    type Case<'a> = (&'a str, &'a str, String, Vec<u8>, Option<u64>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "unsigned",
            "0.2.0",
            name.clone(),
            good_zip.clone(),
            None,
            "not signed",
        ),
        (
            "wrong key",
            "0.2.0",
            name.clone(),
            signed(&good_zip, &name, &key("update-other.key")),
            None,
            "not signed",
        ),
        (
            "tampered",
            "0.2.0",
            name.clone(),
            tampered,
            None,
            "not signed",
        ),
        (
            "renamed",
            "0.2.0",
            name.clone(),
            signed(&good_zip, &name_of("0.2.1"), &test_key),
            None,
            "not signed",
        ),
        ("older", "0.0.9", older_name, older, None, "not newer"),
        (
            "wrong target",
            "0.2.0",
            "usbide-0.2.0-sparc-sun-solaris.zip".into(),
            wrong_target,
            None,
            "no archive for this computer",
        ),
        (
            "oversized",
            "0.2.0",
            name.clone(),
            signed(&good_zip, &name, &test_key),
            Some(1 << 30),
            "larger than",
        ),
        (
            "zip-slip",
            "0.2.0",
            name.clone(),
            escaping,
            None,
            "not a plain",
        ),
        ("two entries", "0.2.0", name.clone(), two, None, "2 entries"),
        ("a link", "0.2.0", name.clone(), link, None, "not a plain"),
        (
            "one name twice",
            "0.2.0",
            name.clone(),
            duplicate,
            None,
            "2 entries",
        ),
        (
            "a FIFO",
            "0.2.0",
            name.clone(),
            kind(0o010_755),
            None,
            "not a plain",
        ),
        (
            "a device",
            "0.2.0",
            name.clone(),
            kind(0o020_755),
            None,
            "not a plain",
        ),
        (
            "a folder mode",
            "0.2.0",
            name.clone(),
            kind(0o040_755),
            None,
            "not a plain",
        ),
    ];
    let releases = Releases::default();
    let server = releases.serve();
    let (stick, exe) = stick_with_usbide(&server.url());
    let original = fs::read(&exe).expect("exe");
    for (what, version, served, bytes, size, words) in cases {
        releases.publish(version, &served, bytes.clone(), size);
        let run = run(&stick, &exe, &["update"]);
        assert_eq!(run.code, 76, "{what}: {run:?}");
        assert!(run.stderr.contains(words), "{what}: {run:?}");
        assert_eq!(
            fs::read(&exe).expect("exe"),
            original,
            "{what}: usbide changed"
        );
        assert!(!stick.root.join(exe_name("usbide.old")).exists(), "{what}");
        // The same archive offline (--from) is refused as well.
        if size.is_none() {
            let file = stick.outside.join(&served);
            fs::write(&file, &bytes).expect("archive on disk");
            let offline = self::run(
                &stick,
                &exe,
                &["update", "--from", &file.display().to_string()],
            );
            assert_eq!(offline.code, 76, "{what} (--from): {offline:?}");
            assert_eq!(fs::read(&exe).expect("exe"), original, "{what} (--from)");
        }
    }
    // The same version is not an update.
    releases.publish(CURRENT, &same_name, same, None);
    let run = run(&stick, &exe, &["update"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("is up to date"), "{run:?}");
    assert_eq!(fs::read(&exe).expect("exe"), original);
}

#[test]
fn the_archive_verified_is_the_archive_installed() {
    let (name, bytes) = release("0.2.0");
    // Another binary that also claims 0.2.0, in an unsigned archive put in
    // place of the signed one right after its signature was checked.
    let mut other = usbide_as("0.2.0");
    other.extend_from_slice(b"\nswapped in after the check\n");
    let unsigned = zip_of(&[(&exe_name("usbide"), &other, 0o755)]);
    let (mut stick, exe) = stick_with_usbide("http://127.0.0.1:9");
    let file = stick.outside.join(&name);
    fs::write(&file, &bytes).expect("archive");
    let swap = stick.outside.join("swap.zip");
    fs::write(&swap, &unsigned).expect("swap");
    stick.set("USBIDE_TEST_SWAP_AFTER_VERIFY", &swap.display().to_string());
    let update = run(
        &stick,
        &exe,
        &["update", "--from", &file.display().to_string()],
    );
    assert_eq!(update.code, 0, "{update:?}");
    assert_eq!(
        fs::read(&file).expect("file"),
        unsigned,
        "the hook swapped it"
    );
    assert_eq!(
        fs::read(&exe).expect("exe"),
        usbide_as("0.2.0"),
        "the installed binary is not the one whose signature was checked"
    );
}

#[test]
fn a_check_or_the_same_version_is_up_to_date_not_a_refusal() {
    let releases = Releases::default();
    let tiny: &[u8] = b"#!/bin/sh\n";
    let older = name_of("0.0.9");
    releases.publish(
        "0.0.9",
        &older,
        signed(
            &zip_of(&[(&exe_name("usbide"), tiny, 0o755)]),
            &older,
            &key("update-test.key"),
        ),
        None,
    );
    let server = releases.serve();
    let (stick, exe) = stick_with_usbide(&server.url());
    let check = run(&stick, &exe, &["update", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(check.stdout.contains("is up to date"), "{check:?}");
    let same = name_of(CURRENT);
    let file = stick.outside.join(&same);
    fs::write(
        &file,
        signed(
            &zip_of(&[(&exe_name("usbide"), tiny, 0o755)]),
            &same,
            &key("update-test.key"),
        ),
    )
    .expect("archive");
    let original = fs::read(&exe).expect("exe");
    let from = run(
        &stick,
        &exe,
        &["update", "--from", &file.display().to_string()],
    );
    assert_eq!(from.code, 0, "{from:?}");
    assert!(from.stderr.contains("is up to date"), "{from:?}");
    assert!(!from.stderr.contains("--allow-downgrade"), "{from:?}");
    assert_eq!(fs::read(&exe).expect("exe"), original);
}

#[cfg(unix)]
#[test]
fn a_link_at_usbide_old_is_never_written_through() {
    let (name, bytes) = release("0.2.0");
    let (stick, exe) = stick_with_usbide("http://127.0.0.1:9");
    let original = fs::read(&exe).expect("exe");
    let outside = stick.outside.join("precious.txt");
    fs::write(&outside, "precious").expect("outside");
    let old = stick.root.join(exe_name("usbide.old"));
    std::os::unix::fs::symlink(&outside, &old).expect("plant");
    let file = stick.outside.join(&name);
    fs::write(&file, &bytes).expect("archive");
    let update = run(
        &stick,
        &exe,
        &["update", "--from", &file.display().to_string()],
    );
    assert_eq!(update.code, 0, "{update:?}");
    assert_eq!(fs::read_to_string(&outside).expect("read"), "precious");
    assert!(
        !fs::symlink_metadata(&old)
            .expect("old")
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&old).expect("old"), original);
    // A rollback never takes (or writes through) a link either.
    fs::remove_file(&old).expect("rm");
    std::os::unix::fs::symlink(&outside, &old).expect("plant again");
    let now = fs::read(&exe).expect("exe");
    let back = run(&stick, &exe, &["update", "--rollback"]);
    assert_ne!(back.code, 0, "{back:?}");
    assert_eq!(fs::read_to_string(&outside).expect("read"), "precious");
    assert_eq!(fs::read(&exe).expect("exe"), now);
}

#[test]
fn an_update_cut_short_leaves_a_usbide_that_starts() {
    for step in ["update:kept-old", "update:replaced"] {
        let releases = Releases::default();
        let (name, bytes) = release("0.2.0");
        releases.publish("0.2.0", &name, bytes, None);
        let server = releases.serve();
        let (mut stick, exe) = stick_with_usbide(&server.url());
        stick.set("USBIDE_TEST_CRASH_AT", step);
        let crashed = run(&stick, &exe, &["update"]);
        assert_ne!(crashed.code, 0, "{step}: {crashed:?}");
        stick.unset("USBIDE_TEST_CRASH_AT");
        let v = version_of(&stick, &exe);
        assert!(
            v.starts_with(&format!("usbide {CURRENT} ")) || v.starts_with("usbide 0.2.0 "),
            "{step}: {v}"
        );
        // The next update finishes the job.
        let again = run(&stick, &exe, &["update"]);
        assert_eq!(again.code, 0, "{step}: {again:?}");
        assert!(
            version_of(&stick, &exe).starts_with("usbide 0.2.0 "),
            "{step}"
        );
    }
}

#[test]
fn a_launch_says_once_a_day_that_a_newer_usbide_exists() {
    let releases = Releases::default();
    // Only the release list is asked for.
    releases.publish(
        "0.2.0",
        &name_of("0.2.0"),
        b"never downloaded".to_vec(),
        None,
    );
    let server = releases.serve();
    let (mut stick, exe) = stick_with_usbide(&server.url());
    stick.unset("USBIDE_UPDATE_CHECK");
    // The launch waits a few ms for the answer; a loaded test machine may
    // need longer (debug builds only).
    stick.set("USBIDE_TEST_UPDATE_WAIT_MS", "10000");
    let first = run(&stick, &exe, &["codex", "--", "--version"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(
        first.stderr.contains("usbide 0.2.0 is available"),
        "{first:?}"
    );
    let second = run(&stick, &exe, &["codex", "--", "--version"]);
    assert!(!second.stderr.contains("is available"), "{second:?}");
    let asked = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/releases/latest"))
        .count();
    assert_eq!(asked, 1);
}

#[test]
#[cfg(unix)]
fn the_release_script_names_and_signs_an_archive_update_takes() {
    let dist = tempfile::tempdir().expect("dist");
    let tool = usbide_bin()
        .parent()
        .expect("target dir")
        .join("examples")
        .join(exe_name("release_archive"));
    let binary = dist.path().join("usbide-0.2.0");
    fs::write(&binary, usbide_as("0.2.0")).expect("binary");
    let script = repo().join("scripts").join("release-archive.sh");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(&script)
        .arg(&binary)
        .arg("v0.2.0")
        .arg(target())
        .arg(
            repo()
                .join("tests")
                .join("fixtures")
                .join("update-test.key"),
        )
        .arg(dist.path());
    // `cargo test` builds the examples; otherwise the script builds it.
    if tool.is_file() {
        cmd.env("USBIDE_RELEASE_TOOL", &tool);
    }
    let out = output(&mut cmd);
    assert!(out.status.success(), "{out:?}");
    let name = name_of("0.2.0");
    let archive = dist.path().join(&name);
    let sums = fs::read_to_string(dist.path().join("SHA256SUMS")).expect("sums");
    assert!(sums.trim_end().ends_with(&format!("  {name}")), "{sums}");
    // The archive it made is one `usbide update --from` takes.
    let server = Releases::default().serve();
    let (stick, exe) = stick_with_usbide(&server.url());
    let update = run(
        &stick,
        &exe,
        &["update", "--from", &archive.display().to_string()],
    );
    assert_eq!(update.code, 0, "{update:?}");
    assert!(version_of(&stick, &exe).starts_with("usbide 0.2.0 "));
}

#[test]
#[cfg(unix)]
fn an_update_killed_at_any_moment_leaves_a_usbide_that_starts() {
    let (name, bytes) = release("0.2.0");
    let server = Releases::default().serve();
    let (stick, exe) = stick_with_usbide(&server.url());
    let archive = stick.outside.join(&name);
    fs::write(&archive, bytes).expect("archive");
    let original = fs::read(&exe).expect("exe");
    // How long a whole update takes here, to spread the kills over it.
    let started = std::time::Instant::now();
    let done = run(
        &stick,
        &exe,
        &["update", "--from", &archive.display().to_string()],
    );
    assert_eq!(done.code, 0, "{done:?}");
    let whole = started.elapsed().as_millis().max(50) as u64;
    let mut seed = u64::from(std::process::id());
    for round in 0..6 {
        // Back to the original, then an update killed with SIGKILL after a
        // pseudo-random part of its usual time.
        fs::write(&exe, &original).expect("restore");
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let after = (seed >> 33) % whole;
        let mut child = crate::support::spawn(
            stick
                .command_for(&exe, &["update", "--from", &archive.display().to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        );
        std::thread::sleep(std::time::Duration::from_millis(after));
        let _ = child.kill();
        let _ = child.wait();
        let v = version_of(&stick, &exe);
        assert!(
            v.starts_with(&format!("usbide {CURRENT} ")) || v.starts_with("usbide 0.2.0 "),
            "round {round}, killed after {after} ms of {whole}: {v:?}"
        );
    }
}
