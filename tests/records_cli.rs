//! Reading records through the binary (issue 14): a bad record stays that record's error and
//! the batch goes on, in every format and every command; repeated ids are found across input
//! files; inputs that never end meet the same limits as records.

mod common;
use common::{credo, stdout};
use std::process::Output;

const POLICY: &str = "policies/acme-cyber.credo";
const AS_OF: &str = "2026-11-25";
const MALFORMED: &str = "tests/fixtures/malformed/records";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `eval --format jsonl` of these inputs: each output line as `record: outcome` or
/// `record @ file:line: error`.
fn eval(inputs: &[&str], extra: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut args = vec!["eval", POLICY];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&[
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--role",
        "soc_analyst",
    ]);
    args.extend_from_slice(extra);
    let o = credo(&args);
    let lines = stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            match v.get("error") {
                Some(e) => format!(
                    "{} @ {}:{}: {}",
                    v["record"].as_str().unwrap_or("-"),
                    v["file"].as_str().unwrap_or("?"),
                    v["line"],
                    e.as_str().unwrap_or("?")
                ),
                None => format!(
                    "{}: {}",
                    v["candidate"].as_str().unwrap(),
                    v["outcome"].as_str().unwrap()
                ),
            }
        })
        .collect();
    (o.status.code(), lines)
}

/// `audit --format json`'s totals for these inputs.
fn audit_totals(inputs: &[&str]) -> serde_json::Value {
    let mut args = vec!["audit", POLICY];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--as-of", AS_OF, "--format", "json"]);
    let o = credo(&args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["totals"].clone()
}

#[test]
fn a_repeated_key_in_jsonl_is_a_record_error_as_in_yaml() {
    let file = format!("{MALFORMED}/79-jsonl-duplicate-keys.jsonl");
    let (code, lines) = eval(&[&file], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[0], "d-1: advance");
    assert!(
        lines[1].contains("the key `verified` is given twice"),
        "{lines:?}"
    );
    assert!(lines[2].starts_with("d3 @ "), "{lines:?}");
    assert!(
        lines[2].ends_with(":3: the key `id` is given twice in the record"),
        "{lines:?}"
    );
    assert_eq!(lines[5], "d-7: advance");
}

#[test]
fn one_bad_record_does_not_end_a_yaml_list() {
    let file = format!("{MALFORMED}/80-yaml-list-bad-records-middle.yaml");
    let (code, lines) = eval(&[&file], &[]);
    assert_eq!(code, Some(3));
    let outcomes: Vec<&str> = lines
        .iter()
        .map(|l| l.split([':', ' ']).next().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["l-1", "l-2", "l-3", "l-4", "l-5", "l-6"],
        "{lines:?}"
    );
    assert!(
        lines[3].contains("`score` is not a finite number"),
        "{lines:?}"
    );
    // The audit reads all six, as eval does.
    assert_eq!(
        audit_totals(&[&file]),
        serde_json::json!({"records": 6, "decisions": 3, "errors": 3})
    );
}

#[test]
fn after_a_syntax_error_a_list_is_read_on_and_the_skip_is_reported() {
    let yaml = format!("{MALFORMED}/81-yaml-list-syntax-error-middle.yaml");
    let (code, lines) = eval(&[&yaml], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(
        [&lines[0], &lines[2], &lines[4]],
        ["s-1: advance", "s-3: advance", "s-5: advance"]
    );
    assert!(
        lines[1].contains(":17: cannot read the record on line 17: ")
            && lines[1].contains("skipped lines 17–32 (1 record), read on from line 33"),
        "{lines:?}"
    );
    assert_eq!(
        audit_totals(&[&yaml]),
        serde_json::json!({"records": 5, "decisions": 3, "errors": 2})
    );
    let json = format!("{MALFORMED}/82-json-array-syntax-error-middle.json");
    let (code, lines) = eval(&[&json], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!([&lines[0], &lines[2]], ["j-1: advance", "j-3: advance"]);
    assert!(
        lines[1].contains("(1 record), read on from line 40"),
        "{lines:?}"
    );
}

/// Equal refusals are listed once, in the order first met, however many credentials a record
/// holds (past a few, they are found by hash instead of a scan).
#[test]
fn many_unrecognised_credentials_are_each_refused_once_in_order() {
    let policy = credo::load_policy(std::path::Path::new(POLICY))
        .unwrap()
        .policy
        .unwrap();
    let mut creds: Vec<String> = (0..300)
        .map(|i| format!("{{\"id\": \"u{}\"}}", i % 100))
        .collect();
    creds.insert(
        50,
        "{\"id\": \"security_plus\", \"issued\": \"2030-01-01\"}".into(),
    );
    let line = format!(
        "{{\"id\": \"h\", \"applied\": [\"soc_analyst\"], \"credentials\": [{}]}}",
        creds.join(", ")
    );
    let entry = credo::record::read_json_line(&line, "h.jsonl", 1, &policy);
    let cand = entry.result.unwrap();
    let role = policy.role_index["soc_analyst"];
    let d = credo::eval::evaluate(&policy, &cand, role, jiff::civil::date(2026, 11, 25));
    let json = serde_json::to_value(&d).unwrap();
    let refused = &json["skills"][0]["tried"][0]["terms"][0]["refused"];
    let names: Vec<&str> = (refused.as_array().unwrap().iter())
        .map(|r| r["credential"].as_str().unwrap())
        .collect();
    let mut want: Vec<String> = (0..100).map(|i| format!("u{i}")).collect();
    want.insert(50, "security_plus".into());
    assert_eq!(names, want);
    assert_eq!(refused[50]["reason"], "issued_after_as_of");
}

/// Inputs that never end meet the limits records have: `/dev/zero` read as YAML, as JSONL (by
/// path or on standard input), a policy and a test suite's `record_file` finish with a clear
/// error instead of reading for ever.
#[cfg(unix)]
#[test]
fn a_device_that_never_ends_is_an_error_not_a_hang() {
    let (code, lines) = eval(&["/dev/zero"], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("/dev/zero:1: cannot read records"),
        "{lines:?}"
    );
    let (code, lines) = eval(&["/dev/zero"], &["--input-format", "jsonl"]);
    assert_eq!((code, lines.len()), (Some(3), 1), "{lines:?}");
    assert!(
        lines[0].contains("without a line break: this is not JSONL"),
        "{lines:?}"
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args([
            "eval",
            POLICY,
            "-",
            "--input-format",
            "jsonl",
            "--as-of",
            AS_OF,
        ])
        .args(["--format", "jsonl", "--role", "soc_analyst"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains("this is not JSONL"));
    let o = credo(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is larger than the limit"),
        "{}",
        stderr(&o)
    );

    let dir = std::env::temp_dir().join(format!("credo-zero-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("suite.yaml");
    std::fs::write(
        &suite,
        "cases:\n  - name: zero\n    record_file: /dev/zero\n    role: soc_analyst\n    expect: { outcome: advance }\n",
    )
    .unwrap();
    let o = credo(&["test", POLICY, suite.to_str().unwrap(), "--as-of", AS_OF]);
    std::fs::remove_dir_all(&dir).ok();
    assert_ne!(o.status.code(), Some(0));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("larger than the limit"), "{all}");
}

/// `--jobs` asks for at most four threads a core: a larger number is capped with a note, and
/// the output is the same.
#[test]
fn jobs_are_capped_at_four_per_core() {
    let records = "policies/acme-cyber.records.jsonl";
    let run = |jobs: &str| {
        credo(&[
            "eval", POLICY, records, "--as-of", AS_OF, "--format", "jsonl", "--jobs", jobs,
        ])
    };
    let (many, one) = (run("65535"), run("1"));
    assert_eq!(many.status.code(), Some(0), "{}", stderr(&many));
    assert_eq!(many.stdout, one.stdout);
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        stderr(&many).contains(&format!(
            "note: --jobs 65535 is more than 4 threads for each of the {cores} cores; using {}",
            cores * 4
        )),
        "{}",
        stderr(&many)
    );
    assert!(!stderr(&one).contains("note: --jobs"));
}

/// An id repeated in a later input file is an error there, naming the first file and line,
/// whether the inputs were screened first (files) or every id remembered (standard input).
#[test]
fn repeated_ids_across_input_files_are_record_errors() {
    let dir = std::env::temp_dir().join(format!("credo-cross-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    std::fs::write(&a, "{\"id\": \"c-1\"}\n{\"id\": \"c-2\"}\n").unwrap();
    std::fs::write(&b, "{\"id\": \"c-3\"}\n{\"id\": \"c-1\"}\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let (code, lines) = eval(&[a, b], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(
        lines[3],
        format!("c-1 @ {b}:2: duplicate record id `c-1` (first in {a} at line 1)")
    );
    // The same with the second input on standard input.
    let o = common::credo_with_input(
        &[
            "eval",
            POLICY,
            a,
            "-",
            "--input-format",
            "jsonl",
            "--as-of",
            AS_OF,
            "--format",
            "jsonl",
            "--role",
            "soc_analyst",
        ],
        &std::fs::read(b).unwrap(),
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains(&format!(
        "duplicate record id `c-1` (first in {a} at line 1)"
    )));
    // The audit counts it as an error too (3 records, each decided for the 4 roles).
    assert_eq!(
        audit_totals(&[a, b]),
        serde_json::json!({"records": 4, "decisions": 12, "errors": 1})
    );
    std::fs::remove_dir_all(&dir).ok();
}
