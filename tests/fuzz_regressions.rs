//! Inputs the fuzzers found (`tests/fixtures/fuzz/TARGET/`), replayed with the same checks as
//! the fuzz targets in `fuzz/fuzz_targets/`, so a fixed finding stays fixed.

use credo::record::{read_records, Format};

fn acme() -> credo::policy::Policy {
    credo::load_policy(std::path::Path::new("policies/acme-cyber.credo"))
        .unwrap()
        .policy
        .unwrap()
}

/// The `records` target: the first byte picks the format; every JSONL line is accounted for.
fn records_target(data: &[u8], policy: &credo::policy::Policy) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = match first % 3 {
        0 => Format::Yaml,
        1 => Format::Json,
        _ => Format::Jsonl,
    };
    let text = String::from_utf8_lossy(rest);
    let entries = read_records(&text, "fuzz", format, policy);
    if format == Format::Jsonl {
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines = body.split('\n').filter(|l| !l.trim().is_empty()).count();
        assert_eq!(entries.len(), lines, "every JSONL line is accounted for");
    }
}

#[test]
fn record_findings_stay_fixed() {
    let policy = acme();
    let mut n = 0;
    for entry in std::fs::read_dir("tests/fixtures/fuzz/records").unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        records_target(&data, &policy);
        n += 1;
    }
    assert!(n >= 1);
}

/// The first finding: a JSONL file that is only a byte order mark holds no record, and a BOM
/// before a record does not hide it.
#[test]
fn a_bom_only_jsonl_file_has_no_records_and_a_bom_does_not_hide_one() {
    let policy = acme();
    assert!(read_records("\u{feff}", "bom.jsonl", Format::Jsonl, &policy).is_empty());
    let one = read_records(
        "\u{feff}{\"id\":\"a\"}\n",
        "bom.jsonl",
        Format::Jsonl,
        &policy,
    );
    assert_eq!(one.len(), 1);
    assert!(one[0].result.is_ok());
}
