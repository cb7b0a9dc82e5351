//! Data-driven evaluation cases (`tests/cases/*.yaml`): a policy, records, `as_of`, and the
//! expected outcome / met / unmet skills / record errors per decision. Expectations were worked
//! out by hand from SPEC §4–§7, independently of the implementation. The files are `credo test`
//! suites with the policy inline.

#[test]
fn yaml_cases_match_hand_computed_outcomes() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut paths: Vec<_> = std::fs::read_dir("tests/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let policy_text = v["policy"]
            .as_str()
            .expect("each case file has an inline policy");
        let loaded = credo::compile_str("case.credo", policy_text);
        let Some(policy) = loaded.policy else {
            let msgs: Vec<String> = loaded
                .diags
                .iter()
                .map(|d| credo::diag::render(d, &loaded.sources, false))
                .collect();
            failures.push(format!(
                "{}: policy does not check:\n{}",
                path.display(),
                msgs.join("\n")
            ));
            continue;
        };
        let suite = credo::suite::read_suite(path, &policy).unwrap_or_else(|e| panic!("{e}"));
        let fallback = jiff::civil::date(2026, 11, 25);
        for r in credo::suite::run(&policy, &suite, fallback) {
            count += 1;
            if !r.passed {
                let trace = r
                    .decision
                    .as_deref()
                    .map(credo::render::text::explain)
                    .unwrap_or_default();
                failures.push(format!(
                    "{} / {} [record {}]: {:?}\n{trace}",
                    path.display(),
                    r.name,
                    r.record,
                    r.mismatches
                ));
            }
        }
    }
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
