//! The SPEC §17 additions through the binary: proposed fixes in `check --error-format json`,
//! credential waivers, `open_to`, and protected synonyms.

mod common;
use common::credo;

/// `check --error-format json` carries the edit a help proposes, with its span, and applying
/// it gives a policy without that diagnostic.
#[test]
fn check_json_carries_the_proposed_fix() {
    let path = "tests/fixtures/malformed/policies/67-valid-for-with-space.credo";
    let o = credo(&["check", path, "--error-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let first = stderr.lines().next().expect("one diagnostic");
    let d: serde_json::Value = serde_json::from_str(first).unwrap();
    insta::assert_json_snapshot!(d["fix"], @r#"
    {
      "file": "tests/fixtures/malformed/policies/67-valid-for-with-space.credo",
      "line": 22,
      "column": 13,
      "end_line": 22,
      "end_column": 22,
      "start": 404,
      "end": 413,
      "replacement": "12mo"
    }
    "#);
    let text = std::fs::read_to_string(path).unwrap();
    let (start, end) = (
        d["fix"]["start"].as_u64().unwrap() as usize,
        d["fix"]["end"].as_u64().unwrap() as usize,
    );
    let fixed = format!(
        "{}{}{}",
        &text[..start],
        d["fix"]["replacement"].as_str().unwrap(),
        &text[end..]
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.credo");
    std::fs::write(&out, fixed).unwrap();
    let o = credo(&["check", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A misspelt key in a test suite is named with the key it was probably meant to be.
#[test]
fn an_unknown_suite_key_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite.yaml");
    for (text, says) in [
        (
            "cases:\n  - name: x\n    role: soc_analyst\n    record: { id: a }\n    outcom: advance\n",
            "unknown field `outcom` in a case (did you mean `outcome`?)",
        ),
        (
            "cases:\n  - name: x\n    role: soc_analyst\n    record: { id: a }\n    expect: { outcom: advance }\n",
            "unknown expectation `outcom` (did you mean `outcome`?)",
        ),
        (
            "as_off: 2026-11-25\ncases: []\n",
            "unknown field `as_off` in the suite (did you mean `as_of`?)",
        ),
    ] {
        std::fs::write(&suite, text).unwrap();
        let o = credo(&["test", "policies/acme-cyber.credo", suite.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
}

/// A record's skill written in another case (`SCRIPTING` for `scripting`) is not counted, and
/// the note names the policy's skill.
#[test]
fn a_record_skill_in_another_case_gets_a_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.jsonl");
    std::fs::write(
        &records,
        r#"{"id":"a","work_samples":[{"skill":"SCRIPTING","score":80}]}"#,
    )
    .unwrap();
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        records.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--role",
        "soc_analyst",
        "--format",
        "json",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("skill `SCRIPTING` in the record is not a skill of this policy and was not counted (did you mean `scripting`?)"),
        "{out}"
    );
}

const OPEN_TO: &str = "tests/fixtures/lang/open-to.credo";
const OPEN_TO_RECORDS: &str = "tests/fixtures/lang/open-to.records.yaml";

fn eval_open_to(format: &[&str]) -> String {
    let mut args = vec!["eval", OPEN_TO, OPEN_TO_RECORDS, "--as-of", "2026-11-25"];
    args.extend_from_slice(format);
    let o = credo(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `waived_by pl300` waives the module for a candidate whose pl300 is accepted (held, valid,
/// verified as `verified_only` asks) and not for one whose pl300 is unverified; `open_to` keeps
/// `everup_data` out of the next steps of a candidate outside it and says whom it is open to.
#[test]
fn credential_waivers_and_open_to_in_decisions() {
    let json = eval_open_to(&["--format", "json"]);
    let decisions: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let parts: Vec<serde_json::Value> = decisions
        .iter()
        .map(|d| {
            serde_json::json!({
                "candidate": d["candidate"],
                "onboarding": d["onboarding"],
                "next_steps": d["next_steps"],
            })
        })
        .collect();
    insta::assert_json_snapshot!(parts, @r#"
    [
      {
        "candidate": "s-enrolled",
        "onboarding": {
          "waived": [
            "powerbi_basics"
          ],
          "hours_saved": 12
        },
        "next_steps": [
          {
            "skill": "sql",
            "credentials": [
              "everup_data",
              "sql_basics"
            ],
            "open_to": [
              {
                "credential": "everup_data",
                "who": "candidate.enrolled and candidate.credits >= 30"
              }
            ]
          }
        ]
      },
      {
        "candidate": "s-outside",
        "onboarding": {
          "waived": [],
          "hours_saved": 0
        },
        "next_steps": [
          {
            "skill": "sql",
            "credentials": [
              "sql_basics"
            ]
          },
          {
            "skill": "viz",
            "credentials": [
              "pl300"
            ]
          }
        ]
      }
    ]
    "#);
    let text = eval_open_to(&["--explain"]);
    assert!(
        text.contains("    everup_data is open to: candidate.enrolled and candidate.credits >= 30"),
        "{text}"
    );
    // Nor is it offered as an example in what would change.
    let outside = text.split("s-outside").nth(1).unwrap();
    assert!(!outside.contains("everup_data"), "{outside}");
}

/// Postings say "free for …" for a free credential open only to some, and do not count it as a
/// free way for everyone.
#[test]
fn postings_say_free_for_whom() {
    let o = credo(&["posting", OPEN_TO, "analyst", "--as-of", "2026-11-25"]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("EverUp") || l.contains("waived when"))
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
      - credentials that count for “any credential we list for this skill”: EverUp Data Analytics from CUNY EverUp (free for candidates meeting “enrolled and at least 30 credits”); SQL Basics from Microsoft
      - credentials that count for “any credential we list for this skill”: EverUp Data Analytics from CUNY EverUp (free for candidates meeting “enrolled and at least 30 credits”); Microsoft Power BI Data Analyst from Microsoft
    - EverUp Data Analytics from CUNY EverUp is free for candidates meeting “enrolled and at least 30 credits”, and counts toward SQL and Data visualisation.
    - Powerbi basics (12 hours), waived when you show Microsoft Power BI Data Analyst from Microsoft
    - SQL bootcamp (20 hours), waived when you show SQL
    "#);
    assert!(!md.contains("EverUp Data Analytics from CUNY EverUp (no cost)"));
}

/// `fmt` prints `open_to` and a credential `waived_by`, and its output checks and formats to
/// itself.
#[test]
fn fmt_prints_open_to_and_credential_waivers() {
    let o = credo(&["fmt", "--stdout", OPEN_TO]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("  open_to  candidate.enrolled and candidate.credits >= 30\n"),
        "{out}"
    );
    assert!(out.contains("waived_by pl300\n"), "{out}");
    let again = credo::fmt::format_text("open-to.credo", &out).unwrap();
    assert_eq!(again, out);
    let loaded = credo::compile_str("open-to.credo", &out);
    assert!(loaded.diags.is_empty(), "{:?}", loaded.diags);
}

/// `credo diff` names a change of who a credential is open to.
#[test]
fn diff_names_a_change_of_open_to() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.credo");
    let text = std::fs::read_to_string(OPEN_TO).unwrap();
    std::fs::write(
        &old,
        text.replace(
            "  open_to  candidate.enrolled and candidate.credits >= 30\n",
            "",
        ),
    )
    .unwrap();
    let o = credo(&[
        "diff",
        old.to_str().unwrap(),
        OPEN_TO,
        OPEN_TO_RECORDS,
        "--as-of",
        "2026-11-25",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("open_to everyone → candidate.enrolled and candidate.credits >= 30"),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `open_to` given twice is an error at the second, pointing at the first; its condition is
/// checked in the eligibility context (an unknown attribute is an error with its span).
#[test]
fn open_to_is_checked_like_an_eligibility_rule() {
    let text = std::fs::read_to_string(OPEN_TO).unwrap();
    let twice = text.replace(
        "  open_to  candidate.enrolled and candidate.credits >= 30\n",
        "  open_to  candidate.enrolled\n  open_to  candidate.credits >= 30\n",
    );
    let diags = credo::compile_str("twice.credo", &twice).diags;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].message,
        "`open_to` is given twice in this credential"
    );
    assert_eq!(diags[0].labels.len(), 2);
    let unknown = text.replace("candidate.credits >= 30", "candidate.credit >= 30");
    let diags = credo::compile_str("unknown.credo", &unknown).diags;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].message, "unknown attribute `credit`");
    assert_eq!(
        diags[0].fix.as_ref().map(|f| f.replacement.as_str()),
        Some("credits")
    );
}
