//! The audit's HTML page counts failed credential proofs per provider, as its text and JSON do
//! (SPEC §15: a forged-credential signal).

mod common;

use common::signed;
use serde_json::json;

#[test]
fn the_html_audit_counts_failed_proofs_per_provider() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.credo");
    std::fs::write(&policy, signed::policy("")).unwrap();
    let (genuine, forged) = (signed::badge(1), signed::forged(1));
    let records = dir.path().join("r.jsonl");
    let mut lines = String::new();
    for (i, (cred, group)) in [
        (&genuine, "a"),
        (&forged, "b"),
        (&forged, "a"),
        (&genuine, "b"),
    ]
    .iter()
    .enumerate()
    {
        let r = json!({ "id": format!("c-{i}"), "applied": ["r"], "credentials": [cred],
                        "protected": { "group": group } });
        lines.push_str(&format!("{r}\n"));
    }
    std::fs::write(&records, lines).unwrap();
    let html = dir.path().join("audit.html");
    let (p, r, h) = (
        policy.to_str().unwrap(),
        records.to_str().unwrap(),
        html.to_str().unwrap(),
    );
    let out = common::credo(&["audit", p, r, "--as-of", "2026-01-01", "--html", h]);
    let report = common::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The text report and the page agree: two forged credentials from provider `school`.
    let text_line = report
        .lines()
        .skip_while(|l| !l.contains("failed credential proofs per provider"))
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        text_line.split_whitespace().collect::<Vec<_>>(),
        ["2", "school"],
        "{report}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<h3>Failed credential proofs per provider (possible forgeries)</h3>"),
        "{page}"
    );
    assert!(
        page.contains("<tr class=\"failed-proofs\"><td><code>school</code></td><td>2</td></tr>"),
        "{page}"
    );
}

/// A batch without failed proofs says so on the page rather than leaving the heading out.
#[test]
fn the_html_audit_says_none_without_failed_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("audit.html");
    let out = common::credo(&[
        "audit",
        "policies/acme-cyber.credo",
        "policies/audit-sample.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(
            "<h3>Failed credential proofs per provider (possible forgeries)</h3>\
             <p class=\"sub\">None.</p>"
        ),
        "{page}"
    );
}
