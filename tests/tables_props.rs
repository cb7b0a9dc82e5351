//! Round trip of record sets (SPEC §16): records → a folder of CSV tables → records is the
//! identity, for the values `credo convert` writes and for the candidates `eval` reads.

use credo::record::table::{open, read_entries, read_set, write_csv_set};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn policy() -> credo::policy::Policy {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    credo::compile_str("acme.credo", &text).policy.unwrap()
}

fn date() -> impl Strategy<Value = String> {
    (1990i16..2030, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

/// Free text: commas, quotes, line breaks, `;` and non-ASCII letters, which CSV must quote or
/// keep; never blank (a table reads a blank cell as absent).
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,\"\n;é+=-]{0,12}[a-zA-Z0-9é]".prop_map(|s| s)
}

fn skill() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "scripting",
        "network_security",
        "threat_detection",
        "cloud_security",
    ])
    .prop_map(str::to_owned)
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..100).prop_map(|n| json!(n)),
        (0u32..100).prop_map(|n| json!(f64::from(n) + 0.5)),
    ]
}

fn object(pairs: Vec<(&str, Option<Value>)>) -> Value {
    let m: Map<String, Value> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Value::Object(m)
}

fn credential() -> impl Strategy<Value = Value> {
    let named = prop_oneof![
        prop::sample::select(vec!["security_plus", "cysa_plus"]).prop_map(|i| (
            Some(json!(i)),
            None,
            None,
            None
        )),
        "urn:uuid:[0-9a-f]{8}".prop_map(|a| (None, None, None, Some(json!(a)))),
        ("https://[a-z]{3,8}\\.org", text()).prop_map(|(i, t)| (
            None,
            Some(json!(i)),
            Some(json!(t)),
            None
        )),
    ];
    (
        named,
        prop::option::of(date()),
        prop::option::of(0u8..4),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |((id, issuer, title, achievement), issued, years, verified)| {
                // Expires on or after it was issued.
                let expires = issued.as_ref().zip(years).map(|(d, y)| {
                    let year: i16 = d[..4].parse().unwrap();
                    json!(format!("{}{}", year + i16::from(y), &d[4..]))
                });
                object(vec![
                    ("id", id),
                    ("issuer", issuer),
                    ("title", title),
                    ("achievement", achievement),
                    ("issued", issued.map(Value::String)),
                    ("expires", expires),
                    ("verified", verified.map(Value::Bool)),
                ])
            },
        )
}

fn record(i: usize) -> impl Strategy<Value = Value> {
    let head = (
        prop::sample::subsequence(vec!["soc_analyst", "cloud_security_associate"], 0..=2),
        prop::option::of(any::<bool>()),
        prop::option::of(number()),
        prop::option::of("[A-Z][a-z]{1,8} College"),
        prop::option::of(prop::sample::select(vec!["female", "male", "x"])),
        prop::option::of(text()),
    );
    let artifacts = prop::collection::vec(
        (
            prop::option::of(text()),
            prop::collection::vec(skill(), 0..3),
            prop::option::of(date()),
            prop::option::of(any::<bool>()),
        ),
        0..3,
    );
    let labs = prop::collection::vec(
        (
            prop::option::of(text()),
            prop::collection::vec(skill(), 0..3),
            prop::option::of(date()),
            prop::option::of(number()),
        ),
        0..3,
    );
    let samples = prop::collection::vec((skill(), number()), 0..3);
    let experience = prop::collection::vec((skill(), number()), 0..3);
    let education = prop::collection::vec(
        (
            prop::option::of(prop::sample::select(vec!["associate", "bachelor"])),
            prop::option::of(text()),
            prop::option::of(any::<bool>()),
        ),
        0..2,
    );
    (
        head,
        prop::collection::vec(credential(), 0..3),
        artifacts,
        labs,
        samples,
        experience,
        education,
    )
        .prop_map(
            move |(
                (applied, enrolled, credits, campus, sex, note),
                creds,
                arts,
                labs,
                samples,
                exp,
                edu,
            )| {
                let mut r = Map::new();
                r.insert("id".into(), json!(format!("c-{i}")));
                if !applied.is_empty() {
                    r.insert("applied".into(), json!(applied));
                }
                let attrs = object(vec![
                    ("enrolled", enrolled.map(Value::Bool)),
                    ("credits", credits),
                    ("campus", campus.map(Value::String)),
                ]);
                if attrs.as_object().is_some_and(|m| !m.is_empty()) {
                    r.insert("attributes".into(), attrs);
                }
                let protected = object(vec![
                    ("sex", sex.map(|s| json!(s))),
                    ("note", note.map(Value::String)),
                ]);
                if protected.as_object().is_some_and(|m| !m.is_empty()) {
                    r.insert("protected".into(), protected);
                }
                let mut list = |k: &str, items: Vec<Value>| {
                    if !items.is_empty() {
                        r.insert(k.into(), Value::Array(items));
                    }
                };
                list("credentials", creds);
                let skills = |s: Vec<String>| (!s.is_empty()).then(|| json!(s));
                list(
                    "artifacts",
                    arts.into_iter()
                        .map(|(t, s, d, rv)| {
                            object(vec![
                                ("title", t.map(Value::String)),
                                ("skills", skills(s)),
                                ("date", d.map(Value::String)),
                                ("reviewed", rv.map(Value::Bool)),
                            ])
                        })
                        .collect(),
                );
                list(
                    "labs",
                    labs.into_iter()
                        .map(|(t, s, d, h)| {
                            object(vec![
                                ("title", t.map(Value::String)),
                                ("skills", skills(s)),
                                ("completed", d.map(Value::String)),
                                ("hours", h),
                            ])
                        })
                        .collect(),
                );
                list(
                    "work_samples",
                    samples
                        .into_iter()
                        .map(|(s, n)| json!({"skill": s, "score": n}))
                        .collect(),
                );
                list(
                    "experience",
                    exp.into_iter()
                        .map(|(s, n)| json!({"skill": s, "months": n}))
                        .collect(),
                );
                list(
                    "education",
                    edu.into_iter()
                        .map(|(l, f, c)| {
                            object(vec![
                                ("level", l.map(|s| json!(s))),
                                ("field", f.map(Value::String)),
                                ("completed", c.map(Value::Bool)),
                            ])
                        })
                        .collect(),
                );
                Value::Object(r)
            },
        )
}

fn records() -> impl Strategy<Value = Vec<Value>> {
    (0usize..6).prop_flat_map(|n| (0..n).map(record).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn records_to_csv_tables_and_back_is_the_identity(records in records()) {
        let policy = policy();
        let dir = tempfile::tempdir().unwrap();
        let refused = write_csv_set(dir.path(), &records).unwrap();
        prop_assert!(refused.is_empty(), "{refused:?}");
        let set = dir.path().to_str().unwrap();
        // The values, as `credo convert` writes them back.
        let src = open(set, None).unwrap();
        let mut back = Vec::new();
        read_set(src.as_ref(), |r| {
            back.push(r.value(Some(&policy)).map_err(|e| e.error));
            std::ops::ControlFlow::Continue(())
        }).unwrap();
        let want: Vec<Result<Value, String>> = records.iter().cloned().map(Ok).collect();
        prop_assert_eq!(back, want);
        // The candidates, as `eval` reads them.
        let from_tables: Vec<_> = read_entries(set, None, &policy).unwrap().into_iter().map(|e| e.result).collect();
        let from_values: Vec<_> = records.iter().map(|v| credo::record::from_value(v, "x", 1, &policy)).collect();
        prop_assert!(from_values.iter().all(Result::is_ok), "{from_values:?}");
        let ok = |v: Vec<Result<credo::record::Candidate, credo::record::RecordError>>| v.into_iter().map(Result::ok).collect::<Vec<_>>();
        prop_assert_eq!(ok(from_tables), ok(from_values));
    }
}

/// The check of the `tables` fuzz target (`fuzz/fuzz_targets/tables.rs`), on CSV-like bytes:
/// no panic, and every candidate row becomes a record.
fn tables_target(data: &[u8], policy: &credo::policy::Policy) {
    use credo::record::table::{from_csv_bytes, Table};
    let tables: Vec<(Table, &[u8])> = Table::ALL
        .into_iter()
        .zip(data.split(|&b| b == 0xFF))
        .collect();
    let Ok(src) = from_csv_bytes(&tables, None) else {
        return;
    };
    let Ok(rows) = src.rows(Table::Candidates) else {
        return;
    };
    let rows = rows.filter(Result::is_ok).count();
    let mut candidates = 0;
    let read = read_set(src.as_ref(), |r| {
        let _ = r.entry(policy);
        let _ = r.value(None);
        candidates += usize::from(r.is_candidate());
        std::ops::ControlFlow::Continue(())
    });
    if read.is_ok() {
        assert_eq!(candidates, rows, "every candidate row is a record");
    }
}

/// Bytes built from the pieces a CSV set is made of (headers, separators, quotes, line
/// breaks, ids, dates, numbers, bad UTF-8, table breaks).
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        &b"id"[..],
        b"candidate",
        b"applied",
        b"attr.enrolled",
        b"attr.credits",
        b"protected.sex",
        b"skill",
        b"score",
        b"months",
        b"issued",
        b"verified",
        b"hours",
        b"title",
        b"skills",
        b"c-1",
        b"c-2",
        b"",
        b",",
        b",",
        b"\n",
        b"\n",
        b"\r\n",
        b"\r",
        b"\"",
        b"\"\"",
        b";",
        b"2025-03-14",
        b"2025-02-30",
        b"true",
        b"FALSE",
        b"42",
        b"-1",
        b"1e9",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xFF",
        b"\xC3",
        b"\xFE\xFF",
        b" ",
        b"scripting",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|ps| ps.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_sets_of_any_bytes_are_read_without_panic(data in csv_like()) {
        tables_target(&data, &policy());
    }
}

/// The malformed corpus, through the fuzz target's check.
#[test]
fn malformed_sets_pass_the_fuzz_check() {
    let names = [
        "candidates",
        "credentials",
        "artifacts",
        "labs",
        "work_samples",
        "experience",
        "education",
    ];
    let policy = policy();
    let mut n = 0;
    for dir in std::fs::read_dir("tests/fixtures/malformed/tables").unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let parts: Vec<Vec<u8>> = names
            .iter()
            .map(|t| std::fs::read(dir.join(format!("{t}.csv"))).unwrap_or_default())
            .collect();
        tables_target(&parts.join(&0xFF), &policy);
        n += 1;
    }
    assert_eq!(n, 25);
}
