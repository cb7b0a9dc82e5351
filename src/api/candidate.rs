//! [`Candidate`]: one candidate, checked like a record (SPEC §7) whether it comes as JSON or is
//! built in Rust.

use super::Policy;
use crate::record::RecordError;
use jiff::civil::Date;
use serde_json::{Map, Value};

/// One candidate, read and validated against a policy's declarations (SPEC §7, §18).
///
/// There is no way to make one without the checks: [`Candidate::from_json`] and
/// [`CandidateBuilder::build`] run the record reader's, so an empty id, a score out of range or
/// an expiry before issue is a [`RecordError`].
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    inner: crate::record::Candidate,
}

impl Candidate {
    /// Reads a candidate record given as a JSON value, checked like a record file's (SPEC §7):
    /// unknown fields, wrong types, an empty id, a score outside 0..100 or a credential that
    /// expires before it was issued are errors. Attributes are checked against the policy's
    /// declarations. The error's `file` is empty and its `line` 0.
    pub fn from_json(value: &Value, policy: &Policy) -> Result<Candidate, RecordError> {
        crate::record::from_value(value, "", 0, policy.compiled()).map(|inner| Candidate { inner })
    }

    /// Reads a candidate record given as JSON text, as a line of a JSON-lines record file is
    /// read (SPEC §7): the checks of [`Candidate::from_json`], and a key given twice in one
    /// object is an error too. A clean record is read straight from the text, without a
    /// `serde_json::Value` in between, so this is the faster way in for text. The error's `file`
    /// is empty and its `line` 1; its problems are placed at their fields' lines and columns in
    /// `text`, counted from 1.
    pub fn from_json_str(text: &str, policy: &Policy) -> Result<Candidate, RecordError> {
        crate::record::read_json_line(text, "", 1, policy.compiled())
            .result
            .map(|inner| Candidate { inner })
    }

    /// A builder for a candidate with id `id`; [`CandidateBuilder::build`] checks it.
    pub fn builder(id: impl Into<String>) -> CandidateBuilder {
        let mut fields = Map::new();
        fields.insert("id".into(), Value::String(id.into()));
        CandidateBuilder { fields }
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The roles the record applied for (their ids, as written).
    pub fn applied(&self) -> &[String] {
        &self.inner.applied
    }

    /// The record as the evaluator reads it.
    pub(crate) fn record(&self) -> &crate::record::Candidate {
        &self.inner
    }
}

/// Builds a [`Candidate`] in Rust. Nothing is checked until [`CandidateBuilder::build`], which
/// checks exactly what [`Candidate::from_json`] checks (the builder writes the record's JSON).
#[derive(Clone, Debug)]
#[must_use]
pub struct CandidateBuilder {
    fields: Map<String, Value>,
}

impl CandidateBuilder {
    fn push(mut self, list: &str, item: Value) -> Self {
        let entry = self
            .fields
            .entry(list)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = entry {
            a.push(item);
        }
        self
    }

    fn set(mut self, map: &str, key: &str, value: Value) -> Self {
        let entry = self
            .fields
            .entry(map)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(o) = entry {
            o.insert(key.to_owned(), value);
        }
        self
    }

    /// A role the candidate applied for.
    pub fn applied(self, role: &str) -> Self {
        self.push("applied", role.into())
    }

    /// An attribute rules may read (`candidate.NAME`); a date is given as `"YYYY-MM-DD"`.
    pub fn attribute(self, name: &str, value: impl Into<Value>) -> Self {
        self.set("attributes", name, value.into())
    }

    /// A protected attribute, read only by audits.
    pub fn protected(self, name: &str, value: &str) -> Self {
        self.set("protected", name, value.into())
    }

    /// A credential the candidate holds.
    pub fn credential(self, credential: HeldCredential) -> Self {
        self.push("credentials", Value::Object(credential.fields))
    }

    /// A work sample's score (0–100) in a skill.
    pub fn work_sample(self, skill: &str, score: f64) -> Self {
        let mut o = Map::new();
        o.insert("skill".into(), skill.into());
        o.insert("score".into(), score.into());
        self.push("work_samples", Value::Object(o))
    }

    /// Months of experience (0–1200) in a skill.
    pub fn experience(self, skill: &str, months: f64) -> Self {
        let mut o = Map::new();
        o.insert("skill".into(), skill.into());
        o.insert("months".into(), months.into());
        self.push("experience", Value::Object(o))
    }

    /// A completed lab tagged with skills.
    pub fn lab(
        self,
        title: &str,
        skills: &[&str],
        completed: Option<Date>,
        hours: Option<f64>,
    ) -> Self {
        let mut o = Map::new();
        o.insert("title".into(), title.into());
        o.insert("skills".into(), skills.into());
        if let Some(d) = completed {
            o.insert("completed".into(), d.to_string().into());
        }
        if let Some(h) = hours {
            o.insert("hours".into(), h.into());
        }
        self.push("labs", Value::Object(o))
    }

    /// A portfolio artifact tagged with skills.
    pub fn artifact(
        self,
        title: &str,
        skills: &[&str],
        date: Option<Date>,
        reviewed: bool,
    ) -> Self {
        let mut o = Map::new();
        o.insert("title".into(), title.into());
        o.insert("skills".into(), skills.into());
        if let Some(d) = date {
            o.insert("date".into(), d.to_string().into());
        }
        o.insert("reviewed".into(), reviewed.into());
        self.push("artifacts", Value::Object(o))
    }

    /// An education entry (`associate`, `bachelor`, `master` or `doctorate` count as degrees).
    pub fn education(self, level: &str, field: Option<&str>, completed: bool) -> Self {
        let mut o = Map::new();
        o.insert("level".into(), level.into());
        if let Some(f) = field {
            o.insert("field".into(), f.into());
        }
        o.insert("completed".into(), completed.into());
        self.push("education", Value::Object(o))
    }

    /// The record as JSON, as [`Candidate::from_json`] reads it.
    pub fn to_json(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    /// Checks the candidate against the policy, as [`Candidate::from_json`] does.
    pub fn build(self, policy: &Policy) -> Result<Candidate, RecordError> {
        Candidate::from_json(&Value::Object(self.fields), policy)
    }
}

/// A credential a candidate holds, for [`CandidateBuilder::credential`]: named by its catalogue
/// id, its Open Badges achievement id, or its issuer and title (SPEC §4 step 1).
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct HeldCredential {
    fields: Map<String, Value>,
}

impl HeldCredential {
    fn with(key: &str, value: &str) -> HeldCredential {
        let mut fields = Map::new();
        fields.insert(key.into(), value.into());
        HeldCredential { fields }
    }

    /// A credential named by its catalogue id.
    pub fn id(id: &str) -> HeldCredential {
        HeldCredential::with("id", id)
    }

    /// A credential named by its Open Badges achievement id (or CTID).
    pub fn achievement(achievement: &str) -> HeldCredential {
        HeldCredential::with("achievement", achievement)
    }

    /// A credential named by its issuer (URL or DID) and its title as issued.
    pub fn issuer_title(issuer: &str, title: &str) -> HeldCredential {
        let c = HeldCredential::with("issuer", issuer);
        c.set("title", title.into())
    }

    fn set(mut self, key: &str, value: Value) -> HeldCredential {
        self.fields.insert(key.into(), value);
        self
    }

    /// Its issuer (URL or DID).
    pub fn issuer(self, issuer: &str) -> HeldCredential {
        self.set("issuer", issuer.into())
    }

    /// Its title as issued.
    pub fn title(self, title: &str) -> HeldCredential {
        self.set("title", title.into())
    }

    /// The day it was issued.
    pub fn issued(self, day: Date) -> HeldCredential {
        self.set("issued", day.to_string().into())
    }

    /// Its last valid day, when the credential says (not before `issued`).
    pub fn expires(self, day: Date) -> HeldCredential {
        self.set("expires", day.to_string().into())
    }

    /// Whether the embedder verified it (its proof or with the issuer).
    pub fn verified(self, verified: bool) -> HeldCredential {
        self.set("verified", verified.into())
    }
}
