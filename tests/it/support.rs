//! The test stick: a folder under the build's temp dir laid out like a USB
//! stick, and a way to run the real `usbide` binary on it with a clean,
//! explicit environment (nothing of the developer's leaks in).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A path cargo gave at build time, as this test process sees it: under
/// Wine the tests are Windows programs built on Linux, so `/work/x` is
/// Wine's `Z:\work\x`.
pub fn native(path: &str) -> PathBuf {
    if cfg!(windows) && path.starts_with('/') {
        PathBuf::from(format!("Z:{}", path.replace('/', "\\")))
    } else {
        PathBuf::from(path)
    }
}

/// Whether a spawn failed for a moment only: a binary the tests just copied
/// can be refused with "Text file busy" (ETXTBSY) while a process another
/// test thread forked still holds the copy open until it execs; Wine, on a
/// loaded machine, now and then answers a process creation with "Internal
/// error" (1359).
fn transient(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::ExecutableFileBusy
        || (cfg!(windows) && e.raw_os_error() == Some(1359))
}

/// Spawn `cmd`, tried again for up to 10 s after a [`transient`] failure.
pub fn spawn(cmd: &mut Command) -> std::process::Child {
    let started = std::time::Instant::now();
    loop {
        match cmd.spawn() {
            Err(e) if transient(&e) && started.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other.unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}")),
        }
    }
}

/// Run `cmd` and collect its output (stdin closed unless set), with the
/// retry of [`spawn`].
pub fn output(cmd: &mut Command) -> Output {
    let started = std::time::Instant::now();
    loop {
        match cmd.output() {
            Err(e) if transient(&e) && started.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other.unwrap_or_else(|e| panic!("run {cmd:?}: {e}")),
        }
    }
}

/// The usbide binary cargo built for these tests.
pub fn usbide_bin() -> PathBuf {
    native(env!("CARGO_BIN_EXE_usbide"))
}

/// `name` as an executable's file name on this OS (`usbide.exe` on Windows).
pub fn exe_name(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The repository root (holds the installed real codex payload).
pub fn repo() -> PathBuf {
    native(env!("CARGO_MANIFEST_DIR"))
}

/// The payload tree of this OS: the Linux musl build, or under Wine the
/// Windows `codex.exe`.
pub const PAYLOAD_TARGET: &str = if cfg!(windows) {
    "x86_64-pc-windows-msvc"
} else {
    "x86_64-unknown-linux-musl"
};

/// The real codex executable in the repository's payload.
pub fn real_codex() -> PathBuf {
    real_payload_dir()
        .join(PAYLOAD_TARGET)
        .join("bin")
        .join(exe_name("codex"))
}

/// The host's payload tree installed by `usbide payload install`; the tests
/// need the real codex and say how to get it.
pub fn real_payload_dir() -> PathBuf {
    let dir = repo().join("payload");
    let tree = dir.join(PAYLOAD_TARGET);
    assert!(
        tree.join("codex-package.json").is_file(),
        "the real codex is not installed in {}; run `cargo run -- --root . payload install --target {PAYLOAD_TARGET} --npm-registry \"$(npm config get registry)\"` first (.ci/run does)",
        tree.display()
    );
    dir
}

/// A temporary stick.
pub struct Stick {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// Outside the stick: the test's TMPDIR and HOME.
    pub outside: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Stick {
    /// An empty stick (no codex_home yet), using the repository's payload.
    pub fn new() -> Self {
        Self::with_payload_dir(&real_payload_dir())
    }

    /// An empty stick with no codex at all, for commands that never start
    /// one (`env`, `status`, `doctor --offline`, `render`).
    pub fn without_payload() -> Self {
        let mut stick = Self::with_payload_dir(Path::new("/nonexistent/payload"));
        let empty = stick.root.join("payload");
        fs::create_dir_all(&empty).expect("payload dir");
        stick.set("USBIDE_PAYLOAD_DIR", &empty.display().to_string());
        stick
    }

    /// A stick outside any git work tree (the test's own folder is in the
    /// repository's): the system's temporary folder; on Windows, which
    /// refuses a stick there, a folder in the user's local application data.
    pub fn outside_git() -> Self {
        #[cfg(unix)]
        let base = std::env::temp_dir();
        #[cfg(windows)]
        let base = PathBuf::from(std::env::var("LOCALAPPDATA").expect("LOCALAPPDATA"))
            .join("usbide-test-sticks");
        Self::in_base(&base, &real_payload_dir())
    }

    fn with_payload_dir(payload: &Path) -> Self {
        Self::in_base(&native(env!("CARGO_TARGET_TMPDIR")), payload)
    }

    fn in_base(base: &Path, payload: &Path) -> Self {
        let base = base.to_path_buf();
        fs::create_dir_all(&base).expect("target tmp");
        let dir = tempfile::Builder::new()
            .prefix("stick-")
            .tempdir_in(&base)
            .expect("tempdir");
        let root = dir.path().join("STICK");
        let outside = dir.path().join("host");
        fs::create_dir_all(&root).expect("root");
        fs::create_dir_all(outside.join("home")).expect("home");
        let mut env = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("LANG".into(), "C.UTF-8".into()),
            ("USBIDE_ROOT".into(), root.display().to_string()),
            ("USBIDE_PAYLOAD_DIR".into(), payload.display().to_string()),
        ];
        env.extend(host_basics(&outside));
        let mut stick = Self {
            _dir: dir,
            root,
            outside,
            env,
        };
        let temp = stick.outside.display().to_string();
        stick.set_temp(&temp);
        stick
    }

    /// The host's temporary folder (`TMPDIR`; `TEMP` and `TMP` on Windows).
    pub fn set_temp(&mut self, dir: &str) -> &mut Self {
        for name in TEMP_VARS {
            self.set(name, dir);
        }
        self
    }

    /// A stick whose codex uses a stand-in model provider at `base_url`,
    /// authenticated by `auth` (a provider key line), with retries off so a
    /// failure ends after one request.
    pub fn with_model_provider(base_url: &str, auth: &str) -> Self {
        let stick = Self::new();
        stick.write(
            "codex_home/config.toml",
            &Self::provider_config(base_url, auth),
        );
        stick
    }

    /// A stick whose codex uses the built-in OpenAI provider with an API key
    /// login, sent to a stand-in for OpenAI at `base_url` (`openai_base_url`):
    /// what answers there answers for OpenAI.
    pub fn with_openai_standin(base_url: &str) -> Self {
        let stick = Self::new();
        stick.write(
            "codex_home/config.toml",
            &format!(
                "model = \"gpt-test\"\nopenai_base_url = \"{base_url}\"\napproval_policy = \"never\"\n"
            ),
        );
        stick.write(
            "codex_home/auth.json",
            "{\"auth_mode\":\"apikey\",\"OPENAI_API_KEY\":\"sk-test-standin-0000\"}",
        );
        stick.write("usbide.toml", "login_method = \"api\"\n");
        stick
    }

    /// The `config.toml` of [`Self::with_model_provider`].
    pub fn provider_config(base_url: &str, auth: &str) -> String {
        format!(
            "model = \"gpt-test\"\n\
                 model_provider = \"standin\"\n\
                 approval_policy = \"never\"\n\
                 sandbox_mode = \"danger-full-access\"\n\
                 \n\
                 [model_providers.standin]\n\
                 name = \"stand-in\"\n\
                 base_url = \"{base_url}\"\n\
                 {auth}\n\
                 wire_api = \"responses\"\n\
                 request_max_retries = 0\n\
                 stream_max_retries = 0\n"
        )
    }

    /// Set (or replace) a variable for every later run.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.into(), value.into()));
        self
    }

    /// Drop a variable.
    pub fn unset(&mut self, name: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != name);
        self
    }

    pub fn codex_home(&self) -> PathBuf {
        self.root.join("codex_home")
    }

    /// Write a file under the stick root.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// A `Command` for `exe` with exactly this stick's environment.
    pub fn command_for(&self, exe: &Path, args: &[&str]) -> Command {
        // The stick this run sees: USBIDE_ROOT when a test moved it.
        let root = self
            .env
            .iter()
            .find(|(k, _)| k == "USBIDE_ROOT")
            .map_or_else(|| self.root.clone(), |(_, v)| PathBuf::from(v));
        wine_installation_id(&root.join("codex_home"));
        let mut cmd = Command::new(exe);
        cmd.args(args.iter().map(OsString::from))
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.outside)
            .stdin(Stdio::null());
        cmd
    }

    /// Run the built usbide with `args`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(
            self.command_for(&usbide_bin(), args)
                .output()
                .expect("spawn usbide"),
        )
    }
}

/// Under Wine only (test support, not product behaviour): codex.exe starts
/// its in-process app-server by locking `CODEX_HOME\installation_id`; when
/// the file is missing or holds no UUID it calls `File::unlock`, which asks
/// Windows to unlock a range twice and expects ERROR_NOT_LOCKED. Wine
/// answers a lock conflict instead (WineHQ bug 59711) and codex stops with
/// "Lock violation (os error 33)". Real Windows never does; a UUID written
/// beforehand keeps codex off that path, so the whole session runs.
pub fn wine_installation_id(codex_home: &Path) {
    if !cfg!(windows) {
        return;
    }
    let id = codex_home.join("installation_id");
    // Only on a stick that is there (never make its root).
    if id.exists() || !codex_home.parent().is_some_and(Path::is_dir) {
        return;
    }
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("random");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    );
    fs::create_dir_all(codex_home).expect("codex_home");
    fs::write(id, uuid).expect("installation_id");
}

/// The variables that name the host's temporary folder.
pub const TEMP_VARS: &[&str] = if cfg!(windows) {
    &["TEMP", "TMP"]
} else {
    &["TMPDIR"]
};

/// The variables a program needs on this OS besides PATH, with the user's
/// home in `outside/home`. Under Wine also Wine's own (its prefix, and the
/// Windows system folders every Windows program expects).
fn host_basics(outside: &Path) -> Vec<(String, String)> {
    let home = outside.join("home").display().to_string();
    if !cfg!(windows) {
        return vec![("HOME".into(), home)];
    }
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            let k = k.to_ascii_uppercase();
            k.starts_with("WINE")
                || [
                    "SYSTEMROOT",
                    "WINDIR",
                    "SYSTEMDRIVE",
                    "COMSPEC",
                    "PATHEXT",
                    "USERNAME",
                    "COMPUTERNAME",
                    "PROGRAMDATA",
                    "PROGRAMFILES",
                ]
                .contains(&k.as_str())
        })
        .collect();
    vars.push(("USERPROFILE".into(), home.clone()));
    vars.push(("APPDATA".into(), format!("{home}\\AppData\\Roaming")));
    vars.push(("LOCALAPPDATA".into(), format!("{home}\\AppData\\Local")));
    vars
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// stdout and stderr together, for "is it anywhere on screen".
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The npm platform of this OS's codex package.
pub const NPM_PLATFORM: &str = if cfg!(windows) {
    "win32-x64"
} else {
    "linux-x64"
};

/// The pinned version and the real npm tarball of codex for this OS, packed
/// once with npm from the registry npm is configured with (scripts/win.sh
/// packs the Windows one before Wine runs the tests).
pub fn real_codex_package() -> (String, Vec<u8>) {
    let pin = fs::read_to_string(repo().join("payload").join("payload.toml")).expect("pin");
    let version = pin
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("pinned version")
        .to_string();
    let bytes = real_codex_tarball(&version);
    (version, bytes)
}

/// The real npm tarball of codex `version` for this OS (see
/// [`real_codex_package`]).
pub fn real_codex_tarball(version: &str) -> Vec<u8> {
    let dir = if cfg!(windows) {
        repo().join("target").join("windows").join("npm")
    } else {
        repo().join("target").join("npm")
    };
    let file = dir.join(format!("openai-codex-{version}-{NPM_PLATFORM}.tgz"));
    if !file.is_file() && !cfg!(windows) {
        fs::create_dir_all(&dir).expect("npm dir");
        let packed = Command::new("npm")
            .args([
                "pack",
                "-q",
                &format!("@openai/codex@{version}-{NPM_PLATFORM}"),
            ])
            .current_dir(&dir)
            .status();
        assert!(
            packed.is_ok_and(|s| s.success()),
            "npm pack @openai/codex@{version}-{NPM_PLATFORM} failed"
        );
    }
    fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// What is wrong with `report` by `docs/<name>.schema.json` (empty: valid).
pub fn schema_errors(name: &str, report: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(repo().join("docs").join(format!("{name}.schema.json")))
            .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
