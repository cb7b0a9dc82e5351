//! Outcomes (SPEC §11): joins hire outcomes to the decisions the policy gives the same
//! candidates, and measures ramp-up, retention, training cost and mobility per role and cohort.
//!
//! A [`Measurer`] takes candidate records one at a time (so a batch is streamed). For each
//! record with hires (looked up in the [`Outcomes`], read first and held in memory) it decides
//! the record for each hire's role **as of the hire date**, and puts the hire in its cohorts:
//! `credentialed` or `other`, each credential that was evidence on a met line, each accept line
//! that met a skill, each credential the catalogue lacks. For placement, every record is also
//! decided for its roles as of the measuring date. It keeps counts only (per role and cohort:
//! survival tables, value multisets, sums), so memory grows with the hires and the cohorts, not
//! with the records; measurers of parts of a batch merge exactly ([`Measurer::merge`]), so the
//! report is the same for any split. [`Measurer::finish`] gives a [`Report`]: plain data,
//! rendered by [`crate::render::measure`].
//!
//! Cohorts are self-selected: a difference between a cohort and the rest is an association,
//! never the effect of the credential. The report says so ([`CAVEAT`]).
//!
//! [`stats`] holds the survival and comparison statistics: pure functions over mergeable
//! tallies, tested against published reference values.

mod cohort;
mod figures;
pub mod stats;

use crate::decision::{Decision, PolicyRef};
use crate::outcome::Outcomes;
use crate::policy::{Outcome, Policy};
use crate::record::{Candidate, Entry, RecordError};
use cohort::{Key, Obs, Tally};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

pub use figures::{
    AtDay, Comparison, CostTest, Figures, Mobility, Onboarding, Placement, Spread, Survival,
    SurvivalTest, Tested, Training, DAYS_PER_YEAR, LEVEL, MIN_TESTED, PRODUCTIVITY_DAYS,
    RETENTION_DAYS,
};

/// What every report says about its comparisons.
pub const CAVEAT: &str = "Cohorts are self-selected: people choose which credentials to earn \
    and employers choose whom to hire, so a difference between a cohort and the other hires is \
    an association, not an effect of the credential.";

/// The kind of a cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortKind {
    /// Every hire of the role.
    All,
    /// At least one required skill met by a line whose evidence includes a catalogue
    /// credential.
    Credentialed,
    /// The other hires.
    Other,
    /// Holders of a catalogue credential that was evidence on a met line.
    Credential,
    /// Hires whose skill an accept line met.
    Line,
    /// Holders of a credential the catalogue lacks.
    Unrecognised,
}

/// One cohort of a role: who, and its figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cohort {
    /// The kind.
    pub kind: CohortKind,
    /// `all`, `credentialed`, `other`, the credential id, `skill#line`, or the title of an
    /// unrecognised credential.
    pub id: String,
    /// For people: the credential's title, or the accept line's text.
    pub label: String,
    /// The skill (accept lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Where the accept line is (`file:line:col`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The issuer (unrecognised credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
    /// Against the role's other hires (none for `all`).
    pub comparison: Option<Comparison>,
}

/// One role's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleMeasure {
    /// Role id.
    pub role: String,
    /// Role title.
    pub title: String,
    /// Hires measured.
    pub hires: u64,
    /// `all`, `credentialed`, `other`, then each credential (catalogue order) and accept line
    /// (policy order) with hires or `advance` decisions, and each unrecognised credential held
    /// by at least [`MIN_TESTED`] hires (most hires first).
    pub cohorts: Vec<Cohort>,
}

/// Counts over the whole batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    /// Candidate records read (valid or not).
    pub records: u64,
    /// Decisions made as of the measuring date (for placement).
    pub decisions: u64,
    /// Outcome rows read (valid or not).
    pub outcome_rows: u64,
    /// Hires measured.
    pub hires: u64,
    /// Hires of other roles than `--role`, read and checked but not measured.
    pub other_roles: u64,
    /// Record errors (candidate records and outcome rows).
    pub errors: u64,
}

/// The outcome figures of a batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Which policy decided.
    pub policy: PolicyRef<'static>,
    /// The measuring date: censoring, and the placement decisions.
    pub as_of: Date,
    /// `--role`, when given.
    pub role: Option<String>,
    /// Read this before the comparisons.
    pub caveat: &'static str,
    /// Batch counts.
    pub totals: Totals,
    /// Every record error: outcome rows in input order, then candidate records in input order.
    pub record_errors: Vec<RecordError>,
    /// Every role of the policy (or `--role`), in policy order.
    pub roles: Vec<RoleMeasure>,
    /// Things a reader should know.
    pub notes: Vec<String>,
}

/// Decides records and accumulates their hires' outcomes.
#[derive(Debug)]
pub struct Measurer<'p> {
    policy: &'p Policy,
    outcomes: &'p Outcomes,
    as_of: Date,
    role: Option<String>,
    only: Option<usize>,
    tallies: Vec<BTreeMap<Key, Tally>>,
    /// Hires whose candidate had a valid record.
    found: Vec<u32>,
    /// Hires whose candidate's record had an error, with where the record was.
    failed: Vec<(u32, String, usize)>,
    errors: Vec<RecordError>,
    records: u64,
    decisions: u64,
}

impl<'p> Measurer<'p> {
    /// A measurer for a policy, its outcomes and the measuring date; `role` is `--role`: the
    /// only role measured, and the role decided for records without `applied`.
    pub fn new(
        policy: &'p Policy,
        outcomes: &'p Outcomes,
        as_of: Date,
        role: Option<&str>,
    ) -> Self {
        Measurer {
            policy,
            outcomes,
            as_of,
            role: role.map(str::to_owned),
            only: role.and_then(|r| policy.role_index.get(r).copied()),
            tallies: vec![BTreeMap::new(); policy.roles.len()],
            found: Vec::new(),
            failed: Vec::new(),
            errors: Vec::new(),
            records: 0,
            decisions: 0,
        }
    }

    fn measured(&self, role: usize) -> bool {
        self.only.is_none_or(|r| r == role)
    }

    /// Decides one candidate record: for each of its hires as of the hire date, and for its
    /// roles as of the measuring date; or keeps its error.
    pub fn add(&mut self, entry: Entry) {
        self.records += 1;
        let cand = match entry.result {
            Ok(c) => c,
            Err(e) => {
                if let Some(id) = &e.record {
                    for &h in self.outcomes.of(id) {
                        self.failed.push((h, e.file.clone(), e.line));
                    }
                }
                return self.errors.push(e);
            }
        };
        let roles = match crate::eval::roles_for(self.policy, &cand, self.role.as_deref()) {
            Ok(r) => r,
            Err(error) => {
                for &h in self.outcomes.of(&cand.id) {
                    self.failed.push((h, entry.file.clone(), entry.line));
                }
                return self.errors.push(RecordError {
                    record: Some(cand.id.clone()),
                    file: entry.file,
                    line: entry.line,
                    error,
                    problems: Vec::new(),
                });
            }
        };
        let only = self.only;
        let roles: Vec<usize> = (roles.into_iter())
            .filter(|&r| only.is_none_or(|o| o == r))
            .collect();
        let decisions: Vec<Decision> = (roles.iter())
            .map(|&r| crate::eval::evaluate(self.policy, &cand, r, self.as_of))
            .collect();
        self.decided(&cand, &roles, &decisions);
    }

    /// Adds a valid candidate record whose decisions as of the measuring date were made
    /// elsewhere (one per role in `roles`, as [`crate::eval::roles_for`] gives them): what
    /// the review does, so that each applicant is decided once for the audit and the measure
    /// alike. Decisions for a role outside `--role` are not counted. The hires are decided
    /// here, as of their hire dates.
    pub fn add_decided(&mut self, cand: &Candidate, roles: &[usize], decisions: &[Decision]) {
        self.records += 1;
        self.decided(cand, roles, decisions);
    }

    /// A valid record's hires and decisions, counted (the record itself is counted by the
    /// caller).
    fn decided(&mut self, cand: &Candidate, roles: &[usize], decisions: &[Decision]) {
        let policy = self.policy;
        for &h in self.outcomes.of(&cand.id) {
            self.found.push(h);
            let hire = &self.outcomes.hires[h as usize];
            let Some(&r) = policy.role_index.get(hire.role.as_str()) else {
                continue;
            };
            if !self.measured(r) {
                continue;
            }
            let d = crate::eval::evaluate(policy, cand, r, hire.hired);
            let obs = Obs {
                hire,
                as_of: self.as_of,
                hours_saved: d.onboarding.hours_saved,
            };
            for key in cohort::keys(policy, cand, &d) {
                self.tallies[r].entry(key).or_default().add_hire(&obs);
            }
        }
        for (&r, d) in roles.iter().zip(decisions) {
            if !self.measured(r) {
                continue;
            }
            self.decisions += 1;
            if d.outcome != Outcome::Advance {
                continue;
            }
            let hired = self.outcomes.hired_as(&cand.id, &policy.roles[r].id);
            for key in cohort::keys(policy, cand, d) {
                self.tallies[r].entry(key).or_default().add_advance(hired);
            }
        }
    }

    /// Adds what another measurer of the same policy, outcomes, date and role counted. Record
    /// errors follow this one's: merge measurers of a batch's parts in input order.
    pub fn merge(&mut self, other: Measurer<'p>) {
        self.records += other.records;
        self.decisions += other.decisions;
        self.errors.extend(other.errors);
        self.found.extend(other.found);
        self.failed.extend(other.failed);
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            for (key, t) in theirs {
                match mine.get_mut(&key) {
                    Some(m) => m.merge(&t),
                    None => {
                        mine.insert(key, t);
                    }
                }
            }
        }
    }

    /// The report.
    pub fn finish(self) -> Report {
        let policy = self.policy;
        let outcomes = self.outcomes;
        let mut found = vec![false; outcomes.hires.len()];
        for &h in &self.found {
            found[h as usize] = true;
        }
        let mut failed: BTreeMap<u32, (String, usize)> = BTreeMap::new();
        for (h, file, line) in self.failed {
            failed.entry(h).or_insert((file, line));
        }
        // Outcome errors in input order: unreadable and repeated rows, then hires whose
        // candidate is missing or unreadable, each at its row's position.
        let mut outcome_errors: Vec<(usize, RecordError)> = outcomes.errors.clone();
        let mut other_roles = 0;
        let mut measured = 0;
        for (i, (hire, place)) in outcomes.hires.iter().zip(&outcomes.places).enumerate() {
            let error = if found[i] {
                let r = policy.role_index.get(hire.role.as_str()).copied();
                if r.is_some_and(|r| self.only.is_none_or(|o| o == r)) {
                    measured += 1;
                } else {
                    other_roles += 1;
                }
                continue;
            } else if let Some((file, line)) = failed.get(&(i as u32)) {
                format!(
                    "the record of candidate `{}` ({file}:{line}) has errors: hire not measured",
                    hire.candidate
                )
            } else {
                format!(
                    "candidate `{}` is not in the candidate records: hire not measured",
                    hire.candidate
                )
            };
            outcome_errors.push((
                place.seq,
                RecordError {
                    record: Some(hire.candidate.clone()),
                    file: place.file.clone(),
                    line: place.line,
                    error,
                    problems: Vec::new(),
                },
            ));
        }
        outcome_errors.sort_by_key(|(seq, _)| *seq);
        let mut record_errors: Vec<RecordError> =
            outcome_errors.into_iter().map(|(_, e)| e).collect();
        record_errors.extend(self.errors);

        let mut notes = Vec::new();
        if other_roles > 0 {
            notes.push(format!(
                "{other_roles} hire{} into other roles than `{}` not measured (--role)",
                if other_roles == 1 { "" } else { "s" },
                self.role.as_deref().unwrap_or_default()
            ));
        }
        let roles: Vec<RoleMeasure> = (policy.roles.iter().enumerate())
            .zip(self.tallies)
            .filter(|((r, _), _)| self.only.is_none_or(|o| o == *r))
            .map(|((_, role), tallies)| {
                let (measure, unlisted) = role_measure(policy, role, tallies);
                if unlisted > 0 {
                    notes.push(format!(
                        "role `{}`: {unlisted} credential{} the catalogue lacks, held by fewer than {MIN_TESTED} hires, not listed",
                        role.id,
                        if unlisted == 1 { "" } else { "s" }
                    ));
                }
                measure
            })
            .collect();
        for r in roles.iter().filter(|r| r.hires == 0) {
            notes.push(format!("role `{}` has no hires to measure", r.role));
        }
        Report {
            policy: PolicyRef {
                name: policy.name.clone().into(),
                version: policy.version.clone().into(),
                hash: policy.hash.clone().into(),
            },
            as_of: self.as_of,
            role: self.role,
            caveat: CAVEAT,
            totals: Totals {
                records: self.records,
                decisions: self.decisions,
                outcome_rows: outcomes.rows,
                hires: measured,
                other_roles,
                errors: record_errors.len() as u64,
            },
            record_errors,
            roles,
            notes,
        }
    }
}

/// One role's cohorts, figures and comparisons, with Holm's adjustment per metric.
fn role_measure(
    policy: &Policy,
    role: &crate::policy::Role,
    tallies: BTreeMap<Key, Tally>,
) -> (RoleMeasure, usize) {
    let empty = Tally::default();
    let all = tallies.get(&Key::All).unwrap_or(&empty).clone();
    let mut keyed: Vec<(Key, Tally)> = tallies.into_iter().collect();
    // Unrecognised credentials: most hires first, then by title (the map's order).
    keyed.sort_by(|(a, ta), (b, tb)| match (a, b) {
        (Key::Unrecognised(..), Key::Unrecognised(..)) => tb.n.cmp(&ta.n).then(a.cmp(b)),
        _ => a.cmp(b),
    });
    let mut cohorts: Vec<Cohort> = keyed
        .iter()
        .map(|(key, t)| {
            let (kind, id, label, skill, at, issuer) = describe(policy, role, key);
            Cohort {
                kind,
                id,
                label,
                skill,
                at,
                issuer,
                figures: figures::figures(t),
                comparison: (*key != Key::All).then(|| figures::compare(t, &all)),
            }
        })
        .collect();
    // Credentials the catalogue lacks are free text, so there may be any number of them: only
    // those held by enough hires to be compared are listed.
    // A credential held only by applicants (its cohort counts them for placement) is held by no
    // hire: it is not counted as left out.
    let unlisted = (cohorts.iter())
        .filter(|c| c.kind == CohortKind::Unrecognised && (1..MIN_TESTED).contains(&c.figures.n))
        .count();
    cohorts.retain(|c| c.kind != CohortKind::Unrecognised || c.figures.n >= MIN_TESTED);
    holm(&mut cohorts, &[CohortKind::Credential, CohortKind::Line]);
    holm(&mut cohorts, &[CohortKind::Unrecognised]);
    let measure = RoleMeasure {
        role: role.id.clone(),
        title: role.title.clone(),
        hires: all.n,
        cohorts,
    };
    (measure, unlisted)
}

/// Holm-adjusts each metric's p-values over the cohorts of the given kinds.
fn holm(cohorts: &mut [Cohort], kinds: &[CohortKind]) {
    let family: Vec<usize> = (0..cohorts.len())
        .filter(|&i| kinds.contains(&cohorts[i].kind))
        .collect();
    type Get = fn(&mut Comparison) -> Option<(f64, &mut Option<f64>)>;
    let metrics: [Get; 3] = [
        |c| c.productivity.as_mut().map(|t| (t.p, &mut t.p_holm)),
        |c| c.retention.as_mut().map(|t| (t.p, &mut t.p_holm)),
        |c| c.training_cost.as_mut().map(|t| (t.p, &mut t.p_holm)),
    ];
    for get in metrics {
        let ps: Vec<Option<f64>> = (family.iter())
            .map(|&i| cohorts[i].comparison.as_mut().and_then(get).map(|(p, _)| p))
            .collect();
        if ps.iter().all(Option::is_none) {
            continue;
        }
        let adjusted = stats::holm(&ps);
        for (&i, adj) in family.iter().zip(adjusted) {
            if let Some((_, slot)) = cohorts[i].comparison.as_mut().and_then(get) {
                *slot = adj;
            }
        }
    }
}

type Described = (
    CohortKind,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn describe(policy: &Policy, role: &crate::policy::Role, key: &Key) -> Described {
    let plain = |k: CohortKind, id: &str, label: &str| {
        (k, id.to_owned(), label.to_owned(), None, None, None)
    };
    match key {
        Key::All => plain(CohortKind::All, "all", "all hires"),
        Key::Credentialed => plain(
            CohortKind::Credentialed,
            "credentialed",
            "a required skill met with a catalogue credential",
        ),
        Key::Other => plain(
            CohortKind::Other,
            "other",
            "no required skill met with a credential",
        ),
        Key::Credential(c) => match policy.credentials.get(*c) {
            Some(c) => plain(CohortKind::Credential, &c.id, &c.title),
            None => plain(CohortKind::Credential, "?", "?"),
        },
        Key::Line(req, line) => {
            let q = role.requirements.get(*req);
            let skill = q
                .and_then(|q| policy.skills.get(q.skill))
                .map(|s| s.id.clone());
            let l = q.and_then(|q| q.lines.get(*line));
            (
                CohortKind::Line,
                format!("{}#{}", skill.as_deref().unwrap_or("?"), line + 1),
                l.map(|l| l.src.text.clone()).unwrap_or_default(),
                skill,
                l.map(|l| l.src.at.to_string()),
                None,
            )
        }
        Key::Unrecognised(title, issuer) => (
            CohortKind::Unrecognised,
            title.clone(),
            title.clone(),
            None,
            None,
            issuer.clone(),
        ),
    }
}

#[cfg(test)]
mod tests;
