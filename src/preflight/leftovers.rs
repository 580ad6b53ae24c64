//! What codex's elevated Windows sandbox leaves on a computer (openai/codex,
//! `codex-rs/windows-sandbox-rs`): two local user accounts with random
//! passwords, their profile folders, a local group, three firewall rules,
//! and on the stick the accounts' passwords, DPAPI-protected for that
//! computer alone (`codex_home/.sandbox-secrets`). The doctor lists them;
//! `usbide clean` removes them, with one administrator prompt, or prints the
//! commands an administrator would run.
//!
//! Found through the tools any administrator would use (`net user`,
//! `net localgroup`, `netsh advfirewall`), whose answers are read by exit
//! code and by the name they echo, not by their (translated) labels.

use std::path::{Path, PathBuf};

/// The accounts codex's elevated setup creates.
pub const ACCOUNTS: [&str; 2] = ["CodexSandboxOffline", "CodexSandboxOnline"];
/// The local group it puts them in.
pub const GROUP: &str = "CodexSandboxUsers";
/// The firewall rules that keep the offline account off the network.
pub const FIREWALL_RULES: [&str; 3] = [
    "codex_sandbox_offline_block_outbound",
    "codex_sandbox_offline_block_loopback_tcp",
    "codex_sandbox_offline_block_loopback_udp",
];

/// One thing codex's sandbox left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leftover {
    Account(&'static str),
    Group,
    /// A profile folder under `C:\Users` of one of the accounts.
    Profile(PathBuf),
    FirewallRule(&'static str),
    /// The accounts' passwords on the stick, for this computer.
    Secrets(PathBuf),
}

impl Leftover {
    /// How it reads in a list.
    pub fn describe(&self, lang: crate::messages::Lang) -> String {
        let t = crate::messages::text(lang);
        let (template, name) = match self {
            Self::Account(n) => (t.leftover_account, (*n).to_string()),
            Self::Group => (t.leftover_group, GROUP.to_string()),
            Self::Profile(p) => (t.leftover_profile, p.display().to_string()),
            Self::FirewallRule(n) => (t.leftover_rule, (*n).to_string()),
            Self::Secrets(p) => (t.leftover_secrets, p.display().to_string()),
        };
        crate::messages::fill(template, &[("name", &name)])
    }

    /// Whether removing it needs an administrator (all but the stick's).
    pub fn on_the_computer(&self) -> bool {
        !matches!(self, Self::Secrets(_))
    }
}

/// What a tool answered: its exit code and what it printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub code: Option<i32>,
    pub stdout: String,
}

impl Answer {
    /// The tool found `name`: it succeeded and names it (Wine's stubs and a
    /// tool that prints its usage do not).
    fn finds(&self, name: &str) -> bool {
        self.code == Some(0) && self.stdout.to_lowercase().contains(&name.to_lowercase())
    }
}

/// What the tools answered on this computer, and what is in the folders.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    /// `net user NAME`, for each of [`ACCOUNTS`].
    pub accounts: Vec<Answer>,
    /// `net localgroup CodexSandboxUsers`.
    pub group: Answer,
    /// `netsh advfirewall firewall show rule name=NAME`, for each of
    /// [`FIREWALL_RULES`].
    pub rules: Vec<Answer>,
    /// The folders in the profiles folder (`C:\Users`).
    pub profiles: Vec<PathBuf>,
    /// `codex_home/.sandbox-secrets`, when it holds this computer's.
    pub secrets: Option<PathBuf>,
}

/// What is left, from what the tools answered.
pub fn from_probes(p: &Probes) -> Vec<Leftover> {
    let mut out = Vec::new();
    for (name, answer) in ACCOUNTS.iter().zip(&p.accounts) {
        if answer.finds(name) {
            out.push(Leftover::Account(name));
        }
    }
    if p.group.finds(GROUP) {
        out.push(Leftover::Group);
    }
    out.extend(
        p.profiles
            .iter()
            .filter(|d| {
                let text = d.to_string_lossy();
                let name = text.rsplit(['\\', '/']).next().unwrap_or_default();
                name.to_ascii_lowercase().starts_with("codexsandbox")
            })
            .cloned()
            .map(Leftover::Profile),
    );
    for (name, answer) in FIREWALL_RULES.iter().zip(&p.rules) {
        if answer.finds(name) {
            out.push(Leftover::FirewallRule(name));
        }
    }
    out.extend(p.secrets.clone().map(Leftover::Secrets));
    out
}

/// The PowerShell lines an administrator runs to remove what is on the
/// computer (profiles first, while their accounts still name them).
pub fn removal_commands(found: &[Leftover]) -> Vec<String> {
    let mut out = Vec::new();
    if found.iter().any(|l| matches!(l, Leftover::Profile(_))) {
        out.push(
            "Get-CimInstance Win32_UserProfile | Where-Object { $_.LocalPath -like '*\\CodexSandbox*' } | Remove-CimInstance"
                .to_string(),
        );
    }
    for l in found {
        match l {
            Leftover::Account(name) => out.push(format!("net user {name} /delete")),
            Leftover::Group => out.push(format!("net localgroup {GROUP} /delete")),
            Leftover::FirewallRule(name) => {
                out.push(format!(
                    "netsh advfirewall firewall delete rule name=\"{name}\""
                ));
            }
            Leftover::Profile(_) | Leftover::Secrets(_) => {}
        }
    }
    out
}

/// The removal as one PowerShell script that exits with the number of
/// commands that failed, encoded for `powershell -EncodedCommand` (UTF-16LE,
/// base64): no quoting for a shell to get wrong, no file to swap.
pub fn encoded_script(commands: &[String]) -> String {
    use base64::Engine;
    let mut script = String::from("$failed = 0\n");
    for c in commands {
        script.push_str(&format!(
            "{c}\nif (-not $?) {{ $failed++ }} elseif ($LASTEXITCODE) {{ $failed++ }}\n$global:LASTEXITCODE = 0\n"
        ));
    }
    script.push_str("exit $failed\n");
    let utf16: Vec<u8> = script.encode_utf16().flat_map(u16::to_le_bytes).collect();
    base64::engine::general_purpose::STANDARD.encode(utf16)
}

/// Windows PowerShell, in Windows' own folder (never one found through the
/// search path or in the current folder: it runs as an administrator).
pub fn powershell() -> Option<PathBuf> {
    crate::platform::system_dir().map(|d| d.join(r"WindowsPowerShell\v1.0\powershell.exe"))
}

/// Look on this computer `host` (Windows; nothing elsewhere), each tool
/// given until `deadline`. The stick's `.sandbox-secrets` counts when it
/// holds this computer's accounts (or nobody knows whose).
pub fn find(
    env: &crate::environ::Environ,
    codex_home: &Path,
    host: Option<&str>,
    deadline: std::time::Instant,
) -> Vec<Leftover> {
    let Some(system) = crate::platform::system_dir() else {
        return Vec::new();
    };
    let run = |program: &str, args: &[&str]| -> Answer {
        let mut cmd = std::process::Command::new(system.join(program));
        cmd.args(args);
        match crate::preflight::output_by(&mut cmd, deadline) {
            Some(o) => Answer {
                code: o.status.code(),
                stdout: String::from_utf8_lossy(&o.stdout[..o.stdout.len().min(64 * 1024)])
                    .into_owned(),
            },
            None => Answer::default(),
        }
    };
    let profiles_root = env
        .get_str("USERPROFILE")
        .and_then(|p| Path::new(&p).parent().map(Path::to_path_buf));
    let profiles = profiles_root
        .and_then(|root| std::fs::read_dir(root).ok())
        .map(|dir| {
            dir.flatten()
                .take(10_000)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    let whose = crate::preflight::sandbox::Hosts::read(codex_home).secrets;
    let secrets_here = whose.is_none() || whose.as_deref() == host;
    let secrets = crate::preflight::sandbox::secrets_dir(codex_home);
    from_probes(&Probes {
        accounts: ACCOUNTS
            .iter()
            .map(|a| run("net.exe", &["user", a]))
            .collect(),
        group: run("net.exe", &["localgroup", GROUP]),
        rules: FIREWALL_RULES
            .iter()
            .map(|r| {
                let name = format!("name={r}");
                run(
                    "netsh.exe",
                    &["advfirewall", "firewall", "show", "rule", &name],
                )
            })
            .collect(),
        profiles,
        secrets: (secrets_here && secrets.is_dir()).then_some(secrets),
    })
}

/// The doctor's line: what codex's sandbox left on this computer.
pub fn check(found: &[Leftover], lang: crate::messages::Lang) -> crate::preflight::check::Check {
    use crate::preflight::check::{Check, Group};
    let t = crate::messages::text(lang);
    let g = Group::Windows;
    if !cfg!(windows) {
        return Check::skipped(g, "host.sandbox_leftovers", t.win_not_windows);
    }
    if found.is_empty() {
        return Check::ok(g, "host.sandbox_leftovers", t.leftovers_none);
    }
    let list: Vec<String> = found.iter().map(|l| l.describe(lang)).collect();
    Check::warn(
        g,
        "host.sandbox_leftovers",
        crate::messages::fill(t.leftovers_found, &[("list", &list.join(", "))]),
        t.leftovers_fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(code: i32, stdout: &str) -> Answer {
        Answer {
            code: Some(code),
            stdout: stdout.into(),
        }
    }

    /// `net user CodexSandboxOffline` on a French Windows.
    const NET_USER_FR: &str = "Nom d'utilisateur                          CodexSandboxOffline\r\n\
        Nom complet\r\nCommentaire\r\nCompte : actif                             Oui\r\n\
        La commande s'est terminée correctement.\r\n";
    /// `net user CodexSandboxOnline` where there is none.
    const NET_USER_NONE: &str = "";
    /// `netsh advfirewall firewall show rule name=...` in English.
    const NETSH_RULE: &str = "\r\nRule Name:                            codex_sandbox_offline_block_outbound\r\n\
        ----------------------------------------------------------------------\r\n\
        Enabled:                              Yes\r\nDirection:                            Out\r\nAction:                               Block\r\nOk.\r\n";
    const NETSH_NONE: &str = "No rules match the specified criteria.\r\n";

    #[test]
    fn what_the_tools_answered_is_read_by_exit_code_and_name() {
        let probes = Probes {
            accounts: vec![found(0, NET_USER_FR), found(2, NET_USER_NONE)],
            // Wine's net.exe prints its usage and succeeds: not a group.
            group: found(
                0,
                "The syntax of this command is:\r\nNET [ HELP | START | STOP | USE ]\r\n",
            ),
            rules: vec![
                found(0, NETSH_RULE),
                found(1, NETSH_NONE),
                Answer::default(),
            ],
            profiles: vec![
                PathBuf::from(r"C:\Users\Ann"),
                PathBuf::from(r"C:\Users\CodexSandboxOffline"),
                PathBuf::from(r"C:\Users\CodexSandboxOnline.PC-7"),
                PathBuf::from(r"C:\Users\Public"),
            ],
            secrets: Some(PathBuf::from(r"E:\codex_home\.sandbox-secrets")),
        };
        let got = from_probes(&probes);
        assert_eq!(
            got,
            [
                Leftover::Account("CodexSandboxOffline"),
                Leftover::Profile(PathBuf::from(r"C:\Users\CodexSandboxOffline")),
                Leftover::Profile(PathBuf::from(r"C:\Users\CodexSandboxOnline.PC-7")),
                Leftover::FirewallRule("codex_sandbox_offline_block_outbound"),
                Leftover::Secrets(PathBuf::from(r"E:\codex_home\.sandbox-secrets")),
            ]
        );
        assert!(from_probes(&Probes::default()).is_empty());
    }

    #[test]
    fn the_removal_commands_are_exact_and_profiles_go_first() {
        let all = [
            Leftover::Account("CodexSandboxOffline"),
            Leftover::Account("CodexSandboxOnline"),
            Leftover::Group,
            Leftover::Profile(PathBuf::from(r"C:\Users\CodexSandboxOffline")),
            Leftover::FirewallRule("codex_sandbox_offline_block_outbound"),
            Leftover::Secrets(PathBuf::from("x")),
        ];
        assert_eq!(
            removal_commands(&all),
            [
                "Get-CimInstance Win32_UserProfile | Where-Object { $_.LocalPath -like '*\\CodexSandbox*' } | Remove-CimInstance",
                "net user CodexSandboxOffline /delete",
                "net user CodexSandboxOnline /delete",
                "net localgroup CodexSandboxUsers /delete",
                "netsh advfirewall firewall delete rule name=\"codex_sandbox_offline_block_outbound\"",
            ]
        );
        // Only the stick's own: nothing for an administrator.
        assert!(removal_commands(&[Leftover::Secrets(PathBuf::from("x"))]).is_empty());
    }

    #[test]
    fn the_script_is_utf16_base64_and_counts_failures() {
        use base64::Engine;
        let encoded = encoded_script(&["net user CodexSandboxOnline /delete".to_string()]);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let script = String::from_utf16(&units).expect("utf-16");
        assert!(script.starts_with("$failed = 0\nnet user CodexSandboxOnline /delete\n"));
        assert!(script.ends_with("exit $failed\n"), "{script}");
    }

    #[test]
    fn each_leftover_says_itself_in_both_languages() {
        let l = Leftover::Account("CodexSandboxOffline");
        assert!(
            l.describe(crate::messages::Lang::En)
                .contains("CodexSandboxOffline")
        );
        assert!(l.describe(crate::messages::Lang::Fr).contains("compte"));
        assert!(l.on_the_computer() && !Leftover::Secrets(PathBuf::new()).on_the_computer());
    }
}
