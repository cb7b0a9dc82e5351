//! Statistics of `credo measure` (SPEC §11): Kaplan–Meier survival with log-log Greenwood
//! intervals, the log-rank test, Welch intervals for a difference of means, and Holm's
//! step-down adjustment. Every input is a tally that merges (so parts of a batch are measured
//! on several threads and combined), and every function is pure.
//!
//! Names follow lifelines and R's `survival` (`survival_function_at`,
//! `median_survival_time`, `logrank_test`).
//!
//! API CONTRACT (skeleton: bodies are filled in by the statistics work; callers code against
//! these signatures).

use serde::Serialize;
use std::collections::BTreeMap;

/// Events and censorings on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Subjects whose event happened that day.
    pub events: u64,
    /// Subjects censored that day (observed until then, event not seen).
    pub censored: u64,
}

/// Survival data as counts per day (time in whole days from the origin): what Kaplan–Meier and
/// the log-rank test need, and it merges by adding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SurvivalTable {
    /// Day → what happened that day.
    pub days: BTreeMap<u32, Tally>,
}

impl SurvivalTable {
    /// Adds one subject observed for `days`, with the event (`true`) or censored (`false`).
    pub fn add(&mut self, days: u32, event: bool) {
        let _ = (days, event);
        todo!()
    }
    /// Adds another table's subjects.
    pub fn merge(&mut self, other: &SurvivalTable) {
        let _ = other;
        todo!()
    }
    /// Subjects.
    pub fn n(&self) -> u64 {
        todo!()
    }
    /// Events.
    pub fn events(&self) -> u64 {
        todo!()
    }
    /// Censored subjects.
    pub fn censored(&self) -> u64 {
        todo!()
    }
}

/// One step of a Kaplan–Meier curve: a day on which something happened.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The day.
    pub time: u32,
    /// Subjects at risk just before the day.
    pub at_risk: u64,
    /// Events that day.
    pub events: u64,
    /// Censored that day (after the events: events come first on a tie).
    pub censored: u64,
    /// S(t) just after the day.
    pub survival: f64,
    /// Greenwood's sum Σ d/(n(n−d)) up to and including the day (∞ once S reaches 0).
    pub greenwood: f64,
}

/// A fitted Kaplan–Meier estimate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KaplanMeier {
    /// Every day with an event or a censoring, in order.
    pub steps: Vec<Step>,
    /// Subjects.
    pub n: u64,
    /// Events.
    pub events: u64,
    /// Censored.
    pub censored: u64,
}

impl KaplanMeier {
    /// Fits the product-limit estimate to a table.
    pub fn fit(table: &SurvivalTable) -> KaplanMeier {
        let _ = table;
        todo!()
    }
    /// S(t): the share still without the event after day `t` (1 before the first event).
    pub fn survival_function_at(&self, t: u32) -> f64 {
        let _ = t;
        todo!()
    }
    /// The interval for S(t) at `level` (0.95) by the log-log transform of Greenwood's variance
    /// (as lifelines and SAS compute it); `None` where it is undefined (S(t) is 0 or 1, or
    /// nobody is at risk).
    pub fn confidence_interval_at(&self, t: u32, level: f64) -> Option<(f64, f64)> {
        let _ = (t, level);
        todo!()
    }
    /// The smallest t with S(t) ≤ 0.5; `None` when S never falls to 0.5.
    pub fn median_survival_time(&self) -> Option<u32> {
        todo!()
    }
}

/// The log-rank test of two groups.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LogRank {
    /// The test statistic, chi-square with 1 degree of freedom.
    pub chi_square: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Observed events in the first group.
    pub observed: u64,
    /// Expected events in the first group under the null hypothesis.
    pub expected: f64,
}

/// The log-rank test of `a` against `b`; `None` when it is undefined (no events, or a group
/// empty, or zero variance).
pub fn logrank_test(a: &SurvivalTable, b: &SurvivalTable) -> Option<LogRank> {
    let _ = (a, b);
    todo!()
}

/// Count, mean and sum of squared deviations of a sample, merged exactly (Chan et al.).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Moments {
    /// Values.
    pub n: u64,
    /// Their mean (0 when none).
    pub mean: f64,
    /// Σ (x − mean)².
    pub m2: f64,
}

impl Moments {
    /// Adds a value.
    pub fn push(&mut self, x: f64) {
        let _ = x;
        todo!()
    }
    /// Adds another sample's values.
    pub fn merge(&mut self, other: &Moments) {
        let _ = other;
        todo!()
    }
    /// The sample variance (n − 1 denominator); `None` below 2 values.
    pub fn variance(&self) -> Option<f64> {
        todo!()
    }
}

/// A difference of means `a − b` with its Welch interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Welch {
    /// mean(a) − mean(b).
    pub difference: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// The t statistic.
    pub t: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// The difference as a percentage of mean(b) (`None` when mean(b) is 0).
    pub percent: Option<f64>,
}

/// The Welch interval at `level` (0.95) for mean(a) − mean(b); `None` when either sample has
/// fewer than 2 values or both variances are 0.
pub fn welch(a: &Moments, b: &Moments, level: f64) -> Option<Welch> {
    let _ = (a, b, level);
    todo!()
}

/// Holm's step-down adjustment of a family of p-values, in the input order (`None` stays
/// `None` and is not counted in the family).
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let _ = p;
    todo!()
}
