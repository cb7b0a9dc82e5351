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
