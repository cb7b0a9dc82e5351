//! `log verify`: recomputing the chain from the bytes on disk.

use super::{entry, torn, Entry, GENESIS, MAX_LINE};
use serde::Serialize;

/// What `log verify` found.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    /// Complete lines that verified.
    pub verified: u64,
    /// The hash of the last verified line (compare with an anchored copy to detect truncation).
    pub last_hash: String,
    /// The first problem, if any.
    pub problem: Option<Problem>,
    /// The torn (incomplete) last line, if any: its 1-based line number. Only the last line
    /// may be torn.
    pub torn: Vec<usize>,
    /// The last entry is complete and verified but has no line break (an interrupted write
    /// that ended just before it; the next append adds it).
    pub unterminated: bool,
}

/// The first place the chain breaks.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Problem {
    /// 1-based line number in the file.
    pub line: usize,
    /// `changed`, `removed`, `inserted`, `moved` or `unreadable`.
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
        unterminated: false,
    })
}

/// One line as read: its bytes without the line break, or that it was longer than the limit.
enum Line {
    Read { bytes: Vec<u8>, ended: bool },
    TooLong,
}

/// The next line of a log, at most [`MAX_LINE`] bytes of it buffered; `None` at the end.
fn next_line(r: &mut impl std::io::BufRead) -> std::io::Result<Option<Line>> {
    use std::io::{BufRead, Read};
    let mut bytes = Vec::new();
    let n = r
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut bytes)?;
    if n == 0 {
        return Ok(None);
    }
    let ended = bytes.last() == Some(&b'\n');
    if ended {
        bytes.pop();
    } else if bytes.len() > MAX_LINE {
        return Ok(Some(Line::TooLong));
    }
    Ok(Some(Line::Read { bytes, ended }))
}

/// Lines checked together on the rayon pool, at most.
pub(super) const VERIFY_BATCH: usize = 1024;
/// Bytes read into one batch, at most (past one line).
const BATCH_BYTES: usize = 64 << 20;

/// A line read and checked, not yet judged.
enum Checked {
    /// `torn`: an unterminated line that is the start of an entry, cut short.
    Entry {
        entry: Option<Entry>,
        ended: bool,
        torn: bool,
    },
    TooLong,
}

impl Checked {
    fn entry(&self) -> Option<&Entry> {
        match self {
            Checked::Entry { entry, .. } => entry.as_ref(),
            Checked::TooLong => None,
        }
    }
}

/// Verifies a log as it is read: each line's own hash is checked on the rayon pool, a batch at
/// a time, and the chain (each `prev` the hash of the line before, sequence numbers in order)
/// in order. Memory stays that of a batch of lines however long the log is; a line longer than
/// [`MAX_LINE`] ends the reading (it is no entry).
pub fn verify_reader(mut r: impl std::io::BufRead) -> std::io::Result<Verdict> {
    use rayon::prelude::*;
    let mut verdict = Verdict {
        verified: 0,
        last_hash: GENESIS.to_owned(),
        problem: None,
        torn: Vec::new(),
        unterminated: false,
    };
    // The sequence number the next line must have (`None` past 2^64 - 1).
    let mut expected_seq = Some(1u64);
    // The hash the next line must chain onto.
    let mut chained = GENESIS.to_owned();
    // Lines read and checked, not yet judged: a line is judged with the one after it in view
    // (to tell a moved line from removed ones, and the last line from the others).
    let mut pending: std::collections::VecDeque<Checked> = Default::default();
    let mut n = 0;
    let mut at_end = false;
    let fail = |verdict: &mut Verdict, line, kind, message| {
        verdict.problem = Some(Problem {
            line,
            kind,
            message,
        });
    };
    while !at_end || !pending.is_empty() {
        if !at_end && pending.len() < 2 {
            let (mut lines, mut bytes) = (Vec::with_capacity(VERIFY_BATCH), 0);
            while lines.len() < VERIFY_BATCH && bytes < BATCH_BYTES {
                match next_line(&mut r)? {
                    Some(Line::TooLong) => {
                        lines.push(Line::TooLong);
                        at_end = true;
                        break;
                    }
                    Some(l) => {
                        bytes += match &l {
                            Line::Read { bytes, .. } => bytes.len(),
                            Line::TooLong => 0,
                        };
                        lines.push(l);
                    }
                    None => {
                        at_end = true;
                        break;
                    }
                }
            }
            let checked: Vec<Checked> = (lines.into_par_iter())
                .map(|l| match l {
                    Line::Read { bytes, ended } => {
                        let entry = entry(&bytes);
                        let torn = !ended && entry.is_none() && torn(&bytes);
                        Checked::Entry { entry, ended, torn }
                    }
                    Line::TooLong => Checked::TooLong,
                })
                .collect();
            pending.extend(checked);
            continue;
        }
        let Some(line) = pending.pop_front() else {
            break;
        };
        n += 1;
        let next = pending.front();
        let last = next.is_none();
        let (c, ended) = match line {
            Checked::TooLong => {
                fail(
                    &mut verdict,
                    n,
                    "unreadable",
                    format!("line {n} is longer than the limit of {MAX_LINE} bytes: it is not a log entry"),
                );
                return Ok(verdict);
            }
            Checked::Entry {
                entry: None, torn, ..
            } => {
                if last && torn {
                    // An incomplete write: the last line, without a line break.
                    verdict.torn.push(n);
                    continue;
                }
                fail(
                    &mut verdict,
                    n,
                    "unreadable",
                    format!("line {n} is not a log entry: it was changed or damaged"),
                );
                return Ok(verdict);
            }
            Checked::Entry {
                entry: Some(c),
                ended,
                ..
            } => (c, ended),
        };
        if c.prev != chained {
            let next_follows = next
                .and_then(Checked::entry)
                .is_some_and(|e| e.prev == chained);
            let later = expected_seq.filter(|&want| c.seq > want);
            let (kind, message) = match (later, next_follows) {
                (Some(_), true) => (
                    "moved",
                    format!("line {n} (sequence number {}) does not follow the line before it, but line {} does: line {n} was moved here from later in the log", c.seq, n + 1),
                ),
                (Some(want), false) => {
                    let gone = c.seq - want;
                    (
                        "removed",
                        format!(
                            "line {n} has sequence number {} where {want} was expected: {gone} {} before it {} removed (or moved)",
                            c.seq,
                            if gone == 1 { "entry" } else { "entries" },
                            if gone == 1 { "was" } else { "were" }
                        ),
                    )
                }
                (None, _) => (
                    "inserted",
                    format!("line {n} does not follow the line before it: it was inserted or moved here"),
                ),
            };
            fail(&mut verdict, n, kind, message);
            return Ok(verdict);
        }
        if !c.hash_ok {
            fail(
                &mut verdict,
                n,
                "changed",
                format!(
                    "line {n} was changed after it was written (its hash does not match its bytes)"
                ),
            );
            return Ok(verdict);
        }
        let Some(want) = expected_seq.filter(|&w| w == c.seq) else {
            let message = match expected_seq {
                Some(w) => format!("line {n} has sequence number {}, expected {w}", c.seq),
                None => format!("line {n} comes after sequence number 2^64 - 1"),
            };
            fail(&mut verdict, n, "changed", message);
            return Ok(verdict);
        };
        expected_seq = want.checked_add(1);
        chained = c.stored.clone();
        verdict.verified += 1;
        verdict.last_hash = c.stored;
        verdict.unterminated = last && !ended;
    }
    Ok(verdict)
}
