//! Candidate records (SPEC §7): YAML, JSON or JSONL, read strictly. A record that cannot be
//! read becomes a [`RecordError`] in its place; the rest of the batch goes on. JSONL is read
//! line by line, and a YAML or JSON list record by record ([`read_document`]), so a batch of
//! any length is read with the memory of a few records.

mod document;
mod dupes;
mod lex;
mod locate;
mod raw;
#[cfg(feature = "tables")]
pub mod table;
mod typed;

use crate::ast::AttrType;
use crate::policy::Policy;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

pub use document::{read_document, RawRecord, MAX_RECORD_INPUT, MAX_RECORD_NODES, MAX_RECORD_TEXT};
pub use dupes::{fingerprint, line_id, line_id_bytes, Duplicates, Screen};
pub use raw::parse_date_or_timestamp;
pub use typed::quick_reader_disagrees;

/// Largest YAML/JSON document that holds one record (not a list), in bytes. A list of records
/// and JSONL are read record by record, with no limit on their length.
pub const MAX_RECORD_FILE: usize = 256 * 1024 * 1024;
/// Longest JSONL line, in bytes.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// A value of a candidate attribute.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AttrValue {
    /// `true`/`false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(String),
    /// A date.
    Date(Date),
}

/// A credential as the candidate presents it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeldCredential {
    /// Catalogue id, if given.
    pub id: Option<String>,
    /// Issuer URL or DID.
    pub issuer: Option<String>,
    /// Title as issued.
    pub title: Option<String>,
    /// Open Badges achievement id.
    pub achievement: Option<String>,
    /// Issue date.
    pub issued: Option<Date>,
    /// Last valid day, if the record says.
    pub expires: Option<Date>,
    /// Whether the caller verified it.
    pub verified: bool,
    /// What its proof came to (checked once, when the record is read; SPEC §15).
    pub proof: crate::proof::ProofStatus,
}

impl HeldCredential {
    /// How to name it in traces: the id, else the title, else the achievement.
    pub fn label(&self) -> &str {
        (self.id.as_deref())
            .or(self.title.as_deref())
            .or(self.achievement.as_deref())
            .unwrap_or("(unnamed credential)")
    }
}

/// A portfolio artifact.
#[derive(Clone, Debug, PartialEq)]
pub struct Artifact {
    /// Title.
    pub title: String,
    /// Skills it is tagged with.
    pub skills: Vec<String>,
    /// When it was made.
    pub date: Option<Date>,
    /// Whether someone reviewed it.
    pub reviewed: bool,
}

/// A completed lab.
#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    /// Title.
    pub title: String,
    /// Skills it is tagged with.
    pub skills: Vec<String>,
    /// When it was completed.
    pub completed: Option<Date>,
    /// Its length.
    pub hours: Option<f64>,
}

/// An education entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Education {
    /// `associate`, `bachelor`, `master`, `doctorate` (others are kept but are no degree).
    pub level: Option<String>,
    /// Field of study.
    pub field: Option<String>,
    /// Whether it was completed.
    pub completed: bool,
}

/// One candidate, read and validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Candidate {
    /// Unique id in the batch.
    pub id: String,
    /// Roles applied for.
    pub applied: Vec<String>,
    /// Attributes rules may read (declared ones, type-checked).
    pub attributes: BTreeMap<String, AttrValue>,
    /// Protected attributes, for `credo audit` only.
    pub protected: BTreeMap<String, String>,
    /// Credentials.
    pub credentials: Vec<HeldCredential>,
    /// Portfolio artifacts.
    pub artifacts: Vec<Artifact>,
    /// Labs.
    pub labs: Vec<Lab>,
    /// Work samples: (skill, score 0–100).
    pub work_samples: Vec<(String, f64)>,
    /// Experience: (skill, months).
    pub experience: Vec<(String, f64)>,
    /// Education.
    pub education: Vec<Education>,
    /// Attributes the record gives that the policy does not declare (ignored, noted).
    pub undeclared: Vec<String>,
}

/// A record that could not be read: reported in the record's place. It is a
/// `std::error::Error` and a `miette::Diagnostic` (code `credo::record`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordError {
    /// The record's id, when it could be read.
    pub record: Option<String>,
    /// The file it came from (`-` for stdin).
    pub file: String,
    /// 1-based line where the record starts (or where reading failed).
    pub line: usize,
    /// What is wrong (every problem, in one line).
    pub error: String,
    /// Each problem of a record that was read but is wrong, at its field, in the order of
    /// their places. Empty when the record could not be read at all (its text, a repeated id,
    /// a limit): `line` and `error` say it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<RecordProblem>,
}

/// One problem of a record, at the field it is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordProblem {
    /// The field, as a path from the record (`credentials[0].issued`: list items are counted
    /// from 0); empty for the record as a whole.
    pub field: String,
    /// 1-based line of the field (of its key; of a list item's start), or of the record when
    /// the field's place is not known (the record was given without its text).
    pub line: usize,
    /// 1-based column of the field, in characters, when its place is known.
    pub column: Option<usize>,
    /// What is wrong.
    pub error: String,
    /// How to fix it, when there is a sure fix: its proposed text makes the problem go away.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The field's path, to place it.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    path: Vec<locate::Seg>,
}

impl RecordError {
    /// The error of the record `record` at `file:line`.
    #[doc(hidden)]
    pub fn new(record: Option<String>, file: &str, line: usize, error: String) -> RecordError {
        RecordError {
            record,
            file: file.to_owned(),
            line,
            error,
            problems: Vec::new(),
        }
    }

    /// The error of a record with these problems, each placed at the record's line until
    /// [`RecordError::locate`] finds its field.
    pub(crate) fn of_problems(
        record: Option<String>,
        file: &str,
        line: usize,
        found: Vec<raw::Found>,
    ) -> RecordError {
        let error = match found.as_slice() {
            [] => "the record could not be read".to_owned(),
            [one] => one.error.clone(),
            many => {
                let all: Vec<&str> = many.iter().map(|f| f.error.as_str()).collect();
                format!("{} problems: {}", many.len(), all.join("; "))
            }
        };
        let problems = (found.into_iter())
            .map(|f| RecordProblem {
                field: locate::path_text(&f.at),
                line,
                column: None,
                error: f.error,
                help: f.help,
                path: f.at,
            })
            .collect();
        RecordError {
            record,
            file: file.to_owned(),
            line,
            error,
            problems,
        }
    }

    /// Places each problem at its field in `text`, the text of the record (or of more than
    /// it), whose first line is line `first_line` of the file; `start` is where the record
    /// starts in it (line and column), when the text holds more than the record. A field that
    /// is not found keeps the place of the nearest part of the record that is. Costs a parse
    /// of the text: meant for records that have problems only.
    #[doc(hidden)]
    pub fn locate(&mut self, text: &str, first_line: usize, start: Option<(usize, usize)>) {
        if self.problems.is_empty() {
            return;
        }
        let paths: Vec<&[locate::Seg]> = self.problems.iter().map(|p| p.path.as_slice()).collect();
        let places = locate::locate(text, first_line, start, &paths);
        for (p, place) in self.problems.iter_mut().zip(places) {
            if let Some((line, column)) = place {
                (p.line, p.column) = (line, Some(column));
            }
        }
        self.problems.sort_by_key(|p| (p.line, p.column));
    }
}

/// One entry of a batch: a candidate or the error in its place, with where it came from.
#[derive(Clone, Debug)]
pub struct Entry {
    /// File name.
    pub file: String,
    /// 1-based line of the record.
    pub line: usize,
    /// The record's SHA-256 over its canonical JSON (for the decision log).
    pub result: Result<Candidate, RecordError>,
}

/// The input format of a records file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML (also reads JSON).
    Yaml,
    /// JSON: one record or an array.
    Json,
    /// One JSON record per line.
    Jsonl,
}

impl Format {
    /// Guesses the format from a file name (`-` and unknown extensions read as YAML, which also
    /// reads JSON).
    pub fn from_path(path: &str) -> Format {
        if path.ends_with(".jsonl") || path.ends_with(".ndjson") {
            Format::Jsonl
        } else if path.ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// Whether a JSONL line holds only white space (Unicode's, as `str::trim` takes it): such lines
/// are skipped, whichever reader reads them.
pub fn blank_line(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if line[i].is_ascii() => false,
        Some(i) => std::str::from_utf8(&line[i..]).is_ok_and(|t| t.trim().is_empty()),
    }
}

/// The bytes of a record or outcome file without its UTF-8 byte order mark; a file that opens
/// with a UTF-16 byte order mark is refused whole, with the error to report at its line 1.
pub fn text_bytes(bytes: &[u8]) -> Result<&[u8], &'static str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("the file is UTF-16 text; save it as UTF-8");
    }
    Ok(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
}

/// Reads every record of a file's bytes: text that is not UTF-8 is a record error at its line
/// (for JSONL, only the lines concerned; in a YAML or JSON list, the records before it are
/// read), never a lost batch. Duplicate ids after the first are record errors.
pub fn read_records_bytes(bytes: &[u8], file: &str, format: Format, policy: &Policy) -> Vec<Entry> {
    let error = |line: usize, error: String| Entry {
        file: file.to_owned(),
        line,
        result: Err(RecordError {
            record: None,
            file: file.to_owned(),
            line,
            error,
            problems: Vec::new(),
        }),
    };
    let bytes = match text_bytes(bytes) {
        Ok(b) => b,
        Err(e) => return vec![error(1, e.into())],
    };
    if format == Format::Jsonl {
        let mut entries: Vec<Entry> = bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, l)| !blank_line(l))
            .map(|(i, line)| match std::str::from_utf8(line) {
                Ok(text) => read_json_line(text, file, i + 1, policy),
                Err(e) => error(
                    i + 1,
                    format!(
                        "line is not UTF-8 text (invalid byte at column {})",
                        e.valid_up_to() + 1
                    ),
                ),
            })
            .collect();
        mark_duplicates(&mut entries);
        return entries;
    }
    let mut entries = document::read_entries(bytes, file, policy);
    mark_duplicates(&mut entries);
    entries
}

/// Reads every record of a text. Duplicate ids after the first are record errors.
pub fn read_records(text: &str, file: &str, format: Format, policy: &Policy) -> Vec<Entry> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = match format {
        Format::Jsonl => text
            .split('\n')
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, line)| read_json_line(line, file, i + 1, policy))
            .collect(),
        Format::Yaml | Format::Json => document::read_entries(text.as_bytes(), file, policy),
    };
    mark_duplicates(&mut entries);
    entries
}

/// Reads one JSONL line.
pub fn read_json_line(line: &str, file: &str, line_no: usize, policy: &Policy) -> Entry {
    let result = if line.len() > MAX_LINE {
        Err(RecordError {
            record: None,
            file: file.to_owned(),
            line: line_no,
            error: format!("line is longer than the limit of {MAX_LINE} bytes"),
            problems: Vec::new(),
        })
    } else {
        let line = line.trim_end_matches('\r');
        match typed::candidate(line, policy) {
            Some(c) => Ok(c),
            None => read_json_value(line, file, line_no, policy),
        }
    };
    Entry {
        file: file.to_owned(),
        line: line_no,
        result,
    }
}

/// Reads one JSON record through a `serde_json::Value`, checking every field in turn. A key
/// given twice in one object, at any depth, is the record's error, as in YAML and JSON files.
fn read_json_value(
    line: &str,
    file: &str,
    line_no: usize,
    policy: &Policy,
) -> Result<Candidate, RecordError> {
    match document::json(line) {
        Ok(b) => match b.problem {
            None => raw::candidate(&b.value, file, line_no, policy).map_err(|mut e| {
                e.locate(line, line_no, None);
                e
            }),
            Some(error) => Err(RecordError::new(
                b.value.get("id").and_then(raw::id_string),
                file,
                line_no,
                error,
            )),
        },
        Err(e) => Err(RecordError::new(
            None,
            file,
            line_no,
            format!("invalid JSON: {e}"),
        )),
    }
}

/// Reads one record given as a JSON value (the library API's `Candidate::from_json`, and
/// `credo convert --policy`), checked as a record of a file is.
pub fn from_value(
    value: &serde_json::Value,
    file: &str,
    line: usize,
    policy: &Policy,
) -> Result<Candidate, RecordError> {
    raw::candidate(value, file, line, policy)
}

/// Turns the second and later records with the same id into errors.
pub fn mark_duplicates(entries: &mut [Entry]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for e in entries.iter_mut() {
        let Ok(c) = &e.result else { continue };
        if let Some(first) = seen.get(&c.id) {
            e.result = Err(RecordError::new(
                Some(c.id.clone()),
                &e.file,
                e.line,
                format!("duplicate record id `{}` (first at line {first})", c.id),
            ));
        } else {
            seen.insert(c.id.clone(), e.line);
        }
    }
}

/// Checks an attribute value against its declared type.
pub(crate) fn typed_attr(ty: AttrType, v: &serde_json::Value) -> Option<AttrValue> {
    match (ty, v) {
        (AttrType::Bool, serde_json::Value::Bool(b)) => Some(AttrValue::Bool(*b)),
        (AttrType::Number, serde_json::Value::Number(n)) => n.as_f64().map(AttrValue::Number),
        (AttrType::String, serde_json::Value::String(s)) => Some(AttrValue::Str(s.clone())),
        (AttrType::Date, serde_json::Value::String(s)) => {
            crate::parse::parse_date(s).map(AttrValue::Date)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
