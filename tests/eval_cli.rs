//! The `credo eval` command end to end: output snapshots on the shipped examples, exit codes,
//! record errors in place, stdin, and byte-identical output across runs.

mod common;

use common::{credo, eval_sample, stdout};
use std::process::{Command, Stdio};

const EXAMPLES: &[(&str, &str)] = &[
    (
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
    ),
    (
        "policies/data-analytics.credo",
        "policies/data-analytics.records.yaml",
    ),
    (
        "policies/everup-admission.credo",
        "policies/everup-admission.records.yaml",
    ),
];

#[test]
fn explain_text_of_shipped_examples() {
    for (policy, records) in EXAMPLES {
        let o = credo(&[
            "eval",
            policy,
            records,
            "--as-of",
            "2026-11-25",
            "--explain",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let name = std::path::Path::new(policy)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("explain-{name}"), stdout(&o));
    }
}

#[test]
fn json_of_shipped_examples() {
    for (policy, records) in EXAMPLES {
        let o = credo(&[
            "eval",
            policy,
            records,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        let name = std::path::Path::new(policy)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_json_snapshot!(format!("json-{name}"), v, {
            "[].policy.hash" => "[hash]",
        });
    }
}

#[test]
fn summary_lines_and_counts() {
    let o = eval_sample(&[]);
    insta::assert_snapshot!(stdout(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("0 record errors (as of 2026-11-25)"),
        "{stderr}"
    );
}

#[test]
fn decision_json_has_the_spec_fields() {
    let o = eval_sample(&["--format", "jsonl"]);
    let text = stdout(&o);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for field in [
        "candidate",
        "role",
        "outcome",
        "proposed",
        "as_of",
        "policy",
        "rule",
        "skills",
        "onboarding",
        "next_steps",
        "guardrails",
        "notes",
    ] {
        assert!(first.get(field).is_some(), "missing `{field}` in {first}");
    }
    for field in ["name", "version", "hash"] {
        assert!(first["policy"].get(field).is_some());
    }
    assert!(first["policy"]["hash"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(first["as_of"], "2026-11-25");
    let skill = &first["skills"][0];
    for field in ["skill", "kind", "met", "via", "tried"] {
        assert!(skill.get(field).is_some(), "missing skills[0].{field}");
    }
    assert!(first["rule"]["at"]
        .as_str()
        .unwrap()
        .starts_with("policies/acme-cyber.credo:"));
}

#[test]
fn jsonl_and_json_agree_and_keep_input_order() {
    let jsonl = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
    ]);
    let json = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let from_lines: Vec<serde_json::Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let array: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(from_lines, array);
    // The YAML and JSONL copies of the sample records decide the same.
    let yaml = eval_sample(&["--format", "json"]);
    let from_yaml: Vec<serde_json::Value> = serde_json::from_slice(&yaml.stdout).unwrap();
    let outcomes = |v: &[serde_json::Value]| {
        v.iter()
            .map(|d| {
                (
                    d["candidate"].clone(),
                    d["role"].clone(),
                    d["outcome"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(outcomes(&from_yaml), outcomes(&array));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = [
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ];
    let a = credo(&args);
    let b = credo(&args);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn record_errors_stand_in_place_and_exit_3() {
    let dir = std::env::temp_dir().join(format!("credo-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("batch.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"a\", \"applied\": [\"soc_analyst\"]}\n{\"id\": \"b\", \"bogus\": 1}\nnot json\n{\"id\": \"a\"}\n{\"id\": \"c\", \"work_samples\": [{\"skill\": \"scripting\", \"score\": 101}]}\n{\"id\": \"d\", \"applied\": [\"soc_analyst\"]}\n",
    )
    .unwrap();
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
        "--role",
        "soc_analyst",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "every record is accounted for");
    assert_eq!(lines[0]["candidate"], "a");
    assert_eq!(lines[1]["record"], "b");
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("unknown field `bogus`"));
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["record"], serde_json::Value::Null);
    assert_eq!(lines[2]["line"], 3);
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .contains("duplicate record id"));
    assert!(lines[4]["error"]
        .as_str()
        .unwrap()
        .contains("outside 0..100"));
    assert_eq!(lines[5]["candidate"], "d");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn reads_records_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args([
            "eval",
            "policies/acme-cyber.credo",
            "-",
            "--as-of",
            "2026-11-25",
            "--role",
            "soc_analyst",
            "--format",
            "jsonl",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"id: s-1\ncredentials:\n  - { id: security_plus, issued: 2025-01-01, verified: true }\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(d["candidate"], "s-1");
    assert_eq!(d["role"], "soc_analyst");
    assert_eq!(d["outcome"], "advance");
}

#[test]
fn usage_errors_exit_2_and_policy_errors_exit_1() {
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-02-30",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a real date"));
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--role",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = credo(&["eval", "--bogus-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = credo(&[
        "eval",
        "tests/fixtures/check/25-unknown-skill-in-require.credo",
        "policies/acme-cyber.records.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = credo(&[
        "check",
        "tests/fixtures/check/25-unknown-skill-in-require.credo",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = credo(&["check", "policies/data-analytics.credo"]);
    assert_eq!(o.status.code(), Some(0));
    let o = credo(&["check", "policies/acme-cyber.credo", "--deny-warnings"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the SPEC example has a retired-before-effective warning"
    );
}

#[test]
fn check_json_error_format_is_one_object_per_line() {
    let o = credo(&[
        "check",
        "tests/fixtures/check/98-three-errors-sorted-by-position.credo",
        "--error-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for l in &lines {
        for f in [
            "code", "severity", "message", "file", "line", "column", "help",
        ] {
            assert!(l.get(f).is_some(), "{f} missing in {l}");
        }
    }
}
