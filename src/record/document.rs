//! YAML and JSON record documents, read as a stream. A document whose top level is a sequence
//! (`- id: …` or a JSON array) hands on each record as soon as it is parsed, so a batch of any
//! length is read with the memory of one record; any other document is one record.
//!
//! The parser's budgets that grow with the number of records (nodes, events, scalar and
//! comment bytes, input bytes) do not cap a streamed sequence; each record is bounded instead
//! (see [`MAX_RECORD_NODES`], [`MAX_RECORD_TEXT`], [`MAX_RECORD_INPUT`]). Nesting depth and the
//! alias limits stay for the whole document, so an alias bomb is still refused.
//!
//! What is wrong inside one record that parses (a key given twice, `.nan`, a limit) is that
//! record's error, and the list goes on. When the list cannot be parsed on (a syntax error, a
//! byte that is not UTF-8 text, a record longer than [`MAX_RECORD_INPUT`] bytes), the records
//! before have been handed on; the reader then looks for the next line that starts a record
//! of the list (in a block list, a `-` at the list's indentation; in a JSON array, a `{` at
//! the indentation of its records) after the record that failed and not before the line of
//! the error, and reads on from there. One record error stands in place of the lines passed
//! over: it names the error, its line, and how many records (lines that start one) were
//! skipped. A JSON array written on one line has no such line: the rest of it is skipped.

mod bounded;
mod checked;
mod tape;

use super::{Entry, RecordError};
use crate::policy::Policy;
use bounded::Bounded;
pub(crate) use bounded::{json, Unique};
use checked::{Checked, Trouble, Watch};
use serde::de::{self, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::rc::Rc;
use tape::{Resync, Skipped, Tape};

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
    /// The value, when the record's text could be parsed.
    value: Option<Value>,
    /// Why the record cannot be read (with a value: a problem inside it, such as a repeated
    /// key; without: the text could not be parsed).
    error: Option<String>,
    /// The 1-based column where the record starts.
    column: usize,
    /// The record's text (and maybe some after it) and the line it starts on, to place its
    /// problems at their fields when it has some (see [`RecordError::locate`]).
    text: Option<(usize, Box<str>)>,
    size: usize,
}

impl RawRecord {
    fn error(line: usize, error: String) -> RawRecord {
        RawRecord {
            line,
            value: None,
            error: Some(error),
            column: 1,
            text: None,
            size: 0,
        }
    }

    fn parsed(line: usize, column: usize, b: Bounded) -> RawRecord {
        RawRecord {
            line,
            value: Some(b.value),
            error: b.problem,
            column,
            text: None,
            size: b.size,
        }
    }

    /// The record with its text, whose first line is `first_line`.
    fn with_text(mut self, first_line: usize, text: Option<String>) -> RawRecord {
        if let Some(text) = text {
            self.size += text.len();
            self.text = Some((first_line, text.into_boxed_str()));
        }
        self
    }

    /// An estimate of the memory the record takes, in bytes (to size batches by).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The record's value, or why it could not be read (for readers of other record kinds,
    /// such as outcome records).
    pub fn value(&self) -> Result<&Value, &str> {
        match (&self.value, &self.error) {
            (Some(v), None) => Ok(v),
            (_, Some(e)) => Err(e),
            (None, None) => Err("the record could not be read"),
        }
    }

    /// The record's id as the record reader takes it, if the record has one.
    pub fn id(&self) -> Option<String> {
        let v = self.value.as_ref()?.as_object()?.get("id")?;
        super::raw::id_string(v)
    }

    /// Checks the record against the policy.
    pub fn entry(&self, file: &str, policy: &Policy) -> Entry {
        let result = match (&self.value, &self.error) {
            (Some(v), None) => {
                super::raw::candidate(v, file, self.line, policy).map_err(|mut e| {
                    if let Some((first, text)) = &self.text {
                        e.locate(text, *first, Some((self.line, self.column)));
                    }
                    e
                })
            }
            (_, Some(error)) => Err(RecordError {
                record: self.id(),
                file: file.to_owned(),
                line: self.line,
                error: error.clone(),
                problems: Vec::new(),
            }),
            (None, None) => Err(RecordError {
                record: None,
                file: file.to_owned(),
                line: self.line,
                error: "the record could not be read".into(),
                problems: Vec::new(),
            }),
        };
        Entry {
            file: file.to_owned(),
            line: self.line,
            result,
        }
    }
}

/// Reads a YAML or JSON document, handing on its records in order (and, where the document
/// cannot be read on, an error in place of what is skipped). `each` may stop the reading.
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
    match head.list {
        Some(shape) => read_list(Tape::new(input), shape, &mut each),
        None => {
            let watch = Rc::new(Watch::default());
            let input = Checked::new(input, super::MAX_RECORD_FILE, watch.clone(), 0);
            read_single(input, &watch, &mut each);
        }
    }
}

/// How the records of a list begin their lines (to read on after a syntax error).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// A YAML block sequence whose `-` are at this column (0-based).
    Block { indent: usize },
    /// A JSON (flow) array; its records' `{` are at this column when known.
    Flow { indent: Option<usize> },
}

impl Shape {
    /// Whether a line starts a record of the list.
    fn starts_record(self, line: &[u8]) -> bool {
        let (indent, mark) = match self {
            Shape::Block { indent } => (indent, b'-'),
            Shape::Flow { indent: Some(i) } => (i, b'{'),
            Shape::Flow { indent: None } => return false,
        };
        line.len() > indent
            && line[..indent].iter().all(|&c| c == b' ' || c == b'\t')
            && line[indent] == mark
            && (mark == b'{'
                || line
                    .get(indent + 1)
                    .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r')))
    }
}

/// A list, read on after each syntax error from the next record after it.
fn read_list<R: BufRead>(
    tape: Tape<R>,
    mut shape: Shape,
    each: &mut dyn FnMut(RawRecord) -> ControlFlow<()>,
) {
    // Shared by the parser's reader and the records it hands on, which let it forget.
    let tape = Rc::new(RefCell::new(tape));
    // The line the current part of the input starts on (1: the whole input).
    let mut first = 1;
    loop {
        let watch = Rc::new(Watch::default());
        let offset = first - 1;
        let part = ListPart::read(&tape, &watch, offset, shape, each);
        if part.stopped {
            return;
        }
        let Some(error) = part.error else { return };
        if let Shape::Flow { indent: None } = shape {
            shape = Shape::Flow {
                indent: part.indent,
            };
        }
        // The record that failed starts after the last one read (or where this part starts).
        let after = part.last.map_or(first, |l| l + 1);
        let Stop { at, what, resume } = error;
        let resumable = resume != Resume::No;
        // A JSON array broken in its first record: its records start where the first line
        // that starts with `{` does.
        let learned = std::cell::Cell::new(None);
        let resync = if resumable {
            let starts_record = |l: &[u8]| match shape {
                Shape::Flow { indent: None } => {
                    let indent = l.len() - l.trim_ascii_start().len();
                    if l.get(indent) != Some(&b'{') {
                        return false;
                    }
                    match learned.get() {
                        Some(first) => first == indent,
                        None => {
                            learned.set(Some(indent));
                            true
                        }
                    }
                }
                _ => shape.starts_record(l),
            };
            // A second document's list starts on the error's line.
            let error = if resume == Resume::OnItsLine {
                at - 1
            } else {
                at
            };
            (tape.borrow_mut()).resync(after, error, MAX_RECORD_INPUT, starts_record)
        } else {
            Resync::End {
                last_line: at,
                skipped: Skipped::default(),
            }
        };
        if let (Shape::Flow { indent: None }, Some(i)) = (shape, learned.get()) {
            shape = Shape::Flow { indent: Some(i) };
        }
        let (line, message) = skipped(after, at, &what, &resync, part.last, resumable);
        if each(RawRecord::error(line, message)).is_break() {
            return;
        }
        match resync {
            Resync::At { line, .. } => first = line,
            Resync::End { .. } | Resync::TooLong { .. } => return,
        }
    }
}

/// The record error that stands in place of the lines a syntax error made the reader skip:
/// its line (where the record that failed starts, else the error's line) and message.
fn skipped(
    after: usize,
    at: usize,
    what: &str,
    resync: &Resync,
    last: Option<usize>,
    resumable: bool,
) -> (usize, String) {
    let (Resync::At { skipped, .. }
    | Resync::End { skipped, .. }
    | Resync::TooLong { skipped, .. }) = resync;
    let from = skipped.first.filter(|&f| f <= at).unwrap_or(after.min(at));
    let error = if at == from {
        format!("cannot read the record on line {from}: {what}")
    } else {
        format!("cannot read the record on line {from}: {what} (line {at})")
    };
    let records = match skipped.records {
        1 => "1 record".to_owned(),
        n => format!("{n} records"),
    };
    let message = match *resync {
        Resync::At { line, .. } => format!(
            "{error}; skipped {} ({records}), read on from line {line}",
            lines(from, line - 1),
        ),
        Resync::End { last_line, .. } if resumable => format!(
            "{error}; skipped the rest of the list ({}, {records})",
            lines(from, last_line.max(from)),
        ),
        Resync::End { .. } => match last {
            Some(l) => format!("cannot read the records after the one on line {l}: {what}"),
            None => format!("cannot read records: {what}"),
        },
        Resync::TooLong { line, .. } => format!(
            "{error}; skipped the rest of the input: line {line} is longer than {MAX_RECORD_INPUT} bytes ({records} before it)"
        ),
    };
    (from, message)
}

/// `line 3` or `lines 3–7`.
fn lines(from: usize, to: usize) -> String {
    if from == to {
        format!("line {from}")
    } else {
        format!("lines {from}–{to}")
    }
}

/// One part of a list, from the start or from where the reader went on after an error.
struct ListPart {
    /// The line of the last record handed on.
    last: Option<usize>,
    /// Where and why parsing stopped.
    error: Option<Stop>,
    /// The column of the records' `{` in a JSON array, when seen.
    indent: Option<usize>,
    /// `each` asked to stop.
    stopped: bool,
}

impl ListPart {
    fn read<R: BufRead>(
        tape: &Rc<RefCell<Tape<R>>>,
        watch: &Rc<Watch>,
        offset: usize,
        shape: Shape,
        each: &mut dyn FnMut(RawRecord) -> ControlFlow<()>,
    ) -> ListPart {
        // A JSON array read on from one of its records is opened again.
        let open: &[u8] = match (shape, offset) {
            (Shape::Flow { .. }, 1..) => b"[",
            _ => b"",
        };
        let mut records = Records {
            each,
            watch,
            offset,
            last: None,
            indent: None,
            stopped: false,
            tape: &**tape,
            pending: None,
        };
        let parsed = {
            let shared = std::io::BufReader::with_capacity(1 << 16, Shared(tape.clone()));
            let input = Checked::new(open.chain(shared), MAX_RECORD_INPUT, watch.clone(), offset);
            serde_saphyr::with_deserializer_from_reader_with_options(input, options(), |de| {
                serde::Deserializer::deserialize_seq(de, &mut records)
            })
        };
        let error = match parsed {
            Ok(()) | Err(_) if records.stopped => None,
            Ok(()) => None,
            Err(e) => Some(stop(&e, watch, offset)),
        };
        // The record read last goes before the error that stopped the list, if any.
        if !records.stopped && records.hand_on(None).is_break() {
            records.stopped = true;
        }
        ListPart {
            last: records.last,
            error,
            indent: records.indent,
            stopped: records.stopped,
        }
    }
}

/// The tape as the parser reads it (through a buffer), while the records it hands on make it
/// forget.
struct Shared<R>(Rc<RefCell<Tape<R>>>);

impl<R: BufRead> Read for Shared<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().read(out)
    }
}

/// What a list's records tell its input, and take from it.
trait Forget {
    /// Reading will never go back before `line`.
    fn forget_before(&self, line: usize);
    /// The text from line `from` through line `through` (else all that was read), at most
    /// [`MAX_RECORD_INPUT`] bytes.
    fn text(&self, from: usize, through: Option<usize>) -> Option<String>;
}

impl<R: BufRead> Forget for RefCell<Tape<R>> {
    fn forget_before(&self, line: usize) {
        self.borrow_mut().forget_before(line);
    }

    fn text(&self, from: usize, through: Option<usize>) -> Option<String> {
        self.borrow().text(from, through, MAX_RECORD_INPUT)
    }
}

/// Any other document: one record (none when it is empty or null).
fn read_single(
    input: impl Read,
    watch: &Watch,
    each: &mut dyn FnMut(RawRecord) -> ControlFlow<()>,
) {
    let kept = RefCell::new(Vec::new());
    let input = Keep {
        inner: input,
        kept: &kept,
    };
    let parsed = serde_saphyr::from_reader_with_options::<_, serde_saphyr::Spanned<Bounded>>(
        input,
        options(),
    );
    let _ = match parsed {
        Ok(s) if s.value.value.is_null() && s.value.problem.is_none() => return,
        Ok(s) => {
            let (line, column) = (s.referenced.line() as usize, s.referenced.column() as usize);
            let text = String::from_utf8(kept.take()).ok();
            each(RawRecord::parsed(line.max(1), column.max(1), s.value).with_text(1, text))
        }
        Err(e) => {
            let stop = stop(&e, watch, 0);
            each(single_error(stop.at, stop.what, watch))
        }
    };
}

/// A reader that keeps the first [`MAX_RECORD_INPUT`] bytes it reads (a document that holds
/// one record: its text, to place the record's problems).
struct Keep<'k, R> {
    inner: R,
    kept: &'k RefCell<Vec<u8>>,
}

impl<R: Read> Read for Keep<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        let mut kept = self.kept.borrow_mut();
        let room = MAX_RECORD_INPUT.saturating_sub(kept.len());
        kept.extend_from_slice(&out[..n.min(room)]);
        Ok(n)
    }
}

/// The top-level sequence: hands on each element once the next one starts (so that its text,
/// up to there, goes with it).
struct Records<'a> {
    each: &'a mut dyn FnMut(RawRecord) -> ControlFlow<()>,
    watch: &'a Watch,
    /// Lines before the part of the input being parsed.
    offset: usize,
    /// The line of the last record handed on.
    last: Option<usize>,
    /// The column of the first record's start, 0-based.
    indent: Option<usize>,
    /// `each` asked to stop.
    stopped: bool,
    /// The input, which may forget what comes before the next record.
    tape: &'a dyn Forget,
    /// The record read last, not handed on yet.
    pending: Option<RawRecord>,
}

impl Records<'_> {
    /// Hands on the record read last with its text, through line `next` (where the next
    /// record starts; `None`: all that was read).
    fn hand_on(&mut self, next: Option<usize>) -> ControlFlow<()> {
        let Some(r) = self.pending.take() else {
            return ControlFlow::Continue(());
        };
        let text = self.tape.text(r.line, next);
        let line = r.line;
        (self.each)(r.with_text(line, text))
    }
}
impl<'de> Visitor<'de> for &mut Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(s) = seq.next_element::<serde_saphyr::Spanned<Bounded>>()? {
            self.watch.mark();
            let line = (s.referenced.line() as usize).max(1) + self.offset;
            let column = (s.referenced.column() as usize).max(1);
            self.indent = Some(column - 1);
            if self.hand_on(Some(line)).is_break() {
                self.stopped = true;
                return Err(de::Error::custom("stopped"));
            }
            self.last = Some(line);
            // Reading never goes back before this record (its text goes with it).
            self.tape.forget_before(line);
            self.pending = Some(RawRecord::parsed(line, column, s.value));
        }
        Ok(())
    }
}

/// The parser's options: the budgets that grow with the number of records are lifted (each
/// record is bounded instead); depth and aliases stay limited for the whole document. A key
/// given twice and a number that is not finite are passed on to [`Bounded`], which makes them
/// the record's error (the parser would stop the whole document).
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
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
    }
}

/// Where and why parsing stopped (the line counted from the start of the input).
struct Stop {
    at: usize,
    what: String,
    resume: Resume,
}

/// Whether the reader may look for the next record after a stop.
#[derive(Clone, Copy, PartialEq)]
enum Resume {
    /// No: reading the input failed.
    No,
    /// After the line of the error.
    After,
    /// On the line of the error: a second document starts there.
    OnItsLine,
}

/// Why parsing stopped, `offset` lines after the start of the input.
fn stop(e: &serde_saphyr::Error, watch: &Watch, offset: usize) -> Stop {
    let at = e.location().map(|l| l.line() as usize).unwrap_or(1).max(1) + offset;
    let (at, what, resume) = match watch.trouble() {
        Some(Trouble::NotUtf8 { line }) => (
            line,
            format!("a byte on line {line} is not UTF-8 text"),
            Resume::After,
        ),
        Some(Trouble::TooLarge { limit, line }) => (
            line,
            format!("a record is longer than the limit of {limit} bytes"),
            Resume::After,
        ),
        Some(Trouble::Io { error, line }) => (line, format!("reading failed: {error}"), Resume::No),
        None => {
            let msg = first_line(e);
            let resume = if msg.starts_with("multiple YAML documents") {
                Resume::OnItsLine
            } else {
                Resume::After
            };
            (at, plain_yaml_error(&msg), resume)
        }
    };
    Stop { at, what, resume }
}

/// The error of a document that holds one record and cannot be read.
fn single_error(line: usize, what: String, watch: &Watch) -> RawRecord {
    match watch.trouble() {
        Some(Trouble::NotUtf8 { line }) => RawRecord::error(
            line,
            format!("the file is not UTF-8 text (invalid byte on line {line})"),
        ),
        Some(Trouble::TooLarge { limit, .. }) => RawRecord::error(
            1,
            format!("file is larger than the limit of {limit} bytes for one record; put many records in a list (`- id: …`) or in JSONL"),
        ),
        _ => RawRecord::error(line, format!("cannot read records: {what}")),
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
    /// How the records of a list begin their lines; `None`: the document is one record.
    list: Option<Shape>,
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
    let list = loop {
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
            break s.then(|| list_shape(text));
        }
        if whole || head.len() > MAX_HEAD {
            break None;
        }
    };
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    Ok((
        Head { utf16, list },
        std::io::Cursor::new(head).chain(input),
    ))
}

/// The first content line of a document, after a `---` that starts it: the line, and where
/// its content starts.
fn first_content(head: &[u8]) -> Option<(&[u8], usize)> {
    let mut rest = head;
    loop {
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let mut t = line.trim_ascii_start();
        if let Some(after) = t.strip_prefix(b"---") {
            if after
                .first()
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
            {
                t = after.trim_ascii_start();
            }
        }
        match t.first() {
            None | Some(b'#' | b'%') => rest = next?,
            Some(_) => return Some((line, line.len() - t.len())),
        }
    }
}

/// How the records of a list that starts in `head` begin their lines.
fn list_shape(head: &[u8]) -> Shape {
    match first_content(head) {
        Some((line, at)) if line.get(at) == Some(&b'-') => Shape::Block { indent: at },
        _ => Shape::Flow { indent: None },
    }
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
