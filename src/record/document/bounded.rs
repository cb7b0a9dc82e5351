//! One record's value, built as `serde_json::Value` builds itself, but strictly and with limits
//! per record:
//!
//! - a key given twice in one mapping, at any depth, and a number that is not finite (YAML's
//!   `.nan`, `.inf`) are *problems* of the record: the value is still read to its end (so the
//!   record's id is known and the list goes on) and the record becomes a record error;
//! - a record larger than [`MAX_RECORD_NODES`] values or [`MAX_RECORD_TEXT`] bytes of text is
//!   read to its end without being kept, and becomes a record error. A streamed document has no
//!   limit on its total size, so this is what bounds the memory one record can take.
//!
//! YAML documents and JSONL lines go through the same visitor, so the rule for a repeated key
//! is one rule for every format (JSONL lines have no node limit: a line is at most
//! [`crate::record::MAX_LINE`] bytes).

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use std::fmt;

/// Most values (scalars, lists, mappings and keys, aliases counted as often as they are used)
/// one record may hold.
pub const MAX_RECORD_NODES: usize = 1_000_000;
/// Most bytes of text (scalars and keys) one record may hold: the longest JSONL line.
pub const MAX_RECORD_TEXT: usize = super::super::MAX_LINE;

/// Problems kept per record (a hostile record may repeat a key a million times).
const MAX_PROBLEMS: usize = 5;

/// A record's value, what is wrong with it, and how much it holds.
#[derive(Debug)]
pub struct Bounded {
    /// The value (with the first of repeated keys; `null` in place of a number that is not
    /// finite, and of everything past a limit).
    pub value: Value,
    /// Why the record cannot be read although its text could (repeated keys, numbers that are
    /// not finite, a limit), joined with `; `.
    pub problem: Option<String>,
    /// An estimate of the memory the value takes, in bytes.
    pub size: usize,
}

/// What a record holds so far.
struct Tally {
    nodes: usize,
    text: usize,
    max_nodes: usize,
    max_text: usize,
    over: bool,
    problems: Vec<String>,
    more_problems: usize,
}

impl Tally {
    fn new(max_nodes: usize, max_text: usize) -> Tally {
        Tally {
            nodes: 0,
            text: 0,
            max_nodes,
            max_text,
            over: false,
            problems: Vec::new(),
            more_problems: 0,
        }
    }

    /// Counts one value with `text` bytes; `false` once the record is over a limit.
    fn count(&mut self, text: usize) -> bool {
        self.nodes += 1;
        self.text = self.text.saturating_add(text);
        self.over |= self.nodes > self.max_nodes || self.text > self.max_text;
        !self.over
    }

    fn problem(&mut self, p: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }

    /// The value read with `tally`'s findings.
    fn finish(mut self, value: Value) -> Bounded {
        let size = self.nodes.saturating_mul(64).saturating_add(self.text);
        if self.over {
            self.problems.insert(
                0,
                format!(
                    "the record is larger than the limit of {} values or {} bytes of text",
                    self.max_nodes, self.max_text
                ),
            );
        }
        if self.more_problems > 0 {
            self.problems
                .push(format!("and {} more such problems", self.more_problems));
        }
        let problem = (!self.problems.is_empty()).then(|| self.problems.join("; "));
        Bounded {
            value,
            problem,
            size,
        }
    }
}

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut tally = Tally::new(MAX_RECORD_NODES, MAX_RECORD_TEXT);
        let value = Node::top(&mut tally).deserialize(deserializer)?;
        Ok(tally.finish(value))
    }
}

/// A JSON text (one JSONL line) read strictly: its value and problems, as [`Bounded`] but
/// without the node limit. `Err` only for text that is not JSON.
pub(crate) fn json(text: &str) -> Result<Bounded, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut tally = Tally::new(usize::MAX, usize::MAX);
    let value = Node::top(&mut tally).deserialize(&mut de)?;
    de.end()?;
    Ok(tally.finish(value))
}

/// A JSON value inside a typed record (`attributes`, `protected`) that refuses a repeated key
/// at any depth, as the value-based reader does: the typed reader then leaves the record to it.
#[derive(Debug, PartialEq)]
pub(crate) struct Unique(pub Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut tally = Tally::new(usize::MAX, usize::MAX);
        let node = Node {
            tally: &mut tally,
            key: None,
            top: false,
        };
        let value = node.deserialize(deserializer)?;
        match tally.problems.first() {
            Some(p) => Err(de::Error::custom(p)),
            None => Ok(Unique(value)),
        }
    }
}

/// Builds one value; once the record is over a limit, reads the rest without keeping it.
/// `key` is the mapping key the value stands under (the list's, for a list item), to name it
/// in a problem.
struct Node<'t, 'k> {
    tally: &'t mut Tally,
    key: Option<&'k str>,
    top: bool,
}

impl<'t> Node<'t, '_> {
    fn top(tally: &'t mut Tally) -> Self {
        Node {
            tally,
            key: None,
            top: true,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.tally.over {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Value::Null);
        }
        deserializer.deserialize_any(self)
    }
}

/// The same values `serde_json::Value`'s own visitor makes.
impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        self.tally.count(0);
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        self.tally.count(0);
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        self.tally.count(0);
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.tally.count(0);
        Number::deserialize(de::value::I128Deserializer::new(v)).map(Value::Number)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.tally.count(0);
        Number::deserialize(de::value::U128Deserializer::new(v)).map(Value::Number)
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        self.tally.count(0);
        match Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                let reads = if v.is_nan() { ".nan" } else { "infinite" };
                let what = match self.key {
                    Some(k) => format!("`{k}`"),
                    None => "a value".to_owned(),
                };
                self.tally.problem(format!(
                    "{what} is not a finite number (it reads as {reads})"
                ));
                Ok(Value::Null)
            }
        }
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if self.tally.count(v.len()) {
            Value::String(v.to_owned())
        } else {
            Value::Null
        })
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(if self.tally.count(v.len()) {
            Value::String(v)
        } else {
            Value::Null
        })
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        self.tally.count(0);
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        self.tally.count(0);
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let (tally, key) = (self.tally, self.key);
        tally.count(0);
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node {
            tally: &mut *tally,
            key,
            top: false,
        })? {
            if !tally.over {
                items.push(item);
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let (tally, parent, top) = (self.tally, self.key, self.top);
        tally.count(0);
        let mut values = Map::new();
        while let Some(key) = map.next_key_seed(Key(&mut *tally))? {
            let value = map.next_value_seed(Node {
                tally: &mut *tally,
                key: Some(&key),
                top: false,
            })?;
            if tally.over {
                continue;
            }
            if values.contains_key(&key) {
                tally.problem(match (top, parent) {
                    (true, _) => format!("the key `{key}` is given twice in the record"),
                    (false, Some(p)) => {
                        format!("the key `{key}` is given twice in one mapping under `{p}`")
                    }
                    (false, None) => format!("the key `{key}` is given twice in one mapping"),
                });
            } else {
                values.insert(key, value);
            }
        }
        Ok(Value::Object(values))
    }
}

/// A mapping key: a string, as `serde_json::Value` asks for one.
struct Key<'t>(&'t mut Tally);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        self.0.count(v.len());
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        self.0.count(v.len());
        Ok(v)
    }
}
