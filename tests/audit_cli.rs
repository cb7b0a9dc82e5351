//! The `credo audit` command end to end: text and JSON snapshots over the shipped 500+-record
//! sample with known group differences, the sample's reproducibility, exit codes, record errors
//! in the report, and an HTML page that is self-contained and escapes what records say.

mod common;

use common::{credo, stdout};
use std::process::Output;

const POLICY: &str = "policies/acme-cyber.credo";
const SAMPLE: &str = "policies/audit-sample.records.jsonl";
const AS_OF: &str = "2026-11-25";

/// Text output with the policy hash replaced, so that editing the shipped policy's comments
/// does not churn the snapshots (the JSON snapshots redact it too).
fn redacted(text: &str) -> String {
    match text.find("sha256:") {
        Some(i) => format!("{}sha256:[hash]{}", &text[..i], &text[i + 7 + 64..]),
        None => text.to_owned(),
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_shipped_sample_is_what_the_generator_writes() {
    let shipped = std::fs::read_to_string(SAMPLE).unwrap();
    let generated = credo::synth::audit_sample(
        credo::synth::AUDIT_SAMPLE_RECORDS,
        credo::synth::AUDIT_SAMPLE_SEED,
    );
    assert!(
        shipped == generated,
        "{SAMPLE} differs from the generator: regenerate it with \
         `cargo run --bin credo-bench -- audit-sample > {SAMPLE}`"
    );
    assert!(shipped.lines().count() >= 500);
}

#[test]
fn text_report_of_the_sample() {
    let o = credo(&["audit", POLICY, SAMPLE, "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("600 records, 648 decisions, 0 record errors (as of 2026-11-25)"));
    insta::assert_snapshot!("text-audit-sample", redacted(&stdout(&o)));
}

#[test]
fn json_report_of_the_sample() {
    let o = credo(&[
        "audit", POLICY, SAMPLE, "--as-of", AS_OF, "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    insta::assert_json_snapshot!("json-audit-sample", v, { ".policy.hash" => "[hash]" });
}

/// The differences built into the sample (see `credo::synth::audit_sample`) are found.
#[test]
fn the_built_in_group_differences_are_flagged() {
    let o = credo(&[
        "audit", POLICY, SAMPLE, "--as-of", AS_OF, "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let flagged = |role: &str, attribute: &str, category: &str| {
        v["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["role"] == role
                    && f["attributes"] == serde_json::json!([attribute])
                    && f["category"] == category
            })
            .cloned()
    };
    let hispanic = flagged("soc_analyst", "race_ethnicity", "hispanic_or_latino").expect("flagged");
    assert!(hispanic["fisher_p"].as_f64().unwrap() < 0.01);
    let women = flagged("network_technician", "sex", "female").expect("flagged");
    assert!(women["fisher_p"].as_f64().unwrap() < 0.01);
    // No difference is built in by sex for SOC analysts.
    assert!(flagged("soc_analyst", "sex", "female").is_none());
    assert!(flagged("soc_analyst", "sex", "male").is_none());
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = [
        "audit", POLICY, SAMPLE, "--as-of", AS_OF, "--format", "json",
    ];
    assert_eq!(credo(&args).stdout, credo(&args).stdout);
}

/// The report is the same for any number of threads, and from standard input (YAML or JSONL,
/// read as it streams) as from the file.
#[test]
fn the_report_does_not_depend_on_threads_or_where_records_come_from() {
    let json = |args: &[&str], input: Option<&[u8]>| {
        let mut all = vec!["audit", POLICY, "--as-of", AS_OF, "--format", "json"];
        all.extend_from_slice(args);
        let o = match input {
            Some(bytes) => common::credo_with_input(&all, bytes),
            None => credo(&all),
        };
        String::from_utf8(common::success(o)).unwrap()
    };
    let one = json(&[SAMPLE, "-j", "1"], None);
    assert_eq!(json(&[SAMPLE, "-j", "3"], None), one);
    let sample = std::fs::read(SAMPLE).unwrap();
    let piped = json(&["-", "--input-format", "jsonl"], Some(&sample));
    // Only the file name differs (no record errors name it here), so the reports are equal.
    assert_eq!(piped, one);
    let yaml = std::fs::read("policies/acme-cyber.records.yaml").unwrap();
    assert_eq!(
        json(&["-", "-j", "1"], Some(&yaml)),
        json(&["policies/acme-cyber.records.yaml", "-j", "3"], None)
    );
}

#[test]
fn record_errors_are_listed_and_exit_3() {
    let o = credo(&[
        "audit",
        POLICY,
        "tests/fixtures/audit/errors.jsonl",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    insta::assert_snapshot!("text-audit-errors", redacted(&stdout(&o)));

    let o = credo(&[
        "audit",
        POLICY,
        "tests/fixtures/audit/errors.jsonl",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["totals"],
        serde_json::json!({"records": 5, "decisions": 2, "errors": 3})
    );
    let lines: Vec<u64> = v["record_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 4]);
    assert_eq!(v["record_errors"][1]["record"], "e-3");
}

#[test]
fn usage_and_policy_errors_have_their_exit_codes() {
    let bad_date = credo(&["audit", POLICY, SAMPLE, "--as-of", "2026-02-30"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(stderr(&bad_date).contains("not a real date"));

    let bad_role = credo(&[
        "audit",
        POLICY,
        SAMPLE,
        "--as-of",
        AS_OF,
        "--role",
        "soc_analist",
    ]);
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(
        stderr(&bad_role).contains("did you mean `soc_analyst`?"),
        "{}",
        stderr(&bad_role)
    );

    let missing = credo(&["audit", POLICY, "no/such/file.jsonl", "--as-of", AS_OF]);
    assert_eq!(missing.status.code(), Some(2));

    let no_records = credo(&["audit", POLICY]);
    assert_eq!(no_records.status.code(), Some(2));

    let bad_policy = credo(&[
        "audit",
        "tests/fixtures/check/01-unclosed-credential-brace.credo",
        SAMPLE,
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(bad_policy.status.code(), Some(1));
    assert!(bad_policy.stdout.is_empty());
}

/// Writes the HTML report of a records file into the test's temporary directory.
fn html_of(records: &str, name: &str) -> (Output, String) {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let o = credo(&[
        "audit",
        POLICY,
        records,
        "--as-of",
        AS_OF,
        "--html",
        path.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&path).expect("the report was written");
    (o, html)
}

#[test]
fn html_report_is_self_contained() {
    let (o, html) = html_of(SAMPLE, "sample.html");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No scripts, no external resources; the CSP forbids both should any slip in.
    for forbidden in [
        "<script", " src=", "href=", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(
            !html.contains(forbidden),
            "the report contains `{forbidden}`"
        );
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    // What a reviewer needs to see.
    let hash = stdout(&credo(&[
        "audit", POLICY, SAMPLE, "--as-of", AS_OF, "--format", "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&hash).unwrap();
    for needle in [
        "Acme skills-first hiring",
        "2026.4",
        v["policy"]["hash"].as_str().unwrap(),
        "as of 2026-11-25",
        "<svg",
        "× highest rate",
        "class=\"flagged\"",
        "Catalogue usage",
        "Certified in Cybersecurity (CC)",
    ] {
        assert!(html.contains(needle), "the report lacks `{needle}`");
    }
    // One chart per role and grouping: 4 roles × (2 attributes + the intersection).
    assert_eq!(html.matches("<svg").count(), 12);
    assert_eq!(
        html,
        html_of(SAMPLE, "sample-again.html").1,
        "deterministic"
    );
}

#[test]
fn html_escapes_what_records_say() {
    let (o, html) = html_of("tests/fixtures/audit/errors.jsonl", "errors.html");
    assert_eq!(o.status.code(), Some(3));
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;Cert&gt;"));
    assert!(html.contains("unknown field `favourite_colour` in the record"));
}
