use super::super::Record;
use super::record;
use proptest::prelude::*;

/// What serde reads from a line, for comparison.
fn serde(line: &str) -> Option<Record<'_>> {
    serde_json::from_str(line).ok()
}

/// The law: when the quick reader gives a record, serde gives the same one.
fn agrees(line: &str) -> Result<(), TestCaseError> {
    if let Some(both) = super::super::quick_reader_disagrees(line) {
        return Err(TestCaseError::fail(format!("line: {line}\n{both}")));
    }
    Ok(())
}

#[test]
fn reads_the_usual_records() {
    let lines = [
        r#"{"id":"a","applied":["r0"],"credentials":[{"id":"c1","issued":"2024-01-02","verified":true}],"artifacts":[],"labs":[{"title":"l0","skills":["s1"],"completed":"2024-07-23","hours":6}]}"#,
        r#" { "id" : "b" , "credentials" : null , "labs" : [ { "hours" : 2.5 } ] } "#,
        r#"{"id":"c","work_samples":[{"skill":"s","score":87.5}],"experience":[{"skill":"s","months":18}],"education":[{"level":"associate","field":"CS","completed":true}]}"#,
        r#"{"id":"d","attributes":{"shift":"night","years":3,"nested":[1,{"a":"\"x\""}]},"protected":{"sex":"f"}}"#,
        r#"{"id":"é ü","artifacts":[{"title":"portfolio","skills":["s1","s2"],"date":"2025-03-01","reviewed":false}]}"#,
        r#"{"id":"f","credentials":[{"issuer":"https://x.example","title":"T","achievement":"urn:a","expires":"2030-01-01"}]}"#,
        "{}",
        r#"{"id":"g","labs":[{"hours":0},{"hours":0.05},{"hours":123456789012345}]}"#,
    ];
    for line in lines {
        let q = record(line);
        assert!(q.is_some(), "quick reader refused {line}");
        assert_eq!(q, serde(line), "{line}");
    }
}

#[test]
fn leaves_the_unusual_to_serde() {
    let lines = [
        r#"{"id":"a\"b"}"#,                                  // an escape
        r#"{"i\u0064":"a"}"#,                                // an escaped key
        r#"{"id":"a","id":"b"}"#,                            // a repeated key
        r#"{"id":"a","colour":"red"}"#,                      // an unknown key
        r#"{"id":"a","labs":[{"hours":1e2}]}"#,              // an exponent
        r#"{"id":"a","labs":[{"hours":-1}]}"#,               // a sign
        r#"{"id":"a","labs":[{"hours":01}]}"#,               // a leading zero
        r#"{"id":"a","labs":[{"hours":1.}]}"#,               // no fraction digits
        r#"{"id":"a","labs":[{"hours":1234567890123456}]}"#, // 16 digits
        r#"{"id":12}"#,                                      // a number id
        r#"{"id":"a"} x"#,                                   // trailing text
        r#"{"id":"a",}"#,                                    // a trailing comma
        "{\"id\":\"a\tb\"}",                                 // a control character
        r#"{"id":"a","credentials":[{"verified":"yes"}]}"#,  // a wrong type
        r#"[{"id":"a"}]"#,                                   // not an object
        r#"{"id":"a""#,                                      // cut short
        "",
    ];
    for line in lines {
        assert_eq!(record(line), None, "{line}");
    }
}

#[test]
fn attributes_nested_deeper_than_the_limit_go_to_serde() {
    let deep = |n: usize| {
        format!(
            r#"{{"id":"a","attributes":{}1{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    assert!(record(&deep(super::MAX_DEPTH)).is_some());
    assert_eq!(record(&deep(super::MAX_DEPTH + 1)), None);
    // serde_json itself stops at 128 levels for the whole line.
    assert_eq!(serde(&deep(128)), None);
}

#[test]
fn reads_every_generated_benchmark_record() {
    use crate::synth;
    let mut rng = synth::Rng::new(42);
    for i in 0..2_000 {
        let line = synth::record(&mut rng, i, synth::Shape::REFERENCE, Some("r0"));
        let q = record(&line);
        assert!(q.is_some(), "quick reader refused {line}");
        assert_eq!(q, serde(&line));
    }
}

/// Leaf tokens for each kind of field: of the right type, or (`odd`) anything at all.
fn string_token(odd: bool) -> BoxedStrategy<String> {
    let right = prop_oneof![
        12 => "[a-z0-9 :/.-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        1 => Just("null".to_string()),
        1 => Just(r#""a\"b""#.to_string()),
        1 => Just(r#""\u00e9""#.to_string()),
        1 => Just("\"caf\u{e9} \u{1F600}\"".to_string()),
    ];
    if !odd {
        return right.boxed();
    }
    prop_oneof![
        3 => right,
        1 => prop::sample::select(vec!["\"tab\there\"", "12", "true", "[]", "\"a"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn date_token(odd: bool) -> BoxedStrategy<String> {
    prop_oneof![
        4 => (2000u32..2030, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("\"{y}-{m:02}-{d:02}\"")),
        1 => Just("\"2024-02-30\"".to_string()),
        1 => Just("\"2024-01-01T10:00:00Z\"".to_string()),
        1 => string_token(odd),
    ]
    .boxed()
}

fn number_token(odd: bool) -> BoxedStrategy<String> {
    let right = prop_oneof![
        4 => (0u64..100_000).prop_map(|n| n.to_string()),
        4 => (0u64..100_000, 1usize..5).prop_map(|(n, k)| {
            let s = format!("{n:0>width$}", width = k + 1);
            format!("{}.{}", &s[..s.len() - k], &s[s.len() - k..])
        }),
        2 => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::to_string(&f).unwrap_or_else(|_| "0".into())),
        2 => prop::sample::select(vec![
            "-0", "-1", "-0.0", "0", "0.0", "1e2", "1E-2", "1.5e3", "123456789012345",
            "1234567890123456", "0.123456789012345", "99999999999999999999", "0.1", "0.2",
            "0.3", "2.675", "1.005", "9007199254740993", "null",
        ])
        .prop_map(str::to_string),
    ];
    if !odd {
        return right.boxed();
    }
    prop_oneof![
        3 => right,
        1 => prop::sample::select(vec!["00", "01", "1.", ".5", "1e400", "\"5\"", "true", "-"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn bool_token(odd: bool) -> BoxedStrategy<String> {
    let right = prop::sample::select(vec!["true", "false", "null"]).prop_map(str::to_string);
    if !odd {
        return right.boxed();
    }
    prop_oneof![
        3 => right,
        1 => prop::sample::select(vec!["1", "\"true\"", "tru", "nul"]).prop_map(str::to_string),
    ]
    .boxed()
}

fn any_json(odd: bool) -> BoxedStrategy<String> {
    let leaf = prop_oneof![string_token(odd), number_token(odd), bool_token(odd)];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|kv| {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
    .boxed()
}

/// An object from (key, value) fields, some left out; when `odd`, sometimes one repeated or
/// an unknown one added.
fn object(fields: Vec<(&'static str, BoxedStrategy<String>)>, odd: bool) -> BoxedStrategy<String> {
    let n = fields.len();
    let parts: Vec<BoxedStrategy<Option<(String, String)>>> = fields
        .into_iter()
        .map(|(k, v)| {
            proptest::option::weighted(0.7, v.prop_map(move |v| (k.to_string(), v))).boxed()
        })
        .collect();
    let extra = if odd {
        prop_oneof![4 => Just(None), 1 => Just(Some("colour")), 1 => Just(Some("i\\u0064"))].boxed()
    } else {
        Just(None).boxed()
    };
    let repeat = if odd { 0..n + 8 } else { n..n + 1 };
    (parts, repeat, extra)
        .prop_map(|(parts, repeat, extra)| {
            let mut kv: Vec<(String, String)> = parts.into_iter().flatten().collect();
            if let Some(r) = kv.get(repeat).cloned() {
                kv.push(r);
            }
            if let Some(k) = extra {
                kv.push((k.to_string(), "\"x\"".to_string()));
            }
            let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            format!("{{{}}}", body.join(","))
        })
        .boxed()
}

fn list(item: BoxedStrategy<String>, odd: bool) -> BoxedStrategy<String> {
    let right = prop_oneof![
        8 => prop::collection::vec(item, 0..4).prop_map(|v| format!("[{}]", v.join(","))),
        1 => Just("null".to_string()),
    ];
    if !odd {
        return right.boxed();
    }
    prop_oneof![5 => right, 1 => Just("{}".to_string()), 1 => Just("[1,]".to_string())].boxed()
}

/// A record line: of the right shape throughout, or (`odd`) with odd tokens and keys.
fn record_text(odd: bool) -> impl Strategy<Value = String> {
    let s = || string_token(odd);
    let credential = object(
        vec![
            ("id", s()),
            ("issuer", s()),
            ("title", s()),
            ("achievement", s()),
            ("issued", date_token(odd)),
            ("expires", date_token(odd)),
            ("verified", bool_token(odd)),
        ],
        odd,
    );
    let artifact = object(
        vec![
            ("title", s()),
            ("skills", list(s(), odd)),
            ("date", date_token(odd)),
            ("reviewed", bool_token(odd)),
        ],
        odd,
    );
    let lab = object(
        vec![
            ("title", s()),
            ("skills", list(s(), odd)),
            ("completed", date_token(odd)),
            ("hours", number_token(odd)),
        ],
        odd,
    );
    let sample = object(vec![("skill", s()), ("score", number_token(odd))], odd);
    let experience = object(vec![("skill", s()), ("months", number_token(odd))], odd);
    let degree = object(
        vec![
            ("level", s()),
            ("field", s()),
            ("completed", bool_token(odd)),
        ],
        odd,
    );
    object(
        vec![
            ("id", s()),
            ("applied", list(s(), odd)),
            ("attributes", any_json(odd)),
            ("protected", any_json(odd)),
            ("credentials", list(credential, odd)),
            ("artifacts", list(artifact, odd)),
            ("labs", list(lab, odd)),
            ("work_samples", list(sample, odd)),
            ("experience", list(experience, odd)),
            ("education", list(degree, odd)),
        ],
        odd,
    )
}

/// Spreads JSON whitespace between tokens: next to brackets, commas and colons outside strings.
fn spread(text: &str, seed: u64) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut in_string = false;
    let mut escaped = false;
    let mut after_structural = true;
    let mut x = seed | 1;
    let structural = |c: char| matches!(c, '{' | '}' | '[' | ']' | ',' | ':');
    for c in text.chars() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if !in_string && (structural(c) || after_structural) && x.is_multiple_of(3) {
            out.push([' ', '\t', '\r', '\n'][(x >> 8) as usize % 4]);
        }
        after_structural = !in_string && structural(c);
        out.push(c);
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// On records of every shape, spaced or not, cut anywhere: the quick reader gives what
    /// serde gives, or leaves the line to serde.
    #[test]
    fn quick_reader_agrees_with_serde(
        text in prop_oneof![record_text(false), record_text(true)],
        seed: u64,
        cut in 0usize..400,
    ) {
        agrees(&text)?;
        agrees(&spread(&text, seed))?;
        let end = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        agrees(&text[..end])?;
    }

    /// Plain records (no odd tokens) are read by the quick reader, not left to serde.
    #[test]
    fn plain_records_are_read_quickly(
        id in "[a-z0-9-]{1,10}",
        hours in prop::collection::vec((0u32..500, 0u32..100), 0..6),
        skills in prop::collection::vec("[a-z0-9]{1,6}", 0..4),
        seed: u64,
    ) {
        let labs: Vec<String> = hours
            .iter()
            .map(|(h, f)| format!(r#"{{"title":"t","skills":{skills:?},"completed":"2024-01-02","hours":{h}.{f}}}"#))
            .collect();
        let text = format!(r#"{{"id":"{id}","applied":["r0"],"labs":[{}]}}"#, labs.join(","));
        for line in [text.clone(), spread(&text, seed)] {
            let q = record(&line);
            prop_assert!(q.is_some(), "refused {}", line);
            prop_assert_eq!(q, serde(&line));
        }
    }
}
