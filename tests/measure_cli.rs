//! The `credo measure` command end to end: text and JSON snapshots over the shipped outcomes
//! sample with its built-in effects, the sample's reproducibility, every kind of outcome record
//! error, the same report for any `--jobs` and for the CSV and YAML forms of the same outcomes,
//! and an HTML page that is self-contained, escapes what records say and is written whole.

mod common;

use common::{credo, stdout};
use std::process::Output;

const POLICY: &str = "policies/outcomes-sample.credo";
const RECORDS: &str = "policies/outcomes-sample.records.jsonl";
const OUTCOMES: &str = "policies/outcomes-sample.outcomes.csv";
const AS_OF: &str = "2026-11-25";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text output with the policy hash replaced (the JSON snapshots redact it too).
fn redacted(text: &str) -> String {
    match text.find("sha256:") {
        Some(i) => format!("{}sha256:[hash]{}", &text[..i], &text[i + 7 + 64..]),
        None => text.to_owned(),
    }
}

fn measure(extra: &[&str]) -> Output {
    let mut args = vec![
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        OUTCOMES,
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    credo(&args)
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("credo-measure-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_shipped_sample_is_what_the_generator_writes() {
    let (records, outcomes) = credo::synth::outcomes_sample(
        credo::synth::OUTCOMES_SAMPLE_APPLICANTS,
        credo::synth::OUTCOMES_SAMPLE_SEED,
    );
    let regenerate =
        "regenerate it with `cargo run --bin credo-bench -- outcomes-sample --dir policies`";
    assert!(
        std::fs::read_to_string(RECORDS).unwrap() == records,
        "{RECORDS} differs from the generator: {regenerate}"
    );
    assert!(
        std::fs::read_to_string(OUTCOMES).unwrap() == outcomes,
        "{OUTCOMES} differs from the generator: {regenerate}"
    );
    assert!(
        std::fs::read_to_string(POLICY).unwrap() == credo::synth::OUTCOMES_SAMPLE_POLICY,
        "{POLICY} differs from the generator: {regenerate}"
    );
    assert!(outcomes.lines().count() > 300, "a few hundred hires");
}

#[test]
fn text_report_of_the_sample() {
    let o = measure(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("text-measure-sample", redacted(&stdout(&o)));
}

#[test]
fn json_report_of_the_sample() {
    let o = measure(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    insta::assert_json_snapshot!("json-measure-sample", v, { ".policy.hash" => "[hash]" });
}

fn cohort<'a>(report: &'a serde_json::Value, role: &str, id: &str) -> &'a serde_json::Value {
    let roles = report["roles"].as_array().unwrap();
    let r = roles.iter().find(|r| r["role"] == role).unwrap();
    let cohorts = r["cohorts"].as_array().unwrap();
    cohorts.iter().find(|c| c["id"] == id).unwrap()
}

/// The effects built into the sample (see `credo::synth::outcomes_sample`) are found, and the
/// credentials without one show none.
#[test]
fn the_built_in_effects_are_found() {
    let o = measure(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = |c: &serde_json::Value, metric: &str| c["comparison"][metric]["p_holm"].as_f64();
    let sec = cohort(&v, "soc_analyst", "security_plus");
    assert!(p(sec, "productivity").unwrap() < 0.001);
    assert!(p(sec, "training_cost").unwrap() < 0.001);
    assert!(
        sec["comparison"]["training_cost"]["difference"]
            .as_f64()
            .unwrap()
            < 0.0
    );
    let rest_median = cohort(&v, "soc_analyst", "all")["productivity"]["median_days"]
        .as_u64()
        .unwrap();
    assert!(sec["productivity"]["median_days"].as_u64().unwrap() < rest_median);
    let google = cohort(&v, "soc_analyst", "google_cyber");
    let a_plus = cohort(&v, "help_desk", "a_plus");
    for c in [google, a_plus] {
        for metric in ["productivity", "retention", "training_cost"] {
            assert!(c["comparison"][metric]["p"].as_f64().unwrap() > 0.1, "{c}");
        }
    }
    let cc = cohort(&v, "soc_analyst", "Certified in Cybersecurity (CC)");
    assert_eq!(cc["kind"], "unrecognised");
    assert_eq!(cc["issuer"], "https://www.isc2.org");
    for metric in ["productivity", "retention"] {
        assert!(
            cc["comparison"][metric]["p"].as_f64().unwrap() < 0.001,
            "{cc}"
        );
    }
    assert!(v["caveat"].as_str().unwrap().contains("association"));
}

#[test]
fn the_report_is_the_same_for_any_number_of_threads() {
    let dir = temp_dir("jobs");
    let run = |jobs: &str, format: &str| {
        let html = dir.join(format!("{jobs}-{format}.html"));
        let o = measure(&[
            "--jobs",
            jobs,
            "--format",
            format,
            "--html",
            html.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (o.stdout, std::fs::read(&html).unwrap())
    };
    for format in ["text", "json"] {
        let one = run("1", format);
        let three = run("3", format);
        assert!(one == three, "--jobs 1 and 3 differ ({format})");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sample's outcomes written as YAML (by hand, field by field, from the CSV rows) give the
/// same report as the CSV.
#[test]
fn csv_and_yaml_outcomes_give_the_same_report() {
    let text = std::fs::read_to_string(POLICY).unwrap();
    let policy = credo::compile_str("p.credo", &text).policy.unwrap();
    let csv = std::fs::read(OUTCOMES).unwrap();
    let as_of = jiff::civil::date(2026, 11, 25);
    let entries = credo::outcome::read_outcomes(
        &csv,
        OUTCOMES,
        credo::outcome::OutcomeFormat::Csv,
        &policy,
        as_of,
    );
    let mut yaml = String::from("# the outcomes sample as YAML\n");
    for e in &entries {
        let h = e.result.as_ref().unwrap();
        yaml.push_str(&format!(
            "- candidate: {}\n  role: {}\n  hired: {}\n",
            h.candidate, h.role, h.hired
        ));
        if let Some(d) = h.productive {
            yaml.push_str(&format!("  productive: {d}\n"));
        }
        if let Some(d) = h.left {
            yaml.push_str(&format!("  left: {d}\n"));
        }
        if let Some(x) = h.training_hours {
            yaml.push_str(&format!("  training_hours: {x}\n"));
        }
        if let Some(x) = h.training_cost {
            yaml.push_str(&format!("  training_cost: {x}\n"));
        }
        if !h.moves.is_empty() {
            yaml.push_str("  moves:\n");
            for m in &h.moves {
                yaml.push_str(&format!("    - {{ date: {}, role: {} }}\n", m.date, m.role));
            }
        }
    }
    let dir = temp_dir("yaml");
    let path = dir.join("outcomes.yaml");
    std::fs::write(&path, yaml).unwrap();
    let from_csv = measure(&["--format", "json"]);
    let from_yaml = credo(&[
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        path.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(from_yaml.status.code(), Some(0), "{}", stderr(&from_yaml));
    assert!(from_csv.stdout == from_yaml.stdout);
}

/// Every kind of bad outcome row is a record error at its file and line (exit 3); the valid
/// rows of the same file are measured.
#[test]
fn outcome_record_errors() {
    insta::glob!("fixtures/measure/outcomes/*", |path| {
        // Relative to the crate root, so the snapshots do not depend on the checkout's place.
        let path = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let o = credo(&[
            "measure",
            POLICY,
            "tests/fixtures/measure/records.jsonl",
            "--outcomes",
            path.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        let shown = serde_json::json!({
            "totals": v["totals"],
            "record_errors": v["record_errors"],
        });
        insta::assert_json_snapshot!(shown);
    });
}

/// The text report lists the record errors with file, line and candidate, and escapes what
/// the rows say.
#[test]
fn text_report_lists_record_errors() {
    let o = credo(&[
        "measure",
        POLICY,
        "tests/fixtures/measure/records.jsonl",
        "--outcomes",
        "tests/fixtures/measure/outcomes/03-unknown-candidate.jsonl",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(3));
    let text = stdout(&o);
    assert!(text.contains(
        "tests/fixtures/measure/outcomes/03-unknown-candidate.jsonl:2: `c-404`: candidate `c-404` is not in the candidate records: hire not measured"
    ), "{text}");
    assert!(
        text.contains("tests/fixtures/measure/records.jsonl:4: `c-bad`:"),
        "{text}"
    );
}

#[test]
fn html_report_is_self_contained_and_escapes_record_text() {
    let dir = temp_dir("html");
    let records = dir.join("r.jsonl");
    let outcomes = dir.join("o.csv");
    // A hire with an unrecognised credential (one hire: too few to be listed), and outcome rows
    // whose errors quote markup and a terminal escape.
    std::fs::write(
        &records,
        "{\"id\": \"x-1\", \"applied\": [\"soc_analyst\"], \"credentials\": [{\"title\": \"Rare cert\", \"issuer\": \"https://rare.example\"}]}\n",
    )
    .unwrap();
    std::fs::write(
        &outcomes,
        "candidate,role,hired,productive\n\
         x-1,soc_analyst,2026-01-12,2026-03-01\n\
         x-\u{1b}[31mevil,soc_analyst,2026-01-12,\n\
         x-1,<script>alert(1)</script>,2026-01-12,\n",
    )
    .unwrap();
    let html = dir.join("m.html");
    let o = credo(&[
        "measure",
        POLICY,
        records.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<script"), "markup from a record is escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}'),
        "control characters are escaped in text"
    );
    assert!(text.contains("x-\\u{1b}[31mevil"), "{text}");
    assert!(
        text.contains("role `soc_analyst`: 1 credential the catalogue lacks, held by fewer than 5 hires, not listed"),
        "{text}"
    );
    // Only the temporary file's rename made the page: no temporary is left behind.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);

    let sample_html = temp_dir("sample-html").join("m.html");
    let o = measure(&["--html", sample_html.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(&sample_html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy"));
    for banned in ["<script", "http://", "src=", "@import", "url("] {
        assert!(!page.contains(banned), "the page contains {banned}");
    }
    assert!(page.contains("<svg"), "charts are inline SVG");
    assert!(page.contains("Still employed"), "a retention curve");
    assert!(
        page.matches("<path d=\"M").count() >= 4,
        "step curves and censoring ticks"
    );
    assert!(page.contains("association, not an effect"));
    let _ = std::fs::remove_dir_all(sample_html.parent().unwrap());
}

#[test]
fn an_html_file_that_cannot_be_written_is_an_error() {
    let o = measure(&["--html", "/nonexistent-dir/m.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write `/nonexistent-dir/m.html`"));
}

#[test]
fn an_outcomes_file_that_cannot_be_read_is_a_usage_error() {
    let o = credo(&[
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        "no-such.csv",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read `no-such.csv`"));
}

/// `--role` measures one role; the other roles' hires are counted and noted, not measured.
#[test]
fn role_restricts_the_report() {
    let o = measure(&["--role", "help_desk", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let roles = v["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0]["role"], "help_desk");
    let other = v["totals"]["other_roles"].as_u64().unwrap();
    assert!(other > 0);
    assert_eq!(
        v["totals"]["hires"].as_u64().unwrap() + other,
        v["totals"]["outcome_rows"].as_u64().unwrap()
    );
}

#[test]
fn training_figures_near_the_largest_float_stay_finite_and_short() {
    let dir = temp_dir("huge");
    let outcomes = dir.join("huge.csv");
    std::fs::write(
        &outcomes,
        "candidate,role,hired,productive,left,training_hours,training_cost,moves\n\
         n-000003,soc_analyst,2024-05-04,,,1e20,1e308,\n\
         n-000005,soc_analyst,2025-01-29,,,1e20,1e308,\n\
         n-000006,soc_analyst,2024-01-09,,,40,2000,\n",
    )
    .unwrap();
    let run = |format: &str| soc_analyst_report(&outcomes, format);
    let report: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let all = cohort(&report, "soc_analyst", "all");
    let mean = all["training"]["cost"]["mean"].as_f64();
    assert!(
        mean.is_some_and(|m| (m / (1e308 / 3.0 * 2.0) - 1.0).abs() < 1e-12),
        "{all}"
    );
    assert_eq!(all["training"]["cost"]["median"], 1e308);
    let text = run("text");
    assert!(!text.contains("inf"), "{text}");
    assert!(text.contains("6.667e307"), "{text}");
    let longest_digits = (text.split(|c: char| !c.is_ascii_digit()))
        .map(str::len)
        .max();
    assert!(longest_digits < Some(20), "{longest_digits:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn with_no_hires_no_credential_is_said_to_be_held_by_hires() {
    let dir = temp_dir("no-hires");
    let outcomes = dir.join("header-only.csv");
    std::fs::write(
        &outcomes,
        "candidate,role,hired,productive,left,training_hours,training_cost,moves\n",
    )
    .unwrap();
    let o = credo(&[
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("role `soc_analyst` has no hires to measure"),
        "{text}"
    );
    assert!(!text.contains("the catalogue lacks"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn days_past_the_longest_follow_up_have_no_estimate() {
    let dir = temp_dir("follow-up");
    let outcomes = dir.join("hired-today.csv");
    // Hired on the as-of day: everyone is censored at day 0; nobody was followed 30 days.
    std::fs::write(
        &outcomes,
        "candidate,role,hired,productive,left,training_hours,training_cost,moves\n\
         n-000003,soc_analyst,2026-11-25,,,,,\n\
         n-000005,soc_analyst,2026-11-25,,,,,\n",
    )
    .unwrap();
    let run = |format: &str| soc_analyst_report(&outcomes, format);
    let report: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let all = cohort(&report, "soc_analyst", "all");
    assert_eq!(all["productivity"]["censored"], 2);
    assert_eq!(all["productivity"]["at"], serde_json::json!([]));
    assert_eq!(all["retention"]["at"], serde_json::json!([]));
    let text = run("text");
    let row = |table: &str| {
        let from = text.find(table).unwrap();
        let line = text[from..].lines().nth(1).unwrap().to_owned();
        line.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // all hires  n events cens. median d30 d60 d90
    assert_eq!(
        row("productivity:")[2..],
        ["2", "0", "2", "—", "—", "—", "—"]
    );
    assert_eq!(row("retention:")[2..], ["2", "0", "2", "—", "—", "—", "—"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn csv_rows_are_reported_on_their_own_line_after_crlf_and_blank_lines() {
    let dir = temp_dir("crlf");
    let outcomes = dir.join("crlf.csv");
    // Bad rows (no candidate) on lines 2, 5 and 7; lines 4 and 6 are blank.
    std::fs::write(
        &outcomes,
        "candidate,role,hired\r\n,,\r\nn-000003,soc_analyst,2024-05-04\r\n\r\n,,\r\n\r\n,,\r\n",
    )
    .unwrap();
    let o = credo(&[
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<_> = (report["record_errors"].as_array().unwrap().iter())
        .map(|e| e["line"].as_u64())
        .collect();
    assert_eq!(lines, [Some(2), Some(5), Some(7)]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn records_and_outcomes_cannot_both_read_standard_input() {
    let records = std::fs::read(RECORDS).unwrap();
    let o = common::credo_with_input(
        &[
            "measure",
            POLICY,
            "-",
            "--input-format",
            "jsonl",
            "--outcomes",
            "-",
            "--as-of",
            AS_OF,
        ],
        &records,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("can be read once"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

/// `credo measure` of the shipped sample's records with these outcomes, for `soc_analyst`
/// only, in `format`; the run must succeed.
fn soc_analyst_report(outcomes: &std::path::Path, format: &str) -> String {
    let o = credo(&[
        "measure",
        POLICY,
        RECORDS,
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--role",
        "soc_analyst",
        "--format",
        format,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}
