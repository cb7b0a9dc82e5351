//! The tamper-evident decision log (SPEC §10): one JSON line per decision, each carrying the
//! SHA-256 of the previous line and its own, so a changed, removed or inserted line breaks the
//! chain at the first place it happened. A torn last line (a crash mid-write) is reported and
//! never chained onto.

use crate::decision::Decision;
use crate::load::hex;
use crate::record::Candidate;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// `prev` of the first line.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The engine version written in every line.
pub fn engine() -> String {
    format!("credo {}", env!("CARGO_PKG_VERSION"))
}

/// `sha256:` + hex of the previous hash, a newline, and the line's canonical content.
fn chain_hash(prev: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(content.as_bytes());
    format!("sha256:{}", hex(&h.finalize()))
}

/// The SHA-256 of a candidate record's canonical JSON (the same whatever format it came in).
pub fn record_sha256(c: &Candidate) -> String {
    let creds: Vec<Value> = c
        .credentials
        .iter()
        .map(|h| {
            json!({"id": h.id, "issuer": h.issuer, "title": h.title, "achievement": h.achievement,
                   "issued": h.issued.map(|d| d.to_string()), "expires": h.expires.map(|d| d.to_string()),
                   "verified": h.verified})
        })
        .collect();
    let v = json!({
        "id": c.id,
        "applied": c.applied,
        "attributes": c.attributes,
        "protected": c.protected,
        "credentials": creds,
        "artifacts": c.artifacts.iter().map(|a| json!({"title": a.title, "skills": a.skills, "date": a.date.map(|d| d.to_string()), "reviewed": a.reviewed})).collect::<Vec<_>>(),
        "labs": c.labs.iter().map(|l| json!({"title": l.title, "skills": l.skills, "completed": l.completed.map(|d| d.to_string()), "hours": l.hours})).collect::<Vec<_>>(),
        "work_samples": c.work_samples,
        "experience": c.experience,
        "education": c.education.iter().map(|e| json!({"level": e.level, "field": e.field, "completed": e.completed})).collect::<Vec<_>>(),
    });
    let mut h = Sha256::new();
    h.update(v.to_string().as_bytes());
    format!("sha256:{}", hex(&h.finalize()))
}

/// What a log line says of one decision, worked out on any thread; [`Appender::append_pending`]
/// chains it into the log in order.
#[derive(Clone, Debug)]
pub struct Pending {
    as_of: String,
    record_sha256: String,
    /// The decision as compact JSON.
    decision: Vec<u8>,
}

impl Pending {
    /// The line for decision `d` about record `cand`.
    pub fn new(d: &Decision, cand: &Candidate) -> Pending {
        let mut decision = Vec::with_capacity(8 << 10);
        crate::render::json::decision(d, &mut decision);
        Pending {
            as_of: d.as_of.to_string(),
            record_sha256: record_sha256(cand),
            decision,
        }
    }
}

/// An open log, ready to append.
pub struct Appender {
    file: std::io::BufWriter<std::fs::File>,
    prev: String,
    seq: u64,
    /// Whether a torn last line was found (and terminated) when opening.
    pub torn: bool,
}

impl Appender {
    /// Opens (or creates) a log for appending, chaining onto its last complete, valid line.
    pub fn open(path: &Path) -> std::io::Result<Appender> {
        let existing = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let mut prev = GENESIS.to_owned();
        let mut seq = 0;
        let text = String::from_utf8_lossy(&existing);
        let torn = !existing.is_empty() && !existing.ends_with(b"\n");
        for (i, line) in text.split_terminator('\n').enumerate() {
            let last_and_torn = torn && i == text.split_terminator('\n').count() - 1;
            if last_and_torn {
                break;
            }
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                if let (Some(h), Some(s)) = (
                    v.get("hash").and_then(Value::as_str),
                    v.get("seq").and_then(Value::as_u64),
                ) {
                    prev = h.to_owned();
                    seq = s;
                }
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        if torn {
            // End the torn line so that the next entry starts on a line of its own; the chain
            // continues from the last complete line, and `log verify` reports the torn one.
            file.write_all(b"\n")?;
        }
        Ok(Appender {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            prev,
            seq,
            torn,
        })
    }

    /// Appends one decision.
    pub fn append(
        &mut self,
        d: &Decision,
        cand: &Candidate,
        policy_hash: &str,
    ) -> std::io::Result<()> {
        self.append_pending(Pending::new(d, cand), policy_hash)
    }

    /// Appends a line worked out before (on another thread), chaining it onto the last. The
    /// content hashed is the compact JSON object `{seq, engine, as_of, policy_hash,
    /// record_sha256, decision, prev}`, in that order; the hash is added as its last field.
    pub fn append_pending(&mut self, p: Pending, policy_hash: &str) -> std::io::Result<()> {
        self.seq += 1;
        let string = |s: &str| serde_json::to_string(s).map_err(std::io::Error::other);
        let mut content = Vec::with_capacity(p.decision.len() + 400);
        content.extend_from_slice(b"{\"seq\":");
        content.extend_from_slice(self.seq.to_string().as_bytes());
        for (key, value) in [
            ("engine", engine().as_str()),
            ("as_of", &p.as_of),
            ("policy_hash", policy_hash),
            ("record_sha256", &p.record_sha256),
        ] {
            content.extend_from_slice(format!(",\"{key}\":").as_bytes());
            content.extend_from_slice(string(value)?.as_bytes());
        }
        content.extend_from_slice(b",\"decision\":");
        content.extend_from_slice(&p.decision);
        content.extend_from_slice(b",\"prev\":");
        content.extend_from_slice(string(&self.prev)?.as_bytes());
        content.push(b'}');
        let content = String::from_utf8(content).map_err(std::io::Error::other)?;
        let hash = chain_hash(&self.prev, &content);
        // `content` is a JSON object: add the hash as its last field.
        let mut full = content;
        full.pop();
        full.push_str(&format!(",\"hash\":\"{hash}\"}}\n"));
        self.file.write_all(full.as_bytes())?;
        self.prev = hash;
        Ok(())
    }

    /// Flushes to disk.
    pub fn finish(self) -> std::io::Result<()> {
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    }
}

/// What `log verify` found.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    /// Complete lines that verified.
    pub verified: u64,
    /// The hash of the last verified line (compare with an anchored copy to detect truncation).
    pub last_hash: String,
    /// The first problem, if any.
    pub problem: Option<Problem>,
    /// Torn (incomplete) lines skipped: 1-based line numbers.
    pub torn: Vec<usize>,
}

/// The first place the chain breaks.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Problem {
    /// 1-based line number in the file.
    pub line: usize,
    /// `changed`, `removed`, `inserted` or `unreadable`.
    pub kind: &'static str,
    /// In words.
    pub message: String,
}

/// Verifies a whole log held in memory.
pub fn verify(bytes: &[u8]) -> Verdict {
    // Reading a byte slice cannot fail.
    verify_reader(bytes).unwrap_or_else(|_| Verdict {
        verified: 0,
        last_hash: GENESIS.to_owned(),
        problem: None,
        torn: Vec::new(),
    })
}

/// The next line of a log, without its line break (bytes that are not UTF-8 replaced), and
/// whether it had one; `None` at the end.
fn next_line(r: &mut impl std::io::BufRead) -> std::io::Result<Option<(String, bool)>> {
    let mut buf = Vec::new();
    if r.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    let ended = buf.last() == Some(&b'\n');
    if ended {
        buf.pop();
    }
    let line = match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(Some((line, ended)))
}

/// What one log line says, worked out on its own (on any thread): its stored hash, `prev` and
/// `seq`, and whether the stored hash is the hash of its content chained onto its own `prev`.
/// `None` when the line is not a JSON object.
struct Checked {
    stored: String,
    prev: String,
    seq: u64,
    hash_ok: bool,
}

fn check(line: &str) -> Option<Checked> {
    let mut v = serde_json::from_str::<Value>(line)
        .ok()
        .filter(Value::is_object)?;
    let stored = v
        .as_object_mut()
        .and_then(|o| o.remove("hash"))
        .and_then(|h| h.as_str().map(str::to_owned))
        .unwrap_or_default();
    let prev = v
        .get("prev")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let seq = v.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let hash_ok = chain_hash(&prev, &v.to_string()) == stored;
    Some(Checked {
        stored,
        prev,
        seq,
        hash_ok,
    })
}

/// Lines checked together on the rayon pool.
const VERIFY_BATCH: usize = 1024;

/// Verifies a log as it is read: each line's own hash is checked on the rayon pool, a batch at
/// a time, and the chain (each `prev` the hash of the line before, sequence numbers in order)
/// in order. Memory stays that of a batch of lines however long the log is.
pub fn verify_reader(mut r: impl std::io::BufRead) -> std::io::Result<Verdict> {
    use rayon::prelude::*;
    let mut verdict = Verdict {
        verified: 0,
        last_hash: GENESIS.to_owned(),
        problem: None,
        torn: Vec::new(),
    };
    let mut expected_seq = 1;
    // The hash the next line must chain onto.
    let mut chained = GENESIS.to_owned();
    // Lines read and checked, not yet judged: a line is judged once the one after it is
    // checked too (a torn line is recognised by the next line chaining past it).
    let mut pending: std::collections::VecDeque<(bool, Option<Checked>)> = Default::default();
    let mut n = 0;
    let mut at_end = false;
    while !at_end || !pending.is_empty() {
        if !at_end && pending.len() < 2 {
            let mut lines = Vec::with_capacity(VERIFY_BATCH);
            while lines.len() < VERIFY_BATCH {
                match next_line(&mut r)? {
                    Some(l) => lines.push(l),
                    None => {
                        at_end = true;
                        break;
                    }
                }
            }
            let checked: Vec<(bool, Option<Checked>)> = (lines.par_iter())
                .map(|(line, ended)| (*ended, check(line)))
                .collect();
            pending.extend(checked);
            continue;
        }
        let Some((ended, line)) = pending.pop_front() else {
            break;
        };
        n += 1;
        let next = pending.front();
        let last = next.is_none();
        let Some(c) = line else {
            // An incomplete write: the last line without a newline, or a line that a later
            // append terminated (it does not parse and the next line chains past it).
            let next_chains_past = next
                .and_then(|(_, c)| c.as_ref())
                .is_some_and(|c| c.prev == chained);
            if (last && !ended) || next_chains_past {
                verdict.torn.push(n);
                continue;
            }
            verdict.problem = Some(Problem {
                line: n,
                kind: "unreadable",
                message: format!("line {n} is not a log entry: it was changed or damaged"),
            });
            return Ok(verdict);
        };
        let seq = c.seq;
        if c.prev != chained {
            let (kind, message) = if seq > expected_seq {
                (
                    "removed",
                    format!(
                        "line {n} has sequence number {seq} where {expected_seq} was expected: {} entr{} before it were removed",
                        seq - expected_seq,
                        if seq - expected_seq == 1 { "y" } else { "ies" }
                    ),
                )
            } else {
                (
                    "inserted",
                    format!(
                        "line {n} does not follow the line before it: it was inserted or moved"
                    ),
                )
            };
            verdict.problem = Some(Problem {
                line: n,
                kind,
                message,
            });
            return Ok(verdict);
        }
        if !c.hash_ok {
            verdict.problem = Some(Problem {
                line: n,
                kind: "changed",
                message: format!("line {n} was changed after it was written (its hash does not match its content)"),
            });
            return Ok(verdict);
        }
        if seq != expected_seq {
            verdict.problem = Some(Problem {
                line: n,
                kind: "changed",
                message: format!("line {n} has sequence number {seq}, expected {expected_seq}"),
            });
            return Ok(verdict);
        }
        expected_seq += 1;
        chained = c.stored.clone();
        verdict.verified += 1;
        verdict.last_hash = c.stored;
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One log line, in the order its fields are written (and hashed): the definition
    /// [`Appender::append_pending`] writes by hand, byte for byte.
    #[derive(Clone, Debug, Serialize)]
    struct Line<'a> {
        seq: u64,
        engine: &'a str,
        as_of: String,
        policy_hash: &'a str,
        record_sha256: String,
        decision: &'a Decision<'a>,
        prev: &'a str,
    }

    /// The shipped policy and its JSONL records.
    fn shipped() -> (crate::policy::Policy, Vec<crate::record::Entry>) {
        let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
        let policy = crate::compile_str("acme-cyber.credo", &text)
            .policy
            .unwrap();
        let records = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
        let entries =
            crate::record::read_records(&records, "r", crate::record::Format::Jsonl, &policy);
        (policy, entries)
    }

    /// The line written is what serde_json makes of [`Line`], for every shipped decision.
    #[test]
    fn pending_lines_are_the_serde_lines() {
        let (policy, entries) = shipped();
        let prev = "sha256:ab\"c";
        let mut checked = 0;
        for e in &entries {
            let Ok(c) = &e.result else { continue };
            for r in crate::eval::roles_for(&policy, c, None).unwrap() {
                let d = crate::eval::evaluate(&policy, c, r, jiff::civil::date(2026, 11, 25));
                let engine = engine();
                let line = Line {
                    seq: 7,
                    engine: &engine,
                    as_of: d.as_of.to_string(),
                    policy_hash: &policy.hash,
                    record_sha256: record_sha256(c),
                    decision: &d,
                    prev,
                };
                let dir = std::env::temp_dir().join(format!("credo-log-{}", std::process::id()));
                let _ = std::fs::remove_file(&dir);
                let mut a = Appender::open(&dir).unwrap();
                (a.seq, a.prev) = (6, prev.to_owned());
                a.append(&d, c, &policy.hash).unwrap();
                a.finish().unwrap();
                let written = std::fs::read_to_string(&dir).unwrap();
                let _ = std::fs::remove_file(&dir);
                let serde = serde_json::to_string(&line).unwrap();
                let content = written.rsplit_once(",\"hash\":").map(|(c, _)| c);
                assert_eq!(content, serde.strip_suffix('}'));
                checked += 1;
            }
        }
        assert!(checked > 20);
    }

    /// A log longer than a batch of lines: damage at and around the batch boundaries is found
    /// at its line, as anywhere else.
    #[test]
    fn damage_across_batch_boundaries_is_found_at_its_line() {
        let (policy, entries) = shipped();
        let c = entries[0].result.as_ref().unwrap();
        let d = crate::eval::evaluate(&policy, c, 0, jiff::civil::date(2026, 11, 25));
        let path = std::env::temp_dir().join(format!("credo-batches-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut a = Appender::open(&path).unwrap();
        let total = 2 * VERIFY_BATCH + 300;
        for _ in 0..total {
            a.append(&d, c, &policy.hash).unwrap();
        }
        a.finish().unwrap();
        let log = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let lines: Vec<&str> = log.lines().collect();
        let join = |v: &[&str]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        let whole = verify(log.as_bytes());
        assert_eq!((whole.verified as usize, whole.problem), (total, None));
        for at in [
            VERIFY_BATCH - 1,
            VERIFY_BATCH,
            VERIFY_BATCH + 1,
            2 * VERIFY_BATCH,
        ] {
            let n = at + 1; // 1-based line number of index `at`
            let mut changed = lines.clone();
            let edited = lines[at].replace("\"outcome\":\"advance\"", "\"outcome\":\"decline\"");
            assert_ne!(edited, lines[at]);
            changed[at] = &edited;
            let p = verify(join(&changed).as_bytes()).problem.unwrap();
            assert_eq!((p.line, p.kind), (n, "changed"), "{}", p.message);

            let mut removed = lines.clone();
            removed.remove(at);
            let p = verify(join(&removed).as_bytes()).problem.unwrap();
            assert_eq!((p.line, p.kind), (n, "removed"), "{}", p.message);

            // A torn line that a later append terminated: skipped, the chain goes on.
            let mut torn = lines.clone();
            let half = &lines[at][..80];
            torn.insert(at, half);
            let v = verify(join(&torn).as_bytes());
            assert_eq!(
                (v.problem, v.torn, v.verified as usize),
                (None, vec![n], total)
            );

            let mut garbage = lines.clone();
            garbage[at] = "not a log line";
            let p = verify(join(&garbage).as_bytes()).problem.unwrap();
            assert_eq!((p.line, p.kind), (n, "unreadable"));
        }
    }
}
