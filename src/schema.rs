//! JSON Schemas (draft 2020-12) of credo's inputs and outputs, derived from Rust types with
//! `schemars` (feature `schema`): `credo schema KIND` prints them, `schema/` holds them as
//! committed files, and the decision service embeds them in its OpenAPI document.
//!
//! The outputs (a decision or record error, a diagnostic) are the serialised types themselves
//! ([`crate::render::Item`], [`crate::diag::JsonDiag`]): their schemas follow the serde
//! attributes that shape the JSON. The inputs (candidate records, hire outcomes, test suites)
//! are read field by field from a parsed value, so their shape is written down once as plain
//! types in [`input`], which exist only to be described.

pub mod input;

use serde_json::Value;

/// The documents that have a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A candidate record (SPEC §7).
    Record,
    /// One element of `eval --format json`: a decision (SPEC §5) or a record error.
    Decision,
    /// A hire outcome record (SPEC §11).
    Outcome,
    /// A policy test suite (`credo test`).
    Suite,
    /// One diagnostic of `check --error-format json`.
    Diagnostics,
}

impl Kind {
    /// Every kind, in the order `schema/` lists them.
    pub const ALL: [Kind; 5] = [
        Kind::Record,
        Kind::Decision,
        Kind::Outcome,
        Kind::Suite,
        Kind::Diagnostics,
    ];

    /// Its name on the command line and in `schema/NAME.schema.json`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Decision => "decision",
            Kind::Outcome => "outcome",
            Kind::Suite => "suite",
            Kind::Diagnostics => "diagnostics",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The schema's `$id`: a URN, so that its own `#/$defs/…` references resolve inside it
    /// wherever it is embedded (the OpenAPI document holds all five).
    pub fn id(self) -> String {
        format!("urn:credo:schema:{}", self.name())
    }
}

/// The schema of `kind`, as a JSON value (draft 2020-12, with `$id` and a title).
pub fn generate(kind: Kind) -> Value {
    // Inputs are described as read, outputs as written (a member skipped when empty is
    // optional).
    let output = || {
        schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator()
    };
    let schema = match kind {
        Kind::Record => schemars::schema_for!(input::Record),
        Kind::Decision => output().into_root_schema_for::<crate::render::Item<'static>>(),
        Kind::Outcome => schemars::schema_for!(input::Outcome),
        Kind::Suite => schemars::schema_for!(input::Suite),
        Kind::Diagnostics => output().into_root_schema_for::<crate::diag::JsonDiag>(),
    };
    let mut value = schema.to_value();
    if let Value::Object(m) = &mut value {
        m.insert("$id".into(), Value::String(kind.id()));
    }
    sorted(value)
}

/// Every object's members in key order, inserted in that order: the same text whether or not
/// `serde_json/preserve_order` is on in the build (the tests turn it on; the library does not).
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut members: Vec<(String, Value)> = m.into_iter().collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(members.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The schema of `kind` as the text of its committed file: pretty JSON and a final newline.
pub fn text(kind: Kind) -> String {
    let mut text = serde_json::to_string_pretty(&generate(kind)).unwrap_or_default();
    text.push('\n');
    text
}
