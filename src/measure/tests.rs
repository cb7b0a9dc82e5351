use super::cohort::{keys, table_minus, Key, Values};
use super::*;
use crate::outcome::{read_outcomes, OutcomeFormat};
use crate::record::{read_records, Format};
use proptest::prelude::*;

fn sample_policy() -> Policy {
    crate::compile_str(
        "outcomes-sample.credo",
        crate::synth::OUTCOMES_SAMPLE_POLICY,
    )
    .policy
    .unwrap()
}

fn as_of() -> Date {
    jiff::civil::date(2026, 11, 25)
}

fn outcomes(policy: &Policy, csv: &str) -> Outcomes {
    Outcomes::new(read_outcomes(
        csv.as_bytes(),
        "o.csv",
        OutcomeFormat::Csv,
        policy,
        as_of(),
    ))
}

fn entries(policy: &Policy, jsonl: &str) -> Vec<Entry> {
    read_records(jsonl, "r.jsonl", Format::Jsonl, policy)
}

/// A hire is `credentialed` when a required skill was met by a credential as of the hire
/// date; a credential issued after the hire does not count, and a preferred skill met by a
/// credential puts the hire in that credential's cohort without making it `credentialed`.
#[test]
fn cohorts_follow_the_decision_as_of_the_hire() {
    let p = sample_policy();
    let records = entries(
        &p,
        r#"{"id": "a", "credentials": [{"id": "security_plus", "issued": "2025-01-01"}]}
{"id": "b", "labs": [{"title": "L1", "skills": ["network_security", "threat_detection"]}, {"title": "L2", "skills": ["network_security", "threat_detection"]}, {"title": "L3", "skills": ["network_security", "threat_detection"]}], "credentials": [{"title": "Certified in Cybersecurity (CC)", "issuer": "https://www.isc2.org", "issued": "2025-01-01"}]}"#,
    );
    let role = p.role_index["soc_analyst"];
    let key_of = |i: usize, on: Date| {
        let cand = records[i].result.as_ref().unwrap();
        let d = crate::eval::evaluate(&p, cand, role, on);
        keys(&p, cand, &d)
    };
    let sec = p.credential_index["security_plus"];
    let a = key_of(0, jiff::civil::date(2025, 6, 1));
    assert_eq!(a[..2], [Key::All, Key::Credentialed]);
    assert!(a.contains(&Key::Credential(sec)));
    assert!(a.contains(&Key::Line(0, 0)) && a.contains(&Key::Line(2, 0)));
    // Before the Security+ was issued, the same candidate had met nothing.
    assert_eq!(
        key_of(0, jiff::civil::date(2024, 12, 31)),
        vec![Key::All, Key::Other]
    );
    let b = key_of(1, jiff::civil::date(2025, 6, 1));
    assert_eq!(
        b,
        vec![
            Key::All,
            Key::Other,
            Key::Line(0, 1),
            Key::Line(1, 1),
            Key::Unrecognised(
                "Certified in Cybersecurity (CC)".into(),
                Some("https://www.isc2.org".into())
            ),
        ]
    );
}

/// Only a credential on a *required* skill's met line makes a hire credentialed.
#[test]
fn a_credential_on_a_preferred_skill_alone_is_not_credentialed() {
    let text = r#"
      policy "P" { version "1" effective 2024-01-01 owner "HR" }
      skill s "S"
      skill t "T"
      provider p { name "P" tier trusted }
      credential c { title "C" provider p skills [t] }
      role r { title "R" require s { accept at least 1 lab } prefer t }
    "#;
    let p = crate::compile_str("p.credo", text).policy.unwrap();
    let records = entries(
        &p,
        r#"{"id": "a", "labs": [{"title": "L", "skills": ["s"]}], "credentials": [{"id": "c", "issued": "2025-01-01"}]}"#,
    );
    let cand = records[0].result.as_ref().unwrap();
    let d = crate::eval::evaluate(&p, cand, 0, as_of());
    assert_eq!(
        keys(&p, cand, &d),
        vec![
            Key::All,
            Key::Other,
            Key::Credential(0),
            Key::Line(0, 0),
            Key::Line(1, 0)
        ]
    );
}

#[test]
fn values_keep_a_multiset_and_subtract_a_part() {
    let mut all = Values::default();
    for x in [3.0, 1.0, 2.0, 2.0, -0.0] {
        all.push(x);
    }
    let mut part = Values::default();
    part.push(2.0);
    part.push(0.0);
    let rest = all.minus(&part);
    assert_eq!(
        rest.iter().collect::<Vec<_>>(),
        vec![(1.0, 1), (2.0, 1), (3.0, 1)]
    );
    assert_eq!(all.n(), 5);
}

#[test]
fn a_table_minus_its_part_is_the_rest() {
    let mut all = stats::SurvivalTable::default();
    let mut part = stats::SurvivalTable::default();
    for (d, e) in [(5, true), (5, false), (9, true)] {
        all.days.entry(d).or_default();
        let t = all.days.get_mut(&d).unwrap();
        if e {
            t.events += 1
        } else {
            t.censored += 1
        }
    }
    part.days.insert(
        5,
        stats::Tally {
            events: 1,
            censored: 0,
        },
    );
    let rest = table_minus(&all, &part);
    assert_eq!(
        rest.days.into_iter().collect::<Vec<_>>(),
        vec![
            (
                5,
                stats::Tally {
                    events: 0,
                    censored: 1
                }
            ),
            (
                9,
                stats::Tally {
                    events: 1,
                    censored: 0
                }
            )
        ]
    );
}

/// The shipped sample, read once for the property below.
fn sample() -> (Policy, Outcomes, Vec<Entry>) {
    let p = sample_policy();
    let (records, csv) = crate::synth::outcomes_sample(400, 3);
    let o = outcomes(&p, &csv);
    let e = entries(&p, &records);
    (p, o, e)
}

fn measure_parts(p: &Policy, o: &Outcomes, entries: &[Entry], cuts: &[usize]) -> Report {
    let mut whole = Measurer::new(p, o, as_of(), None);
    let mut start = 0;
    for &end in cuts.iter().chain([&entries.len()]) {
        let mut part = Measurer::new(p, o, as_of(), None);
        for e in &entries[start..end.max(start)] {
            part.add(e.clone());
        }
        whole.merge(part);
        start = end.max(start);
    }
    whole.finish()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Measuring a batch in parts and merging them in order gives the report of the whole.
    #[test]
    fn parts_merged_equal_the_whole(mut cuts in proptest::collection::vec(0usize..400, 0..6)) {
        let (p, o, entries) = sample();
        cuts.sort_unstable();
        let whole = measure_parts(&p, &o, &entries, &[]);
        prop_assert!(whole.totals.hires > 50);
        let parts = measure_parts(&p, &o, &entries, &cuts);
        prop_assert_eq!(
            serde_json::to_string(&parts).unwrap(),
            serde_json::to_string(&whole).unwrap()
        );
        prop_assert_eq!(parts, whole);
    }
}

/// Hires are measured once each; a hire whose candidate is missing or unreadable is a record
/// error at the hire's row, in row order, before the candidate records' own errors.
#[test]
fn every_hire_is_measured_or_reported() {
    let p = sample_policy();
    let o = outcomes(
        &p,
        "candidate,role,hired,productive\n\
         a,soc_analyst,2026-01-12,2026-03-01\n\
         ghost,soc_analyst,2026-01-12,\n\
         bad,help_desk,2026-01-12,\n\
         a,help_desk,2025-01-12,2025-03-01\n",
    );
    let records = entries(
        &p,
        "{\"id\": \"bad\", \"labs\": 3}\n{\"id\": \"a\", \"applied\": [\"soc_analyst\"]}\n{\"id\": \"a\"}\n",
    );
    let mut m = Measurer::new(&p, &o, as_of(), None);
    for e in records {
        m.add(e);
    }
    let r = m.finish();
    assert_eq!(r.totals.hires, 2);
    assert_eq!(r.totals.records, 3);
    let errs: Vec<(String, usize, &str)> = (r.record_errors.iter())
        .map(|e| (e.file.clone(), e.line, e.error.as_str()))
        .collect();
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert_eq!(errs[0].1, 3);
    assert!(errs[0]
        .2
        .starts_with("candidate `ghost` is not in the candidate records"));
    assert_eq!(errs[1].1, 4);
    assert!(errs[1]
        .2
        .starts_with("the record of candidate `bad` (r.jsonl:1) has errors"));
    assert_eq!((errs[2].0.as_str(), errs[2].1), ("r.jsonl", 1));
    assert!(errs[3].2.starts_with("duplicate record id `a`"));
    assert_eq!(r.totals.errors, 4);
    let soc = &r.roles[p.role_index["soc_analyst"]];
    assert_eq!(soc.hires, 1);
    // The one soc_analyst applicant has no evidence: no `advance`, so no placement.
    assert_eq!(soc.cohorts[0].figures.placement.advance, 0);
}

/// Placement: of the `advance` decisions as of the measuring date, the share hired into the
/// role, per cohort of the decision.
#[test]
fn placement_counts_advance_decisions_hired() {
    let p = sample_policy();
    let records = entries(
        &p,
        "{\"id\": \"a\", \"applied\": [\"help_desk\"], \"credentials\": [{\"id\": \"a_plus\", \"issued\": \"2025-01-01\"}]}\n\
         {\"id\": \"b\", \"applied\": [\"help_desk\"], \"credentials\": [{\"id\": \"a_plus\", \"issued\": \"2025-01-01\"}]}\n\
         {\"id\": \"c\", \"applied\": [\"help_desk\"]}\n",
    );
    let o = outcomes(
        &p,
        "candidate,role,hired\na,help_desk,2025-06-01\nc,help_desk,2025-06-01\n",
    );
    let mut m = Measurer::new(&p, &o, as_of(), Some("help_desk"));
    for e in records {
        m.add(e);
    }
    let r = m.finish();
    assert_eq!(r.roles.len(), 1);
    let all = &r.roles[0].cohorts[0];
    assert_eq!(all.kind, CohortKind::All);
    assert_eq!(
        (all.figures.placement.advance, all.figures.placement.hired),
        (2, 1)
    );
    assert_eq!(all.figures.placement.share, Some(0.5));
    assert_eq!(all.figures.n, 2);
    let other = r.roles[0]
        .cohorts
        .iter()
        .find(|c| c.kind == CohortKind::Other)
        .unwrap();
    assert_eq!(other.figures.n, 1);
    assert_eq!(other.figures.placement.advance, 0);
    assert_eq!(other.comparison.as_ref().unwrap().status, Tested::TooFew);
}
