//! Data-driven evaluation cases (`tests/cases/*.yaml`): a policy, records, `as_of`, and the
//! expected outcome / met / unmet skills / record errors per decision. Expectations were worked
//! out by hand from SPEC §4–§7, independently of the implementation.

use credo::record::{read_records, Format};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    #[allow(dead_code)]
    description: String,
    policy: String,
    as_of: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    role: Option<String>,
    as_of: Option<String>,
    record: Option<Value>,
    records: Option<Vec<Value>>,
    expect: Value,
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap_or_else(|e| panic!("bad date {s}: {e}"))
}

fn names(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one decision (or record error) against one expectation; returns what differs.
fn check(
    entry: &credo::record::Entry,
    policy: &credo::policy::Policy,
    role: Option<&str>,
    as_of: jiff::civil::Date,
    expect: &Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    let cand = match &entry.result {
        Err(e) => {
            match expect.get("error").and_then(Value::as_str) {
                Some(want) if e.error.contains(want) => {}
                Some(want) => problems.push(format!(
                    "record error `{}` does not contain `{want}`",
                    e.error
                )),
                None => problems.push(format!("unexpected record error: {}", e.error)),
            }
            return problems;
        }
        Ok(c) => c,
    };
    if let Some(want) = expect.get("error") {
        problems.push(format!(
            "expected a record error containing {want}, got a decision"
        ));
        return problems;
    }
    let roles = match credo::eval::roles_for(policy, cand, role) {
        Ok(r) => r,
        Err(e) => return vec![format!("role error: {e}")],
    };
    let Some(&r) = roles.first() else {
        return vec!["no role to evaluate".into()];
    };
    let d = credo::eval::evaluate(policy, cand, r, as_of);
    if let Some(want) = expect.get("outcome").and_then(Value::as_str) {
        if d.outcome.as_str() != want {
            problems.push(format!(
                "outcome {} (rule `{}`), expected {want}",
                d.outcome.as_str(),
                d.rule.text
            ));
        }
    }
    match expect.get("proposed") {
        Some(Value::String(want)) => {
            if d.proposed.map(|p| p.as_str()) != Some(want.as_str()) {
                problems.push(format!("proposed {:?}, expected {want}", d.proposed));
            }
        }
        Some(Value::Null) | None => {
            if expect.get("proposed").is_some() && d.proposed.is_some() {
                problems.push(format!("proposed {:?}, expected none", d.proposed));
            }
        }
        Some(other) => problems.push(format!("bad `proposed` expectation {other}")),
    }
    let met = |s: &str| d.skills.iter().find(|k| k.skill == s).map(|k| k.met);
    for s in names(expect.get("met")) {
        if met(&s) != Some(true) {
            problems.push(format!("skill {s} should be met ({:?})", met(&s)));
        }
    }
    for s in names(expect.get("unmet")) {
        if met(&s) != Some(false) {
            problems.push(format!("skill {s} should be unmet ({:?})", met(&s)));
        }
    }
    if let Some(via) = expect.get("via_line").and_then(Value::as_object) {
        for (s, line) in via {
            let got = d
                .skills
                .iter()
                .find(|k| k.skill == *s)
                .and_then(|k| k.via.as_ref())
                .map(|v| v.line as u64);
            if got != line.as_u64() {
                problems.push(format!("skill {s} met via line {got:?}, expected {line}"));
            }
        }
    }
    for want in names(expect.get("notes_contain")) {
        if !d.notes.iter().any(|n| n.contains(&want)) {
            problems.push(format!("no note contains `{want}`: {:?}", d.notes));
        }
    }
    if !problems.is_empty() {
        let trace: Vec<String> = d
            .skills
            .iter()
            .map(|s| {
                format!(
                    "  {} met={} tried={}",
                    s.skill,
                    s.met,
                    serde_json::to_string(&s.tried).unwrap_or_default()
                )
            })
            .collect();
        problems.push(format!("trace:\n{}", trace.join("\n")));
    }
    problems
}

#[test]
fn yaml_cases_match_hand_computed_outcomes() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut paths: Vec<_> = std::fs::read_dir("tests/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let file: File =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let loaded = credo::compile_str("case.credo", &file.policy);
        let Some(policy) = loaded.policy else {
            let msgs: Vec<String> = loaded
                .diags
                .iter()
                .map(|d| credo::diag::render(d, &loaded.sources, false))
                .collect();
            failures.push(format!(
                "{}: policy does not check:\n{}",
                path.display(),
                msgs.join("\n")
            ));
            continue;
        };
        for case in &file.cases {
            count += 1;
            let as_of = date(case.as_of.as_deref().unwrap_or(&file.as_of));
            let records: Vec<Value> = match (&case.record, &case.records) {
                (Some(r), None) => vec![r.clone()],
                (None, Some(rs)) => rs.clone(),
                _ => panic!(
                    "{}: case `{}` needs `record` or `records`",
                    path.display(),
                    case.name
                ),
            };
            let expects: Vec<Value> = match &case.expect {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            let json = serde_json::to_string_pretty(&records).unwrap();
            let entries = read_records(&json, "case.json", Format::Json, &policy);
            if entries.len() != expects.len() {
                failures.push(format!(
                    "{} / {}: {} entries for {} expectations",
                    path.display(),
                    case.name,
                    entries.len(),
                    expects.len()
                ));
                continue;
            }
            for (i, (entry, expect)) in entries.iter().zip(&expects).enumerate() {
                let problems = check(entry, &policy, case.role.as_deref(), as_of, expect);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} / {} [record {}]:\n  {}",
                        path.display(),
                        case.name,
                        i + 1,
                        problems.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
