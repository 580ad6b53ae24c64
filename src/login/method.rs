//! Which login flow works on this host. The browser flow needs a browser that
//! can reach `localhost:1455` (or 1457) on this very machine; where that
//! cannot work, device-code login (a URL and a code, any browser, even a
//! phone) is chosen. Pure: the conditions are gathered at the edge.

use std::net::TcpListener;
use std::path::Path;

use crate::environ::Environ;

/// What the host looks like for logging in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostConditions {
    /// A graphical session a browser can open in.
    pub display: bool,
    /// Logged in over SSH.
    pub ssh: bool,
    /// A Windows Remote Desktop session.
    pub rdp: bool,
    /// Whether 127.0.0.1:1455 and :1457 (codex's callback ports) are free.
    pub port_1455_free: bool,
    pub port_1457_free: bool,
    /// The browser flow already failed once on this host.
    pub browser_failed_before: bool,
}

/// The flow to use, with the reason for device code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Browser,
    DeviceCode(&'static str),
}

/// The reasons are English; [`crate::messages::in_lang`] says them.
const EN: &crate::messages::Text = &crate::messages::en::TEXT;

/// Choose the flow for `host`.
pub fn choose(host: &HostConditions) -> Method {
    if host.ssh {
        Method::DeviceCode(EN.login_device_ssh)
    } else if host.rdp {
        Method::DeviceCode(EN.login_device_rdp)
    } else if !host.display {
        Method::DeviceCode(EN.login_device_no_display)
    } else if !host.port_1455_free && !host.port_1457_free {
        Method::DeviceCode(EN.login_device_ports)
    } else if host.browser_failed_before {
        Method::DeviceCode(EN.login_device_failed_before)
    } else {
        Method::Browser
    }
}

impl HostConditions {
    /// Read this host's conditions (environment, ports, the stick's memory).
    pub fn gather(env: &Environ, memory: &Path, host_name: &str) -> Self {
        let set = |n: &str| env.get_str(n).is_some();
        let session = env.get_str("SESSIONNAME").unwrap_or_default();
        Self {
            display: if cfg!(unix) && !cfg!(target_os = "macos") {
                set("DISPLAY") || set("WAYLAND_DISPLAY")
            } else {
                true
            },
            ssh: set("SSH_CONNECTION") || set("SSH_CLIENT") || set("SSH_TTY"),
            rdp: session.to_ascii_uppercase().starts_with("RDP-"),
            port_1455_free: port_free(1455),
            port_1457_free: port_free(1457),
            browser_failed_before: failed_hosts(memory).iter().any(|h| h == host_name),
        }
    }
}

fn port_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Hosts where the browser flow failed, one name a line.
pub fn failed_hosts(memory: &Path) -> Vec<String> {
    std::fs::read_to_string(memory)
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Remember that the browser flow failed on `host_name`.
pub fn remember_browser_failure(memory: &Path, host_name: &str) -> std::io::Result<()> {
    let mut hosts = failed_hosts(memory);
    if hosts.iter().any(|h| h == host_name) {
        return Ok(());
    }
    hosts.push(host_name.to_string());
    if let Some(dir) = memory.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::fsx::write_atomic(memory, format!("{}\n", hosts.join("\n")).as_bytes())
}

/// This computer's name, as the stick remembers hosts by.
pub fn host_name(env: &Environ) -> String {
    env.get_str("COMPUTERNAME")
        .or_else(|| env.get_str("HOSTNAME"))
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desktop() -> HostConditions {
        HostConditions {
            display: true,
            port_1455_free: true,
            port_1457_free: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_desktop_uses_the_browser() {
        assert_eq!(choose(&desktop()), Method::Browser);
        let one_port = HostConditions {
            port_1455_free: false,
            ..desktop()
        };
        assert_eq!(choose(&one_port), Method::Browser);
    }

    #[test]
    fn each_blocking_condition_picks_device_code() {
        let cases = [
            HostConditions {
                ssh: true,
                ..desktop()
            },
            HostConditions {
                rdp: true,
                ..desktop()
            },
            HostConditions {
                display: false,
                ..desktop()
            },
            HostConditions {
                port_1455_free: false,
                port_1457_free: false,
                ..desktop()
            },
            HostConditions {
                browser_failed_before: true,
                ..desktop()
            },
        ];
        for host in cases {
            assert!(matches!(choose(&host), Method::DeviceCode(_)), "{host:?}");
        }
    }

    #[test]
    fn gathering_reads_the_environment_and_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let memory = dir.path().join("browser-login-failed");
        remember_browser_failure(&memory, "PC-42").expect("remember");
        remember_browser_failure(&memory, "PC-42").expect("again");
        assert_eq!(failed_hosts(&memory), ["PC-42"]);
        let env = Environ::from_pairs(
            &[("SSH_CONNECTION", "1 2 3 4"), ("SESSIONNAME", "RDP-Tcp#3")],
            false,
        );
        let host = HostConditions::gather(&env, &memory, "PC-42");
        assert!(host.ssh && host.rdp && host.browser_failed_before);
        assert!(!HostConditions::gather(&env, &memory, "PC-7").browser_failed_before);
    }

    #[test]
    fn a_taken_port_is_seen() {
        // Bind the real port if we can; if it is already taken, gather sees that too.
        let held = TcpListener::bind(("127.0.0.1", 1457));
        let host = HostConditions::gather(
            &Environ::from_pairs(&[], false),
            Path::new("/nonexistent"),
            "x",
        );
        assert!(!host.port_1457_free);
        drop(held);
    }
}
