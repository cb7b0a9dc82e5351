//! Audit (SPEC §9): evaluates every record, then measures adverse impact per role and protected
//! attribute (and the intersection of the first two attributes), and how the catalogue was used.
//!
//! An [`Auditor`] takes record entries one at a time (so a batch can be streamed), and keeps
//! counts only: how many decisions had each (protected values, outcome, coverage), never the
//! decisions themselves, so its memory grows with the categories in the data, not with the
//! records. Auditors of parts of a batch merge ([`Auditor::merge`]), so parts can be audited on
//! several threads. [`Auditor::finish`] gives a [`Report`]: data only, rendered by
//! [`crate::render`]. The records' `protected` values are read here and nowhere else.

mod groups;
pub mod stats;
mod usage;

use crate::decision::{Decision, PolicyRef};
use crate::policy::{Outcome, Policy};
use crate::record::{Candidate, Entry, RecordError};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use groups::{Category, Grouping, Scoring, Status, MAX_FISHER_P, MIN_EXPECTED_SELECTIONS};
pub use usage::{CredentialUse, FailedProofs, LineUse, Unrecognised, Usage};

/// The threshold when the policy has no `adverse_impact` guardrail (the four-fifths rule).
pub const DEFAULT_THRESHOLD: f64 = 0.8;
/// A category with less than this share of a role's records is excluded from comparison
/// (1/50 = 2%, the NYC DCWP rule's allowance). Compared in integers: `n · 50 < N`.
pub const MIN_SHARE_DENOMINATOR: u64 = 50;
/// The category of records without a value for an attribute.
pub const UNKNOWN: &str = "unknown";

/// What the audit measures, from the `adverse_impact` guardrail or the defaults.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Impact ratios below this are flagged.
    #[serde(serialize_with = "groups::sig")]
    pub threshold: f64,
    /// Protected attributes audited, in order.
    pub attributes: Vec<String>,
    /// The first two attributes, audited together, when there are two.
    pub intersection: Option<[String; 2]>,
    /// Outcomes that count as selected.
    pub selected: Vec<Outcome>,
    /// Whether these come from the policy's `adverse_impact` (else the defaults).
    pub from_policy: bool,
    /// Categories below this share of a role's records are excluded from comparison.
    pub min_share: f64,
}

/// Counts over the whole batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    /// Records read (valid or not).
    pub records: u64,
    /// Decisions made.
    pub decisions: u64,
    /// Records that could not be read or evaluated.
    pub errors: u64,
}

/// One role's audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleAudit {
    /// Role id.
    pub role: String,
    /// Role title.
    pub title: String,
    /// Decisions for the role.
    pub decisions: u64,
    /// Decisions with a selected outcome.
    pub selected: u64,
    /// Overall selection rate `SR_all` (none without decisions).
    #[serde(serialize_with = "groups::sig_opt")]
    pub rate: Option<f64>,
    /// How many decisions had each outcome.
    pub outcomes: BTreeMap<Outcome, u64>,
    /// Median `coverage` of the role's decisions (the scoring-rate cut).
    #[serde(serialize_with = "groups::sig_opt")]
    pub median_coverage: Option<f64>,
    /// One table per attribute, then the intersection (empty without decisions).
    pub groupings: Vec<Grouping>,
}

/// A flagged category, for the report's summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// Role id.
    pub role: String,
    /// The attribute, or the two of an intersection.
    pub attributes: Vec<String>,
    /// The flagged category.
    pub category: String,
    /// Its decisions.
    pub n: u64,
    /// Its selection rate.
    #[serde(serialize_with = "groups::sig_opt")]
    pub rate: Option<f64>,
    /// The reference category.
    pub reference: String,
    /// The reference category's selection rate.
    #[serde(serialize_with = "groups::sig_opt")]
    pub reference_rate: Option<f64>,
    /// Its impact ratio.
    #[serde(serialize_with = "groups::sig_opt")]
    pub impact_ratio: Option<f64>,
    /// Two-sided Fisher exact p-value against the reference.
    #[serde(serialize_with = "groups::sig_opt")]
    pub fisher_p: Option<f64>,
    /// Selections short of the role's overall rate.
    #[serde(serialize_with = "groups::sig_opt")]
    pub shortfall: Option<f64>,
    /// Too little data for the flag to mean anything (see `groups::insufficient`).
    pub insufficient_data: bool,
}

/// The audit of a batch of records against a policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Which policy decided.
    pub policy: PolicyRef<'static>,
    /// Evaluation date.
    pub as_of: Date,
    /// What was measured.
    pub settings: Settings,
    /// Batch counts.
    pub totals: Totals,
    /// Every record error, in input order.
    pub record_errors: Vec<RecordError>,
    /// Every flagged category of every role: smallest Fisher p first (the strongest evidence),
    /// then in the order of the role tables.
    pub flags: Vec<Flag>,
    /// Every role of the policy, in policy order.
    pub roles: Vec<RoleAudit>,
    /// Catalogue usage.
    pub usage: Usage,
    /// Things a reviewer should know about the data (attributes nobody gave, ignored ones).
    pub notes: Vec<String>,
}

/// Decisions alike in what the audit reads of them: `count` decisions with these protected
/// values, this outcome and this coverage.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) protected: BTreeMap<String, String>,
    pub(crate) outcome: Outcome,
    pub(crate) coverage: f64,
    pub(crate) count: u64,
}

/// One role's decisions, counted by protected values, then by (outcome, coverage's bits).
type Counts = BTreeMap<BTreeMap<String, String>, BTreeMap<(Outcome, u64), u64>>;

/// Evaluates records and accumulates what the audit needs.
#[derive(Debug)]
pub struct Auditor<'p> {
    policy: &'p Policy,
    as_of: Date,
    role: Option<String>,
    rows: Vec<Counts>,
    usage: usage::Tally,
    errors: Vec<RecordError>,
    records: u64,
    seen: BTreeSet<String>,
}

impl<'p> Auditor<'p> {
    /// An auditor for a policy and date; `role` is `--role` (used for records without
    /// `applied`, as in `credo eval`).
    pub fn new(policy: &'p Policy, as_of: Date, role: Option<&str>) -> Self {
        Auditor {
            policy,
            as_of,
            role: role.map(str::to_owned),
            rows: vec![Counts::new(); policy.roles.len()],
            usage: usage::Tally::new(policy),
            errors: Vec::new(),
            records: 0,
            seen: BTreeSet::new(),
        }
    }

    /// Evaluates one entry for its roles, or keeps its error.
    pub fn add(&mut self, entry: Entry) {
        self.records += 1;
        let cand = match entry.result {
            Ok(c) => c,
            Err(e) => return self.errors.push(e),
        };
        match crate::eval::roles_for(self.policy, &cand, self.role.as_deref()) {
            Ok(roles) => {
                let decisions: Vec<Decision> = roles
                    .iter()
                    .map(|&r| crate::eval::evaluate(self.policy, &cand, r, self.as_of))
                    .collect();
                self.add_decisions(&cand, &roles, &decisions);
            }
            Err(error) => self.errors.push(RecordError {
                record: Some(cand.id.clone()),
                file: entry.file,
                line: entry.line,
                error,
                problems: Vec::new(),
            }),
        }
    }

    /// Adds a candidate's decisions (one per role index in `roles`) made elsewhere.
    pub fn add_decisions(&mut self, cand: &Candidate, roles: &[usize], decisions: &[Decision]) {
        self.seen.extend(
            cand.protected
                .iter()
                .filter(|(_, v)| known(v))
                .map(|(k, _)| k.clone()),
        );
        self.usage.add_candidate(self.policy, cand);
        for (&r, d) in roles.iter().zip(decisions) {
            self.usage.add_decision(self.policy, r, d);
            if let Some(rows) = self.rows.get_mut(r) {
                let by_decision = match rows.get_mut(&cand.protected) {
                    Some(m) => m,
                    None => rows.entry(cand.protected.clone()).or_default(),
                };
                let key = (d.outcome, d.counts.coverage.to_bits());
                *by_decision.entry(key).or_insert(0) += 1;
            }
        }
    }

    /// Adds what another auditor of the same policy, date and role counted. Record errors
    /// follow this one's: merge auditors of a batch's parts in input order.
    pub fn merge(&mut self, other: Auditor<'p>) {
        self.records += other.records;
        self.errors.extend(other.errors);
        self.seen.extend(other.seen);
        self.usage.merge(other.usage);
        for (mine, theirs) in self.rows.iter_mut().zip(other.rows) {
            for (protected, by_decision) in theirs {
                let into = mine.entry(protected).or_default();
                for (key, n) in by_decision {
                    *into.entry(key).or_insert(0) += n;
                }
            }
        }
    }

    /// The report.
    pub fn finish(self) -> Report {
        let policy = self.policy;
        let settings = settings(policy, &self.seen);
        let mut notes = Vec::new();
        for a in &settings.attributes {
            if !self.seen.contains(a) {
                notes.push(format!(
                    "no record gives protected attribute `{a}`: every record counts as `{UNKNOWN}`"
                ));
            }
        }
        for a in self
            .seen
            .iter()
            .filter(|a| !settings.attributes.contains(a))
        {
            notes.push(format!(
                "records give protected attribute `{a}`, which the policy's `adverse_impact` does not list: not audited"
            ));
        }
        let roles: Vec<RoleAudit> = policy
            .roles
            .iter()
            .zip(self.rows)
            .map(|(role, counts)| {
                let rows: Vec<Row> = (counts.into_iter())
                    .flat_map(|(protected, by_decision)| {
                        (by_decision.into_iter()).map(move |((outcome, coverage), count)| Row {
                            protected: protected.clone(),
                            outcome,
                            coverage: f64::from_bits(coverage),
                            count,
                        })
                    })
                    .collect();
                if rows.is_empty() {
                    notes.push(format!("role `{}` has no decisions to audit", role.id));
                }
                role_audit(&role.id, &role.title, &rows, &settings)
            })
            .collect();
        let decisions = roles.iter().map(|r| r.decisions).sum();
        let flags = flags(&roles);
        Report {
            policy: PolicyRef {
                name: policy.name.clone().into(),
                version: policy.version.clone().into(),
                hash: policy.hash.clone().into(),
            },
            as_of: self.as_of,
            totals: Totals {
                records: self.records,
                decisions,
                errors: self.errors.len() as u64,
            },
            settings,
            record_errors: self.errors,
            flags,
            roles,
            usage: self.usage.finish(policy),
            notes,
        }
    }
}

/// The flagged categories, smallest p first; a stable sort keeps table order among equals.
fn flags(roles: &[RoleAudit]) -> Vec<Flag> {
    let mut out = Vec::new();
    for role in roles {
        for g in &role.groupings {
            let Some(reference) = g.categories.iter().find(|c| c.status == Status::Reference)
            else {
                continue;
            };
            for c in g.categories.iter().filter(|c| c.flagged) {
                out.push(Flag {
                    role: role.role.clone(),
                    attributes: g.attributes.clone(),
                    category: c.category.clone(),
                    n: c.n,
                    rate: c.rate,
                    reference: reference.category.clone(),
                    reference_rate: reference.rate,
                    impact_ratio: c.impact_ratio,
                    fisher_p: c.fisher_p,
                    shortfall: c.shortfall,
                    insufficient_data: c.insufficient_data,
                });
            }
        }
    }
    // Compared as printed in JSON (6 significant digits), so rounding noise cannot reorder
    // equal p-values.
    out.sort_by(|a, b| {
        let p = |f: &Flag| f.fisher_p.map_or(f64::INFINITY, groups::round_sig);
        p(a).total_cmp(&p(b))
    });
    out
}

/// A value that names a category (absent, empty and `unknown` all count as unknown).
pub(crate) fn known(v: &str) -> bool {
    !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case(UNKNOWN)
}

/// The guardrail's settings, or the defaults: 0.8, every protected attribute the records give
/// (sorted), `[advance]`.
fn settings(policy: &Policy, seen: &BTreeSet<String>) -> Settings {
    let (threshold, attributes, selected, from_policy) = match &policy.guardrails.adverse_impact {
        Some(ai) => (ai.ratio, ai.over.clone(), ai.selected.clone(), true),
        None => (
            DEFAULT_THRESHOLD,
            seen.iter().cloned().collect(),
            vec![Outcome::Advance],
            false,
        ),
    };
    let intersection = match attributes.as_slice() {
        [a, b, ..] => Some([a.clone(), b.clone()]),
        _ => None,
    };
    Settings {
        threshold,
        attributes,
        intersection,
        selected,
        from_policy,
        min_share: 1.0 / MIN_SHARE_DENOMINATOR as f64,
    }
}

/// One role's tables.
pub(crate) fn role_audit(id: &str, title: &str, rows: &[Row], settings: &Settings) -> RoleAudit {
    let selected = (rows.iter())
        .filter(|r| settings.selected.contains(&r.outcome))
        .map(|r| r.count)
        .sum();
    let n = rows.iter().map(|r| r.count).sum();
    let mut outcomes = BTreeMap::new();
    for r in rows {
        *outcomes.entry(r.outcome).or_insert(0) += r.count;
    }
    let coverages: Vec<(f64, u64)> = rows.iter().map(|r| (r.coverage, r.count)).collect();
    let median_coverage = stats::weighted_median(coverages);
    let mut groupings = Vec::new();
    if n > 0 {
        let ctx = groups::Context {
            rows,
            total: n,
            settings,
            rate_all: stats::rate(selected, n).unwrap_or(0.0),
            median: median_coverage.unwrap_or(0.0),
        };
        for a in &settings.attributes {
            groupings.push(ctx.grouping(std::slice::from_ref(a)));
        }
        if let Some(pair) = &settings.intersection {
            groupings.push(ctx.grouping(pair));
        }
    }
    RoleAudit {
        role: id.to_owned(),
        title: title.to_owned(),
        decisions: n,
        selected,
        rate: stats::rate(selected, n),
        outcomes,
        median_coverage,
        groupings,
    }
}
