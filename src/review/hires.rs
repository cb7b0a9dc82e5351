//! How hires fared: time to productivity and retention as Kaplan–Meier estimates over a role's
//! hires (censored at `left` or the review's date), and the figures of the hires who hold a
//! given credential against the role's other hires.

use super::figures::{Figure, Figures};
use crate::measure::stats::{logrank_test, KaplanMeier, SurvivalTable};
use crate::policy::Policy;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;

/// One hire, from an outcome record (SPEC §11).
#[derive(Clone, Debug, PartialEq)]
pub struct Hire {
    /// The candidate's id.
    pub candidate: String,
    /// The role's index in the policy.
    pub role: usize,
    /// Day hired.
    pub hired: Date,
    /// First day at the role's productivity target.
    pub productive: Option<Date>,
    /// Last day employed.
    pub left: Option<Date>,
}

/// The hires to date, looked up by candidate.
#[derive(Clone, Debug, Default)]
pub struct Hires {
    /// Every hire, in input order.
    pub list: Vec<Hire>,
    /// Outcome rows that could not be read, in input order.
    pub errors: Vec<crate::record::RecordError>,
    by_candidate: HashMap<String, Vec<usize>>,
}

impl Hires {
    /// Indexes hires by candidate.
    pub fn new(list: Vec<Hire>, errors: Vec<crate::record::RecordError>) -> Hires {
        let mut by_candidate: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, h) in list.iter().enumerate() {
            by_candidate.entry(h.candidate.clone()).or_default().push(i);
        }
        Hires {
            list,
            errors,
            by_candidate,
        }
    }

    /// The hires (indexes into [`Hires::list`]) of a candidate.
    pub fn of(&self, candidate: &str) -> &[usize] {
        self.by_candidate.get(candidate).map_or(&[], Vec::as_slice)
    }
}

/// Calendar days from `a` to `b` (0 when `b` is earlier).
fn days(a: Date, b: Date) -> u32 {
    (b - a)
        .get_days()
        .try_into()
        .unwrap_or(0)
        .max(0)
        .try_into()
        .unwrap_or(0)
}

/// Retention: days to `left` (an event), else censored at `as_of`.
pub(crate) fn retention(hires: &[&Hire], as_of: Date) -> SurvivalTable {
    let mut t = SurvivalTable::default();
    for h in hires {
        match h.left {
            Some(left) => t.add(days(h.hired, left), true),
            None => t.add(days(h.hired, as_of), false),
        }
    }
    t
}

/// Time to productivity: days to `productive`, else censored at `left` or `as_of`.
pub(crate) fn productivity(hires: &[&Hire], as_of: Date) -> SurvivalTable {
    let mut t = SurvivalTable::default();
    for h in hires {
        match h.productive {
            Some(p) => t.add(days(h.hired, p), true),
            None => t.add(days(h.hired, h.left.unwrap_or(as_of)), false),
        }
    }
    t
}

/// A Kaplan–Meier estimate summarised for the council.
#[derive(Clone, Debug, Serialize)]
pub struct Survival {
    /// Hires.
    pub n: u64,
    /// Events (became productive; left).
    pub events: u64,
    /// Censored hires.
    pub censored: u64,
    /// Median days (none when fewer than half had the event).
    pub median_days: Figure,
    /// S(t) at the listed days: for productivity the share not yet productive, for retention
    /// the share still employed.
    pub survival: Vec<(u32, Figure)>,
    /// The curve's steps (day, S after the day), for charts.
    #[serde(skip)]
    pub curve: Vec<(u32, f64)>,
}

fn survival(
    table: &SurvivalTable,
    at: &[u32],
    key: &str,
    f: &mut Figures,
) -> Survival {
    let km = KaplanMeier::fit(table);
    let n = Some(km.n);
    Survival {
        n: km.n,
        events: km.events,
        censored: km.censored,
        median_days: f.fig(
            &format!("{key}.median_days"),
            km.median_survival_time().map(f64::from),
            n,
        ),
        survival: (at.iter())
            .map(|&t| {
                let s = (km.n > 0).then(|| km.survival_function_at(t));
                (t, f.fig(&format!("{key}.s{t}"), s, n))
            })
            .collect(),
        curve: km.steps.iter().map(|s| (s.time, s.survival)).collect(),
    }
}

/// How a role's hires fared.
#[derive(Clone, Debug, Serialize)]
pub struct RoleOutcomes {
    /// Hires to date.
    pub hires: u64,
    /// Days to productivity (censored at `left` or the review's date).
    pub productivity: Survival,
    /// Days employed (censored at the review's date).
    pub retention: Survival,
}

/// The Kaplan–Meier summaries of a role's hires.
pub(crate) fn role_outcomes(
    policy: &Policy,
    role: usize,
    hires: &[&Hire],
    as_of: Date,
    f: &mut Figures,
) -> RoleOutcomes {
    let id = &policy.roles[role].id;
    RoleOutcomes {
        hires: hires.len() as u64,
        productivity: survival(
            &productivity(hires, as_of),
            &[30, 60, 90],
            &format!("{id}.outcomes.productivity"),
            f,
        ),
        retention: survival(
            &retention(hires, as_of),
            &[90, 180, 365],
            &format!("{id}.outcomes.retention"),
            f,
        ),
    }
}

/// How the hires holding a credential fared against the role's other hires.
#[derive(Clone, Debug, Serialize)]
pub struct HolderOutcomes {
    /// Hires holding it.
    pub hired: Figure,
    /// The role's other hires.
    pub others: u64,
    /// Holders' median days to productivity (n = holders hired).
    pub productivity_median_days: Figure,
    /// Other hires' median days to productivity.
    pub others_productivity_median_days: Option<f64>,
    /// Holders still employed at day 365, Kaplan–Meier.
    pub retention_s365: Figure,
    /// Other hires still employed at day 365.
    pub others_retention_s365: Option<f64>,
    /// Log-rank p of holders against other hires, productivity (none below 5 on a side).
    pub productivity_p: Option<f64>,
    /// Log-rank p, retention.
    pub retention_p: Option<f64>,
}

/// Fewer hires than this on either side get figures but no test (SPEC §11).
pub const TOO_FEW: usize = 5;

/// How `holders` fared against `others`; figure keys start with `key`.
pub(crate) fn holder_outcomes(
    holders: &[&Hire],
    others: &[&Hire],
    as_of: Date,
    key: &str,
    f: &mut Figures,
) -> HolderOutcomes {
    let (hp, op) = (productivity(holders, as_of), productivity(others, as_of));
    let (hr, or) = (retention(holders, as_of), retention(others, as_of));
    let testable = holders.len() >= TOO_FEW && others.len() >= TOO_FEW;
    let n = Some(holders.len() as u64);
    let fit = |t: &SurvivalTable| KaplanMeier::fit(t);
    let (khp, kop, khr, kor) = (fit(&hp), fit(&op), fit(&hr), fit(&or));
    let s365 = |k: &KaplanMeier| (k.n > 0).then(|| k.survival_function_at(365));
    HolderOutcomes {
        hired: f.count(&format!("{key}.hired"), holders.len() as u64),
        others: others.len() as u64,
        productivity_median_days: f.fig(
            &format!("{key}.productivity.median_days"),
            khp.median_survival_time().map(f64::from),
            n,
        ),
        others_productivity_median_days: kop.median_survival_time().map(f64::from),
        retention_s365: f.fig(&format!("{key}.retention.s365"), s365(&khr), n),
        others_retention_s365: s365(&kor),
        productivity_p: testable
            .then(|| logrank_test(&hp, &op).map(|l| l.p_value))
            .flatten(),
        retention_p: testable
            .then(|| logrank_test(&hr, &or).map(|l| l.p_value))
            .flatten(),
    }
}

/// The cohorts a hire belongs to (SPEC §11): the catalogue credentials that were evidence on
/// a line that met a skill, and those lines (requirement index, 0-based line index), in the
/// decision for the hire's role as of the hire date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cohorts {
    /// Catalogue credential indexes.
    pub credentials: std::collections::BTreeSet<usize>,
    /// (requirement, line) of the role.
    pub lines: std::collections::BTreeSet<(usize, usize)>,
}

/// The cohorts of a decision.
pub(crate) fn cohorts(policy: &Policy, d: &crate::decision::Decision) -> Cohorts {
    let mut c = Cohorts::default();
    for (req, s) in d.skills.iter().enumerate() {
        let Some(via) = &s.via else { continue };
        let line = via.line.wrapping_sub(1);
        c.lines.insert((req, line));
        let Some(trace) = s.tried.get(line) else {
            continue;
        };
        for t in trace.terms.iter().filter(|t| t.holds) {
            if let crate::decision::Detail::Credentials { accepted, .. } = &t.detail {
                c.credentials.extend(
                    (accepted.iter()).filter_map(|id| policy.credential_index.get(&**id).copied()),
                );
            }
        }
    }
    c
}
