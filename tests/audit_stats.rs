//! The audit's statistics against hand-computed values and published worked examples, and the
//! edge cases of the per-category tables (no selections, everyone selected, one category, an
//! empty role, the 2% exclusion, `unknown`, the threshold boundary).

use credo::audit::stats::{fisher_exact, impact_ratio, ln_gamma, median, rate, two_proportion_z};
use credo::audit::{Auditor, Grouping, Report, Status};

fn close(actual: f64, expected: f64, rel: f64) {
    let err = (actual - expected).abs() / expected.abs().max(1e-300);
    assert!(
        err <= rel,
        "{actual} differs from {expected} by a relative {err:e} (allowed {rel:e})"
    );
}

/// The worked example the issue cites from the NYC DCWP rules for Local Law 144: 92 male
/// applicants selected at 54.3% and 76 female applicants at 44.7% give women an impact ratio of
/// 0.82. 50/92 = 54.35% and 34/76 = 44.74% are the counts behind those rates.
#[test]
fn dcwp_worked_example_gives_impact_ratio_0_82() {
    assert_eq!(format!("{:.1}", rate(50, 92).unwrap() * 100.0), "54.3");
    assert_eq!(format!("{:.1}", rate(34, 76).unwrap() * 100.0), "44.7");
    let ir = impact_ratio(34, 76, 50, 92).unwrap();
    assert_eq!(format!("{ir:.2}"), "0.82");
    // Exactly (34/76) / (50/92) = 0.82315789…
    close(ir, 0.823_157_894_736_842_2, 1e-15);
    // Through the whole audit: female is compared with male, not flagged at 0.8.
    let records: Vec<(&str, bool)> = std::iter::repeat_n(("male", true), 50)
        .chain(std::iter::repeat_n(("male", false), 42))
        .chain(std::iter::repeat_n(("female", true), 34))
        .chain(std::iter::repeat_n(("female", false), 42))
        .collect();
    let report = audit(POLICY, &records);
    let g = sex_table(&report);
    assert_eq!(g.reference.as_deref(), Some("male"));
    let female = &g.categories[0];
    assert_eq!((female.n, female.selected), (76, 34));
    assert_eq!(format!("{:.2}", female.impact_ratio.unwrap()), "0.82");
    assert!(!female.flagged);
}

/// Reference p-values were computed exactly, with integer arithmetic (Python's `math.comb` and
/// `fractions.Fraction`, summing the hypergeometric probabilities of every table no more
/// probable than the observed one — the definition R's `fisher.test` and scipy's
/// `fisher_exact` implement). They agree with the published values where there is one:
/// [[3,1],[1,3]] is Fisher's lady tasting tea (p = 34/70 = 0.4857, Fisher 1935; R's
/// `fisher.test` documentation); [[1,9],[11,3]] is Wikipedia's "Fisher's exact test" dieting
/// example (p ≈ 0.002759); [[6,2],[1,4]] is scipy's documentation example (p ≈ 0.1026).
#[test]
fn fisher_exact_matches_exact_reference_values() {
    let cases: &[([[u64; 2]; 2], f64)] = &[
        ([[3, 1], [1, 3]], 0.485_714_285_714_285_7),
        ([[1, 9], [11, 3]], 0.002_759_456_185_220_083_6),
        ([[6, 2], [1, 4]], 0.102_564_102_564_102_56),
        ([[7, 17], [15, 5]], 0.005_768_386_750_469_95),
        ([[0, 10], [10, 0]], 1.082_508_822_446_903e-5),
        ([[34, 42], [50, 42]], 0.277_863_855_432_737_6),
        ([[0, 5], [3, 7]], 0.505_494_505_494_505_5),
        ([[2, 3], [5, 1]], 0.242_424_242_424_242_43),
        ([[3, 0], [0, 3]], 0.1),
        ([[20, 80], [40, 60]], 0.003_191_816_825_928_764),
        ([[0, 10], [5, 5]], 0.032_507_739_938_080_496),
    ];
    for (table, expected) in cases {
        close(fisher_exact(*table), *expected, 1e-9);
    }
}

/// Large counts stay accurate in log space (exact references as above).
#[test]
fn fisher_exact_is_stable_for_large_counts() {
    close(
        fisher_exact([[450, 550], [500, 500]]),
        0.028_203_568_904_234_012,
        1e-8,
    );
    close(
        fisher_exact([[4800, 5200], [5000, 5000]]),
        0.004_878_795_768_906_829,
        1e-7,
    );
    close(
        fisher_exact([[5000, 5000], [4900, 5100]]),
        0.161_469_291_508_458_07,
        1e-7,
    );
    // p = 2 / C(2000, 1000) ≈ 1e-600: below the smallest double, never NaN or negative.
    let tiny = fisher_exact([[0, 1000], [1000, 0]]);
    assert!((0.0..1e-300).contains(&tiny), "{tiny}");
}

#[test]
fn fisher_exact_is_symmetric_and_degenerate_tables_give_one() {
    let t = [[7, 17], [15, 5]];
    let p = fisher_exact(t);
    close(fisher_exact([[17, 7], [5, 15]]), p, 1e-12); // columns swapped
    close(fisher_exact([[15, 5], [7, 17]]), p, 1e-12); // rows swapped
    close(fisher_exact([[7, 15], [17, 5]]), p, 1e-12); // transposed
    assert_eq!(fisher_exact([[10, 0], [10, 0]]), 1.0); // everyone selected
    assert_eq!(fisher_exact([[0, 10], [0, 10]]), 1.0); // no one selected
    assert_eq!(fisher_exact([[0, 0], [3, 4]]), 1.0); // an empty group
}

/// Reference values from Python's `math.lgamma`.
#[test]
fn ln_gamma_matches_reference_values() {
    close(ln_gamma(0.5), 0.572_364_942_924_700_4, 1e-14);
    assert!(ln_gamma(1.0).abs() < 1e-15 && ln_gamma(2.0).abs() < 1e-15);
    close(ln_gamma(3.7), 1.428_072_326_665_388_3, 1e-14);
    close(ln_gamma(10.0), 12.801_827_480_081_467, 1e-14); // ln 9!
    close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-14); // ln 99!
    close(ln_gamma(1e5), 1_051_287.708_973_656_6, 1e-14);
}

/// Z = (SR1 − SR2) / sqrt(p(1−p)(1/n1 + 1/n2)) by hand: for the DCWP counts p = 84/168 = 0.5,
/// Z = (0.447368 − 0.543478) / sqrt(0.25 · (1/76 + 1/92)) = −1.2401.
#[test]
fn two_proportion_z_matches_hand_computation() {
    close(
        two_proportion_z(34, 76, 50, 92).unwrap(),
        -1.240_063_481_064_956_2,
        1e-12,
    );
    // 0/10 vs 5/10: p = 0.25, Z = −0.5 / sqrt(0.1875 · 0.2) = −2.5820.
    close(
        two_proportion_z(0, 10, 5, 10).unwrap(),
        -2.581_988_897_471_611,
        1e-12,
    );
    assert_eq!(two_proportion_z(10, 10, 5, 5), None); // everyone selected: no variance
    assert_eq!(two_proportion_z(0, 10, 0, 5), None); // no one selected
    assert_eq!(two_proportion_z(0, 0, 1, 5), None); // an empty group
}

#[test]
fn ratios_and_medians_of_edge_cases() {
    assert_eq!(rate(0, 0), None);
    assert_eq!(impact_ratio(3, 10, 0, 10), None); // highest rate zero: no ratio
    assert_eq!(impact_ratio(0, 10, 5, 10), Some(0.0));
    assert_eq!(impact_ratio(4, 10, 5, 10), Some(0.8)); // exactly 0.8, not 0.79999…
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[0.5, 1.0, 0.0]), Some(0.5));
    assert_eq!(median(&[1.0, 0.0, 0.5, 1.0]), Some(0.75));
}

// ---------------------------------------------------------------------------------------------
// The tables, through the public audit API
// ---------------------------------------------------------------------------------------------

/// One role; a candidate is selected (advance) exactly when the record has a lab. `empty_role`
/// is evaluated by no record.
const POLICY: &str = r#"
policy "Audit test" { version "1" effective 2026-01-01 owner "HR" }
skill s "S"
provider p { name "P" tier trusted }
credential c { title "C" provider p skills [s] cost free }
role job { title "Job" require s { accept at least 1 lab } }
role empty_role { title "Nobody applies" require s }
guardrails { adverse_impact 0.8 over [sex, race_ethnicity] }
"#;

fn record(i: usize, sex: &str, race: Option<&str>, selected: bool) -> String {
    let mut protected = Vec::new();
    if !sex.is_empty() {
        protected.push(format!("\"sex\":\"{sex}\""));
    }
    if let Some(r) = race {
        protected.push(format!("\"race_ethnicity\":\"{r}\""));
    }
    let labs = if selected {
        ",\"labs\":[{\"title\":\"l\",\"skills\":[\"s\"],\"completed\":\"2026-01-01\"}]"
    } else {
        ""
    };
    format!(
        "{{\"id\":\"r{i}\",\"applied\":[\"job\"],\"protected\":{{{}}}{labs}}}",
        protected.join(",")
    )
}

fn audit_records(policy: &str, lines: &[String]) -> Report {
    let loaded = credo::compile_str("audit.credo", policy);
    let policy = loaded.policy.expect("the policy checks");
    let text = lines.join("\n");
    let mut auditor = Auditor::new(&policy, jiff::civil::date(2026, 11, 25), None);
    for entry in
        credo::record::read_records(&text, "r.jsonl", credo::record::Format::Jsonl, &policy)
    {
        auditor.add(entry);
    }
    let report = auditor.finish();
    assert_eq!(report.totals.errors, 0, "{:?}", report.record_errors);
    report
}

/// Records of (sex, selected); `""` = no sex given.
fn audit(policy: &str, records: &[(&str, bool)]) -> Report {
    let lines: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(i, (sex, sel))| record(i, sex, None, *sel))
        .collect();
    audit_records(policy, &lines)
}

fn sex_table(r: &Report) -> &Grouping {
    &r.roles[0].groupings[0]
}

fn repeat(sex: &'static str, selected: bool, n: usize) -> Vec<(&'static str, bool)> {
    vec![(sex, selected); n]
}

#[test]
fn a_category_with_no_selections_is_flagged_with_its_tests() {
    let recs = [
        repeat("female", false, 10),
        repeat("male", true, 5),
        repeat("male", false, 5),
    ]
    .concat();
    let r = audit(POLICY, &recs);
    let female = &sex_table(&r).categories[0];
    assert_eq!(female.category, "female");
    assert_eq!(female.impact_ratio, Some(0.0));
    assert!(female.flagged);
    close(female.z.unwrap(), -2.581_988_897_471_611, 1e-12);
    close(female.fisher_p.unwrap(), 0.032_507_739_938_080_496, 1e-9);
    // Shortfall: 10 × SR_all (5/20) − 0 = 2.5.
    close(female.shortfall.unwrap(), 2.5, 1e-12);
    assert_eq!(sex_table(&r).flagged, vec!["female"]);
    assert_eq!(r.flags.len(), 1);
    assert_eq!(r.flags[0].reference, "male");
}

#[test]
fn everyone_selected_gives_ratio_one_and_no_z() {
    let recs = [repeat("female", true, 4), repeat("male", true, 6)].concat();
    let r = audit(POLICY, &recs);
    let g = sex_table(&r);
    assert_eq!(g.reference.as_deref(), Some("male")); // equal rates: the larger group
    let female = &g.categories[0];
    assert_eq!(female.impact_ratio, Some(1.0));
    assert_eq!(female.z, None);
    assert_eq!(female.fisher_p, Some(1.0));
    assert!(g.flagged.is_empty());
}

#[test]
fn a_single_category_is_its_own_reference() {
    let r = audit(
        POLICY,
        &[repeat("female", true, 3), repeat("female", false, 3)].concat(),
    );
    let g = sex_table(&r);
    assert_eq!(g.categories.len(), 1);
    let c = &g.categories[0];
    assert_eq!(c.status, Status::Reference);
    assert_eq!((c.impact_ratio, c.z, c.fisher_p), (Some(1.0), None, None));
    assert!(!c.flagged);
}

#[test]
fn an_empty_role_is_listed_without_tables() {
    let r = audit(POLICY, &repeat("female", true, 2));
    let empty = &r.roles[1];
    assert_eq!(empty.role, "empty_role");
    assert_eq!((empty.decisions, empty.selected), (0, 0));
    assert_eq!((empty.rate, empty.median_coverage), (None, None));
    assert!(empty.groupings.is_empty());
    assert!(r
        .notes
        .iter()
        .any(|n| n == "role `empty_role` has no decisions to audit"));
}

#[test]
fn nobody_selected_gives_no_ratios_and_no_flags() {
    let r = audit(
        POLICY,
        &[repeat("female", false, 3), repeat("male", false, 4)].concat(),
    );
    let g = sex_table(&r);
    assert!(g.categories.iter().all(|c| c.impact_ratio.is_none()));
    assert!(g.flagged.is_empty() && r.flags.is_empty());
}

/// 1 of 51 records (1.96%) is under 2%: listed, not compared, not flagged even at rate 0 and
/// not the reference even at rate 1. 1 of 50 (exactly 2%) is compared.
#[test]
fn categories_under_two_percent_are_listed_not_compared() {
    let base = [repeat("female", true, 25), repeat("male", true, 25)].concat();
    let r = audit(POLICY, &[base.clone(), repeat("x", false, 1)].concat());
    let x = &sex_table(&r).categories[2];
    assert_eq!(
        (x.category.as_str(), x.status, x.n),
        ("x", Status::Excluded, 1)
    );
    assert_eq!((x.impact_ratio, x.flagged, x.fisher_p), (None, false, None));
    assert_eq!(x.rate, Some(0.0));

    let mut recs = [repeat("female", true, 24), repeat("male", true, 25)].concat();
    recs.push(("x", false));
    let r = audit(POLICY, &recs);
    let x = &sex_table(&r).categories[2];
    assert_eq!(x.status, Status::Compared);
    assert!(x.flagged);
}

#[test]
fn unknown_is_counted_never_compared() {
    let recs = [
        repeat("female", true, 2),
        repeat("female", false, 8),
        repeat("", true, 10),
        vec![("unknown", true)],
    ]
    .concat();
    let r = audit(POLICY, &recs);
    let g = sex_table(&r);
    assert_eq!(g.reference.as_deref(), Some("female"));
    let unknown = g.categories.last().unwrap();
    assert_eq!(
        (unknown.category.as_str(), unknown.status),
        ("unknown", Status::Unknown)
    );
    assert_eq!((unknown.n, unknown.selected), (11, 11));
    assert_eq!((unknown.impact_ratio, unknown.flagged), (None, false));
}

#[test]
fn a_ratio_of_exactly_the_threshold_is_not_flagged() {
    let recs = [
        repeat("female", true, 4),
        repeat("female", false, 6),
        repeat("male", true, 5),
        repeat("male", false, 5),
    ]
    .concat();
    let r = audit(POLICY, &recs);
    let female = &sex_table(&r).categories[0];
    assert_eq!(female.impact_ratio, Some(0.8));
    assert!(!female.flagged);
}

#[test]
fn the_intersection_is_unknown_when_either_value_is() {
    let lines = vec![
        record(1, "female", Some("asian"), true),
        record(2, "female", None, true),
        record(3, "", Some("asian"), false),
        record(4, "male", Some("white"), false),
    ];
    let r = audit_records(POLICY, &lines);
    let inter = &r.roles[0].groupings[2];
    assert_eq!(inter.attributes, vec!["sex", "race_ethnicity"]);
    let names: Vec<(&str, u64)> = inter
        .categories
        .iter()
        .map(|c| (c.category.as_str(), c.n))
        .collect();
    assert_eq!(
        names,
        vec![("female / asian", 1), ("male / white", 1), ("unknown", 2)]
    );
}

#[test]
fn without_the_guardrail_the_defaults_apply() {
    let policy = POLICY.replace(
        "guardrails { adverse_impact 0.8 over [sex, race_ethnicity] }",
        "",
    );
    let lines = vec![
        record(1, "female", Some("asian"), true),
        record(2, "male", None, false),
    ];
    let r = audit_records(&policy, &lines);
    let s = &r.settings;
    assert!(!s.from_policy);
    assert_eq!(s.threshold, 0.8);
    assert_eq!(s.attributes, vec!["race_ethnicity", "sex"]); // those the records give, sorted
    assert_eq!(s.selected, vec![credo::policy::Outcome::Advance]);
}

#[test]
fn the_guardrail_sets_threshold_attributes_and_selected_outcomes() {
    let policy = POLICY.replace(
        "adverse_impact 0.8 over [sex, race_ethnicity]",
        "adverse_impact 0.9 over [sex] selected [advance, review]",
    );
    // Without a lab the default decide gives `review`, which now counts as selected.
    let r = audit(&policy, &[("female", false), ("male", true)]);
    assert_eq!(r.settings.threshold, 0.9);
    assert_eq!(r.settings.intersection, None);
    assert_eq!(r.roles[0].groupings.len(), 1);
    assert_eq!(r.roles[0].selected, 2);
}

// ---------------------------------------------------------------------------------------------
// Counting, not keeping: medians of counted values, and audits of parts merged
// ---------------------------------------------------------------------------------------------

proptest::proptest! {
    /// The median of counted values is the median of the values repeated their counts.
    #[test]
    fn weighted_median_is_the_median_of_the_repeated_values(
        counted in proptest::collection::vec((0u8..12, 0u64..5), 0..12),
    ) {
        let values: Vec<(f64, u64)> =
            counted.iter().map(|&(v, c)| (f64::from(v) / 4.0, c)).collect();
        let mut repeated: Vec<f64> = values
            .iter()
            .flat_map(|&(v, c)| std::iter::repeat_n(v, c as usize))
            .collect();
        repeated.sort_by(f64::total_cmp);
        let n = repeated.len();
        let expected = match n {
            0 => None,
            _ if n % 2 == 1 => Some(repeated[n / 2]),
            _ => Some((repeated[n / 2 - 1] + repeated[n / 2]) / 2.0),
        };
        proptest::prop_assert_eq!(credo::audit::stats::weighted_median(values), expected);
    }
}

/// Auditing a batch in parts (as `credo audit` does, a chunk at a time on several threads) and
/// merging the parts in order gives the report of auditing it whole, record errors included.
#[test]
fn audits_of_parts_merge_into_the_audit_of_the_whole() {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let policy = credo::compile_str("acme-cyber.credo", &text)
        .policy
        .unwrap();
    let mut sample = credo::synth::audit_sample(600, 7);
    sample.push_str("{\"id\": 12\n{\"id\": \"bad\", \"labs\": 3}\n");
    let entries =
        || credo::record::read_records(&sample, "s.jsonl", credo::record::Format::Jsonl, &policy);
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut whole = Auditor::new(&policy, as_of, Some("soc_analyst"));
    for e in entries() {
        whole.add(e);
    }
    let whole = whole.finish();
    assert_eq!(whole.totals.errors, 2);
    for cuts in [vec![1usize], vec![300], vec![7, 8, 450, 601]] {
        let mut merged = Auditor::new(&policy, as_of, Some("soc_analyst"));
        let mut part = Auditor::new(&policy, as_of, Some("soc_analyst"));
        for (i, e) in entries().into_iter().enumerate() {
            if cuts.contains(&i) {
                merged.merge(std::mem::replace(
                    &mut part,
                    Auditor::new(&policy, as_of, Some("soc_analyst")),
                ));
            }
            part.add(e);
        }
        merged.merge(part);
        assert_eq!(merged.finish(), whole, "cut at {cuts:?}");
    }
}

/// Intersection categories are keyed by the values themselves: sex `a / b` with race `c` and
/// sex `a` with race `b / c` are two groups (a joined key merged them), named apart.
#[test]
fn intersections_whose_joined_names_collide_stay_apart() {
    let mut lines = Vec::new();
    for i in 0..10 {
        lines.push(record(i, "a / b", Some("c"), true));
        lines.push(record(100 + i, "a", Some("b / c"), false));
    }
    let r = audit_records(POLICY, &lines);
    let inter = (r.roles[0].groupings.iter())
        .find(|g| g.attributes.len() == 2)
        .unwrap();
    let cats: Vec<(&str, u64, u64)> = (inter.categories.iter())
        .map(|c| (c.category.as_str(), c.n, c.selected))
        .collect();
    assert_eq!(cats, [("a / \"b / c\"", 10, 0), ("\"a / b\" / c", 10, 10)]);
    assert_eq!(inter.reference.as_deref(), Some("\"a / b\" / c"));
    assert_eq!(inter.flagged, ["a / \"b / c\""]);
}
