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
