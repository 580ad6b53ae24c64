//! What to do about each [`Cause`], in plain words, with the usbide command
//! that fixes it. English by default, French when the host's locale is
//! French; both catalogues cover every cause (the `match`es are exhaustive).

use crate::environ::Environ;
use crate::events::diagnose::{Cause, Diagnosis};

/// The language hints are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French when `LC_ALL`, `LC_MESSAGES`, `LANG` or `LANGUAGE` (in that
    /// order), or else the OS user locale, is French.
    pub fn detect(env: &Environ, os_locale: Option<&str>) -> Self {
        let from_env = ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
            .iter()
            .find_map(|n| env.get_str(n));
        match from_env.as_deref().or(os_locale) {
            Some(l) if l.to_ascii_lowercase().starts_with("fr") => Self::Fr,
            _ => Self::En,
        }
    }
}

/// The hint for a diagnosis.
pub fn hint(d: &Diagnosis, lang: Lang) -> String {
    let var = d.detail.as_deref().unwrap_or("the provider's key");
    match lang {
        Lang::En => en(d.cause, var),
        Lang::Fr => fr(d.cause, var),
    }
}

/// A short name of the cause for the one-line summary.
pub fn title(cause: Cause, lang: Lang) -> &'static str {
    match (lang, cause) {
        (Lang::En, Cause::NotLoggedIn) => {
            "not logged in on this stick, or the login was rejected (401)"
        }
        (Lang::Fr, Cause::NotLoggedIn) => "pas connecté sur cette clé, ou connexion refusée (401)",
        (Lang::En, Cause::ProxyAuth) => "the proxy wants a user name and password (407)",
        (Lang::Fr, Cause::ProxyAuth) => "le proxy demande un identifiant et un mot de passe (407)",
        (Lang::En, Cause::Dns) => "the server's name cannot be resolved (DNS)",
        (Lang::Fr, Cause::Dns) => "le nom du serveur ne se résout pas (DNS)",
        (Lang::En, Cause::ConnectionRefused) => "the connection was refused",
        (Lang::Fr, Cause::ConnectionRefused) => "la connexion a été refusée",
        (Lang::En, Cause::Tls) => "the secure connection (TLS) failed: certificate not trusted",
        (Lang::Fr, Cause::Tls) => "la connexion sécurisée (TLS) a échoué : certificat non reconnu",
        (Lang::En, _) => "Codex reported an error",
        (Lang::Fr, _) => "Codex a signalé une erreur",
    }
}

fn en(cause: Cause, var: &str) -> String {
    match cause {
        Cause::NotLoggedIn => "The server refused the login (401): this stick has no valid login. Log in once with `usbide login` (a one-time code works on any computer); the tokens stay on the stick. Also make sure no OPENAI_BASE_URL points elsewhere (`usbide env`).".into(),
        Cause::Forbidden => "The server refused access (403). A VPN or the network may be blocked; try without the VPN or from another network, then `usbide exec` again.".into(),
        Cause::CloudflareBlock => "Cloudflare blocked the request (403), usually because of the network or VPN you are on. Turn the VPN off or use another network, then run `usbide exec` again.".into(),
        Cause::WorkspaceRestricted => "This login belongs to a workspace the config does not allow (forced_chatgpt_workspace_id). Log in with the right account: `usbide login`.".into(),
        Cause::ProxyAuth => "The company proxy needs your credentials (407). Set HTTPS_PROXY=http://user:password@proxy-host:port (and NO_PROXY for local hosts), then run usbide again; `usbide env` shows what codex gets.".into(),
        Cause::RateLimit => "Too many requests (429). Wait a minute and run `usbide exec` again.".into(),
        Cause::UsageLimit => "Your ChatGPT plan's usage limit is reached. Wait until the time Codex gives, or raise the limit in your ChatGPT settings; `usbide status` shows which account this stick uses.".into(),
        Cause::Quota => "The API key's quota is used up. Check billing for that key, or log in with ChatGPT: `usbide login`.".into(),
        Cause::ServerError => "The server had an error (5xx), or a proxy in between answered for it. Try again in a few minutes with `usbide exec`; if an HTML page came back, a company proxy may be in the way.".into(),
        Cause::HighDemand => "OpenAI's servers are under high demand. Try again in a few minutes with `usbide exec`.".into(),
        Cause::BadRequest => "The server rejected the request (400). Check the model and options in codex_home/config.toml, then run `usbide exec` again.".into(),
        Cause::HttpStatus => "The server answered with an unexpected HTTP status. Run `usbide exec` again; if it persists, send the message above to whoever helps you.".into(),
        Cause::Dns => "This host cannot resolve the server's name. Check the network connection; behind a company proxy set HTTPS_PROXY=http://proxy-host:port, then run usbide again (`usbide env` shows the proxy codex gets).".into(),
        Cause::ConnectionRefused => "The connection was refused: nothing answers at that address, or a proxy setting points to a dead port. Check HTTPS_PROXY / codex_home/.env with `usbide env`, then run usbide again.".into(),
        Cause::Tls => "The secure connection failed: a company firewall is probably inspecting TLS with its own certificate. Export the company root certificate as a PEM file and set CODEX_CA_CERTIFICATE=path\\to\\root.pem, then run usbide again.".into(),
        Cause::WaitingForNetwork => "Codex cannot reach the network and keeps waiting. `usbide exec` stops such runs and says why; check the connection and any proxy with `usbide env`.".into(),
        Cause::NetworkUnknown => "Codex could not connect to the server. Check the network, the proxy (HTTPS_PROXY) and the date and time of this computer; `usbide env` shows what codex gets.".into(),
        Cause::Timeout => "The server did not answer in time. Check the network and run `usbide exec` again.".into(),
        Cause::RefreshExpired => "The login on this stick has expired. Log in again: `usbide login`.".into(),
        Cause::RefreshReused => "The login was refreshed elsewhere: two copies of auth.json (another stick or a PC) share one login, and only one can stay valid. Delete the other copies and log in again: `usbide login`.".into(),
        Cause::RefreshRevoked => "The login was revoked (logged out elsewhere or password changed). Log in again: `usbide login`.".into(),
        Cause::RefreshFailed => "The login could not be refreshed. Log in again: `usbide login`.".into(),
        Cause::ForcedLoginMismatch => "The stored login did not match forced_login_method, so Codex deleted auth.json. Log in again with the method the stick uses: `usbide login` (ChatGPT) or set --login-method api.".into(),
        Cause::MissingProviderKey => format!("The model provider needs {var}, which usbide does not pass on by default. Set {var} and USBIDE_CODEX_ALLOW_API_KEY=1, or log in with ChatGPT: `usbide login`."),
        Cause::ContextWindow => "The conversation is too long for the model. Start a new session (`usbide`) or clear earlier history.".into(),
        Cause::ModelCapacity => "This model is at capacity. Pick another model (`usbide exec -m MODEL ...`) or try later.".into(),
        Cause::CaFile => "CODEX_CA_CERTIFICATE or SSL_CERT_FILE points to a missing or non-PEM file. Fix the path or unset the variable; `usbide env` shows its value.".into(),
        Cause::UntrustedDirectory => "Codex only runs in a trusted folder: run it inside a git repository, or pass --skip-git-repo-check to `usbide exec`.".into(),
    }
}

fn fr(cause: Cause, var: &str) -> String {
    match cause {
        Cause::NotLoggedIn => "Le serveur a refusé la connexion (401) : cette clé n'a pas de connexion valide. Connectez-vous une fois avec `usbide login` ; les jetons restent sur la clé. Vérifiez aussi qu'aucun OPENAI_BASE_URL ne pointe ailleurs (`usbide env`).".into(),
        Cause::Forbidden => "Le serveur a refusé l'accès (403). Un VPN ou le réseau est peut-être bloqué ; essayez sans VPN ou depuis un autre réseau, puis relancez `usbide exec`.".into(),
        Cause::CloudflareBlock => "Cloudflare a bloqué la requête (403), en général à cause du réseau ou du VPN utilisé. Coupez le VPN ou changez de réseau, puis relancez `usbide exec`.".into(),
        Cause::WorkspaceRestricted => "Cette connexion appartient à un espace de travail que la configuration n'autorise pas (forced_chatgpt_workspace_id). Connectez-vous avec le bon compte : `usbide login`.".into(),
        Cause::ProxyAuth => "Le proxy de l'entreprise demande vos identifiants (407). Définissez HTTPS_PROXY=http://utilisateur:motdepasse@hote-proxy:port (et NO_PROXY pour les hôtes locaux), puis relancez usbide ; `usbide env` montre ce que reçoit codex.".into(),
        Cause::RateLimit => "Trop de requêtes (429). Attendez une minute et relancez `usbide exec`.".into(),
        Cause::UsageLimit => "La limite d'utilisation de votre abonnement ChatGPT est atteinte. Attendez l'heure indiquée par Codex, ou augmentez la limite dans vos réglages ChatGPT ; `usbide status` indique le compte utilisé par la clé.".into(),
        Cause::Quota => "Le quota de la clé d'API est épuisé. Vérifiez la facturation de cette clé, ou connectez-vous avec ChatGPT : `usbide login`.".into(),
        Cause::ServerError => "Le serveur a rencontré une erreur (5xx), ou un proxy intermédiaire a répondu à sa place. Réessayez dans quelques minutes avec `usbide exec` ; si une page HTML est revenue, un proxy d'entreprise est peut-être en cause.".into(),
        Cause::HighDemand => "Les serveurs d'OpenAI sont très sollicités. Réessayez dans quelques minutes avec `usbide exec`.".into(),
        Cause::BadRequest => "Le serveur a rejeté la requête (400). Vérifiez le modèle et les options dans codex_home/config.toml, puis relancez `usbide exec`.".into(),
        Cause::HttpStatus => "Le serveur a répondu avec un statut HTTP inattendu. Relancez `usbide exec` ; si cela persiste, transmettez le message ci-dessus à la personne qui vous aide.".into(),
        Cause::Dns => "Cet ordinateur ne trouve pas le nom du serveur. Vérifiez la connexion réseau ; derrière un proxy d'entreprise, définissez HTTPS_PROXY=http://hote-proxy:port, puis relancez usbide (`usbide env` montre le proxy transmis à codex).".into(),
        Cause::ConnectionRefused => "La connexion a été refusée : rien ne répond à cette adresse, ou un réglage de proxy pointe vers un port mort. Vérifiez HTTPS_PROXY et codex_home/.env avec `usbide env`, puis relancez usbide.".into(),
        Cause::Tls => "La connexion sécurisée a échoué : un pare-feu d'entreprise inspecte probablement le TLS avec son propre certificat. Exportez le certificat racine de l'entreprise en fichier PEM et définissez CODEX_CA_CERTIFICATE=chemin\\vers\\racine.pem, puis relancez usbide.".into(),
        Cause::WaitingForNetwork => "Codex n'arrive pas à joindre le réseau et attend indéfiniment. `usbide exec` arrête ces exécutions et dit pourquoi ; vérifiez la connexion et le proxy avec `usbide env`.".into(),
        Cause::NetworkUnknown => "Codex n'a pas pu se connecter au serveur. Vérifiez le réseau, le proxy (HTTPS_PROXY) ainsi que la date et l'heure de cet ordinateur ; `usbide env` montre ce que reçoit codex.".into(),
        Cause::Timeout => "Le serveur n'a pas répondu à temps. Vérifiez le réseau et relancez `usbide exec`.".into(),
        Cause::RefreshExpired => "La connexion enregistrée sur cette clé a expiré. Reconnectez-vous : `usbide login`.".into(),
        Cause::RefreshReused => "La connexion a été renouvelée ailleurs : deux copies d'auth.json (une autre clé ou un PC) partagent la même connexion, et une seule peut rester valide. Supprimez les autres copies et reconnectez-vous : `usbide login`.".into(),
        Cause::RefreshRevoked => "La connexion a été révoquée (déconnexion ailleurs ou mot de passe changé). Reconnectez-vous : `usbide login`.".into(),
        Cause::RefreshFailed => "La connexion n'a pas pu être renouvelée. Reconnectez-vous : `usbide login`.".into(),
        Cause::ForcedLoginMismatch => "La connexion enregistrée ne correspondait pas à forced_login_method, et Codex a supprimé auth.json. Reconnectez-vous avec la méthode de la clé : `usbide login` (ChatGPT) ou utilisez --login-method api.".into(),
        Cause::MissingProviderKey => format!("Le fournisseur de modèle a besoin de {var}, que usbide ne transmet pas par défaut. Définissez {var} et USBIDE_CODEX_ALLOW_API_KEY=1, ou connectez-vous avec ChatGPT : `usbide login`."),
        Cause::ContextWindow => "La conversation est trop longue pour le modèle. Démarrez une nouvelle session (`usbide`) ou effacez l'historique.".into(),
        Cause::ModelCapacity => "Ce modèle est saturé. Choisissez-en un autre (`usbide exec -m MODELE ...`) ou réessayez plus tard.".into(),
        Cause::CaFile => "CODEX_CA_CERTIFICATE ou SSL_CERT_FILE désigne un fichier absent ou qui n'est pas au format PEM. Corrigez le chemin ou supprimez la variable ; `usbide env` montre sa valeur.".into(),
        Cause::UntrustedDirectory => "Codex ne s'exécute que dans un dossier de confiance : lancez-le dans un dépôt git, ou ajoutez --skip-git-repo-check à `usbide exec`.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_follows_the_locale() {
        let fr = Environ::from_pairs(&[("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&fr, None), Lang::Fr);
        let en = Environ::from_pairs(&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")], false);
        assert_eq!(Lang::detect(&en, None), Lang::En);
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("fr-CA")),
            Lang::Fr
        );
        assert_eq!(
            Lang::detect(&Environ::from_pairs(&[], true), Some("de-DE")),
            Lang::En
        );
    }

    #[test]
    fn every_hint_names_a_usbide_command_in_both_languages() {
        use Cause::*;
        let all = [
            NotLoggedIn,
            Forbidden,
            CloudflareBlock,
            WorkspaceRestricted,
            ProxyAuth,
            RateLimit,
            UsageLimit,
            Quota,
            ServerError,
            HighDemand,
            BadRequest,
            HttpStatus,
            Dns,
            ConnectionRefused,
            Tls,
            WaitingForNetwork,
            NetworkUnknown,
            Timeout,
            RefreshExpired,
            RefreshReused,
            RefreshRevoked,
            RefreshFailed,
            ForcedLoginMismatch,
            MissingProviderKey,
            ContextWindow,
            ModelCapacity,
            CaFile,
            UntrustedDirectory,
        ];
        for cause in all {
            let d = Diagnosis {
                cause,
                status: None,
                detail: None,
            };
            let (e, f) = (hint(&d, Lang::En), hint(&d, Lang::Fr));
            assert!(e.contains("usbide"), "{cause:?}: {e}");
            assert!(f.contains("usbide"), "{cause:?}: {f}");
            assert_ne!(e, f, "{cause:?} is not translated");
        }
    }
}
