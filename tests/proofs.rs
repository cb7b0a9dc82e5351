//! Credential proofs (SPEC §15): the W3C vc-di-eddsa test vectors, and Open Badges 3.0
//! credentials signed here with both cryptosuites and as VC-JWTs (EdDSA, RS256).

use base64::Engine as _;
use credo::proof::{jcs, rdfc, ProofStatus, Signed};
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Map, Value};
use std::sync::Arc;

const W3C_KEY: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
const W3C_ISSUER: &str = "https://vc.example/issuers/5678";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/proofs/{name}")).expect("fixture")
}

/// A policy (written to a temporary folder, so `jwks` files sit beside it).
struct Setup {
    _dir: tempfile::TempDir,
    policy: credo::policy::Policy,
}

fn setup(
    comptia_keys: &[String],
    other_keys: &[String],
    jwks: Option<Value>,
    guard: &str,
) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let list = |keys: &[String]| {
        keys.iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let jwks_line = match jwks {
        Some(j) => {
            std::fs::write(dir.path().join("comptia.jwks.json"), j.to_string()).unwrap();
            r#"jwks "comptia.jwks.json""#
        }
        None => "",
    };
    let text = format!(
        r#"
        policy "P" {{ version "1" effective 2020-01-01 owner "o" }}
        skill net "Network security"
        provider comptia {{
          name "CompTIA" tier trusted
          issuers ["https://www.comptia.org", "did:web:comptia.org", "{W3C_ISSUER}"]
          keys [{}]
          {jwks_line}
        }}
        provider other {{ name "Other" tier trusted issuers ["https://other.example"] keys [{}] }}
        credential security_plus {{
          title "CompTIA Security+" provider comptia skills [net]
          achievements ["urn:uuid:ach-secplus"]
        }}
        credential other_cert {{ title "Other" provider other skills [net] }}
        role r {{ title "R" require net }}
        {guard}
        "#,
        list(comptia_keys),
        list(other_keys)
    );
    let path = dir.path().join("p.credo");
    std::fs::write(&path, text).unwrap();
    let loaded = credo::load_policy(&path).unwrap();
    let errors: Vec<_> = loaded.diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    Setup {
        _dir: dir,
        policy: loaded.policy.unwrap(),
    }
}

fn multikey(k: &SigningKey) -> String {
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(k.verifying_key().as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

fn did_key(k: &SigningKey) -> String {
    format!("did:key:{}", multikey(k))
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn verify(s: &Setup, doc: &Value) -> ProofStatus {
    let map = doc.as_object().unwrap().clone();
    let issuer = match &map["issuer"] {
        Value::String(s) => s.clone(),
        other => other["id"].as_str().unwrap().to_owned(),
    };
    credo::proof::verify(
        &Signed::Embedded(Arc::new(map)),
        Some(&issuer),
        &s.policy.providers,
    )
}

fn failed(status: &ProofStatus, needle: &str) {
    match status {
        ProofStatus::Failed(r) => assert!(r.contains(needle), "{r:?} lacks {needle:?}"),
        other => panic!("expected a failure ({needle}), got {other:?}"),
    }
}

// --- W3C vectors ---------------------------------------------------------------------------

fn w3c_setup() -> Setup {
    setup(
        &[format!("{W3C_ISSUER}#{W3C_KEY} {W3C_KEY}")],
        &[],
        None,
        "",
    )
}

fn vector_verifies_and_every_byte_matters(name: &str) {
    let s = w3c_setup();
    let text = fixture(name);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(verify(&s, &doc), ProofStatus::Verified);
    // Change each byte in turn: every change that still reads as a different JSON document
    // (document, proof options or signature) must fail.
    let bytes = text.as_bytes();
    let mut changed = 0;
    for i in 0..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] = if b[i] == b'x' { b'y' } else { b'x' };
        let Ok(v) = serde_json::from_slice::<Value>(&b) else {
            continue;
        };
        if v == doc || v.get("issuer").and_then(Value::as_str).is_none() {
            continue;
        }
        changed += 1;
        let status = verify(&s, &v);
        assert!(status.is_failed(), "byte {i} changed and still {status:?}");
    }
    assert!(changed > 500, "only {changed} changes tried");
}

#[test]
fn w3c_eddsa_jcs_2022_vector() {
    vector_verifies_and_every_byte_matters("w3c-eddsa-jcs-2022-signed.json");
}

#[test]
fn w3c_eddsa_rdfc_2022_vector() {
    vector_verifies_and_every_byte_matters("w3c-eddsa-rdfc-2022-signed.json");
}

/// The vector's published intermediate values (vc-di-eddsa `TestVectors/eddsa-rdfc-2022`:
/// `proofCanonDataInt.txt`, `combinedHashDataInt.txt`): the canonical proof configuration byte
/// for byte, and the SHA-256 of both canonical forms (the document's hash pins its N-Quads).
#[cfg(feature = "rdfc")]
#[test]
fn w3c_eddsa_rdfc_2022_intermediate_values() {
    let doc: Value = serde_json::from_str(&fixture("w3c-eddsa-rdfc-2022-signed.json")).unwrap();
    let mut document = doc.as_object().unwrap().clone();
    let mut options = document
        .remove("proof")
        .unwrap()
        .as_object()
        .unwrap()
        .clone();
    options.remove("proofValue");
    options.insert("@context".into(), document["@context"].clone());
    let proof_c = rdfc::canonicalize(&options).unwrap();
    let doc_c = rdfc::canonicalize(&document).unwrap();
    assert_eq!(proof_c, fixture("w3c-eddsa-rdfc-2022-proof-canon.txt"));
    let published = fixture("w3c-eddsa-rdfc-2022-combined-hash.txt");
    let combined = format!(
        "{}{}",
        hex(&sha(proof_c.as_bytes())),
        hex(&sha(doc_c.as_bytes()))
    );
    assert_eq!(combined, published.trim());
    // The canonical document is the W3C's: 8 quads, no blank node.
    assert_eq!(doc_c.lines().count(), 8, "{doc_c}");
    assert!(!doc_c.contains("_:"), "{doc_c}");
    assert!(doc_c.starts_with(
        "<did:example:abcdefgh> <https://www.w3.org/ns/credentials/examples#alumniOf> \"The School of Examples\" .\n"
    ));
}

#[cfg(feature = "rdfc")]
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn the_w3c_vector_fails_when_its_key_is_pinned_only_as_another_method() {
    let s = setup(
        &[format!("https://vc.example/other#k {W3C_KEY}")],
        &[],
        None,
        "",
    );
    let doc: Value = serde_json::from_str(&fixture("w3c-eddsa-jcs-2022-signed.json")).unwrap();
    failed(&verify(&s, &doc), "is not pinned for provider comptia");
}

// --- Open Badges 3.0 signed here -----------------------------------------------------------

const OB3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

fn ob3() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", OB3],
        "id": "urn:uuid:8e2e1c2a-1b7d-4f0e-9a55-2f6f5c1d0a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": "https://www.comptia.org", "type": ["Profile"], "name": "CompTIA" },
        "validFrom": "2024-05-01T00:00:00Z",
        "name": "CompTIA Security+",
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:ach-secplus",
                "type": ["Achievement"],
                "name": "CompTIA Security+",
                "description": "Core security skills.",
                "criteria": { "narrative": "Pass the proctored exam." }
            }
        }
    })
}

/// Signs `doc` with a Data Integrity proof of `suite`, as vc-di-eddsa's "Add Proof" does.
fn sign_di(doc: &Value, suite: &str, k: &SigningKey, method: &str, purpose: &str) -> Value {
    let mut options = Map::new();
    options.insert("type".into(), json!("DataIntegrityProof"));
    options.insert("cryptosuite".into(), json!(suite));
    options.insert("created".into(), json!("2024-05-01T00:00:00Z"));
    options.insert("verificationMethod".into(), json!(method));
    options.insert("proofPurpose".into(), json!(purpose));
    options.insert("@context".into(), doc["@context"].clone());
    let d = doc.as_object().unwrap();
    let (oc, dc) = match suite {
        // A context credo does not hold cannot be expanded here either: the signature is then
        // over nothing, and the verifier must refuse the context before it looks at it.
        "eddsa-rdfc-2022" => (
            rdfc::canonicalize(&options).unwrap_or_default(),
            rdfc::canonicalize(d).unwrap_or_default(),
        ),
        _ => (
            jcs::canonical(&Value::Object(options.clone())).unwrap(),
            jcs::canonical(doc).unwrap(),
        ),
    };
    let mut hash = Vec::new();
    hash.extend_from_slice(&sha(oc.as_bytes()));
    hash.extend_from_slice(&sha(dc.as_bytes()));
    let sig = k.sign(&hash);
    options.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(sig.to_bytes()).into_string())),
    );
    let mut out = d.clone();
    out.insert("proof".into(), Value::Object(options));
    Value::Object(out)
}

fn sha(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

/// A change made to a signed document.
type Change = fn(&mut Value);

fn alter(doc: &Value, f: impl FnOnce(&mut Value)) -> Value {
    let mut d = doc.clone();
    f(&mut d);
    d
}

fn ob3_suite(suite: &str) {
    let k = key(7);
    let method = format!("{}#{}", did_key(&k), multikey(&k));
    let pinned = setup(&[did_key(&k)], &[did_key(&key(8))], None, "");
    let signed = sign_di(&ob3(), suite, &k, &method, "assertionMethod");
    assert_eq!(verify(&pinned, &signed), ProofStatus::Verified);

    // The key pinned for another provider only.
    let elsewhere = setup(&[did_key(&key(8))], &[did_key(&k)], None, "");
    failed(
        &verify(&elsewhere, &signed),
        "is not pinned for provider comptia",
    );

    // Altered after signing.
    let cases: [(&str, Change); 4] = [
        ("issuer", |d| {
            d["issuer"]["id"] = json!("did:web:comptia.org")
        }),
        ("achievement name", |d| {
            d["credentialSubject"]["achievement"]["name"] = json!("CompTIA Security+ ce")
        }),
        ("validFrom", |d| {
            d["validFrom"] = json!("2024-05-02T00:00:00Z")
        }),
        ("credentialSubject", |d| {
            d["credentialSubject"]["id"] = json!("did:example:someone-else")
        }),
    ];
    for (what, f) in cases {
        let status = verify(&pinned, &alter(&signed, f));
        assert!(
            matches!(&status, ProofStatus::Failed(r) if r == "bad signature"),
            "{suite}: {what} altered gives {status:?}"
        );
    }

    // Signed validly, but with a context credo does not hold, or for another purpose.
    let unknown = alter(&ob3(), |d| {
        d["@context"]
            .as_array_mut()
            .unwrap()
            .push(json!("https://example.org/ctx.jsonld"))
    });
    let s = sign_di(&unknown, suite, &k, &method, "assertionMethod");
    failed(
        &verify(&pinned, &s),
        "unknown @context https://example.org/ctx.jsonld",
    );
    let auth = sign_di(&ob3(), suite, &k, &method, "authentication");
    failed(
        &verify(&pinned, &auth),
        "proof purpose authentication is not assertionMethod",
    );
}

#[test]
fn open_badge_signed_with_eddsa_jcs_2022() {
    ob3_suite("eddsa-jcs-2022");
}

#[cfg(feature = "rdfc")]
#[test]
fn open_badge_signed_with_eddsa_rdfc_2022() {
    ob3_suite("eddsa-rdfc-2022");
}

#[cfg(feature = "rdfc")]
const V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The W3C examples context: `@vocab` only (VC 2.0's own context has none).
#[cfg(feature = "rdfc")]
const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";

/// What eddsa-rdfc-2022 cannot sign faithfully fails the proof with a reason, never a panic:
/// a nested `@context`, a term no built-in context defines (safe mode: it would be dropped,
/// so unsigned), a blank-node graph built to make RDFC-1.0 explode, deep nesting.
#[cfg(feature = "rdfc")]
#[test]
fn rdfc_refuses_what_it_cannot_sign_faithfully() {
    let k = key(7);
    let method = did_key(&k);
    let pinned = setup(&[did_key(&k)], &[], None, "");
    let err = |doc: &Value| rdfc::canonicalize(doc.as_object().unwrap()).unwrap_err();

    let nested = alter(&ob3(), |d| {
        d["credentialSubject"]["@context"] = json!({ "name": "https://example.org/name" })
    });
    assert!(err(&nested).contains("a nested @context is not supported"));
    let signed = sign_di(&nested, "eddsa-rdfc-2022", &k, &method, "assertionMethod");
    failed(
        &verify(&pinned, &signed),
        "a nested @context is not supported",
    );

    // VC 1.1 has no @vocab: an undefined term fails instead of vanishing from what is signed.
    let v1 = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", OB3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://www.comptia.org",
        "issuanceDate": "2024-05-01T00:00:00Z",
        "favouriteColour": "green",
        "credentialSubject": ob3()["credentialSubject"].clone()
    });
    let e = err(&v1);
    assert!(e.contains("JSON-LD expansion failed"), "{e}");
    let defined = alter(&v1, |d| {
        d.as_object_mut().unwrap().remove("favouriteColour");
    });
    assert!(rdfc::canonicalize(defined.as_object().unwrap()).is_ok());

    // A complete graph of 9 indistinguishable blank nodes: RDFC-1.0's n-degree hashing would
    // try 8! orderings for each; the call limit stops it with a reason.
    let nodes: Vec<Value> = (0..9)
        .map(|i| {
            let links: Vec<Value> = (0..9)
                .filter(|j| *j != i)
                .map(|j| json!({ "@id": format!("_:n{j}") }))
                .collect();
            json!({ "@id": format!("_:n{i}"), "knows": links })
        })
        .collect();
    let poison = json!({ "@context": [V2, EXAMPLES], "@graph": nodes });
    let e = err(&poison);
    assert!(e.contains("RDF canonicalization gave up"), "{e}");

    // Nesting: up to the bound it is canonicalized (a debug build's expansion overflowed a
    // 2 MiB stack at 14 levels before it ran on its own thread); deeper is refused.
    let nest = |levels: usize| {
        let mut deep = json!({ "name": "leaf" });
        for _ in 0..levels {
            deep = json!({ "knows": deep });
        }
        json!({ "@context": [V2, EXAMPLES], "knows": deep })
    };
    let c = rdfc::canonicalize(nest(30).as_object().unwrap()).unwrap();
    assert_eq!(c.lines().count(), 32, "{c}");
    let e = err(&nest(100));
    assert!(e.contains("nests deeper than 32 levels"), "{e}");
}

// --- VC-JWT --------------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn jwt(header: Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let sig = sign(input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// A VCDM 2.0 payload: the credential with its claims beside it.
fn payload_v2(doc: &Value) -> Value {
    alter(doc, |d| {
        d["iss"] = json!("https://www.comptia.org");
        d["jti"] = d["id"].clone();
        d["sub"] = json!("did:example:learner-1");
        d["nbf"] = json!(1714521600); // 2024-05-01T00:00:00Z
    })
}

fn jwt_status(s: &Setup, token: &str) -> ProofStatus {
    let record = json!({ "id": "c1", "credentials": [{ "jwt": token }] }).to_string();
    let entries =
        credo::record::read_records(&record, "r.json", credo::record::Format::Json, &s.policy);
    let cand = entries[0].result.as_ref().expect("record reads");
    cand.credentials[0].proof.clone()
}

#[test]
fn vc_jwt_eddsa() {
    let k = key(9);
    let sign = |b: &[u8]| k.sign(b).to_bytes().to_vec();
    let header = json!({ "alg": "EdDSA", "typ": "vc+jwt", "kid": format!("{}#{}", did_key(&k), multikey(&k)) });
    let pinned = setup(&[did_key(&k)], &[], None, "");
    let token = jwt(header.clone(), &payload_v2(&ob3()), sign);
    assert_eq!(jwt_status(&pinned, &token), ProofStatus::Verified);

    let elsewhere = setup(&[did_key(&key(10))], &[did_key(&k)], None, "");
    failed(
        &jwt_status(&elsewhere, &token),
        "is not pinned for provider comptia",
    );

    for (what, f) in [
        (
            "issuer",
            (|d: &mut Value| d["issuer"]["id"] = json!("did:web:comptia.org")) as fn(&mut Value),
        ),
        ("achievement name", |d| {
            d["credentialSubject"]["achievement"]["name"] = json!("X")
        }),
        ("validFrom", |d| {
            d["validFrom"] = json!("2024-05-02T00:00:00Z")
        }),
        ("credentialSubject", |d| {
            d["credentialSubject"]["id"] = json!("did:example:x")
        }),
    ] {
        // Re-encode the altered payload under the original signature.
        let altered = alter(&payload_v2(&ob3()), f);
        let sig = token.rsplit('.').next().unwrap();
        let forged = format!(
            "{}.{}.{sig}",
            b64(header.to_string().as_bytes()),
            b64(altered.to_string().as_bytes())
        );
        let status = jwt_status(&pinned, &forged);
        assert!(
            matches!(&status, ProofStatus::Failed(r) if r == "bad signature"),
            "{what} altered gives {status:?}"
        );
    }

    // Claims that disagree with the credential, though the signature is good.
    for (claim, value, field) in [
        ("nbf", json!(1714608000), "validFrom"),
        ("iss", json!("did:web:comptia.org"), "issuer"),
        ("sub", json!("did:example:x"), "credentialSubject.id"),
        ("jti", json!("urn:uuid:other"), "id"),
    ] {
        let p = alter(&payload_v2(&ob3()), |d| d[claim] = value);
        let t = jwt(header.clone(), &p, sign);
        failed(
            &jwt_status(&pinned, &t),
            &format!("JWT claim `{claim}` disagrees with the credential's `{field}`"),
        );
    }

    // An unknown context is not checked for JWTs? It is: the credential must hold known contexts.
    let p = payload_v2(&alter(&ob3(), |d| {
        d["@context"]
            .as_array_mut()
            .unwrap()
            .push(json!("https://example.org/ctx.jsonld"))
    }));
    failed(
        &jwt_status(&pinned, &jwt(header.clone(), &p, sign)),
        "unknown @context",
    );
}

fn rsa_key() -> (rsa::RsaPrivateKey, Value) {
    let k: Value = serde_json::from_str(&fixture("rs256-test-key.json")).unwrap();
    let n = |f: &str| {
        rsa::BigUint::from_bytes_be(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k[f].as_str().unwrap())
                .unwrap(),
        )
    };
    let private =
        rsa::RsaPrivateKey::from_components(n("n"), n("e"), n("d"), vec![n("p"), n("q")]).unwrap();
    let public = json!({ "keys": [{ "kty": "RSA", "kid": "rsa-test-1", "alg": "RS256", "n": k["n"], "e": k["e"] }] });
    (private, public)
}

#[test]
fn vc_jwt_rs256_vcdm_1_1() {
    let (private, jwks) = rsa_key();
    let sign = |b: &[u8]| {
        private
            .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &sha(b))
            .unwrap()
    };
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": "rsa-test-1" });
    let vc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", OB3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuanceDate": "2024-05-01T00:00:00Z",
        "credentialSubject": ob3()["credentialSubject"].clone()
    });
    let payload = json!({ "iss": "https://www.comptia.org", "nbf": 1714521600, "sub": "did:example:learner-1", "vc": vc });
    let pinned = setup(&[], &[], Some(jwks.clone()), "");
    let token = jwt(header.clone(), &payload, sign);
    assert_eq!(jwt_status(&pinned, &token), ProofStatus::Verified);

    // The same JWKS, but the credential's issuer belongs to the other provider.
    let other = alter(&payload, |p| p["iss"] = json!("https://other.example"));
    failed(
        &jwt_status(&pinned, &jwt(header.clone(), &other, sign)),
        "provider other pins no keys",
    );
    // Altered achievement name under the old signature.
    let altered = alter(&payload, |p| {
        p["vc"]["credentialSubject"]["achievement"]["name"] = json!("X")
    });
    let sig = token.rsplit('.').next().unwrap();
    let forged = format!(
        "{}.{}.{sig}",
        b64(header.to_string().as_bytes()),
        b64(altered.to_string().as_bytes())
    );
    failed(&jwt_status(&pinned, &forged), "bad signature");
    // nbf disagreeing with issuanceDate.
    let late = alter(&payload, |p| p["nbf"] = json!(1714521601));
    failed(
        &jwt_status(&pinned, &jwt(header, &late, sign)),
        "JWT claim `nbf` disagrees",
    );
}

// --- evaluation ----------------------------------------------------------------------------

#[test]
fn a_failed_proof_is_never_accepted_and_verified_only_proofs_wants_one() {
    let k = key(7);
    let method = did_key(&k);
    let signed = sign_di(&ob3(), "eddsa-jcs-2022", &k, &method, "assertionMethod");
    let forged = alter(&signed, |d| d["validFrom"] = json!("2024-05-02T00:00:00Z"));
    let plain = json!({ "id": "security_plus", "issued": "2024-05-01", "verified": true });
    let decide = |guard: &str, cred: &Value| {
        let s = setup(&[did_key(&k)], &[], None, guard);
        let mut c = cred.clone();
        if c.get("proof").is_some() {
            c["verified"] = json!(true); // the caller's word never outweighs a failed proof
        }
        let record = json!({ "id": "c1", "credentials": [c] }).to_string();
        let entries =
            credo::record::read_records(&record, "r.json", credo::record::Format::Json, &s.policy);
        let cand = entries[0].result.as_ref().expect("reads").clone();
        let d = credo::eval::evaluate(&s.policy, &cand, 0, jiff::civil::date(2025, 1, 1));
        let json = serde_json::to_string(&d).unwrap();
        let text = credo::render::text::explain_titled(&d, &s.policy);
        (d.skills[0].met, json + "\n" + &text)
    };
    assert!(decide("", &signed).0);
    let (met, json) = decide("", &forged);
    assert!(!met);
    assert!(
        json.contains(r#""proof":"failed: bad signature""#),
        "{json}"
    );
    assert!(json.contains(r#""reason":"proof_failed""#), "{json}");
    // verified_only: the caller's word stands without a proof; verified_only proofs: it does not.
    assert!(decide("guardrails { verified_only }", &plain).0);
    let (met, json) = decide("guardrails { verified_only proofs }", &plain);
    assert!(!met);
    assert!(json.contains(r#""proof":"none""#), "{json}");
    assert!(json.contains(r#""reason":"not_verified""#), "{json}");
    // The explanation says what is missing: a proof, not the record's `verified` flag.
    assert!(
        json.contains("CompTIA Security+: no verified proof (verified_only proofs)"),
        "{json}"
    );
    let unverified = json!({ "id": "security_plus", "issued": "2024-05-01" });
    let (met, text) = decide("guardrails { verified_only }", &unverified);
    assert!(!met);
    assert!(
        text.contains("CompTIA Security+: not verified (verified_only)"),
        "{text}"
    );
    assert!(decide("guardrails { verified_only proofs }", &signed).0);
}

// --- the command line ----------------------------------------------------------------------

mod common;

/// `credo verify`, `eval --explain` and `eval --format json` show each credential's proof; a
/// JWKS beside the policy is read relative to it, and a malformed one is a check error there.
#[test]
fn the_command_line_shows_proof_status() {
    let k = key(7);
    let (_, jwks) = rsa_key();
    let s = setup(&[did_key(&k)], &[], Some(jwks), "");
    let dir = s._dir.path();
    let policy = dir.join("p.credo");
    let signed = sign_di(
        &ob3(),
        "eddsa-jcs-2022",
        &k,
        &did_key(&k),
        "assertionMethod",
    );
    let forged = alter(&signed, |d| d["name"] = json!("Forged"));
    let plain = json!({ "id": "security_plus", "issued": "2024-05-01" });
    let records = dir.join("r.jsonl");
    std::fs::write(
        &records,
        format!(
            "{}\n{}\n",
            json!({ "id": "good", "credentials": [signed, plain] }),
            json!({ "id": "bad", "credentials": [forged] })
        ),
    )
    .unwrap();
    let (p, r) = (policy.to_str().unwrap(), records.to_str().unwrap());

    let out = common::stdout(&common::credo(&["verify", r, "--policy", p]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].ends_with("good credential 1 (CompTIA Security+): verified"),
        "{out}"
    );
    assert!(
        lines[1].ends_with("good credential 2 (security_plus): none"),
        "{out}"
    );
    assert!(
        lines[2].ends_with("bad credential 1 (CompTIA Security+): failed: bad signature"),
        "{out}"
    );

    let explain = common::stdout(&common::credo(&[
        "eval",
        p,
        r,
        "--as-of",
        "2025-01-01",
        "--explain",
    ]));
    assert!(
        explain.contains("accepted CompTIA Security+ (proof verified)"),
        "{explain}"
    );
    assert!(explain.contains("proof failed: bad signature"), "{explain}");

    let json = common::stdout(&common::credo(&[
        "eval",
        p,
        r,
        "--as-of",
        "2025-01-01",
        "--format",
        "json",
    ]));
    assert!(json.contains(r#""accepted_proofs":["verified"]"#), "{json}");
    assert!(
        json.contains(
            r#""reason":"proof_failed","detail":"bad signature","proof":"failed: bad signature""#
        ),
        "{json}"
    );

    // A JWKS that is not a key set is an error at the file name.
    std::fs::write(
        dir.join("comptia.jwks.json"),
        r#"{"keys": [{"kty": "oct"}]}"#,
    )
    .unwrap();
    let check = common::credo(&["check", p]);
    assert_eq!(check.status.code(), Some(1));
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains("cannot use the JWKS `comptia.jwks.json` of provider `comptia`"),
        "{err}"
    );
    assert!(err.contains("key 1: unsupported key type oct"), "{err}");
}

/// A JWKS that reads but cannot protect anything is a warning at the `jwks` line, one per
/// problem: no key, private key material, a repeated `kid`, a key whose secret is published
/// (RFC 8037's example, RFC 8032's first test key). A sound JWKS gets none.
#[test]
fn jwks_that_protect_nothing_are_warned_about() {
    let (_, sound) = rsa_key();
    let rsa = sound["keys"][0].clone();
    let mut private = rsa.clone();
    private["d"] = json!("AQAB");
    // The same kid on an Ed25519 key as on the RSA key is allowed (RFC 7517 §4.5: `alg` tells
    // them apart); on a second RSA key it is not.
    let twin = rsa.clone();
    let other_type = json!({ "kty": "OKP", "crv": "Ed25519", "kid": "rsa-test-1",
        "x": "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE" });
    let rfc8037 = json!({ "kty": "OKP", "crv": "Ed25519", "kid": "rfc",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
    let cases = [
        (json!({ "keys": [] }), vec!["holds no key"]),
        (
            json!({ "keys": [private] }),
            vec!["key 1 of `k.json` holds private key material (`d`)"],
        ),
        (
            json!({ "keys": [rsa.clone(), twin, other_type] }),
            vec!["two RS256 keys of `k.json` have the kid `rsa-test-1`"],
        ),
        (
            json!({ "keys": [rfc8037] }),
            vec!["RFC 8032 (and RFC 8037) test key"],
        ),
        (sound, vec![]),
    ];
    for (jwks, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.json"), jwks.to_string()).unwrap();
        let path = dir.path().join("p.credo");
        std::fs::write(
            &path,
            r#"policy "P" { version "1" effective 2020-01-01 owner "o" }
            skill net "Network security"
            provider p { name "P" tier trusted issuers ["https://p.example"] jwks "k.json" }
            credential c { title "C" provider p skills [net] }
            role r { title "R" require net }"#,
        )
        .unwrap();
        let loaded = credo::load_policy(&path).unwrap();
        assert!(loaded.policy.is_some(), "{jwks}: a warning is not an error");
        let warnings: Vec<String> = loaded
            .diags
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(warnings.len(), expected.len(), "{jwks}: {warnings:?}");
        for (w, e) in warnings.iter().zip(&expected) {
            assert!(w.contains(e), "{w:?} lacks {e:?}");
        }
    }
}
