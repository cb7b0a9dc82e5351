//! The plain-words renderer on every form a condition can take: each accept line, eligibility
//! rule and decide rule of a policy written to exercise them, next to its source text.

use credo::render::words::Words;

const POLICY: &str = r#"
policy "Words" { version "1" effective 2026-01-01 owner "HR" }
attribute enrolled bool
attribute credits  number
attribute campus   string
attribute start    date

skill s "Skill"
skill t "Other skill"

provider big   { name "Big Co" tier trusted issuers ["https://big.example"] }
provider small { name "Small Co" tier recognized }
provider old   { name "Old Co" tier recognized retired 2026-06-01 }

credential a { title "Cert A" provider big   skills [s, t] assessment proctored_exam hours 40 valid_for 2y cost 200 }
credential b { title "Cert B" provider small skills [s] assessment portfolio hours 100 cost free }
credential c { title "Cert C" provider old   skills [s] assessment completion hours 10 cost 20 }

role r {
  title "Every form"
  eligible when (candidate.enrolled == true and candidate.credits > 29) or candidate.campus in ["North", "South"] or candidate.start >= 2026-09-01
  require s {
    accept at least 2 credentials where tier == trusted or hours > 50
    accept any credential where id in [a, b]
    accept any credential where id != c and provider in [big, small]
    accept any credential where provider != old and tier < trusted
    accept any credential where cost == 0
    accept any credential where cost <= 250 and issued >= 2025-01-01
    accept any credential where age < 18mo and assessment in [portfolio, proctored_exam]
    accept any credential where age >= 1y and assessment != completion
    accept any credential where verified and not (tier > recognized)
    accept any credential where not verified
    accept at least 1 artifact where reviewed == false and age < 90d
    accept at least 3 labs where hours <= 1 or age > 2w
    accept at least 1 lab where hours == 4
    accept work_sample > 80 or work_sample < 20
    accept experience > 2y and not (experience == 30mo)
    accept degree or degree == master or degree > associate or degree < master
    accept not (at least 1 artifact) and candidate.campus != "East"
    accept not (any credential where provider == old) and not (at least 2 labs)
  }
  prefer t
  decide {
    advance when required_met == required_total and preferred_met > 0
    review  when coverage >= 50% or required_missing < 2 or met(s)
    review  when preferred_total != 1 and not candidate.enrolled
    decline otherwise
  }
}
"#;

#[test]
fn every_condition_form_in_words() {
    let loaded = credo::compile_str("words.credo", POLICY);
    let errors: Vec<String> = loaded.diags.iter().map(|d| format!("{d:?}")).collect();
    let policy = loaded.policy.unwrap_or_else(|| panic!("{errors:#?}"));
    let words = Words::new(&policy, jiff::civil::date(2026, 11, 25));
    let role = &policy.roles[0];
    let mut out = String::new();
    if let Some((cond, src)) = &role.eligible {
        out += &format!(
            "eligible when {}\n  = {}\n",
            src.text,
            words.cond(cond, None)
        );
    }
    for req in &role.requirements {
        for line in &req.lines {
            out += &format!(
                "accept {}\n  = {}\n",
                line.src.text,
                words.cond(&line.cond, Some(req.skill))
            );
            for term in words.credential_terms(&line.cond, Some(req.skill)) {
                let names: Vec<String> = term
                    .credentials
                    .iter()
                    .map(|c| words.credential(*c))
                    .collect();
                out += &format!("    {} → [{}]\n", term.words, names.join("; "));
            }
        }
    }
    for rule in &role.decide {
        out += &format!("{}\n  = {}\n", rule.src.text, words.rule(rule));
    }
    insta::assert_snapshot!(out);
}
