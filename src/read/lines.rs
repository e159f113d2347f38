//! Physical lines of a file, read with bounded memory: the one place the readers take bytes
//! from their input.
//!
//! A line longer than [`MAX_RECORD_BYTES`] is skipped without being held (its bytes are read
//! and dropped) and reported, and reading goes on with the next line; a line still going after
//! [`MAX_SKIPPED_LINE_BYTES`] ends reading: no line of a real shipment file is that long, and
//! an input without line ends (`/dev/zero`) must not keep a reader busy forever.

use std::io::{self, BufRead};

use super::MAX_RECORD_BYTES;

/// Longest line a reader skips over before it gives up on the input, in bytes (64 MiB).
pub const MAX_SKIPPED_LINE_BYTES: u64 = 64 << 20;

/// Where lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ends {
    /// At `\n` only (JSON Lines: a `\r` before it is white space of the line).
    Lf,
    /// At `\n`, `\r\n` or a lone `\r` (CSV, as its parser reads them).
    Any,
}

/// What reading one line gave.
#[derive(Debug)]
pub(crate) enum Line<'a> {
    /// A line: its bytes, then its end (empty for a last line without one).
    Text {
        /// The 1-based line number.
        number: u64,
        /// The line without its end.
        content: &'a [u8],
        /// The bytes that ended it: `\n`, `\r\n`, `\r`, or nothing at the end of the input.
        end: &'a [u8],
    },
    /// A line longer than [`MAX_RECORD_BYTES`], skipped; reading goes on after it.
    TooLong {
        /// The 1-based line number.
        number: u64,
    },
}

/// Why reading stopped before the end of the input.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The operating system's error.
    Io(io::Error),
    /// A line ran past [`MAX_SKIPPED_LINE_BYTES`] without ending.
    Endless,
}

/// Reads lines from a buffered reader, at most [`MAX_RECORD_BYTES`] held at a time.
#[derive(Debug)]
pub(crate) struct Lines<R> {
    inner: R,
    ends: Ends,
    /// The line last read, with its end.
    buf: Vec<u8>,
    /// The number of the line last read.
    number: u64,
    /// Whether the end of the input was reached.
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(inner: R, ends: Ends) -> Self {
        Lines {
            inner,
            ends,
            buf: Vec::new(),
            number: 0,
            done: false,
        }
    }

    /// The number of the line last read (0 before the first).
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Counts `lines` more lines as already read (the blank lines a caller skipped itself).
    pub fn skip_numbers(&mut self, lines: u64) {
        self.number += lines;
    }

    /// The next line, `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, Stop> {
        if self.done {
            return Ok(None);
        }
        self.buf.clear();
        let mut skipped: u64 = 0;
        let mut too_long = false;
        let mut seen_any = false;
        // How the line ended: the length of its end, or `None` at the end of the input.
        let end_len = loop {
            let chunk = match self.inner.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Err(Stop::Io(e));
                }
            };
            if chunk.is_empty() {
                self.done = true;
                if !seen_any {
                    return Ok(None);
                }
                break None;
            }
            seen_any = true;
            let found = match self.ends {
                Ends::Lf => memchr::memchr(b'\n', chunk),
                Ends::Any => memchr::memchr2(b'\n', b'\r', chunk),
            };
            let take = found.map_or(chunk.len(), |at| at + 1);
            let part = chunk.get(..take).unwrap_or_default();
            let content_len = found.map_or(part.len(), |at| at);
            if !too_long && self.buf.len() + content_len > MAX_RECORD_BYTES {
                too_long = true;
                skipped = self.buf.len() as u64;
                self.buf.clear();
            }
            if too_long {
                skipped += part.len() as u64;
            } else {
                self.buf.extend_from_slice(part);
            }
            let lone_cr = found.is_some() && part.last() == Some(&b'\r');
            self.inner.consume(take);
            if too_long && found.is_none() && skipped > MAX_SKIPPED_LINE_BYTES {
                self.done = true;
                return Err(Stop::Endless);
            }
            if found.is_some() {
                if lone_cr && self.next_is_lf()? {
                    self.inner.consume(1);
                    if !too_long {
                        self.buf.push(b'\n');
                    }
                    break Some(2);
                }
                break Some(1);
            }
        };
        self.number += 1;
        if too_long {
            return Ok(Some(Line::TooLong {
                number: self.number,
            }));
        }
        let split = self.buf.len() - end_len.unwrap_or(0);
        let (content, end) = self.buf.split_at(split);
        Ok(Some(Line::Text {
            number: self.number,
            content,
            end,
        }))
    }

    /// Whether the next byte is `\n` (after a `\r` at the end of a buffer).
    fn next_is_lf(&mut self) -> Result<bool, Stop> {
        loop {
            match self.inner.fill_buf() {
                Ok(chunk) => return Ok(chunk.first() == Some(&b'\n')),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Err(Stop::Io(e));
                }
            }
        }
    }
}

/// Skips white space (and a byte order mark) at the start of an input, counting the lines it
/// passes: `None` when nothing else follows (an empty input), else the number of line ends
/// passed. Reads a byte at a time from the buffer, holding nothing.
pub(crate) fn skip_blank_start<R: BufRead>(input: &mut R, ends: Ends) -> io::Result<Option<u64>> {
    let mut lines = 0u64;
    let mut first = true;
    let mut after_cr = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(None);
        }
        if first {
            first = false;
            if chunk.starts_with(b"\xef\xbb\xbf") {
                input.consume(3);
                continue;
            }
        }
        let blank = chunk
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(chunk.len());
        for &b in chunk.get(..blank).unwrap_or_default() {
            match (b, ends) {
                (b'\n', Ends::Any) if after_cr => after_cr = false,
                (b'\n', _) => lines += 1,
                (b'\r', Ends::Any) => {
                    lines += 1;
                    after_cr = true;
                }
                _ => after_cr = false,
            }
        }
        let rest = blank < chunk.len();
        input.consume(blank);
        if rest {
            return Ok(Some(lines));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn all(text: &[u8], ends: Ends, capacity: usize) -> Vec<(u64, Vec<u8>, Vec<u8>)> {
        let mut lines = Lines::new(io::BufReader::with_capacity(capacity, text), ends);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            match line {
                Line::Text {
                    number,
                    content,
                    end,
                } => out.push((number, content.to_vec(), end.to_vec())),
                Line::TooLong { number } => out.push((number, b"<long>".to_vec(), Vec::new())),
            }
        }
        out
    }

    #[test]
    fn lines_end_at_each_kind_of_end_whatever_the_buffer() {
        let text = b"a\r\nb\rc\n\nd";
        for capacity in [1, 2, 3, 64] {
            let got = all(text, Ends::Any, capacity);
            let want: Vec<(u64, Vec<u8>, Vec<u8>)> = vec![
                (1, b"a".to_vec(), b"\r\n".to_vec()),
                (2, b"b".to_vec(), b"\r".to_vec()),
                (3, b"c".to_vec(), b"\n".to_vec()),
                (4, b"".to_vec(), b"\n".to_vec()),
                (5, b"d".to_vec(), b"".to_vec()),
            ];
            assert_eq!(got, want, "capacity {capacity}");
            let lf = all(text, Ends::Lf, capacity);
            assert_eq!(lf.len(), 4, "capacity {capacity}");
            assert_eq!(lf[0].1, b"a\r");
            assert_eq!(lf[1].1, b"b\rc");
        }
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_kept_one_byte_more_is_skipped() {
        let mut text = vec![b'x'; MAX_RECORD_BYTES];
        text.push(b'\n');
        text.extend(vec![b'y'; MAX_RECORD_BYTES + 1]);
        text.extend_from_slice(b"\nlast");
        let got = all(&text, Ends::Lf, 1 << 16);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1.len(), MAX_RECORD_BYTES);
        assert_eq!(got[1].1, b"<long>");
        assert_eq!((got[2].0, got[2].1.as_slice()), (3, &b"last"[..]));
    }

    #[test]
    fn an_endless_line_stops_reading() {
        let zeros = io::repeat(0).take(MAX_SKIPPED_LINE_BYTES + (2 << 20));
        let mut lines = Lines::new(io::BufReader::new(zeros), Ends::Any);
        assert!(matches!(lines.next_line(), Err(Stop::Endless)));
        assert!(matches!(lines.next_line(), Ok(None)));
    }

    #[test]
    fn blank_starts_are_counted_and_empty_inputs_told() {
        let mut empty: &[u8] = b"\xef\xbb\xbf \n\r\n\t";
        assert_eq!(skip_blank_start(&mut empty, Ends::Lf).unwrap(), None);
        let mut text: &[u8] = b"\r\n\r\n x";
        assert_eq!(skip_blank_start(&mut text, Ends::Any).unwrap(), Some(2));
        assert_eq!(text, b"x");
        let mut lf: &[u8] = b"\n\r\n{";
        assert_eq!(skip_blank_start(&mut lf, Ends::Lf).unwrap(), Some(2));
    }
}
