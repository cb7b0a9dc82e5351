//! The bytes of a streamed list, kept from the start of the record being read, so that after a
//! syntax error the reader can go back and read on from the next record (see
//! [`super::read_document`]). Only the bytes after the last record handed on are kept, plus
//! what the parser read ahead: a few records' worth.

use std::io::{self, BufRead, Read};

/// Bytes already handed on and forgotten are dropped from the front of the buffer once they
/// are at least this many (and half of it): copying is then amortised over the bytes read.
const COMPACT_OVER: usize = 1 << 20;

/// A reader that remembers what it handed on.
pub struct Tape<R> {
    inner: R,
    /// Bytes read from `inner`: `kept[start..]` is remembered, `kept[pos..]` not handed on yet.
    kept: Vec<u8>,
    start: usize,
    /// The 1-based line that starts at `kept[start]`.
    start_line: usize,
    pos: usize,
    /// Why reading `inner` failed (the parser is told; the tape says no more).
    failed: Option<io::ErrorKind>,
    failure: String,
}

/// Where reading goes on after a syntax error.
#[derive(Debug, PartialEq)]
pub enum Resync {
    /// At this line, the start of a record; `skipped` records began in the lines passed over.
    At { line: usize, skipped: Skipped },
    /// Nowhere: the input ended after `last_line`.
    End { last_line: usize, skipped: Skipped },
    /// Nowhere: a line longer than the limit, starting on `line` (the rest is not read).
    TooLong { line: usize, skipped: Skipped },
}

/// The records begun in the lines passed over.
#[derive(Debug, Default, PartialEq)]
pub struct Skipped {
    /// The line of the first (the record that failed, when it is among them).
    pub first: Option<usize>,
    /// How many.
    pub records: usize,
}

impl<R: BufRead> Tape<R> {
    pub fn new(inner: R) -> Self {
        Tape {
            inner,
            kept: Vec::new(),
            start: 0,
            start_line: 1,
            pos: 0,
            failed: None,
            failure: String::new(),
        }
    }

    /// Forgets the lines before `line`: reading will never go back before it.
    pub fn forget_before(&mut self, line: usize) {
        while self.start_line < line {
            match memchr::memchr(b'\n', &self.kept[self.start..self.pos]) {
                Some(i) => {
                    self.start += i + 1;
                    self.start_line += 1;
                }
                None => break,
            }
        }
        self.compact();
    }

    /// The text of the lines `from` through `through` (else through all that was handed on),
    /// at most `max` bytes (cut at a character's start); `None` when `from` was forgotten.
    pub fn text(&self, from: usize, through: Option<usize>, max: usize) -> Option<String> {
        if from < self.start_line {
            return None;
        }
        let kept = &self.kept[self.start..self.pos];
        let mut begin = 0;
        for _ in self.start_line..from {
            begin += memchr::memchr(b'\n', &kept[begin..])? + 1;
        }
        let mut end = begin;
        match through {
            Some(through) => {
                for _ in from..=through {
                    match memchr::memchr(b'\n', &kept[end..]) {
                        Some(i) => end += i + 1,
                        None => {
                            end = kept.len();
                            break;
                        }
                    }
                }
            }
            None => end = kept.len(),
        }
        let bytes = &kept[begin..end.min(begin.saturating_add(max))];
        let valid = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
        };
        Some(valid.to_owned())
    }

    fn compact(&mut self) {
        if self.start >= COMPACT_OVER && self.start * 2 >= self.kept.len() {
            self.kept.drain(..self.start);
            self.pos -= self.start;
            self.start = 0;
        }
    }

    /// Reads more of the input into the buffer; `false` at its end (or when it failed: the
    /// error is kept and handed on to the reader).
    fn pull(&mut self) -> bool {
        if self.failed.is_some() {
            return false;
        }
        loop {
            match self.inner.fill_buf() {
                Ok([]) => return false,
                Ok(data) => {
                    let n = data.len();
                    self.kept.extend_from_slice(data);
                    self.inner.consume(n);
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = Some(e.kind());
                    self.failure = e.to_string();
                    return false;
                }
            }
        }
    }

    /// After a syntax error on line `error`, in a record that starts on or after line `after`:
    /// the next line that `starts_record` after the error's line, or on it when a record
    /// started before it (the one that failed, reported where the next one starts). The
    /// records begun on the lines passed over are counted. Reading then starts again at that
    /// line. A line longer than `max_line` bytes ends the search.
    pub fn resync(
        &mut self,
        after: usize,
        error: usize,
        max_line: usize,
        starts_record: impl Fn(&[u8]) -> bool,
    ) -> Resync {
        let mut skipped = Skipped::default();
        // Lines before `after` are behind the error: passed over without a look.
        let mut at = self.start;
        let mut line = self.start_line;
        loop {
            let newline = loop {
                match memchr::memchr(b'\n', &self.kept[at..]) {
                    Some(i) => break Some(at + i),
                    None if self.kept.len() - at > max_line => {
                        return Resync::TooLong { line, skipped };
                    }
                    None if self.pull() => continue,
                    None => break None,
                }
            };
            let text = &self.kept[at..newline.unwrap_or(self.kept.len())];
            if line >= after && (newline.is_some() || !text.is_empty()) && starts_record(text) {
                if line > error || (line == error && skipped.first.is_some()) {
                    self.start = at;
                    self.start_line = line;
                    self.pos = at;
                    return Resync::At { line, skipped };
                }
                skipped.first.get_or_insert(line);
                skipped.records += 1;
            }
            match newline {
                Some(n) => {
                    at = n + 1;
                    line += 1;
                    // What is passed over is not needed again.
                    self.start = at;
                    self.start_line = line;
                    self.pos = self.pos.max(at);
                    self.compact();
                    at = self.start;
                }
                None => {
                    let last_line = if text.is_empty() { line - 1 } else { line };
                    self.start = self.kept.len();
                    self.pos = self.start;
                    return Resync::End { last_line, skipped };
                }
            }
        }
    }
}

impl<R: BufRead> Read for Tape<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let data = self.fill_buf()?;
        let n = data.len().min(out.len());
        out[..n].copy_from_slice(&data[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tape<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.kept.len() {
            self.compact();
            if !self.pull() {
                if let Some(kind) = self.failed {
                    return Err(io::Error::new(kind, self.failure.clone()));
                }
            }
        }
        Ok(&self.kept[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.kept.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(line: &[u8]) -> bool {
        line.starts_with(b"- ") || line == b"-"
    }

    /// Reads `n` bytes as the parser would.
    fn hand_on(t: &mut Tape<&[u8]>, n: usize) {
        let mut buf = vec![0; n];
        t.read_exact(&mut buf).unwrap();
    }

    /// A reader that fails after its first bytes.
    struct Failing(bool);

    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if std::mem::replace(&mut self.0, true) {
                return Err(io::Error::new(io::ErrorKind::PermissionDenied, "no access"));
            }
            out[..4].copy_from_slice(b"- a\n");
            Ok(4)
        }
    }

    #[test]
    fn a_read_that_fails_is_handed_on_with_its_error() {
        let mut t = Tape::new(io::BufReader::new(Failing(false)));
        let mut out = Vec::new();
        let e = t.read_to_end(&mut out).unwrap_err();
        assert_eq!(
            (out.as_slice(), e.kind()),
            (&b"- a\n"[..], io::ErrorKind::PermissionDenied)
        );
        assert_eq!(e.to_string(), "no access");
    }

    #[test]
    fn goes_back_to_the_next_record_after_the_error() {
        let text = b"- a\n- b\n  x: [\n- c\n  y\n- d\n";
        let mut t = Tape::new(&text[..]);
        hand_on(&mut t, text.len());
        t.forget_before(2);
        // The record on line 2 failed with an error reported on line 4.
        assert_eq!(
            t.resync(2, 4, 1 << 20, item),
            Resync::At {
                line: 4,
                skipped: Skipped {
                    first: Some(2),
                    records: 1
                }
            }
        );
        let mut rest = String::new();
        t.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "- c\n  y\n- d\n");
    }

    #[test]
    fn an_error_on_the_first_line_of_a_record_skips_it() {
        let text = b"- a\n- b: [\n- c\n- d\n";
        let mut t = Tape::new(&text[..]);
        hand_on(&mut t, text.len());
        // Reported on line 3, where record c starts: nothing failed before it, so c is the
        // record that failed.
        assert_eq!(
            t.resync(3, 3, 1 << 20, item),
            Resync::At {
                line: 4,
                skipped: Skipped {
                    first: Some(3),
                    records: 1
                }
            }
        );
        // Reported further on: every record up to the error's line is skipped.
        let mut t = Tape::new(&text[..]);
        assert_eq!(
            t.resync(1, 3, 1 << 20, item),
            Resync::At {
                line: 3,
                skipped: Skipped {
                    first: Some(1),
                    records: 2
                }
            }
        );
    }

    #[test]
    fn an_error_after_the_last_record_skips_to_the_end() {
        let text = b"- a\n- b\n  [\n  x";
        let mut t = Tape::new(&text[..]);
        hand_on(&mut t, 5);
        t.forget_before(2);
        assert_eq!(
            t.resync(2, 3, 1 << 20, item),
            Resync::End {
                last_line: 4,
                skipped: Skipped {
                    first: Some(2),
                    records: 1
                }
            }
        );
        assert_eq!(t.fill_buf().unwrap(), b"");
    }

    #[test]
    fn reads_on_past_what_was_handed_on_and_stops_at_a_long_line() {
        let text = b"- a\n  b\n- c\n";
        let mut t = Tape::new(&text[..]);
        assert_eq!(
            t.resync(1, 1, 1 << 20, item),
            Resync::At {
                line: 3,
                skipped: Skipped {
                    first: Some(1),
                    records: 1
                }
            }
        );
        let long = [b'x'; 100];
        let mut t = Tape::new(&long[..]);
        assert_eq!(
            t.resync(1, 1, 50, item),
            Resync::TooLong {
                line: 1,
                skipped: Skipped::default()
            }
        );
    }
}
