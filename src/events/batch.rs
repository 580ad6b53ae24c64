//! Output batching for the renderer: many small lines, one write.

use std::io::{self, Write};

/// A writer whose `flush` only marks a point where output may be released:
/// [`Batch::commit`] writes everything collected in one call. A reader that
/// commits whenever its input has nothing more buffered keeps output live
/// (nothing waits behind a blocking read) without one syscall per line.
#[derive(Debug)]
pub struct Batch<W: Write> {
    buf: Vec<u8>,
    inner: W,
}

impl<W: Write> Batch<W> {
    pub fn new(inner: W) -> Self {
        Self {
            buf: Vec::with_capacity(1 << 16),
            inner,
        }
    }

    /// Release what was collected.
    pub fn commit(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.inner.flush()
    }

    /// Whether enough is collected that it should go out anyway.
    pub fn is_full(&self) -> bool {
        self.buf.len() >= 1 << 16
    }
}

impl<W: Write> Write for Batch<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
