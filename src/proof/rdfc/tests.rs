//! The rdfc transformation's own tests: its caches change nothing.

use super::*;
use sha2::Digest;

fn credential() -> Map<String, Value> {
    let text = include_str!("../../../tests/fixtures/proofs/w3c-eddsa-rdfc-2022-signed.json");
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(text) else {
        panic!("the W3C vector is a JSON object");
    };
    doc.remove("proof");
    doc
}

/// `doc` through json-ld's own expansion of its whole `@context`, not the cached processed
/// context: an inline context (here an empty one, a no-op) has no cache entry. The public
/// [`canonicalize`] refuses inline contexts, so this goes below it.
fn uncached(doc: &Map<String, Value>) -> Result<String, String> {
    let mut inline = doc.clone();
    if let Some(Value::Array(list)) = inline.get_mut("@context") {
        list.push(Value::Object(Map::new()));
    }
    imp::by_expansion(&inline).and_then(imp::nquads)
}

/// The cached processed context (for a `@context` of URLs) gives what json-ld's own
/// expansion of the whole `@context` gives, on a cache miss and on a hit.
#[test]
fn the_processed_context_cache_changes_nothing() {
    let cached = credential();
    let first = canonicalize(&cached).expect("the W3C vector canonicalizes");
    assert!(first.contains("<https://www.w3.org/2018/credentials#issuer>"));
    assert_eq!(
        canonicalize(&cached),
        Ok(first.clone()),
        "a cache hit differs"
    );
    assert_eq!(uncached(&cached), Ok(first), "the uncached path differs");
}

/// A context list that fails processing (a redefined protected term) fails the same way with
/// and without the cache, and on a cache hit.
#[test]
fn a_context_error_is_the_same_from_the_cache() {
    let mut doc = credential();
    doc.insert(
        "@context".into(),
        serde_json::json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/2018/credentials/v1"
        ]),
    );
    let err = canonicalize(&doc).expect_err("the context list cannot be processed");
    assert!(err.starts_with("JSON-LD expansion failed: "), "{err}");
    assert_eq!(canonicalize(&doc), Err(err.clone()));
    assert_eq!(uncached(&doc), Err(err));
}

/// Called directly, not through proof verification, `canonicalize` still holds to the
/// built-in contexts: an unknown or inline `@context` fails before json-ld sees it (json-ld
/// would otherwise try to load it, or print warnings about its IRIs).
#[test]
fn canonicalize_refuses_contexts_credo_does_not_hold() {
    for (list, reason) in [
        (
            serde_json::json!([
                "https://www.w3.org/ns/credentials/v2",
                "https://example.org/x"
            ]),
            "unknown @context https://example.org/x (credo fetches nothing)",
        ),
        (
            serde_json::json!(["https://www.w3.org/ns/credentials/v2", {"@vocab": "urn:x#"}]),
            "an inline @context is not supported (credo holds only known contexts)",
        ),
    ] {
        let mut doc = credential();
        doc.insert("@context".into(), list);
        assert_eq!(canonicalize(&doc), Err(reason.to_string()));
    }
}

/// What json-ld and `rdf-canon` alone make of `doc`: no template, no first-degree path.
fn by_expansion_alone(doc: &Map<String, Value>) -> Result<String, String> {
    check_shape(doc, 1)?;
    imp::by_expansion(doc).and_then(|quads| imp::full_rdfc(&quads))
}

/// An Open Badges 3.0 credential with most of what one holds: nested nodes, arrays, a
/// language map-free `@value` object, numbers, vocabulary terms, dates.
fn badge() -> Map<String, Value> {
    let v = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Security+ badge",
        "issuer": {"id": "https://issuer.example/", "type": ["Profile"], "name": "CompTIA"},
        "validFrom": "2024-05-01T00:00:00Z",
        "validUntil": "2027-05-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "hashed": false,
                "identityHash": "learner@example.org",
                "identityType": "emailAddress"
            }],
            "achievement": {
                "id": "https://issuer.example/achievements/secplus",
                "type": ["Achievement"],
                "name": "Security+",
                "description": "Passed the \"SY0-701\" exam.\nLine two.",
                "criteria": {"narrative": "Pass the exam."},
                "achievementType": "Certificate",
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Network security",
                    "targetUrl": "https://example.org/frameworks/1"
                }]
            },
            "result": [{"type": ["Result"], "value": "812"}]
        }
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("a JSON object literal"),
    }
}

/// The proof options an `eddsa-rdfc-2022` proof is hashed with.
fn proof_options() -> Map<String, Value> {
    let v = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-05-01T00:00:00Z",
        "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod"
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("a JSON object literal"),
    }
}

/// Strings that JSON-LD may treat otherwise than a placeholder: relative and compact IRIs,
/// blank node ids, terms, keywords, an empty string, escapes, control characters, non-ASCII,
/// the placeholder mark itself.
const TRICKY: &[&str] = &[
    "urn:uuid:0f8a3e1c",
    "https://example.org/a?b=c#d",
    "did:example:learner-7",
    "relative/path",
    "#fragment",
    "",
    "_:b0",
    "_:c14n0",
    "xsd:string",
    "schema:name",
    "assertionMethod",
    "Achievement",
    "VerifiableCredential",
    "@id",
    "@none",
    "http://",
    "https://exa mple.org/",
    "urn:x-credo-slot:0",
    "a \"quoted\" \\ back\\slash",
    "tab\there\r\nnew line",
    "\u{1}\u{7f} control",
    "Zürich — 日本語 🎓",
    "2024-13-45T99:00:00Z",
    "812",
];

/// Every place of a string in `doc`, as a path of keys and indexes.
fn string_paths(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::String(_) => out.push(path.clone()),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| {
            path.push(i.to_string());
            string_paths(x, path, out);
            path.pop();
        }),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| *k != "@context")
            .for_each(|(k, x)| {
                path.push(k.clone());
                string_paths(x, path, out);
                path.pop();
            }),
        _ => {}
    }
}

fn set(v: &mut Value, path: &[String], to: &str) {
    let mut at = v;
    for step in path {
        at = match at {
            Value::Array(a) => &mut a[step.parse::<usize>().expect("an index")],
            Value::Object(m) => m.get_mut(step).expect("a key on the path"),
            _ => unreachable!("a path leads through arrays and objects"),
        };
    }
    *at = Value::String(to.to_owned());
}

/// Every string of a credential and of its proof options, replaced in turn by each tricky
/// string: the shape templates and the first-degree path give exactly what json-ld and
/// `rdf-canon` give (the same canonical N-Quads, or the same error).
#[test]
fn templates_and_the_first_degree_path_agree_with_json_ld() {
    let mut compared = 0;
    // VC 1.1 with OB 3.0.1: their contexts define prefixes (`xsd`, `sec`, `cred`), so a compact
    // IRI is expanded there.
    let mut v1 = badge();
    v1.insert(
        "@context".into(),
        serde_json::json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
        ]),
    );
    v1.remove("validFrom");
    v1.remove("validUntil");
    v1.insert("issuanceDate".into(), "2024-05-01T00:00:00Z".into());
    for base in [badge(), proof_options(), v1] {
        assert!(
            by_expansion_alone(&base).is_ok(),
            "the base document expands"
        );
        let before = hits();
        canonicalize(&base).expect("the base document canonicalizes");
        assert!(
            hits() > before,
            "the base document did not go through a template: {base:?}"
        );
        let base = Value::Object(base);
        let mut paths = Vec::new();
        string_paths(&base, &mut Vec::new(), &mut paths);
        for path in &paths {
            for tricky in TRICKY {
                let mut doc = base.clone();
                set(&mut doc, path, tricky);
                let Value::Object(doc) = doc else {
                    unreachable!()
                };
                let expected = by_expansion_alone(&doc);
                // Twice: the first may make the template, the second surely uses it.
                assert_eq!(canonicalize(&doc), expected, "{path:?} = {tricky:?}");
                assert_eq!(canonicalize(&doc), expected, "{path:?} = {tricky:?}, again");
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "only {compared} documents compared");
}

/// Documents that share a shape but not their strings: each gets its own canonical form, the
/// one json-ld gives it, whichever came first.
#[test]
fn one_shape_many_credentials() {
    let mut seen = std::collections::HashSet::new();
    for i in 0..20 {
        let mut doc = badge();
        doc.insert("id".into(), Value::String(format!("urn:uuid:cred-{i}")));
        doc.insert("name".into(), Value::String(format!("Badge {i}")));
        let text = canonicalize(&doc).expect("the badge canonicalizes");
        assert_eq!(Ok(text.clone()), by_expansion_alone(&doc));
        assert!(text.contains(&format!("<urn:uuid:cred-{i}>")));
        assert!(seen.insert(text), "two credentials gave one canonical form");
    }
}

/// How many documents this thread has canonicalized through a template.
fn hits() -> usize {
    template::HITS.with(|h| h.get())
}

/// The W3C vector's published canonical document (its SHA-256 is the second half of the
/// published `combinedHashDataInt.txt`) comes out of the template path too.
#[test]
fn the_w3c_vector_through_a_template() {
    let doc = credential();
    let first = canonicalize(&doc).expect("the W3C vector canonicalizes");
    let before = hits();
    assert_eq!(canonicalize(&doc).as_ref(), Ok(&first));
    assert_eq!(hits(), before + 1, "the second time takes the template");
    assert_eq!(by_expansion_alone(&doc).as_ref(), Ok(&first));
    let published =
        include_str!("../../../tests/fixtures/proofs/w3c-eddsa-rdfc-2022-combined-hash.txt");
    let digest: String = sha2::Sha256::digest(first.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, published.trim()[64..]);
}

/// One string in two places (the issuer's id given again as the subject's) makes json-ld
/// merge the two into one node; filled in, the template gives the same quads (a set: a quad
/// given twice counts once).
#[test]
fn one_string_in_two_slots() {
    let mut doc = badge();
    let id = "https://issuer.example/";
    assert_eq!(doc["issuer"]["id"], id);
    doc["credentialSubject"]["id"] = Value::String(id.into());
    let expected = by_expansion_alone(&doc).expect("the badge expands");
    assert_eq!(canonicalize(&doc).as_ref(), Ok(&expected));
    let before = hits();
    assert_eq!(canonicalize(&doc).as_ref(), Ok(&expected));
    assert_eq!(hits(), before + 1, "the second time takes the template");
    let subject = format!("<https://www.w3.org/2018/credentials#credentialSubject> <{id}>");
    assert!(expected.contains(&subject), "{expected}");
}

/// A JSON literal (`@type: @json`) keeps its strings inside one literal, where a placeholder
/// does not come out whole: that shape is never templated, and json-ld answers every time.
#[test]
fn a_json_literal_is_never_templated() {
    let mut doc = badge();
    doc["credentialSubject"]["achievement"]["description"] = serde_json::json!({
        "@type": "@json",
        "@value": {"text": "a JSON literal", "n": 1}
    });
    let expected = by_expansion_alone(&doc);
    assert!(expected.is_ok(), "{expected:?}");
    let before = hits();
    for _ in 0..2 {
        assert_eq!(canonicalize(&doc), expected);
    }
    assert_eq!(
        hits(),
        before,
        "a JSON literal's shape went through a template"
    );
}

/// Random small datasets (a few blank nodes, IRIs and literals, some quads repeated, some in
/// named graphs): where the first-degree path answers, it answers what `rdf-canon` does, and it
/// does answer for datasets whose blank nodes differ in their own quads.
mod first_degree {
    use super::super::{canon, imp};
    use oxrdf::{BlankNode, GraphName, Literal, NamedNode, Quad, Subject, Term};
    use proptest::prelude::*;

    fn iri(i: u8) -> NamedNode {
        NamedNode::new_unchecked(format!("https://example.org/{i}"))
    }

    fn subject(i: u8) -> Subject {
        if i < 4 {
            BlankNode::new_unchecked(format!("b{i}")).into()
        } else {
            iri(i).into()
        }
    }

    fn object(i: u8) -> Term {
        match i {
            0..4 => BlankNode::new_unchecked(format!("b{i}")).into(),
            4..7 => iri(i).into(),
            7 => Literal::new_language_tagged_literal_unchecked("chat", "fr").into(),
            _ => Literal::new_simple_literal(format!("v\"{i}\n")).into(),
        }
    }

    fn graph(i: u8) -> GraphName {
        match i {
            0 => GraphName::DefaultGraph,
            1 => BlankNode::new_unchecked("g").into(),
            _ => iri(9).into(),
        }
    }

    fn quads() -> impl Strategy<Value = Vec<Quad>> {
        prop::collection::vec((0u8..6, 0u8..3, 0u8..10, 0u8..3), 1..12).prop_map(|qs| {
            qs.into_iter()
                .map(|(s, p, o, g)| Quad::new(subject(s), iri(20 + p), object(o), graph(g)))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn agrees_with_rdf_canon(quads in quads()) {
            if let Some(text) = canon::first_degree(&quads) {
                prop_assert_eq!(Ok(text), imp::full_rdfc(&quads));
            }
        }
    }

    #[test]
    fn answers_when_blank_nodes_differ() {
        let quads = vec![
            Quad::new(subject(4), iri(20), object(0), graph(0)),
            Quad::new(subject(0), iri(21), object(8), graph(0)),
            Quad::new(subject(0), iri(22), object(1), graph(0)),
            Quad::new(subject(1), iri(21), object(9), graph(0)),
            Quad::new(subject(1), iri(21), object(9), graph(0)),
        ];
        let text = canon::first_degree(&quads).expect("b0 and b1 have different quads");
        assert_eq!(Ok(text.clone()), imp::full_rdfc(&quads));
        assert_eq!(
            text.lines().count(),
            4,
            "the repeated quad counts once: {text}"
        );
        // Two blank nodes alike in their own quads need the n-degree step.
        let alike = vec![
            Quad::new(subject(0), iri(21), object(8), graph(0)),
            Quad::new(subject(1), iri(21), object(8), graph(0)),
            Quad::new(subject(4), iri(20), object(0), graph(0)),
            Quad::new(subject(4), iri(20), object(1), graph(0)),
        ];
        assert_eq!(canon::first_degree(&alike), None);
    }
}

/// Found by the `proofs` fuzz target: json-ld panicked on an IRI whose percent-escapes are not
/// UTF-8 (`%bc`), while the template path took it. Both now refuse it with a reason; escapes
/// that are UTF-8 (`%C3%A9`, `%20`) and a `%` that escapes nothing still canonicalize, alike.
#[test]
fn percent_escapes_that_are_not_utf8_fail_on_both_paths() {
    for (id, ok) in [
        ("did:example:a%bcdefgh", false),
        ("https://example.org/%E2%82", false),
        ("https://example.org/caf%C3%A9", true),
        ("https://example.org/a%20b", true),
        ("urn:x:100%", true),
    ] {
        let mut doc = credential();
        doc["credentialSubject"]["id"] = Value::String(id.into());
        let expected = by_expansion_alone(&doc);
        assert_eq!(expected.is_ok(), ok, "{id}: {expected:?}");
        if !ok {
            let e = expected.clone().unwrap_err();
            assert!(e.contains("percent-escapes are not UTF-8"), "{e}");
        }
        assert_eq!(canonicalize(&doc), expected, "{id}");
        assert_eq!(canonicalize(&doc), expected, "{id}, again");
    }
}

/// Text is not an IRI: json-ld leaves a literal's escapes alone, so "95%accuracy" (`%ac` is no
/// UTF-8) canonicalizes on both paths, and only a string that could be an IRI (a `:`, no
/// white space) is refused, wherever it sits.
#[test]
fn percent_escapes_in_text_are_left_alone() {
    for text in ["95%accuracy", "Score: 95%accuracy", "a%bc"] {
        let mut doc = badge();
        doc["credentialSubject"]["achievement"]["description"] = Value::String(text.into());
        let expected = by_expansion_alone(&doc);
        assert!(expected.is_ok(), "{text}: {expected:?}");
        for _ in 0..2 {
            assert_eq!(canonicalize(&doc), expected, "{text}");
        }
    }
    let mut doc = badge();
    doc["issuer"]["id"] = Value::String("https://issuer.example/a%bc".into());
    let err = canonicalize(&doc).expect_err("an IRI whose escapes are not UTF-8");
    assert!(err.contains("percent-escapes are not UTF-8"), "{err}");
}

/// Under a context with `@vocab` (the W3C vector's examples context), a key, a `type` and the
/// `proofPurpose` of a `DataIntegrityProof` node (typed `@vocab` there) become absolute IRIs
/// without any `:` of their own; so does a string with a `:` and a no-break space. json-ld
/// panics on each when their escapes are not UTF-8 (its worker catches the panic: "JSON-LD
/// processing failed"); credo refuses them first, with the reason, and the same in a `@set` or
/// `@list` under such a property. A literal with the same text still canonicalizes.
#[test]
fn escapes_made_absolute_fail_with_the_reason() {
    let purpose = |v: Value| {
        serde_json::json!({
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "proofPurpose": v
        })
    };
    let nbsp = "did:example:a%bc\u{a0}";
    for i in 0..6 {
        let mut doc = credential();
        let text = if i == 5 { nbsp } else { "a%bc" };
        match i {
            0 => drop(doc.insert("a%bc".into(), "x".into())),
            1 => doc["type"] = serde_json::json!(["VerifiableCredential", "a%bc"]),
            2 => doc["credentialSubject"]["evidence"] = purpose("a%bc".into()),
            3 => {
                doc["credentialSubject"]["evidence"] =
                    purpose(serde_json::json!({"@set": ["a%bc"]}))
            }
            4 => {
                doc["credentialSubject"]["evidence"] =
                    purpose(serde_json::json!({"@list": ["a%bc"]}))
            }
            _ => doc["credentialSubject"]["id"] = nbsp.into(),
        }
        let reason = format!(
            "the document holds {}, whose percent-escapes are not UTF-8",
            crate::visible::visible(text)
        );
        assert_eq!(canonicalize(&doc), Err(reason.clone()), "case {i}");
        assert_eq!(by_expansion_alone(&doc), Err(reason), "case {i}");
        // Without the check, json-ld itself fails on it by the panic the check forestalls; in a
        // `@set` or `@list` (cases 3 and 4), which JSON-LD 1.1 expands with the enclosing
        // property's coercion, json-ld 0.21 happens not to panic: refused all the same.
        let unchecked = imp::by_expansion(&doc);
        if matches!(i, 3 | 4) {
            assert!(unchecked.is_ok(), "case {i}: {unchecked:?}");
        } else {
            assert_eq!(unchecked, Err(PANICKED.into()), "case {i}");
        }
    }
    let mut doc = credential();
    doc["credentialSubject"]["alumniOf"] = Value::String("a%bc".into());
    let expected = by_expansion_alone(&doc);
    assert!(
        expected.as_ref().is_ok_and(|t| t.contains("\"a%bc\"")),
        "{expected:?}"
    );
    assert_eq!(canonicalize(&doc), expected);
    assert!(vocab_typed().contains("proofPurpose"));
}

/// A shape too heavy to keep (here some 4,000 quads) still gives its document the quads
/// json-ld gives, but is made afresh each time rather than kept: a crafted credential cannot
/// fill the cache (or a long-running service's memory) with one shape.
#[test]
fn a_heavy_shape_is_used_but_not_kept() {
    let mut doc = badge();
    let names: Vec<Value> = (0..4_000)
        .map(|i| Value::String(format!("name {i}")))
        .collect();
    doc.insert("name".into(), Value::Array(names));
    let expected = by_expansion_alone(&doc);
    assert!(
        expected.as_ref().is_ok_and(|t| t.lines().count() > 4_000),
        "{expected:?}"
    );
    let made = || template::MADE.with(|m| m.get());
    let before = (made(), hits());
    for _ in 0..2 {
        assert_eq!(canonicalize(&doc), expected);
    }
    assert_eq!(
        (made(), hits()),
        (before.0 + 2, before.1 + 2),
        "kept, or not used"
    );
}
