//! The log's unit tests: the writer's bytes, and damage around the verifier's batches.

use super::verify::VERIFY_BATCH;
use super::*;
use crate::decision::Decision;
use serde::Serialize;

/// One log line, in the order its fields are written (and hashed): the definition
/// [`Appender::append_pending`] writes by hand, byte for byte.
#[derive(Clone, Debug, Serialize)]
struct Line<'a> {
    seq: u64,
    engine: &'a str,
    as_of: String,
    policy_hash: &'a str,
    record_sha256: String,
    decision: &'a Decision<'a>,
    prev: &'a str,
}

/// The shipped policy and its JSONL records.
fn shipped() -> (crate::policy::Policy, Vec<crate::record::Entry>) {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let policy = crate::compile_str("acme-cyber.credo", &text)
        .policy
        .unwrap();
    let records = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
    let entries = crate::record::read_records(&records, "r", crate::record::Format::Jsonl, &policy);
    (policy, entries)
}

/// The line written is what serde_json makes of [`Line`], for every shipped decision.
#[test]
fn pending_lines_are_the_serde_lines() {
    let (policy, entries) = shipped();
    let prev = "sha256:ab\"c";
    let mut checked = 0;
    for e in &entries {
        let Ok(c) = &e.result else { continue };
        for r in crate::eval::roles_for(&policy, c, None).unwrap() {
            let d = crate::eval::evaluate(&policy, c, r, jiff::civil::date(2026, 11, 25));
            let engine = engine();
            let line = Line {
                seq: 7,
                engine: &engine,
                as_of: d.as_of.to_string(),
                policy_hash: &policy.hash,
                record_sha256: record_sha256(c),
                decision: &d,
                prev,
            };
            let dir = std::env::temp_dir().join(format!("credo-log-{}", std::process::id()));
            let _ = std::fs::remove_file(&dir);
            let mut a = Appender::open(&dir).unwrap();
            (a.seq, a.prev) = (6, prev.to_owned());
            a.append(&d, c, &policy.hash).unwrap();
            a.finish().unwrap();
            let written = std::fs::read_to_string(&dir).unwrap();
            let _ = std::fs::remove_file(&dir);
            let serde = serde_json::to_string(&line).unwrap();
            let content = written.rsplit_once(",\"hash\":").map(|(c, _)| c);
            assert_eq!(content, serde.strip_suffix('}'));
            // The hash is what earlier builds wrote and checked (over the serde JSON of the line
            // without its hash): logs they wrote still verify.
            let mut h = Sha256::new();
            h.update(format!("{prev}\n{serde}"));
            let old = format!(",\"hash\":\"sha256:{}\"}}\n", hex(&h.finalize()));
            assert!(written.ends_with(&old), "{written}");
            checked += 1;
        }
    }
    assert!(checked > 20);
}

/// A log longer than a batch of lines: damage at and around the batch boundaries is found
/// at its line, as anywhere else.
#[test]
fn damage_across_batch_boundaries_is_found_at_its_line() {
    let (policy, entries) = shipped();
    let c = entries[0].result.as_ref().unwrap();
    let d = crate::eval::evaluate(&policy, c, 0, jiff::civil::date(2026, 11, 25));
    let path = std::env::temp_dir().join(format!("credo-batches-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut a = Appender::open(&path).unwrap();
    let total = 2 * VERIFY_BATCH + 300;
    for _ in 0..total {
        a.append(&d, c, &policy.hash).unwrap();
    }
    a.finish().unwrap();
    let log = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let lines: Vec<&str> = log.lines().collect();
    let join = |v: &[&str]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    let whole = verify(log.as_bytes());
    assert_eq!((whole.verified as usize, whole.problem), (total, None));
    for at in [
        VERIFY_BATCH - 1,
        VERIFY_BATCH,
        VERIFY_BATCH + 1,
        2 * VERIFY_BATCH,
    ] {
        let n = at + 1; // 1-based line number of index `at`
        let mut changed = lines.clone();
        let edited = lines[at].replace("\"outcome\":\"advance\"", "\"outcome\":\"decline\"");
        assert_ne!(edited, lines[at]);
        changed[at] = &edited;
        let p = verify(join(&changed).as_bytes()).problem.unwrap();
        assert_eq!((p.line, p.kind), (n, "changed"), "{}", p.message);

        let mut removed = lines.clone();
        removed.remove(at);
        let p = verify(join(&removed).as_bytes()).problem.unwrap();
        assert_eq!((p.line, p.kind), (n, "removed"), "{}", p.message);

        // A torn line anywhere but at the end is damage: only the last line may be torn.
        let mut torn = lines.clone();
        let half = &lines[at][..80];
        torn.insert(at, half);
        let p = verify(join(&torn).as_bytes()).problem.unwrap();
        assert_eq!((p.line, p.kind), (n, "unreadable"));

        // Two lines swapped: the first of them was moved.
        let mut swapped = lines.clone();
        swapped.swap(at, at + 1);
        let p = verify(join(&swapped).as_bytes()).problem.unwrap();
        assert_eq!((p.line, p.kind), (n, "moved"), "{}", p.message);

        let mut garbage = lines.clone();
        garbage[at] = "not a log line";
        let p = verify(join(&garbage).as_bytes()).problem.unwrap();
        assert_eq!((p.line, p.kind), (n, "unreadable"));
    }
}
