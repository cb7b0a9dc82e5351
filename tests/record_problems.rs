//! Every problem of a record, each at the line and column of its field (issue 20): a YAML
//! list, a JSON array and a JSONL line, each with a bad date, an out-of-range score and an
//! unknown field; the batch goes on and the summary counts records, not problems.

mod common;

use common::credo_with_input;

/// Runs `eval` on `text` given on standard input as `format` (text output, then JSON): its
/// standard output in both, and the standard error of the first.
fn eval_both(format: &str, text: &str) -> (String, serde_json::Value, String) {
    let run = |out: &str| {
        let args = [
            "eval",
            "policies/acme-cyber.credo",
            "-",
            "--input-format",
            format,
            "--as-of",
            "2026-11-25",
            "--role",
            "soc_analyst",
            "--format",
            out,
        ];
        let o = credo_with_input(&args, text.as_bytes());
        assert_eq!(o.status.code(), Some(3), "{o:?}");
        o
    };
    let (text_run, json_run) = (run("text"), run("json"));
    let json: serde_json::Value = serde_json::from_slice(&json_run.stdout).unwrap();
    (
        String::from_utf8(text_run.stdout).unwrap(),
        json,
        String::from_utf8(text_run.stderr).unwrap(),
    )
}

/// The record errors of a JSON output: `file:line:col field` of each problem.
fn places(json: &serde_json::Value) -> Vec<String> {
    let items = json.as_array().unwrap();
    let mut out = Vec::new();
    for e in items.iter().filter(|i| i.get("error").is_some()) {
        for p in e["problems"].as_array().into_iter().flatten() {
            out.push(format!(
                "{}:{}:{} {}",
                e["line"], p["line"], p["column"], p["field"]
            ));
        }
    }
    out
}

const YAML: &str = "\
- id: c-1
  applied: [soc_analyst]
- id: c-2
  applied: [soc_analyst]
  credentials:
    - id: security_plus
      issued: 2024/5/1
  nickname: Al
  work_samples:
    - { skill: incident_response, score: 120 }
- id: c-3
  applied: [soc_analyst]
";

#[test]
fn a_yaml_record_reports_each_problem_at_its_field() {
    let (text, json, stderr) = eval_both("yaml", YAML);
    insta::assert_snapshot!("yaml_text", text);
    // The record starts on line 3; its problems are on lines 7, 8 and 10.
    assert_eq!(
        places(&json),
        [
            "3:7:7 \"credentials[0].issued\"",
            "3:8:3 \"nickname\"",
            "3:10:35 \"work_samples[0].score\""
        ]
    );
    // The batch goes on, and counts one record error, not three.
    assert!(text.contains("c-3  soc_analyst"), "{text}");
    assert!(stderr.contains("2 decisions, 1 record error"), "{stderr}");
}

const JSON: &str = r#"[
  {"id": "c-1", "applied": ["soc_analyst"]},
  {
    "id": "c-2",
    "applied": ["soc_analyst"],
    "credentials": [
      {"id": "security_plus", "issued": "2024-02-30"}
    ],
    "work_samples": [{"skill": "incident_response", "score": -5}],
    "labs": [{"title": "Packet capture", "hours": 3, "skils": ["network_security"]}]
  }, {"id": "c-3", "applied": ["soc_analyst"]}
]
"#;

#[test]
fn a_json_array_record_reports_each_problem_at_its_field() {
    let (text, json, stderr) = eval_both("json", JSON);
    insta::assert_snapshot!("json_text", text);
    assert_eq!(
        places(&json),
        [
            "3:7:31 \"credentials[0].issued\"",
            "3:9:53 \"work_samples[0].score\"",
            "3:10:54 \"labs[0].skils\""
        ]
    );
    // The record after the bad one starts where it ends (`}, {`): it is decided.
    assert!(text.contains("c-3  soc_analyst"), "{text}");
    assert!(stderr.contains("2 decisions, 1 record error"), "{stderr}");
}

const JSONL: &str = r#"{"id": "c-1", "applied": ["soc_analyst"]}
{"id": "c-2", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": "2024-13-01"}], "work_samples": [{"skill": "incident_response", "score": 101}], "experience": [{"skil": "scripting", "months": 3}]}
{"id": "c-3", "applied": ["soc_analyst"]}
"#;

#[test]
fn a_jsonl_record_reports_each_problem_at_its_column() {
    let (text, json, stderr) = eval_both("jsonl", JSONL);
    insta::assert_snapshot!("jsonl_text", text);
    assert_eq!(
        places(&json),
        [
            "2:2:83 \"credentials[0].issued\"",
            "2:2:157 \"work_samples[0].score\"",
            "2:2:188 \"experience[0]\"",
            "2:2:189 \"experience[0].skil\""
        ]
    );
    assert!(stderr.contains("2 decisions, 1 record error"), "{stderr}");
}

/// A record given without its text (the library's `Candidate::from_json`) still lists every
/// problem with its field, at the record's line.
#[test]
fn problems_without_text_keep_their_fields() {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let policy = credo::Policy::from_str("p.credo", &text).unwrap();
    let value = serde_json::json!({
        "id": "c-9",
        "credentials": [{"id": "x", "issued": "2024-13-01"}],
        "work_samples": [{"skill": "s", "score": 250}]
    });
    let e = credo::Candidate::from_json(&value, &policy).unwrap_err();
    let fields: Vec<(&str, usize, Option<usize>)> = (e.problems.iter())
        .map(|p| (p.field.as_str(), p.line, p.column))
        .collect();
    assert_eq!(
        fields,
        [
            ("credentials[0].issued", 0, None),
            ("work_samples[0].score", 0, None)
        ]
    );
    assert!(
        e.error.starts_with("2 problems: credential 1: `issued`"),
        "{}",
        e.error
    );
}

/// What a help line proposes makes its problem go away, and only it.
#[test]
fn the_help_fixes_what_it_names() {
    let (_, json, _) = eval_both("yaml", &YAML.replace("2024/5/1", "2024-05-01"));
    assert_eq!(
        places(&json),
        ["3:8:3 \"nickname\"", "3:10:35 \"work_samples[0].score\""]
    );
    let (_, json, _) = eval_both("json", &JSON.replace("\"skils\"", "\"skills\""));
    assert_eq!(
        places(&json),
        [
            "3:7:31 \"credentials[0].issued\"",
            "3:9:53 \"work_samples[0].score\""
        ]
    );
}
