//! The reviewer's own rules: the `add?` thresholds at their edges, expiry quarters, and that
//! reviewing a batch in parts and merging them gives the review of the whole.

use super::*;
use crate::outcome::{read_outcomes, OutcomeFormat};
use crate::record::{read_records, Format};
use jiff::civil::date;

const POLICY: &str = r#"
policy "T" { version "1" effective 2026-01-01 owner "HR" }
skill analysis "Analysis"
provider board { name "Board" tier trusted }
credential cert { title "Cert" provider board skills [analysis] valid_for 1y cost free }
role analyst {
  title "Analyst"
  require analysis {
    accept any credential
    accept at least 1 artifact
  }
}
"#;

fn policy() -> Policy {
    crate::compile_str("t.credo", POLICY)
        .policy
        .expect("the policy checks")
}

/// `n` applicants, of whom `holders` bring the unrecognised "Other Cert" and `certified` hold
/// `cert` issued on `issued`.
fn applicants(n: usize, holders: usize, certified: usize, issued: &str) -> String {
    (0..n)
        .map(|i| {
            let mut creds = Vec::new();
            if i < holders {
                creds.push(
                    r#"{"title": "Other Cert", "issuer": "https://other.example"}"#.to_owned(),
                );
            }
            if i < certified {
                creds.push(format!(r#"{{"id": "cert", "issued": "{issued}"}}"#));
            }
            format!(
                r#"{{"id": "a-{i}", "applied": ["analyst"], "credentials": [{}]}}"#,
                creds.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn review_of(records: &str, parts: usize) -> Review {
    let policy = policy();
    let outcomes = Outcomes::new(read_outcomes(
        b"",
        "o.jsonl",
        OutcomeFormat::Jsonl,
        &policy,
        date(2026, 9, 30),
    ));
    let entries = read_records(records, "r.jsonl", Format::Jsonl, &policy);
    let size = entries.len().div_ceil(parts).max(1);
    let mut whole = Reviewer::new(&policy, date(2026, 9, 30), &outcomes);
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let mut part = Reviewer::new(&policy, date(2026, 9, 30), &outcomes);
        for e in entries.by_ref().take(size) {
            part.add(e);
        }
        whole.merge(part);
    }
    whole.finish(Quarter::parse("2026Q3").unwrap(), None)
}

fn adds(r: &Review) -> usize {
    r.proposals
        .iter()
        .filter(|p| p.action == Action::Add)
        .count()
}

#[test]
fn add_needs_at_least_ten_holders_and_five_percent() {
    // 10 of 200 is 5%: proposed. 9 of 100 is 9% but fewer than 10. 10 of 201 is under 5%.
    assert_eq!(adds(&review_of(&applicants(200, 10, 0, ""), 1)), 1);
    assert_eq!(adds(&review_of(&applicants(100, 9, 0, ""), 1)), 0);
    assert_eq!(adds(&review_of(&applicants(201, 10, 0, ""), 1)), 0);
}

#[test]
fn renew_when_most_holders_expire_next_quarter() {
    // Issued 2025-11-01, valid for a year: expires 2026-11-01, in 2026Q4.
    let r = review_of(&applicants(20, 0, 12, "2025-11-01"), 1);
    let renew: Vec<&Proposal> = r
        .proposals
        .iter()
        .filter(|p| p.action == Action::Renew)
        .collect();
    assert_eq!(renew.len(), 1);
    assert_eq!(
        renew[0].credential,
        Some(CredentialRef::Catalogue("cert".into()))
    );
    assert_eq!(r.catalogue[0].expiry.get("2026Q4"), Some(&12));
    // Issued 2025-08-01: expires in 2026Q3, not next quarter.
    let r = review_of(&applicants(20, 0, 12, "2025-08-01"), 1);
    assert!(r.proposals.iter().all(|p| p.action != Action::Renew));
}

#[test]
fn a_review_in_parts_is_the_review_of_the_whole() {
    let records = applicants(57, 13, 21, "2025-11-01");
    let whole = serde_json::to_string(&review_of(&records, 1)).unwrap();
    for parts in [2, 3, 7, 57] {
        let merged = serde_json::to_string(&review_of(&records, parts)).unwrap();
        assert!(whole == merged, "{parts} parts");
    }
}
