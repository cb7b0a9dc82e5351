//! The service's one adapter to the library: loading a policy, reading a record from a request,
//! deciding and rendering. `credo eval` decides through the same calls
//! ([`crate::cli::eval::items`], [`credo::render::write_item`]), so an HTTP decision is the
//! decision `eval --format json` prints, plus its `decision_id`.

use crate::cli::eval::items;
use credo::diag::JsonDiag;
use credo::log::Pending;
use credo::policy::{Outcome, Policy};
use credo::record::{Entry, Format, RecordError};
use credo::render::Item;
use jiff::civil::Date;
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

/// Why a policy could not be loaded: its diagnostics as data (`check --error-format json`) and
/// as text for the server's own standard error.
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

/// Loads and checks the policy at `path` (a file or a directory), as `credo eval` does.
pub fn load(path: &Path) -> Result<Served, Failure> {
    let loaded = match credo::load_policy(path) {
        Ok(l) => l,
        Err(e) => {
            // The reason, without the path (an answer never shows the server's files).
            let why = std::error::Error::source(&e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "it cannot be read".to_owned());
            return Err(Failure {
                diagnostics: vec![json!({
                    "code": "load",
                    "severity": "error",
                    "message": format!("the policy cannot be read: {why}"),
                })],
                text: format!("error: {e}: {why}"),
            });
        }
    };
    match loaded.policy {
        Some(policy) => Ok(Served {
            policy,
            loaded_at: jiff::Timestamp::now().to_string(),
        }),
        None => Err(Failure {
            diagnostics: diagnostics(&loaded),
            text: (loaded.diags.iter())
                .map(|d| credo::diag::render(d, &loaded.sources, false))
                .collect(),
        }),
    }
}

/// The diagnostics of policy text given in a request, as `check --error-format json` gives them,
/// and whether any is an error.
pub fn check(text: &str) -> (Vec<Value>, bool) {
    let loaded = credo::compile_str("request.credo", text);
    (diagnostics(&loaded), loaded.has_errors())
}

fn diagnostics(loaded: &credo::Loaded) -> Vec<Value> {
    (loaded.diags.iter())
        .map(|d| serde_json::to_value(JsonDiag::new(d, &loaded.sources)).unwrap_or(Value::Null))
        .collect()
}

/// What a single-decision request asks.
pub struct Single {
    pub entry: Entry,
    /// Roles named by the request (they replace the record's `applied`).
    pub roles: Option<Vec<usize>>,
    pub as_of: Option<Date>,
}

/// A record error about the request body.
fn body_error(record: Option<String>, line: usize, error: String) -> RecordError {
    RecordError {
        record,
        file: REQUEST.to_owned(),
        line,
        error,
    }
}

/// Reads the body of `POST /v1/decisions`: one record, or `{"record", "roles", "as_of"}`.
/// Anything wrong with it is a record error, as `eval` would report it.
pub fn read_single(body: &[u8], policy: &Policy) -> Result<Single, RecordError> {
    let wrapped = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| match v {
            Value::Object(mut m) if m.contains_key("record") => {
                let record = m.remove("record").unwrap_or(Value::Null);
                Some((record, m))
            }
            _ => None,
        });
    let (entries, roles, as_of) = match wrapped {
        None => (
            credo::record::read_records_bytes(body, REQUEST, Format::Json, policy),
            None,
            None,
        ),
        Some((record, rest)) => {
            let (roles, as_of) = options(&rest, policy)?;
            let text = serde_json::to_vec(&record).unwrap_or_default();
            let entries = credo::record::read_records_bytes(&text, REQUEST, Format::Json, policy);
            (entries, roles, as_of)
        }
    };
    let mut entries = entries.into_iter();
    match (entries.next(), entries.next()) {
        (Some(entry), None) => match entry.result {
            Err(e) => Err(e),
            Ok(_) => Ok(Single {
                entry,
                roles,
                as_of,
            }),
        },
        (None, _) => Err(body_error(None, 1, "the body holds no record".into())),
        (Some(_), Some(_)) => Err(body_error(
            None,
            1,
            "the body holds a list of records; send one record here, or JSON lines to /v1/decisions/batch".into(),
        )),
    }
}

/// `roles` and `as_of` of a wrapped request; any other member is an error.
type Options = (Option<Vec<usize>>, Option<Date>);

fn options(m: &serde_json::Map<String, Value>, policy: &Policy) -> Result<Options, RecordError> {
    let err = |e: String| body_error(None, 1, e);
    if let Some(k) = m.keys().find(|k| !["roles", "as_of"].contains(&k.as_str())) {
        return Err(err(format!(
            "unknown field `{k}` in the request (it has `record`, `roles` and `as_of`)"
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

/// A role of the policy by id.
pub fn role(policy: &Policy, name: &str) -> Result<usize, String> {
    policy.role_index.get(name).copied().ok_or_else(|| {
        let names: Vec<&str> = policy.roles.iter().map(|r| r.id.as_str()).collect();
        let hint = credo::diag::did_you_mean(name, names.iter().copied())
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        format!(
            "role `{}` is not in the policy{hint} (roles: {})",
            credo::visible::visible(name),
            names.join(", ")
        )
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

/// Reads one line of a batch (JSON lines), as `eval` reads a `.jsonl` file.
pub fn read_line(line: &[u8], line_no: usize, policy: &Policy) -> Entry {
    match std::str::from_utf8(line) {
        Ok(text) => credo::record::read_json_line(text, REQUEST, line_no, policy),
        Err(e) => {
            let error = format!(
                "line is not UTF-8 text (invalid byte at column {})",
                e.valid_up_to() + 1
            );
            Entry {
                file: REQUEST.to_owned(),
                line: line_no,
                result: Err(body_error(None, line_no, error)),
            }
        }
    }
}

/// An entry's decisions (or its error in its place): for the request's roles when it names
/// them, else exactly as `credo eval` decides (the record's `applied`, else `role`, else
/// every role).
pub fn decide<'p>(
    policy: &'p Policy,
    entry: &'p Entry,
    roles: Option<&[usize]>,
    role: Option<&str>,
    as_of: Date,
) -> Vec<Item<'p>> {
    match (roles, &entry.result) {
        (Some(roles), Ok(cand)) => (roles.iter())
            .map(|&r| Item::Decision(Box::new(credo::eval::evaluate(policy, cand, r, as_of))))
            .collect(),
        _ => items(policy, entry, role, as_of),
    }
}

/// One item as compact JSON, as `eval --format json` writes it; a decision gets
/// `"decision_id"` as its first member.
pub fn render(item: &Item, decision_id: Option<&str>, out: &mut Vec<u8>) {
    match (item, decision_id) {
        (Item::Decision(_), Some(id)) => {
            let mut json = Vec::with_capacity(8 << 10);
            credo::render::write_item(item, &mut json);
            out.extend_from_slice(b"{\"decision_id\":");
            out.extend_from_slice(serde_json::to_string(id).unwrap_or_default().as_bytes());
            out.push(b',');
            out.extend_from_slice(json.get(1..).unwrap_or_default());
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
    let roles: Vec<Value> = (p.roles.iter())
        .map(|r| {
            let skills: Vec<&str> = (r.requirements.iter())
                .filter_map(|q| p.skills.get(q.skill).map(|s| s.id.as_str()))
                .collect();
            json!({ "id": r.id, "title": r.title, "skills": skills })
        })
        .collect();
    json!({
        "name": p.name,
        "version": p.version,
        "hash": p.hash,
        "loaded_at": served.loaded_at,
        "roles": roles,
    })
}

/// The policy's hash.
pub fn hash(served: &Served) -> &str {
    &served.policy.hash
}
