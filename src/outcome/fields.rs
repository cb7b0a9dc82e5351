//! One outcome record's fields, checked: every problem of a record is collected, so a row with
//! three mistakes says all three.

use super::{Hire, Move};
use crate::policy::Policy;
use jiff::civil::Date;
use serde_json::{Map, Value};

/// The fields of an outcome record (and the columns of an outcomes CSV).
pub(crate) const FIELDS: &[&str] = &[
    "candidate",
    "role",
    "hired",
    "productive",
    "left",
    "training_hours",
    "training_cost",
    "moves",
];

/// The fields of a move.
const MOVE_FIELDS: &[&str] = &["date", "role"];

/// What a record is checked against.
pub(crate) struct Check<'p> {
    pub(crate) policy: &'p Policy,
    pub(crate) as_of: Date,
}

/// The candidate id (when it could be read) and every problem.
pub(crate) type Problems = (Option<String>, Vec<String>);

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// An unknown field's message, with a "did you mean" when one is close.
pub(crate) fn unknown(key: &str, allowed: &[&str], what: &str) -> String {
    let hint = crate::diag::did_you_mean(key, allowed.iter().copied())
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    format!("unknown {what} `{key}`{hint}")
}

impl Check<'_> {
    /// Reads one record value.
    pub(crate) fn value(&self, v: &Value) -> Result<Hire, Problems> {
        let Some(m) = v.as_object() else {
            return Err((
                None,
                vec![format!(
                    "an outcome record must be a mapping, found {}",
                    kind(v)
                )],
            ));
        };
        self.map(m)
    }

    /// Reads one record's fields.
    pub(crate) fn map(&self, m: &Map<String, Value>) -> Result<Hire, Problems> {
        let mut problems = Vec::new();
        for k in m.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            problems.push(unknown(k, FIELDS, "field"));
        }
        let candidate = match m.get("candidate") {
            None | Some(Value::Null) => {
                problems.push("the record has no `candidate`".into());
                None
            }
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(_)) => {
                problems.push("`candidate` is empty".into());
                None
            }
            Some(other) => {
                problems.push(format!(
                    "`candidate` must be a record id, found {}",
                    kind(other)
                ));
                None
            }
        };
        let role = match m.get("role") {
            None | Some(Value::Null) => {
                problems.push("the record has no `role`".into());
                None
            }
            Some(Value::String(s)) => {
                if self.policy.role_index.contains_key(s.as_str()) {
                    Some(s.clone())
                } else {
                    let names = self.policy.roles.iter().map(|r| r.id.as_str());
                    let hint = crate::diag::did_you_mean(s, names)
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default();
                    problems.push(format!(
                        "unknown role `{s}`: not a role of the policy{hint}"
                    ));
                    None
                }
            }
            Some(other) => {
                problems.push(format!("`role` must be a string, found {}", kind(other)));
                None
            }
        };
        let hired = self.date(m, "hired", &mut problems);
        if hired.is_none() && matches!(m.get("hired"), None | Some(Value::Null)) {
            problems.push("the record has no `hired` date".into());
        }
        let productive = self.date(m, "productive", &mut problems);
        let left = self.date(m, "left", &mut problems);
        if let Some(h) = hired {
            for (name, d) in [("productive", productive), ("left", left)] {
                if let Some(d) = d.filter(|d| *d < h) {
                    problems.push(format!("`{name}` {d} is before `hired` {h}"));
                }
            }
        }
        if let (Some(p), Some(l)) = (productive, left) {
            if p > l {
                problems.push(format!("`productive` {p} is after `left` {l}"));
            }
        }
        let training_hours = number(m, "training_hours", &mut problems);
        let training_cost = number(m, "training_cost", &mut problems);
        let moves = self.moves(m.get("moves"), hired, left, &mut problems);
        match (candidate, role, hired) {
            (Some(candidate), Some(role), Some(hired)) if problems.is_empty() => Ok(Hire {
                candidate,
                role,
                hired,
                productive,
                left,
                training_hours,
                training_cost,
                moves,
            }),
            (candidate, ..) => Err((candidate, problems)),
        }
    }

    /// A date field; after `as_of` is a problem.
    fn date(&self, m: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Option<Date> {
        let d = match m.get(key) {
            None | Some(Value::Null) => return None,
            Some(Value::String(s)) => match crate::parse::parse_date(s.trim()) {
                Some(d) => d,
                None => {
                    problems.push(format!(
                        "`{key}` is not a real date: `{s}` (write YYYY-MM-DD)"
                    ));
                    return None;
                }
            },
            Some(other) => {
                problems.push(format!(
                    "`{key}` must be a date (YYYY-MM-DD), found {}",
                    kind(other)
                ));
                return None;
            }
        };
        if d > self.as_of {
            problems.push(format!(
                "`{key}` {d} is after the as-of date {}",
                self.as_of
            ));
        }
        Some(d)
    }

    /// The list of moves: each `{date, role}`, on or after `hired`, on or before `left`.
    fn moves(
        &self,
        v: Option<&Value>,
        hired: Option<Date>,
        left: Option<Date>,
        problems: &mut Vec<String>,
    ) -> Vec<Move> {
        let items = match v {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(a)) => a,
            Some(other) => {
                problems.push(format!("`moves` must be a list, found {}", kind(other)));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let what = format!("move {}", i + 1);
            let Some(o) = item.as_object() else {
                problems.push(format!("{what} must be a mapping, found {}", kind(item)));
                continue;
            };
            let before = problems.len();
            for k in o.keys().filter(|k| !MOVE_FIELDS.contains(&k.as_str())) {
                problems.push(format!("{what}: {}", unknown(k, MOVE_FIELDS, "field")));
            }
            let mut own = Vec::new();
            let date = self.date(o, "date", &mut own);
            if date.is_none() && matches!(o.get("date"), None | Some(Value::Null)) {
                own.push("it has no `date`".into());
            }
            if let (Some(d), Some(h)) = (date, hired) {
                if d < h {
                    own.push(format!("`date` {d} is before `hired` {h}"));
                }
            }
            if let (Some(d), Some(l)) = (date, left) {
                if d > l {
                    own.push(format!("`date` {d} is after `left` {l}"));
                }
            }
            let role = match o.get("role") {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                None | Some(Value::Null) => {
                    own.push("it has no `role`".into());
                    None
                }
                Some(Value::String(_)) => {
                    own.push("`role` is empty".into());
                    None
                }
                Some(other) => {
                    own.push(format!("`role` must be a string, found {}", kind(other)));
                    None
                }
            };
            problems.extend(own.into_iter().map(|p| format!("{what}: {p}")));
            if let (Some(date), Some(role), true) = (date, role, problems.len() == before) {
                out.push(Move { date, role });
            }
        }
        out
    }
}

/// A number field: finite and not negative.
fn number(m: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Option<f64> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Some(f + 0.0),
            Some(f) if f.is_finite() => {
                problems.push(format!("`{key}` is negative ({f})"));
                None
            }
            _ => {
                problems.push(format!("`{key}` is out of range"));
                None
            }
        },
        Some(other) => {
            problems.push(format!("`{key}` must be a number, found {}", kind(other)));
            None
        }
    }
}
