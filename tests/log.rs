//! The decision log: a chain that names the first changed, removed, inserted or torn line.

mod common;

use common::credo;

fn write_log(dir: &std::path::Path, runs: usize) -> std::path::PathBuf {
    let path = dir.join("decisions.log");
    for _ in 0..runs {
        common::success(credo(&[
            "eval",
            "policies/acme-cyber.credo",
            "policies/acme-cyber.records.yaml",
            "--as-of",
            "2026-11-25",
            "--format",
            "jsonl",
            "--log",
            path.to_str().unwrap(),
        ]));
    }
    path
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("credo-log-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn verify(text: &str) -> credo::log::Verdict {
    let whole = credo::log::verify(text.as_bytes());
    // Read as a stream, a byte at a time from the reader's point of view: the same verdict.
    let streamed =
        credo::log::verify_reader(std::io::BufReader::with_capacity(1, text.as_bytes())).unwrap();
    assert_eq!(streamed, whole);
    whole
}

#[test]
fn an_untouched_log_verifies_across_appends() {
    let dir = tmp("ok");
    let path = write_log(&dir, 2);
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!(v.problem, None);
    assert_eq!(v.verified, 52, "two runs of 26 decisions");
    let first: serde_json::Value = serde_json::from_str(&lines(&path)[0]).unwrap();
    for f in [
        "seq",
        "engine",
        "as_of",
        "policy_hash",
        "record_sha256",
        "decision",
        "prev",
        "hash",
    ] {
        assert!(first.get(f).is_some(), "missing {f}");
    }
    assert_eq!(first["prev"], credo::log::GENESIS);
    let o = credo(&["log", "verify", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn each_kind_of_tampering_is_named_at_its_line() {
    let dir = tmp("tamper");
    let path = write_log(&dir, 1);
    let ls = lines(&path);
    let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();

    // Changed: an outcome edited in line 4.
    let mut changed = ls.clone();
    changed[3] = changed[3].replacen("\"outcome\":\"", "\"outcome\":\"x", 1);
    let p = verify(&join(&changed)).problem.unwrap();
    assert_eq!((p.line, p.kind), (4, "changed"));

    // Removed from the middle: line 6 deleted; line 7 (now 6) no longer follows line 5.
    let mut removed = ls.clone();
    removed.remove(5);
    let p = verify(&join(&removed)).problem.unwrap();
    assert_eq!((p.line, p.kind), (6, "removed"), "{}", p.message);

    // Removed from the start.
    let p = verify(&join(&ls[2..])).problem.unwrap();
    assert_eq!((p.line, p.kind), (1, "removed"));

    // Inserted: a copy of line 2 placed after line 8.
    let mut inserted = ls.clone();
    inserted.insert(8, ls[1].clone());
    let p = verify(&join(&inserted)).problem.unwrap();
    assert_eq!((p.line, p.kind), (9, "inserted"), "{}", p.message);

    // Moved: lines 3 and 4 swapped.
    let mut swapped = ls.clone();
    swapped.swap(2, 3);
    let p = verify(&join(&swapped)).problem.unwrap();
    assert_eq!(p.line, 3);

    // Garbage in the middle.
    let mut garbage = ls.clone();
    garbage[10] = "{not json".into();
    let p = verify(&join(&garbage)).problem.unwrap();
    assert_eq!((p.line, p.kind), (11, "unreadable"));

    // Removed from the end: only an anchored last hash can tell.
    let full = verify(&join(&ls));
    let short = verify(&join(&ls[..20]));
    assert_eq!(short.problem, None);
    assert_ne!(short.last_hash, full.last_hash);
    std::fs::write(&path, join(&ls[..20])).unwrap();
    let o = credo(&[
        "log",
        "verify",
        "--expect-last",
        &full.last_hash,
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("removed from the end"));
}

#[test]
fn a_torn_last_line_is_reported_and_not_chained_onto() {
    let dir = tmp("torn");
    let path = write_log(&dir, 1);
    // A crash mid-write: half of a line, no newline.
    let mut bytes = std::fs::read(&path).unwrap();
    let half = lines(&path)[3][..100].to_owned();
    bytes.extend_from_slice(half.as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let v = verify(&String::from_utf8_lossy(&bytes));
    assert_eq!(v.problem, None);
    assert_eq!(v.torn, vec![27]);
    assert_eq!(v.verified, 26);
    // The next append terminates the torn line and chains onto line 26.
    let path = write_log(&dir, 1);
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!(v.problem, None, "{:?}", v.problem);
    assert_eq!(v.torn, vec![27]);
    assert_eq!(v.verified, 52);
    let o = credo(&["log", "verify", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("line 27 is an incomplete write"));
}

#[test]
fn the_record_hash_does_not_depend_on_the_input_format() {
    let p = credo::load_policy(std::path::Path::new("policies/acme-cyber.credo"))
        .unwrap()
        .policy
        .unwrap();
    let yaml = std::fs::read_to_string("policies/acme-cyber.records.yaml").unwrap();
    let jsonl = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
    let a = credo::record::read_records(&yaml, "r.yaml", credo::record::Format::Yaml, &p);
    let b = credo::record::read_records(&jsonl, "r.jsonl", credo::record::Format::Jsonl, &p);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let (x, y) = (x.result.as_ref().unwrap(), y.result.as_ref().unwrap());
        assert_eq!(
            credo::log::record_sha256(x),
            credo::log::record_sha256(y),
            "{}",
            x.id
        );
    }
}
