//! Which cohorts a decision puts a hire (or an applicant) in, and what each cohort counts.

use super::stats::SurvivalTable;
use crate::ast::ReqKind;
use crate::decision::{Decision, Detail};
use crate::outcome::Hire;
use crate::policy::Policy;
use crate::record::Candidate;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// A cohort of a role, in report order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    /// Every hire of the role.
    All,
    /// At least one required skill met by a line whose evidence includes a catalogue credential.
    Credentialed,
    /// The rest.
    Other,
    /// A catalogue credential (by index) that was evidence on a met line.
    Credential(usize),
    /// An accept line (requirement index, 0-based line) that met a skill.
    Line(usize, usize),
    /// A credential the catalogue lacks, by title and issuer.
    Unrecognised(String, Option<String>),
}

/// The cohorts of a decision for the candidate: `All`, then `Credentialed` or `Other`, then
/// the credentials, lines and unrecognised credentials, each once.
pub(crate) fn keys(policy: &Policy, cand: &Candidate, d: &Decision) -> Vec<Key> {
    let mut credentialed = false;
    let mut rest = BTreeSet::new();
    for (req, s) in d.skills.iter().enumerate() {
        let Some(via) = &s.via else { continue };
        rest.insert(Key::Line(req, via.line.saturating_sub(1)));
        let Some(line) = s.tried.get(via.line.wrapping_sub(1)) else {
            continue;
        };
        for t in line.terms.iter().filter(|t| t.holds) {
            if let Detail::Credentials { accepted, .. } = &t.detail {
                for id in accepted {
                    if let Some(&c) = policy.credential_index.get(&**id) {
                        rest.insert(Key::Credential(c));
                        credentialed |= s.kind == ReqKind::Required;
                    }
                }
            }
        }
    }
    for h in &cand.credentials {
        if crate::eval::match_credential(policy, h).is_none() {
            let name = (h.title.as_ref())
                .or(h.id.as_ref())
                .or(h.achievement.as_ref())
                .cloned()
                .unwrap_or_else(|| "(unnamed)".into());
            rest.insert(Key::Unrecognised(name, h.issuer.clone()));
        }
    }
    let mut out = vec![Key::All];
    out.push(if credentialed {
        Key::Credentialed
    } else {
        Key::Other
    });
    out.extend(rest);
    out
}

/// A multiset of non-negative values, kept exactly so that parts merge in any order and the
/// mean and median come out the same: value (its bits; for non-negative numbers their order
/// is the numbers') → count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Values(pub(crate) BTreeMap<u64, u64>);

impl Values {
    pub(crate) fn push(&mut self, x: f64) {
        *self.0.entry((x + 0.0).to_bits()).or_insert(0) += 1;
    }

    pub(crate) fn merge(&mut self, other: &Values) {
        for (k, n) in &other.0 {
            *self.0.entry(*k).or_insert(0) += n;
        }
    }

    /// The values of `self` that are not in `part` (a sub-multiset of it).
    pub(crate) fn minus(&self, part: &Values) -> Values {
        let mut out = self.clone();
        for (k, n) in &part.0 {
            if let Some(m) = out.0.get_mut(k) {
                *m = m.saturating_sub(*n);
                if *m == 0 {
                    out.0.remove(k);
                }
            }
        }
        out
    }

    pub(crate) fn n(&self) -> u64 {
        self.0.values().sum()
    }

    /// Every value with its count, smallest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.0.iter().map(|(k, n)| (f64::from_bits(*k), *n))
    }
}

/// What one cohort of one role counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Tally {
    /// Hires.
    pub(crate) n: u64,
    pub(crate) productivity: SurvivalTable,
    pub(crate) retention: SurvivalTable,
    pub(crate) hours: Values,
    pub(crate) cost: Values,
    /// Internal moves, and hires with at least one.
    pub(crate) moves: u64,
    pub(crate) movers: u64,
    /// Days employed, summed.
    pub(crate) person_days: u64,
    pub(crate) hours_saved: Values,
    /// `advance` decisions as of the measuring date, and how many of those were hired.
    pub(crate) advance: u64,
    pub(crate) advance_hired: u64,
}

/// What one hire adds to each of its cohorts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Obs<'h> {
    pub(crate) hire: &'h Hire,
    pub(crate) as_of: Date,
    pub(crate) hours_saved: f64,
}

/// Calendar days from `a` to `b` (0 when `b` is not later).
pub(crate) fn days(a: Date, b: Date) -> u32 {
    a.until(b)
        .map(|s| u32::try_from(s.get_days()).unwrap_or(0))
        .unwrap_or(0)
}

impl Tally {
    pub(crate) fn add_hire(&mut self, o: &Obs<'_>) {
        let h = o.hire;
        self.n += 1;
        let end = h.left.unwrap_or(o.as_of);
        match h.productive {
            Some(p) => self.productivity.add(days(h.hired, p), true),
            None => self.productivity.add(days(h.hired, end), false),
        }
        self.retention.add(days(h.hired, end), h.left.is_some());
        if let Some(x) = h.training_hours {
            self.hours.push(x);
        }
        if let Some(x) = h.training_cost {
            self.cost.push(x);
        }
        self.moves += h.moves.len() as u64;
        self.movers += u64::from(!h.moves.is_empty());
        self.person_days += u64::from(days(h.hired, end));
        self.hours_saved.push(o.hours_saved);
    }

    pub(crate) fn add_advance(&mut self, hired: bool) {
        self.advance += 1;
        self.advance_hired += u64::from(hired);
    }

    pub(crate) fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.productivity.merge(&other.productivity);
        self.retention.merge(&other.retention);
        self.hours.merge(&other.hours);
        self.cost.merge(&other.cost);
        self.moves += other.moves;
        self.movers += other.movers;
        self.person_days += other.person_days;
        self.hours_saved.merge(&other.hours_saved);
        self.advance += other.advance;
        self.advance_hired += other.advance_hired;
    }
}

/// The subjects of `all` that are not in `part` (a part of it).
pub(crate) fn table_minus(all: &SurvivalTable, part: &SurvivalTable) -> SurvivalTable {
    let mut out = all.clone();
    for (day, t) in &part.days {
        if let Some(mine) = out.days.get_mut(day) {
            mine.events = mine.events.saturating_sub(t.events);
            mine.censored = mine.censored.saturating_sub(t.censored);
            if mine.events == 0 && mine.censored == 0 {
                out.days.remove(day);
            }
        }
    }
    out
}
