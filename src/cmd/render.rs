//! `usbide render [FILE|-]`: the exec renderer over a saved `--json` stream.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::{ColorArg, OutputArgs};
use crate::context::Context;
use crate::events::hints::Lang;
use crate::events::lines;
use crate::events::render::{Batch, Renderer, Style};

/// The output style for these options on this host.
pub fn style(ctx: &Context, output: &OutputArgs) -> Style {
    let terminal = io::stdout().is_terminal();
    let color = match output.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => terminal && ctx.env.get("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let color = color && crate::platform::enable_ansi();
    Style {
        color,
        quiet: output.quiet,
        live_status: terminal && color,
        lang: Lang::detect(&ctx.env, crate::platform::user_locale().as_deref()),
    }
}

/// Render every line of `input` through `renderer`. Output is released
/// whenever the input has nothing more buffered, so each line shows as soon
/// as it is complete, yet a fast stream is written in large blocks.
pub fn pump<W: io::Write>(input: impl Read, renderer: &mut Renderer<Batch<W>>) -> io::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut line = Vec::with_capacity(1 << 16);
    loop {
        match lines::next(&mut reader, &mut line, lines::MAX_LINE)? {
            lines::Read::Eof => break,
            lines::Read::Line => renderer.line(&line)?,
            lines::Read::Overlong(bytes) => renderer.overlong(bytes)?,
        }
        if reader.buffer().is_empty() || renderer.writer_mut().is_full() {
            renderer.writer_mut().commit()?;
        }
    }
    renderer.finish()?;
    renderer.writer_mut().commit()
}

/// Run the command.
pub fn run(ctx: &Context, file: Option<&Path>, output: &OutputArgs) -> Result<i32> {
    let mut renderer = Renderer::new(Batch::new(io::stdout().lock()), style(ctx, output));
    let result = match file {
        None => pump(io::stdin().lock(), &mut renderer),
        Some(p) if p == Path::new("-") => pump(io::stdin().lock(), &mut renderer),
        Some(p) => pump(
            File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
            &mut renderer,
        ),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(crate::exit::OK),
        other => other
            .map(|()| {
                if renderer.causes().is_empty() {
                    crate::exit::OK
                } else {
                    1
                }
            })
            .context("cannot render the stream"),
    }
}
