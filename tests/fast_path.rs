//! The fast path (`decide_fast`) gives the same outcome, proposed outcome and met skills as the
//! traced `evaluate`, on every shipped record, every hand-computed case, the generated
//! reference scenario, and generated records against the shipped policies.

use credo::eval::{decide_fast, evaluate, roles_for, Facts};
use credo::policy::Policy;
use credo::record::{read_records, Candidate, Format};
use proptest::prelude::*;

fn load(path: &str) -> Policy {
    credo::load_policy(std::path::Path::new(path))
        .unwrap()
        .policy
        .unwrap()
}

/// Compares both paths for every role of the policy; returns how many decisions agreed.
fn agree(policy: &Policy, cand: &Candidate, as_of: jiff::civil::Date) -> Result<usize, String> {
    let facts = Facts::new(policy, cand, as_of);
    for role in 0..policy.roles.len() {
        let fast = decide_fast(&facts, role);
        let full = evaluate(policy, cand, role, as_of);
        let met: Vec<bool> = full.skills.iter().map(|s| s.met).collect();
        if (fast.outcome, fast.proposed, &fast.met) != (full.outcome, full.proposed, &met) {
            return Err(format!(
                "candidate {} role {} as of {as_of}: fast {fast:?}, traced {:?} {:?} {met:?}",
                cand.id, full.role, full.outcome, full.proposed
            ));
        }
    }
    Ok(policy.roles.len())
}

const DATES: &[(i16, i8, i8)] = &[
    (2026, 11, 25),
    (2020, 1, 1),
    (2024, 2, 29),
    (2027, 5, 1),
    (2030, 12, 31),
];

#[test]
fn fast_path_agrees_on_shipped_records() {
    let mut n = 0;
    for name in ["acme-cyber", "data-analytics", "everup-admission"] {
        let policy = load(&format!("policies/{name}.credo"));
        let text = std::fs::read_to_string(format!("policies/{name}.records.yaml")).unwrap();
        for e in read_records(&text, "r.yaml", Format::Yaml, &policy) {
            let cand = e.result.unwrap();
            for &(y, m, d) in DATES {
                n += agree(&policy, &cand, jiff::civil::date(y, m, d)).unwrap();
            }
        }
    }
    assert!(n > 100, "only {n} decisions compared");
}

#[test]
fn fast_path_agrees_on_every_case() {
    let mut n = 0;
    let mut paths: Vec<_> = std::fs::read_dir("tests/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let policy = credo::compile_str("case.credo", v["policy"].as_str().unwrap())
            .policy
            .unwrap();
        let suite = credo::suite::read_suite(&path, &policy).unwrap();
        for case in &suite.cases {
            let as_of = case
                .as_of
                .or(suite.as_of)
                .unwrap_or(jiff::civil::date(2026, 11, 25));
            for e in &case.records {
                let Ok(cand) = &e.result else { continue };
                n += agree(&policy, cand, as_of)
                    .map_err(|m| format!("{}: {m}", path.display()))
                    .unwrap();
            }
        }
    }
    assert!(n >= 60, "only {n} decisions compared");
}

#[test]
fn fast_path_agrees_on_the_reference_scenario() {
    use credo::synth::{self, Rng, Shape};
    let policy = credo::compile_str("ref.credo", &synth::policy(Shape::REFERENCE, 42))
        .policy
        .unwrap();
    let mut rng = Rng::new(7);
    let lines: Vec<String> = (0..2000)
        .map(|i| synth::record(&mut rng, i, Shape::REFERENCE, None))
        .collect();
    for e in read_records(&lines.join("\n"), "r.jsonl", Format::Jsonl, &policy) {
        agree(&policy, &e.result.unwrap(), jiff::civil::date(2026, 11, 25)).unwrap();
    }
}

/// A record built from generated parts, using the policy's credential and skill names and a
/// few unknown ones.
fn record_json(
    policy: &Policy,
    creds: &[(usize, i64, Option<i64>, bool, u8)],
    items: &[(bool, usize, Option<i64>, bool, u8)],
    extras: &[(usize, u8)],
) -> String {
    let day = |d: i64| {
        jiff::civil::date(2019, 1, 1)
            .checked_add(jiff::Span::new().days(d))
            .unwrap()
            .to_string()
    };
    let skill = |i: usize| {
        policy
            .skills
            .get(i % (policy.skills.len() + 1))
            .map_or("not_a_skill".to_owned(), |s| s.id.clone())
    };
    let mut credentials = Vec::new();
    for &(c, issued, expires, verified, how) in creds {
        let cat = &policy.credentials[c % policy.credentials.len()];
        let mut o = serde_json::json!({ "verified": verified });
        match how % 4 {
            0 => o["id"] = cat.id.clone().into(),
            1 => {
                o["issuer"] = policy.providers[cat.provider]
                    .issuers
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "https://nowhere.example".into())
                    .into();
                o["title"] = cat.title.to_uppercase().into();
            }
            2 => o["id"] = "unknown_credential".into(),
            _ => {}
        }
        if how % 4 == 3 {
            o["achievement"] = cat
                .achievements
                .first()
                .cloned()
                .unwrap_or_else(|| "urn:none".into())
                .into();
        }
        if how & 4 == 0 {
            o["issued"] = day(issued).into();
        }
        if let Some(e) = expires {
            o["expires"] = day(issued + e).into();
        }
        credentials.push(o);
    }
    let (mut artifacts, mut labs) = (Vec::new(), Vec::new());
    for (i, &(is_lab, s, date, flag, hours)) in items.iter().enumerate() {
        let mut o = serde_json::json!({ "title": format!("item {i}"), "skills": [skill(s)] });
        if let Some(d) = date {
            o[if is_lab { "completed" } else { "date" }] = day(d).into();
        }
        if is_lab {
            o["hours"] = hours.into();
            labs.push(o);
        } else {
            o["reviewed"] = flag.into();
            artifacts.push(o);
        }
    }
    let levels = ["associate", "bachelor", "master", "doctorate", "diploma"];
    let mut work_samples = Vec::new();
    let mut experience = Vec::new();
    let mut education = Vec::new();
    for &(s, v) in extras {
        match v % 3 {
            0 => work_samples.push(serde_json::json!({ "skill": skill(s), "score": v % 101 })),
            1 => experience.push(serde_json::json!({ "skill": skill(s), "months": v })),
            _ => education.push(
                serde_json::json!({ "level": levels[s % 5], "completed": v.is_multiple_of(2) }),
            ),
        }
    }
    serde_json::json!({
        "id": "gen",
        "attributes": { "enrolled": extras.len().is_multiple_of(2), "credits": extras.len() * 9 },
        "credentials": credentials,
        "artifacts": artifacts,
        "labs": labs,
        "work_samples": work_samples,
        "experience": experience,
        "education": education,
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Generated records against every shipped policy, at generated dates.
    #[test]
    fn fast_path_agrees_on_generated_records(
        which in 0usize..3,
        creds in proptest::collection::vec((0usize..500, 0i64..3000, proptest::option::of(0i64..2000), any::<bool>(), 0u8..8), 0..9),
        items in proptest::collection::vec((any::<bool>(), 0usize..40, proptest::option::of(0i64..3000), any::<bool>(), 0u8..8), 0..12),
        extras in proptest::collection::vec((0usize..40, 0u8..200), 0..6),
        as_of in 0i64..4000,
    ) {
        let name = ["acme-cyber", "data-analytics", "everup-admission"][which];
        let policy = load(&format!("policies/{name}.credo"));
        let json = record_json(&policy, &creds, &items, &extras);
        let entries = read_records(&json, "g.json", Format::Json, &policy);
        let Ok(cand) = &entries[0].result else { return Ok(()) };
        let as_of = jiff::civil::date(2019, 1, 1).checked_add(jiff::Span::new().days(as_of)).unwrap();
        prop_assert!(roles_for(&policy, cand, None).is_ok());
        if let Err(m) = agree(&policy, cand, as_of) {
            prop_assert!(false, "{}\n{}", m, json);
        }
    }
}

/// SPEC §5 step 7, checked from outside: for each unmet skill, the next steps are the first
/// three (stacks into a held credential, then cost, hours, id) of the catalogue credentials
/// listing the skill that would meet it if held fresh and verified — found here by adding
/// each one to the record and deciding again.
fn next_steps_by_brute_force(
    policy: &Policy,
    cand: &Candidate,
    role: usize,
    as_of: jiff::civil::Date,
) {
    let d = evaluate(policy, cand, role, as_of);
    if d.outcome == credo::policy::Outcome::Ineligible {
        return;
    }
    let held: Vec<usize> = cand
        .credentials
        .iter()
        .filter(|h| h.issued.is_some_and(|i| i <= as_of))
        .filter_map(|h| {
            // SPEC §4 step 1: id, else achievement, else issuer + title or alias.
            let by_id = h.id.as_ref().and_then(|id| policy.credential_index.get(id));
            let by_achievement = h
                .achievement
                .as_ref()
                .and_then(|a| policy.by_achievement.get(a));
            let by_title = match (&h.issuer, &h.title) {
                (Some(i), Some(t)) => policy.by_issuer_title.get(&(i.clone(), t.to_lowercase())),
                _ => None,
            };
            by_id.or(by_achievement).or(by_title).copied()
        })
        .collect();
    let mut expected = Vec::new();
    let reqs = &policy.roles[role].requirements;
    for kind in [
        credo::ast::ReqKind::Required,
        credo::ast::ReqKind::Preferred,
    ] {
        for (i, (req, s)) in reqs.iter().zip(&d.skills).enumerate() {
            if s.met || req.kind != kind {
                continue;
            }
            let mut found: Vec<usize> = (0..policy.credentials.len())
                .filter(|&c| policy.credentials[c].skills.contains(&req.skill))
                .filter(|&c| {
                    let mut more = cand.clone();
                    more.credentials.push(credo::record::HeldCredential {
                        id: Some(policy.credentials[c].id.clone()),
                        issued: Some(as_of),
                        verified: true,
                        ..Default::default()
                    });
                    evaluate(policy, &more, role, as_of).skills[i].met
                })
                .collect();
            let stacks = |c: usize| {
                held.iter()
                    .any(|&h| policy.credentials[h].stacks_into.contains(&c))
            };
            let key = |c: usize| {
                let cred = &policy.credentials[c];
                (
                    !stacks(c),
                    cred.cost.is_none(),
                    cred.cost.unwrap_or(0.0),
                    cred.hours.is_none(),
                    cred.hours.unwrap_or(0.0),
                    cred.id.clone(),
                )
            };
            found.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).unwrap());
            found.truncate(3);
            if !found.is_empty() {
                let ids: Vec<String> = found
                    .iter()
                    .map(|&c| policy.credentials[c].id.clone())
                    .collect();
                expected.push((s.skill.to_string(), ids));
            }
        }
    }
    let actual: Vec<(String, Vec<String>)> = d
        .next_steps
        .iter()
        .map(|n| {
            let ids = n.credentials.iter().map(|c| c.to_string()).collect();
            (n.skill.to_string(), ids)
        })
        .collect();
    assert_eq!(actual, expected, "candidate {} role {}", cand.id, d.role);
}

#[test]
fn next_steps_agree_with_brute_force_on_shipped_records() {
    for name in ["acme-cyber", "data-analytics", "everup-admission"] {
        let policy = load(&format!("policies/{name}.credo"));
        let text = std::fs::read_to_string(format!("policies/{name}.records.yaml")).unwrap();
        for e in read_records(&text, "r.yaml", Format::Yaml, &policy) {
            let cand = e.result.unwrap();
            for role in 0..policy.roles.len() {
                for &(y, m, d) in DATES {
                    next_steps_by_brute_force(&policy, &cand, role, jiff::civil::date(y, m, d));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Next steps on generated records.
    #[test]
    fn next_steps_agree_with_brute_force_on_generated_records(
        which in 0usize..3,
        creds in proptest::collection::vec((0usize..500, 0i64..3000, proptest::option::of(0i64..2000), any::<bool>(), 0u8..8), 0..6),
        items in proptest::collection::vec((any::<bool>(), 0usize..40, proptest::option::of(0i64..3000), any::<bool>(), 0u8..8), 0..8),
        as_of in 0i64..4000,
    ) {
        let name = ["acme-cyber", "data-analytics", "everup-admission"][which];
        let policy = load(&format!("policies/{name}.credo"));
        let json = record_json(&policy, &creds, &items, &[]);
        let entries = read_records(&json, "g.json", Format::Json, &policy);
        let Ok(cand) = &entries[0].result else { return Ok(()) };
        let as_of = jiff::civil::date(2019, 1, 1).checked_add(jiff::Span::new().days(as_of)).unwrap();
        for role in 0..policy.roles.len() {
            next_steps_by_brute_force(&policy, cand, role, as_of);
        }
    }
}
