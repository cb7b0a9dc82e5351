//! `credo diff`: retiring one credential flips a known set of decisions and nothing else.

mod common;

use common::credo;

const OLD: &str = "policies/acme-cyber.credo";
/// The same policy with `retired 2025-01-01` added to `security_plus` (and nothing else).
const NEW: &str = "tests/fixtures/diff/acme-cyber.credo";

#[test]
fn the_fixture_differs_from_the_shipped_policy_by_one_line() {
    let old = std::fs::read_to_string(OLD).unwrap();
    let new = std::fs::read_to_string(NEW).unwrap();
    let removed: Vec<&str> = old
        .lines()
        .filter(|l| !new.lines().any(|n| n == *l))
        .collect();
    let added: Vec<&str> = new
        .lines()
        .filter(|l| !old.lines().any(|o| o == *l))
        .collect();
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added, vec!["  retired     2025-01-01"]);
}

#[test]
fn retiring_security_plus_flips_exactly_the_decisions_that_relied_on_a_later_issue() {
    let o = credo(&[
        "diff",
        OLD,
        NEW,
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Independently of credo: which candidates hold Security+ issued on or after 2025-01-01?
    let records: Vec<serde_json::Value> = serde_saphyr::from_str(
        &std::fs::read_to_string("policies/acme-cyber.records.yaml").unwrap(),
    )
    .unwrap();
    let affected: Vec<String> = records
        .iter()
        .filter(|r| {
            r["credentials"].as_array().into_iter().flatten().any(|c| {
                let is_sec = c["id"] == "security_plus"
                    || c["title"]
                        .as_str()
                        .is_some_and(|t| t.to_lowercase().contains("security+"));
                let issued = c["issued"].as_str().unwrap_or("");
                is_sec && ("2025-01-01"..="2026-11-25").contains(&issued)
            })
        })
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let changed: Vec<String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["candidate"].as_str().unwrap().to_owned())
        .collect();
    assert!(!changed.is_empty());
    for c in &changed {
        assert!(
            affected.contains(c),
            "{c} changed but holds no Security+ issued after the retirement"
        );
    }
    assert_eq!(changed, vec!["c-1001"]);
    let decls = v["declarations"].as_array().unwrap();
    assert_eq!(decls.len(), 1);
    assert_eq!(decls[0]["kind"], "credential");
    assert_eq!(decls[0]["id"], "security_plus");
    assert_eq!(decls[0]["change"], "retired");
    // The retirement is the change itself, not a field listed as `retired none → …`.
    assert_eq!(decls[0]["retired"], "2025-01-01");
    assert_eq!(decls[0]["details"], serde_json::json!([]));
    let first = &v["changes"][0];
    for field in ["candidate", "role", "old", "new"] {
        assert!(first.get(field).is_some(), "changes[0].{field}");
    }
    assert_eq!(first["old"], "advance");
    assert_eq!(first["new"], "review");
    insta::assert_json_snapshot!("diff-json", v, { ".old.hash" => "[hash]", ".new.hash" => "[hash]" });
}

#[test]
fn text_report() {
    let o = credo(&[
        "diff",
        OLD,
        NEW,
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("credential security_plus retired on 2025-01-01\n"),
        "{text}"
    );
    assert!(!text.contains("retired none"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_policy_against_itself_changes_nothing() {
    let o = credo(&[
        "diff",
        OLD,
        OLD,
        "policies/acme-cyber.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 0);
    assert_eq!(v["declarations"].as_array().unwrap().len(), 0);
    assert_eq!(v["compared"], 26);
}

/// A batch compared in parts (as `credo diff` does, a chunk at a time on several threads) and
/// merged in order gives the report of comparing it whole, and the command's JSON is the same
/// for any number of threads.
#[test]
fn diffs_of_parts_merge_into_the_diff_of_the_whole() {
    let load = |path: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        credo::compile_str(path, &text).policy.unwrap()
    };
    let (old, new) = (load(OLD), load(NEW));
    let mut records = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
    records.push_str("{\"id\": \"\"}\n{\"id\": \"bad\", \"labs\": 3}\n");
    let as_of = jiff::civil::date(2026, 11, 25);
    let whole = credo::diff::diff(
        &old,
        &new,
        &[("r.jsonl".into(), records.clone().into_bytes())],
        None,
        as_of,
    );
    assert!(!whole.changes.is_empty() && whole.errors.len() == 2);
    let entries =
        |p| credo::record::read_records(&records, "r.jsonl", credo::record::Format::Jsonl, p);
    let (a, b) = (entries(&old), entries(&new));
    for cut in 0..=a.len() {
        let mut merged = credo::diff::Differ::new(&old, &new, None, as_of);
        let mut part = merged.part();
        for (i, (ea, eb)) in a.iter().cloned().zip(b.iter().cloned()).enumerate() {
            if i == cut {
                merged.merge(std::mem::replace(&mut part, merged.part()));
            }
            part.add(ea, eb);
        }
        merged.merge(part);
        assert_eq!(
            serde_json::to_value(merged.finish()).unwrap(),
            serde_json::to_value(&whole).unwrap(),
            "cut at {cut}"
        );
    }
    let json = |jobs: &str| {
        common::success(credo(&[
            "diff",
            OLD,
            NEW,
            "policies/acme-cyber.records.jsonl",
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
            "--jobs",
            jobs,
        ]))
    };
    assert_eq!(json("1"), json("3"));
}
