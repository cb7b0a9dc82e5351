//! Figures and their change since the previous review.
//!
//! Every number a review reports is a [`Figure`]: its value, the number of people it is
//! computed over (`n`) where that is not the value itself, and — when the review is given the
//! previous quarter's review — that review's value and the change. Each figure has a stable
//! key (`soc_analyst.funnel.applicants`); the review's JSON lists every key with its value
//! under `figures`, which is what the next quarter's review reads back ([`Previous`]).

use super::quarter::Quarter;
use serde::ser::SerializeMap;
use std::collections::BTreeMap;

/// One reported number.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The value; `None` when it cannot be computed (no one to compute it over).
    pub value: Option<f64>,
    /// How many people it is computed over, when that is not the value itself.
    pub n: Option<u64>,
    /// `Some` when the review has a previous review: that review's value (`None` when it did
    /// not report this figure).
    pub previous: Option<Option<f64>>,
}

impl Figure {
    /// The value minus the previous value, when both exist.
    pub fn change(&self) -> Option<f64> {
        match (self.value, self.previous) {
            (Some(v), Some(Some(p))) => Some(v - p),
            _ => None,
        }
    }
}

impl serde::Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value.map(Number))?;
        if let Some(n) = self.n {
            m.serialize_entry("n", &n)?;
        }
        if let Some(previous) = self.previous {
            m.serialize_entry("previous", &previous.map(Number))?;
            m.serialize_entry("change", &self.change().map(Number))?;
        }
        m.end()
    }
}

/// A number as JSON: whole numbers without a fraction (counts read as counts), others
/// unrounded.
#[derive(Clone, Copy, Debug)]
pub struct Number(pub f64);

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// Named figures in the order they were added (a JSON object in that order).
#[derive(Clone, Debug, Default)]
pub struct Named(pub Vec<(String, Figure)>);

impl Named {
    /// Adds a figure under a name.
    pub fn insert(&mut self, name: impl Into<String>, figure: Figure) {
        self.0.push((name.into(), figure));
    }

    /// The figure of a name.
    pub fn get(&self, name: &str) -> Option<&Figure> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }
}

impl serde::Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Makes figures, remembering each under its key.
#[derive(Debug, Default)]
pub struct Figures {
    previous: Option<BTreeMap<String, f64>>,
    /// Every figure made so far: key → value.
    pub index: BTreeMap<String, Option<f64>>,
}

impl Figures {
    /// A maker that compares with the previous review's figures, if there is one.
    pub fn new(previous: Option<&Previous>) -> Self {
        Figures {
            previous: previous.map(|p| p.figures.clone()),
            index: BTreeMap::new(),
        }
    }

    /// A figure over `n` people (`None` when the value is itself a count of people).
    pub fn fig(&mut self, key: &str, value: Option<f64>, n: Option<u64>) -> Figure {
        self.index.insert(key.to_owned(), value);
        Figure {
            value,
            n,
            previous: (self.previous.as_ref()).map(|p| p.get(key).copied()),
        }
    }

    /// A count.
    pub fn count(&mut self, key: &str, value: u64) -> Figure {
        self.fig(key, Some(value as f64), None)
    }

    /// The previous review's value of a figure (`None` without one, or when it lacked it).
    pub fn previous(&self, key: &str) -> Option<f64> {
        self.previous.as_ref()?.get(key).copied()
    }
}

/// What a review needs of the previous quarter's review (`--previous REVIEW.json`).
#[derive(Clone, Debug, PartialEq)]
pub struct Previous {
    /// Its quarter.
    pub quarter: Quarter,
    /// The policy version it reviewed.
    pub policy_version: String,
    /// Its figures by key (figures without a value are left out).
    pub figures: BTreeMap<String, f64>,
}

/// The `review` member of a review's JSON, which says what the file is.
pub const KIND: &str = "credo review";
/// The version of the review JSON this build writes and reads.
pub const FORMAT: u64 = 1;

impl Previous {
    /// Reads a review that `credo review --format json` wrote; the error names what is wrong.
    pub fn read(text: &str) -> Result<Previous, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("it is not JSON ({e})"))?;
        let obj = v
            .as_object()
            .ok_or("it is not a JSON object, as `credo review --format json` writes")?;
        if obj.get("review").and_then(|k| k.as_str()) != Some(KIND) {
            return Err(format!(
                "it has no `\"review\": \"{KIND}\"`: it is not a review that `credo review --format json` wrote"
            ));
        }
        match obj.get("format").and_then(|f| f.as_u64()) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "it is review format {other}; this credo reads format {FORMAT}"
                ))
            }
            None => return Err("its `format` is missing or not a whole number".into()),
        }
        let quarter = (obj.get("quarter").and_then(|q| q.as_str()))
            .ok_or("its `quarter` is missing or not a string")
            .map_err(str::to_owned)
            .and_then(|q| Quarter::parse(q).map_err(|e| format!("its `quarter`: {e}")))?;
        let policy_version = (obj.get("policy"))
            .and_then(|p| p.get("version"))
            .and_then(|v| v.as_str())
            .ok_or("its `policy.version` is missing or not a string")?
            .to_owned();
        let raw = obj
            .get("figures")
            .and_then(|f| f.as_object())
            .ok_or("its `figures` is missing or not an object")?;
        let mut figures = BTreeMap::new();
        for (key, value) in raw {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Number(n) => {
                    let x = n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                        format!("its figure `{}` is not a finite number", key.escape_debug())
                    })?;
                    figures.insert(key.clone(), x);
                }
                _ => {
                    return Err(format!(
                        "its figure `{}` is not a number or null",
                        key.escape_debug()
                    ))
                }
            }
        }
        Ok(Previous {
            quarter,
            policy_version,
            figures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"review": "credo review", "format": 1, "quarter": "2026Q2",
        "policy": {"version": "1"}, "figures": {"a.b": 3, "a.c": 0.5, "a.d": null}}"#;

    #[test]
    fn figures_compare_with_the_previous_review_by_key() {
        let prev = Previous::read(GOOD).unwrap();
        assert_eq!(prev.quarter.to_string(), "2026Q2");
        let mut f = Figures::new(Some(&prev));
        let b = f.count("a.b", 5);
        assert_eq!(b.change(), Some(2.0));
        let new = f.count("a.z", 1);
        assert_eq!((new.previous, new.change()), (Some(None), None));
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"value":5,"previous":3,"change":2}"#
        );
        let c = f.fig("a.c", Some(0.75), Some(8));
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"value":0.75,"n":8,"previous":0.5,"change":0.25}"#
        );
        assert_eq!(f.index.len(), 3);
        let mut alone = Figures::new(None);
        assert_eq!(
            serde_json::to_string(&alone.count("a.b", 5)).unwrap(),
            r#"{"value":5}"#
        );
    }

    #[test]
    fn a_bad_previous_review_says_what_is_wrong() {
        let cases = [
            ("not json", "not JSON"),
            ("[1]", "not a JSON object"),
            (r#"{"review": "credo audit"}"#, "not a review"),
            (r#"{"review": "credo review", "format": 7}"#, "format 7"),
            (r#"{"review": "credo review", "format": 1}"#, "`quarter`"),
            (
                r#"{"review": "credo review", "format": 1, "quarter": "Q3"}"#,
                "2026Q3",
            ),
            (
                r#"{"review": "credo review", "format": 1, "quarter": "2026Q2", "policy": {"version": "1"}}"#,
                "`figures`",
            ),
            (
                r#"{"review": "credo review", "format": 1, "quarter": "2026Q2", "policy": {"version": "1"}, "figures": {"x": "3"}}"#,
                "figure `x`",
            ),
        ];
        for (text, says) in cases {
            let e = Previous::read(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
