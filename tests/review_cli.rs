//! The `credo review` command end to end: snapshots of the shipped outcomes sample and of the
//! review fixture (tests/fixtures/review, where every kind of proposal has a cause), each
//! proposal asserted, changes since a previous review, bad `--previous` and `--quarter`, the
//! same output for any `--jobs`, control characters escaped, and a self-contained HTML page.

mod common;

use common::{credo, stdout};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

const DIR: &str = "tests/fixtures/review";
const SAMPLE_POLICY: &str = "policies/outcomes-sample.credo";
const SAMPLE_RECORDS: &str = "policies/outcomes-sample.records.jsonl";
const SAMPLE_OUTCOMES: &str = "policies/outcomes-sample.outcomes.csv";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text with the policy hash replaced (editing a policy's comments must not churn snapshots).
fn redacted(text: &str) -> String {
    let mut out = text.to_owned();
    while let Some(i) = out.find("sha256:") {
        out.replace_range(i..(i + 7 + 64).min(out.len()), "[hash]");
    }
    out
}

/// A path in the temporary directory, unique to this test run and name.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("credo-review-{}-{name}", std::process::id()))
}

/// The fixture's 2026Q3 review with extra arguments.
fn q3(extra: &[&str]) -> Output {
    let (policy, records, outcomes) = (
        fixture("policy.credo"),
        fixture("applicants-2026Q3.jsonl"),
        fixture("outcomes-2026Q3.jsonl"),
    );
    let mut args = vec![
        "review",
        &policy,
        &records,
        "--outcomes",
        &outcomes,
        "--quarter",
        "2026Q3",
    ];
    args.extend_from_slice(extra);
    credo(&args)
}

fn json(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// The fixture's 2026Q2 review as JSON, written to a file for `--previous`.
fn previous_review() -> PathBuf {
    let (policy, records, outcomes) = (
        fixture("policy.credo"),
        fixture("applicants-2026Q2.jsonl"),
        fixture("outcomes-2026Q2.csv"),
    );
    let o = credo(&[
        "review",
        &policy,
        &records,
        "--outcomes",
        &outcomes,
        "--quarter",
        "2026Q2",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = temp("previous-2026Q2.json");
    std::fs::write(&path, &o.stdout).unwrap();
    path
}

/// The proposals with this action about this credential (a catalogue id, a title, or a
/// provider id), for a role (`None` = catalogue-wide).
fn proposals<'v>(v: &'v Value, action: &str, subject: &str, role: Option<&str>) -> Vec<&'v Value> {
    (v["proposals"].as_array().unwrap().iter())
        .filter(|p| p["action"] == action && p["role"].as_str() == role)
        .filter(|p| {
            p["credential"] == subject
                || p["credential"]["title"] == subject
                || p["provider"] == subject
                || p["pathway"]["text"] == subject
                || p["guardrail"] == subject
        })
        .collect()
}

fn figure(p: &Value, name: &str) -> f64 {
    p["figures"][name]["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("no figure {name} in {p}"))
}

#[test]
fn text_review_of_the_shipped_sample() {
    let o = sample_q3(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Built into the sample: the ISC2 CC, which the catalogue lacks, is common among hires.
    assert!(text.contains("add?            soc_analyst: \"Certified in Cybersecurity (CC)\""));
    insta::assert_snapshot!("text-review-sample", redacted(&text));
}

#[test]
fn markdown_review_of_the_shipped_sample() {
    let o = sample_q3(&["--format", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("# Governance review 2026Q3"));
    assert!(md.contains("- [ ] **add?** soc\\_analyst · "), "{md}");
    insta::assert_snapshot!("md-review-sample", redacted(&md));
}

#[test]
fn text_and_markdown_reviews_of_the_fixture() {
    let o = q3(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("text-review-fixture", redacted(&stdout(&o)));
    let o = q3(&["--format", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("md-review-fixture", redacted(&stdout(&o)));
}

#[test]
fn json_review_of_the_fixture() {
    let v = json(&q3(&["--format", "json"]));
    assert_eq!(v["review"], "credo review");
    assert_eq!(v["quarter"], "2026Q3");
    assert_eq!(
        v["as_of"], "2026-09-30",
        "decided as of the quarter's last day"
    );
    insta::assert_json_snapshot!("json-review-fixture", v, { ".policy.hash" => "[hash]" });
}

#[test]
fn every_kind_of_proposal_has_its_cause_in_the_fixture() {
    let v = json(&q3(&["--format", "json"]));
    // retire?: carried no decision.
    for id in ["shelf_cert", "legacy_cert"] {
        let p = proposals(&v, "retire?", id, None);
        assert_eq!(p.len(), 1, "{id}");
        assert_eq!(figure(p[0], "carried"), 0.0);
    }
    // retire?: quick_badge holders left more, and reached productivity less, than expected.
    let p = proposals(&v, "retire?", "quick_badge", Some("analyst"));
    assert_eq!(p.len(), 2);
    assert!(figure(p[0], "retention_events") > figure(p[0], "retention_events_expected"));
    assert!(figure(p[0], "retention_p_holm") < 0.05);
    assert!(figure(p[1], "productivity_events") < figure(p[1], "productivity_events_expected"));
    assert!(figure(p[1], "productivity_p_holm") < 0.05);
    // stat_cert holders did better: no retire? for it.
    assert!(proposals(&v, "retire?", "stat_cert", Some("analyst")).is_empty());
    // add?: 12 of 60 applicants (20%) bring a credential the catalogue lacks.
    let p = proposals(&v, "add?", "Cloud Data Fundamentals", Some("analyst"));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["credential"]["issuer"], "https://clouddata.example");
    assert_eq!(figure(p[0], "applicants"), 12.0);
    assert_eq!(figure(p[0], "share"), 0.2);
    assert_eq!(figure(p[0], "hired"), 4.0);
    // …but not the one brought by a single applicant.
    assert_eq!(proposals_of(&v, "add?").len(), 1);
    // renew?: holders' most common expiry, a credential's and a provider's retirement.
    let p = proposals(&v, "renew?", "stat_cert", None);
    assert_eq!(p.len(), 1);
    assert_eq!(figure(p[0], "expiring"), 14.0);
    assert!(p[0]["reason"].as_str().unwrap().contains("2026Q4"));
    assert_eq!(proposals(&v, "renew?", "shelf_cert", None).len(), 1);
    assert_eq!(proposals(&v, "renew?", "oldschool", None).len(), 1);
    // unused pathway: nobody brought a work sample.
    let p = proposals(&v, "unused pathway", "work_sample >= 70", Some("analyst"));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["pathway"]["skill"], "reporting");
    assert_eq!(proposals_of(&v, "unused pathway").len(), 1);
    // exception: the waiver, with its reason.
    let p = proposals(&v, "exception", "skills_per_role", Some("analyst"));
    assert_eq!(p.len(), 1);
    assert!(p[0]["reason"]
        .as_str()
        .unwrap()
        .contains("a two-skill entry role"));
    assert_eq!(v["proposals"].as_array().unwrap().len(), 10);
    // The audit flag (§9) and the funnel.
    let role = &v["roles"][0];
    assert_eq!(role["flags"][0]["category"], "female");
    assert_eq!(role["funnel"]["applicants"]["value"], 60);
    assert_eq!(role["funnel"]["hires_in_quarter"]["value"], 5);
    assert_eq!(role["funnel"]["placement"]["n"], 35);
}

fn proposals_of<'v>(v: &'v Value, action: &str) -> Vec<&'v Value> {
    (v["proposals"].as_array().unwrap().iter())
        .filter(|p| p["action"] == action)
        .collect()
}

#[test]
fn with_the_previous_review_every_figure_shows_its_change() {
    let previous = previous_review();
    let o = q3(&["--format", "json", "--previous", previous.to_str().unwrap()]);
    let v = json(&o);
    assert_eq!(v["previous"]["quarter"], "2026Q2");
    let applicants = &v["roles"][0]["funnel"]["applicants"];
    assert_eq!(applicants["value"], 60);
    assert_eq!(applicants["previous"], 30);
    assert_eq!(applicants["change"], 30);
    // legacy_cert carried decisions last quarter: not proposed for retirement yet.
    assert!(proposals(&v, "retire?", "legacy_cert", None).is_empty());
    let p = proposals(&v, "retire?", "shelf_cert", None);
    assert!(p[0]["reason"].as_str().unwrap().contains("nor in 2026Q2"));
    assert_eq!(p[0]["figures"]["carried"]["previous"], 0);
    // A figure the previous review lacked reads as new (previous null).
    let unknown = &v["roles"][0]["unrecognised"];
    let rogue = (unknown.as_array().unwrap().iter())
        .find(|u| u["title"].as_str().unwrap().starts_with("Rogue"))
        .unwrap();
    assert!(rogue["applicants"]["previous"].is_null());
    // Every figure object (`{"value", "n"?, …}`; the measure report's day estimates have more
    // members) has a previous and a change member.
    fn check(v: &Value, figures: &mut usize, missing: &mut Vec<String>) {
        match v {
            Value::Object(m) if m.contains_key("value") && m.len() <= 4 => {
                *figures += 1;
                let compared = m.contains_key("previous") && m.contains_key("change");
                if !compared {
                    missing.push(v.to_string());
                }
            }
            Value::Object(m) => m.values().for_each(|x| check(x, figures, missing)),
            Value::Array(a) => a.iter().for_each(|x| check(x, figures, missing)),
            _ => {}
        }
    }
    let (mut figures, mut missing) = (0, Vec::new());
    for section in ["totals", "roles", "catalogue", "proposals"] {
        check(&v[section], &mut figures, &mut missing);
    }
    assert!(missing.is_empty(), "{missing:?}");
    assert!(figures > 100, "only {figures} figures");
    let text = stdout(&q3(&["--previous", previous.to_str().unwrap()]));
    insta::assert_snapshot!("text-review-fixture-previous", redacted(&text));
    let _ = std::fs::remove_file(previous);
}

#[test]
fn a_bad_previous_review_is_a_usage_error_that_says_what_is_wrong() {
    let cases = [
        ("not-json.json", "it is not JSON"),
        ("not-a-review.json", "it is not a review"),
        (
            "figure-not-a-number.json",
            "its figure `records` is not a number",
        ),
        ("bad-quarter.json", "its `quarter`"),
        (
            "same-quarter.json",
            "the review of 2026Q3, which is not before 2026Q3",
        ),
    ];
    for (file, says) in cases {
        let path = fixture(&format!("bad-previous/{file}"));
        let o = q3(&["--previous", &path]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        assert!(stderr(&o).contains(says), "{file}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{file}");
    }
    let o = q3(&["--previous", "tests/fixtures/review/no-such-review.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read --previous"));
}

#[test]
fn a_malformed_quarter_is_a_usage_error_with_an_example() {
    for bad in ["2026Q5", "Q3", "2026-07", "2026 Q3"] {
        let (policy, records, outcomes) = (
            fixture("policy.credo"),
            fixture("applicants-2026Q3.jsonl"),
            fixture("outcomes-2026Q3.jsonl"),
        );
        let o = credo(&[
            "review",
            &policy,
            &records,
            "--outcomes",
            &outcomes,
            "--quarter",
            bad,
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let e = stderr(&o);
        assert!(
            e.contains("--quarter") && e.contains("write e.g. `2026Q3`"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn the_output_is_the_same_for_any_number_of_jobs() {
    for format in ["json", "md", "text"] {
        let one = q3(&["--format", format, "--jobs", "1"]);
        let three = q3(&["--format", format, "--jobs", "3"]);
        assert_eq!(one.status.code(), Some(0));
        assert!(
            one.stdout == three.stdout,
            "{format} differs for --jobs 1 and 3"
        );
    }
    let sample = |jobs: &str| {
        credo(&[
            "review",
            SAMPLE_POLICY,
            SAMPLE_RECORDS,
            "--outcomes",
            SAMPLE_OUTCOMES,
            "--quarter",
            "2026Q3",
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
            "--jobs",
            jobs,
        ])
        .stdout
    };
    assert!(
        sample("1") == sample("3"),
        "the sample's review differs for --jobs 1 and 3"
    );
}

#[test]
fn control_characters_in_what_records_say_are_escaped() {
    // Markdown also backslash-escapes the escape's backslash and its bracket.
    let cases = [
        ("text", r"Rogue\u{1b}[31m Cert", r"evil\nissuer"),
        ("md", r"Rogue\\u{1b}\[31m Cert", r"evil\\nissuer"),
    ];
    for (format, title, issuer) in cases {
        let out = stdout(&q3(&["--format", format]));
        assert!(!out.contains('\u{1b}'), "{format} prints a raw escape");
        assert!(
            !out.contains("evil\nissuer"),
            "{format} prints a raw newline"
        );
        assert!(out.contains(title) && out.contains(issuer), "{format}");
    }
}

#[test]
fn the_html_page_is_self_contained_and_written_whole() {
    let path = temp("review.html");
    let o = q3(&["--html", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no scripts");
    // Nothing remote: no attribute or CSS reference to a URL (an issuer's URL is text).
    for reference in ["src=", "href=", "url(", "@import", "=\"http", "='http"] {
        assert!(!lower.contains(reference), "{reference}");
    }
    assert!(html.contains("default-src 'none'"));
    assert!(html.contains("<path d=\"M"), "Kaplan–Meier step curves");
    assert!(html.contains("aria-label=\"funnel\""), "funnel bars");
    assert!(!html.contains('\u{1b}'));
    assert!(html.contains("Cohorts are self-selected"));
    // An HTML file that cannot be written is an error, and leaves nothing behind.
    let dir = temp("no-such-dir");
    let o = q3(&["--html", dir.join("review.html").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"));
    assert!(!dir.exists());
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_outcome_rows_are_reported_and_exit_3() {
    let path = temp("bad-outcomes.csv");
    std::fs::write(
        &path,
        "candidate,role,hired,productive,left\n\
         q3-001,analyst,2026-02-05,2026-03-02,\n\
         q3-002,analyst,2026-13-01,,\n",
    )
    .unwrap();
    let o = q3(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let (policy, records) = (fixture("policy.credo"), fixture("applicants-2026Q3.jsonl"));
    let o = credo(&[
        "review",
        &policy,
        &records,
        "--outcomes",
        path.to_str().unwrap(),
        "--quarter",
        "2026Q3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome_errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["outcome_errors"][0]["line"], 3);
    assert_eq!(v["totals"]["hires"]["value"], 1);
    let _ = std::fs::remove_file(path);
}

#[test]
fn the_docs_show_the_samples_review_as_it_is() {
    let o = sample_q3(&[]);
    let text = stdout(&o);
    // The excerpt: from the proposals to the first lines of the outcome figures.
    let excerpt: Vec<&str> = text.lines().skip(7).take(34).collect();
    let readme = std::fs::read_to_string("docs/outcomes.md").unwrap();
    assert!(
        excerpt[0].starts_with("applicant records"),
        "{}",
        excerpt[0]
    );
    assert!(
        readme.contains(&excerpt.join("\n")),
        "docs/outcomes.md's review excerpt differs from the output; paste it again:\n{}",
        excerpt.join("\n")
    );
}

#[test]
fn a_bad_applicant_record_is_reported_in_its_place_and_the_rest_reviewed() {
    let path = temp("applicants-with-error.jsonl");
    let good = std::fs::read_to_string(fixture("applicants-2026Q3.jsonl")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(
        3,
        r#"{"id": "broken", "applied": ["analyst"], "credentials": 7}"#,
    );
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (policy, outcomes) = (fixture("policy.credo"), fixture("outcomes-2026Q3.jsonl"));
    let o = credo(&[
        "review",
        &policy,
        path.to_str().unwrap(),
        "--outcomes",
        &outcomes,
        "--quarter",
        "2026Q3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["record_errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["record_errors"][0]["line"], 4);
    assert_eq!(v["totals"]["records"]["value"], 61);
    assert_eq!(v["roles"][0]["funnel"]["applicants"]["value"], 60);
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_huge_previous_figure_reads_in_scientific_notation_not_300_digits() {
    let previous = previous_review();
    let mut v: Value = serde_json::from_slice(&std::fs::read(&previous).unwrap()).unwrap();
    v["figures"]["decisions"] = serde_json::json!(1e308);
    let huge = temp("previous-huge.json");
    std::fs::write(&huge, serde_json::to_vec(&v).unwrap()).unwrap();
    for format in ["text", "md"] {
        let o = q3(&["--format", format, "--previous", huge.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("(−1.000e308)"), "{format}: {out}");
        let longest_digits = (out.split(|c: char| !c.is_ascii_digit()))
            .map(str::len)
            .max();
        assert!(longest_digits < Some(20), "{format}: {longest_digits:?}");
    }
    let _ = std::fs::remove_file(previous);
    let _ = std::fs::remove_file(huge);
}

/// An endless `--previous` is refused at the record-document bound instead of read into memory
/// until the process is killed.
#[cfg(unix)]
#[test]
fn an_endless_previous_review_is_refused() {
    let o = q3(&["--previous", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than 256 MiB"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn two_outcome_files_cannot_both_read_standard_input() {
    let o = common::credo_with_input(
        &[
            "review",
            SAMPLE_POLICY,
            SAMPLE_RECORDS,
            "--outcomes",
            "-",
            "-",
            "--quarter",
            "2026Q3",
        ],
        b"[]",
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("can be read once"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn an_as_of_date_before_the_quarter_began_is_a_usage_error() {
    let o = q3(&["--as-of", "2026-06-30"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--as-of 2026-06-30 is before 2026Q3 began (2026-07-01)"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    // From the first day on the quarter is reviewed (exit 3: outcomes dated later are errors).
    assert_eq!(q3(&["--as-of", "2026-07-01"]).status.code(), Some(3));
}

/// `credo review` of the shipped sample for 2026Q3 as of 2026-11-25, with `extra` arguments.
fn sample_q3(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "review",
        SAMPLE_POLICY,
        SAMPLE_RECORDS,
        "--outcomes",
        SAMPLE_OUTCOMES,
        "--quarter",
        "2026Q3",
        "--as-of",
        "2026-11-25",
    ];
    args.extend_from_slice(extra);
    credo(&args)
}

/// The quarter's applicants may come as an HR system's tables with `--columns` renaming its
/// headers: the review is the same as from the JSON lines they were exported from.
#[test]
fn applicants_from_renamed_tables_review_as_their_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("ats");
    let converted = credo(&[
        "convert",
        &fixture("applicants-2026Q3.jsonl"),
        "--to",
        "csv",
        "--out",
        set.to_str().unwrap(),
    ]);
    assert_eq!(converted.status.code(), Some(0), "{}", stderr(&converted));
    // The export names its columns its own way.
    let candidates = set.join("candidates.csv");
    let text = std::fs::read_to_string(&candidates).unwrap();
    let renamed = text.replacen("id,applied,", "Candidate ID,Job,", 1);
    assert_ne!(text, renamed, "the header is as expected");
    std::fs::write(&candidates, renamed).unwrap();
    let map = dir.path().join("map.yaml");
    std::fs::write(
        &map,
        "candidates:\n  \"Candidate ID\": id\n  Job: applied\n",
    )
    .unwrap();

    let from_jsonl = json(&q3(&["--format", "json"]));
    let review = |extra: &[&str]| {
        let mut args = vec![
            "review".to_string(),
            fixture("policy.credo"),
            set.display().to_string(),
            "--outcomes".into(),
            fixture("outcomes-2026Q3.jsonl"),
            "--quarter".into(),
            "2026Q3".into(),
            "--format".into(),
            "json".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        credo(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let unmapped = review(&[]);
    assert_eq!(unmapped.status.code(), Some(2), "{}", stderr(&unmapped));
    assert!(stderr(&unmapped).contains("unknown column `Candidate ID`"));
    let from_tables = json(&review(&["--columns", map.to_str().unwrap()]));
    assert_eq!(
        from_tables["roles"], from_jsonl["roles"],
        "the same funnel, flags, outcomes and proposals"
    );
    assert!(from_tables["roles"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
}
