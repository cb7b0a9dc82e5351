//! The typed JSON fast path accepts exactly what the value-based reader accepts and builds the
//! same candidate; whatever it does not take is left to the value-based reader.

use super::*;
use proptest::prelude::*;

fn policy() -> Policy {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    crate::compile_str("acme-cyber.credo", &text)
        .policy
        .unwrap()
}

/// Both readers on one line: the fast one, when it answers, agrees with the value-based one.
fn same(line: &str, p: &Policy) -> Result<bool, String> {
    let slow = read_json_value(line, "f", 1, p);
    match (typed::candidate(line, p), slow) {
        (None, _) => Ok(false),
        (Some(fast), Ok(slow)) if fast == slow => Ok(true),
        (Some(fast), slow) => Err(format!("{line}\nfast: {fast:?}\nslow: {slow:?}")),
    }
}

#[test]
fn fast_reader_agrees_on_shipped_and_generated_records() {
    let p = policy();
    let text = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
    let mut taken = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        taken += usize::from(same(line, &p).unwrap());
    }
    let mut rng = crate::synth::Rng::new(3);
    for i in 0..300 {
        let line = crate::synth::record(&mut rng, i, crate::synth::Shape::REFERENCE, Some("r0"));
        assert!(
            same(&line, &p).unwrap(),
            "the fast reader takes plain records: {line}"
        );
        taken += 1;
    }
    assert!(taken > 300);
}

#[test]
fn fast_reader_leaves_every_error_to_the_value_reader() {
    let p = policy();
    let lines = [
        r#"{"id": "a", "bogus": 1}"#,
        r#"{"id": ""}"#,
        r#"{"id": 7}"#,
        r#"{"id": "a", "id": "b"}"#,
        r#"{"applied": ["x"]}"#,
        r#"[1, 2]"#,
        r#"{"id": "a", "credentials": [{"id": "x", "issued": "2025-02-30"}]}"#,
        r#"{"id": "a", "credentials": [{"id": "x", "issued": "2025-02-03", "expires": "2025-01-01"}]}"#,
        r#"{"id": "a", "credentials": [{"issuer": "x"}]}"#,
        r#"{"id": "a", "credentials": [{"type": ["OpenBadgeCredential"], "issuer": "x"}]}"#,
        r#"{"id": "a", "credentials": [null]}"#,
        r#"{"id": "a", "labs": [{"hours": -1}]}"#,
        r#"{"id": "a", "labs": [{"hours": "4"}]}"#,
        r#"{"id": "a", "work_samples": [{"skill": "s", "score": 101}]}"#,
        r#"{"id": "a", "work_samples": [{"skill": "s"}]}"#,
        r#"{"id": "a", "experience": [{"skill": "s", "months": 1201}]}"#,
        r#"{"id": "a", "attributes": {"enrolled": "yes"}}"#,
        r#"{"id": "a", "attributes": [1]}"#,
        r#"{"id": "a", "protected": {"sex": [1]}}"#,
        r#"{"id": "a", "artifacts": {"title": "x"}}"#,
        r#"{"id": "a", "artifacts": [{"skills": [1]}]}"#,
        r#"{"id": "a", "education": [{"completed": "yes"}]}"#,
    ];
    for line in lines {
        let slow = read_json_value(line, "f", 1, &p);
        let fast = typed::candidate(line, &p);
        match slow {
            Err(_) => assert!(fast.is_none(), "fast reader accepted a bad record: {line}"),
            Ok(c) => assert!(fast.is_none_or(|f| f == c), "{line}"),
        }
    }
}

/// The two whole-file readers skip the same blank lines (Unicode white space too) and a byte
/// order mark alone on line 1.
#[test]
fn text_and_byte_readers_skip_the_same_lines() {
    let p = policy();
    let text = "\u{feff}\n{\"id\": \"a\"}\n\u{3000}\u{a0}\n \t\n{\"id\": \"b\"}\n";
    let from_text = read_records(text, "f", Format::Jsonl, &p);
    let from_bytes = read_records_bytes(text.as_bytes(), "f", Format::Jsonl, &p);
    let read = |entries: &[Entry]| -> Vec<(usize, Option<String>)> {
        (entries.iter())
            .map(|e| (e.line, e.result.as_ref().ok().map(|c| c.id.clone())))
            .collect()
    };
    assert_eq!(read(&from_text), read(&from_bytes));
    assert_eq!(
        read(&from_text),
        vec![(2, Some("a".into())), (5, Some("b".into()))]
    );
    assert!(from_text.iter().all(|e| e.result.is_ok()));
}

#[test]
fn dates_are_digits_in_iso_order() {
    let p = policy();
    let issued = |d: &str| {
        let line = format!(r#"{{"id": "a", "credentials": [{{"id": "x", "issued": "{d}"}}]}}"#);
        read_json_value(&line, "f", 1, &p).map(|c| c.credentials[0].issued)
    };
    let day = |y, m, d| Some(Some(jiff::civil::date(y, m, d)));
    assert_eq!(issued("2024-02-29").ok(), day(2024, 2, 29));
    assert_eq!(issued(" 0001-01-01 ").ok(), day(1, 1, 1));
    assert_eq!(issued("2024-03-01T23:30:00-05:00").ok(), day(2024, 3, 2));
    for bad in [
        "2023-02-29",
        "2024-+1-01",
        "-001-01-01",
        "2024-1-015",
        "2024/01/01",
        "２０２４-01-01",
    ] {
        assert!(issued(bad).is_err(), "{bad} read as a date");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Records assembled from valid and invalid pieces: never a disagreement.
    #[test]
    fn fast_reader_never_disagrees(pieces in proptest::collection::vec(0usize..24, 0..8), id in 0usize..4) {
        let parts = [
            r#""applied": ["soc_analyst"]"#,
            r#""applied": null"#,
            r#""attributes": {"enrolled": true, "credits": 31.5, "other": 1}"#,
            r#""attributes": {"credits": "x"}"#,
            r#""protected": {"sex": "f", "age": 40, "x": null, "y": true}"#,
            r#""credentials": [{"id": "security_plus", "issued": "2024-05-01", "verified": true}]"#,
            r#""credentials": [{"issuer": "https://www.comptia.org", "title": "Security+", "issued": "2025-02-11T10:00:00Z"}]"#,
            r#""credentials": [{"achievement": "urn:x", "issued": null, "expires": "2027-01-01"}]"#,
            r#""credentials": [{"id": "a", "issued": "2024-13-01"}]"#,
            r#""credentials": []"#,
            r#""artifacts": [{"title": "W", "skills": ["threat_detection"], "date": "2025-03-02", "reviewed": true}, {}]"#,
            r#""artifacts": [{"title": null, "skills": null, "date": null, "reviewed": null}]"#,
            r#""labs": [{"title": "L", "skills": ["network_security", "nope"], "completed": "2025-01-10", "hours": 4}]"#,
            r#""labs": [{"hours": 1e3}]"#,
            r#""work_samples": [{"skill": "incident_response", "score": 82}]"#,
            r#""work_samples": [{"skill": "incident_response", "score": -1}]"#,
            r#""experience": [{"skill": "scripting", "months": 18}, {"skill": "scripting", "months": 0.5}]"#,
            r#""experience": [{"skill": null, "months": 3}]"#,
            r#""education": [{"level": "Bachelor", "field": "CS", "completed": true}]"#,
            r#""education": [{"level": 3}]"#,
            r#""labs": [{"title": "L", "extra": 1}]"#,
            r#""credentials": [{"id": "x", "issued": "2025-01-01", "verified": "yes"}]"#,
            r#""artifacts": [{"title": "A", "date": "2025-01-01T00:00:00+05:00"}]"#,
            r#""unknown": 1"#,
        ];
        let ids = [r#""id": "c-1""#, r#""id": "  ""#, r#""id": 12"#, r#""id": "\u0063""#];
        let mut fields = vec![ids[id]];
        let mut seen = std::collections::BTreeSet::new();
        for i in pieces {
            let key = parts[i].split(':').next().unwrap();
            if seen.insert(key) {
                fields.push(parts[i]);
            }
        }
        let line = format!("{{{}}}", fields.join(", "));
        let p = policy();
        if let Err(e) = same(&line, &p) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// A key given twice, at any depth of a record, is that record's error in every format: JSONL
/// (whichever reader reads the line), a JSON list and a YAML list; the records around it are
/// read.
#[test]
fn a_repeated_key_is_a_record_error_in_every_format() {
    let p = policy();
    let cred = r#"{"id": "security_plus", "issued": "2025-01-01""#;
    let records = [
        (
            r#""id": "d3", "id": "d4""#,
            "the key `id` is given twice in the record",
        ),
        (
            &*format!(
                r#""id": "v", "credentials": [{cred}, "verified": false, "verified": true}}]"#
            ),
            "the key `verified` is given twice in one mapping under `credentials`",
        ),
        (
            r#""id": "a", "attributes": {"credits": 1, "credits": 40}"#,
            "the key `credits` is given twice in one mapping under `attributes`",
        ),
        (
            r#""id": "p", "protected": {"sex": "f", "sex": "m"}"#,
            "the key `sex` is given twice in one mapping under `protected`",
        ),
        (
            r#""id": "n", "attributes": {"nested": {"x": [{"k": 1, "k": 2}]}}"#,
            "the key `k` is given twice in one mapping under `x`",
        ),
        (
            r#""id": "ob", "credentials": [{"type": ["OpenBadgeCredential"], "issuer": {"id": "x", "id": "y"}, "credentialSubject": {"achievement": {"id": "a"}}}]"#,
            "the key `id` is given twice in one mapping under `issuer`",
        ),
    ];
    let ids = ["d3", "v", "a", "p", "n", "ob"];
    let mut jsonl = String::from("{\"id\": \"first\"}\n");
    let mut json = String::from("[{\"id\": \"first\"},\n");
    let mut yaml = String::from("- {\"id\": \"first\"}\n");
    for (r, _) in &records {
        jsonl.push_str(&format!("{{{r}}}\n"));
        json.push_str(&format!("{{{r}}},\n"));
        yaml.push_str(&format!("- {{{r}}}\n"));
    }
    jsonl.push_str("{\"id\": \"last\"}\n");
    json.push_str("{\"id\": \"last\"}]\n");
    yaml.push_str("- {\"id\": \"last\"}\n");
    for (text, format) in [
        (jsonl, Format::Jsonl),
        (json, Format::Json),
        (yaml, Format::Yaml),
    ] {
        let entries = read_records(&text, "f", format, &p);
        assert_eq!(entries.len(), records.len() + 2, "{format:?}");
        assert_eq!(
            entries[0].result.as_ref().map(|c| c.id.as_str()),
            Ok("first")
        );
        assert_eq!(
            entries[7].result.as_ref().map(|c| c.id.as_str()),
            Ok("last")
        );
        for (i, (_, error)) in records.iter().enumerate() {
            let e = entries[i + 1].result.as_ref().unwrap_err();
            assert_eq!(
                (e.error.as_str(), e.record.as_deref()),
                (*error, Some(ids[i])),
                "{format:?}"
            );
        }
    }
    // The typed readers (the hand-written one and serde's) leave such lines to the value reader.
    for (r, _) in &records {
        assert_eq!(typed::candidate(&format!("{{{r}}}"), &p), None, "{r}");
    }
}
