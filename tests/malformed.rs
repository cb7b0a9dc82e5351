//! The malformed-input corpus (`tests/fixtures/malformed/`, described in its README): every
//! hostile policy and record gets a clean diagnostic or record error — never a panic, a hang or
//! a lost record — and each result is pinned by a snapshot. The largest inputs are generated
//! here instead of being stored.

use credo::record::{read_records_bytes, Format};
use credo::visible::visible;
use std::path::Path;

/// Long lines (a 100 KB name echoed in a snippet) are cut so that snapshots stay readable.
fn clip(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.chars().count() > 160 {
                format!(
                    "{}… ({} chars)",
                    l.chars().take(160).collect::<String>(),
                    l.chars().count()
                )
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_report(path: &Path) -> String {
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path);
    match credo::load_policy(rel) {
        Err(e) => format!("load error: {e}"),
        Ok(loaded) if loaded.diags.is_empty() => "ok".into(),
        Ok(loaded) => loaded
            .diags
            .iter()
            .take(20)
            .map(|d| credo::diag::render(d, &loaded.sources, false))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn malformed_policies_get_diagnostics() {
    insta::glob!("fixtures/malformed/policies/*.credo", |path| {
        insta::assert_snapshot!(clip(&check_report(path)));
    });
}

fn acme() -> credo::policy::Policy {
    credo::load_policy(Path::new("policies/acme-cyber.credo"))
        .unwrap()
        .policy
        .unwrap()
}

fn records_report(path: &Path, policy: &credo::policy::Policy) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(path).unwrap();
    let entries = read_records_bytes(&bytes, &name, Format::from_path(&name), policy);
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut out = Vec::new();
    for e in entries {
        match e.result {
            Ok(c) => {
                let d = credo::eval::evaluate(policy, &c, 0, as_of);
                out.push(format!(
                    "line {}: {} → {}",
                    e.line,
                    visible(&c.id),
                    d.outcome.as_str()
                ));
            }
            Err(err) => out.push(format!(
                "line {}: record {} error: {}",
                e.line,
                visible(err.record.as_deref().unwrap_or("(no id)")),
                visible(&err.error)
            )),
        }
    }
    if out.is_empty() {
        "no records".into()
    } else {
        out.join("\n")
    }
}

#[test]
fn malformed_records_become_record_errors_in_place() {
    let policy = acme();
    insta::glob!("fixtures/malformed/records/*", |path| {
        insta::assert_snapshot!(clip(&records_report(path, &policy)));
    });
}

fn base_policy(accept: &str) -> String {
    format!(
        "policy \"P\" {{ version \"1\" effective 2026-01-01 owner \"o\" }}\nskill s \"S\"\nrole r {{\n  title \"R\"\n  require s {{ accept {accept} }}\n}}\n"
    )
}

#[test]
fn a_100000_term_or_chain_checks_and_evaluates() {
    let accept = (0..100_000)
        .map(|i| format!("work_sample >= {}", i % 100))
        .collect::<Vec<_>>()
        .join(" or ");
    let loaded = credo::compile_str("or.credo", &base_policy(&accept));
    let policy = loaded.policy.expect("valid");
    let entries = read_records_bytes(
        br#"{"id":"a","work_samples":[{"skill":"s","score":50}]}"#,
        "a.jsonl",
        Format::Jsonl,
        &policy,
    );
    let d = credo::eval::evaluate(
        &policy,
        entries[0].result.as_ref().unwrap(),
        0,
        jiff::civil::date(2026, 11, 25),
    );
    assert!(d.skills[0].met);
}

#[test]
fn twenty_thousand_unknown_skills_are_all_reported() {
    let mut text = base_policy("any credential");
    for i in 0..20_000 {
        text.push_str(&format!("role x{i} {{ title \"X\" require netwrk_{i} }}\n"));
    }
    let loaded = credo::compile_str("many.credo", &text);
    let unknown = loaded
        .diags
        .iter()
        .filter(|d| d.code == "credo::name::unknown-skill")
        .count();
    assert_eq!(unknown, 20_000);
    // Rendering stays proportional to the diagnostic, not the file.
    let start = std::time::Instant::now();
    for d in loaded.diags.iter().rev().take(200) {
        let _ = credo::diag::render(d, &loaded.sources, false);
    }
    assert!(
        start.elapsed().as_secs() < 20,
        "rendering diagnostics near the end of a large file is slow"
    );
}

#[test]
fn a_100kb_identifier_formats_without_panicking() {
    let id = "s".repeat(100_000);
    let text = base_policy("any credential")
        .replace("skill s ", &format!("skill {id} "))
        .replace("require s ", &format!("require {id} "));
    let formatted = credo::fmt::format_text("long.credo", &text).expect("parses");
    assert!(credo::compile_str("long.credo", &formatted)
        .policy
        .is_some());
}

#[test]
fn a_100_mb_jsonl_line_is_a_record_error_and_the_batch_goes_on() {
    let policy = acme();
    let mut bytes = b"{\"id\":\"first\"}\n{\"id\":\"huge\",\"title\":\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 100 * 1024 * 1024));
    bytes.extend_from_slice(b"\"}\n{\"id\":\"last\"}\n");
    let entries = read_records_bytes(&bytes, "big.jsonl", Format::Jsonl, &policy);
    assert_eq!(entries.len(), 3);
    assert!(entries[0].result.is_ok());
    let err = entries[1].result.as_ref().unwrap_err();
    assert!(err.error.contains("longer than the limit"), "{}", err.error);
    assert_eq!(err.line, 2);
    assert!(entries[2].result.is_ok());
}

#[test]
fn a_yaml_document_of_20000_records_is_read_whole() {
    let policy = acme();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "- id: r{i}\n  credentials:\n    - {{ id: security_plus, issued: 2025-01-01 }}\n  labs:\n    - {{ title: l, skills: [network_security], completed: 2025-01-01, hours: 2 }}\n"
        ));
    }
    let entries = read_records_bytes(text.as_bytes(), "big.yaml", Format::Yaml, &policy);
    assert_eq!(entries.len(), 20_000);
    assert!(entries.iter().all(|e| e.result.is_ok()));
}

/// The broken-proof corpus (`fixtures/malformed/proofs/`, each the W3C eddsa-rdfc-2022 vector
/// changed one way), checked against a provider that pins the vector's key for its issuer: only
/// the unchanged vector verifies, and each other fails with the reason its name says.
#[test]
fn broken_proofs_fail_with_their_reason() {
    use credo::proof::{verify, ProofStatus, Signed};
    let key = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    let issuer = "https://vc.example/issuers/5678";
    let policy = credo::compile_str(
        "w3c.credo",
        &format!(
            r#"policy "P" {{ version "1" effective 2026-01-01 owner "o" }}
            skill s "S"
            provider w3c {{ name "W3C" tier trusted issuers ["{issuer}"]
              keys ["{issuer}#{key} {key}"] }}
            credential c {{ title "C" provider w3c skills [s] }}
            role r {{ title "R" require s }}"#
        ),
    )
    .policy
    .expect("the pinning policy checks");
    insta::glob!("fixtures/malformed/proofs/*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let signed = Signed::Embedded(std::sync::Arc::new(doc.as_object().unwrap().clone()));
        // Twice: the second answer comes through the shape template the first one made.
        let first = verify(&signed, Some(issuer), &policy.providers);
        let again = verify(&signed, Some(issuer), &policy.providers);
        assert_eq!(first, again, "a second check differs");
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            first == ProofStatus::Verified,
            name.ends_with("-valid.json"),
            "{name}: {first:?}"
        );
        insta::assert_snapshot!(match first {
            ProofStatus::Failed(reason) => format!("failed: {}", visible(&reason)),
            other => format!("{other:?}"),
        });
    });
}
