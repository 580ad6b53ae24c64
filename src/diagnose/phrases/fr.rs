//! Les mots français de chaque cause : son titre, sa solution, et la
//! solution quand le diagnostic a un détail.

use crate::diagnose::Cause;

/// Le titre d'une cause, sa solution, et la solution quand le diagnostic
/// porte un détail (`{detail}` : le délai d'une limite de débit, le nom
/// d'une variable).
pub fn cause(c: Cause) -> (&'static str, &'static str, Option<&'static str>) {
    use Cause::*;
    match c {
        NoLogin => (
            "Aucun identifiant de connexion n'est enregistré sur cette clé USB",
            "Rien n'a été envoyé au serveur. Connectez-vous une fois avec `usbide login` (un code à usage unique fonctionne depuis n'importe quel ordinateur)\u{a0}; les identifiants restent sur la clé USB.",
            None,
        ),
        NotLoggedIn => (
            "Le serveur a refusé les identifiants de cette clé USB (401)",
            "Reconnectez-vous avec `usbide login`. Si codex passe par un autre fournisseur (`model_provider`), c'est la clé d'API de ce fournisseur qui a été refusée\u{a0}; vérifiez qu'aucun OPENAI_BASE_URL ne pointe ailleurs (`usbide env`).",
            None,
        ),
        KeyScopes => (
            "Il manque à la clé d'API une permission dont Codex a besoin (api.responses.write)",
            "Accordez-la dans le tableau de bord d'OpenAI, ou connectez-vous plutôt avec ChatGPT\u{a0}: `usbide login`.",
            None,
        ),
        Forbidden => (
            "Le serveur a refusé l'accès (403)",
            "Un VPN ou ce réseau est probablement bloqué\u{a0}: coupez le VPN ou essayez un autre réseau, puis relancez `usbide exec`. Un serveur `[model_providers]` refuse pour ses propres raisons (sa clé d'API, ses règles sur les clients)\u{a0}: adressez-vous à qui le gère.",
            None,
        ),
        CloudflareBlock => (
            "Cloudflare a bloqué la requête (403)",
            "Cela vient en général du réseau ou du VPN utilisé\u{a0}: coupez le VPN ou changez de réseau, puis relancez `usbide exec`.",
            None,
        ),
        RegionBlocked => (
            "OpenAI ne dessert pas le pays d'où semble venir cette requête",
            "Si un VPN ou un proxy vous fait apparaître ailleurs, coupez-le ou choisissez un pays pris en charge\u{a0}; sinon, Codex n'est pas disponible d'ici.",
            None,
        ),
        WorkspaceRestricted => (
            "Ce compte appartient à un espace de travail que la configuration n'autorise pas",
            "Connectez-vous avec un compte de l'espace de travail autorisé (forced_chatgpt_workspace_id)\u{a0}: `usbide login`.",
            None,
        ),
        ProxyAuth => (
            "Le proxy demande un nom d'utilisateur et un mot de passe (407)",
            "Définissez HTTPS_PROXY=http://utilisateur:motdepasse@hote-proxy:port (et NO_PROXY pour les hôtes locaux), puis relancez usbide\u{a0}; `usbide env` montre ce que reçoit codex.",
            None,
        ),
        RateLimit => (
            "Trop de requêtes pour le moment (limite de débit)",
            "Attendez une minute, puis relancez\u{a0}; cette limite se lève d'elle-même.",
            Some(
                "Codex indique le délai\u{a0}: {detail}. Attendez ce temps, puis relancez\u{a0}; cette limite se lève d'elle-même.",
            ),
        ),
        UsageLimit => (
            "La limite d'utilisation de votre abonnement ChatGPT est atteinte",
            "Elle se réinitialise avec le temps\u{a0}: attendez l'heure indiquée par Codex, ou achetez des crédits dans vos réglages ChatGPT\u{a0}; `usbide status` indique le compte qu'utilise cette clé USB.",
            None,
        ),
        PlanRequired => (
            "Votre abonnement ChatGPT n'inclut pas Codex",
            "Attendre n'y changera rien\u{a0}: la personne qui paie le compte ChatGPT doit passer à une offre supérieure (Plus ou au-delà), ou connectez-vous avec un autre compte\u{a0}: `usbide login`.",
            None,
        ),
        OutOfCredits => (
            "L'espace de travail n'a plus de crédits",
            "Attendre n'y changera rien\u{a0}: le propriétaire de l'espace de travail doit ajouter des crédits (si c'est vous, dans ses réglages), puis relancez.",
            None,
        ),
        SpendCap => (
            "Le plafond de dépenses de l'espace de travail est atteint",
            "Attendre n'y changera rien\u{a0}: un propriétaire de l'espace de travail doit relever ce plafond (si c'est vous, dans ses réglages), puis relancez.",
            None,
        ),
        Quota => (
            "Le quota de la clé d'API est épuisé",
            "Vérifiez la facturation de cette clé auprès de qui l'a émise (le tableau de bord d'OpenAI pour une clé OpenAI), ou connectez-vous plutôt avec ChatGPT\u{a0}: `usbide login`.",
            None,
        ),
        ModelUnavailable => (
            "Ce modèle n'est pas disponible pour ce compte",
            "Se reconnecter n'y changera rien\u{a0}: choisissez un autre modèle, pour une exécution avec `usbide exec -m MODELE ...`, ou durablement avec `model = \"MODELE\"` dans codex_home/config.toml.",
            None,
        ),
        ModelCapacity => (
            "Ce modèle est saturé",
            "Choisissez-en un autre (`usbide exec -m MODELE ...`) ou réessayez plus tard.",
            None,
        ),
        ContentBlocked => (
            "Un filtre de contenu ou de sécurité a bloqué la requête",
            "Ni la clé USB ni le réseau n'y sont pour rien\u{a0}: reformulez la demande ou retirez le passage signalé, puis réessayez.",
            None,
        ),
        ConversationBroken => (
            "L'état enregistré de la conversation est corrompu",
            "Réessayer échouera de la même façon\u{a0}: démarrez une nouvelle session (`usbide`, ou un nouveau `usbide exec`).",
            None,
        ),
        ServerError => (
            "Le serveur, ou un proxy placé devant lui, a échoué (5xx)",
            "Réessayez dans quelques minutes avec `usbide exec`\u{a0}; si une page HTML est revenue, un proxy d'entreprise est peut-être en cause.",
            None,
        ),
        ServerFailed => (
            "Le serveur a répondu, puis la réponse s'est interrompue",
            "La connexion elle-même fonctionnait. Relancez\u{a0}; si cela se reproduit, consultez la page d'état d'OpenAI.",
            None,
        ),
        HighDemand => (
            "Les serveurs d'OpenAI sont très sollicités",
            "Réessayez dans quelques minutes avec `usbide exec`.",
            None,
        ),
        BadRequest => (
            "Le serveur a rejeté la requête comme invalide",
            "Vérifiez le modèle et les options dans codex_home/config.toml, puis relancez `usbide exec`\u{a0}; une nouvelle session (`usbide`) aide quand la conversation est longue, et `usbide payload update` quand le problème est apparu sans que vous ayez rien changé.",
            None,
        ),
        HttpStatus => (
            "Le serveur a refusé la requête",
            "Le statut ci-dessus en donne la raison\u{a0}; relancez et, si cela persiste, transmettez le message ci-dessus à qui gère ce serveur.",
            None,
        ),
        Dns => (
            "Le nom du serveur ne se résout pas (DNS)",
            "Vérifiez la connexion réseau\u{a0}; derrière un proxy d'entreprise, définissez HTTPS_PROXY=http://hote-proxy:port, puis relancez usbide (`usbide env` montre le proxy transmis à codex).",
            None,
        ),
        ConnectionRefused => (
            "La connexion a été refusée",
            "Rien ne répond à cette adresse, ou un réglage de proxy désigne un port fermé\u{a0}: vérifiez HTTPS_PROXY et codex_home/.env avec `usbide env`, puis relancez usbide.",
            None,
        ),
        Tls => (
            "La connexion sécurisée (TLS) a échoué\u{a0}: certificat non reconnu",
            "Un pare-feu d'entreprise inspecte probablement le TLS avec son propre certificat. Lancez `usbide doctor` sur cet ordinateur (il prépare un paquet de certificats que codex peut utiliser), ou faites pointer CODEX_CA_CERTIFICATE vers le certificat racine de l'entreprise (PEM).",
            None,
        ),
        WaitingForNetwork => (
            "Codex n'arrive pas à joindre le serveur et attend",
            "Codex ne dit pas pourquoi. `usbide doctor` teste le DNS, le proxy et le TLS un par un et nomme ce qui échoue\u{a0}; `usbide exec` arrête de lui-même ces exécutions.",
            None,
        ),
        NetworkUnknown => (
            "Codex n'a pas pu se connecter au serveur, et son message ne dit pas pourquoi",
            "Codex 0.169 signale de la même façon un nom introuvable, un port fermé, une inspection TLS et un proxy qui demande un mot de passe. `usbide doctor` teste chaque étape et nomme celle qui échoue.",
            None,
        ),
        Timeout => (
            "Le serveur n'a pas répondu à temps",
            "Vérifiez le réseau, puis relancez\u{a0}; `usbide doctor` montre quelle étape est lente.",
            None,
        ),
        RefreshExpired => (
            "Les identifiants enregistrés sur cette clé USB ont expiré",
            "Reconnectez-vous\u{a0}: `usbide login`.",
            None,
        ),
        RefreshReused => (
            "Une autre copie de ces identifiants les a renouvelés en premier",
            "Deux copies d'auth.json (sur une autre clé USB ou un PC) partagent les mêmes identifiants, et une seule copie peut rester valide. Supprimez les autres copies et reconnectez-vous\u{a0}: `usbide login`.",
            None,
        ),
        RefreshRevoked => (
            "Les identifiants ont été révoqués",
            "Vous vous êtes déconnecté de votre compte ailleurs ou avez changé de mot de passe. Reconnectez-vous\u{a0}: `usbide login`.",
            None,
        ),
        RefreshFailed => (
            "Les identifiants n'ont pas pu être renouvelés",
            "Reconnectez-vous\u{a0}: `usbide login`.",
            None,
        ),
        ForcedLoginMismatch => (
            "Les identifiants enregistrés ne correspondaient pas à la méthode de la clé USB, et Codex les a supprimés",
            "Reconnectez-vous avec la méthode de la clé USB\u{a0}: `usbide login` (ChatGPT), ou choisissez --login-method api.",
            None,
        ),
        MissingProviderKey => (
            "Le fournisseur de modèle a besoin de {detail}",
            "Par défaut, usbide ne transmet pas {detail}. Pour qu'il la transmette, définissez aussi USBIDE_CODEX_ALLOW_API_KEY=1, ou connectez-vous plutôt avec ChatGPT\u{a0}: `usbide login`.",
            None,
        ),
        ContextWindow => (
            "La conversation ne tient plus dans la fenêtre de contexte du modèle",
            "Démarrez une nouvelle session (`usbide`, ou un nouveau `usbide exec`), ou effacez l'historique.",
            None,
        ),
        CaFile => (
            "CODEX_CA_CERTIFICATE ou SSL_CERT_FILE désigne un fichier absent ou qui n'est pas au format PEM",
            "Corrigez le chemin ou supprimez la variable\u{a0}; `usbide env` montre sa valeur.",
            None,
        ),
        UntrustedDirectory => (
            "Codex ne s'exécute que dans un dossier de confiance",
            "Lancez-le dans un dépôt git, ou ajoutez --skip-git-repo-check à `usbide exec`.",
            None,
        ),
        HomeSetup => (
            "Codex n'a pas pu préparer ses fichiers dans codex_home sur la clé",
            "Le système de fichiers de la clé a refusé une opération dont codex a besoin (changer les droits d'un fichier, ou un verrou). Sous Linux, montez une clé FAT avec `-o showexec` (comme le font les bureaux) pour que les changements de droits soient acceptés\u{a0}; `usbide doctor` vérifie la clé.",
            Some(
                "Le système a répondu\u{a0}: {detail}. Le système de fichiers de la clé a refusé une opération dont codex a besoin (changer les droits d'un fichier, ou un verrou). Sous Linux, montez une clé FAT avec `-o showexec` (comme le font les bureaux) pour que les changements de droits soient acceptés\u{a0}; `usbide doctor` vérifie la clé.",
            ),
        ),
        ProviderKey => (
            "Le fournisseur de modèles a refusé cette clé d'API ou cet accès",
            "Il ne s'agit pas de la connexion OpenAI de la clé USB\u{a0}: vérifiez la clé d'API qu'envoie son entrée `[model_providers]` (la variable que désigne `env_key`, qu'usbide transmet avec USBIDE_CODEX_ALLOW_API_KEY=1, ou `experimental_bearer_token`), ou adressez-vous à qui gère ce serveur.",
            None,
        ),
        EndpointMissing => (
            "Cette adresse n'existe pas sur le serveur (404/405)",
            "Avec une entrée `[model_providers]` dans codex_home/config.toml, vérifiez son `base_url` (qui se termine d'ordinaire par /v1) et son `wire_api`, et que le serveur propose l'API Responses (Azure demande aussi son `api-version` dans `query_params`)\u{a0}; avec les serveurs d'OpenAI, ce codex n'est plus à jour\u{a0}: `usbide payload update`.",
            None,
        ),
        LocalServerDown => (
            "Aucun serveur de modèles ne tourne sur cet ordinateur à cette adresse",
            "Démarrez le serveur local (`ollama serve`, le serveur de LM Studio) ou corrigez `base_url` dans codex_home/config.toml, puis relancez usbide.",
            None,
        ),
        TooLarge => (
            "La requête est trop volumineuse pour le serveur ou pour un proxy en amont (413)",
            "Raccourcissez la conversation (/compact, ou une nouvelle session) ou retirez les grandes images\u{a0}; si l'un de vos proxys ou passerelles limite la taille des requêtes, relevez cette limite.",
            None,
        ),
        ServerTimeout => (
            "Le serveur a cessé d'attendre la requête (408)",
            "Relancez\u{a0}; si un relais ou un proxy se trouve entre les deux, son délai de lecture est peut-être trop court pour les grosses requêtes.",
            None,
        ),
        Conflict => (
            "Le serveur a refusé la requête, en conflit avec une autre (409)",
            "Relancez dans un instant\u{a0}; si cela se reproduit, ouvrez une nouvelle session (`usbide`, ou un nouveau `usbide exec`).",
            None,
        ),
        McpStartup => (
            "Un serveur MCP n'a pas démarré",
            "Vérifiez son entrée `[mcp_servers.NOM]` dans codex_home/config.toml\u{a0}: `command` doit exister sur cet ordinateur (ou indiquez un chemin absolu), et un serveur lent demande un `startup_timeout_sec` plus grand\u{a0}; `enabled = false` le désactive.",
            Some(
                "Vérifiez `[mcp_servers.{detail}]` dans codex_home/config.toml\u{a0}: `command` doit exister sur cet ordinateur (ou indiquez un chemin absolu), et un serveur lent demande un `startup_timeout_sec` plus grand\u{a0}; `enabled = false` le désactive.",
            ),
        ),
        McpTool => (
            "Un appel d'outil MCP a échoué ou n'a pas abouti à temps",
            "S'il a expiré, augmentez `tool_timeout_sec` dans son entrée `[mcp_servers.NOM]` de codex_home/config.toml\u{a0}; sinon, vérifiez que le serveur tourne encore.",
            Some(
                "S'il a expiré, augmentez `tool_timeout_sec` dans `[mcp_servers.{detail}]` de codex_home/config.toml\u{a0}; sinon, vérifiez que le serveur tourne encore.",
            ),
        ),
        McpLogin => (
            "Un serveur MCP demande sa propre connexion",
            "Connectez-le une fois avec `usbide codex -- mcp login NOM` (le nom de son entrée `[mcp_servers.NOM]`)\u{a0}; la connexion reste sur la clé USB.",
            Some(
                "Connectez-le une fois avec `usbide codex -- mcp login {detail}`\u{a0}; la connexion reste sur la clé USB.",
            ),
        ),
        ConfigInvalid => (
            "Codex a refusé codex_home/config.toml",
            "Modifiez la ligne que codex indique ci-dessus (il dit comment), puis relancez usbide\u{a0}; quand usbide modifie ce fichier, il en garde la version précédente dans config.toml.bak.",
            None,
        ),
        CodexBug => (
            "Cette version de codex a ici un défaut connu",
            "Relancer n'y changera rien\u{a0}: installez la dernière version de codex avec `usbide payload update` ou, si le problème est apparu après une mise à jour, revenez en arrière avec `usbide payload rollback`.",
            None,
        ),
        LocalAbort => (
            "Un logiciel de cet ordinateur a interrompu la connexion",
            "Un antivirus, un pare-feu ou un client VPN de cet ordinateur l'a coupée (os error 10053)\u{a0}: autorisez-y codex ou essayez un autre réseau\u{a0}; `usbide doctor` vérifie l'accès vers l'extérieur.",
            None,
        ),
        ConnectionCut => (
            "La connexion a été coupée avant la réponse du serveur",
            "Quelque chose sur le chemin l'a fermée (un proxy, un pare-feu, un réseau instable). Relancez\u{a0}; `usbide doctor` teste chaque étape du chemin.",
            None,
        ),
        Other => (
            "Codex s'est arrêté sur une erreur qu'usbide ne reconnaît pas",
            "Relancez la même commande\u{a0}; si elle échoue encore, `usbide doctor` vérifie la clé USB et le réseau, et l'erreur ci-dessus est ce qu'il faut transmettre à la personne qui vous aide.",
            None,
        ),
    }
}
