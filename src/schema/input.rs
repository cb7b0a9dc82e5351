//! The shapes of credo's input documents, for their JSON Schemas only: the readers
//! ([`crate::record`], [`crate::outcome`], [`crate::suite`]) check a parsed value field by
//! field and give the exact error; these types say the same thing to other tools. Optional
//! fields may also be `null` (the readers take `null` as absent).

#![allow(dead_code)]

use schemars::JsonSchema;
use serde_json::Value;
use std::collections::BTreeMap;

/// A date, `YYYY-MM-DD`; in records also an RFC 3339 timestamp (its UTC date is taken).
#[derive(JsonSchema)]
#[schemars(extend("pattern" = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"))]
pub struct DateText(String);

/// A candidate record (SPEC §7), in YAML, JSON or one line of JSONL. A file holds one record
/// or a list of them.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "credo candidate record")]
pub struct Record {
    /// Unique in a batch: a non-empty string (a number is read as its digits).
    pub id: RecordId,
    /// Roles applied for; without it the caller's role, else every role, is decided.
    pub applied: Option<Vec<String>>,
    /// Attributes: only those the policy declares are read by rules, each of its declared type.
    pub attributes: Option<BTreeMap<String, Option<AttrInput>>>,
    /// Protected attributes: read by `credo audit` only, never by rules.
    pub protected: Option<BTreeMap<String, Option<Scalar>>>,
    /// Credentials held.
    pub credentials: Option<Vec<CredentialInput>>,
    /// Portfolio artifacts.
    pub artifacts: Option<Vec<ArtifactInput>>,
    /// Completed labs.
    pub labs: Option<Vec<LabInput>>,
    /// Scored work samples.
    pub work_samples: Option<Vec<WorkSampleInput>>,
    /// Months of experience per skill.
    pub experience: Option<Vec<ExperienceInput>>,
    /// Education entries.
    pub education: Option<Vec<EducationInput>>,
}

/// A record id.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum RecordId {
    /// A non-empty id.
    Text(#[schemars(extend("pattern" = "\\S"))] String),
    /// A number, read as its digits.
    Number(f64),
}

/// An attribute value: true/false, a number, a string or a date (as a string).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AttrInput {
    /// `bool` attributes.
    Bool(bool),
    /// `number` attributes.
    Number(f64),
    /// `string` and `date` attributes.
    Text(String),
}

/// A protected value: a string, a number or true/false.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// A category.
    Text(String),
    /// A number.
    Number(f64),
    /// True or false.
    Bool(bool),
}

/// A credential: by catalogue id or issuer and title, or an Open Badges 3.0 / W3C Verifiable
/// Credential object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CredentialInput {
    /// The plain form.
    Plain(PlainCredential),
    /// An Open Badges credential.
    OpenBadge(OpenBadgeCredential),
}

/// A credential in the plain form.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlainCredential {
    /// Catalogue id.
    pub id: Option<String>,
    /// Issuer URL or DID.
    pub issuer: Option<String>,
    /// Title as issued.
    pub title: Option<String>,
    /// Open Badges achievement id.
    pub achievement: Option<String>,
    /// Issue date.
    pub issued: Option<DateText>,
    /// Last valid day (not before `issued`).
    pub expires: Option<DateText>,
    /// Whether the caller verified it (default false).
    pub verified: Option<bool>,
}

/// An Open Badges 3.0 (or 2.0/1.1-style) credential: `type` names `OpenBadgeCredential` or
/// `AchievementCredential`; `issuer.id`, `credentialSubject.achievement.id` and `.name`,
/// `validFrom`/`issuanceDate` and `validUntil`/`expirationDate` are read.
#[derive(JsonSchema)]
pub struct OpenBadgeCredential {
    /// A type name or a list of them.
    #[serde(rename = "type")]
    pub kind: Value,
    /// The issuer: a string or a mapping with `id`.
    pub issuer: Option<Value>,
    /// Holds `achievement` (`id`, `name`).
    #[serde(rename = "credentialSubject")]
    pub credential_subject: Option<Value>,
    /// Everything else of the credential.
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// A portfolio artifact.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactInput {
    /// Title.
    pub title: Option<String>,
    /// Skills it is tagged with.
    pub skills: Option<Vec<String>>,
    /// When it was made.
    pub date: Option<DateText>,
    /// Whether someone reviewed it.
    pub reviewed: Option<bool>,
}

/// A completed lab.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabInput {
    /// Title.
    pub title: Option<String>,
    /// Skills it is tagged with.
    pub skills: Option<Vec<String>>,
    /// When it was completed.
    pub completed: Option<DateText>,
    /// Its length in hours (not negative).
    #[schemars(range(min = 0))]
    pub hours: Option<f64>,
}

/// A scored work sample.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkSampleInput {
    /// The skill.
    pub skill: String,
    /// The score, 0 to 100.
    #[schemars(range(min = 0, max = 100))]
    pub score: f64,
}

/// Experience in a skill.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperienceInput {
    /// The skill.
    pub skill: String,
    /// Months, 0 to 1200.
    #[schemars(range(min = 0, max = 1200))]
    pub months: f64,
}

/// An education entry.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EducationInput {
    /// `associate`, `bachelor`, `master`, `doctorate` (others are kept but are no degree).
    pub level: Option<String>,
    /// Field of study.
    pub field: Option<String>,
    /// Whether it was completed (default false).
    pub completed: Option<bool>,
}

/// A hire outcome record (SPEC §11), in YAML, JSON, JSONL or a CSV row with these columns
/// (`moves` in CSV: `DATE ROLE` pairs separated by `;`).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "credo hire outcome record")]
pub struct Outcome {
    /// The id of the candidate's record.
    pub candidate: String,
    /// The role hired into (a role of the policy).
    pub role: String,
    /// First day.
    pub hired: DateText,
    /// First day at the role's productivity target, if reached.
    pub productive: Option<DateText>,
    /// Last day employed; absent while still employed.
    pub left: Option<DateText>,
    /// Training hours in the first year.
    #[schemars(range(min = 0))]
    pub training_hours: Option<f64>,
    /// Training cost in the first year.
    #[schemars(range(min = 0))]
    pub training_cost: Option<f64>,
    /// Internal moves, in order.
    pub moves: Option<Vec<MoveInput>>,
}

/// An internal move.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// The day of the move.
    pub date: DateText,
    /// The role moved to (free text).
    pub role: String,
}

/// A policy test suite (`credo test`): a mapping with `cases`, or just the list of cases.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(title = "credo policy test suite")]
pub enum Suite {
    /// The mapping form.
    Suite(SuiteFile),
    /// Just the cases.
    Cases(Vec<Case>),
}

/// A suite with its defaults.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// What the suite is for.
    pub description: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// The policy it tests (informational).
    pub policy: Option<String>,
    /// The default evaluation date of its cases.
    pub as_of: Option<DateText>,
    /// The cases.
    pub cases: Option<Vec<Case>>,
    /// Another name for `cases`.
    pub tests: Option<Vec<Case>>,
}

/// One case: one or more records and what each decision must be. The expectation may also be
/// written in the case itself (`outcome:`, `met:` … beside `name:`).
#[derive(JsonSchema)]
pub struct Case {
    /// Its name.
    pub name: Option<String>,
    /// What it checks.
    pub description: Option<String>,
    /// The role to decide.
    pub role: Option<String>,
    /// Evaluation date (else the suite's).
    pub as_of: Option<DateText>,
    /// One inline record, or the path of a record file.
    pub record: Option<Value>,
    /// Inline records, one expectation each.
    pub records: Option<Vec<Value>>,
    /// A record file, relative to the suite.
    pub record_file: Option<String>,
    /// The record of `record_file` to take.
    pub record_id: Option<String>,
    /// What the decision must be (one, or one per record).
    pub expect: Option<ExpectOneOrMany>,
    /// Another name for `expect`.
    pub expected: Option<ExpectOneOrMany>,
    /// Expectations written in the case itself.
    #[serde(flatten)]
    pub inline: Expect,
}

/// One expectation or a list of them.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ExpectOneOrMany {
    /// One.
    One(Expect),
    /// One per record.
    Many(Vec<Expect>),
}

/// What a decision must be.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The outcome.
    pub outcome: Option<crate::policy::Outcome>,
    /// `proposed` (`null`: must be none).
    pub proposed: Option<crate::policy::Outcome>,
    /// Skills that must be met.
    pub met: Option<Vec<String>>,
    /// Skills that must not be met.
    pub unmet: Option<Vec<String>>,
    /// The accept line (1-based) that must meet each skill.
    pub via_line: Option<BTreeMap<String, u32>>,
    /// Substrings some note must contain.
    pub notes_contain: Option<Vec<String>>,
    /// Next-step credentials per skill.
    pub next_steps: Option<BTreeMap<String, Vec<String>>>,
    /// A record error whose message contains this.
    pub error: Option<String>,
}
