//! What a first-time user and a reviewer read: the legend and titles of `--explain`, the batch
//! summary and data-quality warnings on stderr, `--role` overridden by `applied`, `--as-of`
//! before the policy takes effect, every problem of a record, module titles, and audit flags on
//! too little data.

mod common;

use common::{credo, credo_with_input, eval_sample, stdout};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn explain_opens_with_a_legend_and_names_credentials_by_title() {
    let o = eval_sample(&["--explain"]);
    let text = stdout(&o);
    assert!(text.starts_with("legend: ✓ met / holds"), "{text}");
    assert_eq!(text.matches("legend:").count(), 1, "one legend per batch");
    // The catalogue's titles, not its ids, in accepted, refused and suggested credentials.
    assert!(text.contains("accepted CompTIA Security+"), "{text}");
    assert!(!text.contains("accepted security_plus"), "{text}");
    assert!(text.contains("next step for"), "{text}");
    for line in text.lines().filter(|l| l.contains("next step for")) {
        assert!(!line.contains('_') || line.contains(" for "), "{line}");
    }
    // Onboarding modules by title (sentence case, acronyms kept, without a `"Title"`).
    assert!(
        text.contains("onboarding waived: Security fundamentals, SIEM basics"),
        "{text}"
    );
    // JSON keeps the ids.
    let json = stdout(&eval_sample(&["--format", "json"]));
    assert!(json.contains("\"security_plus\""));
}

#[test]
fn no_change_is_said_whenever_the_outcome_would_stay_the_same() {
    let text = stdout(&eval_sample(&["--explain"]));
    let mut outcome = String::new();
    let mut seen = (0, 0);
    for line in text.lines() {
        if let Some((_, rest)) = line
            .split_once(" · ")
            .and_then(|(c, r)| (!c.starts_with(' ')).then_some(((), r)))
        {
            // `c-1001 · soc_analyst · ADVANCE …`
            outcome = rest.split(' ').nth(2).unwrap_or("").to_lowercase();
        }
        let Some((_, to)) = line
            .trim_start()
            .strip_prefix("if ")
            .and_then(|l| l.split_once(" → "))
        else {
            continue;
        };
        let to = to.split(' ').next().unwrap();
        if to == outcome {
            assert!(line.ends_with("(no change)"), "{line} under {outcome}");
            seen.0 += 1;
        } else {
            assert!(!line.ends_with("(no change)"), "{line} under {outcome}");
            seen.1 += 1;
        }
    }
    assert!(
        seen.0 > 0 && seen.1 > 0,
        "both kinds occur in the sample: {seen:?}"
    );
}

#[test]
fn a_batch_ends_with_counts_by_role_and_outcome_and_a_warning_count() {
    let o = eval_sample(&[]);
    let err = stderr(&o);
    assert!(
        err.contains("26 decisions, 0 record errors (as of 2026-11-25)\n"),
        "{err}"
    );
    assert!(
        err.contains("\n  soc_analyst: 5 advance, 8 review\n"),
        "{err}"
    );
    assert!(
        err.contains("warning: 1 record has data-quality warnings (1 in all"),
        "{err}"
    );
    assert!(err.contains("--warnings lists them"), "{err}");
    assert!(
        !err.contains("Certified in Cybersecurity"),
        "listed only with --warnings"
    );

    let listed = stderr(&eval_sample(&["--warnings", "--format", "jsonl"]));
    assert!(
        listed.contains("warning: c-1006 (policies/acme-cyber.records.yaml:94): credential \"Certified in Cybersecurity (CC)\" from https://www.isc2.org is not in the catalogue\n"),
        "{listed}"
    );
    assert!(listed.contains("; listed above"), "{listed}");
    assert!(
        !listed.contains("decisions,"),
        "counts by outcome are for text output"
    );
}

#[test]
fn a_role_that_records_override_is_said_once() {
    let err = stderr(&eval_sample(&["--role", "soc_analyst"]));
    assert_eq!(
        err.matches("--role `soc_analyst` was not used for").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("was not used for 15 records that name their roles in `applied`"),
        "{err}"
    );
    let input = br#"{"id": "x-1", "credentials": []}"#;
    let o = credo_with_input(
        &[
            "eval",
            "policies/acme-cyber.credo",
            "-",
            "--input-format",
            "jsonl",
            "--role",
            "soc_analyst",
            "--as-of",
            "2026-11-25",
        ],
        input,
    );
    assert!(!stderr(&o).contains("was not used"), "{}", stderr(&o));
}

#[test]
fn as_of_before_the_policy_takes_effect_is_a_warning() {
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-01-15",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: evaluating as of 2026-01-15, before the policy takes effect (2026-10-01)"
        ),
        "{err}"
    );
    assert!(!stderr(&eval_sample(&[])).contains("warning: evaluating as of"));
}

#[test]
fn every_problem_of_a_record_is_reported() {
    let input = br#"{"id": "c-9", "nickname": "x", "credentials": [{"id": "ccna", "issued": "2025-02-30"}], "work_samples": [{"skill": "scripting", "score": 250}], "labs": [{"title": "x", "hours": -1}]}
{"id": "c-10"}
"#;
    let o = credo_with_input(
        &[
            "eval",
            "policies/acme-cyber.credo",
            "-",
            "--input-format",
            "jsonl",
            "--as-of",
            "2026-11-25",
            "--format",
            "jsonl",
        ],
        input,
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let error = first["error"].as_str().unwrap();
    assert!(
        error.starts_with("4 problems: unknown field `nickname` in the record"),
        "{error}"
    );
    assert!(
        error.contains("credential 1: `issued` in the credential is not a real date"),
        "{error}"
    );
    assert!(error.contains("`hours` in lab 1 is negative"), "{error}");
    assert!(
        error.contains("`score` 250 in work sample 1 is outside 0..100"),
        "{error}"
    );
    // Each problem is also given on its own, at its field's line and column.
    let places: Vec<(String, u64, u64)> = (first["problems"].as_array().unwrap().iter())
        .map(|p| {
            let field = p["field"].as_str().unwrap().to_owned();
            (
                field,
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let record = std::str::from_utf8(input).unwrap().lines().next().unwrap();
    let at = |field: &str, key: &str| {
        let col = record.find(&format!("\"{key}\"")).unwrap();
        (field.to_owned(), 1, col as u64 + 1)
    };
    assert_eq!(
        places,
        [
            at("nickname", "nickname"),
            at("credentials[0].issued", "issued"),
            at("work_samples[0].score", "score"),
            at("labs[0].hours", "hours")
        ]
    );
    // The batch goes on.
    assert!(
        out.lines()
            .skip(1)
            .any(|l| l.contains("\"candidate\":\"c-10\"")),
        "{out}"
    );
}

const TITLED: &str = r#"policy "T" { version "1" effective 2026-01-01 owner "HR" }
skill sql "SQL"
provider msft { name "Microsoft" tier trusted }
credential pl300 { title "Microsoft Power BI Data Analyst" provider msft skills [sql] }
role analyst {
  title "Analyst"
  require sql { accept any credential }
  onboarding {
    module sql_bootcamp "SQL bootcamp, week one" hours 40 waived_by sql
    module powerbi_basics hours 8 waived_by sql
  }
}
"#;

#[test]
fn modules_have_titles_in_explanations_postings_and_fmt() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("t.credo");
    std::fs::write(&policy, TITLED).unwrap();
    let p = policy.to_str().unwrap();
    let o = credo_with_input(
        &[
            "eval",
            p,
            "-",
            "--input-format",
            "jsonl",
            "--as-of",
            "2026-11-25",
            "--explain",
        ],
        br#"{"id": "a-1", "credentials": [{"id": "pl300", "issued": "2026-01-02"}]}"#,
    );
    let text = stdout(&o);
    assert!(
        text.contains("onboarding waived: SQL bootcamp, week one, Powerbi basics (48 hours saved)"),
        "{text}"
    );
    assert!(
        text.contains("accepted Microsoft Power BI Data Analyst"),
        "{text}"
    );

    let posting = stdout(&credo(&["posting", p, "analyst", "--as-of", "2026-11-25"]));
    assert!(
        posting.contains("SQL bootcamp, week one (40 hours)"),
        "{posting}"
    );

    let fmt = stdout(&credo(&["fmt", p, "--stdout"]));
    assert!(
        fmt.contains("    module sql_bootcamp \"SQL bootcamp, week one\" hours 40 waived_by sql\n"),
        "{fmt}"
    );
    assert!(
        fmt.contains("    module powerbi_basics                        hours 8  waived_by sql\n"),
        "{fmt}"
    );
}

#[test]
fn audit_flags_on_few_decisions_are_marked_insufficient_data() {
    let o = credo(&[
        "audit",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let flags = v["flags"].as_array().unwrap();
    assert!(!flags.is_empty());
    // 16 records: no flag rests on enough data.
    assert!(flags.iter().all(|f| f["insufficient_data"] == true));

    let o = credo(&[
        "audit",
        "policies/acme-cyber.credo",
        "policies/audit-sample.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let flags = v["flags"].as_array().unwrap();
    let sufficient: Vec<&serde_json::Value> = flags
        .iter()
        .filter(|f| f["insufficient_data"] == false)
        .collect();
    // The sample's built-in differences (Fisher p < 0.01) are alarms, not "insufficient data".
    assert!(!sufficient.is_empty());
    for f in &sufficient {
        let p = f["fisher_p"].as_f64().unwrap();
        assert!(p < 0.05, "{f}");
    }
    for f in flags.iter().filter(|f| f["insufficient_data"] == true) {
        let p = f["fisher_p"].as_f64().unwrap_or(1.0);
        let n = f["n"].as_f64().unwrap();
        let expected = n * f["reference_rate"].as_f64().unwrap();
        assert!(p >= 0.05 || expected < 5.0, "{f}");
    }
}
