//! Streaming batches in `credo eval`: the output is byte-identical for any `--jobs` and across
//! runs, chunk boundaries change nothing, and bad lines stand in their place.

use std::process::{Command, Output};

fn credo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("credo runs")
}

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
    assert_eq!(errors[2]["error"], "line is not UTF-8 text");

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
    assert_eq!(file[4], "decided");
    assert_eq!(file[5], "duplicate record id `b` (first at line 5)");
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
