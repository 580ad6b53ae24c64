//! The platforms codex ships for, by the names each source uses.

/// One codex build target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Rust triple, also the folder name under `payload/`.
    pub triple: &'static str,
    /// Suffix of the npm platform package: `@openai/codex@<V>-<npm>`.
    pub npm: &'static str,
    /// Windows executables end in `.exe` and ship as `.zip`.
    pub windows: bool,
}

/// Every target codex publishes.
pub const ALL: &[Target] = &[
    Target {
        triple: "x86_64-pc-windows-msvc",
        npm: "win32-x64",
        windows: true,
    },
    Target {
        triple: "aarch64-pc-windows-msvc",
        npm: "win32-arm64",
        windows: true,
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        npm: "linux-x64",
        windows: false,
    },
    Target {
        triple: "aarch64-unknown-linux-musl",
        npm: "linux-arm64",
        windows: false,
    },
    Target {
        triple: "x86_64-apple-darwin",
        npm: "darwin-x64",
        windows: false,
    },
    Target {
        triple: "aarch64-apple-darwin",
        npm: "darwin-arm64",
        windows: false,
    },
];

impl Target {
    /// The executable name inside the tree: `codex` or `codex.exe`.
    pub fn exe(&self, stem: &str) -> String {
        if self.windows {
            format!("{stem}.exe")
        } else {
            stem.to_string()
        }
    }

    /// The GitHub release asset name.
    pub fn github_asset(&self) -> String {
        if self.windows {
            format!("codex-{}.exe.zip", self.triple)
        } else {
            format!("codex-{}.tar.gz", self.triple)
        }
    }
}

/// The target for an OS and architecture as `std::env::consts` names them.
pub fn for_host(os: &str, arch: &str) -> Option<&'static Target> {
    let npm = match (os, arch) {
        ("windows", "x86_64") => "win32-x64",
        ("windows", "aarch64") => "win32-arm64",
        ("linux", "x86_64") => "linux-x64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "x86_64") => "darwin-x64",
        ("macos", "aarch64") => "darwin-arm64",
        _ => return None,
    };
    ALL.iter().find(|t| t.npm == npm)
}

/// The target of the machine usbide runs on.
pub fn host() -> Option<&'static Target> {
    for_host(std::env::consts::OS, std::env::consts::ARCH)
}

/// `host`, `all` or a triple, as `--target` takes it.
pub fn select(spec: &str, lang: crate::messages::Lang) -> Result<Vec<&'static Target>, String> {
    let text = crate::messages::text(lang);
    match spec {
        "host" => host()
            .map(|t| vec![t])
            .ok_or_else(|| text.target_unpublished.into()),
        "all" => Ok(ALL.iter().collect()),
        triple => ALL
            .iter()
            .find(|t| t.triple == triple)
            .map(|t| vec![t])
            .ok_or_else(|| {
                let known: Vec<_> = ALL.iter().map(|t| t.triple).collect();
                crate::messages::fill(
                    text.target_unknown,
                    &[
                        ("triple", &format!("{triple:?}")),
                        ("known", &known.join(", ")),
                    ],
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_map_to_musl_and_msvc_builds() {
        assert_eq!(
            for_host("linux", "x86_64").map(|t| t.triple),
            Some("x86_64-unknown-linux-musl")
        );
        assert_eq!(
            for_host("windows", "x86_64").map(|t| t.npm),
            Some("win32-x64")
        );
        assert_eq!(for_host("freebsd", "x86_64"), None);
    }

    #[test]
    fn asset_names_follow_the_release() {
        let win = select("x86_64-pc-windows-msvc", crate::messages::Lang::En).expect("known")[0];
        assert_eq!(win.github_asset(), "codex-x86_64-pc-windows-msvc.exe.zip");
        assert_eq!(win.exe("codex"), "codex.exe");
        let linux =
            select("aarch64-unknown-linux-musl", crate::messages::Lang::En).expect("known")[0];
        assert_eq!(
            linux.github_asset(),
            "codex-aarch64-unknown-linux-musl.tar.gz"
        );
        assert_eq!(
            select("all", crate::messages::Lang::En).expect("all").len(),
            6
        );
        assert!(
            select("sparc", crate::messages::Lang::En)
                .expect_err("unknown")
                .contains("x86_64-pc-windows-msvc")
        );
    }
}
