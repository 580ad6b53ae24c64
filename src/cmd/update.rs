//! `usbide update`: what it says and asks around [`crate::update`], which
//! finds, verifies and swaps in a release.

use anyhow::Result;

use crate::cli::UpdateArgs;
use crate::context::Context;
use crate::messages::{fill, text};
use crate::ui::note;
use crate::update::{current, newer_or_allowed, release, replace};

/// `usbide update ...`.
pub fn run(ctx: &Context, args: &UpdateArgs) -> Result<i32> {
    let exe = std::fs::canonicalize(&ctx.exe).unwrap_or_else(|_| ctx.exe.clone());
    if args.rollback {
        let back = replace::rollback(&exe)?;
        note(&fill(
            text(ctx.lang).update_rolled_back,
            &[("version", &back)],
        ));
        return Ok(crate::exit::OK);
    }
    let (archive, version) = match &args.from {
        Some(file) => {
            let version = release::version_from_name(file)?;
            (release::Archive::read(file)?, version)
        }
        None => {
            let found = release::find(
                &ctx.http,
                &ctx.settings.github_api,
                args.version.as_deref(),
                ctx.lang,
            )?;
            if args.check {
                // A release older than this build (a local build, a mirror
                // behind) is "up to date" for a check, not a refusal.
                let t = text(ctx.lang);
                let line = if found.version > current() {
                    fill(
                        t.update_available,
                        &[
                            ("version", &found.version.to_string()),
                            ("current", &current().to_string()),
                        ],
                    )
                } else {
                    fill(t.update_up_to_date, &[("version", &current().to_string())])
                };
                crate::out::println!("{line}");
                return Ok(crate::exit::OK);
            }
            if !newer_or_allowed(&found.version, args.allow_downgrade)? {
                note(&fill(
                    text(ctx.lang).update_up_to_date,
                    &[("version", &current().to_string())],
                ));
                return Ok(crate::exit::OK);
            }
            note(&fill(
                text(ctx.lang).update_downloading,
                &[("version", &found.version.to_string()), ("url", &found.url)],
            ));
            let archive = release::download(&ctx.http, &found, ctx.lang)?;
            (archive, found.version)
        }
    };
    if args.from.is_some() && !newer_or_allowed(&version, args.allow_downgrade)? {
        // The same version: nothing to install, nothing to allow.
        note(&fill(
            text(ctx.lang).update_up_to_date,
            &[("version", &current().to_string())],
        ));
        return Ok(crate::exit::OK);
    }
    crate::update::install_archive(&exe, &archive, &version, || after_verify(args))?;
    note(&fill(
        text(ctx.lang).update_done,
        &[
            ("version", &version.to_string()),
            ("old", &replace::old_path(&exe).display().to_string()),
        ],
    ));
    Ok(crate::exit::OK)
}

/// Test hook (debug builds only): once the signature is checked, put the
/// file the tests named in place of the `--from` archive, as a process
/// racing usbide would; the installed binary must still be the verified one.
fn after_verify(args: &UpdateArgs) {
    if let (Some(from), Some(swap)) = (&args.from, &crate::hooks::get().swap_after_verify) {
        let _ = std::fs::copy(swap, from);
    }
}
