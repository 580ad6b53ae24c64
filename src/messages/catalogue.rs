//! The shape of a catalogue: one field per sentence or template, so that the
//! compiler checks that each language has every entry. To add a message: add
//! a field to the list below with a `///` saying where it is shown, then one
//! line in `en.rs` and one in `fr.rs`.

macro_rules! catalogue {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The fixed sentences and templates of one language.
        #[derive(Debug)]
        pub struct Text {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        impl Text {
            /// Every entry with its field name (for the catalogue tests).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name),)*]
            }
        }
    };
}

catalogue! {
    /// The renderer: an error line (`{message}`).
    error_line,
    /// The renderer: a non-fatal error item it does not diagnose.
    note_line,
    /// The renderer: a web search (`{query}`).
    search_line,
    /// The renderer: the heading of a plan.
    plan_heading,
    /// The renderer: a command's end (`{code}`).
    exit_line,
    /// The renderer: an MCP tool call's end (`{name}`, `{status}`).
    tool_line,
    /// The renderer: a collaborating agent's call (`{name}`, `{status}`).
    agent_line,
    /// The renderer: codex's status `completed`.
    word_completed,
    /// The renderer: codex's status `in_progress`.
    word_in_progress,
    /// The renderer: codex's status `failed`.
    word_failed,
    /// The renderer: codex's status `declined`.
    word_declined,
    /// The renderer: a file codex added.
    change_add,
    /// The renderer: a file codex deleted.
    change_delete,
    /// The renderer: a file codex changed.
    change_update,
    /// The renderer: token counts after a turn.
    tokens_line,
    /// The renderer: the reconnect status line (`{progress}`, `{cause}`).
    reconnecting_line,
    /// The renderer: progress when codex waits for the network.
    waiting_for_network,
    /// The renderer: a reconnect whose cause is not recognised.
    connection_problem,
    /// The renderer: how often one failure was reported.
    repeated_line,
    /// The diagnosis line (`{title}`, `{hint}`).
    diagnosis_line,
    /// Appended to a hint when the server gave a request ID (`{id}`).
    request_id,
    /// A diagnosis's first sentence when this computer answered.
    answered_here,
    /// A diagnosis's first sentence when a server on this network answered.
    answered_network,
    /// A diagnosis's first sentence when an Azure resource answered.
    answered_azure,
    /// A diagnosis's first sentence when a relay or gateway answered.
    answered_other,
    /// Preflight: an MCP server's program is not on this computer.
    mcp_missing,
    /// What to do about mcp_missing.
    mcp_missing_fix,
    /// Default for a missing provider variable's name.
    provider_key_variable,
    /// `usbide render` reading a terminal.
    render_waiting,
    /// `usbide exec` when no run was started (`{title}`).
    exec_not_started,
    /// After an interactive session that failed (`{title}`).
    session_failed,
    /// The doctor's groups: the stick.
    group_stick,
    /// The doctor's groups: codex_home.
    group_codex_home,
    /// The doctor's groups: the codex payload.
    group_payload,
    /// The doctor's groups: the environment.
    group_environment,
    /// The doctor's groups: the login.
    group_login,
    /// The doctor's groups: the network.
    group_network,
    /// The doctor's login check: no `auth.json`.
    login_missing,
    /// The doctor's fix for a missing login.
    login_missing_fix,
    /// The doctor's login check: a login is stored (`{mode}`).
    login_stored,
    /// Appended to `login_stored` (`{ago}`).
    login_refreshed,
    /// The doctor's login check: codex's own status agrees (`{stored}`, `{codex}`).
    login_agrees,
    /// The doctor's login check: codex's own status disagrees.
    login_disagrees,
    /// The doctor: heading of the fixes.
    doctor_what_to_do,
    /// The doctor: a failed check without its own fix.
    doctor_see_above,
    /// The doctor's verdict when a check failed.
    doctor_verdict_fail,
    /// The doctor's verdict when there is no login.
    doctor_verdict_no_login,
    /// The doctor's verdict with warnings only.
    doctor_verdict_warn,
    /// The doctor's verdict when all is well.
    doctor_verdict_ok,
    /// A launch on Windows: the sandbox codex gets (`{choice}`, `{why}`).
    sandbox_used,
    /// The user's own `[windows] sandbox` will fail here (`{why}`).
    sandbox_doomed,
    /// Why: the user chose (`{value}`).
    sandbox_own,
    /// Why: codex's setup failed before (`{code}`).
    sandbox_setup_failed,
    /// Why: codex_home on FAT.
    sandbox_fat_home,
    /// Why: the work folder on FAT.
    sandbox_fat_work,
    /// Why: no administrator rights.
    sandbox_no_admin,
    /// Why the elevated sandbox works.
    sandbox_admin,
    /// Why the unelevated sandbox: nobody chose the elevated one for this computer.
    sandbox_not_chosen,
    /// Why the unelevated sandbox: chosen for this computer.
    sandbox_chosen_here,
    /// A first launch where the elevated sandbox is possible: what it leaves, asked once per computer.
    sandbox_question,
    /// After the sandbox question: the answer is kept for this computer (`{choice}`).
    sandbox_remembered,
    /// A leftover of codex's sandbox: a local account (`{name}`).
    leftover_account,
    /// A leftover: the local group (`{name}`).
    leftover_group,
    /// A leftover: a profile folder (`{name}`).
    leftover_profile,
    /// A leftover: a firewall rule (`{name}`).
    leftover_rule,
    /// A leftover on the stick: the accounts' passwords for this computer (`{name}`).
    leftover_secrets,
    /// The doctor: codex's sandbox left nothing on this computer.
    leftovers_none,
    /// The doctor: what codex's elevated sandbox left on this computer (`{list}`).
    leftovers_found,
    /// The fix for leftovers of codex's sandbox.
    leftovers_fix,
    /// usbide clean: remove what codex's sandbox left on the computer (`{list}`)?
    clean_sandbox_ask,
    /// usbide clean without an administrator: the commands to give one (`{commands}`).
    clean_sandbox_commands,
    /// usbide clean: what codex's sandbox left is gone.
    clean_sandbox_removed,
    /// usbide clean: the administrator's removal did not finish (`{count}` commands failed, or the prompt was declined).
    clean_sandbox_failed,
    /// usbide clean: the user kept what codex's sandbox left.
    clean_sandbox_kept,
    /// The doctor: what the elevated sandbox means.
    sandbox_then_elevated,
    /// The doctor: what the unelevated sandbox means.
    sandbox_then_unelevated,
    /// The stick moved (`{from}`, `{to}`, `{count}`).
    stick_moved,
    /// The recorded stick location cannot be a stick root (`{root}`, `{here}`).
    location_ignored,
    /// The paths could not follow the stick (`{root}`, `{error}`).
    move_failed,
    /// A double-clicked window waits before it closes.
    pause_to_close,
    /// After a question only a typed yes answers.
    confirm_suffix,
    /// `usbide clean` found nothing.
    clean_nothing,
    /// `usbide clean` removed `{path}`.
    clean_removed,
    /// `usbide clean` kept `{path}`.
    clean_kept,
    /// `usbide clean` asks before removing a host's codex home (`{path}`).
    clean_ask_codex_home,
    /// Doctor: fix for a doomed own sandbox choice.
    win_sandbox_fix,
    /// Doctor: a Windows check on another OS.
    win_not_windows,
    /// Doctor: no PowerShell.
    win_no_powershell,
    /// Doctor: fix for no PowerShell.
    win_no_powershell_fix,
    /// Doctor: PowerShell in a restricted mode (`{mode}`).
    win_constrained,
    /// Doctor: fix for a restricted PowerShell.
    win_constrained_fix,
    /// Doctor: PowerShell did not answer (`{path}`).
    win_ps_silent,
    /// Doctor: fix for a silent PowerShell.
    win_ps_silent_fix,
    /// Doctor: no git.
    win_no_git,
    /// Doctor: fix for no git.
    win_no_git_fix,
    /// Doctor: long paths allowed.
    win_long_paths_on,
    /// Doctor: long paths not allowed.
    win_short_paths,
    /// Doctor: fix for short paths.
    win_short_paths_fix,
    /// Doctor: a Windows setting it could not read.
    win_unknown,
    /// Doctor: what was left on the host (`{list}`).
    traces_found,
    /// Doctor: fix for leftovers on the host.
    traces_fix,
    /// Doctor: proxy variables that came from Windows (`{list}`).
    proxy_from_windows,
    /// The renderer: a line of codex too long to read (`{size}`, `{max}` in MB).
    line_skipped,
    /// A launch refusing a huge config.toml (`{path}`, `{size}` MB, `{max}` KB).
    config_too_large,
    /// `--root` named the stick's `{name}` folder (`{given}`).
    root_corrected,
    /// `usbide config`: a value set by a flag (`{name}`).
    config_flag,
    /// `usbide config`: a value set by a variable (`{name}`).
    config_env,
    /// `usbide config`: a value from the stick's file (`{path}`).
    config_file,
    /// `usbide config`: a default value.
    config_default,
    /// `usbide config`: a setting with no value.
    config_unset_value,
    /// `usbide config set` (`{key}`, `{value}`, `{path}`).
    config_saved,
    /// `usbide config unset` (`{key}`, `{path}`).
    config_removed,
    /// Something in usbide.toml is ignored (`{problem}`).
    settings_file_ignored,
    /// usbide.toml is over the size usbide reads (`{path}`, `{max}`).
    settings_too_large,
    /// usbide.toml is not UTF-8 text (`{path}`).
    settings_not_text,
    /// `usbide config set` of a key a variable or flag overrides (`{key}`, `{by}`).
    config_overridden,
    /// `usbide config set` of an unknown key (`{key}`, `{known}`).
    config_unknown_key,
    /// `usbide config set` of a bad value (`{key}`, `{wants}`, `{value}`).
    config_bad_value,
    /// A usbide.toml that cannot be read (`{error}`).
    config_broken,
    /// `usbide --version`: the codex on the stick (`{version}`, `{target}`).
    version_codex,
    /// `usbide --version`: no codex for this computer.
    version_no_codex,
    /// `usbide --version`: no stick found.
    version_no_stick,
    /// Offer to set up a folder (`{dir}`, `{drive}`, `{size}` to download, `{unpacked}` and `{twice}` on the stick).
    init_offer,
    /// Init: the drive (`{fs}`, `{free}`).
    init_drive,
    /// Init refusing a personal folder (`{dir}`, `{what}`).
    init_personal,
    /// Init: a home folder.
    init_home,
    /// What init refuses: the root of the system disk.
    init_system_root,
    /// Init: Downloads, Desktop or Documents.
    init_personal_folder,
    /// Init: a temporary folder.
    init_temp,
    /// Init or a login-method change without a terminal.
    init_needs_yes,
    /// Init: the user said no.
    init_declined,
    /// Init: usbide copied itself (`{path}`).
    init_copied,
    /// Init: a file or folder written (`{path}`).
    init_written,
    /// Init finished (`{dir}`, `{exe}`).
    init_done,
    /// No stick around usbide: how to make one.
    init_lone_hint,
    /// `payload install` of what is there (`{version}`, `{target}`).
    payload_verified_already,
    /// `payload install` wrote the built-in pin (`{version}`, `{path}`).
    payload_pin_written,
    /// `--version latest` resolved (`{version}`, `{source}`).
    payload_latest,
    /// Where codex works when started from the stick itself (`{dir}`).
    workdir,
    /// Once per stick: usbide passes --skip-git-repo-check in its own work folder (`{dir}`).
    exec_work_outside_git,
    /// A login's method recorded on the stick (`{method}`, `{path}`).
    login_method_saved,
    /// Asking before a login changes the stick's method (`{old}`, `{new}`).
    login_method_change,
    /// A login with an explicit --login-method switches the stick's method (`{old}`, `{new}`).
    login_method_switched,
    /// The user kept the stick's login method (`{old}`).
    login_method_kept,
    /// usbide login on a stick that is logged in (`{who}`).
    login_replace_ask,
    /// usbide login without a terminal on a stick that is logged in (`{who}`).
    login_replace_note,
    /// A newer usbide exists (`{version}`, `{current}`).
    update_available,
    /// No newer usbide (`{version}`).
    update_up_to_date,
    /// An update starts (`{version}`, `{url}`).
    update_downloading,
    /// An update finished (`{version}`, `{old}`).
    update_done,
    /// A rollback finished (`{version}`).
    update_rolled_back,
    /// `payload rollback` finished (`{version}`, `{target}`).
    payload_rolled_back,
    /// A span of time: one second (`{n}`).
    span_second,
    /// A span of time: seconds (`{n}`).
    span_seconds,
    /// A span of time: one minute (`{n}`).
    span_minute,
    /// A span of time: minutes (`{n}`).
    span_minutes,
    /// A span of time: one hour (`{n}`).
    span_hour,
    /// A span of time: hours (`{n}`).
    span_hours,
    /// A span of time: one day (`{n}`).
    span_day,
    /// A span of time: days (`{n}`).
    span_days,
    /// Units of sizes, `|`-separated: bytes, kilo-, mega-, giga-, terabytes.
    bytes_units,
    /// The doctor: the tag of a check that passed (4 characters wide).
    doctor_ok,
    /// The doctor: the tag of a warning.
    doctor_warn,
    /// The doctor: the tag of a failed check.
    doctor_fail,
    /// The doctor: the tag of a check not run.
    doctor_skip,
    /// The doctor: one fix (`{n}`, `{id}`, `{fix}`).
    doctor_fix_line,
    /// Doctor: the stick's volume is unknown (`{root}`).
    stick_unlisted,
    /// Doctor: a removable drive.
    stick_removable,
    /// Doctor: a fixed drive.
    stick_fixed,
    /// Doctor: the stick's drive (`{mount}`, `{letter}`, `{fs}`, `{kind}`, `{free}`, `{total}`).
    stick_drive,
    /// Doctor: the stick is read-only.
    stick_read_only,
    /// Doctor: fix for a read-only stick.
    stick_read_only_fix,
    /// Doctor: little free space (`{free}`).
    stick_low_space,
    /// Doctor: fix for little free space.
    stick_low_space_fix,
    /// Doctor: a file system without permissions (`{fs}`).
    stick_no_permissions,
    /// Doctor/launch: the stick folder is on a network drive (`{mount}`).
    stick_network,
    /// Fix for stick_network.
    stick_network_fix,
    /// Doctor/launch: the stick folder is inside OneDrive (`{dir}`).
    stick_onedrive,
    /// Fix for stick_onedrive.
    stick_onedrive_fix,
    /// Doctor: fix for a stick without permissions.
    stick_no_permissions_fix,
    /// Doctor: `.gitignore` lets auth.json through.
    home_gitignore_missing,
    /// Doctor: fix for the `.gitignore`.
    home_gitignore_fix,
    /// Doctor: `.gitignore` is right.
    home_gitignore_ok,
    /// Doctor: `.env` overrides nothing.
    home_dotenv_ok,
    /// Doctor: `.env` sets filtered variables (`{list}`).
    home_dotenv_sets,
    /// Doctor: fix for `.env`.
    home_dotenv_fix,
    /// Doctor: fix for a huge config.toml.
    home_config_big_fix,
    /// Doctor: no config.toml.
    home_config_missing,
    /// Doctor: fix for no config.toml.
    home_config_missing_fix,
    /// Doctor: fix for a config.toml that does not parse.
    home_config_broken_fix,
    /// Doctor: keys config.toml does not enforce (`{keys}`).
    home_config_unenforced,
    /// Doctor: fix for keys not enforced.
    home_config_unenforced_fix,
    /// Doctor: config.toml is right.
    home_config_ok,
    /// Doctor: fix that starts a new login.
    login_reset_fix,
    /// Doctor: a login of an unknown kind.
    login_mode_unknown,
    /// Doctor: the login's kind is not the stick's (`{why}`).
    login_mode_mismatch,
    /// Doctor: fix for a login of the wrong kind.
    login_mode_mismatch_fix,
    /// Doctor: the login's kind is the stick's.
    login_mode_ok,
    /// Doctor: CODEX_API_KEY would log a ChatGPT login out.
    login_api_key_env,
    /// Doctor: fix for CODEX_API_KEY.
    login_api_key_env_fix,
    /// Doctor: auth.json is private (`{mode}`).
    auth_private,
    /// Doctor: auth.json is readable by others (`{mode}`).
    auth_readable,
    /// Doctor: fix for a readable auth.json.
    auth_readable_fix,
    /// Doctor: ACLs not checked on Windows.
    auth_acl_unchecked,
    /// Doctor: nothing filtered from the environment.
    env_nothing_removed,
    /// Doctor: variables kept from codex (`{list}`).
    env_removed,
    /// Doctor: the host's CODEX_HOME is replaced (`{path}`).
    env_codex_home,
    /// Doctor: no proxy variable.
    env_no_proxy,
    /// Doctor: a CA variable names an unreadable file (`{name}`, `{path}`).
    ca_unreadable,
    /// Doctor: fix for an unreadable CA file (`{name}`).
    ca_unreadable_fix,
    /// Doctor: a CA variable names a non-PEM file (`{name}`, `{path}`).
    ca_not_pem,
    /// Doctor: fix for a non-PEM CA file (`{name}`).
    ca_not_pem_fix,
    /// Doctor: a CA variable is fine (`{name}`).
    ca_ok,
    /// Codex has no build for this host.
    payload_unpublished,
    /// Doctor: fix for a host without codex.
    payload_unpublished_fix,
    /// Doctor: fix that installs the payload.
    payload_install_fix,
    /// Doctor: fix that reinstalls the payload.
    payload_reinstall_fix,
    /// An unknown codex version.
    payload_version_unknown,
    /// Doctor: the payload found (`{version}`, `{target}`).
    payload_tree_ok,
    /// Doctor: no install record.
    payload_no_record,
    /// Doctor: the payload's files verified (`{files}`).
    payload_verified,
    /// Doctor: a payload file is missing (`{file}`).
    payload_file_missing,
    /// Doctor: a payload file was modified (`{file}`).
    payload_file_modified,
    /// Doctor: an endpoint that did not answer (`{host}`, `{ms}`).
    net_silent,
    /// Doctor: fix for an endpoint that did not answer.
    net_silent_fix,
    /// Doctor: how an endpoint was reached: directly.
    net_directly,
    /// Doctor: how an endpoint was reached: through `{proxy}`.
    net_through_proxy,
    /// Doctor: an endpoint reached (`{host}`, `{route}`, `{ms}`).
    net_reachable,
    /// Doctor: the proxy as the subject of a finding (`{proxy}`).
    net_the_proxy,
    /// Doctor: fix that checks HTTPS_PROXY.
    net_check_proxy_fix,
    /// Doctor: not a URL (`{what}`).
    net_not_url,
    /// Doctor: fix for not a URL.
    net_not_url_fix,
    /// Doctor: the proxy's name is unknown (`{what}`).
    net_proxy_dns,
    /// Doctor: a host's name is unknown (`{what}`).
    net_dns,
    /// Doctor: fix for an unknown name.
    net_dns_fix,
    /// Doctor: connection refused (`{what}`).
    net_refused,
    /// Doctor: fix for a refused connection.
    net_refused_fix,
    /// Doctor: connection timed out (`{what}`).
    net_timeout,
    /// Doctor: fix for a timed-out connection.
    net_timeout_fix,
    /// Doctor: another connection error (`{what}`, `{kind}`).
    net_io,
    /// Doctor: fix for another connection error.
    net_io_fix,
    /// Doctor: the proxy wants credentials (`{proxy}`).
    net_proxy_auth,
    /// Doctor: fix for a proxy that wants credentials.
    net_proxy_auth_fix,
    /// Doctor: the proxy refused the tunnel (`{proxy}`, `{host}`, `{status}`).
    net_proxy_refused,
    /// Doctor: fix for a refused tunnel.
    net_proxy_refused_fix,
    /// Doctor: the proxy did not answer the CONNECT (`{proxy}`).
    net_proxy_silent,
    /// Doctor: the certificate is trusted.
    tls_trusted,
    /// Doctor: a TLS-inspecting proxy (`{host}`).
    tls_inspected,
    /// Doctor: what usbide does about TLS inspection.
    tls_inspected_fix,
    /// Doctor: a certificate no root trusts (`{host}`).
    tls_untrusted,
    /// Doctor: fix for an untrusted certificate.
    tls_untrusted_fix,
    /// Doctor: TLS never completed (`{host}`).
    tls_stalled,
    /// Doctor: fix for a stalled TLS.
    tls_stalled_fix,
    /// Doctor: TLS failed (`{host}`, `{cause}`).
    tls_failed,
    /// Doctor: fix for a failed TLS.
    tls_failed_fix,
    /// Doctor: no server gave the time.
    clock_unknown,
    /// Doctor: the clock is right (`{span}`).
    clock_ok,
    /// Doctor: the clock is late (`{span}`).
    clock_behind,
    /// Doctor: the clock is early (`{span}`).
    clock_ahead,
    /// Doctor: the clock is far off (`{off}`: a `clock_behind` or `clock_ahead`).
    clock_far,
    /// Doctor: fix for a wrong clock.
    clock_fix,
    /// Doctor: the CA bundle written (`{path}`, `{n}`).
    tls_bundle_written,
    /// Doctor: the CA bundle could not be written (`{error}`).
    tls_bundle_failed,
    /// Fix: free space on the stick.
    free_space_fix,
    /// Doctor: the network not checked.
    network_offline,
    /// Doctor: codex does not start (`{path}`).
    codex_wont_start,
    /// Doctor: codex did not answer in time.
    codex_slow,
    /// Doctor: fix for a slow codex.
    codex_slow_fix,
    /// codex did not finish.
    codex_unfinished,
    /// Doctor: codex runs (`{version}`).
    codex_runs,
    /// Doctor: `codex --version` failed (`{output}`).
    codex_version_failed,
    /// Doctor: codex's own login status, quoted (`{output}`).
    codex_login_status,
    /// A line codex printed, shown as codex's (`{line}`).
    codex_says,
    /// The final error of a command (`{message}`).
    error_prefix,
    /// clap's help page layout (clap's placeholders in braces).
    cli_help_template,
    /// The heading of the commands in --help.
    cli_commands,
    /// The name of a command in a usage line.
    cli_command,
    /// The help of -h/--help.
    cli_help_flag,
    /// After an option's help: the values it takes.
    cli_values,
    /// After an option's help: its default.
    cli_default,
    /// A usage mistake: an option usbide does not know.
    cli_unknown_argument,
    /// A usage mistake: a command usbide does not know.
    cli_unknown_command,
    /// A usage mistake: a value an option does not take.
    cli_invalid_value,
    /// A usage mistake: required arguments missing.
    cli_missing,
    /// A usage mistake: two options that exclude each other.
    cli_conflict,
    /// A usage mistake: a command is needed.
    cli_missing_command,
    /// A usage mistake of another kind.
    cli_invalid,
    /// The usage line after a usage mistake.
    cli_usage,
    /// The last line after a usage mistake.
    cli_more,
    /// The heading of a command's options in --help (clap adds the colon).
    cli_options,
    /// The heading of the options every command takes in --help (clap adds the colon).
    cli_global_options,
    /// The heading of a command's arguments in --help (clap adds the colon).
    cli_arguments,
    /// A usage mistake: an option without its value.
    cli_missing_value,
    /// No stick folder above the executable (`{exe}`).
    root_not_found,
    /// usbide runs from a temporary folder (`{root}`, `{temp}`).
    root_in_temp,
    /// usbide runs from inside an archive (`{path}`).
    root_in_archive,
    /// The `--root` folder does not exist (`{root}`).
    root_missing,
    /// Another usbide holds the stick (`{home}`, `{holder}`).
    lock_busy,
    /// The holder of the lock is not known.
    lock_pid_unknown,
    /// A command that writes to the stick while a codex session runs from it (`{holder}`: its pid).
    lock_session,
    /// A session holds the stick and this one's ChatGPT login cannot be shared (`{home}`, `{holder}`: its pid).
    lock_session_not_shared,
    /// `usbide eject --wait` waits for a codex session on the stick (`{holder}`: its pid).
    eject_waiting,
    /// `usbide eject` while a codex session runs from the stick (`{holder}`: its pid).
    eject_session,
    /// The stick at `{at}` was ejected.
    eject_done,
    /// The stick at `{at}` was unmounted but its drive not powered off.
    eject_unmounted,
    /// The stick at `{at}` is still in use (`{why}`: the system's reason).
    eject_held,
    /// A program that still holds the stick (`{what}`: its name and pid).
    eject_holder,
    /// The stick (`{root}`) is not on a drive of its own (`{at}`: where it is mounted, and its file system).
    eject_not_a_drive,
    /// What ejects drives here (`{tool}`) is missing; `{at}`: the mount point.
    eject_no_tool,
    /// On Windows, the eject goes on from a copy of usbide in the temporary folder.
    eject_from_copy,
    /// No copy of usbide could be made in the temporary folder to eject from.
    eject_no_temp,
    /// A second session starts beside a running one, sharing its API-key login.
    session_beside,
    /// The doctor runs while a codex session holds the stick: it only reads.
    doctor_beside_session,
    /// The stick is write-protected (`{home}`).
    lock_read_only,
    /// The lock file cannot be locked (`{path}`).
    lock_io,
    /// codex_home cannot be created (`{path}`).
    home_create,
    /// A file cannot be updated (`{path}`).
    home_update,
    /// A file cannot be cleaned (`{path}`).
    home_clean,
    /// An interrupted login cannot be put back (`{path}`).
    home_recover,
    /// A file to replace is read-only (`{path}`).
    file_read_only,
    /// A file usbide would write is a link, a device, a second name of another file or another user's file (`{path}`).
    file_not_ours,
    /// A config file cannot be read (`{path}`, `{error}`).
    config_read,
    /// config.toml does not parse (`{place}`: path:line:column, `{message}`, `{backup}`: a `config_good_backup` or nothing).
    config_parse,
    /// Appended to `config_parse` (`{path}`).
    config_good_backup,
    /// A config file cannot be written (`{path}`, `{error}`).
    config_write,
    /// A download failed (`{url}`, `{reason}`).
    payload_fetch,
    /// A release is not published (`{what}`).
    payload_not_published,
    /// A download does not match its digest (`{url}`, `{actual}`, `{expected}`).
    payload_digest_mismatch,
    /// The published digest is not the pinned one (`{url}`, `{published}`, `{pinned}`).
    payload_pin_mismatch,
    /// A download without any digest (`{url}`).
    payload_no_digest,
    /// A file operation of an install failed (`{what}`: a `payload_do_*`, `{path}`, `{error}`).
    payload_io,
    /// payload.toml cannot be read (`{path}`, `{error}`).
    manifest_read,
    /// payload.toml does not parse (`{place}`, `{message}`).
    manifest_parse,
    /// payload.toml has a bad digest (`{path}`, `{field}`, `{target}`).
    manifest_bad_digest,
    /// No auth.json.
    auth_missing,
    /// auth.json cannot be read (`{path}`, `{reason}`).
    auth_unreadable,
    /// A launch without a login.
    login_error_missing,
    /// A launch with a login of the wrong kind (`{why}`).
    login_error_mismatch,
    /// A launch whose login did not complete.
    login_error_failed,
    /// Asked when a launch finds no login.
    login_ask_missing,
    /// login_error_missing on a stick that logs in with an API key.
    login_error_missing_api,
    /// login_ask_missing on a stick that logs in with an API key.
    login_ask_missing_api,
    /// Asked when a launch finds no login on a stick whose login method was never chosen; the choices follow.
    login_ask_which,
    /// The first choice of login_ask_which.
    login_choice_chatgpt,
    /// The second choice of login_ask_which.
    login_choice_api,
    /// What can be answered to login_ask_which.
    login_choice_suffix,
    /// An answer to login_ask_which that is none of its choices (`{answer}`).
    login_choice_again,
    /// The fix of a diagnosis of no login, on a stick that logs in with an API key.
    no_login_api_fix,
    /// The fix of a refused login (401), on a stick that logs in with an API key.
    not_logged_in_api_fix,
    /// Asked when the login is of the wrong kind (`{why}`).
    login_ask_mismatch,
    /// Asked after a failed login.
    login_ask_failed,
    /// An unknown `--login-method` (`{value}`).
    settings_login_method,
    /// A bad USBIDE_LOCK_WAIT_MS (`{value}`).
    settings_lock_wait,
    /// What an install could not do: create.
    payload_do_create,
    /// What an install could not do: remove a leftover.
    payload_do_remove_leftover,
    /// What an install could not do: create a staging folder.
    payload_do_staging,
    /// What an install could not do: unpack.
    payload_do_unpack,
    /// What an install could not do: record the install.
    payload_do_record,
    /// What an install could not do: write.
    payload_do_write,
    /// What an install could not do: arrange the files.
    payload_do_arrange,
    /// What an install could not do: remove.
    payload_do_remove,
    /// What an install could not do: move the old tree aside.
    payload_do_move_aside,
    /// What an install could not do: move the new tree in.
    payload_do_move_in,
    /// What failed on the payload: copying the archive given with --from.
    payload_do_copy,
    /// What failed on the payload: reading the archive given with --from.
    payload_do_read,
    /// What failed on the payload: putting an interrupted swap back.
    payload_do_move_back,
    /// A launch on a write-protected stick (`{root}`).
    home_write_protected,
    /// Launch: `.gitignore` is read-only (`{path}`).
    home_gitignore_read_only,
    /// Launch: git does not ignore auth.json (`{path}`).
    home_git_tracks_auth,
    /// Launch: config.toml created (`{config}`).
    home_config_created,
    /// Launch: config.toml updated (`{config}`, `{keys}`, `{backup}`).
    home_config_updated,
    /// Launch: config.toml was empty or cut (`{config}`, `{keys}`, `{backup}`).
    home_config_kept_good,
    /// Launch: config.toml is read-only (`{config}`, `{keys}`).
    home_config_read_only,
    /// Launch: filtered variables removed from `.env` (`{names}`, `{path}`).
    home_dotenv_removed,
    /// An interrupted login was put back.
    login_restored,
    /// `payload install` without a version (`{manifest}`).
    payload_no_pin,
    /// A launch that would install codex without a version (`{manifest}`).
    payload_no_pin_launch,
    /// An install starts (`{version}`, `{target}`, `{source}`).
    payload_installing,
    /// An install failed (`{version}`, `{target}`).
    payload_not_installed,
    /// An interrupted install was cleaned (`{target}`).
    payload_leftovers,
    /// An install finished (`{version}`, `{dir}`, `{files}`, `{digest}`).
    payload_installed,
    /// `payload status`: the folder (`{dir}`, `{pinned}`).
    payload_status_head,
    /// `payload status`: no pinned version.
    payload_pinned_none,
    /// `payload status`: marks the host's target.
    payload_this_host,
    /// `payload status`: one target (`{target}`, `{mark}`, `{line}`).
    payload_status_line,
    /// `payload status`: a tree without a record.
    payload_no_record_status,
    /// `payload status`: a verified tree (`{version}`, `{origin}`, `{files}`).
    payload_verified_status,
    /// `payload status`: a file missing (`{version}`, `{file}`).
    payload_missing_status,
    /// `payload status`: a file modified (`{version}`, `{file}`).
    payload_modified_status,
    /// `payload status`: an interrupted install (`{target}`).
    payload_interrupted_status,
    /// `payload status`: no codex for this host.
    payload_none_for_host,
    /// After a successful session: the codex kept for a rollback is removed.
    payload_rollback_retired,
    /// A launch refused: a file of the installed codex is gone (`{file}`).
    payload_changed_missing,
    /// A launch refused: a file of the installed codex changed (`{file}`).
    payload_changed_modified,
    /// `usbide status`: no login (`{path}`); the label column is 12 wide.
    status_no_login,
    /// `usbide status`: auth.json unreadable (`{error}`).
    status_unreadable,
    /// `usbide status`: the login (`{mode}`, `{who}`: a `status_as` or nothing).
    status_login,
    /// `usbide status`: whose login (`{email}`).
    status_as,
    /// `usbide status`: whose login and plan (`{email}`, `{plan}`).
    status_as_plan,
    /// `usbide status`: last refresh (`{ago}`).
    status_refreshed,
    /// `usbide status`: the token expires (`{span}`).
    status_expires,
    /// `usbide status`: the token expired (`{ago}`).
    status_expired,
    /// `usbide status`: the file (`{path}`).
    status_file,
    /// The kind of a login by API key.
    login_mode_api_key,
    /// The stick's login is an API key, the stick forces ChatGPT.
    mismatch_api_key,
    /// The stick's login is ChatGPT, the stick forces an API key.
    mismatch_chatgpt,
    /// The login's workspace is not allowed (`{allowed}`).
    mismatch_workspace,
    /// `login --with-api-key` on a stick that forces ChatGPT.
    login_forces_chatgpt,
    /// `login` without a key on a stick that forces API keys.
    login_forces_api,
    /// The login cannot be copied before a new one (`{path}`).
    login_backup_failed,
    /// Why a one-time code: asked for.
    login_device_asked,
    /// Why a one-time code: SSH.
    login_device_ssh,
    /// Why a one-time code: remote desktop.
    login_device_rdp,
    /// Why a one-time code: no display.
    login_device_no_display,
    /// Why a one-time code: ports taken.
    login_device_ports,
    /// Why a one-time code: the browser failed before.
    login_device_failed_before,
    /// A device-code login starts (`{why}`).
    login_with_code,
    /// After a failed browser login.
    login_browser_failed,
    /// A login that failed; the previous one is back.
    login_incomplete_restored,
    /// A login that failed.
    login_incomplete,
    /// `codex logout` cannot run.
    login_cannot_run_logout,
    /// `login --reset` removed the tokens.
    login_reset_done,
    /// `codex login` cannot start (`{command}`).
    login_cannot_start,
    /// The hidden API key prompt.
    login_key_prompt,
    /// The API key cannot be read from the terminal.
    login_key_unreadable,
    /// The API key cannot be read from stdin.
    login_key_unreadable_stdin,
    /// No API key on stdin.
    login_key_empty,
    /// The one-time code expired.
    login_code_expired,
    /// The device-code countdown (`{left}` as m:ss).
    login_waiting,
    /// `codex login` did not finish.
    login_unfinished,
    /// codex said success but wrote no auth.json (`{path}`).
    login_no_auth_file,
    /// After a login (`{path}`).
    login_done,
    /// The host has its own, other login (`{path}`).
    login_host_other,
    /// The host has a login of the same account (`{path}`).
    login_host_same,
    /// Asks to move the host's copy aside (`{path}`, `{aside}`).
    login_host_ask_move,
    /// The host's copy left in place (`{path}`).
    login_host_left,
    /// The host's copy cannot be moved (`{path}`).
    login_host_cannot_move,
    /// The host's copy moved (`{path}`, `{aside}`).
    login_host_moved,
    /// `usbide logout` removed a copy (`{path}`).
    logout_removed_copy,
    /// A codex package file cannot be read (`{path}`, `{error}`).
    layout_unreadable,
    /// Not a codex package file (`{path}`, `{error}`).
    layout_not_package,
    /// The package names a codex that is not there (`{path}`, `{entry}`).
    layout_entry_missing,
    /// No codex executable in a folder (`{dir}`).
    layout_no_exe,
    /// `--target host` on a host without codex.
    target_unpublished,
    /// An unknown `--target` (`{triple}`, `{known}`).
    target_unknown,
    /// Where codex comes from: GitHub.
    source_github,
    /// Where codex comes from: an npm registry (`{registry}`).
    source_npm,
    /// A payload source: an archive on disk (`{path}`).
    source_file,
    /// payload install --from without a pin for that version and target.
    payload_file_unpinned,
    /// payload install --from with a file whose digest matches no pin.
    payload_file_not_pinned,
    /// payload install --from FILE --version latest.
    payload_file_no_latest,
    /// payload install --from with something that is not a regular file.
    payload_file_not_regular,
    /// A download announced too big (`{announced}`, `{max}`).
    download_too_big,
    /// A download broke off (`{total}`, `{error}`).
    download_broke,
    /// A download broke off without a reason (`{total}`).
    download_broke_silent,
    /// A download took too long (`{secs}`, `{total}`).
    download_too_long,
    /// A download stalled (`{secs}`, `{total}`).
    download_stalled,
    /// A server answered with an HTTP error (`{status}`).
    http_status,
    /// A download longer than announced (`{cap}`).
    download_over_announced,
    /// A download over the limit (`{cap}`).
    download_over_cap,
    /// A download shorter than announced (`{total}`, `{length}`).
    download_short,
    /// An archive without codex (`{target}`).
    archive_no_codex,
    /// A launch offers to download codex (`{missing}`).
    codex_no_payload_ask,
    /// A launch uses the host's codex (`{missing}`, `{path}`).
    codex_from_path,
    /// A launch finds no codex at all (`{missing}`).
    codex_nowhere,
    /// A session on a write-protected stick uses a private copy (`{path}`).
    private_copy_used,
    /// Asks to run on a private copy of a write-protected stick.
    private_copy_ask,
    /// The private folder cannot be created (`{path}`).
    private_cannot_create,
    /// A folder cannot be created (`{path}`).
    cannot_create,
    /// A program cannot start (`{path}`).
    cannot_start,
    /// codex.exe refused by a Windows policy (`{path}`, `{code}`).
    spawn_blocked_by_policy,
    /// codex.exe stopped by an antivirus (`{path}`, `{code}`).
    spawn_antivirus,
    /// codex refused to start: its drive is mounted noexec (`{path}`, `{code}`).
    spawn_noexec,
    /// `codex login status` cannot run.
    cannot_run_login_status,
    /// The output cannot be written.
    cannot_write_output,
    /// The exec watchdog stopped a silent codex (`{secs}`).
    exec_stalled,
    /// A line usbide says on stderr (`{message}`).
    usbide_line,
    /// After a question Enter answers yes to.
    ask_suffix,
    /// A yes/no question whose answer defaults to no.
    choose_suffix,
    /// A yes/no answer that is neither (`{answer}`).
    choose_again,
    /// The one-time code screen: its first line.
    device_intro,
    /// The one-time code screen: the link (`{url}`).
    device_open,
    /// The one-time code screen: the code (`{code}`).
    device_enter,
    /// The one-time code screen: how long the code lasts.
    device_expires,
    /// `doctor --bundle` wrote its file (`{path}`).
    bundle_written,
    /// `doctor --bundle` refused: the file exists (`{path}`).
    bundle_exists,
    /// The doctor's report cannot be encoded.
    cannot_encode_report,
    /// A file cannot be written (`{path}`).
    cannot_write,
    /// A file cannot be opened (`{path}`).
    cannot_open,
    /// A file cannot be removed (`{path}`).
    cannot_remove,
    /// The event stream cannot be rendered.
    cannot_render,
    /// An archive entry leaves its folder (`{name}`).
    archive_escapes,
    /// An archive unpacks too big (`{max}`).
    archive_bomb,
    /// A launch behind TLS inspection (`{path}`).
    tls_bundle_launch,
    /// A launch: a preflight finding (`{id}`, `{finding}`, `{fix}`).
    preflight_note,
    /// `usbide stick`: where things are (`{root}`, `{home}`, `{payload}`); the label column is 12 wide.
    stick_report,
    /// `usbide stick`: a drive the OS does not list.
    stick_report_unlisted,
    /// `usbide stick`: the drive (`{mount}`, `{letter}`, `{fs}`, `{perm}`: a `stick_report_no_perm` or nothing, `{removable}`, `{read_only}`, `{free}`, `{total}`, `{id}`).
    stick_report_drive,
    /// `usbide stick`: a file system without permissions.
    stick_report_no_perm,
    /// A yes in a report.
    yes,
    /// A no in a report.
    no,
    /// `usbide env`: the heading.
    env_heading,
    /// `usbide env`: the removed variables' heading.
    env_removed_heading,
    /// `usbide env`: nothing removed.
    env_removed_none,
    /// `usbide env`: one removed variable (`{name}`, `{why}`).
    env_removed_line,
    /// `usbide env`: codex's extra arguments (`{list}`).
    env_overrides,
    /// usbide env: a session's own temporary folder (`{path}`, a pattern).
    env_scratch,
    /// usbide schema with a name it does not know (`{name}`, `{known}`).
    schema_unknown,
    /// `usbide env`: why an API key is removed.
    drop_api_key,
    /// `usbide env`: why a base URL is removed.
    drop_custom_base,
    /// `usbide env`: why a codex-internal variable is removed.
    drop_internal,
    /// `usbide env`: why a backtrace switch is removed.
    drop_backtrace,
    /// The Windows proxy given to codex (`{list}`).
    proxy_windows_static,
    /// Windows finds its proxy automatically (`{how}`).
    proxy_windows_auto,
    /// How Windows finds its proxy: a PAC script (`{url}`).
    proxy_how_pac,
    /// How Windows finds its proxy: WPAD.
    proxy_how_wpad,
    /// `usbide stick`: a volume id not known.
    volume_id_unknown,
    /// `usbide status`: no login method forced.
    status_forced_none,
    /// `usbide status`: the forced workspace, appended (`{ws}`).
    status_forced_workspace,
    /// `usbide status`: the login contradicts the forced method (`{what}`, `{why}`).
    status_forced_mismatch,
    /// `usbide status`: nothing forced.
    status_forced_off,
    /// `usbide status`: the login matches the forced method (`{what}`).
    status_forced_ok,
    /// A launch: the host's CODEX_HOME is replaced (`{old}`, `{new}`).
    codex_home_replaced,
    /// The download's progress bar, before the bar.
    download_progress,
    /// auth.json is not JSON (`{path}`, `{line}`, `{column}`).
    auth_not_json,
    /// Not an http(s) URL (`{url}`).
    url_not_http,
    /// A proxy that cannot be used (`{proxy}`, `{error}`).
    proxy_unusable,
    /// What a release lacks (`{name}`, `{version}`).
    release_asset,
    /// A server's answer usbide cannot read (`{error}`).
    unexpected_answer,
    /// A setting with a value it does not accept (`{key}`, `{wants}`, `{value}`).
    settings_bad_value,
    /// What a URL setting accepts.
    settings_wants_url,
    /// usbide.toml is not TOML (`{path}`, `{reason}`: the parser's words, quoted).
    settings_not_toml,
    /// Between a file's name and what is said of it.
    colon,
    /// Between two parts of one sentence.
    semicolon,
    /// A download that could not reach its server (`{url}`, `{title}`: the cause).
    payload_unreachable,
    /// An install unpacks the archive it verified (`{size}`).
    payload_unpacking,    /// An install records the SHA-256 of every file it unpacked.
    payload_hashing,
    /// `usbide update` cannot reach a URL (`{url}`, `{reason}`).
    update_fetch,    /// A release without this computer's archive (`{what}`, `{name}`).
    update_no_asset,    /// An archive not signed by the publisher (`{name}`, `{reason}`).
    update_signature,    /// An archive that is not a usbide release (`{name}`, `{reason}`).
    update_archive,    /// An archive or binary over the cap (`{name}`, `{size}`).
    update_too_large,    /// The new binary did not start as expected (`{expected}`, `{reason}`).
    update_probe,    /// A release that is not newer (`{found}`, `{current}`).
    update_not_newer,    /// A version that is not a version number (`{version}`).
    update_bad_version,    /// `update --rollback` with nothing to go back to (`{path}`).
    update_no_previous,    /// A file that could not be replaced (`{path}`, `{reason}`).
    update_replace,    /// Reading a file failed (`{path}`).
    cannot_read,    /// `usbide init` on a system codex is not published for.
    init_no_codex_here,    /// A login against the method a flag or variable forces (`{forced}`, `{asked}`, `{hint}`).
    login_method_contradicts,
    /// The way to a ChatGPT login when the forced method is chatgpt and an API key was given.
    login_contradicts_chatgpt_hint,
}
