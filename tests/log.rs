//! The decision log: a chain that names the first changed, removed, inserted or torn line.

mod common;

use common::{credo, eval_sample};

fn write_log(dir: &std::path::Path, runs: usize) -> std::path::PathBuf {
    let path = dir.join("decisions.log");
    for _ in 0..runs {
        common::success(eval_sample(&[
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
    assert_eq!((p.line, p.kind), (3, "moved"), "{}", p.message);

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
fn a_torn_last_line_is_reported_then_removed_by_the_next_append() {
    let dir = tmp("torn");
    let path = write_log(&dir, 1);
    let original = std::fs::read(&path).unwrap();
    // A crash mid-write: half of a line, no newline.
    let mut bytes = original.clone();
    let half = lines(&path)[3][..100].to_owned();
    bytes.extend_from_slice(half.as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let v = verify(&String::from_utf8_lossy(&bytes));
    assert_eq!((v.problem, v.torn, v.verified), (None, vec![27], 26));
    let o = credo(&["log", "verify", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(common::stdout(&o).contains("line 27 is an incomplete write"));
    // The next append removes the torn line (it was never finished) and chains onto line 26.
    let o = append(&path);
    assert!(String::from_utf8_lossy(&o.stderr).contains("incomplete line (100 bytes"));
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&original));
    let v = credo::log::verify(&after);
    assert_eq!((v.problem, v.torn, v.verified), (None, vec![], 52));
}

/// Runs one logged `eval` that must succeed, appending 26 decisions to `path`.
fn append(path: &std::path::Path) -> std::process::Output {
    let o = eval_sample(&["--format", "jsonl", "--log", path.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Two failed appends in a row (each torn mid-line): each open removes the torn line before,
/// so there is never more than one, always last, and the log verifies at every step.
#[test]
fn two_torn_appends_in_a_row_leave_a_log_that_verifies() {
    let dir = tmp("torn2");
    let path = write_log(&dir, 1);
    let original = std::fs::read(&path).unwrap();
    let piece = lines(&path)[5][..300].to_owned();
    for attempt in 0..2 {
        // An append that opens the log, then dies mid-line.
        let a = credo::log::Appender::open(&path).unwrap();
        let expected = if attempt == 0 {
            credo::log::Opened::Clean
        } else {
            credo::log::Opened::DroppedTorn(300)
        };
        assert_eq!(a.opened, expected);
        drop(a);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, piece.as_bytes()).unwrap();
        let v = credo::log::verify(&std::fs::read(&path).unwrap());
        assert_eq!((v.problem, v.torn, v.verified), (None, vec![27], 26));
    }
    append(&path);
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&original));
    let v = credo::log::verify(&after);
    assert_eq!((v.problem, v.torn, v.verified), (None, vec![], 52));
}

/// A complete last entry whose line break never made it: verified (and said so), then
/// terminated and chained onto by the next append.
#[test]
fn a_complete_last_entry_without_its_line_break_is_chained_onto() {
    let dir = tmp("unterminated");
    let path = write_log(&dir, 1);
    let mut bytes = std::fs::read(&path).unwrap();
    let whole = credo::log::verify(&bytes);
    bytes.pop();
    std::fs::write(&path, &bytes).unwrap();
    let v = verify(&String::from_utf8_lossy(&bytes));
    assert_eq!((v.problem, v.verified, v.unterminated), (None, 26, true));
    assert_eq!(v.last_hash, whole.last_hash);
    let o = credo(&["log", "verify", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(common::stdout(&o).contains("the last entry has no line break"));
    let o = append(&path);
    assert!(String::from_utf8_lossy(&o.stderr).contains("had no line break"));
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!((v.problem, v.verified, v.unterminated), (None, 52, false));
}

/// The hash of a hand-made line: SHA-256 over `prev`, a newline and the bytes before the hash
/// member with a closing brace, as SPEC §10 says.
fn hashed_line(body: &str, prev: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(format!("{prev}\n{body}}}"));
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("{body},\"hash\":\"sha256:{hex}\"}}")
}

/// A duplicate key that another JSON reader would honour (a second `outcome` in the decision,
/// a second `decision`) fails verification, in the middle or at the end, even when the line's
/// hash is recomputed over its new bytes.
#[test]
fn a_duplicate_key_fails_verification() {
    let dir = tmp("dupes");
    let path = write_log(&dir, 1);
    let ls = lines(&path);
    let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    for at in [3, 25] {
        let (body, _) = ls[at].rsplit_once(",\"hash\":").unwrap();
        let prev = if at == 0 {
            credo::log::GENESIS.to_owned()
        } else {
            let (_, h) = ls[at - 1].rsplit_once(",\"hash\":\"").unwrap();
            h.trim_end_matches("\"}").to_owned()
        };
        for edit in [
            body.replacen("\"outcome\":", "\"outcome\":\"advance\",\"outcome\":", 1),
            body.replacen(
                ",\"prev\":",
                ",\"decision\":{\"outcome\":\"advance\"},\"prev\":",
                1,
            ),
            body.replacen("\"name\":", "\"name\":\"x\",\"n\\u0061me\":", 1),
        ] {
            assert_ne!(edit, body);
            let mut changed = ls.clone();
            changed[at] = hashed_line(&edit, &prev);
            let p = verify(&join(&changed))
                .problem
                .expect("a duplicate key is caught");
            assert_eq!((p.line, p.kind), (at + 1, "unreadable"), "{edit}");
        }
    }
}

/// A complete entry that serde_json will not parse (nested too deep) is damage, not a torn
/// write (unterminated and last too: see `only_an_entry_cut_short_is_torn`).
#[test]
fn an_unparsable_complete_entry_is_damage_not_torn() {
    let dir = tmp("deep");
    let path = write_log(&dir, 1);
    let ls = lines(&path);
    let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    let (_, h) = ls[25].rsplit_once(",\"hash\":\"").unwrap();
    let prev = h.trim_end_matches("\"}");
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let body = format!("{{\"seq\":27,\"deep\":{deep},\"prev\":\"{prev}\"");
    let mut longer = ls.clone();
    longer.push(hashed_line(&body, prev));
    let p = verify(&join(&longer)).problem.unwrap();
    assert_eq!((p.line, p.kind), (27, "unreadable"));
    longer.push(ls[0].clone());
    let p = verify(&join(&longer)).problem.unwrap();
    assert_eq!((p.line, p.kind), (27, "unreadable"));
}

/// A torn line is an entry cut short: an unterminated last line that is a whole JSON text (one
/// ending in a hash member that matches its bytes, but nested too deep to read) or that does not
/// start like an entry is damage. `verify` fails on it, and the next append keeps it and refuses.
#[test]
fn only_an_entry_cut_short_is_torn() {
    let dir = tmp("whole-unterminated");
    let path = write_log(&dir, 1);
    let ls = lines(&path);
    let (_, h) = ls[25].rsplit_once(",\"hash\":\"").unwrap();
    let prev = h.trim_end_matches("\"}");
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let body = format!("{{\"seq\":27,\"deep\":{deep},\"prev\":\"{prev}\"");
    let head: String = ls.iter().map(|l| format!("{l}\n")).collect();
    // A real torn write: a prefix of the next entry.
    let torn = format!("{head}{}", &ls[3][..ls[3].len() / 2]);
    assert_eq!(verify(&torn).torn, vec![27]);
    for tail in [hashed_line(&body, prev), "some notes".to_owned()] {
        let text = format!("{head}{tail}");
        let v = verify(&text);
        assert_eq!(v.torn, Vec::<usize>::new(), "{tail:.40}");
        let p = v.problem.expect("an unreadable last line is a failure");
        assert_eq!((p.line, p.kind), (27, "unreadable"));
        std::fs::write(&path, &text).unwrap();
        let o = credo(&[
            "eval",
            "policies/acme-cyber.credo",
            "policies/acme-cyber.records.yaml",
            "--as-of",
            "2026-11-25",
            "--log",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{tail:.40}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("does not end with a valid entry"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}

/// Every record read is accounted for: a record error is a log line with `error` in place of
/// `decision`, in the record's place, and the log verifies.
#[test]
fn record_errors_are_logged_in_their_place() {
    let dir = tmp("errors");
    let records = dir.join("records.jsonl");
    let good = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
    let good: Vec<&str> = good.lines().collect();
    std::fs::write(&records, format!("{}\n{{not json\n{}\n", good[0], good[1])).unwrap();
    let path = dir.join("decisions.log");
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        records.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
        "--log",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let printed = common::stdout(&o);
    let ls = lines(&path);
    assert_eq!(ls.len(), printed.lines().count());
    for (logged, out) in ls.iter().zip(printed.lines()) {
        let logged: serde_json::Value = serde_json::from_str(logged).unwrap();
        let out: serde_json::Value = serde_json::from_str(out).unwrap();
        match logged.get("error") {
            Some(e) => {
                assert_eq!(e, &out);
                assert!(logged.get("decision").is_none() && logged.get("record_sha256").is_none());
            }
            None => assert_eq!(logged["decision"], out),
        }
    }
    assert_eq!(ls.iter().filter(|l| l.contains(",\"error\":{")).count(), 1);
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!((v.problem, v.verified as usize), (None, ls.len()));
}

/// A second writer is refused while the first holds the log, with a clear message.
#[test]
fn a_second_writer_is_refused() {
    let dir = tmp("lock");
    let path = write_log(&dir, 1);
    let before = std::fs::read(&path).unwrap();
    let held = credo::log::Appender::open(&path).unwrap();
    let o = eval_sample(&["--log", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is in use by another process"), "{err}");
    drop(held);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    append(&path);
}

/// `--log` on a special file or on one of the inputs is a usage error, and `log verify` of an
/// endless file stops at the line limit.
#[test]
fn special_files_and_inputs_are_refused_as_logs() {
    let dir = tmp("special");
    let fifo = dir.join("fifo");
    let mut refused = vec!["/dev/zero".to_owned(), dir.to_str().unwrap().to_owned()];
    #[cfg(unix)]
    {
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo(3) with a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        refused.push(fifo.to_str().unwrap().to_owned());
    }
    for log in &refused {
        let o = eval_sample(&["--log", log]);
        assert_eq!(o.status.code(), Some(2), "{log}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("is not a regular file"),
            "{log}"
        );
    }
    let records = dir.join("records.yaml");
    std::fs::copy("policies/acme-cyber.records.yaml", &records).unwrap();
    let before = std::fs::read(&records).unwrap();
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        records.to_str().unwrap(),
        "--log",
        dir.join(".").join("records.yaml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is one of the inputs"));
    assert_eq!(std::fs::read(&records).unwrap(), before);
    let o = credo(&["log", "verify", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stdout(&o).contains("longer than the limit"));
}

/// Minimal valid entries, chained: `n` lines of `{"seq","prev","hash"}` from `seq` 1.
fn small_log(n: u64) -> (String, String) {
    let (mut log, mut prev) = (String::new(), credo::log::GENESIS.to_owned());
    for seq in 1..=n {
        let line = hashed_line(&format!("{{\"seq\":{seq},\"prev\":\"{prev}\""), &prev);
        let (_, h) = line.rsplit_once(",\"hash\":\"").unwrap();
        prev = h.trim_end_matches("\"}").to_owned();
        log.push_str(&line);
        log.push('\n');
    }
    (log, prev)
}

/// Opening reads the tail only: a 20,000-line log (with a torn tail) opens at once.
#[test]
fn a_long_log_opens_fast() {
    let dir = tmp("long");
    let path = dir.join("long.log");
    let (log, last) = small_log(20_000);
    std::fs::write(&path, format!("{log}{{\"seq\":20001,\"pr")).unwrap();
    let started = std::time::Instant::now();
    let a = credo::log::Appender::open(&path).unwrap();
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    assert_eq!(
        (a.last_hash(), a.opened),
        (last.as_str(), credo::log::Opened::DroppedTorn(16))
    );
    drop(a);
    append(&path);
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!((v.problem, v.verified), (None, 20_026));
}

/// Sequence numbers cannot wrap: appending after 2^64 - 1 is an error, and nothing is written.
#[test]
fn sequence_numbers_do_not_wrap() {
    let dir = tmp("wrap");
    let path = dir.join("wrap.log");
    let line = hashed_line(
        &format!(
            "{{\"seq\":{},\"prev\":\"{}\"",
            u64::MAX,
            credo::log::GENESIS
        ),
        credo::log::GENESIS,
    );
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let o = eval_sample(&["--format", "jsonl", "--log", path.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty(), "nothing printed that is not logged");
    assert!(String::from_utf8_lossy(&o.stderr).contains("sequence numbers are used up"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{line}\n"));
}

/// `--log-sync` syncs each chunk before printing it; the log is the same.
#[test]
fn a_synced_log_verifies() {
    let dir = tmp("sync");
    let path = dir.join("decisions.log");
    let o = eval_sample(&["--log-sync", "--log", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v = credo::log::verify(&std::fs::read(&path).unwrap());
    assert_eq!((v.problem, v.verified), (None, 26));
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

/// A log whose last line was changed, or a file that is no log, is not appended to (exit 1):
/// chaining onto it would hide the damage.
#[test]
fn a_damaged_tail_is_not_appended_to() {
    let dir = tmp("damaged");
    let path = write_log(&dir, 1);
    let mut ls = lines(&path);
    let last = ls.len() - 1;
    ls[last] = ls[last].replacen("\"outcome\":\"", "\"outcome\":\"x", 1);
    let text: String = ls.iter().map(|l| format!("{l}\n")).collect();
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "some notes\nwithout a final line break").unwrap();
    // Ends like a torn entry, but what comes before it is no entry: nothing is removed.
    let fake = dir.join("fake.log");
    std::fs::write(&fake, "some notes\n{\"seq\":3,\"eng").unwrap();
    std::fs::write(&path, &text).unwrap();
    for file in [&path, &notes, &fake] {
        let before = std::fs::read_to_string(file).unwrap();
        let o = eval_sample(&["--log", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", file.display());
        assert!(o.stdout.is_empty());
        assert!(String::from_utf8_lossy(&o.stderr).contains("does not end with a valid entry"));
        assert_eq!(std::fs::read_to_string(file).unwrap(), before);
    }
}
