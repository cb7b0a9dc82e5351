//! Decisions: data first (serde structs in a stable order), rendered second by `render`.

use crate::ast::{ItemKind, ReqKind};
use crate::policy::Outcome;
use crate::record::AttrValue;
use jiff::civil::Date;
use serde::Serialize;
use std::borrow::Cow;

/// Text in a decision: borrowed from the policy or the record where it can be, made only
/// when it must be (most of a trace is the policy's own text, so a decision copies little).
pub type Text<'a> = Cow<'a, str>;

/// The decision for one candidate and one role (SPEC §5).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision<'a> {
    /// Candidate id.
    pub candidate: Text<'a>,
    /// Role id.
    pub role: Text<'a>,
    /// The outcome after guardrails.
    pub outcome: Outcome,
    /// The outcome the rules gave when a guardrail changed it.
    pub proposed: Option<Outcome>,
    /// Evaluation date.
    pub as_of: Date,
    /// Which policy decided.
    pub policy: PolicyRef<'a>,
    /// The decide rule (or eligibility rule) that gave the outcome.
    pub rule: RuleRef<'a>,
    /// The eligibility rule's result, when the role has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligible: Option<LineTrace<'a>>,
    /// Every required and preferred skill, in the role's order.
    pub skills: Vec<SkillResult<'a>>,
    /// The counters the decide rules read.
    pub counts: Counts,
    /// Onboarding modules waived by met skills.
    pub onboarding: Onboarding<'a>,
    /// For each unmet skill: what each accept line lacks and the outcome if it were met.
    pub would_change: Vec<WouldChange<'a>>,
    /// Credentials that would meet each unmet skill.
    pub next_steps: Vec<NextStep<'a>>,
    /// Guardrails that acted on this decision, and exceptions that apply to the role.
    pub guardrails: Vec<GuardrailEffect<'a>>,
    /// Things a reviewer should know (unrecognised credentials, ignored attributes).
    pub notes: Vec<String>,
}

/// Policy identity.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyRef<'a> {
    /// Policy name.
    pub name: Text<'a>,
    /// Version.
    pub version: Text<'a>,
    /// `sha256:…`.
    pub hash: Text<'a>,
}

/// A rule and where it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleRef<'a> {
    /// Its text.
    pub text: Text<'a>,
    /// `file:line:col`.
    pub at: Text<'a>,
    /// Whether it is the built-in default decide block.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

/// The counters of a role's decide block.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkillResult<'a> {
    /// Skill id.
    pub skill: Text<'a>,
    /// Required or preferred.
    pub kind: ReqKind,
    /// Whether an accept line held.
    pub met: bool,
    /// The first line that held.
    pub via: Option<Via<'a>>,
    /// Every line, in order, with its result.
    pub tried: Vec<LineTrace<'a>>,
}

/// The accept line that met a skill and the evidence it used.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Via<'a> {
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The line's text.
    pub text: Text<'a>,
    /// `file:line:col`.
    pub at: Text<'a>,
    /// Credential ids, artifact or lab titles, or values that carried it.
    pub evidence: Vec<Text<'a>>,
}

/// One accept line (or eligibility rule) and what each of its terms found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineTrace<'a> {
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The text.
    pub text: Text<'a>,
    /// `file:line:col`.
    pub at: Text<'a>,
    /// Whether it held.
    pub holds: bool,
    /// Each term, in source order.
    pub terms: Vec<TermTrace<'a>>,
}

/// What one term of a condition found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TermTrace<'a> {
    /// The term's source text.
    pub term: Text<'a>,
    /// Whether it held.
    pub holds: bool,
    /// Concrete numbers and items.
    #[serde(flatten)]
    pub detail: Detail<'a>,
}

/// The concrete findings of a term.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Detail<'a> {
    /// `any credential` / `at least N credentials`.
    Credentials {
        /// How many distinct catalogue credentials were needed.
        needed: u32,
        /// Catalogue ids accepted (distinct, in record order).
        accepted: Vec<Text<'a>>,
        /// The proof status of the credential behind each of `accepted` (SPEC §15).
        accepted_proofs: Vec<crate::proof::ProofStatus>,
        /// Every other credential and its first failing reason.
        refused: Vec<Refusal<'a>>,
        /// Catalogue credentials that would satisfy the term if held fresh and verified.
        suggest: Vec<Text<'a>>,
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
        matching: Vec<Text<'a>>,
        /// Tagged with the skill but failing the `where`.
        excluded: Vec<Text<'a>>,
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
        attribute: Text<'a>,
        /// Its value; `None` = attribute missing.
        value: Option<AttrValue>,
    },
    /// `degree [CMP LEVEL]`.
    Degree {
        /// Highest completed degree level, if any.
        highest: Option<Text<'a>>,
    },
    /// `met(SKILL)` or a decide counter.
    Value {
        /// The value read.
        value: f64,
    },
}

/// A credential that was not accepted and why.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Refusal<'a> {
    /// The credential (catalogue id, else its title).
    pub credential: Text<'a>,
    /// The first failing reason.
    #[serde(flatten)]
    pub reason: Reason<'a>,
    /// Its proof status (SPEC §15).
    pub proof: crate::proof::ProofStatus,
}

/// Why a credential was not accepted, in the order SPEC §4 checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason<'a> {
    /// (1) It matches no catalogue credential.
    NotInCatalogue,
    /// (2) The catalogue credential does not list the skill.
    SkillNotListed {
        /// The skill.
        skill: Text<'a>,
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
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        by: ExpiryBy,
    },
    /// (5) Issued on or after the provider's retirement.
    ProviderRetired {
        /// Provider id.
        provider: Text<'a>,
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
        tier: Text<'a>,
        /// The guardrail's tier.
        min_tier: Text<'a>,
    },
    /// (6) Not verified under `verified_only` (`verified_only proofs`: no verified proof).
    NotVerified,
    /// Its proof is present and does not verify (SPEC §15): never accepted.
    ProofFailed {
        /// Why.
        detail: String,
    },
    /// (7) The `where` condition failed.
    WhereFailed {
        /// The first failing part of the condition.
        condition: String,
    },
}

/// Where an expiry date came from; serialised as `"record"` or `"valid_for 3y"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum ExpiryBy {
    /// The record's `expires`.
    Record,
    /// `issued + valid_for` (written like `valid_for 3y`).
    ValidFor(String),
}

/// Onboarding waivers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Onboarding<'a> {
    /// Modules waived.
    pub waived: Vec<Text<'a>>,
    /// Hours saved.
    #[serde(serialize_with = "whole_if_integral")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub hours_saved: f64,
}

/// What would change the outcome for one unmet skill.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WouldChange<'a> {
    /// The skill.
    pub skill: Text<'a>,
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
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NextStep<'a> {
    /// The skill.
    pub skill: Text<'a>,
    /// Up to 3 catalogue ids, best first.
    pub credentials: Vec<Text<'a>>,
    /// Who those of them with an `open_to` are open to (the candidate is among them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_to: Vec<OpenToStep<'a>>,
}

/// A suggested credential that is open only to some candidates, and to whom.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenToStep<'a> {
    /// Catalogue id.
    pub credential: Text<'a>,
    /// The `open_to` condition as written.
    pub who: Text<'a>,
}

/// A guardrail that acted, or an exception that applies.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GuardrailEffect<'a> {
    /// Guardrail name.
    pub name: Text<'a>,
    /// What it did.
    pub effect: Text<'a>,
    /// The exception's reason, for waived guardrails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text<'a>>,
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

/// Detaching a decision from the policy and record it borrows from.
fn own(t: Text<'_>) -> Text<'static> {
    Cow::Owned(t.into_owned())
}

fn own_all(v: Vec<Text<'_>>) -> Vec<Text<'static>> {
    v.into_iter().map(own).collect()
}

impl Decision<'_> {
    /// The same decision owning all its text, free of the policy and record it was made from.
    pub fn into_owned(self) -> Decision<'static> {
        Decision {
            candidate: own(self.candidate),
            role: own(self.role),
            outcome: self.outcome,
            proposed: self.proposed,
            as_of: self.as_of,
            policy: self.policy.into_owned(),
            rule: RuleRef {
                text: own(self.rule.text),
                at: own(self.rule.at),
                default: self.rule.default,
            },
            eligible: self.eligible.map(LineTrace::into_owned),
            skills: (self.skills.into_iter())
                .map(|s| SkillResult {
                    skill: own(s.skill),
                    kind: s.kind,
                    met: s.met,
                    via: s.via.map(|v| Via {
                        line: v.line,
                        text: own(v.text),
                        at: own(v.at),
                        evidence: own_all(v.evidence),
                    }),
                    tried: s.tried.into_iter().map(LineTrace::into_owned).collect(),
                })
                .collect(),
            counts: self.counts,
            onboarding: Onboarding {
                waived: own_all(self.onboarding.waived),
                hours_saved: self.onboarding.hours_saved,
            },
            would_change: (self.would_change.into_iter())
                .map(|w| WouldChange {
                    skill: own(w.skill),
                    kind: w.kind,
                    outcome_if_met: w.outcome_if_met,
                    proposed_if_met: w.proposed_if_met,
                    changes: w.changes,
                })
                .collect(),
            next_steps: (self.next_steps.into_iter())
                .map(|n| NextStep {
                    skill: own(n.skill),
                    credentials: own_all(n.credentials),
                    open_to: (n.open_to.into_iter())
                        .map(|o| OpenToStep {
                            credential: own(o.credential),
                            who: own(o.who),
                        })
                        .collect(),
                })
                .collect(),
            guardrails: (self.guardrails.into_iter())
                .map(|g| GuardrailEffect {
                    name: own(g.name),
                    effect: own(g.effect),
                    reason: g.reason.map(own),
                })
                .collect(),
            notes: self.notes,
        }
    }
}

impl PolicyRef<'_> {
    /// The same policy identity owning its text.
    pub fn into_owned(self) -> PolicyRef<'static> {
        PolicyRef {
            name: own(self.name),
            version: own(self.version),
            hash: own(self.hash),
        }
    }
}

impl LineTrace<'_> {
    /// The same line owning all its text.
    pub fn into_owned(self) -> LineTrace<'static> {
        LineTrace {
            line: self.line,
            text: own(self.text),
            at: own(self.at),
            holds: self.holds,
            terms: (self.terms.into_iter())
                .map(|t| TermTrace {
                    term: own(t.term),
                    holds: t.holds,
                    detail: t.detail.into_owned(),
                })
                .collect(),
        }
    }
}

impl Detail<'_> {
    /// The same findings owning all their text.
    pub fn into_owned(self) -> Detail<'static> {
        match self {
            Detail::Credentials {
                needed,
                accepted,
                accepted_proofs,
                refused,
                suggest,
            } => Detail::Credentials {
                needed,
                accepted: own_all(accepted),
                accepted_proofs,
                refused: (refused.into_iter())
                    .map(|r| Refusal {
                        credential: own(r.credential),
                        reason: r.reason.into_owned(),
                        proof: r.proof,
                    })
                    .collect(),
                suggest: own_all(suggest),
            },
            Detail::Items {
                item,
                needed,
                counted,
                matching,
                excluded,
            } => Detail::Items {
                item,
                needed,
                counted,
                matching: own_all(matching),
                excluded: own_all(excluded),
            },
            Detail::WorkSample { best, threshold } => Detail::WorkSample { best, threshold },
            Detail::Experience { months, threshold } => Detail::Experience { months, threshold },
            Detail::Attribute { attribute, value } => Detail::Attribute {
                attribute: own(attribute),
                value,
            },
            Detail::Degree { highest } => Detail::Degree {
                highest: highest.map(own),
            },
            Detail::Value { value } => Detail::Value { value },
        }
    }
}

impl Reason<'_> {
    /// The same reason owning all its text.
    pub fn into_owned(self) -> Reason<'static> {
        match self {
            Reason::NotInCatalogue => Reason::NotInCatalogue,
            Reason::SkillNotListed { skill } => Reason::SkillNotListed { skill: own(skill) },
            Reason::NoIssueDate => Reason::NoIssueDate,
            Reason::IssuedAfterAsOf { issued } => Reason::IssuedAfterAsOf { issued },
            Reason::Expired { expiry, issued, by } => Reason::Expired { expiry, issued, by },
            Reason::ProviderRetired {
                provider,
                retired,
                issued,
            } => Reason::ProviderRetired {
                provider: own(provider),
                retired,
                issued,
            },
            Reason::CredentialRetired { retired, issued } => {
                Reason::CredentialRetired { retired, issued }
            }
            Reason::BelowMinTier { tier, min_tier } => Reason::BelowMinTier {
                tier: own(tier),
                min_tier: own(min_tier),
            },
            Reason::NotVerified => Reason::NotVerified,
            Reason::ProofFailed { detail } => Reason::ProofFailed { detail },
            Reason::WhereFailed { condition } => Reason::WhereFailed { condition },
        }
    }
}
