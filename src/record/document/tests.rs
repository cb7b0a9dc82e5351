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
            // A repeated key or `.nan` is a problem of the record, which `Value` does not see.
            (Ok(_), Ok(b)) if b.problem.is_some() => {}
            (Ok(v), Ok(b)) => {
                assert_eq!(v, b.value, "{}", path.display());
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
    assert!(b.problem.unwrap().contains("larger than the limit"));
    let long = format!("{{\"title\": \"{}\"}}", "x".repeat(MAX_RECORD_TEXT + 1));
    let b: Bounded = serde_json::from_str(&long).unwrap();
    assert!(b.problem.is_some());
    let fine = format!("[{}0]", "0,".repeat(MAX_RECORD_NODES - 2));
    let b: Bounded = serde_json::from_str(&fine).unwrap();
    assert_eq!(b.problem, None);
    assert_eq!(b.value.as_array().map(Vec::len), Some(MAX_RECORD_NODES - 1));
}

#[test]
fn after_a_syntax_error_reading_goes_on_at_the_next_record() {
    let text = "- id: a\n- id: b\n  applied: [x\n- id: c\n";
    // The error is where parsing failed (the unclosed `[` runs on into line 4): the record on
    // line 2 is skipped, and the one on line 4 read again from its start.
    assert_eq!(
        read(text),
        [
            "1: a",
            "2: cannot read the record on line 2: illegal placement of ':' indicator (line 4); \
             skipped lines 2–3 (1 record), read on from line 4",
            "4: c",
        ]
    );
    // With no record read before, the first is skipped and the rest read.
    assert_eq!(
        read("- id: [a\n- id: b\n"),
        [
            "1: cannot read the record on line 1: illegal placement of ':' indicator (line 2); \
             skipped line 1 (1 record), read on from line 2",
            "2: b"
        ]
    );
}

#[test]
fn the_lines_up_to_the_error_are_skipped_and_counted() {
    // The quote is found unclosed on line 3; reading goes on at the next record after it.
    let got = read("- id: a\n- id: b\n  title: \"x\n    y\n- id: c\n");
    assert_eq!(
        got,
        [
            "1: a",
            "2: cannot read the record on line 2: unclosed quote (line 3); skipped lines 2–4 \
             (1 record), read on from line 5",
            "5: c"
        ]
    );
    // Lists nested in the broken record are not records of the list.
    let got = read("- id: a\n- id: b\n  applied: [x\n  - id: c\n  - id: d\n- id: e\n");
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[1].ends_with("skipped lines 2–5 (1 record), read on from line 6"));
    assert_eq!(got[2], "6: e");
}

#[test]
fn a_repeated_key_or_a_number_that_is_not_finite_is_one_records_error() {
    let text = "- id: a\n- id: b\n  id: c\n- id: d\n  work_samples:\n    - { skill: scripting, score: .nan }\n- id: e\n  credentials:\n    - { id: x, issued: 2025-01-01, issued: 2025-01-02 }\n- id: f\n  attributes: { credits: .inf }\n- id: g\n";
    assert_eq!(
        read(text),
        [
            "1: a",
            "2: the key `id` is given twice in the record",
            "4: `score` is not a finite number (it reads as .nan)",
            "7: the key `issued` is given twice in one mapping under `credentials`",
            "10: `credits` is not a finite number (it reads as infinite)",
            "12: g",
        ]
    );
    // The record's id is known all the same.
    let p = policy();
    let e = read_entries(b"- id: b\n  id: c\n", "t.yaml", &p);
    assert_eq!(
        e[0].result.as_ref().unwrap_err().record.as_deref(),
        Some("b")
    );
}

#[test]
fn a_json_array_goes_on_at_the_next_record_at_its_indentation() {
    let text = "[\n  {\n    \"id\": \"a\"\n  },\n  {\n    \"id\": \"b\",, \"x\": 1\n  },\n  {\n    \"id\": \"c\",\n    \"credentials\": [\n      {\"id\": \"x\"}\n    ]\n  }\n]\n";
    let got = read(text);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], "2: a");
    assert!(
        got[1].starts_with("5: cannot read the record on line 5: ")
            && got[1].ends_with("skipped lines 5–7 (1 record), read on from line 8"),
        "{got:?}"
    );
    assert_eq!(got[2], "8: c");
    // Broken in its first record, the indentation is taken from the first `{` line, and kept
    // for the next error.
    let got = read(
        "[\n {\"id\": \"a\",,},\n {\"id\": \"b\"},\n {\"id\": \"c\",,},\n {\"id\": \"d\"}\n]\n",
    );
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        (got[1].as_str(), got[3].as_str()),
        ("3: b", "5: d"),
        "{got:?}"
    );
    assert!(
        got[2].starts_with("4: cannot read the record on line 4"),
        "{got:?}"
    );
    // On one line, there is nowhere to go on from.
    let got = read("[{\"id\": \"a\"}, {\"id\": \"b\",,}, {\"id\": \"c\"}]");
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[1].contains("skipped the rest of the list (line 1, 0 records)"),
        "{got:?}"
    );
}

#[test]
fn a_byte_that_is_not_utf8_skips_its_record() {
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
            3,
            Err(
                "cannot read the record on line 3: a byte on line 4 is not UTF-8 text (line 4); \
                 skipped lines 3–4 (1 record), read on from line 5"
                    .into()
            )
        )
    );
    assert_eq!(got[3], (5, Ok("d".to_owned())));
    assert_eq!(got.len(), 4);
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
fn a_second_document_is_an_error_and_its_list_is_read_on() {
    let got = read("- id: a\n---\n- id: b\n");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], "1: a");
    assert!(got[1].contains("several YAML documents"), "{got:?}");
    assert!(
        got[1].ends_with("(line 3); skipped line 2 (0 records), read on from line 3"),
        "{got:?}"
    );
    assert_eq!(got[2], "3: b");
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
