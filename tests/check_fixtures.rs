//! Snapshot tests of `credo check` diagnostics over fixture files.
//!
//! `tests/fixtures/check/*.credo` are invalid policies (each states the diagnostic it expects on
//! its first line); `tests/fixtures/check-ok/*.credo` and the shipped `policies/*.credo` must
//! check without errors.

use credo::diag::{render, JsonDiag, Severity};

/// The path relative to the crate root, so snapshots do not depend on the checkout's location.
fn rel(path: &std::path::Path) -> &std::path::Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

fn rendered(path: &std::path::Path) -> String {
    let loaded = credo::load_policy(rel(path)).expect("fixture is readable");
    let mut out = String::new();
    for d in &loaded.diags {
        out.push_str(&render(d, &loaded.sources, false));
        out.push('\n');
    }
    out
}

#[test]
fn invalid_policies_report_diagnostics() {
    insta::glob!("fixtures/check/*.credo", |path| {
        let loaded = credo::load_policy(rel(path)).expect("fixture is readable");
        assert!(
            !loaded.diags.is_empty(),
            "{} should produce at least one diagnostic",
            path.display()
        );
        // Fixtures whose first line expects only a warning must still load as a policy.
        let first = std::fs::read_to_string(path).unwrap();
        let expects_warning = first
            .lines()
            .next()
            .unwrap_or("")
            .starts_with("# expect: warning");
        assert_eq!(
            loaded.has_errors(),
            !expects_warning,
            "{}: errors present = {}, but the fixture expects {}",
            path.display(),
            loaded.has_errors(),
            if expects_warning {
                "only warnings"
            } else {
                "an error"
            }
        );
        insta::assert_snapshot!(rendered(path));
    });
}

#[test]
fn valid_policies_check_clean() {
    insta::glob!("fixtures/check-ok/*.credo", |path| {
        let loaded = credo::load_policy(path).expect("fixture is readable");
        let text = rendered(path);
        assert!(loaded.diags.is_empty(), "{}:\n{text}", path.display());
        assert!(loaded.policy.is_some());
    });
}

#[test]
fn shipped_policies_have_no_errors() {
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "credo") {
            let loaded = credo::load_policy(&path).unwrap();
            assert!(
                !loaded.has_errors(),
                "{}:\n{}",
                path.display(),
                rendered(&path)
            );
        }
    }
}

#[test]
fn diagnostics_are_sorted_by_position() {
    let loaded = credo::load_policy(std::path::Path::new(
        "tests/fixtures/check/98-three-errors-sorted-by-position.credo",
    ))
    .unwrap();
    let positions: Vec<(usize, usize)> = loaded
        .diags
        .iter()
        .map(|d| {
            let j = JsonDiag::new(d, &loaded.sources);
            (j.line, j.column)
        })
        .collect();
    assert_eq!(positions.len(), 3, "{positions:?}");
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
}

#[test]
fn json_diagnostics_carry_location_and_help() {
    let loaded = credo::load_policy(std::path::Path::new(
        "tests/fixtures/check/25-unknown-skill-in-require.credo",
    ))
    .unwrap();
    let json: Vec<_> = loaded
        .diags
        .iter()
        .map(|d| JsonDiag::new(d, &loaded.sources))
        .collect();
    insta::assert_json_snapshot!(json, @r#"
    [
      {
        "code": "credo::name::unknown-skill",
        "severity": "error",
        "message": "unknown skill `netwrk_security`",
        "file": "tests/fixtures/check/25-unknown-skill-in-require.credo",
        "line": 30,
        "column": 11,
        "label": "no skill has this name",
        "help": "did you mean `network_security`?",
        "fix": {
          "file": "tests/fixtures/check/25-unknown-skill-in-require.credo",
          "line": 30,
          "column": 11,
          "end_line": 30,
          "end_column": 26,
          "start": 593,
          "end": 608,
          "replacement": "network_security"
        },
        "docs": "docs/language.md#skill"
      }
    ]
    "#);
    assert_eq!(json[0].severity, Severity::Error);
}
