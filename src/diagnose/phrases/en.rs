//! The English words for each cause: its title, its fix, and the fix when
//! the diagnosis has a detail.

use crate::diagnose::Cause;

/// A cause's title, its fix, and the fix when the diagnosis has a detail
/// (`{detail}`: the wait a rate limit names, a variable's name).
pub fn cause(c: Cause) -> (&'static str, &'static str, Option<&'static str>) {
    use Cause::*;
    match c {
        NoLogin => (
            "There is no login on this stick",
            "Nothing was sent to the server. Log in once with `usbide login` (a one-time code works on any computer); the login stays on the stick.",
            None,
        ),
        NotLoggedIn => (
            "The server refused this stick's login (401)",
            "Log in again with `usbide login`. If codex uses another provider (`model_provider`), it is that provider's key that was refused; make sure no OPENAI_BASE_URL points elsewhere (`usbide env`).",
            None,
        ),
        KeyScopes => (
            "The API key lacks a permission Codex needs (api.responses.write)",
            "Grant it in the OpenAI dashboard, or log in with ChatGPT instead: `usbide login`.",
            None,
        ),
        Forbidden => (
            "The server refused access (403)",
            "A VPN or this network is probably blocked: turn the VPN off or try another network, then run `usbide exec` again. A `[model_providers]` server refuses for its own reasons (its key, its client rules): ask whoever runs it.",
            None,
        ),
        CloudflareBlock => (
            "Cloudflare blocked the request (403)",
            "This usually comes from the network or VPN you are on: turn the VPN off or use another network, then run `usbide exec` again.",
            None,
        ),
        RegionBlocked => (
            "OpenAI does not serve the country this request seems to come from",
            "If a VPN or proxy makes you appear elsewhere, turn it off or pick a supported location; otherwise Codex is not available from here.",
            None,
        ),
        WorkspaceRestricted => (
            "This login belongs to a workspace the config does not allow",
            "Log in with an account of the allowed workspace (forced_chatgpt_workspace_id): `usbide login`.",
            None,
        ),
        ProxyAuth => (
            "The proxy wants a user name and password (407)",
            "Set HTTPS_PROXY=http://user:password@proxy-host:port (and NO_PROXY for local hosts), then run usbide again; `usbide env` shows what codex gets.",
            None,
        ),
        RateLimit => (
            "Too many requests for now (rate limit)",
            "Wait a minute, then run it again; this limit passes by itself.",
            Some(
                "Codex names the wait: {detail}. Wait that long, then run it again; this limit passes by itself.",
            ),
        ),
        UsageLimit => (
            "Your ChatGPT plan's usage limit is reached",
            "It resets with time: wait until the time Codex gives, or buy more credits in your ChatGPT settings; `usbide status` shows which account this stick uses.",
            None,
        ),
        PlanRequired => (
            "Your ChatGPT plan does not include Codex",
            "Waiting will not help: whoever pays for the ChatGPT account must upgrade it (Plus or higher), or log in with another account: `usbide login`.",
            None,
        ),
        OutOfCredits => (
            "The workspace is out of credits",
            "Waiting will not help: the workspace owner must add credits (if that is you, in the workspace settings), then run it again.",
            None,
        ),
        SpendCap => (
            "The workspace's spend cap is reached",
            "Waiting will not help: a workspace owner must raise the spend cap (if that is you, in the workspace settings), then run it again.",
            None,
        ),
        Quota => (
            "The API key's quota is used up",
            "Check the billing of that key with whoever issued it (the OpenAI dashboard for an OpenAI key), or log in with ChatGPT instead: `usbide login`.",
            None,
        ),
        ModelUnavailable => (
            "This model is not available to this account",
            "Logging in again does not help: choose another model, for one run with `usbide exec -m MODEL ...`, or for good with `model = \"MODEL\"` in codex_home/config.toml.",
            None,
        ),
        ModelCapacity => (
            "This model is at capacity",
            "Choose another one (`usbide exec -m MODEL ...`) or try again later.",
            None,
        ),
        ContentBlocked => (
            "A content or safety filter blocked the request",
            "Neither the stick nor the network is at fault: rephrase the request or leave out the flagged material, then try again.",
            None,
        ),
        ConversationBroken => (
            "The conversation's saved state is broken",
            "Retrying fails the same way: start a new session (`usbide`, or a new `usbide exec`).",
            None,
        ),
        ServerError => (
            "The server, or a proxy in front of it, failed (5xx)",
            "Try again in a few minutes with `usbide exec`; if an HTML page came back, a company proxy may be in the way.",
            None,
        ),
        ServerFailed => (
            "The server answered, then the response broke off",
            "The connection itself worked. Run it again; if it keeps happening, check OpenAI's status page.",
            None,
        ),
        HighDemand => (
            "OpenAI's servers are under high demand",
            "Try again in a few minutes with `usbide exec`.",
            None,
        ),
        BadRequest => (
            "The server rejected the request as invalid",
            "Check the model and options in codex_home/config.toml, then run `usbide exec` again; a new session (`usbide`) helps when the conversation is long, and `usbide payload update` when it began with no change of yours.",
            None,
        ),
        HttpStatus => (
            "The server refused the request",
            "The status above says why; run it again, and if it persists, send the message above to whoever runs that server.",
            None,
        ),
        Dns => (
            "The server's name cannot be resolved (DNS)",
            "Check the network connection; behind a company proxy set HTTPS_PROXY=http://proxy-host:port, then run usbide again (`usbide env` shows the proxy codex gets).",
            None,
        ),
        ConnectionRefused => (
            "The connection was refused",
            "Nothing answers at that address, or a proxy setting points to a closed port: check HTTPS_PROXY and codex_home/.env with `usbide env`, then run usbide again.",
            None,
        ),
        Tls => (
            "The secure connection (TLS) failed: certificate not trusted",
            "A company firewall probably inspects TLS with its own certificate. Run `usbide doctor` on this computer (it builds a certificate bundle codex can use), or set CODEX_CA_CERTIFICATE to the company's root certificate (PEM).",
            None,
        ),
        WaitingForNetwork => (
            "Codex cannot reach the server and keeps waiting",
            "Codex does not say why. `usbide doctor` tests DNS, the proxy and TLS one by one and names what fails; `usbide exec` stops such runs by itself.",
            None,
        ),
        NetworkUnknown => (
            "Codex could not connect to the server, and its message hides why",
            "Codex 0.169 reports a failed name lookup, a closed port, TLS inspection and a proxy asking for a password all alike. `usbide doctor` tests each step and names the one that fails.",
            None,
        ),
        Timeout => (
            "The server did not answer in time",
            "Check the network, then run it again; `usbide doctor` shows which step is slow.",
            None,
        ),
        RefreshExpired => (
            "The login on this stick has expired",
            "Log in again: `usbide login`.",
            None,
        ),
        RefreshReused => (
            "Another copy of this login renewed it first",
            "Two copies of auth.json (another stick or a PC) share one login, and only one can stay valid. Delete the other copies and log in again: `usbide login`.",
            None,
        ),
        RefreshRevoked => (
            "The login was revoked",
            "You logged out elsewhere or changed your password. Log in again: `usbide login`.",
            None,
        ),
        RefreshFailed => (
            "The login could not be renewed",
            "Log in again: `usbide login`.",
            None,
        ),
        ForcedLoginMismatch => (
            "The stored login did not match the stick's login method, so Codex deleted it",
            "Log in again with the stick's method: `usbide login` (ChatGPT), or choose --login-method api.",
            None,
        ),
        MissingProviderKey => (
            "The model provider needs {detail}",
            "usbide does not pass {detail} on by default. Set it together with USBIDE_CODEX_ALLOW_API_KEY=1, or log in with ChatGPT instead: `usbide login`.",
            None,
        ),
        ContextWindow => (
            "The conversation no longer fits in the model's context window",
            "Start a new session (`usbide`, or a new `usbide exec`), or clear earlier history.",
            None,
        ),
        CaFile => (
            "CODEX_CA_CERTIFICATE or SSL_CERT_FILE points to a missing or non-PEM file",
            "Fix the path or unset the variable; `usbide env` shows its value.",
            None,
        ),
        UntrustedDirectory => (
            "Codex only runs in a trusted folder",
            "Run it inside a git repository, or pass --skip-git-repo-check to `usbide exec`.",
            None,
        ),
        HomeSetup => (
            "Codex could not set up its files in codex_home on the stick",
            "The stick's file system refused something codex needs (changing a file's permissions, or a lock). On Linux, mount a FAT stick with `-o showexec` (desktops do) so that permission changes are accepted; `usbide doctor` checks the stick.",
            Some(
                "The system said: {detail}. The stick's file system refused something codex needs (changing a file's permissions, or a lock). On Linux, mount a FAT stick with `-o showexec` (desktops do) so that permission changes are accepted; `usbide doctor` checks the stick.",
            ),
        ),
        ProviderKey => (
            "The model provider refused this key or access",
            "This is not the stick's OpenAI login: check the key its `[model_providers]` entry sends (the variable `env_key` names, which usbide passes on with USBIDE_CODEX_ALLOW_API_KEY=1, or `experimental_bearer_token`), or ask whoever runs that server.",
            None,
        ),
        EndpointMissing => (
            "The server has no such endpoint (404/405)",
            "With a `[model_providers]` entry in codex_home/config.toml, check its `base_url` (it usually ends in /v1) and `wire_api`, and that the server offers the Responses API (Azure also needs its `api-version` in `query_params`); with OpenAI's own servers this codex is out of date: `usbide payload update`.",
            None,
        ),
        LocalServerDown => (
            "No model server is running on this computer at that address",
            "Start the local server (`ollama serve`, LM Studio's server) or fix `base_url` in codex_home/config.toml, then run usbide again.",
            None,
        ),
        TooLarge => (
            "The request is too large for the server or a proxy before it (413)",
            "Shorten the conversation (/compact, or a new session) or leave out large images; if a proxy or gateway of yours sets a body limit, raise it there.",
            None,
        ),
        ServerTimeout => (
            "The server gave up waiting for the request (408)",
            "Run it again; if a relay or proxy sits in between, its read timeout may be too short for large requests.",
            None,
        ),
        Conflict => (
            "The server refused the request as conflicting (409)",
            "Run it again in a moment; if it keeps happening, start a new session (`usbide`, or a new `usbide exec`).",
            None,
        ),
        McpStartup => (
            "An MCP server did not start",
            "Check its `[mcp_servers.NAME]` entry in codex_home/config.toml: `command` must exist on this computer (or use an absolute path), and a slow server needs a larger `startup_timeout_sec`; `enabled = false` turns it off.",
            Some(
                "Check `[mcp_servers.{detail}]` in codex_home/config.toml: `command` must exist on this computer (or use an absolute path), and a slow server needs a larger `startup_timeout_sec`; `enabled = false` turns it off.",
            ),
        ),
        McpTool => (
            "An MCP tool call failed or did not finish in time",
            "If it timed out, raise `tool_timeout_sec` in its `[mcp_servers.NAME]` entry of codex_home/config.toml; otherwise check that the server still runs.",
            Some(
                "If it timed out, raise `tool_timeout_sec` in `[mcp_servers.{detail}]` of codex_home/config.toml; otherwise check that the server still runs.",
            ),
        ),
        McpLogin => (
            "An MCP server needs its own login",
            "Log it in once with `usbide codex -- mcp login NAME` (the name of its `[mcp_servers.NAME]` entry); the login stays on the stick.",
            Some(
                "Log it in once with `usbide codex -- mcp login {detail}`; the login stays on the stick.",
            ),
        ),
        ConfigInvalid => (
            "Codex refused codex_home/config.toml",
            "Change the line codex names above (it says how), then run usbide again; a copy of the previous file is kept as config.toml.bak when usbide edits it.",
            None,
        ),
        CodexBug => (
            "This version of codex has a known fault here",
            "Retrying does not help: update codex with `usbide payload update`, or, if it began after an update, go back with `usbide payload rollback`.",
            None,
        ),
        LocalAbort => (
            "Software on this computer aborted the connection",
            "An antivirus, firewall or VPN client on this computer cut it (os error 10053): allow codex there or try another network; `usbide doctor` checks the way out.",
            None,
        ),
        ConnectionCut => (
            "The connection was cut before the server answered",
            "Something on the way closed it (a proxy, a firewall, an unstable network). Run it again; `usbide doctor` tests each step of the way.",
            None,
        ),
        Other => (
            "Codex stopped with an error usbide does not recognise",
            "Run the same command again; if it fails again, `usbide doctor` checks the stick and the network, and the error above is what to send to whoever helps you.",
            None,
        ),
    }
}
