//! The posting as a schema.org `JobPosting` fragment (JSON-LD), for job boards and
//! applicant-tracking systems: `skills` as `DefinedTerm`s, `educationRequirements` as
//! `EducationalOccupationalCredential`s (the catalogue credentials and degrees an accept line
//! takes), `experienceRequirements` as `OccupationalExperienceRequirements` (the ways without
//! a credential, with `monthsOfExperience` where a line asks for experience), and
//! `experienceInPlaceOfEducation`.

use super::{Posting, Way};
use crate::ast::{CmpOp, Duration, ReqKind};
use crate::policy::{Cond, DEGREE_LEVELS};
use crate::render::words::{and_list, Words};
use serde_json::{json, Map, Value};

/// The `JobPosting` fragment of the role.
pub fn jsonld(p: &Posting<'_>) -> Value {
    let words = Words::new(p.policy, p.as_of);
    let mut out = Map::new();
    out.insert("@context".into(), json!("https://schema.org"));
    out.insert("@type".into(), json!("JobPosting"));
    out.insert("title".into(), json!(p.role.title));
    if let Some(e) = &p.eligibility {
        out.insert("qualifications".into(), json!(format!("Eligibility: {e}.")));
    }
    out.insert(
        "skills".into(),
        Value::Array(p.skills.iter().map(|s| skill(p, s)).collect()),
    );
    out.insert(
        "educationRequirements".into(),
        Value::Array(education(&words, p)),
    );
    let experience: Vec<Value> = p
        .skills
        .iter()
        .flat_map(|s| s.ways.iter().map(move |w| (s, w)))
        .filter(|(_, w)| w.without_credential)
        .map(|(s, w)| {
            let mut e = Map::new();
            e.insert("@type".into(), json!("OccupationalExperienceRequirements"));
            e.insert(
                "description".into(),
                json!(format!(
                    "{} ({}): {}",
                    words.skill(s.skill),
                    kind(s.kind),
                    w.words
                )),
            );
            if let Some(m) = w.months {
                e.insert("monthsOfExperience".into(), json!(m));
            }
            Value::Object(e)
        })
        .collect();
    out.insert("experienceRequirements".into(), Value::Array(experience));
    out.insert(
        "experienceInPlaceOfEducation".into(),
        json!(p.experience_in_place_of_education),
    );
    Value::Object(out)
}

fn kind(k: ReqKind) -> &'static str {
    match k {
        ReqKind::Required => "required",
        ReqKind::Preferred => "preferred",
    }
}

fn skill(p: &Posting<'_>, s: &super::SkillWays<'_>) -> Value {
    let sk = &p.policy.skills[s.skill];
    let ways: Vec<String> = s.ways.iter().map(|w| w.words.clone()).collect();
    let mut m = Map::new();
    m.insert("@type".into(), json!("DefinedTerm"));
    m.insert("name".into(), json!(sk.name));
    if let Some(code) = &sk.code {
        m.insert("termCode".into(), json!(code));
    }
    m.insert(
        "description".into(),
        json!(format!(
            "{}. Shown by any one of: {}.",
            if s.kind == ReqKind::Required {
                "Required"
            } else {
                "Preferred"
            },
            ways.join("; or ")
        )),
    );
    Value::Object(m)
}

/// One entry per catalogue credential an accept line takes, then one per degree level.
fn education(words: &Words<'_>, p: &Posting<'_>) -> Vec<Value> {
    // credential → the skills it counts toward, in first-seen order, as (name, "name (kind)").
    type Skills = Vec<(String, String)>;
    let mut creds: Vec<(usize, Skills)> = Vec::new();
    let mut degrees: Vec<(String, &'static str, Skills)> = Vec::new();
    for s in &p.skills {
        let name = words.skill(s.skill).to_owned();
        let label = (name.clone(), format!("{name} ({})", kind(s.kind)));
        for w in &s.ways {
            for &c in w.credentials.iter().flat_map(|t| &t.credentials) {
                match creds.iter_mut().find(|(x, _)| *x == c) {
                    Some((_, l)) if !l.contains(&label) => l.push(label.clone()),
                    Some(_) => {}
                    None => creds.push((c, vec![label.clone()])),
                }
            }
            for (name, category) in degree_terms(words, w) {
                match degrees.iter_mut().find(|(n, _, _)| *n == name) {
                    Some((_, _, l)) if !l.contains(&label) => l.push(label.clone()),
                    Some(_) => {}
                    None => degrees.push((name, category, vec![label.clone()])),
                }
            }
        }
    }
    let names = |l: &Skills| l.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let evidence = |l: &Skills| {
        let labels: Vec<String> = l.iter().map(|(_, k)| k.clone()).collect();
        format!("Accepted as evidence of {}.", and_list(&labels))
    };
    let mut out = Vec::new();
    for (c, skills) in creds {
        let cred = &p.policy.credentials[c];
        let provider = &p.policy.providers[cred.provider];
        let mut m = Map::new();
        m.insert("@type".into(), json!("EducationalOccupationalCredential"));
        m.insert("name".into(), json!(cred.title));
        m.insert(
            "credentialCategory".into(),
            json!("professional certificate"),
        );
        let mut org = Map::new();
        org.insert("@type".into(), json!("Organization"));
        org.insert("name".into(), json!(provider.name));
        if let Some(url) = provider.issuers.iter().find(|i| i.starts_with("https://")) {
            org.insert("url".into(), json!(url));
        }
        m.insert("provider".into(), Value::Object(org));
        if let Some(v) = cred.valid_for {
            m.insert("validFor".into(), json!(iso_duration(v)));
        }
        if let Some(cost) = cred.cost {
            // Free only for some (`open_to`) is not free for everyone.
            m.insert(
                "isAccessibleForFree".into(),
                json!(cost == 0.0 && cred.open_to.is_none()),
            );
        }
        m.insert("competencyRequired".into(), json!(names(&skills)));
        m.insert("description".into(), json!(evidence(&skills)));
        out.push(Value::Object(m));
    }
    for (name, category, skills) in degrees {
        out.push(json!({
            "@type": "EducationalOccupationalCredential",
            "name": name,
            "credentialCategory": category,
            "competencyRequired": names(&skills),
            "description": evidence(&skills),
        }));
    }
    out
}

/// The `degree` terms of a line (outside any `not`): their words and the schema.org
/// credential category of the lowest level they take.
fn degree_terms(words: &Words<'_>, w: &Way<'_>) -> Vec<(String, &'static str)> {
    fn walk(c: &Cond, words: &Words<'_>, out: &mut Vec<(String, &'static str)>) {
        match c {
            Cond::And(v) | Cond::Or(v) => v.iter().for_each(|x| walk(x, words, out)),
            Cond::Degree { level, .. } => {
                let lowest = match level {
                    None => None,
                    Some((CmpOp::Ge | CmpOp::Eq, l)) => Some(usize::from(*l)),
                    Some((CmpOp::Gt, l)) => Some(usize::from(*l) + 1),
                    Some(_) => Some(0),
                };
                let category = match lowest.and_then(|l| DEGREE_LEVELS.get(l).copied()) {
                    Some("associate") => "associate degree",
                    Some("bachelor") => "bachelor degree",
                    Some(_) => "postgraduate degree",
                    None => "degree",
                };
                out.push((words.cond(c, None), category));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(w.cond, words, &mut out);
    out
}

/// ISO 8601: `3y` → `P3Y`, `6mo` → `P6M`, `2w` → `P2W`, `90d` → `P90D`.
fn iso_duration(d: Duration) -> String {
    match d {
        Duration::Days(n) => format!("P{n}D"),
        Duration::Weeks(n) => format!("P{n}W"),
        Duration::Months(n) => format!("P{n}M"),
        Duration::Years(n) => format!("P{n}Y"),
    }
}
