//! What this computer adds to codex's environment: the CA bundle written
//! for a TLS-inspecting proxy on this computer, and the Windows system proxy
//! when no proxy variable is set. The system settings are passed in (read by
//! [`crate::platform::internet_settings`]), so Linux tests cover the wiring.

use std::ffi::OsString;
use std::path::Path;

use crate::environ::Environ;
use crate::net::sysproxy::{self, AutoProxy, SystemProxy};
use crate::platform::InternetSettings;
use crate::preflight::tlsbundle;

/// Variables to set, `-c` overrides to add, and notes to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Additions {
    pub vars: Vec<(OsString, OsString)>,
    pub overrides: Vec<String>,
    pub notes: Vec<String>,
}

/// The additions for this computer.
pub fn additions(
    env: &Environ,
    codex_home: &Path,
    system: Option<InternetSettings>,
    lang: crate::messages::Lang,
) -> Additions {
    let t = crate::messages::text(lang);
    let fill = crate::messages::fill;
    let mut out = Additions::default();
    let host = crate::login::method::host_name(env);
    if let Some(bundle) = tlsbundle::for_launch(codex_home, &host, env) {
        out.vars.push((
            OsString::from("CODEX_CA_CERTIFICATE"),
            bundle.into_os_string(),
        ));
    }
    match sysproxy::for_codex(env, system.as_ref()) {
        SystemProxy::Static(pairs) => {
            let shown: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::redact::url_password(v)))
                .collect();
            out.notes
                .push(fill(t.proxy_windows_static, &[("list", &shown.join(" "))]));
            out.vars.extend(
                pairs
                    .into_iter()
                    .map(|(k, v)| (OsString::from(k), OsString::from(v))),
            );
        }
        SystemProxy::Automatic(auto) => {
            let how = match auto {
                AutoProxy::Pac(url) => fill(t.proxy_how_pac, &[("url", &url)]),
                AutoProxy::Wpad => t.proxy_how_wpad.to_string(),
            };
            out.notes.push(fill(t.proxy_windows_auto, &[("how", &how)]));
            out.overrides.extend([
                "-c".to_string(),
                "features.respect_system_proxy=true".to_string(),
            ]);
        }
        SystemProxy::None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn static_proxy() -> InternetSettings {
        InternetSettings {
            proxy_enable: true,
            proxy_server: Some("proxy.corp:8080".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_static_windows_proxy_reaches_codex_unless_a_variable_is_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bare = Environ::from_pairs(&[], true);
        let got = additions(
            &bare,
            dir.path(),
            Some(static_proxy()),
            crate::messages::Lang::En,
        );
        let names: Vec<_> = got
            .vars
            .iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["HTTPS_PROXY", "HTTP_PROXY"]);
        assert!(got.notes[0].contains("HTTPS_PROXY=http://proxy.corp:8080"));
        let chosen = Environ::from_pairs(&[("https_proxy", "http://mine:1")], true);
        assert_eq!(
            additions(
                &chosen,
                dir.path(),
                Some(static_proxy()),
                crate::messages::Lang::En
            ),
            Additions::default()
        );
        assert_eq!(
            additions(&bare, dir.path(), None, crate::messages::Lang::En),
            Additions::default()
        );
    }

    #[test]
    fn usbide_probes_through_the_proxy_codex_gets() {
        let bare = Environ::from_pairs(&[("PATH", "C:\\Windows")], true);
        let net = bare.with_vars(&crate::net::sysproxy::system_proxy_vars(
            &bare,
            Some(&static_proxy()),
        ));
        assert_eq!(
            crate::net::proxy::proxy_for(&net, "https", "chatgpt.com").as_deref(),
            Some("http://proxy.corp:8080")
        );
        let codex_gets = additions(
            &bare,
            std::path::Path::new("/nowhere"),
            Some(static_proxy()),
            crate::messages::Lang::En,
        );
        let system = crate::net::sysproxy::system_proxy_vars(&bare, Some(&static_proxy()));
        assert_eq!(codex_gets.vars, system);
        // A variable set by the user wins, for codex and for usbide alike.
        let chosen = Environ::from_pairs(&[("HTTPS_PROXY", "http://mine:1")], true);
        assert!(crate::net::sysproxy::system_proxy_vars(&chosen, Some(&static_proxy())).is_empty());
    }

    #[test]
    fn pac_turns_on_codex_system_proxy_and_a_bundle_sets_the_ca() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = Environ::from_pairs(&[("COMPUTERNAME", "PC-9")], true);
        let pac = InternetSettings {
            auto_config_url: Some("http://wpad/proxy.pac".into()),
            ..Default::default()
        };
        let got = additions(&env, dir.path(), Some(pac), crate::messages::Lang::En);
        assert_eq!(got.overrides, ["-c", "features.respect_system_proxy=true"]);
        assert!(got.vars.is_empty());
        tlsbundle::write(dir.path(), "PC-9", &env).expect("bundle");
        let got = additions(&env, dir.path(), None, crate::messages::Lang::En);
        assert_eq!(
            got.vars,
            [(
                OsString::from("CODEX_CA_CERTIFICATE"),
                tlsbundle::path_for(dir.path(), "PC-9").into_os_string()
            )]
        );
    }
}
