//! Policy unit tests (`credo test`): suites of cases, each a record (inline or from a file), a
//! role, an `as_of`, and the expected outcome / proposed / met / unmet skills / next steps; and
//! coverage of the accept lines, decide rules, guardrails and onboarding modules exercised.

use crate::decision::Decision;
use crate::policy::{Outcome, Policy};
use crate::record::{read_records, Entry, Format};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A suite file, read.
#[derive(Clone, Debug)]
pub struct Suite {
    /// Where it was read from.
    pub path: PathBuf,
    /// Default `as_of`.
    pub as_of: Option<Date>,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case: one or more records, each with its expectation.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// The role to evaluate (else the record's `applied`, else every role: the first is checked).
    pub role: Option<String>,
    /// Evaluation date.
    pub as_of: Option<Date>,
    /// Records as JSON text (inline records) or read from a file.
    pub records: Vec<Entry>,
    /// One expectation per record.
    pub expect: Vec<Expect>,
}

/// What a decision should be.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Expect {
    /// Expected outcome.
    pub outcome: Option<Outcome>,
    /// Expected `proposed` (`Some(None)` = must be none).
    pub proposed: Option<Option<Outcome>>,
    /// Skills that must be met.
    pub met: Vec<String>,
    /// Skills that must not be met.
    pub unmet: Vec<String>,
    /// Accept line (1-based) that must meet a skill.
    pub via_line: BTreeMap<String, usize>,
    /// Substrings some note must contain.
    pub notes_contain: Vec<String>,
    /// Next-step credentials per skill.
    pub next_steps: Option<BTreeMap<String, Vec<String>>>,
    /// A record error whose message contains this.
    pub error: Option<String>,
}

/// One mismatch between expected and actual.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    /// What was compared.
    pub what: String,
    /// Expected.
    pub expected: String,
    /// Actual.
    pub actual: String,
}

/// The result of one record of one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult<'a> {
    /// Case name.
    pub name: String,
    /// 1-based record index within the case.
    pub record: usize,
    /// Whether everything matched.
    pub passed: bool,
    /// What differed.
    pub mismatches: Vec<Mismatch>,
    /// The decision, when one was made.
    #[serde(skip)]
    pub decision: Option<Box<Decision<'a>>>,
}

/// A suite or record file as text, at most [`crate::record::MAX_RECORD_FILE`] bytes (kept
/// while reading: a device such as `/dev/zero` is refused, not read into memory).
fn read_text(path: &Path) -> Result<String, String> {
    let limit = crate::record::MAX_RECORD_FILE as u64;
    let bytes = crate::load::read_limited(path, limit).map_err(|e| match e {
        crate::load::Limited::Io(e) => format!("cannot read `{}`: {e}", path.display()),
        crate::load::Limited::TooLarge => format!(
            "cannot read `{}`: it is larger than the limit of {limit} bytes",
            path.display()
        ),
    })?;
    String::from_utf8(bytes)
        .map_err(|_| format!("cannot read `{}`: it is not UTF-8 text", path.display()))
}

/// The records of a case's `record_file`: a YAML, JSON or JSONL file, or (feature `tables`) a
/// record set of CSV tables or an `.xlsx` workbook (SPEC §16).
fn read_record_file(path: &Path, f: &str, policy: &Policy) -> Result<Vec<Entry>, String> {
    #[cfg(feature = "tables")]
    {
        let name = path.display().to_string();
        if crate::record::table::is_record_set(&name) {
            return crate::record::table::read_entries(&name, None, policy);
        }
    }
    let text = read_text(path)?;
    Ok(read_records(
        &text,
        &path.display().to_string(),
        Format::from_path(f),
        policy,
    ))
}

/// Reads a suite file (YAML), resolving `record_file` paths relative to it.
pub fn read_suite(path: &Path, policy: &Policy) -> Result<Suite, String> {
    let text = read_text(path)?;
    let v: Value = serde_saphyr::from_str(&text).map_err(|e| {
        format!(
            "`{}` is not valid YAML: {}",
            path.display(),
            e.to_string().lines().next().unwrap_or("")
        )
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    // A suite is a mapping with `cases` (or `tests`), or just the list of cases.
    let wrapped;
    let m = match &v {
        Value::Array(_) => {
            wrapped = serde_json::json!({ "cases": v });
            wrapped.as_object()
        }
        other => other.as_object(),
    }
    .ok_or_else(|| format!("`{}`: a suite is a mapping with `cases`", path.display()))?;
    const SUITE_FIELDS: &[&str] = &["description", "name", "policy", "as_of", "cases", "tests"];
    for k in m.keys() {
        if !SUITE_FIELDS.contains(&k.as_str()) {
            return Err(format!(
                "`{}`: unknown field `{k}` in the suite{}",
                path.display(),
                suggest(k, SUITE_FIELDS.iter().copied())
            ));
        }
    }
    let as_of = m.get("as_of").map(|d| date(d, "as_of")).transpose()?;
    let mut cases = Vec::new();
    for (i, c) in m
        .get("cases")
        .or_else(|| m.get("tests"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        cases.push(
            case(c, dir, policy)
                .map_err(|e| format!("`{}`: case {}: {e}", path.display(), i + 1))?,
        );
    }
    if cases.is_empty() {
        return Err(format!("`{}` has no `cases`", path.display()));
    }
    Ok(Suite {
        path: path.to_path_buf(),
        as_of,
        cases,
    })
}

fn date(v: &Value, what: &str) -> Result<Date, String> {
    v.as_str()
        .and_then(crate::parse::parse_date)
        .ok_or_else(|| format!("`{what}` must be a date (YYYY-MM-DD), found {v}"))
}

fn strings(v: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{what}` must list names"))
            })
            .collect(),
        Some(_) => Err(format!("`{what}` must be a list")),
    }
}

fn outcome(v: &Value, what: &str) -> Result<Outcome, String> {
    v.as_str().and_then(Outcome::from_word).ok_or_else(|| {
        format!("`{what}` must be advance, review, decline or ineligible, found {v}")
    })
}

fn case(c: &Value, dir: &Path, policy: &Policy) -> Result<Case, String> {
    let m = c.as_object().ok_or("a case is a mapping")?;
    const CASE_FIELDS: &[&str] = &[
        "name",
        "role",
        "as_of",
        "record",
        "records",
        "record_file",
        "record_id",
        "expect",
        "expected",
        "description",
    ];
    for k in m.keys() {
        if !CASE_FIELDS.contains(&k.as_str()) && !EXPECTATIONS.contains(&k.as_str()) {
            return Err(format!(
                "unknown field `{k}` in a case{}",
                suggest(k, CASE_FIELDS.iter().chain(EXPECTATIONS).copied())
            ));
        }
    }
    let name = m
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)")
        .to_owned();
    // `record: path/to/file.yaml` reads a record file, like `record_file`.
    let (record, record_file) = match m.get("record") {
        Some(Value::String(f)) => (None, Some(Value::String(f.clone()))),
        other => (other, m.get("record_file").cloned()),
    };
    let records: Vec<Entry> = match (record, m.get("records"), record_file.as_ref()) {
        (Some(r), None, None) => inline(std::slice::from_ref(r), policy),
        (None, Some(Value::Array(rs)), None) => inline(rs, policy),
        (None, None, Some(Value::String(f))) => {
            let path = dir.join(f);
            let entries = read_record_file(&path, f, policy)?;
            match m.get("record_id").and_then(Value::as_str) {
                Some(id) => {
                    let found: Vec<Entry> = entries
                        .into_iter()
                        .filter(|e| match &e.result {
                            Ok(c) => c.id == id,
                            Err(err) => err.record.as_deref() == Some(id),
                        })
                        .collect();
                    if found.is_empty() {
                        return Err(format!("no record `{id}` in `{f}`"));
                    }
                    found
                }
                None => entries,
            }
        }
        _ => {
            return Err(format!(
                "case `{name}` needs exactly one of `record`, `records` or `record_file`"
            ))
        }
    };
    // Expectations under `expect` (or `expected`), or written in the case itself.
    let inline_expect: serde_json::Map<String, Value> = m
        .iter()
        .filter(|(k, _)| EXPECTATIONS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let expect = match m.get("expect").or_else(|| m.get("expected")) {
        Some(Value::Array(a)) => a.iter().map(expectation).collect::<Result<Vec<_>, _>>()?,
        Some(one) => vec![expectation(one)?; records.len().max(1)],
        None if !inline_expect.is_empty() => {
            vec![expectation(&Value::Object(inline_expect))?; records.len().max(1)]
        }
        None => return Err(format!("case `{name}` has no `expect`")),
    };
    if expect.len() != records.len() {
        return Err(format!(
            "case `{name}` has {} records but {} expectations",
            records.len(),
            expect.len()
        ));
    }
    Ok(Case {
        name,
        role: m.get("role").and_then(Value::as_str).map(str::to_owned),
        as_of: m.get("as_of").map(|d| date(d, "as_of")).transpose()?,
        records,
        expect,
    })
}

fn inline(records: &[Value], policy: &Policy) -> Vec<Entry> {
    let json = serde_json::to_string_pretty(records).unwrap_or_default();
    read_records(&json, "(inline)", Format::Json, policy)
}

/// What a case may expect.
const EXPECTATIONS: &[&str] = &[
    "outcome",
    "proposed",
    "met",
    "unmet",
    "via_line",
    "notes_contain",
    "next_steps",
    "error",
];

fn expectation(v: &Value) -> Result<Expect, String> {
    let m = v.as_object().ok_or("`expect` is a mapping")?;
    let mut e = Expect::default();
    for (k, x) in m {
        match k.as_str() {
            "outcome" => e.outcome = Some(outcome(x, "outcome")?),
            "proposed" => {
                e.proposed = Some(if x.is_null() {
                    None
                } else {
                    Some(outcome(x, "proposed")?)
                })
            }
            "met" => e.met = strings(Some(x), "met")?,
            "unmet" => e.unmet = strings(Some(x), "unmet")?,
            "notes_contain" => e.notes_contain = strings(Some(x), "notes_contain")?,
            "error" => e.error = Some(x.as_str().ok_or("`error` is a string")?.to_owned()),
            "via_line" => {
                for (s, n) in x
                    .as_object()
                    .ok_or("`via_line` maps skills to line numbers")?
                {
                    e.via_line.insert(
                        s.clone(),
                        n.as_u64().ok_or("`via_line` values are line numbers")? as usize,
                    );
                }
            }
            "next_steps" => {
                let mut steps = BTreeMap::new();
                for (s, list) in x
                    .as_object()
                    .ok_or("`next_steps` maps skills to credential lists")?
                {
                    steps.insert(s.clone(), strings(Some(list), "next_steps")?);
                }
                e.next_steps = Some(steps);
            }
            other => {
                return Err(format!(
                    "unknown expectation `{other}`{}",
                    suggest(other, EXPECTATIONS.iter().copied())
                ))
            }
        }
    }
    Ok(e)
}

/// " (did you mean `x`?)" when a known key is close to `key`, else nothing.
fn suggest<'a>(key: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    crate::diag::did_you_mean(key, known)
        .map(|h| format!(" ({h})"))
        .unwrap_or_default()
}

/// Runs every case of a suite.
pub fn run<'a>(policy: &'a Policy, suite: &'a Suite, default_as_of: Date) -> Vec<CaseResult<'a>> {
    let mut out = Vec::new();
    for case in &suite.cases {
        let as_of = case.as_of.or(suite.as_of).unwrap_or(default_as_of);
        for (i, (entry, expect)) in case.records.iter().zip(&case.expect).enumerate() {
            let (mismatches, decision) = check(policy, entry, case.role.as_deref(), as_of, expect);
            out.push(CaseResult {
                name: case.name.clone(),
                record: i + 1,
                passed: mismatches.is_empty(),
                mismatches,
                decision: decision.map(Box::new),
            });
        }
    }
    out
}

fn mismatch(
    what: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Mismatch {
    Mismatch {
        what: what.into(),
        expected: expected.into(),
        actual: actual.into(),
    }
}

fn check<'a>(
    policy: &'a Policy,
    entry: &'a Entry,
    role: Option<&str>,
    as_of: Date,
    e: &Expect,
) -> (Vec<Mismatch>, Option<Decision<'a>>) {
    let cand = match &entry.result {
        Err(err) => {
            let m = match &e.error {
                Some(want) if err.error.contains(want.as_str()) => Vec::new(),
                Some(want) => vec![mismatch(
                    "record error",
                    format!("contains `{want}`"),
                    &err.error,
                )],
                None => vec![mismatch(
                    "record",
                    "a valid record",
                    format!("record error: {}", err.error),
                )],
            };
            return (m, None);
        }
        Ok(c) => c,
    };
    if let Some(want) = &e.error {
        return (
            vec![mismatch(
                "record error",
                format!("contains `{want}`"),
                "no error",
            )],
            None,
        );
    }
    // The case's `role` wins over the record's `applied`: a test names what it checks.
    let roles = match role {
        Some(r) => match policy.role_index.get(r) {
            Some(&i) => vec![i],
            None => {
                return (
                    vec![mismatch(
                        "role",
                        "a role of the policy",
                        format!("`{r}` is not a role"),
                    )],
                    None,
                )
            }
        },
        None => match crate::eval::roles_for(policy, cand, None) {
            Ok(r) => r,
            Err(err) => return (vec![mismatch("role", "a role of the policy", err)], None),
        },
    };
    let Some(&r) = roles.first() else {
        return (vec![mismatch("role", "a role", "none")], None);
    };
    let d = crate::eval::evaluate(policy, cand, r, as_of);
    let mut m = Vec::new();
    if let Some(want) = e.outcome {
        if d.outcome != want {
            m.push(mismatch(
                "outcome",
                want.as_str(),
                format!(
                    "{} (rule `{}` at {})",
                    d.outcome.as_str(),
                    d.rule.text,
                    d.rule.at
                ),
            ));
        }
    }
    if let Some(want) = e.proposed {
        if d.proposed != want {
            let show = |o: Option<Outcome>| {
                o.map(|o| o.as_str().to_owned())
                    .unwrap_or_else(|| "none".into())
            };
            m.push(mismatch("proposed", show(want), show(d.proposed)));
        }
    }
    let met = |s: &str| d.skills.iter().find(|k| k.skill == s).map(|k| k.met);
    let show = |v: Option<bool>| match v {
        Some(true) => "met".to_owned(),
        Some(false) => "unmet".to_owned(),
        None => "not a skill of the role".to_owned(),
    };
    for s in &e.met {
        if met(s) != Some(true) {
            m.push(mismatch(format!("skill {s}"), "met", show(met(s))));
        }
    }
    for s in &e.unmet {
        if met(s) != Some(false) {
            m.push(mismatch(format!("skill {s}"), "unmet", show(met(s))));
        }
    }
    for (s, line) in &e.via_line {
        let got = d
            .skills
            .iter()
            .find(|k| &k.skill == s)
            .and_then(|k| k.via.as_ref())
            .map(|v| v.line);
        if got != Some(*line) {
            m.push(mismatch(
                format!("skill {s} met via"),
                format!("accept #{line}"),
                got.map(|g| format!("accept #{g}"))
                    .unwrap_or_else(|| "no line".into()),
            ));
        }
    }
    for want in &e.notes_contain {
        if !d.notes.iter().any(|n| n.contains(want.as_str())) {
            m.push(mismatch(
                "notes",
                format!("a note containing `{want}`"),
                format!("{:?}", d.notes),
            ));
        }
    }
    if let Some(want) = &e.next_steps {
        let got: BTreeMap<String, Vec<String>> = d
            .next_steps
            .iter()
            .map(|n| {
                let creds = n.credentials.iter().map(|c| c.to_string()).collect();
                (n.skill.to_string(), creds)
            })
            .collect();
        if &got != want {
            m.push(mismatch(
                "next_steps",
                format!("{want:?}"),
                format!("{got:?}"),
            ));
        }
    }
    (m, Some(d))
}

/// What a suite exercised in one role.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RoleCoverage {
    /// Role id.
    pub role: String,
    /// (skill, accept #, text, at, times it met the skill).
    pub accept_lines: Vec<(String, usize, String, String, usize)>,
    /// (rule text, at, times it gave the outcome).
    pub decide_rules: Vec<(String, String, usize)>,
    /// (guardrail, times it acted).
    pub guardrails: Vec<(String, usize)>,
    /// (module, times waived).
    pub modules: Vec<(String, usize)>,
}

/// Coverage per role over the decisions a suite made.
pub fn coverage<'a>(
    policy: &Policy,
    decisions: impl IntoIterator<Item = &'a Decision<'a>>,
) -> Vec<RoleCoverage> {
    let mut cov: Vec<RoleCoverage> = policy
        .roles
        .iter()
        .map(|r| RoleCoverage {
            role: r.id.clone(),
            accept_lines: r
                .requirements
                .iter()
                .flat_map(|q| {
                    q.lines.iter().enumerate().map(move |(i, l)| {
                        (
                            policy.skills[q.skill].id.clone(),
                            i + 1,
                            l.src.text.clone(),
                            l.src.at.to_string(),
                            0,
                        )
                    })
                })
                .collect(),
            decide_rules: r
                .decide
                .iter()
                .map(|d| {
                    (
                        d.src.text.clone(),
                        if d.default {
                            "default decide".into()
                        } else {
                            d.src.at.to_string()
                        },
                        0,
                    )
                })
                .collect(),
            guardrails: if policy.guardrails.no_auto_decline {
                vec![("no_auto_decline".into(), 0)]
            } else {
                Vec::new()
            },
            modules: r.onboarding.iter().map(|m| (m.id.clone(), 0)).collect(),
        })
        .collect();
    for d in decisions {
        let Some(c) = cov.iter_mut().find(|c| c.role == d.role) else {
            continue;
        };
        for s in &d.skills {
            if let Some(v) = &s.via {
                if let Some(l) = c
                    .accept_lines
                    .iter_mut()
                    .find(|l| l.0 == s.skill && l.1 == v.line)
                {
                    l.4 += 1;
                }
            }
        }
        if let Some(r) = c.decide_rules.iter_mut().find(|r| r.0 == d.rule.text) {
            r.2 += 1;
        }
        for g in &d.guardrails {
            if let Some(x) = c.guardrails.iter_mut().find(|x| x.0 == g.name) {
                x.1 += 1;
            }
        }
        for w in &d.onboarding.waived {
            if let Some(x) = c.modules.iter_mut().find(|x| &x.0 == w) {
                x.1 += 1;
            }
        }
    }
    cov
}
