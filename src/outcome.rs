//! Outcome records (SPEC §11): what became of each hire — when they were productive, whether
//! and when they left, their first year's training, their internal moves. YAML, JSON, JSONL or
//! CSV, read strictly like candidate records: a row that cannot be read is a [`RecordError`] in
//! its place (with its file and line), and the rest goes on.
//!
//! [`read_outcomes`] checks each row on its own (fields, types, dates in order, nothing after
//! `as_of`, a role of the policy); [`Outcomes::new`] then indexes the valid hires by candidate
//! and turns a repeated (candidate, role, hired) into an error. Whether a hire's candidate is in
//! the candidate records is known only once they have all been read (see
//! [`crate::measure::Measurer`]).

mod csv;
mod fields;

use crate::policy::Policy;
use crate::record::RecordError;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// One hire and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hire {
    /// The id of the candidate's record.
    pub candidate: String,
    /// The role hired into (a role of the policy).
    pub role: String,
    /// First day.
    pub hired: Date,
    /// First day at the role's productivity target, if reached.
    pub productive: Option<Date>,
    /// Last day employed; `None` while still employed.
    pub left: Option<Date>,
    /// Training hours in the first year.
    pub training_hours: Option<f64>,
    /// Training cost in the first year.
    pub training_cost: Option<f64>,
    /// Internal moves, in the order given.
    pub moves: Vec<Move>,
}

/// An internal move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The day of the move.
    pub date: Date,
    /// The role moved to (free text: it need not be a role of the policy).
    pub role: String,
}

/// One outcome row: a hire, or the error in its place.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeEntry {
    /// File name.
    pub file: String,
    /// 1-based line where the row starts.
    pub line: usize,
    /// The hire, or what is wrong with the row.
    pub result: Result<Hire, RecordError>,
}

/// The format of an outcomes file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeFormat {
    /// YAML (also reads JSON): one record or a list.
    Yaml,
    /// JSON: one record or an array.
    Json,
    /// One JSON record per line.
    Jsonl,
    /// Comma-separated values with a header row naming the fields.
    Csv,
}

impl OutcomeFormat {
    /// The format a file name suggests (unknown extensions read as YAML).
    pub fn from_path(path: &str) -> OutcomeFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            OutcomeFormat::Csv
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            OutcomeFormat::Jsonl
        } else if lower.ends_with(".json") {
            OutcomeFormat::Json
        } else {
            OutcomeFormat::Yaml
        }
    }
}

/// Reads every outcome row of a file's bytes, checking each against the policy's roles and
/// the measuring date `as_of`. Every row gives one entry, in file order.
pub fn read_outcomes(
    bytes: &[u8],
    file: &str,
    format: OutcomeFormat,
    policy: &Policy,
    as_of: Date,
) -> Vec<OutcomeEntry> {
    let check = fields::Check { policy, as_of };
    let error = |line: usize, error: String| OutcomeEntry {
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
    let bytes = match crate::record::text_bytes(bytes) {
        Ok(b) => b,
        Err(e) => return vec![error(1, e.into())],
    };
    let from_value = |line: usize, v: &serde_json::Value| OutcomeEntry {
        file: file.to_owned(),
        line,
        result: check.value(v).map_err(|(record, problems)| RecordError {
            record,
            file: file.to_owned(),
            line,
            error: problems.join("; "),
            problems: Vec::new(),
        }),
    };
    match format {
        OutcomeFormat::Csv => csv::read(bytes, file, &check),
        OutcomeFormat::Jsonl => (bytes.split(|b| *b == b'\n').enumerate())
            .filter(|(_, l)| !crate::record::blank_line(l))
            .map(|(i, line)| {
                let n = i + 1;
                let text = match std::str::from_utf8(line) {
                    Ok(t) => t.trim_end_matches('\r'),
                    Err(e) => {
                        return error(
                            n,
                            format!(
                                "line is not UTF-8 text (invalid byte at column {})",
                                e.valid_up_to() + 1
                            ),
                        )
                    }
                };
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(v) => from_value(n, &v),
                    Err(e) => error(n, format!("invalid JSON: {e}")),
                }
            })
            .collect(),
        OutcomeFormat::Yaml | OutcomeFormat::Json => {
            let mut out = Vec::new();
            crate::record::read_document(bytes, |raw| {
                out.push(match raw.value() {
                    Ok(v) => from_value(raw.line, v),
                    Err(e) => error(raw.line, e.to_owned()),
                });
                std::ops::ControlFlow::Continue(())
            });
            out
        }
    }
}

/// Where an outcome row came from: its position among all the rows read (so errors found
/// later are reported in input order), file and line.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// 0-based position among every row of every outcomes file.
    pub seq: usize,
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// The valid hires of a batch of outcome rows, indexed by candidate, and the errors of the
/// rest in input order.
#[derive(Clone, Debug, Default)]
pub struct Outcomes {
    /// Valid hires, in input order.
    pub hires: Vec<Hire>,
    /// Where each hire came from.
    pub places: Vec<Place>,
    /// Rows that could not be read, and repeated hires, with their position.
    pub errors: Vec<(usize, RecordError)>,
    /// Rows read.
    pub rows: u64,
    by_candidate: FxHashMap<String, Vec<u32>>,
}

impl Outcomes {
    /// Indexes rows read from one or more files, in input order; a repeated (candidate, role,
    /// hired) is an error that names the first.
    pub fn new(entries: impl IntoIterator<Item = OutcomeEntry>) -> Outcomes {
        let mut out = Outcomes::default();
        let mut first: BTreeMap<(String, String, Date), (String, usize)> = BTreeMap::new();
        for (seq, e) in entries.into_iter().enumerate() {
            out.rows += 1;
            let hire = match e.result {
                Ok(h) => h,
                Err(err) => {
                    out.errors.push((seq, err));
                    continue;
                }
            };
            let key = (hire.candidate.clone(), hire.role.clone(), hire.hired);
            if let Some((file, line)) = first.get(&key) {
                let at = if *file == e.file {
                    format!("line {line}")
                } else {
                    format!("{file}:{line}")
                };
                out.errors.push((
                    seq,
                    RecordError {
                        record: Some(hire.candidate.clone()),
                        file: e.file,
                        line: e.line,
                        error: format!(
                            "repeated hire: `{}` hired as `{}` on {} is already at {at}",
                            hire.candidate, hire.role, hire.hired
                        ),
                        problems: Vec::new(),
                    },
                ));
                continue;
            }
            first.insert(key, (e.file.clone(), e.line));
            let i = out.hires.len() as u32;
            (out.by_candidate.entry(hire.candidate.clone()).or_default()).push(i);
            out.hires.push(hire);
            out.places.push(Place {
                seq,
                file: e.file,
                line: e.line,
            });
        }
        out
    }

    /// The indexes (into [`Outcomes::hires`]) of a candidate's hires, in input order.
    pub fn of(&self, candidate: &str) -> &[u32] {
        self.by_candidate.get(candidate).map_or(&[], Vec::as_slice)
    }

    /// Whether the candidate was hired into the role (at any date).
    pub fn hired_as(&self, candidate: &str, role: &str) -> bool {
        (self.of(candidate).iter()).any(|&i| self.hires[i as usize].role == role)
    }
}

#[cfg(test)]
mod tests;
