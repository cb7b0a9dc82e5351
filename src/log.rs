//! The tamper-evident decision log (SPEC §10): one JSON line per decision or record error,
//! each carrying the SHA-256 of the previous line and its own, so a changed, removed, inserted
//! or moved line breaks the chain at the first place it happened.
//!
//! A line's hash is its last member, `,"hash":"sha256:<64 hex>"}`, and covers the bytes on disk:
//! SHA-256 over the previous hash, a newline, and the line's bytes before `,"hash":` followed by
//! the `}` that closes the object (the line as written, without its hash member). Reading never
//! re-serialises: the hash suffix is found by its bytes, and the line is parsed (strictly: a
//! duplicate key at any depth makes it unreadable) only to learn its `seq` and `prev`. Only the
//! last line of a log may be torn (an incomplete write); the next append removes it.

mod append;
mod verify;

#[cfg(test)]
mod tests;

pub use append::{Appender, OpenError, Opened, Pending};
pub use verify::{verify, verify_reader, Problem, Verdict};

use crate::load::hex;
use crate::record::Candidate;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};

/// `prev` of the first line.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The longest log line read or written: the limit records have. A longer line is never
/// buffered whole (so `/dev/zero` cannot exhaust memory) and is not a log entry.
pub const MAX_LINE: usize = crate::record::MAX_LINE;

/// The engine version written in every line.
pub fn engine() -> String {
    format!("credo {}", env!("CARGO_PKG_VERSION"))
}

/// What precedes the hex digits of a line's hash member, its last.
const HASH_MEMBER: &[u8] = b",\"hash\":\"sha256:";
/// The length of the hash member with the `"}` that ends the line.
const HASH_SUFFIX: usize = HASH_MEMBER.len() + 64 + 2;

/// `sha256:` + hex of the previous hash, a newline, `body` and a closing `}`: the hash of a line
/// whose bytes before its hash member are `body`.
fn chain_hash(prev: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.update(b"}");
    format!("sha256:{}", hex(&h.finalize()))
}

/// The SHA-256 of a candidate record's canonical JSON (the same whatever format it came in).
///
/// The canonical JSON's members are in the order written below, by structs (serde keeps
/// their field order), not by `serde_json::Value` maps, whose order depends on whether any
/// crate in the build turns on `serde_json/preserve_order`.
pub fn record_sha256(c: &Candidate) -> String {
    let v = canonical::Record::new(c);
    let mut h = Sha256::new();
    // Serialising these structs cannot fail; were it to, nothing is hashed rather than panic.
    if let Ok(bytes) = serde_json::to_vec(&v) {
        h.update(&bytes);
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// The canonical JSON of a record, for [`record_sha256`].
mod canonical {
    use crate::record::{AttrValue, Candidate};
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    pub(super) struct Record<'a> {
        id: &'a str,
        applied: &'a [String],
        attributes: &'a BTreeMap<String, AttrValue>,
        protected: &'a BTreeMap<String, String>,
        credentials: Vec<Credential<'a>>,
        artifacts: Vec<Artifact<'a>>,
        labs: Vec<Lab<'a>>,
        work_samples: &'a [(String, f64)],
        experience: &'a [(String, f64)],
        education: Vec<Education<'a>>,
    }

    #[derive(Serialize)]
    struct Credential<'a> {
        id: &'a Option<String>,
        issuer: &'a Option<String>,
        title: &'a Option<String>,
        achievement: &'a Option<String>,
        issued: Option<String>,
        expires: Option<String>,
        verified: bool,
    }

    #[derive(Serialize)]
    struct Artifact<'a> {
        title: &'a str,
        skills: &'a [String],
        date: Option<String>,
        reviewed: bool,
    }

    #[derive(Serialize)]
    struct Lab<'a> {
        title: &'a str,
        skills: &'a [String],
        completed: Option<String>,
        hours: Option<f64>,
    }

    #[derive(Serialize)]
    struct Education<'a> {
        level: &'a Option<String>,
        field: &'a Option<String>,
        completed: bool,
    }

    impl<'a> Record<'a> {
        pub(super) fn new(c: &'a Candidate) -> Record<'a> {
            let day = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
            Record {
                id: &c.id,
                applied: &c.applied,
                attributes: &c.attributes,
                protected: &c.protected,
                credentials: (c.credentials.iter())
                    .map(|h| Credential {
                        id: &h.id,
                        issuer: &h.issuer,
                        title: &h.title,
                        achievement: &h.achievement,
                        issued: day(h.issued),
                        expires: day(h.expires),
                        verified: h.verified,
                    })
                    .collect(),
                artifacts: (c.artifacts.iter())
                    .map(|a| Artifact {
                        title: &a.title,
                        skills: &a.skills,
                        date: day(a.date),
                        reviewed: a.reviewed,
                    })
                    .collect(),
                labs: (c.labs.iter())
                    .map(|l| Lab {
                        title: &l.title,
                        skills: &l.skills,
                        completed: day(l.completed),
                        hours: l.hours,
                    })
                    .collect(),
                work_samples: &c.work_samples,
                experience: &c.experience,
                education: (c.education.iter())
                    .map(|e| Education {
                        level: &e.level,
                        field: &e.field,
                        completed: e.completed,
                    })
                    .collect(),
            }
        }
    }
}

/// What one complete log line says, worked out on its own (on any thread): its stored hash,
/// `prev` and `seq`, and whether the stored hash is the hash of its bytes chained onto its own
/// `prev`.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    stored: String,
    prev: String,
    seq: u64,
    hash_ok: bool,
}

/// Reads one line (without its line break) as a log entry: `None` unless it ends with a hash
/// member and is one JSON object, without duplicate keys at any depth, with a `seq` and a `prev`.
fn entry(line: &[u8]) -> Option<Entry> {
    let split = line.len().checked_sub(HASH_SUFFIX)?;
    let (body, suffix) = line.split_at(split);
    let digits = suffix.strip_prefix(HASH_MEMBER)?.strip_suffix(b"\"}")?;
    if !digits
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let top = parse_strict(line)?;
    let stored = format!("sha256:{}", std::str::from_utf8(digits).ok()?);
    // The hash member is the last (the suffix) and keys are unique: the parsed one is it.
    if top.hash.as_deref() != Some(stored.as_str()) {
        return None;
    }
    let (prev, seq) = (top.prev?, top.seq?);
    let hash_ok = chain_hash(&prev, body) == stored;
    Some(Entry {
        stored,
        prev,
        seq,
        hash_ok,
    })
}

/// The start of every line the appender writes: a torn line starts with (a part of) it.
const LINE_START: &[u8] = b"{\"seq\":";

/// Whether an unterminated last line that is not an entry is a torn write: the start of an entry
/// as the appender writes them, cut short. A line that is a whole JSON text (however unreadable
/// otherwise, as one nested too deep) was not cut short: it is damage.
fn torn(line: &[u8]) -> bool {
    (line.starts_with(LINE_START) || LINE_START.starts_with(line))
        && serde_json::from_slice::<de::IgnoredAny>(line).is_err_and(|e| e.is_eof())
}

/// The members of a log line that the chain reads.
#[derive(Default)]
struct Top {
    seq: Option<u64>,
    prev: Option<String>,
    hash: Option<String>,
}

/// Parses a line as one JSON object, rejecting a duplicate key in any object (another reader
/// may honour the other copy) and anything serde_json rejects (including deep nesting).
fn parse_strict(line: &[u8]) -> Option<Top> {
    struct TopVisitor;
    impl<'de> Visitor<'de> for TopVisitor {
        type Value = Top;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a log entry")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
            let mut top = Top::default();
            let mut keys = rustc_hash::FxHashSet::default();
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "seq" => top.seq = Some(map.next_value()?),
                    "prev" => top.prev = Some(map.next_value()?),
                    "hash" => top.hash = Some(map.next_value()?),
                    _ => {
                        map.next_value::<Strict>()?;
                    }
                }
                if !keys.insert(key) {
                    return Err(de::Error::custom("duplicate key"));
                }
            }
            Ok(top)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    let top = de.deserialize_map(TopVisitor).ok()?;
    de.end().ok()?;
    Some(top)
}

/// Any JSON value whose objects have no duplicate keys.
struct Strict;

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        struct StrictVisitor;
        impl<'de> Visitor<'de> for StrictVisitor {
            type Value = Strict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                while seq.next_element::<Strict>()?.is_some() {}
                Ok(Strict)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
                let mut keys = rustc_hash::FxHashSet::default();
                while let Some(key) = map.next_key::<String>()? {
                    if !keys.insert(key) {
                        return Err(de::Error::custom("duplicate key"));
                    }
                    map.next_value::<Strict>()?;
                }
                Ok(Strict)
            }
        }
        d.deserialize_any(StrictVisitor)
    }
}
