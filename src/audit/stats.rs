//! The statistics of an adverse-impact audit (SPEC §9): selection and impact ratios, the
//! two-proportion Z test, the two-sided Fisher exact test and the median. Pure functions over
//! counts, with no dependencies, so they can be checked against published worked examples.

/// `s / n`, or `None` for an empty group.
pub fn rate(s: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| s as f64 / n as f64)
}

/// Impact ratio `SR_g / SR_max` from counts: `(s_g · n_max) / (n_g · s_max)`, one correctly
/// rounded division so that e.g. 40% against 50% is exactly `0.8`. `None` when either group is
/// empty or the highest rate is zero (nobody selected: no ratio is meaningful).
pub fn impact_ratio(s_g: u64, n_g: u64, s_max: u64, n_max: u64) -> Option<f64> {
    if n_g == 0 || n_max == 0 || s_max == 0 {
        return None;
    }
    Some((s_g as f64 * n_max as f64) / (n_g as f64 * s_max as f64))
}

/// Two-proportion Z statistic of group 1 against group 2 with the pooled proportion:
/// `p = (s1+s2)/(n1+n2)`, `Z = (SR1-SR2) / sqrt(p(1-p)(1/n1+1/n2))`. Negative when group 1 is
/// selected less often. `None` when a group is empty or the pooled variance is zero (everyone,
/// or no one, selected in both groups).
pub fn two_proportion_z(s1: u64, n1: u64, s2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let p = (s1 + s2) as f64 / (n1f + n2f);
    let var = p * (1.0 - p) * (1.0 / n1f + 1.0 / n2f);
    if var <= 0.0 {
        return None;
    }
    Some((s1 as f64 / n1f - s2 as f64 / n2f) / var.sqrt())
}

/// Lanczos coefficients (g = 7, n = 9), as published with the approximation in Numerical
/// Recipes and on Wikipedia's "Lanczos approximation" page; relative error about 1e-15.
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// `ln Γ(x)` for `x > 0` (Lanczos approximation; reflection below 0.5).
pub fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Γ(x)Γ(1-x) = π / sin(πx); sin(πx) > 0 for 0 < x < 0.5.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// `ln C(n, k)` for `k <= n`.
pub fn ln_choose(n: u64, k: u64) -> f64 {
    if k == 0 || k == n {
        return 0.0;
    }
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// Relative tolerance when deciding that a table is "as or more extreme" than the observed one:
/// tables of equal probability must count although rounding separates them (R's
/// `fisher.test` and scipy's `fisher_exact` use the same `1 + 1e-7`).
const TIES: f64 = 1e-7;

/// Two-sided Fisher exact p-value of the 2x2 table `[[a, b], [c, d]]`: the probability, under
/// the hypergeometric distribution with the table's margins, of every table no more probable
/// than the observed one. Each table's probability is computed in log space with
/// [`ln_gamma`], so it is exact (to rounding) for small counts and neither overflows nor
/// underflows to nonsense for large ones. A table with an empty row or column gives `1`.
pub fn fisher_exact(table: [[u64; 2]; 2]) -> f64 {
    let [[a, b], [c, d]] = table;
    let row1 = a + b;
    let col1 = a + c;
    let total = a + b + c + d;
    if row1 == 0 || row1 == total || col1 == 0 || col1 == total {
        return 1.0;
    }
    let ln_denominator = ln_choose(total, row1);
    let ln_p = |x: u64| ln_choose(col1, x) + ln_choose(total - col1, row1 - x) - ln_denominator;
    let observed = ln_p(a);
    let cutoff = observed + TIES.ln_1p();
    let lo = row1.saturating_sub(total - col1);
    let hi = row1.min(col1);
    let mut sum = 0.0;
    for x in lo..=hi {
        let lp = ln_p(x);
        if lp <= cutoff {
            sum += lp.exp();
        }
    }
    sum.clamp(0.0, 1.0)
}

/// The median of some values (the mean of the two middle ones for an even count); `None` when
/// there are none. NaN values sort last and are not expected.
pub fn median(values: &[f64]) -> Option<f64> {
    weighted_median(values.iter().map(|&v| (v, 1)).collect())
}

/// The median of values given with how often each occurs: the [`median`] of the list with
/// every value repeated its count of times, without making that list.
pub fn weighted_median(mut values: Vec<(f64, u64)>) -> Option<f64> {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n: u64 = values.iter().map(|v| v.1).sum();
    if n == 0 {
        return None;
    }
    // The values at 0-based positions k in the sorted, repeated list.
    let at = |k: u64| {
        let mut seen = 0;
        (values.iter())
            .find(|(_, c)| {
                seen += c;
                seen > k
            })
            .map(|v| v.0)
    };
    let (lo, hi) = (at((n - 1) / 2)?, at(n / 2)?);
    Some(if n % 2 == 1 { lo } else { (lo + hi) / 2.0 })
}
