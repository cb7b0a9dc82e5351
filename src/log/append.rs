//! Appending to a log: opening it (locked, reading only its tail), and chaining new lines on.

use super::{chain_hash, engine, entry, torn, Entry, GENESIS, MAX_LINE};
use crate::decision::Decision;
use crate::record::{Candidate, RecordError};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// What a log line says of one decision or record error, worked out on any thread;
/// [`Appender::append_pending`] chains it into the log in order.
#[derive(Clone, Debug)]
pub struct Pending {
    as_of: String,
    /// The record's hash (decisions only: a record in error may not have been read).
    record_sha256: Option<String>,
    /// `decision` or `error`.
    key: &'static str,
    /// The decision or the error as compact JSON.
    json: Vec<u8>,
}

/// Room for a line's members other than the decision or error.
const HEADER: usize = 1024;

impl Pending {
    /// The line for decision `d` about record `cand`.
    pub fn new(d: &Decision, cand: &Candidate) -> Pending {
        let mut json = Vec::with_capacity(8 << 10);
        crate::render::json::decision(d, &mut json);
        Pending {
            as_of: d.as_of.to_string(),
            record_sha256: Some(super::record_sha256(cand)),
            key: "decision",
            json,
        }
    }

    /// The line for decision `d` about record `cand` whose compact JSON the caller rendered
    /// (the decision service adds a `decision_id` member, which the log keeps too).
    pub fn with_json(d: &Decision, cand: &crate::Candidate, json: Vec<u8>) -> Pending {
        Pending {
            as_of: d.as_of.to_string(),
            record_sha256: Some(super::record_sha256(cand.record())),
            key: "decision",
            json,
        }
    }

    /// The line for a record error, in the record's place in a batch decided as of `as_of`.
    pub fn error(e: &RecordError, as_of: jiff::civil::Date) -> Pending {
        let mut json = Vec::with_capacity(256);
        crate::render::write_item(&crate::render::Item::Error(e.clone()), &mut json);
        Pending {
            as_of: as_of.to_string(),
            record_sha256: None,
            key: "error",
            json,
        }
    }

    /// Whether the line fits in [`MAX_LINE`] (a longer one could not be read back).
    pub fn fits(&self) -> bool {
        self.json.len() + self.as_of.len() + HEADER <= MAX_LINE
    }
}

/// Why a log cannot be opened for appending.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process holds the log's lock.
    #[error("log `{0}` is in use by another process")]
    InUse(String),
    /// A directory, device, FIFO or socket.
    #[error("log `{0}` is not a regular file")]
    NotAFile(String),
    /// The tail is not a log entry: appending would chain onto something unverifiable.
    #[error("log `{0}` does not end with a valid entry ({1}); run `credo log verify` on it")]
    Damaged(String, &'static str),
    /// Reading or writing failed.
    #[error("cannot open log `{0}`: {1}")]
    Io(String, std::io::Error),
}

/// What opening found at the end of the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Opened {
    /// Empty, or ending with a complete line.
    #[default]
    Clean,
    /// The last entry was complete but had no line break: it was terminated and chained onto.
    Terminated,
    /// The last line was an incomplete write of this many bytes: it was removed.
    DroppedTorn(u64),
}

/// An open log, locked and ready to append.
pub struct Appender {
    file: std::io::BufWriter<File>,
    pub(super) prev: String,
    pub(super) seq: u64,
    /// Whether [`Appender::commit`] syncs the log to the disk.
    sync: bool,
    /// What opening found.
    pub opened: Opened,
}

impl Appender {
    /// Opens (or creates) a log for appending and takes an exclusive advisory lock on it, held
    /// until the appender is dropped. Only the log's tail is read: the last line must be a
    /// complete entry whose hash matches its bytes. A complete last entry without its line break
    /// is terminated and chained onto; a torn last line (the start of an entry that was never
    /// finished) is removed, and the chain goes on from the line before it.
    pub fn open(path: &Path) -> Result<Appender, OpenError> {
        let name = path.display().to_string();
        let io = |e| OpenError::Io(name.clone(), e);
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => return Err(OpenError::NotAFile(name)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io)?;
        // Checked again on the file opened, in case the path changed in between.
        if !file.metadata().map_err(io)?.is_file() {
            return Err(OpenError::NotAFile(name));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(OpenError::InUse(name)),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let len = file.metadata().map_err(io)?.len();
        let (mut prev, mut seq, mut opened) = (GENESIS.to_owned(), 0, Opened::Clean);
        if len > 0 {
            let mut byte = [0];
            file.seek(SeekFrom::Start(len - 1)).map_err(io)?;
            file.read_exact(&mut byte).map_err(io)?;
            let terminated = byte[0] == b'\n';
            let end = if terminated { len - 1 } else { len };
            let damaged = |why| OpenError::Damaged(name.clone(), why);
            let (start, line) = match last_line(&mut file, end).map_err(io)? {
                Tail::Line(start, line) => (start, line),
                Tail::TooLong => return Err(damaged("its last line is too long")),
            };
            let last = match entry(&line) {
                Some(e) if e.hash_ok => Some(e),
                Some(_) => return Err(damaged("the last line's hash does not match its bytes")),
                None if !terminated && torn(&line) => {
                    // A torn write, never finished and so never acknowledged: removed, and the
                    // chain goes on from the complete line before it.
                    let before = match start.checked_sub(1) {
                        None => None,
                        Some(end) => {
                            Some(verified_line(&mut file, end).map_err(io)?.ok_or_else(|| {
                                damaged("the line before the torn last line is not a valid entry")
                            })?)
                        }
                    };
                    file.set_len(start).map_err(io)?;
                    opened = Opened::DroppedTorn(len - start);
                    before
                }
                None => return Err(damaged("the last line is not a log entry")),
            };
            if let Some(Entry { stored, seq: s, .. }) = last {
                (prev, seq) = (stored, s);
            }
            if !terminated && opened == Opened::Clean {
                file.write_all(b"\n").map_err(io)?;
                opened = Opened::Terminated;
            }
        }
        Ok(Appender {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            prev,
            seq,
            sync: false,
            opened,
        })
    }

    /// Makes [`Appender::commit`] sync the log to the disk too (`--log-sync`).
    pub fn sync_on_commit(&mut self, sync: bool) {
        self.sync = sync;
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
    /// line is the compact JSON object `{seq, engine, as_of, policy_hash, record_sha256,
    /// decision, prev, hash}` (`error` in place of `decision` and no `record_sha256` for a
    /// record error), in that order; `hash` covers the bytes before it and a closing `}`.
    /// Lines are buffered: [`Appender::commit`] writes them out.
    pub fn append_pending(&mut self, p: Pending, policy_hash: &str) -> std::io::Result<()> {
        if !p.fits() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a log line would be longer than the limit of {MAX_LINE} bytes"),
            ));
        }
        let seq = self.seq.checked_add(1).ok_or_else(|| {
            std::io::Error::other("the log's sequence numbers are used up (at 2^64 - 1)")
        })?;
        let string = |s: &str| serde_json::to_string(s).map_err(std::io::Error::other);
        let mut line = Vec::with_capacity(p.json.len() + 600);
        line.extend_from_slice(b"{\"seq\":");
        line.extend_from_slice(seq.to_string().as_bytes());
        let mut members = vec![
            ("engine", engine()),
            ("as_of", p.as_of),
            ("policy_hash", policy_hash.to_owned()),
        ];
        if let Some(r) = p.record_sha256 {
            members.push(("record_sha256", r));
        }
        for (key, value) in members {
            line.extend_from_slice(format!(",\"{key}\":").as_bytes());
            line.extend_from_slice(string(&value)?.as_bytes());
        }
        line.extend_from_slice(format!(",\"{}\":", p.key).as_bytes());
        line.extend_from_slice(&p.json);
        line.extend_from_slice(b",\"prev\":");
        line.extend_from_slice(string(&self.prev)?.as_bytes());
        let hash = chain_hash(&self.prev, &line);
        line.extend_from_slice(b",\"hash\":\"");
        line.extend_from_slice(hash.as_bytes());
        line.extend_from_slice(b"\"}\n");
        self.file.write_all(&line)?;
        (self.seq, self.prev) = (seq, hash);
        Ok(())
    }

    /// Writes out the lines appended so far (and syncs them with
    /// [`Appender::sync_on_commit`]): after this they are in the file, whatever happens to this
    /// process. A decision is printed only after its line is committed.
    pub fn commit(&mut self) -> std::io::Result<()> {
        self.file.flush()?;
        if self.sync {
            self.file.get_ref().sync_data()?;
        }
        Ok(())
    }

    /// Writes out the lines appended so far and syncs the log to the disk.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_all()
    }

    /// The hash of the last line (the genesis hash for an empty log).
    pub fn last_hash(&self) -> &str {
        &self.prev
    }
}

/// The line that ends at `end` as an entry whose hash matches its bytes, if it is one.
fn verified_line(file: &mut File, end: u64) -> std::io::Result<Option<Entry>> {
    Ok(match last_line(file, end)? {
        Tail::Line(_, line) => entry(&line).filter(|e| e.hash_ok),
        Tail::TooLong => None,
    })
}

/// The line that ends at `end` (a line break or the end of the file), found by reading
/// backwards in blocks.
enum Tail {
    /// Its start offset and its bytes.
    Line(u64, Vec<u8>),
    /// Longer than [`MAX_LINE`].
    TooLong,
}

/// Reads backwards from `end` to the line break before it (or the start of the file), at most
/// [`MAX_LINE`] bytes.
fn last_line(file: &mut File, end: u64) -> std::io::Result<Tail> {
    const BLOCK: u64 = 64 << 10;
    // The blocks read, last first.
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut at = end;
    while at > 0 && end - at <= MAX_LINE as u64 {
        let from = at.saturating_sub(BLOCK);
        let mut block = vec![0; (at - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut block)?;
        if let Some(i) = memchr::memrchr(b'\n', &block) {
            block.drain(..=i);
            blocks.push(block);
            at = from + i as u64 + 1;
            break;
        }
        blocks.push(block);
        at = from;
    }
    if end - at > MAX_LINE as u64 {
        return Ok(Tail::TooLong);
    }
    Ok(Tail::Line(at, blocks.into_iter().rev().flatten().collect()))
}
