//! YAML and JSON record documents, read as a stream. A document whose top level is a sequence
//! (`- id: …` or a JSON array) hands on each record as soon as it is parsed, so a batch of any
//! length is read with the memory of one record; any other document is one record.
//!
//! The parser's budgets that grow with the number of records (nodes, events, scalar and
//! comment bytes, input bytes) do not cap a streamed sequence; each record is bounded instead
//! (see [`MAX_RECORD_NODES`], [`MAX_RECORD_TEXT`], [`MAX_RECORD_INPUT`]). Nesting depth and the
//! alias limits stay for the whole document, so an alias bomb is still refused.
//!
//! When the document cannot be read on (a syntax error, a byte that is not UTF-8 text, a limit),
//! the records before have been handed on and one error comes last, at the line where reading
//! failed, standing for the unread rest: "cannot read the records after the one on line L: …"
//! (L is the last record read, so the user knows where to look; the record in which the
//! error lies is part of the unread rest).

mod bounded;
mod checked;

use super::{Entry, RecordError};
use crate::policy::Policy;
use bounded::Bounded;
use checked::{Checked, Trouble, Watch};
use serde::de::{self, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::rc::Rc;

pub use bounded::{MAX_RECORD_NODES, MAX_RECORD_TEXT};

/// Most bytes of input one record of a streamed sequence may span (whitespace and comments
/// included).
pub const MAX_RECORD_INPUT: usize = 64 * 1024 * 1024;

/// One record as read from a document, before it is checked: its line and value, or an error
/// in its place.
#[derive(Debug)]
pub struct RawRecord {
    /// 1-based line where the record starts (or where reading failed).
    pub line: usize,
    value: Result<Value, String>,
    size: usize,
}

impl RawRecord {
    fn error(line: usize, error: String) -> RawRecord {
        RawRecord {
            line,
            value: Err(error),
            size: 0,
        }
    }

    /// An estimate of the memory the record takes, in bytes (to size batches by).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The record's value, or why it could not be read (for readers of other record kinds,
    /// such as outcome records).
    pub fn value(&self) -> Result<&Value, &str> {
        self.value.as_ref().map_err(String::as_str)
    }

    /// The record's id as the record reader takes it, if the record has one.
    pub fn id(&self) -> Option<String> {
        let v = self.value.as_ref().ok()?.as_object()?.get("id")?;
        super::raw::id_string(v)
    }

    /// Checks the record against the policy.
    pub fn entry(&self, file: &str, policy: &Policy) -> Entry {
        let result = match &self.value {
            Ok(v) => super::raw::candidate(v, file, self.line, policy),
            Err(error) => Err(RecordError {
                record: None,
                file: file.to_owned(),
                line: self.line,
                error: error.clone(),
            }),
        };
        Entry {
            file: file.to_owned(),
            line: self.line,
            result,
        }
    }
}

/// Reads a YAML or JSON document, handing on its records in order (and last, if the document
/// cannot be read to its end, an error in place of the rest). `each` may stop the reading.
pub fn read_document(input: impl BufRead, mut each: impl FnMut(RawRecord) -> ControlFlow<()>) {
    let (head, input) = match sniff(input) {
        Ok(x) => x,
        Err(e) => {
            let _ = each(RawRecord::error(1, format!("cannot read records: {e}")));
            return;
        }
    };
    if head.utf16 {
        let _ = each(RawRecord::error(
            1,
            "the file is UTF-16 text; save it as UTF-8".into(),
        ));
        return;
    }
    let watch = Rc::new(Watch::default());
    if head.sequence {
        let input = Checked::new(input, MAX_RECORD_INPUT, watch.clone());
        read_sequence(input, &watch, &mut each);
    } else {
        let input = Checked::new(input, super::MAX_RECORD_FILE, watch.clone());
        read_single(input, &watch, &mut each);
    }
}

/// A sequence: each element is handed on as it is parsed.
fn read_sequence(
    input: impl Read,
    watch: &Watch,
    each: &mut dyn FnMut(RawRecord) -> ControlFlow<()>,
) {
    let mut records = Records {
        each,
        watch,
        last: 0,
        stopped: false,
    };
    let parsed = serde_saphyr::with_deserializer_from_reader_with_options(input, options(), |de| {
        serde::Deserializer::deserialize_seq(de, &mut records)
    });
    let (last, stopped) = (records.last, records.stopped);
    if let Err(e) = parsed {
        if !stopped {
            let _ = each(stop(&e, watch, last));
        }
    }
}

/// Any other document: one record (none when it is empty or null).
fn read_single(
    input: impl Read,
    watch: &Watch,
    each: &mut dyn FnMut(RawRecord) -> ControlFlow<()>,
) {
    let parsed = serde_saphyr::from_reader_with_options::<_, serde_saphyr::Spanned<Bounded>>(
        input,
        options(),
    );
    let _ = match parsed {
        Ok(s) if matches!(s.value.value, Ok(Value::Null)) => return,
        Ok(s) => each(RawRecord {
            line: (s.referenced.line() as usize).max(1),
            value: s.value.value,
            size: s.value.size,
        }),
        Err(e) => each(stop(&e, watch, 0)),
    };
}

/// The top-level sequence: hands on each element as it is parsed.
struct Records<'a> {
    each: &'a mut dyn FnMut(RawRecord) -> ControlFlow<()>,
    watch: &'a Watch,
    /// The line of the last record handed on (0: none yet).
    last: usize,
    /// `each` asked to stop.
    stopped: bool,
}

impl<'de> Visitor<'de> for &mut Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(s) = seq.next_element::<serde_saphyr::Spanned<Bounded>>()? {
            self.watch.mark();
            self.last = (s.referenced.line() as usize).max(1);
            let record = RawRecord {
                line: self.last,
                value: s.value.value,
                size: s.value.size,
            };
            if (self.each)(record).is_break() {
                self.stopped = true;
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// The parser's options: the budgets that grow with the number of records are lifted (each
/// record is bounded instead); depth and aliases stay limited for the whole document.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_aliases: 1000,
            max_nodes: usize::MAX,
            max_events: usize::MAX,
            max_total_scalar_bytes: usize::MAX,
            max_total_comment_bytes: usize::MAX,
            max_reader_input_bytes: None,
        },
        emit_comments: false,
    }
}

/// The error that stands for the rest of a document that cannot be read on, after the record
/// on line `last` (0: before any record).
fn stop(e: &serde_saphyr::Error, watch: &Watch, last: usize) -> RawRecord {
    let at = e.location().map(|l| l.line() as usize).unwrap_or(1).max(1);
    let (line, what) = match watch.trouble() {
        Some(Trouble::NotUtf8 { line }) => {
            if last == 0 {
                return RawRecord::error(
                    line,
                    format!("the file is not UTF-8 text (invalid byte on line {line})"),
                );
            }
            (line, format!("a byte on line {line} is not UTF-8 text"))
        }
        Some(Trouble::TooLarge { limit, .. }) if last == 0 && limit == super::MAX_RECORD_FILE => {
            return RawRecord::error(
                1,
                format!("file is larger than the limit of {limit} bytes for one record; put many records in a list (`- id: …`) or in JSONL"),
            );
        }
        Some(Trouble::TooLarge { limit, line }) => (
            line,
            format!("a record is longer than the limit of {limit} bytes"),
        ),
        Some(Trouble::Io { error, line }) => (line, format!("reading failed: {error}")),
        None => (at, plain_yaml_error(&first_line(e))),
    };
    if last == 0 {
        RawRecord::error(line, format!("cannot read records: {what}"))
    } else {
        RawRecord::error(
            line,
            format!("cannot read the records after the one on line {last}: {what}"),
        )
    }
}

/// The first line of serde-saphyr's message, without its location.
fn first_line(e: &serde_saphyr::Error) -> String {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.find(": ") {
        Some(i) if first.starts_with("line ") => first[i + 2..].to_owned(),
        _ => first.to_owned(),
    }
}

/// serde-saphyr's messages in a policy author's terms (they mention its own API otherwise).
fn plain_yaml_error(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("the key `{key}` is given twice in one mapping");
    }
    if msg.starts_with("multiple YAML documents") {
        return "the file holds several YAML documents (`---`); put the records in one list (`- id: …`)".into();
    }
    if msg.starts_with("budget breached") {
        return format!(
            "the document nests too deeply or uses too many aliases (limits: depth 64, 1,000 aliases; {msg})"
        );
    }
    if let Some(rest) = msg.strip_prefix("non-finite float ") {
        let value = rest.split(' ').next().unwrap_or(rest);
        return format!("{value} is not a finite number");
    }
    msg.to_owned()
}

/// The start of a document, read to see its shape.
struct Head {
    utf16: bool,
    sequence: bool,
}

/// The start of the input, read to see its shape, followed by the rest.
type Rejoined<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// Most bytes read to find the first content of a document (past that, it is taken as one
/// record).
const MAX_HEAD: usize = 16 * 1024 * 1024;

/// Reads the start of the input to its first content and gives it back with the rest, without
/// a UTF-8 byte order mark.
fn sniff<R: BufRead>(mut input: R) -> std::io::Result<(Head, Rejoined<R>)> {
    let mut head = Vec::new();
    let sequence = loop {
        let data = match input.fill_buf() {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let whole = data.is_empty();
        head.extend_from_slice(data);
        let n = data.len();
        input.consume(n);
        if head.len() < 3 && !whole {
            continue;
        }
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        if let Some(s) = starts_sequence(text, whole) {
            break s;
        }
        if whole || head.len() > MAX_HEAD {
            break false;
        }
    };
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    Ok((
        Head { utf16, sequence },
        std::io::Cursor::new(head).chain(input),
    ))
}

/// Whether a document's first content is a sequence (`- …` or `[`); `None` when `head` (all of
/// the input when `whole`) does not show it yet.
fn starts_sequence(head: &[u8], whole: bool) -> Option<bool> {
    let mut rest = head;
    loop {
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let complete = next.is_some() || whole;
        let mut t = line.trim_ascii_start();
        if let Some(after) = t.strip_prefix(b"---") {
            if after
                .first()
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
            {
                t = after.trim_ascii_start();
            }
        }
        if !complete && t.len() < 4 {
            return None;
        }
        match t.first() {
            None | Some(b'#' | b'%') => match next {
                Some(n) => rest = n,
                None => return whole.then_some(false),
            },
            Some(b'[') => return Some(true),
            Some(b'-') => {
                return Some(t.get(1).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r')));
            }
            Some(_) => return Some(false),
        }
    }
}

/// Reads every record of a YAML or JSON document, checked against the policy (repeated ids are
/// left to the caller).
pub(super) fn read_entries(bytes: &[u8], file: &str, policy: &Policy) -> Vec<Entry> {
    let mut entries = Vec::new();
    read_document(bytes, |r| {
        entries.push(r.entry(file, policy));
        ControlFlow::Continue(())
    });
    entries
}

#[cfg(test)]
mod tests;
