//! Proof parsing and canonicalization (SPEC §15): any bytes as an embedded-proof credential, a
//! compact JWT or a JWKS never panic, JCS output is itself canonical JSON, nothing unsigned
//! verifies, the run's proof cache answers as verifying does, and eddsa-rdfc-2022's shape
//! templates and first-degree labelling give what json-ld and rdf-canon alone give.
#![no_main]

use credo::proof::{jcs, jwt, keys, verify, ProofStatus, Signed};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn policy() -> &'static credo::policy::Policy {
    static P: OnceLock<credo::policy::Policy> = OnceLock::new();
    P.get_or_init(|| {
        credo::compile_str(
            "p.credo",
            r#"policy "P" { version "1" effective 2026-01-01 owner "o" }
            skill s "S"
            provider p { name "P" tier trusted issuers ["https://i.example"]
              keys ["did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"] }
            credential c { title "C" provider p skills [s] }
            role r { title "R" require s }"#,
        )
        .policy
        .expect("the fuzz policy checks")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        if let Some(c) = jcs::canonical(&v) {
            let again: serde_json::Value = serde_json::from_str(&c).expect("JCS output is JSON");
            assert_eq!(
                jcs::canonical(&again).as_deref(),
                Some(c.as_str()),
                "JCS is stable"
            );
        }
        if let Some(o) = v.as_object() {
            // Twice: the first call may make the shape's template, the second uses it.
            let alone = credo::proof::rdfc::canonicalize_by_expansion(o);
            for _ in 0..2 {
                assert_eq!(credo::proof::rdfc::canonicalize(o), alone, "a shortcut differs");
            }
            let signed = Signed::Embedded(Arc::new(o.clone()));
            let status = verify(&signed, Some("https://i.example"), &policy().providers);
            // A random document is never signed by the pinned key.
            assert_ne!(status, ProofStatus::Verified);
            // The run's cache answers what verifying answers, the first time and again.
            for _ in 0..2 {
                let cached = (policy().proofs).verify(
                    &signed,
                    Some("https://i.example"),
                    &policy().providers,
                );
                assert_eq!(cached, status, "the cache changes the answer");
            }
        }
    }
    let _ = jwt::credential(&text);
    let status = verify(
        &Signed::Jwt(text.as_ref().into()),
        Some("https://i.example"),
        &policy().providers,
    );
    assert_ne!(status, ProofStatus::Verified);
    let _ = keys::parse_jwks(&text);
    let _ = keys::PinnedKey::parse(&text);
});
