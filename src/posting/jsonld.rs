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
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

/// The `JobPosting` fragment of the role.
pub fn jsonld(p: &Posting<'_>) -> Obj {
    let words = Words::new(p.policy, p.as_of);
    let mut out = Obj::default();
    out.insert("@context", json!("https://schema.org"));
    out.insert("@type", json!("JobPosting"));
    out.insert("title", json!(p.role.title));
    if let Some(e) = &p.eligibility {
        out.insert("qualifications", json!(format!("Eligibility: {e}.")));
    }
    out.insert(
        "skills",
        Node::List(p.skills.iter().map(|s| skill(p, s)).collect()),
    );
    out.insert("educationRequirements", Node::List(education(&words, p)));
    let experience: Vec<Obj> = p
        .skills
        .iter()
        .flat_map(|s| s.ways.iter().map(move |w| (s, w)))
        .filter(|(_, w)| w.without_credential)
        .map(|(s, w)| {
            let mut e = Obj::default();
            e.insert("@type", json!("OccupationalExperienceRequirements"));
            e.insert(
                "description",
                json!(format!(
                    "{} ({}): {}",
                    words.skill(s.skill),
                    kind(s.kind),
                    w.words
                )),
            );
            if let Some(m) = w.months {
                e.insert("monthsOfExperience", json!(m));
            }
            e
        })
        .collect();
    out.insert("experienceRequirements", Node::List(experience));
    out.insert(
        "experienceInPlaceOfEducation",
        json!(p.experience_in_place_of_education),
    );
    out
}

fn kind(k: ReqKind) -> &'static str {
    match k {
        ReqKind::Required => "required",
        ReqKind::Preferred => "preferred",
    }
}

fn skill(p: &Posting<'_>, s: &super::SkillWays<'_>) -> Obj {
    let sk = &p.policy.skills[s.skill];
    let ways: Vec<String> = s.ways.iter().map(|w| w.words.clone()).collect();
    let mut m = Obj::default();
    m.insert("@type", json!("DefinedTerm"));
    m.insert("name", json!(sk.name));
    if let Some(code) = &sk.code {
        m.insert("termCode", json!(code));
    }
    m.insert(
        "description",
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
    m
}

/// One entry per catalogue credential an accept line takes, then one per degree level.
fn education(words: &Words<'_>, p: &Posting<'_>) -> Vec<Obj> {
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
        let mut m = Obj::default();
        m.insert("@type", json!("EducationalOccupationalCredential"));
        m.insert("name", json!(cred.title));
        m.insert("credentialCategory", json!("professional certificate"));
        let mut org = Obj::default();
        org.insert("@type", json!("Organization"));
        org.insert("name", json!(provider.name));
        if let Some(url) = provider.issuers.iter().find(|i| i.starts_with("https://")) {
            org.insert("url", json!(url));
        }
        m.insert("provider", Node::Obj(org));
        if let Some(v) = cred.valid_for {
            m.insert("validFor", json!(iso_duration(v)));
        }
        if let Some(cost) = cred.cost {
            // Free only for some (`open_to`) is not free for everyone.
            m.insert(
                "isAccessibleForFree",
                json!(cost == 0.0 && cred.open_to.is_none()),
            );
        }
        m.insert("competencyRequired", json!(names(&skills)));
        m.insert("description", json!(evidence(&skills)));
        out.push(m);
    }
    for (name, category, skills) in degrees {
        let mut m = Obj::default();
        m.insert("@type", json!("EducationalOccupationalCredential"));
        m.insert("name", json!(name));
        m.insert("credentialCategory", json!(category));
        m.insert("competencyRequired", json!(names(&skills)));
        m.insert("description", json!(evidence(&skills)));
        out.push(m);
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

/// A JSON object whose members stay in the order they were inserted: the order does not hang
/// on whether some crate in the build turns on `serde_json/preserve_order` (a
/// `serde_json::Map` is sorted without it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Obj(Vec<(&'static str, Node)>);

/// A member's value: a JSON value without objects in it, an object, or a list of objects.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A string, number, boolean or list of them.
    Leaf(Value),
    /// An object.
    Obj(Obj),
    /// A list of objects.
    List(Vec<Obj>),
}

impl Obj {
    /// Adds a member at the end.
    pub fn insert(&mut self, key: &'static str, value: impl Into<Node>) {
        self.0.push((key, value.into()));
    }

    /// The value of a member.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl From<Value> for Node {
    fn from(v: Value) -> Node {
        Node::Leaf(v)
    }
}

impl From<Obj> for Node {
    fn from(o: Obj) -> Node {
        Node::Obj(o)
    }
}

impl Serialize for Obj {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Leaf(v) => v.serialize(s),
            Node::Obj(o) => o.serialize(s),
            Node::List(l) => l.serialize(s),
        }
    }
}
