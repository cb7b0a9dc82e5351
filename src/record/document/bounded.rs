//! One record's value, built as `serde_json::Value` builds itself, but with limits per record:
//! a record larger than [`MAX_RECORD_NODES`] values or [`MAX_RECORD_TEXT`] bytes of text is
//! read to its end without being kept, and becomes a record error. A streamed document has no
//! limit on its total size, so this is what bounds the memory one record can take.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use std::fmt;

/// Most values (scalars, lists, mappings and keys, aliases counted as often as they are used)
/// one record may hold.
pub const MAX_RECORD_NODES: usize = 1_000_000;
/// Most bytes of text (scalars and keys) one record may hold: the longest JSONL line.
pub const MAX_RECORD_TEXT: usize = super::super::MAX_LINE;

/// A record's value, or why it was not kept; and how much it holds.
#[derive(Debug)]
pub struct Bounded {
    /// The value, or the limit it broke.
    pub value: Result<Value, String>,
    /// An estimate of the memory the value takes, in bytes.
    pub size: usize,
}

/// What a record holds so far.
#[derive(Default)]
struct Tally {
    nodes: usize,
    text: usize,
    over: bool,
}

impl Tally {
    /// Counts one value with `text` bytes; `false` once the record is over a limit.
    fn count(&mut self, text: usize) -> bool {
        self.nodes += 1;
        self.text = self.text.saturating_add(text);
        self.over |= self.nodes > MAX_RECORD_NODES || self.text > MAX_RECORD_TEXT;
        !self.over
    }
}

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut tally = Tally::default();
        let value = Node(&mut tally).deserialize(deserializer)?;
        let size = tally.nodes.saturating_mul(64).saturating_add(tally.text);
        let value = if tally.over {
            Err(format!(
                "the record is larger than the limit of {MAX_RECORD_NODES} values or \
                 {MAX_RECORD_TEXT} bytes of text"
            ))
        } else {
            Ok(value)
        };
        Ok(Bounded { value, size })
    }
}

/// Builds one value; once the record is over a limit, reads the rest without keeping it.
struct Node<'t>(&'t mut Tally);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.0.over {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Value::Null);
        }
        deserializer.deserialize_any(self)
    }
}

/// The same values `serde_json::Value`'s own visitor makes.
impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        self.0.count(0);
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        self.0.count(0);
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        self.0.count(0);
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.0.count(0);
        Number::deserialize(de::value::I128Deserializer::new(v)).map(Value::Number)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.0.count(0);
        Number::deserialize(de::value::U128Deserializer::new(v)).map(Value::Number)
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        self.0.count(0);
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if self.0.count(v.len()) {
            Value::String(v.to_owned())
        } else {
            Value::Null
        })
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(if self.0.count(v.len()) {
            Value::String(v)
        } else {
            Value::Null
        })
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        self.0.count(0);
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        self.0.count(0);
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let tally = self.0;
        tally.count(0);
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node(&mut *tally))? {
            if !tally.over {
                items.push(item);
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let tally = self.0;
        tally.count(0);
        let mut values = Map::new();
        while let Some(key) = map.next_key_seed(Key(&mut *tally))? {
            let value = map.next_value_seed(Node(&mut *tally))?;
            if !tally.over {
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
