//! The run's proof cache (SPEC §15): a credential repeated across a batch is verified once, and
//! the output is the same whatever --jobs is.

mod common;

use common::signed;
use serde_json::json;

/// A policy pinning the test key, and records repeating one signed badge (once with the
/// caller's `verified` beside it, which is not part of what was signed) and a forged copy.
fn batch(dir: &std::path::Path) -> (String, String) {
    let policy = dir.join("p.credo");
    std::fs::write(
        &policy,
        signed::policy("guardrails { verified_only proofs }"),
    )
    .unwrap();
    let genuine = signed::badge(1);
    let mut flagged = genuine.clone();
    flagged["verified"] = json!(true);
    let forged = signed::forged(1);
    let mut lines = String::new();
    for (i, cred) in [&genuine, &forged, &genuine, &flagged, &forged, &genuine]
        .iter()
        .enumerate()
    {
        let record = json!({ "id": format!("c-{i}"), "applied": ["r"], "credentials": [cred] });
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let records = dir.join("r.jsonl");
    std::fs::write(&records, lines).unwrap();
    (
        policy.to_str().unwrap().to_owned(),
        records.to_str().unwrap().to_owned(),
    )
}

#[test]
fn a_repeated_credential_is_verified_once() {
    let dir = tempfile::tempdir().unwrap();
    let (p, r) = batch(dir.path());
    let out = common::credo(&["verify", &r, "--policy", &p, "--stats", "--jobs", "1"]);
    let text = common::stdout(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Two distinct credentials (the genuine one, with or without `verified`, and the forgery):
    // two checks, the other four answered from the cache.
    assert!(
        stderr.contains("proofs: 2 checked, 4 answered from the cache"),
        "{stderr}"
    );
    // With several threads too: a thread meeting a credential being checked waits for it.
    for jobs in ["2", "4"] {
        let out = common::credo(&["verify", &r, "--policy", &p, "--stats", "--jobs", jobs]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("proofs: 2 checked, 4 answered from the cache"),
            "--jobs {jobs}: {stderr}"
        );
    }
    let statuses: Vec<&str> = text
        .lines()
        .map(|l| l.rsplit_once("): ").map_or(l, |(_, s)| s))
        .collect();
    assert_eq!(
        statuses,
        [
            "verified",
            "failed: bad signature",
            "verified",
            "verified",
            "failed: bad signature",
            "verified"
        ],
        "{text}"
    );
}

#[test]
fn output_is_the_same_for_any_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let (p, r) = batch(dir.path());
    for args in [
        vec!["eval", &p, &r, "--as-of", "2026-01-01", "--format", "jsonl"],
        vec!["verify", &r, "--policy", &p, "--format", "json"],
    ] {
        let run = |jobs: &str| {
            let mut a = args.clone();
            a.extend(["--jobs", jobs]);
            common::success(common::credo(&a))
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert_eq!(one, run("2"), "{args:?} differs between --jobs 1 and 2");
        assert_eq!(one, run("4"), "{args:?} differs between --jobs 1 and 4");
    }
}
