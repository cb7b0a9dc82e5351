//! Statistics of `credo measure` (SPEC §11): Kaplan–Meier survival with log-log Greenwood
//! intervals, the log-rank test, Welch intervals for a difference of means, and Holm's
//! step-down adjustment. Every input is a tally that merges (so parts of a batch are measured
//! on several threads and combined), and every function is pure.
//!
//! Names follow lifelines and R's `survival` (`survival_function_at`,
//! `median_survival_time`, `logrank_test`).
//!
//! Conventions, where the references differ: S(t) is carried forward past the last
//! observation (as lifelines does), but its interval is `None` once nobody is at risk (as R's
//! `summary.survfit` gives no row there); the median is the smallest t with S(t) ≤ 0.5, also
//! when S stays exactly at 0.5 for a while (lifelines; R would report the midpoint of that
//! plateau). Statistics come from `statrs`, guarded so that no input reaches one of its panics.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};
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
        let tally = self.days.entry(days).or_default();
        if event {
            tally.events = tally.events.saturating_add(1);
        } else {
            tally.censored = tally.censored.saturating_add(1);
        }
    }
    /// Adds another table's subjects.
    pub fn merge(&mut self, other: &SurvivalTable) {
        for (&day, theirs) in &other.days {
            let ours = self.days.entry(day).or_default();
            ours.events = ours.events.saturating_add(theirs.events);
            ours.censored = ours.censored.saturating_add(theirs.censored);
        }
    }
    /// Subjects.
    pub fn n(&self) -> u64 {
        self.events().saturating_add(self.censored())
    }
    /// Events.
    pub fn events(&self) -> u64 {
        self.days
            .values()
            .fold(0, |sum, t| sum.saturating_add(t.events))
    }
    /// Censored subjects.
    pub fn censored(&self) -> u64 {
        self.days
            .values()
            .fold(0, |sum, t| sum.saturating_add(t.censored))
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
        let n = table.n();
        let mut at_risk = n;
        let mut survival = 1.0_f64;
        let mut greenwood = 0.0_f64;
        let mut steps = Vec::with_capacity(table.days.len());
        for (&time, tally) in &table.days {
            if tally.events == 0 && tally.censored == 0 {
                continue;
            }
            let d = tally.events;
            if d > 0 {
                // at_risk ≥ d: every subject counted on this day is still at risk before it.
                let (nf, df) = (at_risk as f64, d as f64);
                survival *= 1.0 - df / nf;
                greenwood += if at_risk > d {
                    df / (nf * (nf - df))
                } else {
                    f64::INFINITY
                };
            }
            steps.push(Step {
                time,
                at_risk,
                events: d,
                censored: tally.censored,
                survival,
                greenwood,
            });
            at_risk = at_risk.saturating_sub(d.saturating_add(tally.censored));
        }
        KaplanMeier {
            steps,
            n,
            events: table.events(),
            censored: table.censored(),
        }
    }

    /// The last step on or before day `t`, if any.
    fn step_at(&self, t: u32) -> Option<&Step> {
        let after = self.steps.partition_point(|s| s.time <= t);
        after.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// Subjects at risk at day `t`: those whose event or censoring is on day `t` or later.
    pub fn at_risk_at(&self, t: u32) -> u64 {
        let from = self.steps.partition_point(|s| s.time < t);
        self.steps.get(from).map_or(0, |s| s.at_risk)
    }

    /// S(t): the share still without the event after day `t` (1 before the first event).
    pub fn survival_function_at(&self, t: u32) -> f64 {
        self.step_at(t).map_or(1.0, |s| s.survival)
    }
    /// The interval for S(t) at `level` (0.95) by the log-log transform of Greenwood's variance
    /// (as lifelines and SAS compute it); `None` where it is undefined (S(t) is 0 or 1, or
    /// nobody is at risk).
    ///
    /// "Nobody is at risk" means every subject's event or censoring came before day `t`.
    pub fn confidence_interval_at(&self, t: u32, level: f64) -> Option<(f64, f64)> {
        let step = self.step_at(t)?;
        let s = step.survival;
        let defined = s > 0.0 && s < 1.0 && step.greenwood.is_finite();
        if !defined || self.at_risk_at(t) == 0 {
            return None;
        }
        let z = normal_quantile(level)?;
        let log_s = s.ln();
        let se = step.greenwood.sqrt() / log_s.abs();
        let centre = (-log_s).ln();
        let low = (-(centre + z * se).exp()).exp();
        let high = (-(centre - z * se).exp()).exp();
        Some((low, high))
    }
    /// The smallest t with S(t) ≤ 0.5; `None` when S never falls to 0.5.
    pub fn median_survival_time(&self) -> Option<u32> {
        self.steps
            .iter()
            .find(|s| s.survival <= 0.5)
            .map(|s| s.time)
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
    if a.n() == 0 || b.n() == 0 {
        return None;
    }
    let (mut risk_a, mut risk_b) = (a.n(), b.n());
    let (mut observed, mut expected, mut variance) = (0_u64, 0.0_f64, 0.0_f64);
    let none = Tally::default();
    let days: std::collections::BTreeSet<u32> =
        a.days.keys().chain(b.days.keys()).copied().collect();
    for day in days {
        let ta = a.days.get(&day).unwrap_or(&none);
        let tb = b.days.get(&day).unwrap_or(&none);
        let d = ta.events.saturating_add(tb.events);
        let n = risk_a.saturating_add(risk_b);
        if d > 0 && n > 0 {
            let (nf, df, na) = (n as f64, d as f64, risk_a as f64);
            observed = observed.saturating_add(ta.events);
            expected += df * na / nf;
            if n > 1 {
                variance += df * (na / nf) * (1.0 - na / nf) * (nf - df) / (nf - 1.0);
            }
        }
        risk_a = risk_a.saturating_sub(ta.events.saturating_add(ta.censored));
        risk_b = risk_b.saturating_sub(tb.events.saturating_add(tb.censored));
    }
    if !(variance > 0.0 && variance.is_finite()) {
        return None;
    }
    let chi_square = (observed as f64 - expected).powi(2) / variance;
    if !chi_square.is_finite() {
        return None;
    }
    let p_value = ChiSquared::new(1.0).ok()?.sf(chi_square);
    Some(LogRank {
        chi_square,
        p_value,
        observed,
        expected,
    })
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
    /// Adds a value (Welford's update). Values are expected finite: a NaN or infinity makes the
    /// mean and `m2` non-finite, which callers validate before pushing.
    pub fn push(&mut self, x: f64) {
        self.n = self.n.saturating_add(1);
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }
    /// Adds another sample's values.
    pub fn merge(&mut self, other: &Moments) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n.saturating_add(other.n);
        let (na, nb, nf) = (self.n as f64, other.n as f64, n as f64);
        let delta = other.mean - self.mean;
        self.mean += delta * nb / nf;
        self.m2 += other.m2 + delta * delta * na * nb / nf;
        self.n = n;
    }
    /// The sample variance (n − 1 denominator); `None` below 2 values.
    pub fn variance(&self) -> Option<f64> {
        (self.n >= 2).then(|| self.m2 / (self.n - 1) as f64)
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
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let va = a.variance()? / a.n as f64;
    let vb = b.variance()? / b.n as f64;
    let se2 = va + vb;
    if !(se2 > 0.0 && se2.is_finite()) {
        return None;
    }
    let df = se2 * se2 / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let difference = a.mean - b.mean;
    let se = se2.sqrt();
    let t = difference / se;
    if !(df.is_finite() && df > 0.0 && t.is_finite()) {
        return None;
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let q = dist.inverse_cdf(1.0 - (1.0 - level) / 2.0);
    let p_value = (2.0 * dist.sf(t.abs())).min(1.0);
    let percent = (b.mean != 0.0).then(|| difference / b.mean * 100.0);
    Some(Welch {
        difference,
        low: difference - q * se,
        high: difference + q * se,
        df,
        t,
        p_value,
        percent,
    })
}

/// Holm's step-down adjustment of a family of p-values, in the input order (`None` stays
/// `None` and is not counted in the family).
///
/// The adjusted value of the i-th smallest of m p-values is max over j ≤ i of (m − j + 1)·p₍ⱼ₎,
/// capped at 1 (as R's `p.adjust(method = "holm")`). A NaN counts in the family and stays NaN.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    // Ascending, NaN last; stable, so ties keep input order.
    order.sort_by(|x, y| {
        x.1.partial_cmp(&y.1)
            .unwrap_or_else(|| x.1.is_nan().cmp(&y.1.is_nan()))
    });
    let m = order.len();
    let mut out = vec![None; p.len()];
    let mut running = 0.0_f64;
    for (rank, &(i, v)) in order.iter().enumerate() {
        let adjusted = if v.is_nan() {
            f64::NAN
        } else {
            running = running.max(((m - rank) as f64 * v).min(1.0));
            running
        };
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(adjusted);
        }
    }
    out
}

/// The two-sided standard normal quantile for `level` (1.96 at 0.95); `None` outside (0, 1).
fn normal_quantile(level: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    Some(
        Normal::new(0.0, 1.0)
            .ok()?
            .inverse_cdf(1.0 - (1.0 - level) / 2.0),
    )
}
