//! The quarterly governance review (SPEC §12): one report a governance council reads and
//! minutes. For each role it gives the funnel, the audit's flags (§9), how hires fared, and
//! proposed catalogue actions, each with the numbers behind it, and — given the previous
//! quarter's review — how every figure changed since then.
//!
//! A [`Reviewer`] takes the quarter's applicants one at a time (so a batch streams) and
//! merges like [`crate::audit::Auditor`]. It feeds an `Auditor` (funnel, flags, catalogue
//! usage) and a [`crate::measure::Measurer`] (each hire's cohorts as of the hire date, the
//! outcome figures and comparisons), and keeps what neither does: the unrecognised credentials
//! each role's applicants brought (each applicant counted once) and the quarter in which each
//! catalogue credential's holders' credentials expire. [`Reviewer::finish`] gives a
//! [`Review`]: data only, rendered by [`crate::render::review`] (text),
//! [`crate::render::review_md`] and [`crate::render::review_html`]. Proposals are advice for
//! people; nothing here changes a policy.

mod figures;
mod outcomes;
mod proposals;
mod quarter;

use crate::audit::{Auditor, Flag};
use crate::decision::{Decision, PolicyRef};
use crate::measure::{CohortKind, Measurer};
use crate::outcome::Outcomes;
use crate::policy::{Outcome, Policy};
use crate::record::{Candidate, Entry, RecordError};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use figures::{Figure, Figures, Named, Number, Previous, FORMAT, KIND};
pub use outcomes::{CohortReview, RoleOutcomes};
pub use proposals::{fmt_p, Action, CredentialRef, Pathway, Proposal};
pub use quarter::Quarter;

/// What every review says first: how to read it.
pub const CAVEATS: [&str; 3] = [
    "Cohorts are self-selected: differences between holders and other hires are associations, not effects of the credentials.",
    "Proposals are advice for the council; credo never applies them to the policy.",
    "Every figure is given with the number of people it is computed over (n).",
];

/// An unrecognised credential: its title (else id, else achievement id) and issuer.
pub type Unknown = (String, Option<String>);

/// The quarterly review of a policy.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Always [`KIND`]: says what the file is, for `--previous`.
    pub review: &'static str,
    /// The JSON format's version ([`FORMAT`]).
    pub format: u64,
    /// Which policy decided.
    pub policy: PolicyRef<'static>,
    /// The quarter reviewed.
    pub quarter: Quarter,
    /// Its first day.
    pub from: Date,
    /// Its last day.
    pub to: Date,
    /// The day the applicants were decided as of, and outcomes censored at.
    pub as_of: Date,
    /// The review this one is compared with.
    pub previous: Option<PreviousRef>,
    /// How to read the review.
    pub caveats: Vec<&'static str>,
    /// Batch counts.
    pub totals: Totals,
    /// Every role of the policy, in policy order.
    pub roles: Vec<RoleReview>,
    /// Every catalogue credential, in catalogue order.
    pub catalogue: Vec<CatalogueUse>,
    /// Proposed catalogue actions, by role (catalogue-wide first), then action.
    pub proposals: Vec<Proposal>,
    /// Applicant records that could not be read or evaluated, in input order.
    pub record_errors: Vec<RecordError>,
    /// Outcome rows that could not be read, in input order.
    pub outcome_errors: Vec<RecordError>,
    /// Things the council should know about the data.
    pub notes: Vec<String>,
    /// Every figure above by its key: what the next quarter's `--previous` reads.
    pub figures: BTreeMap<String, Option<Number>>,
}

/// The review compared with.
#[derive(Clone, Debug, Serialize)]
pub struct PreviousRef {
    /// Its quarter.
    pub quarter: Quarter,
    /// The policy version it reviewed.
    pub policy_version: String,
}

/// Batch counts.
#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    /// Applicant records read (valid or not).
    pub records: Figure,
    /// Decisions made (one per record and role).
    pub decisions: Figure,
    /// Applicant records that could not be read or evaluated.
    pub record_errors: Figure,
    /// Outcome records (hires to date).
    pub hires: Figure,
    /// Outcome rows that could not be read.
    pub outcome_errors: Figure,
    /// Of them, hired in the quarter.
    pub hires_in_quarter: Figure,
}

/// One role's part of the review.
#[derive(Clone, Debug, Serialize)]
pub struct RoleReview {
    /// Role id.
    pub role: String,
    /// Role title.
    pub title: String,
    /// Applicants to hires.
    pub funnel: Funnel,
    /// The audit's flagged categories for the role (§9).
    pub flags: Vec<FlagReview>,
    /// How the role's hires fared, per cohort (SPEC §11).
    pub outcomes: Option<RoleOutcomes>,
    /// Credentials the role's applicants brought that the catalogue lacks, most frequent first.
    pub unrecognised: Vec<UnrecognisedUse>,
}

/// A role's funnel.
#[derive(Clone, Debug, Serialize)]
pub struct Funnel {
    /// Applicants decided for the role.
    pub applicants: Figure,
    /// Decisions by outcome.
    pub outcomes: BTreeMap<Outcome, Figure>,
    /// Outcome records for the role (hires to date).
    pub hires: Figure,
    /// Of them, hired in the quarter.
    pub hires_in_quarter: Figure,
    /// Of the role's `advance` decisions, the share hired (n = advanced; SPEC §11 placement).
    pub placement: Figure,
}

/// A flagged category (§9), with its figures.
#[derive(Clone, Debug, Serialize)]
pub struct FlagReview {
    /// The attribute, or the two of an intersection.
    pub attributes: Vec<String>,
    /// The category.
    pub category: String,
    /// The reference category.
    pub reference: String,
    /// Its selection rate (n = its decisions).
    pub rate: Figure,
    /// The reference category's selection rate.
    pub reference_rate: Option<Number>,
    /// Its impact ratio.
    pub impact_ratio: Figure,
    /// Two-sided Fisher exact p-value against the reference.
    pub fisher_p: Option<Number>,
    /// Selections short of the role's overall rate.
    pub shortfall: Figure,
}

/// An unrecognised credential among a role's applicants.
#[derive(Clone, Debug, Serialize)]
pub struct UnrecognisedUse {
    /// Title as given.
    pub title: String,
    /// Issuer, when given.
    pub issuer: Option<String>,
    /// Applicants who brought it (each once).
    pub applicants: Figure,
    /// Their share of the role's applicants (n = applicants of the role).
    pub share: Figure,
}

/// How a catalogue credential was used this quarter.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogueUse {
    /// Catalogue id.
    pub credential: String,
    /// Title.
    pub title: String,
    /// Its provider's id.
    pub provider: String,
    /// Applicants presenting it.
    pub held: Figure,
    /// Decisions in which it was evidence on the line that met a skill.
    pub carried: Figure,
    /// Credentials issued on or after this day are refused.
    pub retired: Option<Date>,
    /// Holders' expiry dates by quarter (holders whose expiry is known, each once per quarter).
    pub expiry: BTreeMap<String, u64>,
}

/// Decides the quarter's applicants and accumulates what the review needs: the audit's and
/// the measure's counts, and the unrecognised credentials and expiry quarters they lack.
#[derive(Debug)]
pub struct Reviewer<'p> {
    policy: &'p Policy,
    as_of: Date,
    outcomes: &'p Outcomes,
    auditor: Auditor<'p>,
    measurer: Measurer<'p>,
    records: u64,
    /// Role → unrecognised credential → applicants who brought it.
    unrecognised: Vec<BTreeMap<Unknown, u64>>,
    /// Catalogue credential → expiry quarter → holders.
    expiry: Vec<BTreeMap<Quarter, u64>>,
    /// Role → unrecognised credential → the hires (indexes into the outcomes) holding it.
    hired_holders: Vec<BTreeMap<Unknown, Vec<u32>>>,
}

impl<'p> Reviewer<'p> {
    /// A reviewer of applicants decided as of `as_of`, with the hires to date.
    pub fn new(policy: &'p Policy, as_of: Date, outcomes: &'p Outcomes) -> Self {
        Reviewer {
            policy,
            as_of,
            outcomes,
            auditor: Auditor::new(policy, as_of, None),
            measurer: Measurer::new(policy, outcomes, as_of, None),
            records: 0,
            unrecognised: vec![BTreeMap::new(); policy.roles.len()],
            expiry: vec![BTreeMap::new(); policy.credentials.len()],
            hired_holders: vec![BTreeMap::new(); policy.roles.len()],
        }
    }

    /// Decides one applicant for the roles applied for, or keeps its error.
    pub fn add(&mut self, entry: Entry) {
        self.records += 1;
        let roles = match &entry.result {
            Ok(cand) => crate::eval::roles_for(self.policy, cand, None),
            Err(_) => Err(String::new()),
        };
        let (Ok(cand), Ok(roles)) = (&entry.result, roles) else {
            // Both report the record's error in its place (the measurer also at its hires).
            self.measurer.add(entry.clone());
            return self.auditor.add(entry);
        };
        // Decided once, for the audit and the measure alike.
        let decisions: Vec<Decision> = (roles.iter())
            .map(|&r| crate::eval::evaluate(self.policy, cand, r, self.as_of))
            .collect();
        self.measurer.add_decided(cand, &roles, &decisions);
        self.auditor.add_decisions(cand, &roles, &decisions);
        self.tally(cand, &roles);
    }

    /// Counts what the audit does not: unrecognised credentials per role (each applicant
    /// once), and the quarter each catalogue credential held expires in (each holder once).
    fn tally(&mut self, cand: &Candidate, roles: &[usize]) {
        let policy = self.policy;
        let mut unknown = BTreeSet::new();
        let mut expiry = BTreeSet::new();
        for h in &cand.credentials {
            match crate::eval::match_credential(policy, h) {
                Some(c) => {
                    let by_validity = (policy.credentials[c].valid_for)
                        .and_then(|v| h.issued.and_then(|i| v.add_to(i)));
                    if let Some(day) = [h.expires, by_validity].into_iter().flatten().min() {
                        expiry.insert((c, Quarter::of(day)));
                    }
                }
                None => {
                    let name = (h.title.as_ref().or(h.id.as_ref()))
                        .or(h.achievement.as_ref())
                        .cloned()
                        .unwrap_or_else(|| "(unnamed)".into());
                    unknown.insert((name, h.issuer.clone()));
                }
            }
        }
        for (c, q) in expiry {
            *self.expiry[c].entry(q).or_insert(0) += 1;
        }
        for &r in roles {
            for u in &unknown {
                *self.unrecognised[r].entry(u.clone()).or_insert(0) += 1;
            }
        }
        for &h in self.outcomes.of(&cand.id) {
            let role = (self.outcomes.hires.get(h as usize))
                .and_then(|hire| policy.role_index.get(hire.role.as_str()));
            if let Some(&r) = role {
                for u in &unknown {
                    self.hired_holders[r].entry(u.clone()).or_default().push(h);
                }
            }
        }
    }

    /// Adds what another reviewer of the same policy, date and outcomes counted. Record errors
    /// follow this one's: merge reviewers of a batch's parts in input order.
    pub fn merge(&mut self, other: Reviewer<'p>) {
        self.records += other.records;
        self.auditor.merge(other.auditor);
        self.measurer.merge(other.measurer);
        for (mine, theirs) in self.unrecognised.iter_mut().zip(other.unrecognised) {
            for (k, n) in theirs {
                *mine.entry(k).or_insert(0) += n;
            }
        }
        for (mine, theirs) in self.expiry.iter_mut().zip(other.expiry) {
            for (q, n) in theirs {
                *mine.entry(q).or_insert(0) += n;
            }
        }
        for (mine, theirs) in self.hired_holders.iter_mut().zip(other.hired_holders) {
            for (k, hires) in theirs {
                mine.entry(k).or_default().extend(hires);
            }
        }
    }

    /// The review of `quarter`, compared with the previous review when there is one.
    pub fn finish(self, quarter: Quarter, previous: Option<&Previous>) -> Review {
        let policy = self.policy;
        let outcomes = self.outcomes;
        let mut audit = self.auditor.finish();
        audit.totals.records = self.records;
        let measure = self.measurer.finish();
        let mut f = Figures::new(previous);
        let mut notes = audit.notes.clone();
        if let Some(p) = previous {
            if p.policy_version != policy.version {
                notes.push(format!(
                    "the previous review ({}) was of policy version `{}`, this one of `{}`: figures may move because the policy changed",
                    p.quarter, p.policy_version, policy.version
                ));
            }
        }
        let unmeasured = (outcomes.hires.len() as u64).saturating_sub(measure.totals.hires);
        if unmeasured > 0 {
            notes.push(format!(
                "{unmeasured} of {} hires have no valid record among this quarter's applicants: they count in the funnel's hires, not in the outcome figures (measured as of the hire date, they need the record)",
                outcomes.hires.len()
            ));
        }
        let in_quarter = |h: &crate::outcome::Hire| quarter.contains(h.hired);
        let totals = Totals {
            records: f.count("records", audit.totals.records),
            decisions: f.count("decisions", audit.totals.decisions),
            record_errors: f.count("record_errors", audit.totals.errors),
            hires: f.count("hires", outcomes.hires.len() as u64),
            outcome_errors: f.count("outcome_errors", outcomes.errors.len() as u64),
            hires_in_quarter: f.count(
                "hires_in_quarter",
                outcomes.hires.iter().filter(|h| in_quarter(h)).count() as u64,
            ),
        };
        let mut roles = Vec::new();
        for (r, role) in policy.roles.iter().enumerate() {
            let audit_role = &audit.roles[r];
            let key = |k: &str| format!("{}.{k}", role.id);
            let applicants = audit_role.decisions;
            let hires: Vec<&crate::outcome::Hire> = outcomes
                .hires
                .iter()
                .filter(|h| h.role == role.id)
                .collect();
            let outcome_counts = OUTCOMES
                .iter()
                .map(|&o| {
                    let n = audit_role.outcomes.get(&o).copied().unwrap_or(0);
                    (o, f.count(&key(&format!("funnel.{}", o.as_str())), n))
                })
                .collect();
            let measured = measure.roles.iter().find(|m| m.role == role.id);
            let placement = measured
                .and_then(|m| m.cohorts.iter().find(|c| c.kind == CohortKind::All))
                .map(|c| c.figures.placement.clone());
            let funnel = Funnel {
                applicants: f.count(&key("funnel.applicants"), applicants),
                outcomes: outcome_counts,
                hires: f.count(&key("funnel.hires"), hires.len() as u64),
                hires_in_quarter: f.count(
                    &key("funnel.hires_in_quarter"),
                    hires.iter().filter(|h| in_quarter(h)).count() as u64,
                ),
                placement: f.fig(
                    &key("funnel.placement"),
                    placement.as_ref().and_then(|p| p.share),
                    Some(placement.as_ref().map_or(0, |p| p.advance)),
                ),
            };
            let flags = (audit.flags.iter())
                .filter(|fl| fl.role == role.id)
                .map(|fl| flag_review(&mut f, fl))
                .collect();
            // Most applicants first; the sort is stable, so (title, issuer) order among equals.
            let mut brought: Vec<(&Unknown, u64)> =
                self.unrecognised[r].iter().map(|(k, n)| (k, *n)).collect();
            brought.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            let unrecognised: Vec<UnrecognisedUse> = (brought.into_iter())
                .map(|((title, issuer), n)| {
                    let k = key(&format!("unrecognised.{}", unknown_key(title, issuer)));
                    UnrecognisedUse {
                        title: title.clone(),
                        issuer: issuer.clone(),
                        applicants: f.count(&format!("{k}.applicants"), n),
                        share: f.fig(
                            &format!("{k}.share"),
                            share(n, applicants),
                            Some(applicants),
                        ),
                    }
                })
                .collect();
            roles.push(RoleReview {
                role: role.id.clone(),
                title: role.title.clone(),
                funnel,
                flags,
                outcomes: measured.map(|m| outcomes::role_outcomes(m, &mut f)),
                unrecognised,
            });
        }
        let catalogue = (policy.credentials.iter().enumerate())
            .map(|(i, c)| {
                let used = audit
                    .usage
                    .credentials
                    .iter()
                    .find(|u| u.credential == c.id);
                let key = |k: &str| format!("catalogue.{}.{k}", c.id);
                CatalogueUse {
                    credential: c.id.clone(),
                    title: c.title.clone(),
                    provider: policy.providers[c.provider].id.clone(),
                    held: f.count(&key("held"), used.map_or(0, |u| u.held)),
                    carried: f.count(&key("carried"), used.map_or(0, |u| u.carried)),
                    retired: c.retired,
                    expiry: (self.expiry[i].iter())
                        .map(|(q, n)| (q.to_string(), *n))
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        let ctx = proposals::Context {
            policy,
            quarter,
            previous,
            audit: &audit,
            measure: &measure,
            roles: &roles,
            catalogue: &catalogue,
            expiry: &self.expiry,
            unrecognised: &self.unrecognised,
            hired_holders: &self.hired_holders,
            outcomes,
            as_of: self.as_of,
        };
        let proposals = ctx.proposals(&mut f);
        Review {
            review: KIND,
            format: FORMAT,
            policy: audit.policy.clone(),
            quarter,
            from: quarter.first_day(),
            to: quarter.last_day(),
            as_of: self.as_of,
            previous: previous.map(|p| PreviousRef {
                quarter: p.quarter,
                policy_version: p.policy_version.clone(),
            }),
            caveats: CAVEATS.to_vec(),
            totals,
            roles,
            catalogue,
            proposals,
            record_errors: audit.record_errors,
            outcome_errors: outcomes.errors.iter().map(|(_, e)| e.clone()).collect(),
            notes,
            figures: (f.index.into_iter())
                .map(|(k, v)| (k, v.map(Number)))
                .collect(),
        }
    }
}

/// `part / whole`, none of none.
pub(crate) fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// An unrecognised credential's part of a figure key: `title@issuer`.
pub(crate) fn unknown_key(title: &str, issuer: &Option<String>) -> String {
    match issuer {
        Some(i) => format!("{title}@{i}"),
        None => title.to_owned(),
    }
}

fn flag_review(f: &mut Figures, fl: &Flag) -> FlagReview {
    let key = format!(
        "{}.flag.{}.{}",
        fl.role,
        fl.attributes.join("+"),
        fl.category
    );
    FlagReview {
        attributes: fl.attributes.clone(),
        category: fl.category.clone(),
        reference: fl.reference.clone(),
        rate: f.fig(&format!("{key}.rate"), fl.rate, Some(fl.n)),
        reference_rate: fl.reference_rate.map(Number),
        impact_ratio: f.fig(&format!("{key}.impact_ratio"), fl.impact_ratio, Some(fl.n)),
        fisher_p: fl.fisher_p.map(Number),
        shortfall: f.fig(&format!("{key}.shortfall"), fl.shortfall, Some(fl.n)),
    }
}

/// The outcomes in a role's funnel, in funnel order.
const OUTCOMES: [Outcome; 4] = [
    Outcome::Advance,
    Outcome::Review,
    Outcome::Decline,
    Outcome::Ineligible,
];

#[cfg(test)]
mod tests;
