//! Streaming batches in `credo eval`: the output is byte-identical for any `--jobs` and across
//! runs, chunk boundaries change nothing, and bad lines stand in their place.

mod common;

use common::credo;
use std::process::{Command, Output};

/// A scratch directory with the reference policy and a JSONL batch of a few chunks, with
/// blank lines, CRLF endings, a repeated id, a bad record and a line that is not UTF-8.
fn scenario(name: &str) -> std::path::PathBuf {
    use credo::synth::{self, Rng, Shape};
    let dir = std::env::temp_dir().join(format!("credo-stream-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("policy.credo"),
        synth::policy(Shape::REFERENCE, 42),
    )
    .unwrap();
    let mut rng = Rng::new(9);
    let mut bytes = Vec::new();
    for i in 0..2600 {
        let role = ["r0", "r1", "r4"][i % 3];
        bytes
            .extend_from_slice(synth::record(&mut rng, i, Shape::REFERENCE, Some(role)).as_bytes());
        bytes.extend_from_slice(match i % 500 {
            7 => b"\r\n\n   \n",
            _ => b"\n",
        });
        match i {
            1023 => bytes.extend_from_slice(b"{\"id\": \"cand-5\"}\n"),
            1500 => bytes.extend_from_slice(b"{\"id\": \"bad\", \"bogus\": 1}\n"),
            2047 => bytes.extend_from_slice(b"{\"id\": \"\xff\xfe\"}\n"),
            _ => {}
        }
    }
    std::fs::write(dir.join("records.jsonl"), bytes).unwrap();
    dir
}

#[test]
fn output_is_byte_identical_for_any_number_of_jobs() {
    let dir = scenario("jobs");
    let policy = dir.join("policy.credo");
    let records = dir.join("records.jsonl");
    let (policy, records) = (policy.to_str().unwrap(), records.to_str().unwrap());
    for format in [
        &["--format", "jsonl"][..],
        &["--format", "json"],
        &["--explain"],
    ] {
        let run = |jobs: &str| {
            let mut args = vec![
                "eval",
                policy,
                records,
                "--as-of",
                "2026-11-25",
                "--jobs",
                jobs,
            ];
            args.extend_from_slice(format);
            let o = credo(&args);
            assert_eq!(
                o.status.code(),
                Some(3),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            o.stdout
        };
        let one = run("1");
        assert!(one.len() > 100_000);
        assert_eq!(one, run("2"), "--jobs 1 and --jobs 2 differ for {format:?}");
        assert_eq!(one, run("3"), "--jobs 1 and --jobs 3 differ for {format:?}");
        assert_eq!(run("2"), run("2"), "two runs differ for {format:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn streamed_lines_decide_as_a_whole_document_does() {
    let dir = scenario("doc");
    let policy = dir.join("policy.credo");
    let records = dir.join("records.jsonl");
    let o = credo(&[
        "eval",
        policy.to_str().unwrap(),
        records.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2603, "every record is accounted for");
    let errors: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l.get("error").is_some()).collect();
    assert_eq!(errors.len(), 3);
    assert!(errors[0]["error"]
        .as_str()
        .unwrap()
        .contains("duplicate record id `cand-5` (first at line 6)"));
    assert!(errors[1]["error"]
        .as_str()
        .unwrap()
        .contains("unknown field `bogus`"));
    assert_eq!(
        errors[2]["error"],
        "line is not UTF-8 text (invalid byte at column 9)"
    );

    // The valid records as one JSON document (a JSON array, parsed by the YAML reader) decide
    // the same.
    let text = std::fs::read(&records).unwrap();
    let valid: Vec<serde_json::Value> = text
        .split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .filter(|v| v.get("bogus").is_none() && v.get("credentials").is_some())
        .take(500)
        .collect();
    let doc = dir.join("records.json");
    std::fs::write(&doc, serde_json::to_string(&valid).unwrap()).unwrap();
    let o = credo(&[
        "eval",
        policy.to_str().unwrap(),
        doc.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let from_doc: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decided: Vec<serde_json::Value> = lines
        .into_iter()
        .filter(|l| l.get("error").is_none())
        .take(500)
        .collect();
    assert_eq!(from_doc.len(), decided.len());
    for (i, (a, b)) in from_doc.iter().zip(&decided).enumerate() {
        assert!(a == b, "decision {i} differs:\n{a}\n{b}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn jobs_must_be_at_least_one() {
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--jobs",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Repeated ids are found the same way in a screened file and on standard input: only valid
/// records count, a numeric id equals its text, and the first line is named.
#[test]
fn repeated_ids_are_errors_in_files_and_on_stdin() {
    let batch = concat!(
        "{\"id\": \"a\", \"bogus\": 1}\n",
        "{\"id\": \"a\"}\n",
        "{\"id\": 12}\n",
        "{\"id\": \"12\"}\n",
        "{\"id\": \"a\", \"id\": \"b\"}\n",
        "{\"id\": \"b\"}\n",
        "{\"id\": \"a\"}\n",
    );
    let dir = std::env::temp_dir().join(format!("credo-stream-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ids.jsonl");
    std::fs::write(&path, batch).unwrap();
    let args = |input: &str| {
        vec![
            "eval".to_owned(),
            "policies/acme-cyber.credo".into(),
            input.into(),
            "--as-of".into(),
            "2026-11-25".into(),
            "--role".into(),
            "soc_analyst".into(),
            "--format".into(),
            "jsonl".into(),
        ]
    };
    let from_file = credo(
        &args(path.to_str().unwrap())
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args("-"))
        .args(["--input-format", "jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(batch.as_bytes())
        .unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert_eq!(from_file.status.code(), Some(3));
    let errors = |o: &Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["error"].as_str().unwrap_or("decided").to_owned()
            })
            .collect()
    };
    let file = errors(&from_file);
    assert_eq!(file, errors(&from_stdin));
    assert!(file[0].contains("unknown field `bogus`"));
    assert_eq!(file[1], "decided");
    assert_eq!(file[2], "decided");
    assert_eq!(file[3], "duplicate record id `12` (first at line 3)");
    // A repeated key is the record's error (no id is taken from it).
    assert_eq!(file[4], "the key `id` is given twice in the record");
    assert_eq!(file[5], "decided");
    assert_eq!(file[6], "duplicate record id `a` (first at line 2)");
    std::fs::remove_dir_all(&dir).ok();
}

/// A path that is a pipe (`/dev/stdin`, `<(…)`) is read once: every record is decided.
#[test]
fn a_pipe_given_as_a_path_is_read_once() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args([
            "eval",
            "policies/acme-cyber.credo",
            "/dev/stdin",
            "--input-format",
            "jsonl",
            "--as-of",
            "2026-11-25",
            "--role",
            "soc_analyst",
            "--format",
            "jsonl",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let batch = "{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"a\"}\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(batch.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 3, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(lines[2].contains("duplicate record id `a` (first at line 1)"));
    assert_eq!(o.status.code(), Some(3));
}

/// The streamed reader numbers and reads lines exactly as the whole-file reader does: a byte
/// order mark, blank and CRLF lines, a 2 MB record (longer than a read block), a 17 MB line
/// (longer than the limit: an error in its place), a repeated id, bytes that are not UTF-8 and a
/// last line without a line break; from a file and from standard input.
#[test]
fn streamed_lines_are_numbered_and_read_as_the_whole_file_reader_does() {
    use credo::record::{read_records_bytes, Format};
    let dir = std::env::temp_dir().join(format!("credo-stream-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = "\u{feff}{\"id\":\"a\"}\n\n{\"id\":\"b\"}\r\n   \n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"{\"id\":\"");
    bytes.extend(std::iter::repeat_n(b'l', 2 << 20));
    bytes.extend_from_slice(b"\"}\n");
    bytes.extend(std::iter::repeat_n(b'x', 17 << 20));
    bytes.extend_from_slice(b"\n{\"id\":\"c\"}\n{\"id\":\"b\"}\n\xff\xfe\n{\"id\":\"d\"}");
    let path = dir.join("lines.jsonl");
    std::fs::write(&path, &bytes).unwrap();
    let policy_path = "policies/acme-cyber.credo";
    let policy = credo::load_policy(std::path::Path::new(policy_path))
        .unwrap()
        .policy
        .unwrap();

    // What the whole-file reader makes of it: (record id or error, line).
    let expected: Vec<(String, usize)> = read_records_bytes(&bytes, "f", Format::Jsonl, &policy)
        .into_iter()
        .map(|e| match e.result {
            Ok(c) => (c.id.chars().take(8).collect(), e.line),
            Err(err) => (format!("error: {}", err.error), e.line),
        })
        .collect();
    assert_eq!(expected.len(), 8, "{expected:?}");
    assert_eq!(
        expected[3],
        (
            "error: line is longer than the limit of 16777216 bytes".into(),
            6
        )
    );
    assert_eq!(expected[7].1, 10);

    let streamed = |out: Output| -> Vec<(String, Option<u64>)> {
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                match v.get("error") {
                    Some(e) => (
                        format!("error: {}", e.as_str().unwrap()),
                        v["line"].as_u64(),
                    ),
                    None => (
                        v["candidate"].as_str().unwrap().chars().take(8).collect(),
                        None,
                    ),
                }
            })
            .collect()
    };
    let args = [
        "--role",
        "soc_analyst",
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
    ];
    let from_file = streamed(credo(
        &[
            &["eval", policy_path, path.to_str().unwrap()][..],
            &args[..],
        ]
        .concat(),
    ));
    let stdin = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(
            [
                &["eval", policy_path, "-", "--input-format", "jsonl"][..],
                &args[..],
            ]
            .concat(),
        )
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    for got in [from_file, streamed(stdin)] {
        assert_eq!(got.len(), expected.len());
        for ((what, line), (want, want_line)) in got.iter().zip(&expected) {
            assert_eq!(what, want);
            if let Some(line) = line {
                assert_eq!(*line as usize, *want_line, "{what}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// What the streaming reader makes of a file's edges, in `eval`, `audit` and `diff` alike, from
/// a file and from standard input: a byte order mark is not part of line 1 (so an id after it
/// repeats like any other, and a mark alone is a blank line), and UTF-16 text is one error.
#[test]
fn byte_order_marks_and_utf16_read_alike_everywhere() {
    let dir = std::env::temp_dir().join(format!("credo-stream-edges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rec = |id: &str| format!("{{\"id\":\"{id}\",\"applied\":[\"soc_analyst\"]}}\n");
    let cases: [(&str, Vec<u8>, usize); 3] = [
        // (name, bytes, record errors expected)
        (
            "bom-dup.jsonl",
            [
                &b"\xEF\xBB\xBF"[..],
                rec("dup").as_bytes(),
                rec("b").as_bytes(),
                rec("dup").as_bytes(),
            ]
            .concat(),
            1,
        ),
        (
            "bom-alone.jsonl",
            [&b"\xEF\xBB\xBF\n"[..], rec("a").as_bytes()].concat(),
            0,
        ),
        (
            "utf16.jsonl",
            [
                &[0xFF, 0xFE][..],
                &rec("a")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            ]
            .concat(),
            1,
        ),
    ];
    let policy = "policies/acme-cyber.credo";
    for (name, bytes, errors) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let file = path.to_str().unwrap();
        let expected_exit = if errors > 0 { 3 } else { 0 };
        let jsonl_errors = |o: &Output| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| l.contains("\"error\""))
                .count()
        };
        for (input, stdin) in [(file, None), ("-", Some(&bytes[..]))] {
            let run = |args: &[&str]| {
                let mut all = args.to_vec();
                all.extend([input, "--as-of", "2026-11-25", "--input-format", "jsonl"]);
                match stdin {
                    Some(b) => common::credo_with_input(&all, b),
                    None => credo(&all),
                }
            };
            let eval = run(&["eval", policy, "--format", "jsonl"]);
            assert_eq!(
                eval.status.code(),
                Some(expected_exit),
                "eval {name} {input}"
            );
            assert_eq!(jsonl_errors(&eval), errors, "eval {name} {input}");
            if name == "utf16.jsonl" {
                assert!(String::from_utf8_lossy(&eval.stdout).contains("UTF-16"));
            }
            let audit = run(&["audit", policy, "--format", "json"]);
            assert_eq!(
                audit.status.code(),
                Some(expected_exit),
                "audit {name} {input}"
            );
            let report: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
            assert_eq!(report["totals"]["errors"], errors, "audit {name} {input}");
            let diff = run(&["diff", policy, policy, "--format", "json"]);
            assert_eq!(
                diff.status.code(),
                Some(expected_exit),
                "diff {name} {input}"
            );
            let report: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
            assert_eq!(
                report["errors"].as_array().map(Vec::len),
                Some(errors),
                "diff {name}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `eval --log` goes on to the end when standard output is closed early (`| head`): the log
/// holds every decision and record error, and verifies.
#[test]
fn a_logged_batch_is_logged_whole_when_stdout_closes() {
    let dir = scenario("log-closed");
    let log = dir.join("decisions.log");
    let (policy, records) = (dir.join("policy.credo"), dir.join("records.jsonl"));
    let args = [
        "eval",
        policy.to_str().unwrap(),
        records.to_str().unwrap(),
        "--role",
        "r0",
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .arg("--log")
        .arg(&log)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `head -1` does.
    let mut first = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    drop(out);
    child.wait().unwrap();
    let whole = credo(&args);
    assert_eq!(whole.status.code(), Some(3)); // the scenario has bad lines
                                              // Decisions and record errors alike: the log accounts for every record read.
    let items = String::from_utf8_lossy(&whole.stdout).lines().count();
    let verdict = credo::log::verify(&std::fs::read(&log).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(first.contains("\"candidate\""));
    assert_eq!(verdict.problem, None);
    assert_eq!(verdict.verified as usize, items);
}
