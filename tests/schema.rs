//! `credo schema` (SPEC §13): the committed schemas under `schema/` are the generated ones, and
//! every shipped record, suite and every decision and diagnostic the CLI produces validates
//! against them.

mod common;

use common::{credo, SHIPPED};
use serde_json::Value;

const KINDS: [&str; 5] = ["record", "decision", "outcome", "suite", "diagnostics"];

fn committed(kind: &str) -> Value {
    let text = std::fs::read_to_string(format!("schema/{kind}.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validator(kind: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&committed(kind)).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    for kind in KINDS {
        let out = credo(&["schema", kind]);
        assert_eq!(out.status.code(), Some(0));
        let generated = String::from_utf8(out.stdout).unwrap();
        let file = std::fs::read_to_string(format!("schema/{kind}.schema.json")).unwrap();
        assert!(
            generated == file,
            "schema/{kind}.schema.json differs from `credo schema {kind}`; regenerate it with\n  cargo run -- schema {kind} > schema/{kind}.schema.json"
        );
        let v: Value = serde_json::from_str(&generated).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(v["$id"], format!("urn:credo:schema:{kind}"));
    }
    assert_eq!(credo(&["schema", "nonsense"]).status.code(), Some(2));
}

/// The shipped record files' records.
fn shipped_records() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().into_owned();
        if !name.contains(".records.") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let values: Vec<Value> = if name.ends_with(".jsonl") {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            match serde_saphyr::from_str::<Value>(&text).unwrap() {
                Value::Array(a) => a,
                one => vec![one],
            }
        };
        out.extend(values.into_iter().map(|v| (name.clone(), v)));
    }
    out
}

#[test]
fn every_shipped_record_validates() {
    let v = validator("record");
    let records = shipped_records();
    assert!(records.len() > 1000, "all five record files are read");
    for (file, r) in &records {
        assert_valid(&v, r, &format!("{file}: {}", r["id"]));
    }
}

#[test]
fn the_record_schema_refuses_what_the_reader_refuses() {
    let v = validator("record");
    for bad in [
        r#"{"applied": ["x"]}"#,
        r#"{"id": "a", "nickname": "x"}"#,
        r#"{"id": "a", "work_samples": [{"skill": "s", "score": 101}]}"#,
        r#"{"id": "a", "credentials": [{"id": "x", "issued": "yesterday"}]}"#,
        r#"{"id": "a", "labs": [{"title": "t", "colour": "red"}]}"#,
    ] {
        let value: Value = serde_json::from_str(bad).unwrap();
        assert!(!v.is_valid(&value), "{bad} should not validate");
    }
}

#[test]
fn every_decision_of_the_shipped_records_validates() {
    let v = validator("decision");
    for (policy, records) in SHIPPED {
        let out = credo(&[
            "eval",
            policy,
            records,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ]);
        let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!items.is_empty());
        for (i, item) in items.iter().enumerate() {
            assert_valid(&v, item, &format!("{records} item {i}"));
        }
    }
    // A record error in a decision's place validates too, and a decision missing its outcome
    // does not.
    let error: Value = serde_json::json!({"record": null, "file": "-", "line": 1, "error": "x"});
    assert_valid(&v, &error, "a record error");
    let out = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let mut d: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    d[0].as_object_mut().unwrap().remove("outcome");
    assert!(!v.is_valid(&d[0]));
}

#[test]
fn every_shipped_suite_validates() {
    let v = validator("suite");
    let mut n = 0;
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".test.yaml") {
            let suite: Value =
                serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_valid(&v, &suite, &path.to_string_lossy());
            n += 1;
        }
    }
    assert_eq!(n, 3);
}

#[test]
fn diagnostics_of_malformed_policies_validate() {
    let v = validator("diagnostics");
    let mut n = 0;
    for entry in std::fs::read_dir("tests/fixtures/check").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "credo") {
            let out = credo(&["check", path.to_str().unwrap(), "--error-format", "json"]);
            for line in String::from_utf8(out.stderr).unwrap().lines() {
                let d: Value = serde_json::from_str(line).unwrap();
                assert_valid(&v, &d, &path.to_string_lossy());
                n += 1;
            }
        }
    }
    assert!(n > 10, "{n} diagnostics checked");
}

#[test]
fn hire_outcomes_in_record_form_validate() {
    // The shipped outcomes are CSV; their rows as records (moves as `{date, role}`) validate.
    let v = validator("outcome");
    let text = std::fs::read_to_string("policies/outcomes-sample.outcomes.csv").unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut n = 0;
    for line in lines {
        let mut row = serde_json::Map::new();
        for (k, cell) in header.iter().zip(line.split(',')) {
            let value = match *k {
                _ if cell.is_empty() => continue,
                "training_hours" | "training_cost" => Value::from(cell.parse::<f64>().unwrap()),
                "moves" => Value::Array(
                    cell.split(';')
                        .map(|m| {
                            let (date, role) = m.trim().split_once(' ').unwrap();
                            serde_json::json!({"date": date, "role": role})
                        })
                        .collect(),
                ),
                _ => Value::from(cell),
            };
            row.insert((*k).to_owned(), value);
        }
        assert_valid(&v, &Value::Object(row), line);
        n += 1;
    }
    assert!(n > 50);
}
