//! The one place that calls the credo library: loading a policy, reading a record, deciding it
//! and rendering the decision as the CLI does (`eval --format json`). Everything else in this
//! crate moves data between Python (or Arrow) and these functions, so Python and the CLI share
//! one code path.

use credo::record::{Duplicates, Entry, RecordError};
use credo::render::{write_item, Item};
use credo::source::{SourceFile, SourceMap};

pub use credo::policy::Policy;
pub use jiff::civil::Date;

/// A policy set that was read and checked: the policy, or the diagnostics that stopped it.
pub struct Checked {
    /// Each diagnostic as `check --error-format json` prints it (one JSON object each).
    pub diagnostics: Vec<String>,
    /// The policy, when there were no errors.
    pub policy: Option<Policy>,
}

/// Why a policy could not be read at all (before checking): the path, what, and the stable code.
pub struct Unreadable {
    pub code: &'static str,
    pub message: String,
    pub io: Option<std::io::Error>,
}

/// Reads and checks a policy file or directory, as `credo check` and `credo eval` do.
pub fn load(path: &str) -> Result<Checked, Unreadable> {
    use credo::load::LoadError;
    let sources = credo::load::read_sources(std::path::Path::new(path)).map_err(|e| {
        let code = match &e {
            LoadError::Io { .. } => "credo::io",
            LoadError::Empty(_) => "credo::io::empty",
            LoadError::TooLarge(_) => "credo::limit::policy_size",
            LoadError::NotUtf8(_) => "credo::io::encoding",
        };
        let message = match &e {
            LoadError::Io { source, .. } => format!("{e}: {source}"),
            _ => e.to_string(),
        };
        let io = match e {
            LoadError::Io { source, .. } => Some(source),
            _ => None,
        };
        Unreadable { code, message, io }
    })?;
    Ok(check(sources))
}

/// Checks policy files given as (path, path relative to the set's root, text).
pub fn from_files(files: &[(String, String, String)]) -> Checked {
    let mut sources = SourceMap::new();
    for (name, rel, text) in files {
        sources.add(SourceFile::new(name.as_str(), rel.as_str(), text.as_str()));
    }
    check(sources)
}

/// Checks one policy text named `name` (as `Policy::from_str` of SPEC §18).
pub fn from_str(name: &str, text: &str) -> Checked {
    let loaded = credo::compile_str(name, text);
    checked(loaded)
}

fn check(sources: SourceMap) -> Checked {
    checked(credo::load::compile_sources(sources))
}

fn checked(loaded: credo::Loaded) -> Checked {
    let diagnostics = (loaded.diags.iter())
        .map(|d| {
            let json = credo::diag::JsonDiag::new(d, &loaded.sources);
            serde_json::to_string(&json).unwrap_or_default()
        })
        .collect();
    let policy = if loaded.has_errors() {
        None
    } else {
        loaded.policy
    };
    Checked {
        diagnostics,
        policy,
    }
}

/// The policy's files as (path, relative path, text), to rebuild it elsewhere (pickling).
pub fn files(policy: &Policy) -> Vec<(String, String, String)> {
    (policy.sources.files().iter())
        .map(|f| {
            (
                f.name.clone(),
                f.rel_name.clone(),
                f.text.as_str().to_owned(),
            )
        })
        .collect()
}

/// The roles' ids, in declaration order.
pub fn roles(policy: &Policy) -> Vec<String> {
    policy.roles.iter().map(|r| r.id.clone()).collect()
}

/// Parses an `as_of` date (YYYY-MM-DD), as `--as-of` does.
pub fn parse_date(s: &str) -> Option<Date> {
    credo::parse::parse_date(s)
}

/// Today in UTC, as `credo eval` takes it without `--as-of`.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Reads one record given as a line of JSON, as a JSONL file's line `line` of `file`. The JSON
/// is this adapter's own writing of a Python object or an Arrow row, so a problem's column in it
/// would mean nothing to the caller: problems keep their field and stand at the record's
/// position, without a column.
pub fn read(policy: &Policy, json: &str, file: &str, line: usize) -> Entry {
    let mut entry = credo::record::read_json_line(json, file, line, policy);
    if let Err(e) = &mut entry.result {
        for p in &mut e.problems {
            (p.line, p.column) = (line, None);
        }
    }
    entry
}

/// A record that could not even be turned into JSON (a value Python cannot express in JSON).
pub fn unreadable(record: Option<String>, file: &str, line: usize, error: String) -> Entry {
    Entry {
        file: file.to_owned(),
        line,
        result: Err(RecordError::new(record, file, line, error)),
    }
}

/// The repeated-id check of one batch (every id after the first is a record error).
pub fn duplicates() -> Duplicates {
    Duplicates::default()
}

/// The summary of one output item, for Arrow columns.
pub enum Summary {
    Decision {
        candidate: String,
        role: String,
        outcome: &'static str,
        proposed: Option<&'static str>,
        met: Vec<String>,
        coverage: f64,
    },
    Error {
        record: Option<String>,
        error: String,
    },
}

/// One output item: where its JSON (exactly as `credo eval --format json` prints the array's
/// element) ends in the buffer it was appended to, and its summary when asked for.
pub struct Decided {
    pub end: usize,
    pub summary: Option<Summary>,
}

/// The decisions of one entry for its roles (its `applied`, else `role`, else every role), or
/// its error in its place: what `credo eval` prints for it, each item's JSON appended to `out`
/// (one buffer for many records: no fresh buffer per decision). `summaries` adds each item's
/// summary (for Arrow columns).
pub fn decide(
    policy: &Policy,
    entry: &Entry,
    role: Option<&str>,
    as_of: Date,
    summaries: bool,
    out: &mut Vec<u8>,
) -> Vec<Decided> {
    let mut error = |e: &RecordError| {
        write_item(&Item::Error(e.clone()), out);
        Decided {
            end: out.len(),
            summary: summaries.then(|| Summary::Error {
                record: e.record.clone(),
                error: e.error.clone(),
            }),
        }
    };
    let cand = match &entry.result {
        Ok(c) => c,
        Err(e) => return vec![error(e)],
    };
    let roles = match credo::eval::roles_for(policy, cand, role) {
        Ok(roles) => roles,
        Err(message) => {
            return vec![error(&RecordError::new(
                Some(cand.id.clone()),
                &entry.file,
                entry.line,
                message,
            ))]
        }
    };
    (roles.into_iter())
        .map(|r| {
            let d = credo::eval::evaluate(policy, cand, r, as_of);
            let summary = summaries.then(|| Summary::Decision {
                candidate: d.candidate.to_string(),
                role: d.role.to_string(),
                outcome: d.outcome.as_str(),
                proposed: d.proposed.map(|o| o.as_str()),
                met: (d.skills.iter())
                    .filter(|s| s.met)
                    .map(|s| s.skill.to_string())
                    .collect(),
                coverage: d.counts.coverage,
            });
            write_item(&Item::Decision(Box::new(d)), out);
            Decided {
                end: out.len(),
                summary,
            }
        })
        .collect()
}

/// Each item's JSON text of a buffer [`decide`] appended to, from `start`.
pub fn texts<'b>(buf: &'b [u8], start: usize, items: &[Decided]) -> Vec<&'b [u8]> {
    let mut from = start;
    (items.iter())
        .map(|d| {
            let text = buf.get(from..d.end).unwrap_or_default();
            from = d.end;
            text
        })
        .collect()
}

/// The roles a valid record is decided for, or why not (for `evaluate`'s choice of one).
pub fn roles_of(policy: &Policy, entry: &Entry, role: Option<&str>) -> Option<Vec<String>> {
    let cand = entry.result.as_ref().ok()?;
    let roles = credo::eval::roles_for(policy, cand, role).ok()?;
    Some(roles.iter().map(|&r| policy.roles[r].id.clone()).collect())
}

/// `credo audit --format json` of these entries (read in order, decided on the rayon pool).
pub fn audit(policy: &Policy, entries: Vec<Entry>, role: Option<&str>, as_of: Date) -> String {
    use rayon::prelude::*;
    let new = || credo::audit::Auditor::new(policy, as_of, role);
    let parts: Vec<credo::audit::Auditor> = (entries.into_par_iter())
        .chunks(1024)
        .map(|chunk| {
            let mut a = new();
            for e in chunk {
                a.add(e);
            }
            a
        })
        .collect();
    let mut whole = new();
    for p in parts {
        whole.merge(p);
    }
    report_json(&whole.finish())
}

/// `credo measure --format json` of these entries against hire outcomes given as JSON lines.
pub fn measure(
    policy: &Policy,
    entries: Vec<Entry>,
    outcomes_jsonl: &[u8],
    role: Option<&str>,
    as_of: Date,
) -> String {
    use credo::outcome::{read_outcomes, OutcomeFormat, Outcomes};
    use rayon::prelude::*;
    let outcomes = Outcomes::new(read_outcomes(
        outcomes_jsonl,
        "<outcomes>",
        OutcomeFormat::Jsonl,
        policy,
        as_of,
    ));
    let new = || credo::measure::Measurer::new(policy, &outcomes, as_of, role);
    let parts: Vec<credo::measure::Measurer> = (entries.into_par_iter())
        .chunks(1024)
        .map(|chunk| {
            let mut m = new();
            for e in chunk {
                m.add(e);
            }
            m
        })
        .collect();
    let mut whole = new();
    for p in parts {
        whole.merge(p);
    }
    report_json(&whole.finish())
}

fn report_json(report: &impl serde::Serialize) -> String {
    serde_json::to_string(report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("cannot serialise: {e}") }).to_string()
    })
}
