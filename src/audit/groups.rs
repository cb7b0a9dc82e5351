//! One table of an audit: the categories of one protected attribute (or of an intersection)
//! within one role, with selection rates, impact ratios, tests, shortfall and scoring rates.

use super::{known, stats, Row, Settings, MIN_SHARE_DENOMINATOR, UNKNOWN};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How a category takes part in the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The highest selection rate among compared categories: the denominator of every ratio.
    Reference,
    /// Compared with the reference (and flagged when its ratio is below the threshold).
    Compared,
    /// Below 2% of the role's records: listed with its count and rate, never compared.
    Excluded,
    /// Records without a value: counted and listed, never compared.
    Unknown,
}

/// The scoring rate (NYC LL144): the share of a category whose `coverage` is above the role's
/// median coverage, and its ratio to the highest compared category's share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scoring {
    /// Decisions with coverage strictly above the median.
    pub above_median: u64,
    /// `above_median / n`.
    #[serde(serialize_with = "sig_opt")]
    pub rate: Option<f64>,
    /// Ratio to the highest compared category's scoring rate (compared categories only; none
    /// when no compared category scores above the median).
    #[serde(serialize_with = "sig_opt")]
    pub ratio: Option<f64>,
}

/// One category's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Category {
    /// The value (`female`; `female / hispanic_or_latino` for an intersection; `unknown`).
    pub category: String,
    /// Its part in the comparison.
    pub status: Status,
    /// `n_g`: the category's decisions for the role.
    pub n: u64,
    /// `s_g`: those with a selected outcome.
    pub selected: u64,
    /// `n_g / N`, the category's share of the role's decisions.
    #[serde(serialize_with = "sig")]
    pub share: f64,
    /// `SR_g = s_g / n_g`.
    #[serde(serialize_with = "sig_opt")]
    pub rate: Option<f64>,
    /// `IR_g = SR_g / SR_reference` (reference and compared categories).
    #[serde(serialize_with = "sig_opt")]
    pub impact_ratio: Option<f64>,
    /// `IR_g` is below the threshold.
    pub flagged: bool,
    /// A flag on too little data to mean anything (see [`insufficient`]): still flagged, but
    /// shown as "insufficient data" rather than as an alarm.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insufficient_data: bool,
    /// Two-proportion Z of this category against the reference (compared categories).
    #[serde(serialize_with = "sig_opt")]
    pub z: Option<f64>,
    /// Two-sided Fisher exact p-value of the same 2x2 table.
    #[serde(serialize_with = "sig_opt")]
    pub fisher_p: Option<f64>,
    /// `n_g · SR_all − s_g`: selections short of the role's overall rate (negative = above it).
    #[serde(serialize_with = "sig_opt")]
    pub shortfall: Option<f64>,
    /// Scoring rate on `coverage`.
    pub scoring: Scoring,
}

/// The categories of one attribute (or intersection) within one role.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grouping {
    /// The attribute, or the two attributes of an intersection.
    pub attributes: Vec<String>,
    /// The reference category, when some category could be compared.
    pub reference: Option<String>,
    /// Categories by name, `unknown` last.
    pub categories: Vec<Category>,
    /// Flagged categories, by name.
    pub flagged: Vec<String>,
}

/// Below this many expected selections a flag is "insufficient data".
pub const MIN_EXPECTED_SELECTIONS: f64 = 5.0;
/// At or above this two-sided Fisher p a flag is "insufficient data".
pub const MAX_FISHER_P: f64 = 0.05;

/// Whether a flagged category's ratio rests on too little data to mean anything: the
/// selections it would have at the reference rate (`n_g · s_ref / n_ref`) are fewer than
/// [`MIN_EXPECTED_SELECTIONS`], or the difference from the reference is not significant
/// (two-sided Fisher p ≥ [`MAX_FISHER_P`]). The four-fifths flag is kept either way.
pub fn insufficient(n: u64, s_ref: u64, n_ref: u64, fisher_p: Option<f64>) -> bool {
    let expected = if n_ref == 0 {
        0.0
    } else {
        n as f64 * s_ref as f64 / n_ref as f64
    };
    expected < MIN_EXPECTED_SELECTIONS || fisher_p.is_none_or(|p| p >= MAX_FISHER_P)
}

/// What every table of a role shares.
pub(super) struct Context<'a> {
    pub(super) rows: &'a [Row],
    /// The role's decisions (the rows' counts summed).
    pub(super) total: u64,
    pub(super) settings: &'a Settings,
    pub(super) rate_all: f64,
    pub(super) median: f64,
}

#[derive(Default)]
struct Tally {
    n: u64,
    selected: u64,
    above: u64,
}

impl Context<'_> {
    /// The table for one attribute, or for the intersection of several.
    pub(super) fn grouping(&self, attributes: &[String]) -> Grouping {
        let total = self.total;
        // Keyed by the values themselves (one per attribute), never by their joined text:
        // sex `a / b` with race `c` and sex `a` with race `b / c` are two groups.
        let mut tallies: BTreeMap<Vec<&str>, Tally> = BTreeMap::new();
        let mut unknown = Tally::default();
        for row in self.rows {
            let values: Option<Vec<&str>> = attributes
                .iter()
                .map(|a| {
                    row.protected
                        .get(a)
                        .map(String::as_str)
                        .filter(|v| known(v))
                })
                .collect();
            let t = match values {
                Some(v) => tallies.entry(v).or_default(),
                None => &mut unknown,
            };
            t.n += row.count;
            if self.settings.selected.contains(&row.outcome) {
                t.selected += row.count;
            }
            if row.coverage > self.median {
                t.above += row.count;
            }
        }

        let compared = |t: &Tally| t.n * MIN_SHARE_DENOMINATOR >= total;
        // The reference: highest rate, then the larger group, then the first name.
        let reference = tallies
            .iter()
            .filter(|(_, t)| compared(t))
            .max_by(|(na, a), (nb, b)| {
                cmp_rate(a.selected, a.n, b.selected, b.n)
                    .then(a.n.cmp(&b.n))
                    .then(nb.cmp(na))
            })
            .map(|(key, t)| (key.clone(), t.selected, t.n));
        let best_scoring = tallies
            .values()
            .filter(|t| compared(t))
            .max_by(|a, b| cmp_rate(a.above, a.n, b.above, b.n))
            .map(|t| (t.above, t.n));

        let mut categories = Vec::new();
        for (key, t) in &tallies {
            let status = match &reference {
                Some((r, ..)) if r == key => Status::Reference,
                _ if compared(t) => Status::Compared,
                _ => Status::Excluded,
            };
            let mut c = self.category(display(key), status, t, total);
            if matches!(status, Status::Reference | Status::Compared) {
                if let Some((_, s_ref, n_ref)) = reference {
                    c.impact_ratio = stats::impact_ratio(t.selected, t.n, s_ref, n_ref);
                    c.flagged = c
                        .impact_ratio
                        .is_some_and(|ir| ir < self.settings.threshold);
                    if status == Status::Compared {
                        c.z = stats::two_proportion_z(t.selected, t.n, s_ref, n_ref);
                        c.fisher_p = Some(stats::fisher_exact([
                            [t.selected, t.n - t.selected],
                            [s_ref, n_ref - s_ref],
                        ]));
                    }
                    c.insufficient_data = c.flagged && insufficient(t.n, s_ref, n_ref, c.fisher_p);
                }
                if let Some((a_best, n_best)) = best_scoring {
                    c.scoring.ratio = stats::impact_ratio(t.above, t.n, a_best, n_best);
                }
            }
            categories.push(c);
        }
        if unknown.n > 0 {
            let mut c = self.category(UNKNOWN.into(), Status::Unknown, &unknown, total);
            c.shortfall = None;
            categories.push(c);
        }
        Grouping {
            attributes: attributes.to_vec(),
            reference: reference.map(|(key, ..)| display(&key)),
            flagged: categories
                .iter()
                .filter(|c| c.flagged)
                .map(|c| c.category.clone())
                .collect(),
            categories,
        }
    }

    /// A row with its counts and rates; comparisons are filled in by the caller.
    fn category(&self, category: String, status: Status, t: &Tally, total: u64) -> Category {
        Category {
            category,
            status,
            n: t.n,
            selected: t.selected,
            share: t.n as f64 / total.max(1) as f64,
            rate: stats::rate(t.selected, t.n),
            impact_ratio: None,
            flagged: false,
            insufficient_data: false,
            z: None,
            fisher_p: None,
            shortfall: Some(t.n as f64 * self.rate_all - t.selected as f64),
            scoring: Scoring {
                above_median: t.above,
                rate: stats::rate(t.above, t.n),
                ratio: None,
            },
        }
    }
}

/// A category's name: its value, or for an intersection the values joined with ` / ` (a value
/// that holds a `/` itself is quoted, so that two groups never read alike).
fn display(values: &[&str]) -> String {
    if let [one] = values {
        return (*one).to_owned();
    }
    let part = |v: &&str| {
        if v.contains('/') || v.starts_with('"') {
            format!("{v:?}")
        } else {
            (*v).to_owned()
        }
    };
    values.iter().map(part).collect::<Vec<_>>().join(" / ")
}

/// Compares `s1/n1` with `s2/n2` exactly (cross-multiplied); empty groups rank lowest.
fn cmp_rate(s1: u64, n1: u64, s2: u64, n2: u64) -> Ordering {
    match (n1, n2) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Less,
        (_, 0) => Ordering::Greater,
        _ => (u128::from(s1) * u128::from(n2)).cmp(&(u128::from(s2) * u128::from(n1))),
    }
}

/// A float rounded to 6 significant digits, so JSON does not carry rounding noise.
pub(crate) fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 { 0.0 } else { x };
    }
    format!("{x:.5e}").parse().unwrap_or(x)
}

pub(crate) fn sig<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_sig(*v))
}

pub(crate) fn sig_opt<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_f64(round_sig(*x)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod insufficient_tests {
    use super::insufficient;

    #[test]
    fn too_few_expected_selections_or_no_significance_is_insufficient() {
        // 10 in the category, reference 5 of 10 selected: 5 expected, p small → an alarm.
        assert!(!insufficient(10, 5, 10, Some(0.01)));
        // 9 in the category: 4.5 expected selections.
        assert!(insufficient(9, 5, 10, Some(0.01)));
        // Enough data, but no significant difference.
        assert!(insufficient(100, 50, 100, Some(0.05)));
        assert!(!insufficient(100, 50, 100, Some(0.0499)));
        // No test (the reference itself) and an empty reference.
        assert!(insufficient(100, 50, 100, None));
        assert!(insufficient(100, 0, 0, Some(0.0)));
    }
}
