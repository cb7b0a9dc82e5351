//! The streaming document reader: the shape of a document, record values, limits and where
//! reading stops.

use super::*;

fn policy() -> Policy {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    crate::compile_str("acme-cyber.credo", &text)
        .policy
        .unwrap()
}

/// Every record of a document as `line: id` or `line: error`.
fn read(text: &str) -> Vec<String> {
    let p = policy();
    read_entries(text.as_bytes(), "t.yaml", &p)
        .into_iter()
        .map(|e| match e.result {
            Ok(c) => format!("{}: {}", e.line, c.id),
            Err(err) => format!("{}: {}", e.line, err.error),
        })
        .collect()
}

#[test]
fn a_sequence_is_told_from_its_first_content() {
    let cases: &[(&str, Option<bool>)] = &[
        ("- id: a\n", Some(true)),
        ("[{\"id\": \"a\"}]", Some(true)),
        ("# comment\n\n%YAML 1.2\n---\n- id: a\n", Some(true)),
        ("--- - a\n", Some(true)),
        ("--- # list below\n- a\n", Some(true)),
        ("  -\n", Some(true)),
        ("id: a\n", Some(false)),
        ("{\"id\": \"a\"}", Some(false)),
        ("-5\n", Some(false)),
        ("---\n", Some(false)),
        ("", Some(false)),
    ];
    for (text, want) in cases {
        assert_eq!(starts_sequence(text.as_bytes(), true), *want, "{text:?}");
    }
    // Not known until the line goes on.
    assert_eq!(starts_sequence(b"# a comment that goes", false), None);
    assert_eq!(starts_sequence(b"--", false), None);
    assert_eq!(starts_sequence(b"-", false), None);
    assert_eq!(starts_sequence(b"- id: a", false), Some(true));
}

#[test]
fn bounded_values_are_serde_json_values() {
    let mut files: Vec<_> = std::fs::read_dir("policies")
        .unwrap()
        .chain(std::fs::read_dir("tests/fixtures/malformed/records").unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    let mut compared = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if text.len() > 1 << 20 {
            continue;
        }
        let plain = serde_saphyr::from_str_with_options::<Value>(&text, options());
        let bounded = serde_saphyr::from_str_with_options::<Bounded>(&text, options());
        match (plain, bounded) {
            (Ok(v), Ok(b)) => {
                assert_eq!(Ok(v), b.value, "{}", path.display());
                compared += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", path.display()),
            (a, b) => panic!("{}: {a:?} vs {b:?}", path.display()),
        }
    }
    assert!(compared > 50, "{compared}");
}

#[test]
fn a_record_over_the_limits_is_not_kept() {
    let many = format!("[{}0]", "0,".repeat(MAX_RECORD_NODES));
    let b: Bounded = serde_json::from_str(&many).unwrap();
    assert!(b.value.unwrap_err().contains("larger than the limit"));
    let long = format!("{{\"title\": \"{}\"}}", "x".repeat(MAX_RECORD_TEXT + 1));
    let b: Bounded = serde_json::from_str(&long).unwrap();
    assert!(b.value.is_err());
    let fine = format!("[{}0]", "0,".repeat(MAX_RECORD_NODES - 2));
    let b: Bounded = serde_json::from_str(&fine).unwrap();
    assert_eq!(
        b.value.unwrap().as_array().map(Vec::len),
        Some(MAX_RECORD_NODES - 1)
    );
}

#[test]
fn records_before_a_syntax_error_are_read_and_the_error_stands_for_the_rest() {
    let text = "- id: a\n- id: b\n  applied: [x\n- id: c\n";
    let got = read(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], "1: a");
    // The error is where parsing failed (the unclosed `[` runs on into line 4); the record
    // on line 2 is part of the unread rest.
    assert_eq!(
        got[1],
        "4: cannot read the records after the one on line 1: illegal placement of ':' indicator"
    );
    // With no record read, the whole file is in error, as before.
    let got = read("- id: [a\n- id: b\n");
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("cannot read records: "), "{got:?}");
}

#[test]
fn a_byte_that_is_not_utf8_stops_a_list_after_the_records_before_it() {
    let p = policy();
    let bytes = b"- id: a\n- id: b\n- id: c\n  applied: [\xFF]\n- id: d\n";
    let got: Vec<_> = read_entries(bytes, "t.yaml", &p)
        .into_iter()
        .map(|e| (e.line, e.result.map(|c| c.id).map_err(|e| e.error)))
        .collect();
    assert_eq!(got[0], (1, Ok("a".to_owned())));
    assert_eq!(got[1], (2, Ok("b".to_owned())));
    assert_eq!(
        got[2],
        (
            4,
            Err("cannot read the records after the one on line 2: a byte on line 4 is not UTF-8 text".into())
        )
    );
    assert_eq!(got.len(), 3);
    // A single record keeps the whole-file message.
    let one = read_entries(b"id: a\ntitle: \xFF\n", "t.yaml", &p);
    assert_eq!(
        one[0].result.as_ref().unwrap_err().error,
        "the file is not UTF-8 text (invalid byte on line 2)"
    );
}

#[test]
fn every_element_of_a_list_is_a_record_in_its_place() {
    let got = read("- id: a\n- 7\n-\n- id: b\n  bogus: 1\n- id: c\n");
    assert_eq!(
        got,
        [
            "1: a",
            "2: a record must be a mapping, found a number",
            "3: a record must be a mapping, found nothing",
            "4: unknown field `bogus` in the record",
            "6: c",
        ]
    );
}

#[test]
fn several_documents_stop_after_the_first() {
    let got = read("- id: a\n---\n- id: b\n");
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], "1: a");
    assert!(got[1].contains("several YAML documents"), "{got:?}");
}

#[test]
fn utf16_and_byte_order_marks_are_read_as_before() {
    let p = policy();
    let got = read_entries(b"\xFF\xFE-\x00 \x00", "t.yaml", &p);
    assert_eq!(
        got[0].result.as_ref().unwrap_err().error,
        "the file is UTF-16 text; save it as UTF-8"
    );
    assert_eq!(read("\u{feff}- id: a\n- id: b\n"), ["1: a", "2: b"]);
    assert_eq!(read("\u{feff}id: a\n"), ["1: a"]);
}

#[test]
fn the_caller_may_stop_the_reading() {
    let mut seen = 0;
    read_document("- id: a\n- id: b\n- id: c\n".as_bytes(), |_| {
        seen += 1;
        if seen == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(seen, 2);
}
