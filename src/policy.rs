//! The compiled policy: names resolved to indexes, expressions typed, catalogue indexed for
//! matching. This is what the evaluator runs; it is built by [`crate::check`].

pub mod protected;

use crate::ast::{AttrType, CmpOp, Duration, ItemKind, ReqKind};
use crate::source::{Location, SourceMap, Span};
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Arc;

/// A checked, compiled policy set.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The policy's files (for locations and line text in traces).
    pub sources: SourceMap,
    /// `sha256:…` over the files (SPEC §5).
    pub hash: String,
    /// `policy "NAME"`.
    pub name: String,
    /// `version "…"`.
    pub version: String,
    /// `owner "…"`.
    pub owner: Option<String>,
    /// `effective DATE`.
    pub effective: Option<Date>,
    /// Tiers, low to high.
    pub tiers: Vec<String>,
    /// Assessment kinds, low to high.
    pub assessments: Vec<String>,
    /// Declared candidate attributes.
    pub attributes: Vec<Attribute>,
    /// Declared skills.
    pub skills: Vec<Skill>,
    /// Providers.
    pub providers: Vec<Provider>,
    /// The credential catalogue.
    pub credentials: Vec<Credential>,
    /// Roles in declaration order.
    pub roles: Vec<Role>,
    /// Guardrails that act at evaluation or audit time.
    pub guardrails: Guardrails,
    /// Index: attribute id → position.
    pub attr_index: HashMap<String, usize>,
    /// Index: skill id → position.
    pub skill_index: HashMap<String, usize>,
    /// Index: credential id → position.
    pub credential_index: HashMap<String, usize>,
    /// Index: role id → position.
    pub role_index: HashMap<String, usize>,
    /// Index: Open Badges achievement id → credential.
    pub by_achievement: HashMap<String, usize>,
    /// Index: (issuer, lowercased title or alias) → credential.
    pub by_issuer_title: HashMap<(String, String), usize>,
    /// The evaluation form: fast lookups and per-credential facts (built by the compiler).
    pub index: Arc<crate::eval::Index>,
    /// Proof statuses already worked out for this policy's providers in this run (SPEC §15).
    pub proofs: Arc<crate::proof::Cache>,
}

/// `attribute ID TYPE`.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// Id.
    pub id: String,
    /// Type.
    pub ty: AttrType,
}

/// `skill ID "NAME"`.
#[derive(Clone, Debug)]
pub struct Skill {
    /// Id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Taxonomy code.
    pub code: Option<String>,
}

/// A provider.
#[derive(Clone, Debug)]
pub struct Provider {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Tier index into [`Policy::tiers`].
    pub tier: usize,
    /// Issuer URLs / DIDs.
    pub issuers: Vec<String>,
    /// Ed25519 keys pinned for proofs (`keys`).
    pub keys: Vec<crate::proof::PinnedKey>,
    /// Keys from the provider's `jwks` file, for VC-JWTs.
    pub jwks: Vec<crate::proof::Jwk>,
    /// Credentials issued on or after this day are refused.
    pub retired: Option<Date>,
}

/// A catalogue credential.
#[derive(Clone, Debug)]
pub struct Credential {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Provider index.
    pub provider: usize,
    /// Skills evidenced (indexes).
    pub skills: Vec<usize>,
    /// Open Badges achievement ids / CTIDs.
    pub achievements: Vec<String>,
    /// Other titles it is known by.
    pub aliases: Vec<String>,
    /// Assessment index into [`Policy::assessments`].
    pub assessment: Option<usize>,
    /// Learning hours.
    pub hours: Option<f64>,
    /// How long it stays valid after issue.
    pub valid_for: Option<Duration>,
    /// Cost (`free` = 0); `None` = unknown.
    pub cost: Option<f64>,
    /// Credentials this one stacks into.
    pub stacks_into: Vec<usize>,
    /// Credentials issued on or after this day are refused.
    pub retired: Option<Date>,
    /// `open_to EXPR`: who may take it; `None` = everyone (SPEC §17).
    pub open_to: Option<OpenTo>,
}

/// `open_to EXPR` of a credential: next steps suggest it only to candidates for whom it holds.
#[derive(Clone, Debug)]
pub struct OpenTo {
    /// The condition, compiled in the eligibility context.
    pub cond: Cond,
    /// Where it is written, with its source text.
    pub src: SourceRef,
}

/// Decision outcomes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Outcome {
    /// The role's `eligible when` rule did not hold.
    Ineligible,
    /// Not moved forward.
    Decline,
    /// A person looks at it.
    Review,
    /// Moved forward.
    Advance,
}

impl Outcome {
    /// The outcome's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ineligible => "ineligible",
            Outcome::Decline => "decline",
            Outcome::Review => "review",
            Outcome::Advance => "advance",
        }
    }

    /// Parses a decide outcome word.
    pub fn from_word(s: &str) -> Option<Outcome> {
        match s {
            "advance" => Some(Outcome::Advance),
            "review" => Some(Outcome::Review),
            "decline" => Some(Outcome::Decline),
            "ineligible" => Some(Outcome::Ineligible),
            _ => None,
        }
    }
}

/// Where a line of policy text is and what it says.
#[derive(Clone, Debug)]
pub struct SourceRef {
    /// The span.
    pub span: Span,
    /// The source text (e.g. `any credential where tier >= recognized`).
    pub text: String,
    /// `file:line:col`.
    pub at: Location,
}

/// A role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Job family.
    pub family: Option<String>,
    /// `eligible when`.
    pub eligible: Option<(Cond, SourceRef)>,
    /// `require`/`prefer` in order.
    pub requirements: Vec<Requirement>,
    /// Decide rules (the SPEC default when the role has none).
    pub decide: Vec<DecideRule>,
    /// Onboarding modules.
    pub onboarding: Vec<Module>,
    /// Guardrails waived for this role, with the reason.
    pub exceptions: Vec<(String, String)>,
    /// Where the role is declared.
    pub at: Location,
}

/// One `require`/`prefer`.
#[derive(Clone, Debug)]
pub struct Requirement {
    /// Required or preferred.
    pub kind: ReqKind,
    /// Skill index.
    pub skill: usize,
    /// Accept lines in order.
    pub lines: Vec<AcceptLine>,
}

/// An `accept` line.
#[derive(Clone, Debug)]
pub struct AcceptLine {
    /// The condition.
    pub cond: Cond,
    /// The source (text without the `accept` keyword).
    pub src: SourceRef,
}

/// A `decide` rule.
#[derive(Clone, Debug)]
pub struct DecideRule {
    /// Outcome when it fires.
    pub outcome: Outcome,
    /// `None` = `otherwise`.
    pub cond: Option<Cond>,
    /// The source (the whole rule), or a synthetic text for the default block.
    pub src: SourceRef,
    /// Whether it belongs to the built-in default decide block.
    pub default: bool,
}

/// An onboarding module.
#[derive(Clone, Debug)]
pub struct Module {
    /// Id.
    pub id: String,
    /// Title, when the policy gives one.
    pub title: Option<String>,
    /// Hours.
    pub hours: f64,
    /// What waives it.
    pub waived_by: Waiver,
}

/// What waives an onboarding module (SPEC §5 step 5, §17).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiver {
    /// A skill (index) the role evaluates: waived when it is met.
    Skill(usize),
    /// A catalogue credential (index): waived when the candidate holds it and it is accepted
    /// (held, valid, passing `min_tier` and `verified_only`), whatever the skill.
    Credential(usize),
}

/// Evaluation-time guardrails and the audit settings.
#[derive(Clone, Debug, Default)]
pub struct Guardrails {
    /// `min_tier T` as a tier index.
    pub min_tier: Option<usize>,
    /// `verified_only`.
    pub verified_only: bool,
    /// `verified_only proofs`: only credentials whose proof verifies (SPEC §15).
    pub verified_proofs: bool,
    /// `no_auto_decline`.
    pub no_auto_decline: bool,
    /// `adverse_impact`.
    pub adverse_impact: Option<AdverseImpact>,
    /// Built-in protected attributes plus `blind_to`.
    pub blind_to: Vec<String>,
    /// Static guardrails that were declared (names), for reporting.
    pub declared: Vec<String>,
}

/// `adverse_impact R over [...] selected [...]`.
#[derive(Clone, Debug)]
pub struct AdverseImpact {
    /// Threshold.
    pub ratio: f64,
    /// Attributes.
    pub over: Vec<String>,
    /// Selected outcomes.
    pub selected: Vec<Outcome>,
}

/// A typed, resolved condition. Terms keep their source text for traces.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// `any credential [where C]`.
    AnyCredential {
        /// `where C`.
        filter: Option<Box<Cond>>,
        /// Source text.
        text: Arc<str>,
    },
    /// `at least N kind [where C]`.
    AtLeast {
        /// N.
        n: u32,
        /// Counted items.
        kind: ItemKind,
        /// `where C`.
        filter: Option<Box<Cond>>,
        /// Source text.
        text: Arc<str>,
    },
    /// `degree [CMP LEVEL]` (level index: associate 0 … doctorate 3).
    Degree {
        /// Optional level comparison.
        level: Option<(CmpOp, u8)>,
        /// Source text.
        text: Arc<str>,
    },
    /// `met(SKILL)`.
    Met(usize),
    /// `FIELD CMP VALUE`.
    Cmp {
        /// The name read.
        field: Field,
        /// Operator (field on the left).
        op: CmpOp,
        /// The constant.
        value: Value,
        /// Source text.
        text: Arc<str>,
    },
    /// `FIELD [not] in [...]`.
    In {
        /// The name read.
        field: Field,
        /// `not in`.
        negated: bool,
        /// The list.
        values: Vec<Value>,
        /// Source text.
        text: Arc<str>,
    },
    /// A boolean field on its own.
    Test {
        /// The name read.
        field: Field,
        /// Source text.
        text: Arc<str>,
    },
    /// `FIELD CMP FIELD` (decide counters, attributes): both of one type.
    CmpFields {
        /// Left name.
        left: Field,
        /// Operator.
        op: CmpOp,
        /// Right name.
        right: Field,
        /// Source text.
        text: Arc<str>,
    },
    /// Stands in for a condition that failed to check (never evaluated).
    Invalid,
}

/// A name that an expression reads, resolved per context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `work_sample` (accept).
    WorkSample,
    /// `experience` (accept), in months.
    Experience,
    /// `candidate.ATTR`.
    Attr(usize),
    /// decide counters.
    RequiredMet,
    /// decide counters.
    RequiredMissing,
    /// decide counters.
    RequiredTotal,
    /// decide counters.
    PreferredMet,
    /// decide counters.
    PreferredTotal,
    /// decide: share of required skills met.
    Coverage,
    /// credential `id`.
    CredId,
    /// credential `provider`.
    CredProvider,
    /// credential `tier`.
    CredTier,
    /// credential `assessment`.
    CredAssessment,
    /// credential `hours`.
    CredHours,
    /// credential `cost`.
    CredCost,
    /// credential `issued`.
    CredIssued,
    /// credential `age`.
    CredAge,
    /// credential `verified`.
    CredVerified,
    /// artifact/lab `age`.
    ItemAge,
    /// artifact `reviewed`.
    ArtifactReviewed,
    /// lab `hours`.
    LabHours,
}

impl Field {
    /// The name as written in a policy.
    pub fn name(self) -> &'static str {
        match self {
            Field::WorkSample => "work_sample",
            Field::Experience => "experience",
            Field::Attr(_) => "candidate attribute",
            Field::RequiredMet => "required_met",
            Field::RequiredMissing => "required_missing",
            Field::RequiredTotal => "required_total",
            Field::PreferredMet => "preferred_met",
            Field::PreferredTotal => "preferred_total",
            Field::Coverage => "coverage",
            Field::CredId => "id",
            Field::CredProvider => "provider",
            Field::CredTier => "tier",
            Field::CredAssessment => "assessment",
            Field::CredHours | Field::LabHours => "hours",
            Field::CredCost => "cost",
            Field::CredIssued => "issued",
            Field::CredAge | Field::ItemAge => "age",
            Field::CredVerified => "verified",
            Field::ArtifactReviewed => "reviewed",
        }
    }
}

/// A constant an expression compares against.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Number (counts, hours, cost, scores, percent as a fraction).
    Num(f64),
    /// Boolean.
    Bool(bool),
    /// String.
    Str(String),
    /// Date.
    Date(Date),
    /// Calendar duration (ages, experience).
    Dur(Duration),
    /// Index of a tier, assessment, credential or provider (by field).
    Index(usize),
}

/// Education levels, low to high.
pub const DEGREE_LEVELS: &[&str] = &["associate", "bachelor", "master", "doctorate"];
