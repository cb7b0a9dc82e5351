//! From a cohort's counts to its figures, and from a cohort and the rest of its role to the
//! comparisons (SPEC §11). Every figure carries the counts it stands on.

use super::cohort::{table_minus, Tally, Values};
use super::stats::{self, KaplanMeier, Moments, Step, SurvivalTable};
use serde::Serialize;

/// Days at which the share of hires productive is given.
pub const PRODUCTIVITY_DAYS: [u32; 3] = [30, 60, 90];
/// Days at which retention is given.
pub const RETENTION_DAYS: [u32; 3] = [90, 180, 365];
/// A cohort or its complement below this many hires gets figures but no test.
pub const MIN_TESTED: u64 = 5;
/// Days in a person-year.
pub const DAYS_PER_YEAR: f64 = 365.25;
/// The level of every interval.
pub const LEVEL: f64 = 0.95;

/// A Kaplan–Meier figure at one day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtDay {
    /// The day (since `hired`).
    pub day: u32,
    /// Hires still at risk on that day (observed that long without the event).
    pub at_risk: u64,
    /// The estimate: the share productive by that day (productivity) or still employed after
    /// it (retention).
    pub value: f64,
    /// The 95% interval (log-log transform of Greenwood's variance); `None` where undefined.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

/// Time to an event, by Kaplan–Meier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Survival {
    /// Hires.
    pub n: u64,
    /// Hires with the event (productive; left).
    pub events: u64,
    /// Hires censored (still without the event when last seen).
    pub censored: u64,
    /// Median days to the event; `None` when the estimate never falls to one half.
    pub median_days: Option<u32>,
    /// The estimate at fixed days; a day beyond the longest follow-up is left out when that
    /// hire was censored (the curve stops above 0 and S is not defined there).
    pub at: Vec<AtDay>,
    /// The whole step curve (for charts; not in JSON).
    #[serde(skip)]
    pub curve: Vec<Step>,
}

/// Mean and median of a measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// Hires with a value.
    pub n: u64,
    /// Mean.
    pub mean: Option<f64>,
    /// Median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
}

/// First-year training.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    /// Hours.
    pub hours: Spread,
    /// Cost.
    pub cost: Spread,
}

/// Internal mobility.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mobility {
    /// Hires.
    pub n: u64,
    /// Person-time from `hired` to `left` or the as-of date, in years of 365.25 days.
    pub person_years: f64,
    /// Internal moves.
    pub moves: u64,
    /// Moves per 100 person-years; `None` without person-time.
    pub per_100_person_years: Option<f64>,
    /// Hires with at least one move.
    pub movers: u64,
}

/// Placement: of the `advance` decisions as of the as-of date, the share hired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    /// `advance` decisions.
    pub advance: u64,
    /// Of them, candidates hired into the role.
    pub hired: u64,
    /// `hired / advance`.
    pub share: Option<f64>,
}

/// Onboarding hours the decisions at hiring waived.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Onboarding {
    /// Hires.
    pub n: u64,
    /// Hours saved, in total.
    pub hours_saved: f64,
    /// Per hire.
    pub mean: Option<f64>,
}

/// A log-rank test of a cohort against the rest of its role.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurvivalTest {
    /// Chi-square, 1 degree of freedom.
    pub chi_square: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Holm-adjusted within the role and metric (credential and accept-line cohorts; the
    /// unrecognised credentials form a family of their own).
    pub p_holm: Option<f64>,
    /// Events observed in the cohort.
    pub observed: u64,
    /// Events expected in the cohort if it were like the rest.
    pub expected: f64,
}

/// Training cost of a cohort against the rest: the difference of means with its Welch
/// interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostTest {
    /// Hires with a cost in the cohort and in the rest.
    pub n: u64,
    /// In the rest.
    pub rest_n: u64,
    /// mean(cohort) − mean(rest).
    pub difference: f64,
    /// The 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Holm-adjusted, as for the survival tests.
    pub p_holm: Option<f64>,
    /// The difference as a percentage of the rest's mean.
    pub percent: Option<f64>,
}

/// Whether a cohort was compared with the rest of its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tested {
    /// Both sides have at least [`MIN_TESTED`] hires.
    Tested,
    /// The cohort or the rest has fewer: figures, no test.
    TooFew,
}

/// A cohort against the role's other hires (differences are the cohort minus the rest).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Whether tests were run.
    pub status: Tested,
    /// The rest's hires.
    pub rest: u64,
    /// Log-rank for time to productivity (`None`: too few, or undefined, e.g. no events).
    pub productivity: Option<SurvivalTest>,
    /// Log-rank for retention.
    pub retention: Option<SurvivalTest>,
    /// Training cost.
    pub training_cost: Option<CostTest>,
}

/// The figures of one cohort.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Hires.
    pub n: u64,
    /// Days from `hired` to `productive` (censored at `left` or the as-of date).
    pub productivity: Survival,
    /// Days from `hired` to `left` (censored at the as-of date).
    pub retention: Survival,
    /// First-year training.
    pub training: Training,
    /// Internal moves.
    pub mobility: Mobility,
    /// Share of `advance` decisions hired.
    pub placement: Placement,
    /// Onboarding hours saved.
    pub onboarding: Onboarding,
}

/// At-risk count on day `t`: subjects observed at least that long.
fn at_risk(table: &SurvivalTable, t: u32) -> u64 {
    (table.days.range(t..))
        .map(|(_, x)| x.events + x.censored)
        .sum()
}

fn survival(table: &SurvivalTable, days: &[u32], productive: bool) -> Survival {
    let n = (table.days.values())
        .map(|t| t.events + t.censored)
        .sum::<u64>();
    let events = table.days.values().map(|t| t.events).sum::<u64>();
    if n == 0 {
        return Survival {
            n,
            events,
            censored: 0,
            median_days: None,
            at: Vec::new(),
            curve: Vec::new(),
        };
    }
    let km = KaplanMeier::fit(table);
    // Beyond the longest follow-up, when that hire was censored, S(t) is not defined (the curve
    // stops above 0): such a day is left out rather than shown as the curve's last value.
    let at = (days.iter())
        .filter(|&&t| at_risk(table, t) > 0 || km.survival_function_at(t) == 0.0)
        .map(|&t| {
            let s = km.survival_function_at(t);
            let ci = km.confidence_interval_at(t, LEVEL);
            let (value, low, high) = if productive {
                (1.0 - s, ci.map(|c| 1.0 - c.1), ci.map(|c| 1.0 - c.0))
            } else {
                (s, ci.map(|c| c.0), ci.map(|c| c.1))
            };
            AtDay {
                day: t,
                at_risk: at_risk(table, t),
                value,
                low,
                high,
            }
        })
        .collect();
    Survival {
        n,
        events,
        censored: n - events,
        median_days: km.median_survival_time(),
        at,
        curve: km.steps,
    }
}

/// Mean (summed in value order, so the same for any merge order) and median.
fn spread(v: &Values) -> Spread {
    let n = v.n();
    if n == 0 {
        return Spread {
            n,
            mean: None,
            median: None,
        };
    }
    let sum: f64 = v.iter().map(|(x, k)| x * k as f64).sum();
    // Values near f64::MAX overflow the sum; each value's share of the mean does not.
    let mean = if sum.is_finite() {
        sum / n as f64
    } else {
        v.iter().map(|(x, k)| x * (k as f64 / n as f64)).sum()
    };
    let nth = |i: u64| -> f64 {
        let mut seen = 0;
        for (x, k) in v.iter() {
            seen += k;
            if i < seen {
                return x;
            }
        }
        0.0
    };
    let median = if n % 2 == 1 {
        nth(n / 2)
    } else {
        // Halved before adding (exact in binary), so two values near f64::MAX do not overflow.
        nth(n / 2 - 1) / 2.0 + nth(n / 2) / 2.0
    };
    Spread {
        n,
        mean: Some(mean),
        median: Some(median),
    }
}

/// Moments of a multiset, pushed in value order.
fn moments(v: &Values) -> Moments {
    let mut m = Moments::default();
    for (x, k) in v.iter() {
        for _ in 0..k {
            m.push(x);
        }
    }
    m
}

pub(crate) fn figures(t: &Tally) -> Figures {
    let saved: f64 = t.hours_saved.iter().map(|(x, k)| x * k as f64).sum();
    Figures {
        n: t.n,
        productivity: survival(&t.productivity, &PRODUCTIVITY_DAYS, true),
        retention: survival(&t.retention, &RETENTION_DAYS, false),
        training: Training {
            hours: spread(&t.hours),
            cost: spread(&t.cost),
        },
        mobility: Mobility {
            n: t.n,
            person_years: t.person_days as f64 / DAYS_PER_YEAR,
            moves: t.moves,
            per_100_person_years: (t.person_days > 0)
                .then(|| t.moves as f64 * 100.0 * DAYS_PER_YEAR / t.person_days as f64),
            movers: t.movers,
        },
        placement: Placement {
            advance: t.advance,
            hired: t.advance_hired,
            share: (t.advance > 0).then(|| t.advance_hired as f64 / t.advance as f64),
        },
        onboarding: Onboarding {
            n: t.n,
            hours_saved: saved,
            mean: (t.n > 0).then(|| saved / t.n as f64),
        },
    }
}

/// A cohort against the rest of its role (`all` holds both).
pub(crate) fn compare(cohort: &Tally, all: &Tally) -> Comparison {
    let rest = all.n.saturating_sub(cohort.n);
    if cohort.n < MIN_TESTED || rest < MIN_TESTED {
        return Comparison {
            status: Tested::TooFew,
            rest,
            productivity: None,
            retention: None,
            training_cost: None,
        };
    }
    let logrank = |mine: &SurvivalTable, every: &SurvivalTable| {
        let others = table_minus(every, mine);
        stats::logrank_test(mine, &others).map(|l| SurvivalTest {
            chi_square: l.chi_square,
            p: l.p_value,
            p_holm: None,
            observed: l.observed,
            expected: l.expected,
        })
    };
    let others_cost = all.cost.minus(&cohort.cost);
    let (a, b) = (moments(&cohort.cost), moments(&others_cost));
    let training_cost = stats::welch(&a, &b, LEVEL).map(|w| CostTest {
        n: a.n,
        rest_n: b.n,
        difference: w.difference,
        low: w.low,
        high: w.high,
        df: w.df,
        p: w.p_value,
        p_holm: None,
        percent: w.percent,
    });
    Comparison {
        status: Tested::Tested,
        rest,
        productivity: logrank(&cohort.productivity, &all.productivity),
        retention: logrank(&cohort.retention, &all.retention),
        training_cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median_of_values_near_the_largest_float_stay_finite() {
        let mut v = Values::default();
        for x in [1e308, 1e308, 1e308, 1000.0] {
            v.push(x);
        }
        let s = spread(&v);
        assert_eq!(s.n, 4);
        let mean = s.mean.unwrap_or(f64::NAN);
        assert!((mean - 7.5e307).abs() <= 1e293, "mean {mean}");
        assert_eq!(s.median, Some(1e308));
    }

    #[test]
    fn mean_of_ordinary_values_is_their_sum_over_n() {
        let mut v = Values::default();
        for x in [1.0, 2.0, 4.0, 4.0] {
            v.push(x);
        }
        let s = spread(&v);
        assert_eq!(s.mean, Some(2.75));
        assert_eq!(s.median, Some(3.0));
    }
}
