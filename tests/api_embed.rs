//! The library API of SPEC §18, used as an embedder uses it: only crate-root names.

use credo::{
    Candidate, Date, Decision, HeldCredential, Outcome, Policy, PolicyError, RecordError, Severity,
};
use miette::Diagnostic;
use std::path::Path;
use std::sync::Arc;

fn acme() -> Policy {
    Policy::from_file(Path::new("policies/acme-cyber.credo")).expect("the sample policy checks")
}

fn day(s: &str) -> Date {
    s.parse().expect("a date")
}

fn c1001() -> serde_json::Value {
    serde_json::json!({
        "id": "c-1001",
        "applied": ["soc_analyst"],
        "credentials": [{"id": "security_plus", "issued": "2025-03-14", "verified": true}],
        "work_samples": [{"skill": "scripting", "score": 78}]
    })
}

#[test]
fn a_policy_from_a_file_decides_a_candidate_from_json() {
    let policy = acme();
    assert_eq!(policy.name(), "Acme skills-first hiring");
    assert_eq!(policy.version(), "2026.4");
    assert!(policy.hash().starts_with("sha256:"), "{}", policy.hash());
    let role = policy.role("soc_analyst").expect("declared");
    let cand = Candidate::from_json(&c1001(), &policy).expect("a valid record");
    assert_eq!(cand.id(), "c-1001");
    assert_eq!(cand.applied(), ["soc_analyst"]);
    let d: Decision<'_> = policy.decide(&cand, role, day("2026-11-25"));
    let s = policy.decide_summary(&cand, role, day("2026-11-25"));
    assert_eq!(d.outcome, s.outcome);
    assert_eq!(d.proposed, s.proposed);
    let met: Vec<bool> = d.skills.iter().map(|k| k.met).collect();
    assert_eq!(met, s.met);
    // The serialised decision names the candidate, the role and the policy.
    let json: serde_json::Value = serde_json::to_value(&d).expect("serialises");
    assert_eq!(json["candidate"], "c-1001");
    assert_eq!(json["role"], "soc_analyst");
    assert_eq!(json["policy"]["hash"], policy.hash());
}

#[test]
fn from_str_and_from_file_give_the_same_policy() {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").expect("readable");
    let a = acme();
    let b = Policy::from_str("acme-cyber.credo", &text).expect("checks");
    assert_eq!(a.hash(), b.hash());
    // A role id of one is a role id of the other: same text, same hash.
    let role = a.role("network_technician").expect("declared");
    let cand = Candidate::from_json(&c1001(), &a).expect("valid");
    let as_of = day("2026-11-25");
    // The same decision; only the file names in `at` differ (`from_str`'s name is the file).
    let json = |d: Decision<'_>| serde_json::to_string(&d).expect("serialises");
    let (da, db) = (
        json(a.decide(&cand, role, as_of)),
        json(b.decide(&cand, role, as_of)),
    );
    assert!(da.contains("\"policies/acme-cyber.credo:"), "{da}");
    assert_eq!(
        da.replace("\"policies/acme-cyber.credo:", "\"acme-cyber.credo:"),
        db
    );
}

#[test]
fn roles_list_ids_titles_and_skills_in_order() {
    let policy = acme();
    let roles: Vec<_> = policy.roles().collect();
    let ids: Vec<&str> = roles.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [
            "soc_analyst",
            "everup_cohort",
            "cloud_security_associate",
            "network_technician"
        ]
    );
    let soc = &roles[0];
    assert_eq!(soc.title, "SOC Analyst I");
    assert_eq!(Some(soc.role), policy.role("soc_analyst"));
    let skills: Vec<(&str, bool)> = soc.skills.iter().map(|s| (s.id, s.required)).collect();
    assert_eq!(
        skills,
        [
            ("network_security", true),
            ("threat_detection", true),
            ("incident_response", true),
            ("scripting", false)
        ]
    );
}

#[test]
fn an_unknown_role_is_none() {
    let policy = acme();
    for name in ["", "SOC_ANALYST", "soc_analyst ", "nope", "\u{0}", "r99"] {
        assert_eq!(policy.role(name), None, "{name:?}");
    }
}

#[test]
fn a_role_id_of_another_policy_fails_closed_to_review() {
    let acme = acme();
    let other = Policy::from_file(Path::new("policies/data-analytics.credo")).expect("checks");
    let foreign = acme.roles().last().expect("roles").role;
    let cand = Candidate::builder("c-1").build(&other).expect("valid");
    let d = other.decide(&cand, foreign, day("2026-11-25"));
    assert_eq!(d.outcome, Outcome::Review);
    assert!(d.skills.is_empty());
    assert!(d.notes[0].contains("another policy"), "{:?}", d.notes);
    let s = other.decide_summary(&cand, foreign, day("2026-11-25"));
    assert_eq!((s.outcome, s.met.len()), (Outcome::Review, 0));
}

#[test]
fn a_decision_outlives_its_candidate() {
    let policy = acme();
    let role = policy.role("soc_analyst").expect("declared");
    let decide = |value: serde_json::Value| -> Decision<'_> {
        let cand = Candidate::from_json(&value, &policy).expect("valid");
        policy.decide(&cand, role, day("2026-11-25"))
        // `cand` is dropped here; the decision is returned.
    };
    let mut v = c1001();
    v["artifacts"] = serde_json::json!([{"title": "SIEM rules", "skills": ["scripting"]}]);
    v["credentials"][0]["id"] = "not-in-catalogue".into();
    let d = decide(v);
    assert_eq!(d.candidate, "c-1001");
    let json = serde_json::to_string(&d).expect("serialises");
    assert!(json.contains("SIEM rules"), "{json}");
    assert!(json.contains("not-in-catalogue"), "{json}");
}

#[test]
fn an_owned_decision_and_the_policy_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Policy>();
    send_sync::<Candidate>();
    send_sync::<Decision<'static>>();
    send_sync::<PolicyError>();
    send_sync::<RecordError>();
}

#[test]
fn one_policy_in_an_arc_decides_on_several_threads() {
    let policy = Arc::new(acme());
    let role = policy.role("soc_analyst").expect("declared");
    let cand = Arc::new(Candidate::from_json(&c1001(), &policy).expect("valid"));
    let expected = policy.decide(&cand, role, day("2026-11-25")).into_owned();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (policy, cand) = (Arc::clone(&policy), Arc::clone(&cand));
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| policy.decide(&cand, role, day("2026-11-25")).into_owned())
                    .collect::<Vec<Decision<'static>>>()
            })
        })
        .collect();
    for h in handles {
        let got = h.join().expect("no panic");
        assert_eq!(got.len(), 50);
        assert!(got.iter().all(|d| *d == expected));
    }
}

#[test]
fn invalid_hand_built_candidates_are_errors() {
    let policy = acme();
    let cases: Vec<(credo::CandidateBuilder, &str)> = vec![
        (Candidate::builder(""), "`id` is empty"),
        (Candidate::builder("   "), "`id` is empty"),
        (
            Candidate::builder("c-1").work_sample("scripting", 250.0),
            "`score` 250 in work sample 1 is outside 0..100",
        ),
        (
            Candidate::builder("c-1").work_sample("scripting", f64::NAN),
            "work sample 1 has no `score`",
        ),
        (
            Candidate::builder("c-1").experience("scripting", -1.0),
            "is outside 0..1200",
        ),
        (
            Candidate::builder("c-1").credential(
                HeldCredential::id("security_plus")
                    .issued(day("2025-03-14"))
                    .expires(day("2024-03-14")),
            ),
            "credential 1: it expires (2024-03-14) before it was issued (2025-03-14)",
        ),
        (
            Candidate::builder("c-1").attribute("credits", "many"),
            "attribute `credits` is declared `number` but the record gives a string",
        ),
        (
            Candidate::builder("c-1").lab("L", &["scripting"], None, Some(-2.0)),
            "`hours` in lab 1 is negative",
        ),
    ];
    for (builder, message) in cases {
        let json = builder.to_json();
        let err = builder.build(&policy).expect_err("invalid");
        assert!(err.error.contains(message), "{json}: {}", err.error);
        // The same record as JSON is refused the same way.
        let again = Candidate::from_json(&json, &policy).expect_err("invalid");
        assert_eq!(err, again);
        // An error and a diagnostic, shown with the record's id when it has one.
        let shown = err.to_string();
        assert!(shown.contains(message), "{shown}");
        assert_eq!(
            err.code().map(|c| c.to_string()).as_deref(),
            Some("credo::record")
        );
    }
}

#[test]
fn a_valid_hand_built_candidate_decides_like_its_json() {
    let policy = acme();
    let built = Candidate::builder("c-1001")
        .applied("soc_analyst")
        .credential(
            HeldCredential::id("security_plus")
                .issued(day("2025-03-14"))
                .verified(true),
        )
        .work_sample("scripting", 78.0)
        .build(&policy)
        .expect("valid");
    let read = Candidate::from_json(&c1001(), &policy).expect("valid");
    assert_eq!(built, read);
}

#[test]
fn json_that_is_not_a_record_is_an_error_not_a_panic() {
    let policy = acme();
    for v in [
        serde_json::json!(null),
        serde_json::json!([]),
        serde_json::json!("c-1"),
        serde_json::json!({"id": 1.5e300, "credentials": {"id": "x"}}),
        serde_json::json!({"id": "c", "unknown": 1}),
    ] {
        assert!(Candidate::from_json(&v, &policy).is_err(), "{v}");
    }
}

#[test]
fn a_policy_with_errors_is_an_error_with_its_diagnostics_as_data() {
    let text = r#"policy "P" { version "1" effective 2026-01-01 owner "HR" }
skill networking "Networking"
role tech {
  title "Tech"
  require networkin { accept at least 1 lab }
}
"#;
    let err = Policy::from_str("tenant-42/p.credo", text).expect_err("unknown skill");
    let first = err.errors().next().expect("an error");
    assert_eq!(first.severity, Severity::Error);
    assert_eq!(first.code, "credo::name::unknown-skill");
    assert_eq!(first.file, "tenant-42/p.credo");
    assert_eq!((first.line, first.column), (Some(5), Some(11)));
    assert!(first.message.contains("`networkin`"), "{}", first.message);
    assert_eq!(first.help.as_deref(), Some("did you mean `networking`?"));
    // The error is a miette diagnostic with the code, help and the span in the text.
    assert_eq!(
        err.code().map(|c| c.to_string()).as_deref(),
        Some("credo::name::unknown-skill")
    );
    assert!(err.source_code().is_some());
    let label = err.labels().and_then(|mut l| l.next()).expect("a label");
    assert_eq!(
        &text[label.offset()..label.offset() + label.len()],
        "networkin"
    );
    let shown = err.to_string();
    assert!(shown.starts_with("the policy has 1 error"), "{shown}");
    assert!(shown.contains("tenant-42/p.credo:5:11"), "{shown}");
}

#[test]
fn an_unreadable_policy_is_an_error_without_a_position() {
    let err = Policy::from_file(Path::new("policies/no-such.credo")).expect_err("missing");
    let [d] = err.diagnostics() else {
        panic!("one diagnostic: {:?}", err.diagnostics())
    };
    assert_eq!(d.code, "credo::io");
    assert_eq!((d.line, d.column), (None, None));
    assert!(d.file.ends_with("no-such.credo"), "{}", d.file);
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn from_str_enforces_the_size_limit_of_a_policy_file() {
    let limit = credo::load::MAX_POLICY_FILE as usize;
    // Comments only: well-formed text, refused for its size alone.
    let line = format!("#{}\n", "x".repeat(1022));
    let text = line.repeat(limit / line.len() + 1);
    assert!(text.len() > limit);
    let err = Policy::from_str("big.credo", &text).expect_err("too large");
    assert_eq!(err.diagnostics()[0].code, "credo::limit::policy_size");
    // The same text as a file is refused the same way.
    let dir = std::env::temp_dir().join(format!("credo-api-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("big.credo"), &text).expect("written");
    let from_file = Policy::from_file(&dir.join("big.credo"));
    std::fs::remove_dir_all(&dir).ok();
    let from_file = from_file.expect_err("too large");
    assert_eq!(from_file.diagnostics()[0].code, "credo::limit::policy_size");
}

#[test]
fn from_str_enforces_the_nesting_limit_of_a_policy_file() {
    let deep = format!(
        "policy \"P\" {{ version \"1\" effective 2026-01-01 owner \"HR\" }}\nskill s \"S\"\nrole r {{ title \"R\" require s {{ accept {}work_sample >= 1{} }} }}\n",
        "(".repeat(200),
        ")".repeat(200)
    );
    let err = Policy::from_str("deep.credo", &deep).expect_err("too deep");
    assert!(
        err.errors().any(|d| d.code.starts_with("credo::limit")),
        "{:?}",
        err.diagnostics()
    );
}

#[test]
fn json_text_reads_every_shipped_record_as_its_value_does() {
    let policy = acme();
    let text = std::fs::read_to_string("policies/acme-cyber.records.jsonl").expect("shipped");
    let mut read = 0;
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let from_text = Candidate::from_json_str(line, &policy).map_err(|e| e.error);
        let from_value = Candidate::from_json(&value, &policy).map_err(|e| e.error);
        assert_eq!(from_text, from_value, "{line}");
        read += usize::from(from_text.is_ok());
    }
    assert!(read >= 5, "only {read} shipped records read");
}

#[test]
fn json_text_with_a_key_given_twice_is_an_error() {
    let policy = acme();
    let text = r#"{"id": "c-1", "id": "c-2", "applied": ["soc_analyst"]}"#;
    let e = Candidate::from_json_str(text, &policy).expect_err("a repeated key");
    assert!(e.error.contains("`id`"), "{}", e.error);
    let e = Candidate::from_json_str("{\"id\": ", &policy).expect_err("not JSON");
    assert!(e.error.contains("JSON"), "{}", e.error);
}
