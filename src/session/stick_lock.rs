//! The stick lock every command that writes to the stick holds, taken with
//! what a user needs to hear when it cannot be (a write-protected stick,
//! another usbide at work).

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::home;
use crate::lock::StickLock;
use crate::stick::Stick;

/// Take the stick lock that every command writing to the stick holds
/// (creating `codex_home` if needed). A write-protected stick is explained,
/// in the user's language, with what still works.
pub fn lock(ctx: &Context, stick: &Stick) -> Result<StickLock> {
    lock_as(ctx, stick, crate::lock::Holder::Command)
}

/// [`lock`] for `holder`: a codex session leaves a mark that tells a later
/// command not to wait for it.
pub fn lock_as(ctx: &Context, stick: &Stick, holder: crate::lock::Holder) -> Result<StickLock> {
    let home = stick.codex_home();
    let created = std::fs::create_dir_all(&home);
    let read_only = created.as_ref().is_err_and(crate::fsx::is_read_only_fs);
    let locked = match created {
        Err(_) if read_only => Err(crate::lock::LockError::ReadOnly { home: home.clone() }),
        Err(e) => {
            return Err(e).with_context(|| {
                let path = home.display().to_string();
                crate::messages::fill(
                    crate::messages::text(ctx.lang).cannot_create,
                    &[("path", &path)],
                )
            });
        }
        Ok(()) => StickLock::acquire_as(&home, ctx.settings.lock_wait, holder),
    };
    match locked {
        Err(crate::lock::LockError::ReadOnly { .. }) => {
            let lang = ctx.lang;
            Err(home::HomeError::write_protected(&stick.root, lang).into())
        }
        other => Ok(other?),
    }
}

/// Whether `err` says that a codex session holds the stick: a command that
/// only reads goes on without the lock, and writes nothing.
pub fn held_by_session(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        matches!(
            c.downcast_ref::<crate::lock::LockError>(),
            Some(crate::lock::LockError::Busy { session: true, .. })
        )
    })
}

/// Whether `err` is the explanation of a write-protected stick.
pub fn is_write_protected(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        matches!(
            c.downcast_ref::<home::HomeError>(),
            Some(home::HomeError::WriteProtected { .. })
        )
    })
}
