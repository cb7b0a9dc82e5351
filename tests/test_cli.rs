//! `credo test`: shipped suites pass and cover every accept line; failing suites report a diff
//! and the trace; exit codes.

mod common;

use common::credo;

#[test]
fn shipped_suites_pass_and_cover_every_accept_line_and_rule() {
    for p in ["acme-cyber", "data-analytics", "everup-admission"] {
        let policy = format!("policies/{p}.credo");
        let suite = format!("policies/{p}.test.yaml");
        let o = credo(&["test", &policy, &suite, "--coverage", "--format", "json"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["failed"], 0);
        for role in v["coverage"].as_array().unwrap() {
            for line in role["accept_lines"].as_array().unwrap() {
                assert!(
                    line[4].as_u64().unwrap() > 0,
                    "{p}: {} accept #{} `{}` never met a skill",
                    line[0],
                    line[1],
                    line[2]
                );
            }
            for rule in role["decide_rules"].as_array().unwrap() {
                assert!(
                    rule[2].as_u64().unwrap() > 0,
                    "{p}: role {} rule `{}` never fired",
                    role["role"],
                    rule[0]
                );
            }
        }
    }
}

#[test]
fn a_failing_suite_shows_expected_and_actual_and_the_trace() {
    let dir = std::env::temp_dir().join(format!("credo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("failing.yaml");
    std::fs::write(
        &suite,
        "as_of: 2026-11-25\ncases:\n  - name: expired Security+ should not advance\n    role: soc_analyst\n    record: { id: f-1, credentials: [ { id: security_plus, issued: 2022-05-01 } ] }\n    expect: { outcome: advance, met: [incident_response] }\n  - name: passes\n    role: soc_analyst\n    record: { id: f-2 }\n    expect: { outcome: review, proposed: decline }\n",
    )
    .unwrap();
    let o = credo(&["test", "policies/acme-cyber.credo", suite.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout).replace(suite.to_str().unwrap(), "[suite]");
    insta::assert_snapshot!(text);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_malformed_suite_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("credo-test-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("bad.yaml");
    std::fs::write(&suite, "cases:\n  - name: x\n    role: soc_analyst\n    expect: { outcome: maybe }\n    record: { id: a }\n").unwrap();
    let o = credo(&["test", "policies/acme-cyber.credo", suite.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("`outcome` must be advance, review, decline or ineligible"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn suites_may_be_a_bare_list_with_expectations_in_the_case() {
    let dir = std::env::temp_dir().join(format!("credo-test-alt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("alt.yaml");
    std::fs::write(
        &suite,
        "- name: expectations written in the case\n  record: { id: a, credentials: [ { id: security_plus, issued: 2025-03-14 } ] }\n  role: soc_analyst\n  as_of: 2026-11-25\n  outcome: advance\n  met: [network_security]\n- name: expected instead of expect\n  record: { id: b }\n  role: soc_analyst\n  as_of: 2026-11-25\n  expected: { outcome: review, proposed: decline }\n",
    )
    .unwrap();
    let o = credo(&["test", "policies/acme-cyber.credo", suite.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 passed, 0 failed"));
    std::fs::remove_dir_all(&dir).ok();
}
