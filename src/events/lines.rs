//! Reading codex's output line by line in bounded memory.
//!
//! codex prints one JSON event a line, and a line can be as long as a
//! command's output; a stream with no newline at all (a binary dumped to
//! stdout, a 100 MB minified file) must not become a 100 MB string. A line
//! longer than [`MAX_LINE`] keeps its first `MAX_LINE` bytes and the rest is
//! read and dropped; the caller learns how long it was and says so.

use std::io::{self, BufRead};

/// Longest line kept whole (8 MiB: far above codex's events, far below
/// anything that strains a small PC).
pub const MAX_LINE: usize = 8 << 20;

/// What [`next`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The end of the input.
    Eof,
    /// A whole line (without its `\n` or `\r\n`).
    Line,
    /// A line of this many bytes, of which only the first `max` were kept.
    Overlong(u64),
}

/// Read the next line into `buf` (cleared first), keeping at most `max`
/// bytes of it.
pub fn next(input: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Read> {
    buf.clear();
    let mut total: u64 = 0;
    let mut seen = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        seen = true;
        let newline = memchr::memchr(b'\n', available);
        let part = &available[..newline.unwrap_or(available.len())];
        let room = max.saturating_sub(buf.len());
        buf.extend_from_slice(&part[..part.len().min(room)]);
        total += part.len() as u64;
        let used = part.len() + usize::from(newline.is_some());
        input.consume(used);
        if newline.is_some() {
            break;
        }
    }
    if !seen {
        return Ok(Read::Eof);
    }
    if total > max as u64 {
        return Ok(Read::Overlong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Read::Line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], max: usize) -> Vec<(Read, Vec<u8>)> {
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let r = next(&mut reader, &mut buf, max).expect("read");
            if r == Read::Eof {
                return out;
            }
            out.push((r, buf.clone()));
        }
    }

    #[test]
    fn lines_are_split_and_overlong_ones_cut() {
        let got = all(b"ab\r\n0123456789\n\nlast", 5);
        assert_eq!(
            got,
            [
                (Read::Line, b"ab".to_vec()),
                (Read::Overlong(10), b"01234".to_vec()),
                (Read::Line, vec![]),
                (Read::Line, b"last".to_vec()),
            ]
        );
    }

    #[test]
    fn a_huge_line_keeps_only_max_bytes() {
        let input = vec![b'x'; 1 << 20];
        let mut reader = io::BufReader::new(&input[..]);
        let mut buf = Vec::new();
        assert_eq!(
            next(&mut reader, &mut buf, 1000).expect("read"),
            Read::Overlong(1 << 20)
        );
        assert_eq!(buf.len(), 1000);
        assert!(buf.capacity() < 1 << 16, "{}", buf.capacity());
    }
}
