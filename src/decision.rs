//! Decisions: data first (serde structs in a stable order), rendered second by `render`.

use crate::ast::{ItemKind, ReqKind};
use crate::policy::Outcome;
use crate::record::AttrValue;
use jiff::civil::Date;
use serde::Serialize;

/// The decision for one candidate and one role (SPEC §5).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// Candidate id.
    pub candidate: String,
    /// Role id.
    pub role: String,
    /// The outcome after guardrails.
    pub outcome: Outcome,
    /// The outcome the rules gave when a guardrail changed it.
    pub proposed: Option<Outcome>,
    /// Evaluation date.
    pub as_of: Date,
    /// Which policy decided.
    pub policy: PolicyRef,
    /// The decide rule (or eligibility rule) that gave the outcome.
    pub rule: RuleRef,
    /// The eligibility rule's result, when the role has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligible: Option<LineTrace>,
    /// Every required and preferred skill, in the role's order.
    pub skills: Vec<SkillResult>,
    /// The counters the decide rules read.
    pub counts: Counts,
    /// Onboarding modules waived by met skills.
    pub onboarding: Onboarding,
    /// For each unmet skill: what each accept line lacks and the outcome if it were met.
    pub would_change: Vec<WouldChange>,
    /// Credentials that would meet each unmet skill.
    pub next_steps: Vec<NextStep>,
    /// Guardrails that acted on this decision, and exceptions that apply to the role.
    pub guardrails: Vec<GuardrailEffect>,
    /// Things a reviewer should know (unrecognised credentials, ignored attributes).
    pub notes: Vec<String>,
}

/// Policy identity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyRef {
    /// Policy name.
    pub name: String,
    /// Version.
    pub version: String,
    /// `sha256:…`.
    pub hash: String,
}

/// A rule and where it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleRef {
    /// Its text.
    pub text: String,
    /// `file:line:col`.
    pub at: String,
    /// Whether it is the built-in default decide block.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

/// The counters of a role's decide block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counts {
    /// Required skills met.
    pub required_met: u32,
    /// Required skills not met.
    pub required_missing: u32,
    /// Required skills.
    pub required_total: u32,
    /// Preferred skills met.
    pub preferred_met: u32,
    /// Preferred skills.
    pub preferred_total: u32,
    /// Share of required skills met (1.0 when none are required).
    pub coverage: f64,
}

/// One skill's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkillResult {
    /// Skill id.
    pub skill: String,
    /// Required or preferred.
    pub kind: ReqKind,
    /// Whether an accept line held.
    pub met: bool,
    /// The first line that held.
    pub via: Option<Via>,
    /// Every line, in order, with its result.
    pub tried: Vec<LineTrace>,
}

/// The accept line that met a skill and the evidence it used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Via {
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The line's text.
    pub text: String,
    /// `file:line:col`.
    pub at: String,
    /// Credential ids, artifact or lab titles, or values that carried it.
    pub evidence: Vec<String>,
}

/// One accept line (or eligibility rule) and what each of its terms found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineTrace {
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The text.
    pub text: String,
    /// `file:line:col`.
    pub at: String,
    /// Whether it held.
    pub holds: bool,
    /// Each term, in source order.
    pub terms: Vec<TermTrace>,
}

/// What one term of a condition found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermTrace {
    /// The term's source text.
    pub term: String,
    /// Whether it held.
    pub holds: bool,
    /// Concrete numbers and items.
    #[serde(flatten)]
    pub detail: Detail,
}

/// The concrete findings of a term.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// `any credential` / `at least N credentials`.
    Credentials {
        /// How many distinct catalogue credentials were needed.
        needed: u32,
        /// Catalogue ids accepted (distinct, in record order).
        accepted: Vec<String>,
        /// Every other credential and its first failing reason.
        refused: Vec<Refusal>,
        /// Catalogue credentials that would satisfy the term if held fresh and verified.
        suggest: Vec<String>,
    },
    /// `at least N artifacts|labs`.
    Items {
        /// Artifacts or labs.
        item: ItemKind,
        /// N.
        needed: u32,
        /// How many counted.
        counted: u32,
        /// Titles of those that counted.
        matching: Vec<String>,
        /// Tagged with the skill but failing the `where`.
        excluded: Vec<String>,
    },
    /// `work_sample OP N`.
    WorkSample {
        /// Best score for the skill, if any.
        best: Option<f64>,
        /// The score compared with.
        threshold: Option<f64>,
    },
    /// `experience OP D`.
    Experience {
        /// Months of experience in the skill, if any.
        months: Option<f64>,
        /// The months compared with.
        threshold: Option<f64>,
    },
    /// A comparison on `candidate.ATTR`.
    Attribute {
        /// Attribute id.
        attribute: String,
        /// Its value; `None` = attribute missing.
        value: Option<AttrValue>,
    },
    /// `degree [CMP LEVEL]`.
    Degree {
        /// Highest completed degree level, if any.
        highest: Option<String>,
    },
    /// `met(SKILL)` or a decide counter.
    Value {
        /// The value read.
        value: f64,
    },
}

/// A credential that was not accepted and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Refusal {
    /// The credential (catalogue id, else its title).
    pub credential: String,
    /// The first failing reason.
    #[serde(flatten)]
    pub reason: Reason,
}

/// Why a credential was not accepted, in the order SPEC §4 checks.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// (1) It matches no catalogue credential.
    NotInCatalogue,
    /// (2) The catalogue credential does not list the skill.
    SkillNotListed {
        /// The skill.
        skill: String,
    },
    /// (3) No issue date.
    NoIssueDate,
    /// (3) Issued after `as_of`.
    IssuedAfterAsOf {
        /// Issue date.
        issued: Date,
    },
    /// (4) Past its last valid day.
    Expired {
        /// Last valid day.
        expiry: Date,
        /// Issue date.
        issued: Date,
        /// What set the expiry: the record's `expires` or the catalogue's `valid_for`.
        by: ExpiryBy,
    },
    /// (5) Issued on or after the provider's retirement.
    ProviderRetired {
        /// Provider id.
        provider: String,
        /// Retirement date.
        retired: Date,
        /// Issue date.
        issued: Date,
    },
    /// (5) Issued on or after the credential's retirement.
    CredentialRetired {
        /// Retirement date.
        retired: Date,
        /// Issue date.
        issued: Date,
    },
    /// (6) Provider below `min_tier`.
    BelowMinTier {
        /// The provider's tier.
        tier: String,
        /// The guardrail's tier.
        min_tier: String,
    },
    /// (6) Not verified under `verified_only`.
    NotVerified,
    /// (7) The `where` condition failed.
    WhereFailed {
        /// The first failing part of the condition.
        condition: String,
    },
}

/// Where an expiry date came from; serialised as `"record"` or `"valid_for 3y"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(into = "String")]
pub enum ExpiryBy {
    /// The record's `expires`.
    Record,
    /// `issued + valid_for` (written like `valid_for 3y`).
    ValidFor(String),
}

/// Onboarding waivers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Onboarding {
    /// Modules waived.
    pub waived: Vec<String>,
    /// Hours saved.
    #[serde(serialize_with = "whole_if_integral")]
    pub hours_saved: f64,
}

/// What would change the outcome for one unmet skill.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WouldChange {
    /// The skill.
    pub skill: String,
    /// Required or preferred.
    pub kind: ReqKind,
    /// The outcome if this skill alone were met (after guardrails).
    pub outcome_if_met: Outcome,
    /// What the decide rules alone would give, when a guardrail changes it.
    pub proposed_if_met: Option<Outcome>,
    /// Whether meeting the skill changes the outcome at all.
    pub changes: bool,
}

/// Credentials to earn for a skill.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NextStep {
    /// The skill.
    pub skill: String,
    /// Up to 3 catalogue ids, best first.
    pub credentials: Vec<String>,
}

/// A guardrail that acted, or an exception that applies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GuardrailEffect {
    /// Guardrail name.
    pub name: String,
    /// What it did.
    pub effect: String,
    /// The exception's reason, for waived guardrails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Whole numbers as integers (`16`, not `16.0`), others as they are.
fn whole_if_integral<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

impl From<ExpiryBy> for String {
    fn from(b: ExpiryBy) -> String {
        match b {
            ExpiryBy::Record => "record".into(),
            ExpiryBy::ValidFor(d) => format!("valid_for {d}"),
        }
    }
}
