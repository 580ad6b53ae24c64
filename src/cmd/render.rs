//! `usbide render [--json] [FILE|-]`: the exec renderer over a saved `--json`
//! stream. Exits 1 when a turn failed.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::OutputArgs;
use crate::context::Context;
use crate::events::lines;
use crate::events::machine::Machine;
use crate::events::render::{Batch, Renderer, Style};

/// The output style for these options on this host.
pub fn style(ctx: &Context, output: &OutputArgs) -> Style {
    style_on(ctx, output, io::stdout().is_terminal())
}

/// [`style`] for a transcript written where `terminal` says (`usbide exec`
/// writes its transcript on stderr, as codex exec does).
pub fn style_on(ctx: &Context, output: &OutputArgs, terminal: bool) -> Style {
    let color = ctx.color(terminal);
    Style {
        color,
        quiet: output.quiet,
        live_status: terminal && color,
        lang: ctx.lang,
    }
}

/// Render every line of `input` through `renderer`. Output is released
/// whenever the input has nothing more buffered, so each line shows as soon
/// as it is complete, yet a fast stream is written in large blocks.
pub fn pump<W: io::Write>(input: impl Read, renderer: &mut Renderer<Batch<W>>) -> io::Result<()> {
    each_line(input, |line, idle| {
        match line {
            Ok(line) => renderer.line(line)?,
            Err(bytes) => renderer.overlong(bytes)?,
        }
        if idle || renderer.writer_mut().is_full() {
            renderer.writer_mut().commit()?;
        }
        Ok(())
    })?;
    renderer.finish()?;
    renderer.writer_mut().commit()
}

/// A line of the stream, or the length of one too long to keep.
type Item<'a> = std::result::Result<&'a [u8], u64>;

/// Call `f` with each line of `input` (without its line end; `Err(bytes)`
/// for a line over [`lines::MAX_LINE`], which is skipped) and whether nothing
/// more is buffered after it.
fn each_line(
    input: impl Read,
    mut f: impl FnMut(Item<'_>, bool) -> io::Result<()>,
) -> io::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut line = Vec::with_capacity(1 << 16);
    loop {
        // A whole line in the buffer is handed over where it lies; one that
        // spans a refill (or is too long) is gathered by `lines::next`.
        let buffered = reader.buffer();
        if let Some(end) = memchr::memchr(b'\n', buffered) {
            let idle = end + 1 == buffered.len();
            let text = &buffered[..end];
            f(Ok(text.strip_suffix(b"\r").unwrap_or(text)), idle)?;
            reader.consume(end + 1);
            continue;
        }
        let item = match lines::next(&mut reader, &mut line, lines::MAX_LINE)? {
            lines::Read::Eof => return Ok(()),
            lines::Read::Line => Ok(&line[..]),
            lines::Read::Overlong(bytes) => Err(bytes),
        };
        f(item, reader.buffer().is_empty())?;
    }
}

/// Run the command.
pub fn run(ctx: &Context, file: Option<&Path>, output: &OutputArgs, json: bool) -> Result<i32> {
    let input: Box<dyn Read> = match file {
        Some(p) if p != Path::new("-") => Box::new(File::open(p).with_context(|| {
            crate::messages::about(crate::messages::text(ctx.lang).cannot_open, p)
        })?),
        _ => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                let lang = ctx.lang;
                crate::out::eprintln!("{}", crate::messages::text(lang).render_waiting);
            }
            Box::new(stdin.lock())
        }
    };
    let style = style(ctx, output);
    let (result, failed) = if json {
        let mut machine = Machine::new(Batch::new(io::stdout().lock()), style.lang);
        let result = each_line(input, |line, idle| {
            match line {
                Ok(line) => machine.line(line)?,
                // stdout stays valid JSON lines: the skip is said on stderr.
                Err(bytes) => Renderer::new(io::stderr().lock(), style).overlong(bytes)?,
            }
            if idle {
                machine.writer_commit()?;
            }
            Ok(())
        })
        .and_then(|()| machine.writer_commit());
        (result, machine.failed())
    } else {
        let mut renderer = Renderer::new(Batch::new(io::stdout().lock()), style);
        let result = pump(input, &mut renderer);
        (result, renderer.failed())
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(crate::exit::OK),
        other => other
            .map(|()| if failed { 1 } else { crate::exit::OK })
            .context(crate::messages::text(ctx.lang).cannot_render),
    }
}

impl<W: Write> Machine<Batch<W>> {
    /// Release what was collected.
    fn writer_commit(&mut self) -> io::Result<()> {
        self.writer_mut().commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn lines_of(data: &[u8], step: usize) -> Vec<(Vec<u8>, bool)> {
        let mut seen = Vec::new();
        each_line(Trickle { data, step }, |item, idle| {
            seen.push((item.expect("short line").to_vec(), idle));
            Ok(())
        })
        .expect("read");
        seen
    }

    #[test]
    fn lines_are_the_same_whole_in_the_buffer_or_across_refills() {
        let long = vec![b'x'; 100_000];
        let mut data = b"a\r\nc\r\n\nb\n".to_vec();
        data.extend_from_slice(&long);
        data.extend_from_slice(b"\r\nlast");
        let want: Vec<Vec<u8>> = vec![
            b"a".to_vec(),
            b"c".to_vec(),
            vec![],
            b"b".to_vec(),
            long,
            b"last".to_vec(),
        ];
        for step in [1, 7, 4096, 1 << 20] {
            let seen = lines_of(&data, step);
            let texts: Vec<Vec<u8>> = seen.iter().map(|(l, _)| l.clone()).collect();
            assert_eq!(texts, want, "step {step}");
            assert!(seen.last().is_some_and(|(_, idle)| *idle), "step {step}");
        }
        // Read in one go, the lines before the last have more behind them.
        let seen = lines_of(&data, 1 << 20);
        assert!(!seen[0].1 && !seen[3].1);
    }
}
