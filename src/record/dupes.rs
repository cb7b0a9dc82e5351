//! Repeated record ids in a streamed batch, found exactly with memory that stays small.
//!
//! A file is screened first: every line's id goes through a Bloom filter, and the ids the
//! filter may have seen before are kept as *suspects* (every real repeat, and a few others).
//! While the batch is decided, only suspects are remembered with the line where they first
//! read; every other id is known to be unique. The filter costs about two bytes per record
//! and the suspects a fraction of a percent of the ids. Standard input cannot be read twice:
//! there every id is remembered.

use super::{Entry, RecordError};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// The id a JSONL line's record has if it reads, as [`super::read_json_line`] takes it.
pub fn line_id(line: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<Value>,
    }
    let line = line.trim_end_matches('\r');
    let id = match serde_json::from_str::<IdOnly>(line) {
        Ok(r) => r.id?,
        // A repeated `id` key, for one: read as the value-based reader does (last wins).
        Err(_) => serde_json::from_str::<Value>(line).ok()?.get("id")?.clone(),
    };
    super::raw::id_string(&id)
}

/// Screens the ids of a file before it is decided.
#[derive(Debug, Default)]
pub struct Screen {
    bloom: Bloom,
    suspects: HashSet<String>,
}

impl Screen {
    /// Notes one record's id.
    pub fn add(&mut self, id: String) {
        if self.bloom.insert(fingerprint(&id)) {
            self.suspects.insert(id);
        }
    }

    /// The duplicate check for deciding the screened file.
    pub fn finish(self) -> Duplicates {
        Duplicates {
            suspects: Some(self.suspects),
            first: HashMap::new(),
        }
    }
}

/// Turns repeated record ids into record errors, in input order.
#[derive(Debug, Default)]
pub struct Duplicates {
    /// `None`: every id may repeat (an input that was not screened).
    suspects: Option<HashSet<String>>,
    /// Where each (suspect) id was first read.
    first: HashMap<String, usize>,
}

impl Duplicates {
    /// The second and later records with an id become errors naming the first line.
    pub fn mark(&mut self, e: &mut Entry) {
        let Ok(c) = &e.result else { return };
        if self.suspects.as_ref().is_some_and(|s| !s.contains(&c.id)) {
            return;
        }
        if let Some(first) = self.first.get(&c.id) {
            e.result = Err(RecordError {
                record: Some(c.id.clone()),
                file: e.file.clone(),
                line: e.line,
                error: format!("duplicate record id `{}` (first at line {first})", c.id),
            });
        } else {
            self.first.insert(c.id.clone(), e.line);
        }
    }
}

fn fingerprint(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// A scalable Bloom filter: layers of doubling capacity, 16 bits and 11 probes per id each
/// (about one false "seen" in 2,000 per layer).
#[derive(Debug, Default)]
struct Bloom {
    layers: Vec<Layer>,
}

#[derive(Debug)]
struct Layer {
    bits: Vec<u64>,
    count: usize,
    capacity: usize,
}

const PROBES: usize = 11;

impl Layer {
    fn new(capacity: usize) -> Layer {
        Layer {
            bits: vec![0; (capacity * 16).div_ceil(64)],
            count: 0,
            capacity,
        }
    }

    fn positions(&self, h: u64) -> [usize; PROBES] {
        let m = self.bits.len() as u64 * 64;
        let (a, b) = (h & 0xFFFF_FFFF, (h >> 32) | 1);
        std::array::from_fn(|i| (a.wrapping_add((i as u64).wrapping_mul(b)) % m) as usize)
    }

    fn contains(&self, h: u64) -> bool {
        (self.positions(h).iter()).all(|&p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }
}

impl Bloom {
    /// Adds a fingerprint; `true` when it may have been added before.
    fn insert(&mut self, h: u64) -> bool {
        if self.layers.iter().any(|l| l.contains(h)) {
            return true;
        }
        let full = self.layers.last().is_none_or(|l| l.count >= l.capacity);
        if full {
            let capacity = self.layers.last().map_or(1 << 16, |l| l.capacity * 2);
            self.layers.push(Layer::new(capacity));
        }
        if let Some(layer) = self.layers.last_mut() {
            for p in layer.positions(h) {
                layer.bits[p / 64] |= 1 << (p % 64);
            }
            layer.count += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloom_never_forgets_and_rarely_imagines() {
        let mut b = Bloom::default();
        let n = 300_000u64;
        let mut false_seen = 0;
        for i in 0..n {
            false_seen += usize::from(b.insert(fingerprint(&format!("cand-{i}"))));
        }
        for i in 0..n {
            assert!(b.insert(fingerprint(&format!("cand-{i}"))), "{i} forgotten");
        }
        assert!(false_seen < 500, "{false_seen} of {n} ids looked seen");
        assert!(b.layers.len() <= 4);
    }

    #[test]
    fn line_id_is_the_record_id() {
        assert_eq!(
            line_id(r#"{"id": "a", "x": [1, {"id": "b"}]}"#).as_deref(),
            Some("a")
        );
        assert_eq!(line_id(r#"{"x": 1, "id": 12}"#).as_deref(), Some("12"));
        assert_eq!(line_id(r#"{"id": "a", "id": "b"}"#).as_deref(), Some("b"));
        assert_eq!(line_id("{\"id\": \"c\"}\r").as_deref(), Some("c"));
        assert_eq!(line_id(r#"{"id": "  "}"#), None);
        assert_eq!(line_id("not json"), None);
    }
}
