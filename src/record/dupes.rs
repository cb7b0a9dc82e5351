//! Repeated record ids in a streamed batch, found exactly with memory that stays small.
//!
//! A file is screened first: every line's id goes through a Bloom filter, and the ids the
//! filter may have seen before are kept as *suspects* (every real repeat, and a few others).
//! While the batch is decided, only suspects are remembered with the line where they first
//! read; every other id is known to be unique. The filter costs about two bytes per record
//! and the suspects a fraction of a percent of the ids. Standard input cannot be read twice:
//! there every id is remembered.

use super::lex::Scan;
use super::{Entry, RecordError};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// The id a JSONL line's record has if it reads, as [`super::read_json_line`] takes it.
pub fn line_id(line: &str) -> Option<Cow<'_, str>> {
    line_id_bytes(line.as_bytes())
}

/// [`line_id`] of a line not checked to be UTF-8: only the id must be (a line that is not
/// UTF-8 is a record error when it is read, so an id taken from it merely is remembered).
pub fn line_id_bytes(mut line: &[u8]) -> Option<Cow<'_, str>> {
    while let Some(rest) = line.strip_suffix(b"\r") {
        line = rest;
    }
    match scan_id(line) {
        Some(id) => id.filter(|s| !s.trim().is_empty()).map(Cow::Borrowed),
        None => serde_id(std::str::from_utf8(line).ok()?).map(Cow::Owned),
    }
}

/// [`line_id`] the slow way: what serde_json reads.
fn serde_id(line: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<Value>,
    }
    // A repeated `id` key fails too: such a record is an error, never a decision.
    let id = serde_json::from_str::<IdOnly>(line).ok()?.id?;
    super::raw::id_string(&id)
}

/// The record id of a JSON object line in the common case, without parsing the rest: `Some(id)`
/// when the line is one object whose only top-level `id` key holds a string without escapes
/// (`Some(None)`: an object without `id`). `None` when anything is unusual (escapes in a key or
/// the id, a number id, a repeated `id`, text that is not a well-formed object): the caller
/// then asks serde_json. Values other than the id are skipped by their brackets and quotes
/// only; a line this accepts but serde_json rejects cannot be read as a record anyway.
fn scan_id(b: &[u8]) -> Option<Option<&str>> {
    let mut s = Scan::new(b);
    s.ws();
    s.eat(b'{')?;
    let mut id = None;
    s.ws();
    if s.peek() == Some(b'}') {
        s.i += 1;
    } else {
        loop {
            s.ws();
            let key = s.plain_string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            if key == b"id" {
                if id.is_some() || s.peek() != Some(b'"') {
                    return None;
                }
                id = Some(std::str::from_utf8(s.plain_string()?).ok()?);
            } else {
                s.skip_value()?;
            }
            s.ws();
            match s.peek()? {
                b',' => s.i += 1,
                b'}' => {
                    s.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.ws();
    (s.i == b.len()).then_some(id)
}

/// Screens the ids of a file before it is decided.
#[derive(Debug, Default)]
pub struct Screen {
    bloom: Bloom,
    suspects: HashSet<String>,
}

impl Screen {
    /// Notes one record's id.
    pub fn add(&mut self, id: &str) {
        self.add_fingerprinted(fingerprint(id), id);
    }

    /// Notes one record's id whose [`fingerprint`] was taken elsewhere (on another thread).
    pub fn add_fingerprinted(&mut self, fingerprint: u64, id: &str) {
        if self.bloom.insert(fingerprint) {
            self.suspects.insert(id.to_owned());
        }
    }

    /// The duplicate check for deciding the screened file.
    pub fn finish(self) -> Duplicates {
        Duplicates {
            suspects: Some(self.suspects),
            first: HashMap::new(),
            files: Vec::new(),
        }
    }
}

/// Turns repeated record ids into record errors, in input order, across all the inputs of a
/// batch (entries are marked in input order, input after input).
#[derive(Clone, Debug, Default)]
pub struct Duplicates {
    /// `None`: every id may repeat (inputs that were not screened).
    suspects: Option<HashSet<String>>,
    /// Where each (suspect) id was first read: the input (an index into `files`) and line.
    first: HashMap<String, (u32, usize)>,
    /// The inputs met so far, in order.
    files: Vec<String>,
}

impl Duplicates {
    /// Whether the input was screened (only suspects are remembered), rather than every id.
    pub fn screened(&self) -> bool {
        self.suspects.is_some()
    }

    /// The second and later records with an id become errors naming the first line (and
    /// its file, when that is another input).
    pub fn mark(&mut self, e: &mut Entry) {
        let Ok(c) = &e.result else { return };
        if self.suspects.as_ref().is_some_and(|s| !s.contains(&c.id)) {
            return;
        }
        if self.files.last() != Some(&e.file) {
            self.files.push(e.file.clone());
        }
        let file = (self.files.len() - 1) as u32;
        if let Some(&(first_file, line)) = self.first.get(&c.id) {
            let at = match self.files.get(first_file as usize) {
                Some(f) if first_file != file => format!("first in {f} at line {line}"),
                _ => format!("first at line {line}"),
            };
            e.result = Err(RecordError {
                record: Some(c.id.clone()),
                file: e.file.clone(),
                line: e.line,
                error: format!("duplicate record id `{}` ({at})", c.id),
                problems: Vec::new(),
            });
        } else {
            self.first.insert(c.id.clone(), (file, e.line));
        }
    }
}

/// A 64-bit hash of an id for the screen's filter.
pub fn fingerprint(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// A scalable Bloom filter: layers of doubling capacity, 16 bits per id each (about one false
/// "seen" in 300: such an id is only remembered, never misjudged). A layer is
/// split into 512-bit blocks and an id's probes all fall in one block (one cache line): a
/// lookup costs one memory access and no division, which matters because the screen adds
/// every id of a file on one thread.
#[derive(Debug, Default)]
struct Bloom {
    layers: Vec<Layer>,
}

#[derive(Debug)]
struct Layer {
    /// Blocks of eight words.
    bits: Vec<[u64; 8]>,
    count: usize,
    capacity: usize,
}

const PROBES: u32 = 11;

impl Layer {
    fn new(capacity: usize) -> Layer {
        let blocks = (capacity * 16).div_ceil(512).max(1);
        Layer {
            bits: vec![[0; 8]; blocks],
            count: 0,
            capacity,
        }
    }

    /// The block and the bits (0..512) of a fingerprint: the block from its low half
    /// (multiplied into range, no division), the probes by double hashing on its high half.
    fn probes(&self, h: u64) -> (usize, impl Iterator<Item = u32>) {
        let block = (((h & 0xFFFF_FFFF) * self.bits.len() as u64) >> 32) as usize;
        let (a, b) = ((h >> 32) as u32, ((h >> 48) as u32) | 1);
        let bits = (0..PROBES).map(move |i| a.wrapping_add(i.wrapping_mul(b)) & 511);
        (block, bits)
    }

    fn contains(&self, h: u64) -> bool {
        let (block, mut bits) = self.probes(h);
        let words = &self.bits[block];
        bits.all(|p| words[(p / 64) as usize] & (1 << (p % 64)) != 0)
    }

    fn set(&mut self, h: u64) {
        let (block, bits) = self.probes(h);
        let words = &mut self.bits[block];
        for p in bits {
            words[(p / 64) as usize] |= 1 << (p % 64);
        }
        self.count += 1;
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
            layer.set(h);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        // About one in 300: such ids are remembered while deciding, never misjudged.
        assert!(false_seen < 1_500, "{false_seen} of {n} ids looked seen");
        assert!(b.layers.len() <= 4);
    }

    #[test]
    fn line_id_is_the_record_id() {
        assert_eq!(
            line_id(r#"{"id": "a", "x": [1, {"id": "b"}]}"#).as_deref(),
            Some("a")
        );
        assert_eq!(line_id(r#"{"x": 1, "id": 12}"#).as_deref(), Some("12"));
        assert_eq!(line_id(r#"{"id": "a", "id": "b"}"#), None);
        assert_eq!(line_id("{\"id\": \"c\"}\r").as_deref(), Some("c"));
        assert_eq!(line_id(r#"{"id": "  "}"#), None);
        assert_eq!(line_id("not json"), None);
        assert_eq!(line_id(r#"{"i\u0064": "e"}"#).as_deref(), Some("e"));
        assert_eq!(line_id(r#"{"n": "}\"", "id": "f"}"#).as_deref(), Some("f"));
        assert_eq!(
            line_id(r#" { "a" : { "id" : "x" } , "id" : "g" } "#).as_deref(),
            Some("g")
        );
        assert_eq!(line_id(r#"{"id": "h\"i"}"#).as_deref(), Some("h\"i"));
        assert_eq!(line_id(r#"{"id": "j"} x"#), None);
    }

    #[test]
    fn a_line_cut_after_a_backslash_is_not_a_panic() {
        assert_eq!(line_id(r#"{"x": "a\"#), None);
        assert_eq!(line_id(r#"{"id": "b", "x": ["a\"#), None);
    }

    fn json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("id".to_string()),
            Just("i\\u0064".to_string()),
            "[a-z\"\\\\{}\\[\\],: ]{0,4}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z0-9\"\\\\{}\\[\\],: \\n]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The quick scan gives the id serde_json reads, on any JSON text (written compactly,
        /// spaciously, or with a key repeated by hand), and never panics on a mangled line.
        #[test]
        fn scan_agrees_with_serde(v in json(), id in "[a-z \\\\\"]{0,4}", cut in 0usize..200, pretty: bool) {
            let mut v = v;
            if let Value::Object(m) = &mut v {
                m.insert("id".into(), Value::String(id));
            }
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap().replace('\n', " ")
            } else {
                serde_json::to_string(&v).unwrap()
            };
            prop_assert_eq!(line_id(&text).map(Cow::into_owned), serde_id(&text));
            let repeated = text.replacen('{', "{\"id\":\"first\",", 1);
            if serde_json::from_str::<Value>(&repeated).is_ok() {
                prop_assert_eq!(line_id(&repeated).map(Cow::into_owned), serde_id(&repeated));
            }
            let mangled = &text.as_bytes()[..cut.min(text.len())];
            if let Ok(m) = std::str::from_utf8(mangled) {
                let _ = line_id(m);
            }
        }
    }
}
