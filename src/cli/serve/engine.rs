//! The service's one adapter to the library, through its public API (SPEC §18): a policy is
//! [`Policy::from_file`], a record [`Candidate::from_json`], a decision [`Policy::decide`],
//! rendered by [`credo::render::write_item`] as `credo eval --format json` renders it. An HTTP
//! decision is that decision plus its `decision_id`.

use credo::log::Pending;
use credo::render::Item;
use credo::{Candidate, Date, Outcome, Policy, RecordError};
use serde_json::{json, Value};
use std::path::Path;

/// The name that stands for a request body where a record error names its file (never a path
/// on the server).
pub const REQUEST: &str = "request";

/// A loaded policy and when it was loaded.
pub struct Served {
    pub policy: Policy,
    /// RFC 3339, UTC.
    pub loaded_at: String,
}

/// Why a policy could not be loaded: its diagnostics as data and as text for the server's own
/// standard error.
pub struct Failure {
    pub diagnostics: Vec<Value>,
    pub text: String,
}

impl Failure {
    /// The diagnostics rendered for people.
    pub fn human(&self) -> &str {
        self.text.trim_end()
    }
}

/// Loads and checks the policy at `path` (a file or a directory).
pub fn load(path: &Path) -> Result<Served, Failure> {
    match Policy::from_file(path) {
        Ok(policy) => Ok(Served {
            policy,
            loaded_at: jiff::Timestamp::now().to_string(),
        }),
        Err(e) => {
            let diagnostics = (e.diagnostics().iter())
                .map(|d| {
                    let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
                    // A file that cannot be read is named by its path: not in an answer.
                    if d.line.is_none() {
                        if let Some(m) = v.as_object_mut() {
                            m.insert("message".into(), json!("the policy cannot be read"));
                            m.insert("file".into(), Value::Null);
                        }
                    }
                    v
                })
                .collect();
            let text = (e.diagnostics().iter())
                .map(|d| {
                    let at = match (d.line, d.column) {
                        (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file),
                        _ => d.file.clone(),
                    };
                    format!("{at}: {}: {}\n", severity(d.severity), d.message)
                })
                .collect();
            Err(Failure { diagnostics, text })
        }
    }
}

/// The diagnostics of policy text given in a request, as `check --error-format json` gives them,
/// and whether any is an error.
pub fn check(text: &str) -> (Vec<Value>, bool) {
    let loaded = credo::compile_str("request.credo", text);
    let diags = (loaded.diags.iter())
        .map(|d| {
            let j = credo::diag::JsonDiag::new(d, &loaded.sources);
            serde_json::to_value(j).unwrap_or(Value::Null)
        })
        .collect();
    (diags, loaded.has_errors())
}

/// A record read from a request, or its error in its place.
pub struct Entry {
    /// The 1-based line of a batch it was on (1 for a single request).
    pub line: usize,
    pub result: Result<Candidate, RecordError>,
}

/// A record error about the request body.
fn body_error(record: Option<String>, line: usize, error: String) -> RecordError {
    RecordError::new(record, REQUEST, line, error)
}

/// Reads one record from JSON text (a request body, a batch line), as `eval` reads a line of
/// a JSON-lines file: the same reader, so the same checks (a key given twice is an error too).
fn read(text: &[u8], line: usize, policy: &Policy) -> Result<Candidate, RecordError> {
    let parsed = std::str::from_utf8(text)
        .map_err(|e| e.to_string())
        .map(|t| Candidate::from_json_str(t, policy));
    match parsed {
        Ok(Ok(candidate)) => Ok(candidate),
        Ok(Err(e)) => {
            // Text that is not JSON at all is named as such, at its own line.
            if let Err(not_json) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                return Err(not_json_error(&not_json, line));
            }
            Err(in_request(e, line))
        }
        Err(utf8) => Err(body_error(None, line, format!("not JSON: {utf8}"))),
    }
}

/// A record error read from a request, named `request` and placed at `line` of its body: its
/// problems, placed in the record's own text (or not placed, at the record's line), move with it.
fn in_request(mut e: RecordError, line: usize) -> RecordError {
    let base = e.line.max(1);
    for p in &mut e.problems {
        p.line = line + p.line.max(base) - base;
    }
    (e.file, e.line) = (REQUEST.to_owned(), line);
    e
}

/// The error of a body or line that is not JSON, at the line of the body it is on.
fn not_json_error(e: &serde_json::Error, line: usize) -> RecordError {
    body_error(
        None,
        line + e.line().saturating_sub(1),
        format!("not JSON: {e}"),
    )
}

/// What a single-decision request asks.
pub struct Single {
    pub entry: Entry,
    /// Roles named by the request (they replace the record's `applied`).
    pub roles: Option<Vec<credo::RoleId>>,
    pub as_of: Option<Date>,
}

/// Reads the body of `POST /v1/decisions`: one record, or `{"record", "roles", "as_of"}`.
/// Anything wrong with it is a record error.
pub fn read_single(body: &[u8], policy: &Policy) -> Result<Single, RecordError> {
    let single = |candidate, roles, as_of| Single {
        entry: Entry {
            line: 1,
            result: Ok(candidate),
        },
        roles,
        as_of,
    };
    // Most bodies are one record: read straight from the text, as `eval` reads a line.
    let direct = read(body, 1, policy);
    if let Ok(candidate) = direct {
        return Ok(single(candidate, None, None));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| not_json_error(&e, 1))?;
    match value {
        Value::Object(mut m) if m.contains_key("record") => {
            let record = m.remove("record").unwrap_or(Value::Null);
            let (roles, as_of) = options(&m, policy)?;
            let candidate =
                Candidate::from_json(&record, policy).map_err(|e| in_request(e, 1))?;
            Ok(single(candidate, roles, as_of))
        }
        Value::Array(_) => Err(body_error(
            None,
            1,
            "the body holds a list of records; send one record here, or JSON lines to /v1/decisions/batch".into(),
        )),
        _ => direct.map(|c| single(c, None, None)),
    }
}

/// `roles` and `as_of` of a wrapped request; any other member is an error.
type Options = (Option<Vec<credo::RoleId>>, Option<Date>);

fn options(m: &serde_json::Map<String, Value>, policy: &Policy) -> Result<Options, RecordError> {
    let err = |e: String| body_error(None, 1, e);
    if let Some(k) = m.keys().find(|k| !["roles", "as_of"].contains(&k.as_str())) {
        return Err(err(format!(
            "unknown field `{}` in the request (it has `record`, `roles` and `as_of`)",
            credo::visible::visible(k)
        )));
    }
    let roles = match m.get("roles") {
        None | Some(Value::Null) => None,
        Some(Value::Array(names)) => {
            let mut roles = Vec::with_capacity(names.len());
            for n in names {
                let name = n
                    .as_str()
                    .ok_or_else(|| err("`roles` must list role ids".into()))?;
                roles.push(role(policy, name).map_err(err)?);
            }
            Some(roles)
        }
        Some(_) => return Err(err("`roles` must be a list of role ids".into())),
    };
    let as_of = match m.get("as_of") {
        None | Some(Value::Null) => None,
        Some(v) => Some(date(v.as_str().unwrap_or("")).map_err(err)?),
    };
    Ok((roles, as_of))
}

/// A role of the policy by id; the error names it and the roles there are, as `eval` does.
pub fn role(policy: &Policy, name: &str) -> Result<credo::RoleId, String> {
    policy.role(name).ok_or_else(|| {
        let mut names: Vec<&str> = policy.roles().map(|r| r.id).collect();
        names.sort_unstable();
        let hint = credo::diag::did_you_mean(name, names.iter().copied())
            .map(|h| format!("; {h}"))
            .unwrap_or_else(|| {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                match quoted.split_last() {
                    Some((last, init)) if !init.is_empty() => {
                        format!("; the roles are {} and {last}", init.join(", "))
                    }
                    Some((one, _)) => format!("; the roles are {one}"),
                    None => String::new(),
                }
            });
        format!("role `{name}` is not in the policy{hint}")
    })
}

/// A date named by a request.
pub fn date(text: &str) -> Result<Date, String> {
    credo::parse::parse_date(text).ok_or_else(|| {
        format!(
            "`as_of` `{}` is not a real date; write YYYY-MM-DD",
            credo::visible::visible(text)
        )
    })
}

/// Reads one line of a batch (JSON lines); `ids` holds the first line of every id read so
/// far, and a repeated id is that record's error, as in `eval`.
pub fn read_line(
    line: &[u8],
    line_no: usize,
    policy: &Policy,
    ids: &mut std::collections::HashMap<String, usize>,
) -> Entry {
    let result = read(line, line_no, policy).and_then(|c| match ids.get(c.id()) {
        Some(first) => Err(body_error(
            Some(c.id().to_owned()),
            line_no,
            format!("duplicate record id `{}` (first at line {first})", c.id()),
        )),
        None => {
            ids.insert(c.id().to_owned(), line_no);
            Ok(c)
        }
    });
    Entry {
        line: line_no,
        result,
    }
}

/// An entry's decisions (or its error in its place): for the request's roles when it names
/// them, else as `credo eval` chooses (the record's `applied`, else `role`, else every role).
pub fn decide<'p>(
    policy: &'p Policy,
    entry: &Entry,
    roles: Option<&[credo::RoleId]>,
    role: Option<&str>,
    as_of: Date,
) -> Vec<Item<'p>> {
    let cand = match &entry.result {
        Ok(c) => c,
        Err(e) => return vec![Item::Error(e.clone())],
    };
    let chosen: Result<Vec<credo::RoleId>, String> = match roles {
        Some(r) => Ok(r.to_vec()),
        None if !cand.applied().is_empty() => {
            let mut out: Vec<credo::RoleId> = Vec::new();
            let mut failed = None;
            for name in cand.applied() {
                match self::role(policy, name) {
                    Ok(r) if !out.contains(&r) => out.push(r),
                    Ok(_) => {}
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            failed.map_or(Ok(out), Err)
        }
        None => match role {
            Some(name) => self::role(policy, name).map(|r| vec![r]),
            None => Ok(policy.roles().map(|r| r.role).collect()),
        },
    };
    match chosen {
        Ok(roles) => (roles.into_iter())
            .map(|r| Item::Decision(Box::new(policy.decide(cand, r, as_of))))
            .collect(),
        Err(error) => vec![Item::Error(body_error(
            Some(cand.id().to_owned()),
            entry.line,
            error,
        ))],
    }
}

/// One item as compact JSON, as `eval --format json` writes it; a decision gets
/// `"decision_id"` as its first member.
pub fn render(item: &Item, decision_id: Option<&str>, out: &mut Vec<u8>) {
    match (item, decision_id) {
        (Item::Decision(_), Some(id)) => {
            // The decision's object, then its id spliced in as the first member.
            let start = out.len();
            credo::render::write_item(item, out);
            let mut first = Vec::with_capacity(id.len() + 20);
            first.extend_from_slice(b"\"decision_id\":");
            first.extend_from_slice(serde_json::to_string(id).unwrap_or_default().as_bytes());
            first.push(b',');
            let at = (start + 1).min(out.len());
            out.splice(at..at, first);
        }
        _ => credo::render::write_item(item, out),
    }
}

/// The role and outcome of a decision (for the metrics).
pub fn counted<'i>(item: &'i Item) -> Option<(&'i str, Outcome)> {
    match item {
        Item::Decision(d) => Some((&d.role, d.outcome)),
        Item::Error(_) => None,
    }
}

/// The decision log line of an item whose JSON (with its decision id) is `rendered`; `None`
/// when it is too long for a log line (the caller answers with that record's error instead).
pub fn log_line(item: &Item, entry: &Entry, rendered: &[u8], as_of: Date) -> Option<Pending> {
    let line = match (item, &entry.result) {
        (Item::Decision(d), Ok(cand)) => Pending::with_json(d, cand, rendered.to_vec()),
        (Item::Error(e), _) => Pending::error(e, as_of),
        (Item::Decision(_), Err(e)) => Pending::error(e, as_of),
    };
    line.fits().then_some(line)
}

/// The record error that stands for a decision too long for the decision log.
pub fn too_long(entry: &Entry, item: &Item) -> RecordError {
    let record = match item {
        Item::Decision(d) => Some(d.candidate.to_string()),
        Item::Error(e) => e.record.clone(),
    };
    body_error(
        record,
        entry.line,
        format!(
            "its decision is longer than the decision log's limit of {} bytes a line",
            credo::log::MAX_LINE
        ),
    )
}

/// `GET /v1/policy`.
pub fn info(served: &Served) -> Value {
    let p = &served.policy;
    let roles: Vec<Value> = (p.roles())
        .map(|r| {
            let skills: Vec<&str> = r.skills.iter().map(|s| s.id).collect();
            json!({ "id": r.id, "title": r.title, "skills": skills })
        })
        .collect();
    json!({
        "name": p.name(),
        "version": p.version(),
        "hash": p.hash(),
        "loaded_at": served.loaded_at,
        "roles": roles,
    })
}

/// The policy's hash.
pub fn hash(served: &Served) -> &str {
    served.policy.hash()
}

fn severity(s: credo::Severity) -> &'static str {
    match s {
        credo::Severity::Error => "error",
        credo::Severity::Warning => "warning",
        credo::Severity::Note => "note",
    }
}
