use super::*;

fn policy() -> Policy {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    crate::compile_str("acme-cyber.credo", &text)
        .policy
        .unwrap()
}

fn as_of() -> Date {
    jiff::civil::date(2026, 11, 25)
}

fn errors(entries: &[OutcomeEntry]) -> Vec<(usize, String)> {
    entries
        .iter()
        .filter_map(|e| e.result.as_ref().err().map(|r| (r.line, r.error.clone())))
        .collect()
}

/// The CSV, YAML, JSON and JSONL forms of the same outcomes read as the same hires.
#[test]
fn every_format_reads_the_same_hires() {
    let p = policy();
    let csv = "candidate,role,hired,productive,left,training_hours,training_cost,moves\n\
               c-1,soc_analyst,2026-01-12,2026-03-02,,40,1800,2026-11-01 soc_analyst_ii; 2026-11-20 lead\n\
               c-2,network_technician,2025-06-01,,2026-02-28,,,\n";
    let yaml = "- candidate: c-1\n  role: soc_analyst\n  hired: 2026-01-12\n  productive: 2026-03-02\n  \
                training_hours: 40\n  training_cost: 1800\n  moves:\n    - { date: 2026-11-01, role: soc_analyst_ii }\n    \
                - { date: 2026-11-20, role: lead }\n\
                - candidate: c-2\n  role: network_technician\n  hired: 2025-06-01\n  left: 2026-02-28\n";
    let jsonl = "{\"candidate\": \"c-1\", \"role\": \"soc_analyst\", \"hired\": \"2026-01-12\", \"productive\": \"2026-03-02\", \
                 \"training_hours\": 40, \"training_cost\": 1800, \"moves\": [{\"date\": \"2026-11-01\", \"role\": \"soc_analyst_ii\"}, \
                 {\"date\": \"2026-11-20\", \"role\": \"lead\"}]}\n\
                 {\"candidate\": \"c-2\", \"role\": \"network_technician\", \"hired\": \"2025-06-01\", \"left\": \"2026-02-28\"}\n";
    let json = format!("[{}]", jsonl.trim().replace('\n', ","));
    let hires = |text: &str, format| -> Vec<Hire> {
        read_outcomes(text.as_bytes(), "f", format, &p, as_of())
            .into_iter()
            .map(|e| e.result.unwrap())
            .collect()
    };
    let from_csv = hires(csv, OutcomeFormat::Csv);
    assert_eq!(from_csv.len(), 2);
    assert_eq!(from_csv[0].moves.len(), 2);
    assert_eq!(from_csv[0].training_cost, Some(1800.0));
    assert_eq!(from_csv[1].left, Some(jiff::civil::date(2026, 2, 28)));
    assert_eq!(hires(yaml, OutcomeFormat::Yaml), from_csv);
    assert_eq!(hires(jsonl, OutcomeFormat::Jsonl), from_csv);
    assert_eq!(hires(&json, OutcomeFormat::Json), from_csv);
}

/// Each kind of bad row is an error at its own line, naming every problem; the good rows
/// around it are read.
#[test]
fn bad_rows_are_errors_in_their_place() {
    let p = policy();
    let csv = "candidate,role,hired,productive,left,training_hours,training_cost,moves\n\
               c-1,soc_analyst,2026-01-12,,,,,\n\
               c-2,soc_analyst,2026-01-12,2025-12-01,2025-11-01,,,\n\
               c-3,janitor,2026-13-01,,,lots,-5,\n\
               c-4,soc_analyst,2026-01-12,,,,,2026-01-01 lead; soon\n\
               c-5,soc_analyst,2027-01-01,,,,,\n\
               c-6,soc_analyst\n\
               c-7,soc_analyst,2026-01-12,2026-06-01,2026-05-01,,,\n";
    let entries = read_outcomes(csv.as_bytes(), "o.csv", OutcomeFormat::Csv, &p, as_of());
    assert_eq!(entries.len(), 7);
    assert!(entries[0].result.is_ok());
    insta::assert_debug_snapshot!(errors(&entries));
}

/// A header with an unknown or missing column is one error standing for the file.
#[test]
fn a_bad_header_stands_for_the_file() {
    let p = policy();
    let csv = "candidate,rol,hired\nc-1,soc_analyst,2026-01-12\n";
    let entries = read_outcomes(csv.as_bytes(), "o.csv", OutcomeFormat::Csv, &p, as_of());
    insta::assert_debug_snapshot!(errors(&entries));
}

/// A repeated (candidate, role, hired) is an error naming the first; the same candidate hired
/// again on another day, or into another role, is not.
#[test]
fn a_repeated_hire_is_an_error() {
    let p = policy();
    let yaml = "- { candidate: c-1, role: soc_analyst, hired: 2026-01-12 }\n\
                - { candidate: c-1, role: soc_analyst, hired: 2026-02-12 }\n\
                - { candidate: c-1, role: network_technician, hired: 2026-01-12 }\n\
                - { candidate: c-1, role: soc_analyst, hired: 2026-01-12 }\n";
    let o = Outcomes::new(read_outcomes(
        yaml.as_bytes(),
        "o.yaml",
        OutcomeFormat::Yaml,
        &p,
        as_of(),
    ));
    assert_eq!(o.hires.len(), 3);
    assert_eq!(o.of("c-1"), &[0, 1, 2]);
    assert!(o.hired_as("c-1", "network_technician"));
    assert!(!o.hired_as("c-1", "everup_cohort"));
    let errs: Vec<(usize, usize, &str)> = o
        .errors
        .iter()
        .map(|(seq, e)| (*seq, e.line, e.error.as_str()))
        .collect();
    assert_eq!(
        errs,
        vec![(
            3,
            4,
            "repeated hire: `c-1` hired as `soc_analyst` on 2026-01-12 is already at line 1"
        )]
    );
}

/// A UTF-8 byte order mark is skipped in every format; UTF-16 text is one error for the file.
#[test]
fn byte_order_marks() {
    let p = policy();
    let csv = "\u{feff}candidate,role,hired,productive,left,training_hours,training_cost,moves\n\
               c-1,soc_analyst,2026-01-12,,,,,\n";
    let entries = read_outcomes(csv.as_bytes(), "o.csv", OutcomeFormat::Csv, &p, as_of());
    assert_eq!(entries.len(), 1);
    assert!(entries[0].result.is_ok(), "{:?}", errors(&entries));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("candidate: c-1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let entries = read_outcomes(&utf16, "o.yaml", OutcomeFormat::Yaml, &p, as_of());
    assert_eq!(
        errors(&entries),
        vec![(1, "the file is UTF-16 text; save it as UTF-8".to_owned())]
    );
}
