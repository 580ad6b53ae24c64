//! `usbide payload install|status` against loopback stand-ins of an npm
//! registry and of the GitHub release API. The archives are small codex
//! package trees built here; what is under test is the installer: verify,
//! unpack, record, swap, and never lose the previous payload.

use std::fs;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256, Sha512};

use crate::standin::{Reply, Server};
use crate::support::Stick;

const TRIPLE: &str = "x86_64-unknown-linux-musl";

/// A gzipped tar of `(path, contents, mode)` entries.
fn tgz(entries: &[(&str, String, u32)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data, mode) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_cksum();
        builder
            .append_data(&mut header, path, data.as_bytes())
            .expect("append");
    }
    builder.into_inner().expect("tar").finish().expect("gzip")
}

/// The npm platform package of codex `version`, laid out like 0.169's.
fn npm_package(version: &str) -> Vec<u8> {
    let base = format!("package/vendor/{TRIPLE}");
    tgz(&[
        (
            "package/package.json",
            format!("{{\"name\":\"@openai/codex\",\"version\":\"{version}-linux-x64\"}}"),
            0o644,
        ),
        (
            &format!("{base}/codex-package.json"),
            format!(
                "{{\"layoutVersion\":1,\"version\":\"{version}\",\"entrypoint\":\"bin/codex\",\"pathDir\":\"codex-path\"}}"
            ),
            0o644,
        ),
        (
            &format!("{base}/bin/codex"),
            format!("#!/bin/sh\necho codex-cli {version}\n"),
            0o755,
        ),
        (
            &format!("{base}/codex-path/rg"),
            "#!/bin/sh\n".into(),
            0o755,
        ),
    ])
}

fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(bytes))
    )
}

/// A published version: name, tarball, advertised integrity.
type Published = (String, Vec<u8>, String);

/// An npm registry stand-in.
#[derive(Clone, Default)]
struct Registry {
    versions: Arc<Mutex<Vec<Published>>>,
    stall: Arc<Mutex<bool>>,
}

impl Registry {
    fn publish(&self, version: &str, tarball: Vec<u8>, integrity: String) {
        self.versions
            .lock()
            .expect("lock")
            .push((version.into(), tarball, integrity));
    }

    fn serve(&self) -> Server {
        let me = self.clone();
        let base = Arc::new(Mutex::new(String::new()));
        let base_in = base.clone();
        let server = Server::start(move |req| {
            let versions = me.versions.lock().expect("lock");
            if req.path == "/-/package/@openai%2Fcodex/dist-tags"
                && let Some((latest, _, _)) = versions.last()
            {
                let doc = serde_json::json!({"latest": latest, "alpha": "99.0.0-alpha.1"});
                return Reply::Full(200, "application/json", doc.to_string().into_bytes());
            }
            for (v, tarball, integrity) in versions.iter() {
                if req.path == format!("/@openai%2Fcodex/{v}-linux-x64") {
                    let url = format!(
                        "{}/tarballs/codex-{v}-linux-x64.tgz",
                        base_in.lock().expect("lock")
                    );
                    let doc = serde_json::json!({"name": "@openai/codex", "version": format!("{v}-linux-x64"),
                        "dist": {"tarball": url, "integrity": integrity}});
                    return Reply::Full(200, "application/json", doc.to_string().into_bytes());
                }
                if req.path == format!("/tarballs/codex-{v}-linux-x64.tgz") {
                    if *me.stall.lock().expect("lock") {
                        return Reply::Stall {
                            len: tarball.len(),
                            first: tarball[..tarball.len() / 2].to_vec(),
                        };
                    }
                    return Reply::Full(200, "application/octet-stream", tarball.clone());
                }
            }
            Reply::Full(
                404,
                "application/json",
                b"{\"error\":\"not found\"}".to_vec(),
            )
        });
        *base.lock().expect("lock") = server.url();
        server
    }
}

fn stick_with_own_payload() -> (Stick, PathBuf) {
    let mut stick = Stick::new();
    let payload = stick.root.join("payload");
    stick.set("USBIDE_PAYLOAD_DIR", &payload.display().to_string());
    (stick, payload)
}

fn install(stick: &Stick, registry: &Server, version: &str) -> crate::support::Run {
    stick.run(&[
        "payload",
        "install",
        "--version",
        version,
        "--npm-registry",
        &registry.url(),
    ])
}

#[test]
fn npm_install_verifies_records_and_runs() {
    let registry = Registry::default();
    let tarball = npm_package("9.9.1");
    registry.publish("9.9.1", tarball.clone(), integrity(&tarball));
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();

    let run = install(&stick, &server, "9.9.1");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("installed codex 9.9.1"), "{run:?}");
    assert!(run.stderr.contains(&integrity(&tarball)), "{run:?}");
    assert!(payload.join(TRIPLE).join("codex-path/rg").is_file());
    assert!(staging(&payload).is_empty());

    let status = stick.run(&["payload", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains(&format!("{TRIPLE} (this host): codex 9.9.1 from npm:@openai/codex@9.9.1-linux-x64: verified (3 files)")), "{status:?}");

    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.stdout, "codex-cli 9.9.1\n", "{run:?}");

    // A modified file is caught by status.
    fs::write(
        payload.join(TRIPLE).join("bin/codex"),
        "#!/bin/sh\necho evil\n",
    )
    .expect("tamper");
    let status = stick.run(&["payload", "status"]);
    assert_eq!(status.code, 73, "{status:?}");
    assert!(
        status.stdout.contains("bin/codex was modified"),
        "{status:?}"
    );
}

#[test]
fn latest_is_asked_of_the_source_and_a_verified_payload_is_not_downloaded_again() {
    let registry = Registry::default();
    for v in ["9.9.1", "9.9.2"] {
        let tarball = npm_package(v);
        registry.publish(v, tarball.clone(), integrity(&tarball));
    }
    let server = registry.serve();
    let (stick, _payload) = stick_with_own_payload();
    let run = install(&stick, &server, "latest");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("is 9.9.2"), "{run:?}");
    assert!(run.stderr.contains("installed codex 9.9.2"), "{run:?}");
    let tarballs = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/tarballs/"))
            .count()
    };
    assert_eq!(tarballs(), 1);
    let again = install(&stick, &server, "9.9.2");
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("already installed and verified"),
        "{again:?}"
    );
    assert_eq!(tarballs(), 1, "downloaded again");
    let forced = stick.run(&[
        "payload",
        "install",
        "--version",
        "9.9.2",
        "--force",
        "--npm-registry",
        &server.url(),
    ]);
    assert_eq!(forced.code, 0, "{forced:?}");
    assert_eq!(tarballs(), 2);
}

#[test]
fn payload_update_keeps_the_previous_codex_until_a_run_succeeds() {
    let registry = Registry::default();
    for v in ["9.9.1", "9.9.2"] {
        let tarball = npm_package(v);
        registry.publish(v, tarball.clone(), integrity(&tarball));
    }
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);

    let update = stick.run(&["payload", "update", "--npm-registry", &server.url()]);
    assert_eq!(update.code, 0, "{update:?}");
    let status = stick.run(&["payload", "status"]);
    assert!(status.stdout.contains("codex 9.9.2"), "{status:?}");
    let pin = fs::read_to_string(payload.join("payload.toml")).expect("pin");
    assert!(pin.contains("version = \"9.9.2\""), "{pin}");
    assert!(pin.contains(&integrity(&npm_package("9.9.2"))), "{pin}");

    let back = stick.run(&["payload", "rollback"]);
    assert_eq!(back.code, 0, "{back:?}");
    assert!(back.stderr.contains("back to codex 9.9.1"), "{back:?}");
    let pin = fs::read_to_string(payload.join("payload.toml")).expect("pin");
    assert!(!pin.contains("9.9.2"), "{pin}");
    // `--version` is not a session: the way back stays.
    let version = stick.run(&["codex", "--", "--version"]);
    assert_eq!(version.stdout, "codex-cli 9.9.1\n");
    assert!(!version.stderr.contains("is removed"), "{version:?}");
    assert!(payload.join("payload.toml.rollback").exists());
    // A session that succeeds ends the chance to go back, and says so.
    let mut stick = stick;
    stick.set("USBIDE_PREFLIGHT", "off");
    let session = stick.run(&["codex", "--", "exec", "hello"]);
    assert_eq!(session.code, 0, "{session:?}");
    assert!(session.stderr.contains("is removed"), "{session:?}");
    let again = stick.run(&["payload", "rollback"]);
    assert_eq!(again.code, 73, "{again:?}");
    assert!(again.stderr.contains("no earlier codex"), "{again:?}");
}

#[test]
fn payload_update_and_rollback_with_two_real_codex_versions() {
    // The real codex packages: the pinned version and 0.166.0.
    let (pinned, current) = crate::support::real_codex_package();
    let older = crate::support::real_codex_tarball("0.166.0");
    let server = crate::standin::codex_registry_of(
        vec![
            (format!("{pinned}-linux-x64"), current),
            ("0.166.0-linux-x64".into(), older),
        ],
        Some(&pinned),
    );
    let (stick, payload) = stick_with_own_payload();
    fs::create_dir_all(&payload).expect("payload");
    let registry = server.url();
    let version = || stick.run(&["payload", "status"]).stdout;
    let old = stick.run(&[
        "payload",
        "install",
        "--version",
        "0.166.0",
        "--npm-registry",
        &registry,
    ]);
    assert_eq!(old.code, 0, "{old:?}");
    let update = stick.run(&["payload", "update", "--npm-registry", &registry]);
    assert_eq!(update.code, 0, "{update:?}");
    assert!(
        version().contains(&format!("codex {pinned} from")),
        "{update:?}"
    );
    let back = stick.run(&["payload", "rollback"]);
    assert_eq!(back.code, 0, "{back:?}");
    assert!(version().contains("codex 0.166.0 from"), "{back:?}");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.stdout, "codex-cli 0.166.0\n", "{run:?}");
}

#[test]
fn a_corrupted_download_is_refused_and_the_previous_payload_stays() {
    let registry = Registry::default();
    let good = npm_package("9.9.1");
    registry.publish("9.9.1", good.clone(), integrity(&good));
    let other = npm_package("9.9.2");
    let mut corrupted = other.clone();
    let mid = corrupted.len() / 2;
    corrupted[mid] ^= 0xff;
    registry.publish("9.9.2", corrupted, integrity(&other));
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);

    let run = install(&stick, &server, "9.9.2");
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("refused"), "{run:?}");
    assert!(
        run.stderr.contains("The installed payload was not touched"),
        "{run:?}"
    );
    assert!(staging(&payload).is_empty());
    let status = stick.run(&["payload", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("codex 9.9.1 from"), "{status:?}");
}

#[test]
fn a_pinned_digest_must_match_the_published_one() {
    let registry = Registry::default();
    let tarball = npm_package("9.9.3");
    registry.publish("9.9.3", tarball.clone(), integrity(&tarball));
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();
    fs::create_dir_all(&payload).expect("payload");
    fs::write(
        payload.join("payload.toml"),
        format!(
            "version = \"9.9.3\"\n[targets.{TRIPLE}]\nnpm_integrity = \"{}\"\n",
            integrity(b"something else")
        ),
    )
    .expect("pin");
    let run = stick.run(&["payload", "install", "--npm-registry", &server.url()]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("payload.toml pins"), "{run:?}");
    assert!(!payload.join(TRIPLE).exists());
}

#[test]
fn an_install_killed_half_way_leaves_the_previous_payload() {
    let registry = Registry::default();
    let v1 = npm_package("9.9.1");
    registry.publish("9.9.1", v1.clone(), integrity(&v1));
    // Big enough that half of it is on the stick before the stall.
    let big = "x".repeat(4_000_000);
    let v2 = tgz(&[(&format!("package/vendor/{TRIPLE}/bin/codex"), big, 0o755)]);
    registry.publish("9.9.2", v2.clone(), integrity(&v2));
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);

    *registry.stall.lock().expect("lock") = true;
    let mut child = stick
        .command_for(
            &crate::support::usbide_bin(),
            &[
                "payload",
                "install",
                "--version",
                "9.9.2",
                "--npm-registry",
                &server.url(),
            ],
        )
        .spawn()
        .expect("spawn");
    let part = || staging(&payload).first().map(|d| d.join("download.part"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while part()
        .and_then(|p| fs::metadata(p).ok())
        .map_or(0, |m| m.len())
        == 0
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        part().is_some_and(|p| p.exists()),
        "the download never started"
    );
    child.kill().expect("kill");
    let _ = child.wait();

    let status = stick.run(&["payload", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("codex 9.9.1 from"), "{status:?}");
    assert!(
        status.stdout.contains("an install was interrupted"),
        "{status:?}"
    );
    assert_eq!(
        stick.run(&["codex", "--", "--version"]).stdout,
        "codex-cli 9.9.1\n"
    );

    *registry.stall.lock().expect("lock") = false;
    let run = install(&stick, &server, "9.9.1");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("had been interrupted"), "{run:?}");
}

#[test]
fn github_releases_are_checked_against_the_release_digest() {
    let binary = "#!/bin/sh\necho codex-cli 9.9.4\n".to_string();
    let asset = tgz(&[(&format!("codex-{TRIPLE}"), binary, 0o755)]);
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(&asset)));
    let base = Arc::new(Mutex::new(String::new()));
    let base_in = base.clone();
    let server = Server::start(move |req| {
        let name = format!("codex-{TRIPLE}.tar.gz");
        if req.path == "/repos/openai/codex/releases/tags/rust-v9.9.4" {
            let doc = serde_json::json!({"tag_name": "rust-v9.9.4", "assets": [
                {"name": "codex-x86_64-pc-windows-msvc.exe.zip", "browser_download_url": "http://0.0.0.0/x", "digest": null},
                {"name": name, "browser_download_url": format!("{}/dl/{name}", base_in.lock().expect("lock")), "digest": digest},
            ]});
            return Reply::Full(200, "application/json", doc.to_string().into_bytes());
        }
        if req.path == format!("/dl/{name}") {
            return Reply::Full(200, "application/octet-stream", asset.clone());
        }
        Reply::Full(
            404,
            "application/json",
            b"{\"message\":\"Not Found\"}".to_vec(),
        )
    });
    *base.lock().expect("lock") = server.url();
    let (mut stick, payload) = stick_with_own_payload();
    stick.set("USBIDE_GITHUB_API", &server.url());

    let run = stick.run(&["payload", "install", "--version", "rust-v9.9.4"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(payload.join(TRIPLE).join("bin/codex").is_file());
    assert_eq!(
        stick.run(&["codex", "--", "--version"]).stdout,
        "codex-cli 9.9.4\n"
    );
    let requests = server.requests();
    assert!(requests.iter().all(|r| {
        r.header("user-agent")
            .is_some_and(|ua| ua.starts_with("usbide/"))
    }));

    let run = stick.run(&["payload", "install", "--version", "9.9.5"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("is not published"), "{run:?}");
}

/// The staging folders an install left in `payload`.
fn staging(payload: &std::path::Path) -> Vec<PathBuf> {
    fs::read_dir(payload)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(".staging-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_stalled_server_ends_the_install_and_frees_the_stick() {
    let registry = Registry::default();
    let v1 = npm_package("9.9.1");
    registry.publish("9.9.1", v1.clone(), integrity(&v1));
    let big = "x".repeat(2_000_000);
    let v2 = tgz(&[(&format!("package/vendor/{TRIPLE}/bin/codex"), big, 0o755)]);
    registry.publish("9.9.2", v2.clone(), integrity(&v2));
    let server = registry.serve();
    let (mut stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);
    *registry.stall.lock().expect("lock") = true;
    stick.set("USBIDE_DOWNLOAD_STALL_SECS", "2");
    let started = Instant::now();
    let run = install(&stick, &server, "9.9.2");
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("sent nothing for 2 s"), "{run:?}");
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "the server stalls for 60 s"
    );
    assert!(staging(&payload).is_empty(), "{:?}", staging(&payload));
    let status = stick.run(&["payload", "status"]);
    assert!(status.stdout.contains("codex 9.9.1 from"), "{status:?}");
}

#[test]
fn an_endless_body_is_cut_at_the_size_cap() {
    let base = Arc::new(Mutex::new(String::new()));
    let base_in = base.clone();
    let server = Server::start(move |req| {
        if req.path == "/@openai%2Fcodex/9.9.7-linux-x64" {
            let url = format!("{}/endless.tgz", base_in.lock().expect("lock"));
            let doc = serde_json::json!({"dist": {"tarball": url, "integrity": integrity(b"x")}});
            return Reply::Full(200, "application/json", doc.to_string().into_bytes());
        }
        Reply::Endless
    });
    *base.lock().expect("lock") = server.url();
    let (mut stick, payload) = stick_with_own_payload();
    stick.set("USBIDE_DOWNLOAD_MAX_BYTES", "3000000");
    let run = install(&stick, &server, "9.9.7");
    assert_eq!(run.code, 73, "{run:?}");
    assert!(
        run.stderr.contains("more than the 3000000 bytes"),
        "{run:?}"
    );
    assert!(staging(&payload).is_empty());
}

#[test]
fn a_decompression_bomb_is_refused() {
    // 256 MB of zeros in a ~250 kB archive.
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let mut header = tar::Header::new_gnu();
    let size = 256u64 << 20;
    header.set_size(size);
    header.set_mode(0o755);
    header.set_cksum();
    builder
        .append_data(
            &mut header,
            format!("package/vendor/{TRIPLE}/bin/codex"),
            std::io::repeat(0).take(size),
        )
        .expect("append");
    let bomb = builder.into_inner().expect("tar").finish().expect("gzip");
    let registry = Registry::default();
    registry.publish("9.9.8", bomb.clone(), integrity(&bomb));
    let server = registry.serve();
    let (mut stick, payload) = stick_with_own_payload();
    stick.set("USBIDE_UNPACK_MAX_BYTES", "10000000");
    let run = install(&stick, &server, "9.9.8");
    assert_eq!(run.code, 73, "{run:?}");
    assert!(
        run.stderr.contains("unpacks to more than 10000000 bytes"),
        "{run:?}"
    );
    assert!(staging(&payload).is_empty());
    assert!(!payload.join(TRIPLE).exists());
}

#[test]
fn a_second_install_waits_for_the_stick_lock() {
    let registry = Registry::default();
    let v1 = npm_package("9.9.1");
    registry.publish("9.9.1", v1.clone(), integrity(&v1));
    let big = "x".repeat(2_000_000);
    let v2 = tgz(&[(&format!("package/vendor/{TRIPLE}/bin/codex"), big, 0o755)]);
    registry.publish("9.9.2", v2.clone(), integrity(&v2));
    let server = registry.serve();
    let (mut stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);
    *registry.stall.lock().expect("lock") = true;
    let mut first = stick
        .command_for(
            &crate::support::usbide_bin(),
            &[
                "payload",
                "install",
                "--version",
                "9.9.2",
                "--npm-registry",
                &server.url(),
            ],
        )
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Once half the archive is on the stick, the first install is stuck in its download.
    let part = || staging(&payload).first().map(|d| d.join("download.part"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while part()
        .and_then(|p| fs::metadata(p).ok())
        .map_or(0, |m| m.len())
        == 0
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        part().is_some_and(|p| p.exists()),
        "the first install never started"
    );
    *registry.stall.lock().expect("lock") = false;
    stick.set("USBIDE_LOCK_WAIT_MS", "300");
    let second = install(&stick, &server, "9.9.1");
    assert_eq!(second.code, 75, "{second:?}");
    assert!(
        second.stderr.contains("another usbide is using"),
        "{second:?}"
    );
    first.kill().expect("kill");
    let _ = first.wait();
    let status = stick.run(&["payload", "status"]);
    assert!(status.stdout.contains("codex 9.9.1 from"), "{status:?}");
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);
    assert!(staging(&payload).is_empty());
}

#[test]
fn a_payload_file_changed_or_removed_since_install_stops_the_launch_with_the_fix() {
    let registry = Registry::default();
    let v1 = npm_package("9.9.1");
    registry.publish("9.9.1", v1.clone(), integrity(&v1));
    let server = registry.serve();
    let (stick, payload) = stick_with_own_payload();
    assert_eq!(install(&stick, &server, "9.9.1").code, 0);
    let tree = payload.join(TRIPLE);
    let ok = stick.run(&["codex", "--", "--version"]);
    assert_eq!(ok.stdout, "codex-cli 9.9.1\n", "{ok:?}");

    // Something rewrote codex itself.
    fs::write(tree.join("bin/codex"), "#!/bin/sh\necho tampered\n").expect("tamper");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(!run.stdout.contains("tampered"), "{run:?}");
    assert!(
        run.stderr
            .contains("bin/codex changed since usbide installed it"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("usbide payload install --force"),
        "{run:?}"
    );

    // An antivirus took a file away.
    assert_eq!(install_forced(&stick, &server, "9.9.1").code, 0);
    fs::remove_file(tree.join("codex-path/rg")).expect("rm");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.code, 73, "{run:?}");
    assert!(run.stderr.contains("codex-path/rg is gone"), "{run:?}");
    assert_eq!(install_forced(&stick, &server, "9.9.1").code, 0);
    assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
}

fn install_forced(stick: &Stick, registry: &Server, version: &str) -> crate::support::Run {
    stick.run(&[
        "payload",
        "install",
        "--force",
        "--version",
        version,
        "--npm-registry",
        &registry.url(),
    ])
}

#[test]
fn an_archive_on_disk_is_installed_only_when_it_is_the_pinned_codex() {
    // The real codex package on a second stick; no source is reachable.
    let (version, tarball) = crate::support::real_codex_package();
    let (mut stick, payload) = stick_with_own_payload();
    stick
        .set("npm_config_registry", "http://127.0.0.1:9")
        .set("USBIDE_GITHUB_API", "http://127.0.0.1:9");
    fs::create_dir_all(&payload).expect("payload dir");
    fs::copy(
        crate::support::repo().join("payload/payload.toml"),
        payload.join("payload.toml"),
    )
    .expect("pin");
    let other = stick.outside.join("OTHER-STICK");
    fs::create_dir_all(&other).expect("other stick");
    // A folder (or a device, a pipe) is no archive: refused before it is read.
    let run = stick.run(&["payload", "install", "--from", &other.display().to_string()]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("not a regular file"), "{run:?}");
    // A file that is not the pinned codex is refused, and nothing changes.
    let mut tampered = tarball.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let bad = other.join("codex-tampered.tgz");
    fs::write(&bad, &tampered).expect("bad");
    let run = stick.run(&["payload", "install", "--from", &bad.display().to_string()]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("payload/payload.toml pins"), "{run:?}");
    assert!(!payload.join(TRIPLE).exists(), "{run:?}");
    // The pinned one goes in, verified, and runs.
    let good = other.join("codex.tgz");
    fs::write(&good, &tarball).expect("good");
    let run = stick.run(&["payload", "install", "--from", &good.display().to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(&format!("installed codex {version}")),
        "{run:?}"
    );
    assert!(staging(&payload).is_empty());
    let status = stick.run(&["payload", "status"]);
    assert!(status.stdout.contains("verified"), "{status:?}");
    let run = stick.run(&["codex", "--", "--version"]);
    assert_eq!(run.stdout, format!("codex-cli {version}\n"), "{run:?}");
}
