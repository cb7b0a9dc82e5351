//! A small JSON scanner over bytes for the quick paths: the id screen ([`super::dupes`]) and
//! the typed record reader ([`super::typed`]). It reads only what those paths accept without
//! doubt (strings without escapes or control characters, for one) and says `None` to the rest,
//! which then goes to serde_json.

use crate::swar::{needs_escape, quote_or_backslash};

/// A position in a JSON text.
pub(super) struct Scan<'b> {
    pub b: &'b [u8],
    pub i: usize,
}

impl<'b> Scan<'b> {
    pub fn new(b: &'b [u8]) -> Self {
        Scan { b, i: 0 }
    }

    pub fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON whitespace.
    pub fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    pub fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// Skips whitespace, then the byte `c`.
    pub fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        self.eat(c)
    }

    /// Skips `word` (a literal such as `null`) if it comes next. Inlined, a literal's length is
    /// known and the comparison is a load or two, not a call to memcmp.
    #[inline(always)]
    pub fn word(&mut self, word: &[u8]) -> bool {
        let found = self.peek() == word.first().copied()
            && self.b.get(self.i..self.i + word.len()) == Some(word);
        if found {
            self.i += word.len();
        }
        found
    }

    /// Whether the text ends here, but for whitespace.
    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.b.len()
    }

    /// A string without escapes or control characters, starting here: where its bytes are,
    /// without the quotes.
    pub fn plain(&mut self) -> Option<std::ops::Range<usize>> {
        self.eat(b'"')?;
        let start = self.i;
        let len = needs_escape(self.b.get(start..)?)?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(start..start + len)
    }

    /// [`Scan::plain`]'s bytes.
    pub fn plain_string(&mut self) -> Option<&'b [u8]> {
        let r = self.plain()?;
        self.b.get(r)
    }

    /// Skips one value: a string (escapes allowed), a nested object or array, or a scalar,
    /// by its quotes and brackets only (the text is not checked). Returns the deepest nesting
    /// it went through.
    pub fn skip_value(&mut self) -> Option<usize> {
        let (mut depth, mut deepest) = (0usize, 0usize);
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    loop {
                        self.i += quote_or_backslash(self.b.get(self.i..)?)?;
                        if self.peek()? == b'"' {
                            self.i += 1;
                            break;
                        }
                        self.i += 2;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                    self.i += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    self.i += 1;
                }
                b',' | b'}' | b']' if depth == 0 => return Some(deepest),
                _ => self.i += 1,
            }
            if depth == 0 && matches!(self.peek(), Some(b',' | b'}' | b']') | None) {
                return Some(deepest);
            }
        }
    }
}
