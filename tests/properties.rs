//! Laws that hold for every input, checked with generated data.

use credo::record::{read_records, Format};
use proptest::prelude::*;

fn policy(path: &str) -> credo::policy::Policy {
    credo::load_policy(std::path::Path::new(path))
        .unwrap()
        .policy
        .unwrap()
}

fn decisions(
    policy: &credo::policy::Policy,
    records: &str,
    as_of: jiff::civil::Date,
) -> Vec<String> {
    read_records(records, "r.yaml", Format::Yaml, policy)
        .iter()
        .flat_map(|e| {
            let c = e.result.as_ref().expect("sample records are valid");
            credo::eval::roles_for(policy, c, None)
                .unwrap()
                .into_iter()
                .map(|r| {
                    serde_json::to_string(&credo::eval::evaluate(policy, c, r, as_of)).unwrap()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Protected attributes are read by `credo audit` only: replacing every record's
    /// `protected` values never changes any decision.
    #[test]
    fn protected_values_never_change_a_decision(
        sex in "[a-z]{1,8}",
        race in "[a-z_]{1,12}",
        extra in proptest::option::of("[a-z]{1,6}"),
    ) {
        let p = policy("policies/acme-cyber.credo");
        let text = std::fs::read_to_string("policies/acme-cyber.records.yaml").unwrap();
        let as_of = jiff::civil::date(2026, 11, 25);
        let before = decisions(&p, &text, as_of);
        let mut values: Vec<serde_json::Value> = serde_saphyr::from_str(&text).unwrap();
        for v in &mut values {
            let mut prot = serde_json::json!({ "sex": sex, "race_ethnicity": race });
            if let Some(x) = &extra {
                prot["disability"] = serde_json::Value::String(x.clone());
            }
            v["protected"] = prot;
        }
        let changed = serde_json::to_string(&values).unwrap();
        let after = decisions(&p, &changed, as_of);
        prop_assert_eq!(before, after);
    }

    /// `age <= D` holds exactly up to `date + D` (calendar arithmetic, month-end clamping):
    /// on that day a lab counts, the day after it does not.
    #[test]
    fn age_boundary_is_date_plus_duration(
        days_since_2000 in 0i64..12_000,
        n in 1u32..40,
        unit in 0usize..4,
    ) {
        let units = ["d", "w", "mo", "y"];
        let dur = format!("{n}{}", units[unit]);
        let src = format!(r#"
            policy "P" {{ version "1" effective 2000-01-01 owner "o" }}
            skill s "S"
            role r {{ title "R" require s {{ accept at least 1 lab where age <= {dur} }} }}
        "#);
        let p = credo::compile_str("p.credo", &src).policy.unwrap();
        let date = jiff::civil::date(2000, 1, 1).checked_add(jiff::Span::new().days(days_since_2000)).unwrap();
        let span = match units[unit] {
            "d" => jiff::Span::new().days(i64::from(n)),
            "w" => jiff::Span::new().weeks(i64::from(n)),
            "mo" => jiff::Span::new().months(i64::from(n)),
            _ => jiff::Span::new().years(i64::from(n)),
        };
        let last = date.checked_add(span).unwrap();
        let record = format!(r#"{{"id": "c", "labs": [{{"title": "L", "skills": ["s"], "completed": "{date}"}}]}}"#);
        let entries = read_records(&record, "r.json", Format::Json, &p);
        let c = entries[0].result.as_ref().unwrap();
        let on_last = credo::eval::evaluate(&p, c, 0, last);
        let day_after = credo::eval::evaluate(&p, c, 0, last.tomorrow().unwrap());
        prop_assert!(on_last.skills[0].met, "{date} + {dur} = {last} should still count");
        prop_assert!(!day_after.skills[0].met, "{date} + {dur}: the day after {last} should not count");
    }

    /// Any text given as a policy either checks or yields diagnostics: never a panic.
    #[test]
    fn arbitrary_policy_text_never_panics(text in "\\PC{0,200}") {
        let loaded = credo::compile_str("fuzz.credo", &text);
        for d in &loaded.diags {
            let _ = credo::diag::render(d, &loaded.sources, false);
        }
    }

    /// Any record text is read into decisions or record errors: never a panic, never lost.
    #[test]
    fn arbitrary_jsonl_records_are_accounted_for(lines in proptest::collection::vec("\\PC{0,60}", 0..8)) {
        let p = policy("policies/acme-cyber.credo");
        let text = lines.join("\n");
        let entries = read_records(&text, "r.jsonl", Format::Jsonl, &p);
        let non_empty = text.split('\n').filter(|l| !l.trim().is_empty()).count();
        prop_assert_eq!(entries.len(), non_empty);
    }
}

/// Mutations of a valid policy (dropping or duplicating a slice of it) never panic the checker.
#[test]
fn truncated_and_spliced_policies_never_panic() {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let bytes = text.as_bytes();
    for cut in (0..bytes.len()).step_by(37) {
        let Ok(prefix) = std::str::from_utf8(&bytes[..cut]) else {
            continue;
        };
        let loaded = credo::compile_str("cut.credo", prefix);
        assert!(cut == 0 || loaded.has_errors() || loaded.policy.is_some());
        let spliced = format!("{prefix}{prefix}");
        let _ = credo::compile_str("spliced.credo", &spliced);
    }
}

/// The policy hash depends on the file name and content only, not on where it was read from.
#[test]
fn policy_hash_is_independent_of_the_checkout_location() {
    let a = credo::load_policy(std::path::Path::new("policies/acme-cyber.credo")).unwrap();
    let abs = std::fs::canonicalize("policies/acme-cyber.credo").unwrap();
    let b = credo::load_policy(&abs).unwrap();
    assert_eq!(
        a.policy.as_ref().unwrap().hash,
        b.policy.as_ref().unwrap().hash
    );
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let c = credo::compile_str("elsewhere/acme-cyber.credo", &text);
    assert_eq!(a.policy.unwrap().hash, c.policy.as_ref().unwrap().hash);
    let d = credo::compile_str("renamed.credo", &text);
    assert_ne!(
        c.policy.unwrap().hash,
        d.policy.unwrap().hash,
        "the file name is part of the hash"
    );
}

fn rank(o: credo::policy::Outcome) -> u8 {
    use credo::policy::Outcome::*;
    match o {
        Ineligible => 0,
        Decline => 1,
        Review => 2,
        Advance => 3,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For policies whose decide rules the analysis finds monotone (every shipped one), adding a
    /// valid credential to a record never makes any role's outcome worse.
    #[test]
    fn adding_a_valid_credential_never_worsens_an_outcome(
        which in 0usize..3,
        record in 0usize..10,
        cred in 0usize..64,
        days_ago in 0i64..700,
    ) {
        let names = ["acme-cyber", "data-analytics", "everup-admission"];
        let loaded = credo::load_policy(std::path::Path::new(&format!("policies/{}.credo", names[which]))).unwrap();
        prop_assert!(!loaded.diags.iter().any(|d| d.code == "credo::analysis::non-monotone"));
        let p = loaded.policy.unwrap();
        let text = std::fs::read_to_string(format!("policies/{}.records.yaml", names[which])).unwrap();
        let entries = read_records(&text, "r.yaml", Format::Yaml, &p);
        let base = entries[record % entries.len()].result.as_ref().unwrap().clone();
        let as_of = jiff::civil::date(2026, 11, 25);
        let catalogue = &p.credentials[cred % p.credentials.len()];
        let mut more = base.clone();
        more.credentials.push(credo::record::HeldCredential {
            id: Some(catalogue.id.clone()),
            issued: Some(as_of.checked_sub(jiff::Span::new().days(days_ago)).unwrap()),
            verified: true,
            ..Default::default()
        });
        for r in 0..p.roles.len() {
            let before = credo::eval::evaluate(&p, &base, r, as_of);
            let after = credo::eval::evaluate(&p, &more, r, as_of);
            prop_assert!(
                rank(after.outcome) >= rank(before.outcome),
                "{} for {}: {:?} became {:?} after adding {}",
                base.id, p.roles[r].id, before.outcome, after.outcome, catalogue.id
            );
            for (a, b) in before.skills.iter().zip(&after.skills) {
                prop_assert!(!a.met || b.met, "{} lost skill {}", base.id, a.skill);
            }
        }
    }
}
