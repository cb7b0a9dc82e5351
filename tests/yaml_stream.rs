//! YAML and JSON lists of records are streamed: read record by record (no cap on their length),
//! decided and written in input order for any `--jobs`, from files and standard input; a
//! document that breaks off keeps the records before it and reports one error for the rest;
//! repeated ids are found across chunks.

mod common;

use credo::record::{read_json_line, read_records, read_records_bytes, Entry, Format};
use credo::synth::{self, Rng, Shape};
use std::process::Output;

fn credo(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::credo_with_input(args, stdin.unwrap_or_default())
}

fn policy_of(name: &str) -> credo::policy::Policy {
    credo::load_policy(std::path::Path::new(name))
        .unwrap()
        .policy
        .unwrap()
}

/// `line: id` or `line: error` for each entry.
fn summary(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| match &e.result {
            Ok(c) => format!("{}: {c:?}", e.line),
            Err(err) => format!("{}: {:?} {}", e.line, err.record, err.error),
        })
        .collect()
}

/// `n` generated reference records (a third each for roles r0, r1 and r4) as a block YAML list.
fn yaml_list(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let values: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let role = ["r0", "r1", "r4"][i % 3];
            serde_json::from_str(&synth::record(&mut rng, i, Shape::REFERENCE, Some(role))).unwrap()
        })
        .collect();
    serde_saphyr::to_string(&values).unwrap()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("credo-yaml-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("policy.credo"),
        synth::policy(Shape::REFERENCE, 42),
    )
    .unwrap();
    dir
}

#[test]
fn streamed_lists_read_the_shipped_records_as_the_whole_document_reader_did() {
    for name in ["acme-cyber", "data-analytics", "everup-admission"] {
        let policy = policy_of(&format!("policies/{name}.credo"));
        let text = std::fs::read_to_string(format!("policies/{name}.records.yaml")).unwrap();
        // The reader before streaming: the whole document parsed at once, each element then
        // read as the record it holds.
        let whole: Vec<serde_saphyr::Spanned<serde_json::Value>> =
            serde_saphyr::from_str(&text).unwrap();
        let mut before: Vec<Entry> = whole
            .iter()
            .map(|s| {
                let line = s.referenced.line() as usize;
                read_json_line(&s.value.to_string(), "r.yaml", line, &policy)
            })
            .collect();
        credo::record::mark_duplicates(&mut before);
        let now = read_records(&text, "r.yaml", Format::Yaml, &policy);
        assert!(now.len() >= 10, "{name}");
        assert_eq!(summary(&before), summary(&now), "{name}");
    }
}

#[test]
fn a_list_of_60000_records_is_read_whole() {
    let policy = policy_of("policies/acme-cyber.credo");
    // More records than one document used to be allowed (about 50,000 typical ones), and more
    // values in all (1.2 million) than one record may hold: the limits are per record. (Past
    // the old 5 million values takes over 8 s in a debug build; the release measurements in
    // the README go to 90 million.)
    let mut text = String::new();
    for i in 0..60_000 {
        text.push_str(&format!(
            "- id: r{i}\n  applied: [soc_analyst]\n  credentials:\n    - {{ id: security_plus, issued: 2025-01-01, verified: true }}\n  protected: {{ sex: female }}\n"
        ));
    }
    let entries = read_records_bytes(text.as_bytes(), "big.yaml", Format::Yaml, &policy);
    assert_eq!(entries.len(), 60_000);
    for (i, e) in entries.iter().enumerate() {
        let c = e.result.as_ref().unwrap();
        assert_eq!(c.id, format!("r{i}"));
        assert_eq!(e.line, 1 + 5 * i);
    }
}

#[test]
fn output_is_byte_identical_for_any_jobs_and_from_stdin() {
    let dir = scratch("jobs");
    // Two chunks of records.
    let text = yaml_list(1100, 9);
    let file = dir.join("records.yaml");
    std::fs::write(&file, &text).unwrap();
    let policy = dir.join("policy.credo");
    let (policy, file) = (policy.to_str().unwrap(), file.to_str().unwrap());
    let run = |format: &[&str], jobs: &str, records: &str, stdin: Option<&[u8]>| {
        let mut args = vec!["eval", policy, records, "--as-of", "2026-11-25", "-j", jobs];
        args.extend_from_slice(format);
        common::success(credo(&args, stdin))
    };
    let jsonl = &["--format", "jsonl"][..];
    let one = run(jsonl, "1", file, None);
    assert_eq!(one, run(jsonl, "2", file, None));
    assert_eq!(one, run(jsonl, "3", file, None));
    assert_eq!(one, run(jsonl, "2", "-", Some(text.as_bytes())));
    for format in [&["--format", "json"][..], &["--explain"]] {
        let one = run(format, "1", file, None);
        assert!(one.len() > 100_000);
        assert_eq!(one, run(format, "3", file, None), "{format:?}");
    }
    // Every record is decided, in input order.
    let ids: Vec<String> = String::from_utf8(one)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["candidate"].to_string())
        .collect();
    let want: Vec<String> = (0..1100).map(|i| format!("\"cand-{i}\"")).collect();
    assert_eq!(ids, want);
}

#[test]
fn a_syntax_error_mid_file_skips_its_record_and_the_list_reads_on() {
    let dir = scratch("broken");
    let mut text = yaml_list(3000, 4);
    // Break the list at the record with id cand-2100: its value runs into an unclosed list.
    let at = text.find("- id: cand-2100\n").unwrap();
    text.insert_str(at + "- id: cand-2100\n".len(), "  applied: [r0\n");
    let line = text[..at].lines().count() + 1;
    let file = dir.join("records.yaml");
    std::fs::write(&file, &text).unwrap();
    let policy = dir.join("policy.credo");
    let (policy, file_str) = (policy.to_str().unwrap(), file.to_str().unwrap());
    for stdin in [false, true] {
        let (records, input) = match stdin {
            false => (file_str, None),
            true => ("-", Some(text.as_bytes())),
        };
        let o = credo(
            &[
                "eval",
                policy,
                records,
                "--as-of",
                "2026-11-25",
                "--format",
                "jsonl",
                "-j",
                "2",
            ],
            input,
        );
        assert_eq!(o.status.code(), Some(3));
        let out = String::from_utf8(o.stdout).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3000, "one error in place of cand-2100");
        for (i, d) in lines.iter().enumerate().filter(|(i, _)| *i != 2100) {
            assert_eq!(d["candidate"], format!("cand-{i}"));
        }
        let err = &lines[2100];
        assert_eq!(err["file"], records);
        assert_eq!(err["line"].as_u64().unwrap(), line as u64, "{err}");
        let next = text[..text.find("- id: cand-2101\n").unwrap()]
            .lines()
            .count()
            + 1;
        let msg = err["error"].as_str().unwrap();
        assert!(
            msg.starts_with(&format!("cannot read the record on line {line}: "))
                && msg.ends_with(&format!(
                    "skipped lines {line}–{} (1 record), read on from line {next}",
                    next - 1
                )),
            "{msg}"
        );
    }
    // The text summary counts them.
    let o = credo(&["eval", policy, file_str, "--as-of", "2026-11-25"], None);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("2999 decisions, 1 record error"),
        "{stderr}"
    );
}

#[test]
fn repeated_ids_across_chunks_are_errors_naming_the_first_line() {
    let dir = scratch("dupes");
    let mut text = yaml_list(2500, 5);
    // Repeat cand-5 after the first chunk of 1,024 and cand-2000 near the end.
    for (after, id) in [
        ("- id: cand-1500\n", "cand-5"),
        ("- id: cand-2400\n", "cand-2000"),
    ] {
        let at = text.find(after).unwrap();
        text.insert_str(at, &format!("- id: {id}\n  applied: [r0]\n"));
    }
    let first = |id: &str| {
        text[..text.find(&format!("- id: {id}\n")).unwrap()]
            .lines()
            .count()
            + 1
    };
    let (first5, first2000) = (first("cand-5"), first("cand-2000"));
    let file = dir.join("records.yaml");
    std::fs::write(&file, &text).unwrap();
    let policy = dir.join("policy.credo");
    let o = credo(
        &[
            "eval",
            policy.to_str().unwrap(),
            file.to_str().unwrap(),
            "--as-of",
            "2026-11-25",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(3));
    let errors: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["record"], "cand-5");
    assert_eq!(
        errors[0]["error"],
        format!("duplicate record id `cand-5` (first at line {first5})")
    );
    assert_eq!(errors[1]["record"], "cand-2000");
    assert_eq!(
        errors[1]["error"],
        format!("duplicate record id `cand-2000` (first at line {first2000})")
    );
}

#[test]
fn a_json_array_streams_like_a_yaml_list() {
    let dir = scratch("json");
    let mut rng = Rng::new(3);
    let items: Vec<String> = (0..1500)
        .map(|i| synth::record(&mut rng, i, Shape::REFERENCE, Some("r0")))
        .collect();
    let json = format!("[\n{}\n]\n", items.join(",\n"));
    let jsonl = items.join("\n") + "\n";
    std::fs::write(dir.join("r.json"), &json).unwrap();
    std::fs::write(dir.join("r.jsonl"), &jsonl).unwrap();
    let policy = dir.join("policy.credo");
    let run = |name: &str| {
        let f = dir.join(name);
        let o = credo(
            &[
                "eval",
                policy.to_str().unwrap(),
                f.to_str().unwrap(),
                "--as-of",
                "2026-11-25",
                "--format",
                "jsonl",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0));
        o.stdout
    };
    // One record per line in both files: the same decisions, line for line.
    assert_eq!(run("r.json"), run("r.jsonl"));
}
