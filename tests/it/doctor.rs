//! `usbide doctor` against loopback stand-ins for every network case, the
//! TLS-inspecting proxy end to end with the real codex, the JSON schema, and
//! a canary secret that must appear nowhere.

use std::io::Read;
use std::net::TcpListener;
#[cfg(unix)]
use std::path::Path;
#[cfg(unix)]
use std::process::Command;
#[cfg(unix)]
use std::sync::Arc;

use crate::standin::{Reply, Server, sse_reply};
use crate::support::{Run, Stick};

/// A private "corporate" CA and a certificate it issued for localhost (made
/// with `openssl`; the computer's trust store is `SSL_CERT_DIR`, Unix only).
#[cfg(unix)]
struct CorporateCa {
    dir: std::path::PathBuf,
}

#[cfg(unix)]
impl CorporateCa {
    fn new(dir: &Path) -> Self {
        let dir = dir.join("corp-ca");
        std::fs::create_dir_all(dir.join("trust")).expect("mkdir");
        let sh = |script: &str| {
            let ok = Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(&dir)
                .stderr(std::process::Stdio::null())
                .status()
                .expect("openssl");
            assert!(ok.success(), "{script}");
        };
        sh(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj '/CN=Corp Inspection Root' -keyout ca.key -out trust/ca.pem",
        );
        sh(
            "openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout leaf.key -out leaf.csr",
        );
        sh(
            "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf && openssl x509 -req -in leaf.csr -CA trust/ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out leaf.pem",
        );
        Self { dir }
    }

    /// An HTTPS stand-in with the leaf: the model backend and a plain page.
    fn server(&self) -> Server {
        use rustls::pki_types::pem::PemObject;
        let certs: Vec<_> =
            rustls::pki_types::CertificateDer::pem_file_iter(self.dir.join("leaf.pem"))
                .expect("pem")
                .map(|c| c.expect("cert"))
                .collect();
        let key = rustls::pki_types::PrivateKeyDer::from_pem_file(self.dir.join("leaf.key"))
            .expect("key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("config");
        Server::start_tls(Arc::new(config), |req| {
            if req.method == "POST" && req.path.ends_with("/responses") {
                Reply::Full(
                    200,
                    "text/event-stream",
                    sse_reply("hello through the inspecting proxy"),
                )
            } else {
                Reply::Full(200, "text/plain", b"ok".to_vec())
            }
        })
    }

    /// The folder a host trust store reads (SSL_CERT_DIR; codex does not read it).
    fn trust_dir(&self) -> String {
        self.dir.join("trust").display().to_string()
    }
}

fn doctor_json(stick: &Stick) -> (Run, serde_json::Value) {
    let run = stick.run(&["doctor", "--json"]);
    let json =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:?}"));
    (run, json)
}

fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

#[cfg(unix)]
#[test]
fn a_tls_inspecting_proxy_is_detected_and_codex_then_works() {
    let probe_dir = Stick::new();
    let ca = CorporateCa::new(&probe_dir.outside);
    let server = ca.server();
    let mut stick = Stick::with_model_provider(
        &format!("https://localhost:{}/v1", server.port),
        "experimental_bearer_token = \"t\"",
    );
    stick
        .set("SSL_CERT_DIR", &ca.trust_dir())
        .set("HOSTNAME", "corp-pc-7")
        .set(
            "USBIDE_DOCTOR_ENDPOINTS",
            &format!("https://localhost:{}/", server.port),
        );
    let exec =
        |stick: &Stick| stick.run(&["exec", "--color", "never", "--skip-git-repo-check", "hi"]);

    let before = exec(&stick);
    assert_eq!(
        before.code, 1,
        "codex must not trust the corporate root on its own: {before:?}"
    );

    let (run, report) = doctor_json(&stick);
    assert_eq!(
        check(&report, &format!("tls:localhost:{}", server.port))["status"],
        "warn",
        "{run:?}"
    );
    assert_eq!(check(&report, "tls.bundle")["status"], "ok", "{run:?}");
    let bundle = stick.codex_home().join("usbide-ca-corp-pc-7.pem");
    assert!(bundle.is_file());
    assert_eq!(report["ca_bundle"], bundle.display().to_string());

    let env = stick.run(&["env"]);
    assert!(
        env.stdout
            .contains(&format!("CODEX_CA_CERTIFICATE={}\n", bundle.display())),
        "{env:?}"
    );
    let after = exec(&stick);
    assert_eq!(after.code, 0, "{after:?}");
    assert!(
        after.stdout.contains("hello through the inspecting proxy"),
        "{after:?}"
    );

    // Another computer does not inherit this company's root.
    stick.set("HOSTNAME", "home-pc");
    assert!(!stick.run(&["env"]).stdout.contains("CODEX_CA_CERTIFICATE="));
}

#[test]
fn every_network_failure_is_named() {
    let proxy = Server::start(|_| {
        Reply::Full(
            407,
            "text/html",
            b"<html>Proxy Authentication Required</html>".to_vec(),
        )
    });
    let refused = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // Accepts connections (the kernel's backlog) and never says a word.
    let black_hole = TcpListener::bind("127.0.0.1:0").expect("bind");
    let skewed = Server::start(|_| {
        let two_days_ahead =
            std::time::SystemTime::now() + std::time::Duration::from_secs(2 * 86_400);
        Reply::Dated(http_date(two_days_ahead))
    });
    let hole = black_hole.local_addr().expect("addr").port();
    let endpoints = [
        format!("http://127.0.0.1:{refused}/"),
        format!("https://127.0.0.1:{hole}/"),
        "https://no-such-host.invalid/".to_string(),
        format!("{}/", skewed.url()),
    ];
    let mut stick = Stick::new();
    stick.set("USBIDE_DOCTOR_ENDPOINTS", &endpoints.join(","));
    // A loaded test machine (CI builds Windows alongside) can start the
    // checks late: a deadline that a refused port always beats.
    stick.set("USBIDE_DOCTOR_TIMEOUT_MS", "8000");
    let (_, report) = doctor_json(&stick);
    let finding = |id: &str| {
        check(&report, id)["finding"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let refused_id = format!("network:127.0.0.1:{refused}");
    assert_eq!(check(&report, &refused_id)["status"], "fail");
    assert!(finding(&refused_id).contains("refused"), "{report:#}");
    assert!(
        finding(&format!("tls:127.0.0.1:{hole}")).contains("never completed TLS"),
        "{report:#}"
    );
    assert!(
        finding("network:no-such-host.invalid").contains("cannot be resolved"),
        "{report:#}"
    );
    assert_eq!(check(&report, "clock")["status"], "fail");
    assert!(finding("clock").contains("2 days behind"), "{report:#}");
    assert_eq!(report["overall"], "fail");

    // Through a proxy that wants credentials.
    stick
        .set("HTTPS_PROXY", &proxy.url())
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://chat.stand-in.test/");
    let (_, report) = doctor_json(&stick);
    assert!(
        finding_of(&report, "network:chat.stand-in.test").contains("needs credentials (407)"),
        "{report:#}"
    );
    assert!(
        check(&report, "network:chat.stand-in.test")["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("HTTPS_PROXY=http://user:password@")
    );
    drop(black_hole);
}

fn finding_of(report: &serde_json::Value, id: &str) -> String {
    check(report, id)["finding"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// IMF-fixdate for a time.
fn http_date(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil_from_days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn the_json_report_follows_its_documented_schema() {
    let stick = Stick::new();
    stick.write(
        "codex_home/auth.json",
        "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-x-0123456789\"}",
    );
    let (run, report) = doctor_json(&stick);
    let errors = crate::support::schema_errors("doctor", &report);
    assert!(errors.is_empty(), "{errors:?}\n{run:?}");
    assert_eq!(
        check(&report, "login.mode")["status"],
        "fail",
        "an API key on a ChatGPT stick: {report:#}"
    );
    assert_eq!(run.code, 1);
    // A report that breaks the schema is caught (the test can fail).
    let mut broken = report.clone();
    broken["checks"][0]["status"] = serde_json::json!("maybe");
    assert!(!crate::support::schema_errors("doctor", &broken).is_empty());
}

#[test]
fn a_canary_secret_appears_in_no_output_bundle_or_log() {
    const CANARY: &str = "sk-canary-doctor-5f4e3d2c1b";
    let mut stick = Stick::new();
    stick.write(
        "codex_home/auth.json",
        &format!("{{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"{CANARY}\"}}"),
    );
    stick.write(
        "codex_home/.env",
        &format!("OPENAI_API_KEY={CANARY}\nMY_TOKEN={CANARY}\n"),
    );
    stick.write(
        "codex_home/config.toml",
        &format!("model = \"gpt-5\"\n[model_providers.corp]\nbase_url = \"http://127.0.0.1:9/v1\"\nexperimental_bearer_token = \"{CANARY}\"\nhttp_headers = {{ \"X-Api-Key\" = \"{CANARY}\" }}\n"),
    );
    stick
        .set("OPENAI_API_KEY", CANARY)
        .set("HTTPS_PROXY", &format!("http://ann:{CANARY}@127.0.0.1:9"));
    let bundle = stick.outside.join("support.zip");
    let human = stick.run(&["doctor"]);
    let json = stick.run(&[
        "doctor",
        "--json",
        "--bundle",
        &bundle.display().to_string(),
    ]);
    for run in [&human, &json] {
        assert!(!run.all().contains("canary"), "{run:?}");
    }
    assert!(human.stdout.contains("What to do:"), "{human:?}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle")).expect("zip");
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("read");
        assert!(!text.contains("canary"), "{name} leaks: {text}");
        names.push(name);
    }
    names.sort();
    assert_eq!(
        names,
        [
            "config.toml",
            "doctor.json",
            "gitignore.txt",
            "host.json",
            "payload.toml",
            "usbide.log"
        ]
    );
    let log = std::fs::read_to_string(stick.codex_home().join(".usbide/usbide.log")).expect("log");
    assert!(log.contains("support bundle"), "{log}");
    assert!(!log.contains("canary"), "{log}");
}

#[test]
fn the_launch_preflight_probes_once_per_ten_minutes_and_only_for_sessions() {
    let server = Server::start(|req| {
        if req.method == "POST" && req.path.ends_with("/responses") {
            Reply::Full(200, "text/event-stream", sse_reply("hi"))
        } else {
            Reply::Full(200, "text/plain", b"ok".to_vec())
        }
    });
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", server.url()),
        "experimental_bearer_token = \"t\"",
    );
    stick.set("USBIDE_PREFLIGHT", "auto").set(
        "USBIDE_DOCTOR_ENDPOINTS",
        &format!("{}/probe", server.url()),
    );
    let probes = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/probe")
            .count()
    };

    assert_eq!(stick.run(&["codex", "--", "--version"]).code, 0);
    assert_eq!(
        probes(),
        0,
        "no network preflight for a command that is not a session"
    );

    let exec =
        |stick: &Stick| stick.run(&["exec", "--color", "never", "--skip-git-repo-check", "hi"]);
    assert_eq!(exec(&stick).code, 0);
    assert_eq!(probes(), 1, "the first session probes the endpoint");
    assert_eq!(exec(&stick).code, 0);
    assert_eq!(probes(), 1, "a success is remembered for ten minutes");

    // Another network (a proxy appears) is probed again.
    stick
        .set("NO_PROXY", "127.0.0.1")
        .set("HTTPS_PROXY", "http://127.0.0.1:9");
    assert_eq!(exec(&stick).code, 0);
    assert_eq!(probes(), 2);
}

#[test]
fn without_a_login_the_doctor_does_not_say_codex_should_work() {
    let stick = Stick::new();
    let run = stick.run(&["doctor", "--offline"]);
    assert!(!run.stdout.contains("codex should work"), "{run:?}");
    assert!(
        run.stdout.contains("there is no login on this stick"),
        "{run:?}"
    );
    // One login check, stated once, with one fix.
    assert_eq!(run.stdout.matches("login.status").count(), 0, "{run:?}");
    let fixes = run.stdout.split("What to do:").nth(1).unwrap_or_default();
    assert_eq!(fixes.matches("usbide login").count(), 1, "{run:?}");
    let (_, report) = doctor_json(&stick);
    let logins: Vec<_> = report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["id"].as_str().is_some_and(|id| id.starts_with("login.")))
        .map(|c| c["id"].clone())
        .collect();
    assert!(!logins.contains(&"login.status".into()), "{logins:?}");
}

#[test]
fn the_doctor_speaks_french_with_a_french_locale() {
    let mut stick = Stick::new();
    stick.set("LANG", "fr_FR.UTF-8");
    let run = stick.run(&["doctor", "--offline"]);
    assert!(run.stdout.contains("Que faire\u{a0}:"), "{run:?}");
    assert!(
        run.stdout
            .contains("aucun identifiant de connexion n'est enregistré sur cette clé USB"),
        "{run:?}"
    );
}

#[test]
fn config_values_codex_quotes_and_numbers_under_headers_never_leave() {
    // codex refuses this config and quotes the value in its error; the
    // doctor shows codex's error.
    const CANARY: &str = "Token canary-quoted-9f8e7d6c";
    let mut stick = Stick::new();
    stick.write(
        "codex_home/config.toml",
        &format!(
            "model = \"gpt-5\"\n[model_providers.corp]\nname = \"corp\"\nbase_url = \"http://127.0.0.1:9/v1\"\nhttp_headers = \"Authorization: {CANARY}\"\n[mcp_servers.db.env]\nPIN = 86420975\n"
        ),
    );
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    let bundle = stick.outside.join("support.zip");
    let json = stick.run(&[
        "doctor",
        "--json",
        "--offline",
        "--bundle",
        &bundle.display().to_string(),
    ]);
    let human = stick.run(&["doctor", "--offline"]);
    for run in [&json, &human] {
        assert!(!run.all().contains("canary"), "{run:?}");
        assert!(!run.all().contains("86420975"), "{run:?}");
    }
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle")).expect("zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("read");
        assert!(
            !text.contains("canary") && !text.contains("86420975"),
            "{text}"
        );
    }
}

#[test]
fn a_bundle_never_replaces_a_file_unless_forced() {
    let mut stick = Stick::new();
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    let precious = stick.codex_home().join("auth.json");
    stick.write("codex_home/auth.json", "{\"auth_mode\":\"apikey\"}");
    let path = precious.display().to_string();
    let run = stick.run(&["doctor", "--offline", "--bundle", &path]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--force"), "{run:?}");
    assert_eq!(
        stick.read("codex_home/auth.json"),
        "{\"auth_mode\":\"apikey\"}"
    );
    let forced = stick.run(&["doctor", "--offline", "--bundle", &path, "--force"]);
    assert!(forced.stderr.contains("support bundle"), "{forced:?}");
    assert!(std::fs::read(&precious).expect("zip").starts_with(b"PK"));
}

#[test]
fn a_stick_inside_onedrive_is_said_once_with_what_onedrive_does() {
    let model =
        Server::start(|_| Reply::Full(200, "text/event-stream", crate::standin::sse_reply("hi")));
    let mut stick = Stick::with_model_provider(
        &format!("{}/v1", model.url()),
        "experimental_bearer_token = \"test-bearer\"",
    );
    stick
        .set("USBIDE_PREFLIGHT", "local")
        .set("USBIDE_DOCTOR_ENDPOINTS", "https://127.0.0.1:9/");
    let onedrive = stick.root.parent().expect("parent").display().to_string();
    stick.set("OneDrive", &onedrive);
    let first = stick.run(&["exec", "--skip-git-repo-check", "hi"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stderr.contains("inside OneDrive"), "{first:?}");
    let second = stick.run(&["exec", "--skip-git-repo-check", "hi"]);
    assert!(!second.stderr.contains("OneDrive"), "{second:?}");
    let doctor = stick.run(&["doctor", "--offline"]);
    assert!(doctor.stdout.contains("stick.onedrive"), "{doctor:?}");
    stick.unset("OneDrive");
    let doctor = stick.run(&["doctor", "--offline"]);
    assert!(!doctor.stdout.contains("stick.onedrive"), "{doctor:?}");
}
