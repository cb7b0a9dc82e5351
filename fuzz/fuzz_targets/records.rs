//! Record text (YAML, JSON or JSONL, chosen by the first byte) → candidates or record errors.
#![no_main]

use credo::record::{read_records, Format};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policy() -> &'static credo::policy::Policy {
    static P: OnceLock<credo::policy::Policy> = OnceLock::new();
    P.get_or_init(|| {
        credo::compile_str("acme.credo", include_str!("../../policies/acme-cyber.credo"))
            .policy
            .expect("the shipped policy checks")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let format = match first % 3 {
        0 => Format::Yaml,
        1 => Format::Json,
        _ => Format::Jsonl,
    };
    let text = String::from_utf8_lossy(rest);
    let entries = read_records(&text, "fuzz", format, policy());
    if format == Format::Jsonl {
        // A leading byte order mark is skipped, as in every record format.
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines = body.split('\n').filter(|l| !l.trim().is_empty()).count();
        assert_eq!(entries.len(), lines, "every JSONL line is accounted for");
        // The id screen of a streamed batch reads every line too, and agrees with the reader
        // on every line the reader accepts.
        for (line, e) in body
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .zip(&entries)
        {
            // The hand-written record reader reads what serde reads, or leaves the line to it.
            let line = line.trim_end_matches('\r');
            if let Some(both) = credo::record::quick_reader_disagrees(line) {
                panic!("the quick reader disagrees with serde on {line:?}\n{both}");
            }
            let id = credo::record::line_id(line);
            if let Ok(c) = &e.result {
                assert_eq!(id.as_deref(), Some(c.id.as_str()), "the screen reads the record's id");
            }
        }
    }
});
