//! The bytes of a record document on their way to the YAML parser: stopped at the first byte
//! that is not UTF-8 text, and at a size limit, with the reason kept so that the record error
//! can name it (the parser only sees that its input failed).

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// Why the input stopped before its end.
#[derive(Clone, Debug, PartialEq)]
pub enum Trouble {
    /// A byte that is not UTF-8 text, on this line.
    NotUtf8 { line: usize },
    /// More than `limit` bytes since the last mark (the start of the document or of a record),
    /// crossed on this line.
    TooLarge { limit: usize, line: usize },
    /// Reading failed after this line.
    Io { error: String, line: usize },
}

/// What the reader and the parser's caller share.
#[derive(Debug, Default)]
pub struct Watch {
    /// Bytes handed to the parser so far.
    read: Cell<usize>,
    /// `read` when the last record ended.
    mark: Cell<usize>,
    trouble: RefCell<Option<Trouble>>,
}

impl Watch {
    /// A record ended: the size limit counts from here.
    pub fn mark(&self) {
        self.mark.set(self.read.get());
    }

    /// Why the input stopped, if it did.
    pub fn trouble(&self) -> Option<Trouble> {
        self.trouble.borrow().clone()
    }
}

/// Bytes handed on at most per refill, so that a check covers a bounded block.
const BLOCK: usize = 64 * 1024;

/// A reader that hands on UTF-8 text only, at most `limit` bytes past the watch's mark.
pub struct Checked<R> {
    inner: R,
    limit: usize,
    watch: Rc<Watch>,
    /// Checked bytes not handed on yet: `buf[pos..]`.
    buf: Vec<u8>,
    pos: usize,
    /// The start of a UTF-8 sequence cut by the end of a block.
    carry: Vec<u8>,
    /// Lines before `buf`.
    lines: usize,
    failed: bool,
}

impl<R: BufRead> Checked<R> {
    /// A reader of `inner`, whose first line is line `offset + 1` of the input.
    pub fn new(inner: R, limit: usize, watch: Rc<Watch>, offset: usize) -> Self {
        Checked {
            inner,
            limit,
            watch,
            buf: Vec::with_capacity(BLOCK + 4),
            pos: 0,
            carry: Vec::new(),
            lines: offset,
            failed: false,
        }
    }

    fn fail(&mut self, trouble: Trouble) {
        self.failed = true;
        *self.watch.trouble.borrow_mut() = Some(trouble);
    }

    /// Reads and checks the next block; `buf` stays empty at the end of the input.
    fn refill(&mut self) {
        self.lines += memchr::memchr_iter(b'\n', &self.buf).count();
        self.buf.clear();
        self.pos = 0;
        self.buf.append(&mut self.carry);
        loop {
            let data = match self.inner.fill_buf() {
                Ok(d) => d,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let line = self.lines + 1;
                    return self.fail(Trouble::Io {
                        error: e.to_string(),
                        line,
                    });
                }
            };
            if data.is_empty() {
                if !self.buf.is_empty() {
                    // The input ends inside a UTF-8 sequence.
                    let line = self.lines + 1;
                    self.buf.clear();
                    self.fail(Trouble::NotUtf8 { line });
                }
                return;
            }
            let n = data.len().min(BLOCK);
            self.buf.extend_from_slice(&data[..n]);
            self.inner.consume(n);
            let read = self.watch.read.get() + n;
            self.watch.read.set(read);
            if read - self.watch.mark.get() > self.limit {
                let line = self.lines + memchr::memchr_iter(b'\n', &self.buf).count() + 1;
                self.buf.clear();
                return self.fail(Trouble::TooLarge {
                    limit: self.limit,
                    line,
                });
            }
            if let Err(e) = std::str::from_utf8(&self.buf) {
                let valid = e.valid_up_to();
                if e.error_len().is_some() {
                    let line = self.lines + memchr::memchr_iter(b'\n', &self.buf[..valid]).count();
                    self.buf.truncate(valid);
                    return self.fail(Trouble::NotUtf8 { line: line + 1 });
                }
                self.carry.extend_from_slice(&self.buf[valid..]);
                self.buf.truncate(valid);
            }
            if !self.buf.is_empty() {
                return;
            }
            // Only the start of a sequence so far: read on.
            self.buf.append(&mut self.carry);
        }
    }
}

impl<R: BufRead> Read for Checked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            if self.failed {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the input stopped here",
                ));
            }
            self.refill();
            if self.pos == self.buf.len() {
                return if self.failed {
                    Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the input stopped here",
                    ))
                } else {
                    Ok(0)
                };
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], limit: usize) -> (Vec<u8>, Option<Trouble>) {
        let watch = Rc::new(Watch::default());
        // A tiny buffer, so that UTF-8 sequences are cut between blocks.
        let inner = std::io::BufReader::with_capacity(3, bytes);
        let mut r = Checked::new(inner, limit, watch.clone(), 0);
        let mut out = Vec::new();
        let _ = r.read_to_end(&mut out);
        (out, watch.trouble())
    }

    #[test]
    fn hands_on_utf8_text_whole() {
        let text = "a: é\n- ü€😀\n".repeat(50);
        assert_eq!(
            read_all(text.as_bytes(), 1 << 20),
            (text.into_bytes(), None)
        );
    }

    #[test]
    fn stops_before_the_first_byte_that_is_not_utf8() {
        let (out, trouble) = read_all(b"one\ntwo\nth\xFFree\n", 1 << 20);
        assert_eq!(out, b"one\ntwo\nth");
        assert_eq!(trouble, Some(Trouble::NotUtf8 { line: 3 }));
        let (out, trouble) = read_all(b"ok\n\xE2\x82", 1 << 20);
        assert_eq!(out, b"ok\n");
        assert_eq!(trouble, Some(Trouble::NotUtf8 { line: 2 }));
    }

    #[test]
    fn stops_past_the_limit_from_the_mark() {
        let (_, trouble) = read_all(&[b'x'; 100], 10);
        assert_eq!(trouble, Some(Trouble::TooLarge { limit: 10, line: 1 }));
    }
}
