//! `credo posting` and `credo kit` end to end: snapshots for every role of every shipped
//! policy, the schema.org shape of the JSON-LD, escaping, exit codes, and that the text is
//! derived from the accept lines (change a line, the posting changes).

mod common;

use common::credo;
use std::path::{Path, PathBuf};
use std::process::Output;

const AS_OF: &str = "2026-11-25";

fn ok_stdout(o: &Output) -> String {
    String::from_utf8(common::success(o.clone())).unwrap()
}

/// Every shipped policy (`policies/*.credo`, in name order) with its file stem and role ids.
fn shipped() -> Vec<(String, String, Vec<String>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("policies")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "credo"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let policy = credo::load_policy(&p)
                .unwrap()
                .policy
                .expect("policy checks");
            let roles = policy.roles.iter().map(|r| r.id.clone()).collect();
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (p.to_string_lossy().replace('\\', "/"), stem, roles)
        })
        .collect()
}

#[test]
fn every_shipped_policy_and_role_is_covered() {
    let all = shipped();
    let names: Vec<&str> = all.iter().map(|(_, stem, _)| stem.as_str()).collect();
    assert_eq!(
        names,
        [
            "acme-cyber",
            "data-analytics",
            "everup-admission",
            "outcomes-sample"
        ]
    );
    let roles: usize = all.iter().map(|(_, _, r)| r.len()).sum();
    assert_eq!(roles, 10, "the snapshots below cover every shipped role");
}

#[test]
fn posting_markdown_of_every_shipped_role() {
    for (path, stem, roles) in shipped() {
        for role in roles {
            let o = credo(&["posting", &path, &role, "--as-of", AS_OF]);
            insta::assert_snapshot!(format!("posting-md-{stem}-{role}"), ok_stdout(&o));
        }
    }
}

#[test]
fn posting_html_of_every_shipped_role() {
    for (path, stem, roles) in shipped() {
        for role in roles {
            let o = credo(&[
                "posting", &path, &role, "--format", "html", "--as-of", AS_OF,
            ]);
            insta::assert_snapshot!(format!("posting-html-{stem}-{role}"), ok_stdout(&o));
        }
    }
}

#[test]
fn posting_jsonld_of_every_shipped_role() {
    for (path, stem, roles) in shipped() {
        for role in roles {
            let o = credo(&[
                "posting", &path, &role, "--format", "jsonld", "--as-of", AS_OF,
            ]);
            insta::assert_snapshot!(format!("posting-jsonld-{stem}-{role}"), ok_stdout(&o));
        }
    }
}

#[test]
fn kit_of_every_shipped_role() {
    for (path, stem, roles) in shipped() {
        for role in roles {
            let o = credo(&["kit", &path, &role, "--as-of", AS_OF]);
            insta::assert_snapshot!(format!("kit-{stem}-{role}"), ok_stdout(&o));
        }
    }
}

fn jsonld(policy: &str, role: &str) -> serde_json::Value {
    let o = credo(&[
        "posting", policy, role, "--format", "jsonld", "--as-of", AS_OF,
    ]);
    serde_json::from_str(&ok_stdout(&o)).expect("the JSON-LD parses")
}

#[test]
fn jsonld_is_a_schema_org_job_posting_with_the_named_fields() {
    for (path, _, roles) in shipped() {
        for role in roles {
            let v = jsonld(&path, &role);
            assert_eq!(v["@context"], "https://schema.org", "{role}");
            assert_eq!(v["@type"], "JobPosting", "{role}");
            assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
            let skills = v["skills"].as_array().expect("skills");
            assert!(skills.len() >= 3, "{role}: every skill is listed");
            for s in skills {
                assert_eq!(s["@type"], "DefinedTerm");
                assert!(s["name"].is_string() && s["description"].is_string());
            }
            for e in v["educationRequirements"].as_array().expect("education") {
                assert_eq!(e["@type"], "EducationalOccupationalCredential");
                assert!(e["name"].is_string() && e["credentialCategory"].is_string());
                assert!(!e["competencyRequired"].as_array().unwrap().is_empty());
            }
            for e in v["experienceRequirements"].as_array().expect("experience") {
                assert_eq!(e["@type"], "OccupationalExperienceRequirements");
                assert!(e["description"].is_string());
                if let Some(m) = e.get("monthsOfExperience") {
                    assert!(m.as_u64().is_some_and(|m| m > 0));
                }
            }
            assert!(v["experienceInPlaceOfEducation"].is_boolean());
        }
    }

    // CCNA, 4 labs or a year on the job: experience stands in for education.
    let v = jsonld("policies/acme-cyber.credo", "network_technician");
    assert_eq!(v["experienceInPlaceOfEducation"], true);
    let months: Vec<u64> = v["experienceRequirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["monthsOfExperience"].as_u64())
        .collect();
    assert_eq!(months, [12, 6], "experience >= 1y and >= 6mo");
    let ccna = v["educationRequirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Cisco Certified Network Associate (CCNA)")
        .expect("CCNA is accepted");
    assert_eq!(ccna["provider"]["name"], "Cisco");
    assert_eq!(ccna["validFor"], "P3Y");
    assert_eq!(ccna["isAccessibleForFree"], false);

    // Incident response takes only a proctored exam: no experience in place of it.
    let v = jsonld("policies/acme-cyber.credo", "soc_analyst");
    assert_eq!(v["experienceInPlaceOfEducation"], false);
    let everup = v["educationRequirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "EverUp Cybersecurity Micro-credential")
        .expect("the free pathway is named");
    assert_eq!(everup["isAccessibleForFree"], true);

    // A degree is one way to show a preferred skill: listed, never the only way.
    let v = jsonld("policies/data-analytics.credo", "data_analyst");
    let degree = v["educationRequirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["credentialCategory"] == "bachelor degree")
        .expect("the degree line is listed");
    assert_eq!(
        degree["competencyRequired"],
        serde_json::json!(["Descriptive and inferential statistics"])
    );
    assert_eq!(v["experienceInPlaceOfEducation"], true);
}

#[test]
fn html_embeds_the_same_json_ld() {
    let o = credo(&[
        "posting",
        "policies/acme-cyber.credo",
        "everup_cohort",
        "--format",
        "html",
        "--as-of",
        AS_OF,
    ]);
    let html = ok_stdout(&o);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("<link") && !html.contains("src="));
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    let embedded: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        embedded,
        jsonld("policies/acme-cyber.credo", "everup_cohort")
    );
}

/// A policy whose names and titles are full of markup.
const HOSTILE: &str = r#"
policy "Escapes" { version "1" effective 2026-01-01 owner "HR" }
skill s1 "Skill <one> & *two*"
provider p { name "O'Neil & Co <Ltd>" tier trusted issuers ["https://example.org"] }
credential c { title "Cert \"A\" & <B> [x]_y" provider p skills [s1] cost free }
role r {
  title "R&D <script>alert(1)</script>"
  require s1 {
    accept any credential
    accept at least 2 artifacts
  }
}
"#;

fn temp_policy(name: &str, text: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("credo-posting-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.credo"));
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn policy_text_is_escaped_in_html_and_markdown() {
    let (dir, path) = temp_policy("hostile", HOSTILE);
    let p = path.to_str().unwrap();
    let html = ok_stdout(&credo(&[
        "posting", p, "r", "--format", "html", "--as-of", AS_OF,
    ]));
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("R&amp;D &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html
        .contains("Cert &quot;A&quot; &amp; &lt;B&gt; [x]_y from O&#39;Neil &amp; Co &lt;Ltd&gt;"));
    assert_eq!(
        html.matches("</script>").count(),
        1,
        "the JSON-LD cannot close its element"
    );
    assert!(html.contains("\\u003cscript\\u003e"));

    let md = ok_stdout(&credo(&["posting", p, "r", "--as-of", AS_OF]));
    assert!(md.contains("R&D \\<script>alert(1)\\</script>"), "{md}");
    assert!(md.contains("Skill \\<one> & \\*two\\*"), "{md}");
    assert!(md.contains("Cert \"A\" & \\<B> \\[x\\]\\_y"), "{md}");

    let kit = ok_stdout(&credo(&["kit", p, "r", "--as-of", AS_OF]));
    assert!(
        kit.contains("| Cert \"A\" & \\<B> \\[x\\]\\_y | O'Neil & Co \\<Ltd> |"),
        "{kit}"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// The Network security section of a Markdown posting.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} in {md}"));
    let rest = &md[start + heading.len()..];
    &rest[..rest.find("\n#").unwrap_or(rest.len())]
}

#[test]
fn changing_an_accept_line_changes_the_posting() {
    let original = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    let before = ok_stdout(&credo(&[
        "posting",
        "policies/acme-cyber.credo",
        "soc_analyst",
        "--as-of",
        AS_OF,
    ]));
    let net = section(&before, "#### Network security\n");
    assert!(net.contains("- 2 portfolio pieces\n"), "{net}");
    assert!(net.contains("CompTIA Security+ from CompTIA"), "{net}");

    // soc_analyst's lines: artifacts become recent labs; the credential needs 150 hours.
    let edited = original
        .replacen(
            "    accept at least 2 artifacts\n",
            "    accept at least 3 labs where age <= 1y\n",
            1,
        )
        .replacen(
            "tier >= recognized and hours >= 60",
            "tier >= recognized and hours >= 150",
            1,
        );
    assert_ne!(edited, original);
    let (dir, path) = temp_policy("edited", &edited);
    let p = path.to_str().unwrap();
    let after = ok_stdout(&credo(&["posting", p, "soc_analyst", "--as-of", AS_OF]));
    let net = section(&after, "#### Network security\n");
    assert!(!net.contains("portfolio"), "{net}");
    assert!(
        net.contains("- 3 hands-on labs in the last year\n"),
        "{net}"
    );
    assert!(
        net.contains("with at least 150 hours of study\n  - credentials that count: Google Cybersecurity Certificate from Google\n"),
        "only the 170-hour certificate has 150 hours: {net}"
    );
    assert!(!net.contains("CompTIA Security+"), "{net}");
    // The other roles' lines were not touched.
    let tech = |policy: &str| {
        ok_stdout(&credo(&[
            "posting",
            policy,
            "network_technician",
            "--as-of",
            AS_OF,
        ]))
    };
    assert_eq!(tech(p), tech("policies/acme-cyber.credo"));
    // The kit and the JSON-LD follow the same lines.
    let kit = ok_stdout(&credo(&["kit", p, "soc_analyst", "--as-of", AS_OF]));
    assert!(
        kit.contains("**Way 2:** 3 hands-on labs in the last year"),
        "{kit}"
    );
    assert!(kit.contains("completed 2025-11-25 to 2026-11-25"), "{kit}");
    let v = jsonld(p, "soc_analyst");
    let text = v["experienceRequirements"].to_string();
    assert!(text.contains("Network security (required): 3 hands-on labs in the last year"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn output_is_deterministic() {
    for args in [
        [
            "posting",
            "policies/data-analytics.credo",
            "bi_developer",
            "--format",
            "html",
        ],
        [
            "kit",
            "policies/data-analytics.credo",
            "bi_developer",
            "--as-of",
            AS_OF,
        ],
    ] {
        let mut args = args.to_vec();
        if args[0] == "posting" {
            args.extend(["--as-of", AS_OF]);
        }
        assert_eq!(credo(&args).stdout, credo(&args).stdout);
    }
}

#[test]
fn unknown_roles_exit_2_and_policy_errors_exit_1() {
    for cmd in ["posting", "kit"] {
        let o = credo(&[
            cmd,
            "policies/acme-cyber.credo",
            "soc_analist",
            "--as-of",
            AS_OF,
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("role `soc_analist` is not a role of this policy"),
            "{err}"
        );
        assert!(err.contains("did you mean `soc_analyst`?"), "{err}");
        assert!(o.stdout.is_empty());

        let bad = Path::new("tests/fixtures/check/25-unknown-skill-in-require.credo");
        let o = credo(&[cmd, bad.to_str().unwrap(), "r", "--as-of", AS_OF]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");

        let o = credo(&[
            cmd,
            "policies/acme-cyber.credo",
            "soc_analyst",
            "--as-of",
            "2026-02-30",
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
    }
    let o = credo(&[
        "posting",
        "policies/acme-cyber.credo",
        "soc_analyst",
        "--format",
        "pdf",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn kit_gives_issue_windows_and_keeps_retired_credentials_issued_before_retirement() {
    let policy = r#"
      policy "Dates" { version "1" effective 2026-01-01 owner "HR" }
      skill s "Skill"
      provider big { name "Big Co" tier trusted issuers ["https://big.example"] }
      provider old { name "Old Co" tier recognized retired 2026-06-01 }
      credential a { title "Cert A" provider big skills [s] valid_for 2y cost 200 }
      credential c { title "Cert C" provider old skills [s] cost 20 }
      role r {
        title "Dates"
        require s {
          accept any credential where issued >= 2025-01-01
          accept any credential where age <= 18mo
        }
      }
    "#;
    let loaded = credo::compile_str("dates.credo", policy);
    let policy = loaded.policy.expect("the policy checks");
    let posting = credo::posting::build(&policy, &policy.roles[0], jiff::civil::date(2026, 11, 25));
    let kit = credo::posting::kit(&posting);
    // Cert A: valid 2 years and issued on or after 2025-01-01; Cert C: only before retirement.
    assert!(kit.contains("| Cert A | Big Co | catalogue id `a`; or issuer https://big.example with title Cert A | 2025-01-01 to 2026-11-25 | 2 years from issue"), "{kit}");
    assert!(
        kit.contains(
            "| Cert C | Old Co | catalogue id `c` | 2025-01-01 to 2026-05-31 | does not expire"
        ),
        "{kit}"
    );
    // 18 months back from 2026-11-25; the valid_for window (2024-11-25) is wider.
    assert!(kit.contains("| Cert A | Big Co | catalogue id `a`; or issuer https://big.example with title Cert A | 2025-05-25 to 2026-11-25 |"), "{kit}");
    assert!(
        kit.contains("| Cert C | Old Co | catalogue id `c` | 2025-05-25 to 2026-05-31 |"),
        "{kit}"
    );
    // The posting names only what can still be earned: Cert C is retired.
    let md = credo::posting::markdown(&posting);
    assert!(
        md.contains("credentials that count: Cert A from Big Co\n"),
        "{md}"
    );
    assert!(!md.contains("Cert C"), "{md}");
}
