//! Open documents: their text, the version the client gave it, and the conversion between byte
//! offsets (what the library's spans hold) and LSP positions (0-based line, UTF-16 column).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::collections::BTreeMap;

/// Most changes held back while waiting for a missing version; past it they are applied in
/// version order (a client may skip versions: the protocol only says they increase).
const MAX_PENDING: usize = 16;

/// Line starts of a text, lines ending at `\n`, `\r\n` or a lone `\r` (as the protocol and
/// [`credo::source::SourceFile`] count them).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let col: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(line as u32, col as u32)
    }

    /// The range of bytes `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column
    /// past the end of its line is the end of the line (before its line break); a column inside
    /// a surrogate pair is the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text.get(start..end).unwrap_or("");
        let body = line.trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in body.char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return start + i;
            }
            units = next;
        }
        start + body.len()
    }
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// The current text.
    pub text: String,
    /// The version of `text`.
    pub version: i32,
    /// Line starts of `text`.
    pub lines: LineIndex,
    /// Changes that arrived ahead of a version not yet seen, by version.
    pending: BTreeMap<i32, Vec<TextDocumentContentChangeEvent>>,
}

/// What [`Document::change`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// The text changed (to this version).
    Applied,
    /// The change is older than the text (or a repeat): ignored.
    Stale,
    /// The change waits for an earlier version.
    Held,
}

impl Document {
    /// A document opened at `version`.
    pub fn new(text: String, version: i32) -> Self {
        Document {
            lines: LineIndex::new(&text),
            text,
            version,
            pending: BTreeMap::new(),
        }
    }

    /// Takes a `didChange`. Changes are applied in version order: one older than the text is
    /// dropped (applying it would undo newer edits), one that skips a version is held until
    /// the versions between arrive — or, replacing the whole text, applied at once — and when
    /// too many are held they are applied in order.
    pub fn change(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Changed {
        if version <= self.version || self.pending.contains_key(&version) {
            return Changed::Stale;
        }
        self.pending.insert(version, changes);
        let mut applied = false;
        loop {
            let crowded = self.pending.len() > MAX_PENDING;
            let Some(entry) = self.pending.first_entry() else {
                break;
            };
            let v = *entry.key();
            let whole = entry.get().first().is_some_and(|c| c.range.is_none());
            if self.version.checked_add(1) == Some(v) || whole || crowded {
                let changes = entry.remove();
                self.apply(v, changes);
                applied = true;
            } else {
                break;
            }
        }
        if applied {
            Changed::Applied
        } else {
            Changed::Held
        }
    }

    /// Applies whatever is held, in version order (before answering a request, so that it
    /// sees the newest text the client sent).
    pub fn flush(&mut self) -> bool {
        let held = std::mem::take(&mut self.pending);
        let any = !held.is_empty();
        for (v, changes) in held {
            self.apply(v, changes);
        }
        any
    }

    fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let a = self.lines.offset(&self.text, range.start);
                    let b = self.lines.offset(&self.text, range.end);
                    let (a, b) = (a.min(b), a.max(b));
                    self.text.replace_range(a..b, &change.text);
                }
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn positions_count_utf16_units_and_every_line_break() {
        let text = "a😀b\r\nxé\ry\nz";
        let lines = LineIndex::new(text);
        // `😀` is two UTF-16 units (four bytes): `b` is at column 3.
        assert_eq!(lines.position(text, 5), Position::new(0, 3));
        assert_eq!(lines.offset(text, Position::new(0, 3)), 5);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(lines.offset(text, Position::new(0, 2)), 1);
        // Past the end of a line: before its `\r\n`.
        assert_eq!(lines.offset(text, Position::new(0, 99)), 6);
        assert_eq!(lines.position(text, 8), Position::new(1, 0));
        // A lone `\r` ends a line too.
        assert_eq!(lines.position(text, 12), Position::new(2, 0));
        assert_eq!(lines.offset(text, Position::new(3, 0)), 14);
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
        // An offset inside `é` moves back to its start.
        assert_eq!(lines.position(text, 10), Position::new(1, 1));
    }

    #[test]
    fn changes_apply_in_version_order_and_stale_ones_are_dropped() {
        let mut doc = Document::new("skill a \"A\"\n".into(), 1);
        // Version 3 (which assumes version 2) arrives first: held.
        assert_eq!(doc.change(3, vec![edit(0, 7, 0, 7, "b")]), Changed::Held);
        assert_eq!(doc.text, "skill a \"A\"\n");
        assert_eq!(
            doc.change(2, vec![edit(0, 9, 0, 10, "AB")]),
            Changed::Applied
        );
        assert_eq!(doc.text, "skill ab \"AB\"\n");
        assert_eq!(doc.version, 3);
        assert_eq!(doc.change(2, vec![edit(0, 0, 0, 5, "x")]), Changed::Stale);
        assert_eq!(doc.version, 3);
    }

    #[test]
    fn a_whole_text_change_needs_no_earlier_version() {
        let mut doc = Document::new("old".into(), 1);
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        };
        assert_eq!(doc.change(5, vec![whole]), Changed::Applied);
        assert_eq!((doc.text.as_str(), doc.version), ("new", 5));
    }

    #[test]
    fn ranges_outside_the_text_are_clamped() {
        let mut doc = Document::new("ab\ncd".into(), 0);
        doc.change(1, vec![edit(7, 3, 1, 1, "Z")]);
        assert_eq!(doc.text, "ab\ncZ");
    }
}
