//! The direct JSON writer (`credo::render::json_line`) gives exactly the bytes of
//! `serde_json::to_string` on the serde derives, for every kind of decision and record error,
//! with DEL, C1 and bidi controls as `\u` escapes (`credo::visible::json_visible`).

use credo::record::{read_records, Format};
use credo::render::{json_line, Item};
use proptest::prelude::*;

fn check(
    policy: &credo::policy::Policy,
    text: &str,
    format: Format,
    as_of: jiff::civil::Date,
) -> usize {
    let mut n = 0;
    for e in read_records(text, "r", format, policy) {
        let items: Vec<Item> = match &e.result {
            Err(err) => vec![Item::Error(err.clone())],
            Ok(c) => (0..policy.roles.len())
                .map(|r| Item::Decision(Box::new(credo::eval::evaluate(policy, c, r, as_of))))
                .collect(),
        };
        for item in items {
            let serde = serde_json::to_string(&item).unwrap();
            assert_eq!(json_line(&item), credo::visible::json_visible(&serde));
            n += 1;
        }
    }
    n
}

#[test]
fn writer_matches_serde_on_shipped_records_and_cases() {
    let mut n = 0;
    for name in ["acme-cyber", "data-analytics", "everup-admission"] {
        let policy = credo::load_policy(std::path::Path::new(&format!("policies/{name}.credo")))
            .unwrap()
            .policy
            .unwrap();
        let text = std::fs::read_to_string(format!("policies/{name}.records.yaml")).unwrap();
        for as_of in [
            jiff::civil::date(2026, 11, 25),
            jiff::civil::date(2019, 6, 30),
        ] {
            n += check(&policy, &text, Format::Yaml, as_of);
        }
    }
    for entry in std::fs::read_dir("tests/cases").unwrap() {
        let path = entry.unwrap().path();
        let v: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let policy = credo::compile_str("case.credo", v["policy"].as_str().unwrap())
            .policy
            .unwrap();
        for case in v["cases"].as_array().unwrap() {
            let records = match (case.get("record"), case.get("records")) {
                (Some(r), _) => vec![r.clone()],
                (_, Some(serde_json::Value::Array(rs))) => rs.clone(),
                _ => continue,
            };
            let text = serde_json::to_string(&records).unwrap();
            n += check(
                &policy,
                &text,
                Format::Json,
                jiff::civil::date(2026, 11, 25),
            );
        }
    }
    assert!(n > 300, "only {n} items compared");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Titles, ids, attribute values and notes with quotes, backslashes, control characters
    /// and non-ASCII text.
    #[test]
    fn writer_matches_serde_on_odd_strings(
        title in "\\PC{0,12}|[\"\\\\\u{1}\u{1f}\n\t é→\u{7f}\u{9b}\u{202e}\u{2066}]{1,6}",
        id in "[a-z\"\\\\\u{7}\u{85}\u{200f}]{1,8}",
        campus in "\\PC{0,10}",
        credits in -1.0e6f64..1.0e6,
        enrolled in any::<bool>(),
    ) {
        let policy = credo::load_policy(std::path::Path::new("policies/everup-admission.credo"))
            .unwrap()
            .policy
            .unwrap();
        let record = serde_json::json!({
            "id": id,
            "attributes": { "campus": campus, "credits": credits, "enrolled": enrolled, "odd": 1 },
            "credentials": [ { "issuer": "https://x.example", "title": title.clone(), "issued": "2025-01-01" } ],
            "artifacts": [ { "title": title.clone(), "skills": ["network_security", title.clone()] } ],
            "labs": [ { "title": title, "skills": ["network_security"], "hours": credits.abs() } ],
        });
        let text = serde_json::to_string(&record).unwrap();
        check(&policy, &text, Format::Json, jiff::civil::date(2026, 11, 25));
    }
}

/// A decision borrows the policy and the record; `into_owned` detaches it unchanged, and the
/// owned decision outlives both.
#[test]
fn an_owned_decision_outlives_its_policy_and_record() {
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut owned = Vec::new();
    let mut borrowed_json = Vec::new();
    {
        let policy = credo::load_policy(std::path::Path::new("policies/acme-cyber.credo"))
            .unwrap()
            .policy
            .unwrap();
        let text = std::fs::read_to_string("policies/acme-cyber.records.yaml").unwrap();
        for e in read_records(&text, "r", Format::Yaml, &policy) {
            let Ok(c) = &e.result else { continue };
            for r in 0..policy.roles.len() {
                let d = credo::eval::evaluate(&policy, c, r, as_of);
                borrowed_json.push(serde_json::to_string(&d).unwrap());
                owned.push(d.into_owned());
            }
        }
    }
    assert!(owned.len() > 10);
    let owned_json: Vec<String> = owned
        .iter()
        .map(|d| serde_json::to_string(d).unwrap())
        .collect();
    assert_eq!(owned_json, borrowed_json);
}
