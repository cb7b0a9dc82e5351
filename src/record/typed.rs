//! The fast path for JSON records: serde reads a line straight into typed structs, without
//! building a `serde_json::Value` tree. It only ever accepts what [`super::raw`] accepts and
//! builds the same [`Candidate`]; anything unusual (an error of any kind, an Open Badges
//! credential, a numeric id, a repeated key at any depth) returns `None` and the caller reads the record
//! again with the value-based reader, which gives the exact error message.

use super::document::Unique;
use super::{parse_date_or_timestamp, Artifact, Candidate, Education, HeldCredential, Lab};
use crate::policy::Policy;
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Record<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    applied: Option<Vec<String>>,
    attributes: Option<Unique>,
    protected: Option<Unique>,
    #[serde(borrow)]
    credentials: Option<Vec<Credential<'a>>>,
    #[serde(borrow)]
    artifacts: Option<Vec<Item<'a>>>,
    #[serde(borrow)]
    labs: Option<Vec<LabItem<'a>>>,
    work_samples: Option<Vec<Sample>>,
    experience: Option<Vec<Experience>>,
    education: Option<Vec<Degree>>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Credential<'a> {
    id: Option<String>,
    issuer: Option<String>,
    title: Option<String>,
    achievement: Option<String>,
    #[serde(borrow)]
    issued: Option<Cow<'a, str>>,
    #[serde(borrow)]
    expires: Option<Cow<'a, str>>,
    verified: Option<bool>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Item<'a> {
    title: Option<String>,
    skills: Option<Vec<String>>,
    #[serde(borrow)]
    date: Option<Cow<'a, str>>,
    reviewed: Option<bool>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct LabItem<'a> {
    title: Option<String>,
    skills: Option<Vec<String>>,
    #[serde(borrow)]
    completed: Option<Cow<'a, str>>,
    hours: Option<f64>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Sample {
    skill: Option<String>,
    score: Option<f64>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Experience {
    skill: Option<String>,
    months: Option<f64>,
}

#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Degree {
    level: Option<String>,
    field: Option<String>,
    completed: Option<bool>,
}

/// A date field: absent, or a real date; `Err` when present but not a date.
fn date(s: Option<Cow<'_, str>>) -> Result<Option<jiff::civil::Date>, ()> {
    match s {
        None => Ok(None),
        Some(s) => parse_date_or_timestamp(&s).map(Some).ok_or(()),
    }
}

mod quick;

/// Reads one JSON record the fast way (by hand when the line allows, else by serde); `None`
/// when the value-based reader must decide.
pub(super) fn candidate(line: &str, policy: &Policy) -> Option<Candidate> {
    let r = match quick::record(line) {
        Some(r) => r,
        None => serde_json::from_str(line).ok()?,
    };
    build(r, policy).ok()
}

/// For tests and fuzzing: both readings of `line` when the hand-written reader reads it and
/// serde reads it otherwise (which must never happen).
#[doc(hidden)]
pub fn quick_reader_disagrees(line: &str) -> Option<String> {
    let q = quick::record(line)?;
    let s = serde_json::from_str::<Record>(line).ok();
    (s.as_ref() != Some(&q)).then(|| format!("quick: {q:?}\nserde: {s:?}"))
}

fn build(r: Record<'_>, policy: &Policy) -> Result<Candidate, ()> {
    let id = r.id.filter(|id| !id.trim().is_empty()).ok_or(())?;
    let mut c = Candidate {
        id: id.into_owned(),
        applied: r.applied.unwrap_or_default(),
        ..Default::default()
    };
    super::raw::attributes(r.attributes.as_ref().map(|a| &a.0), policy, &mut c).map_err(drop)?;
    super::raw::protected(r.protected.as_ref().map(|p| &p.0), &mut c).map_err(drop)?;
    let credentials = r.credentials.unwrap_or_default();
    c.credentials.reserve_exact(credentials.len());
    for h in credentials {
        let cred = HeldCredential {
            id: h.id,
            issuer: h.issuer,
            title: h.title,
            achievement: h.achievement,
            issued: date(h.issued)?,
            expires: date(h.expires)?,
            verified: h.verified.unwrap_or(false),
            proof: crate::proof::ProofStatus::None,
        };
        if matches!((cred.issued, cred.expires), (Some(i), Some(e)) if e < i) {
            return Err(());
        }
        if cred.id.is_none()
            && cred.achievement.is_none()
            && (cred.issuer.is_none() || cred.title.is_none())
        {
            return Err(());
        }
        c.credentials.push(cred);
    }
    let artifacts = r.artifacts.unwrap_or_default();
    c.artifacts.reserve_exact(artifacts.len());
    for (i, a) in artifacts.into_iter().enumerate() {
        c.artifacts.push(Artifact {
            title: a.title.unwrap_or_else(|| format!("artifact {}", i + 1)),
            skills: a.skills.unwrap_or_default(),
            date: date(a.date)?,
            reviewed: a.reviewed.unwrap_or(false),
        });
    }
    let labs = r.labs.unwrap_or_default();
    c.labs.reserve_exact(labs.len());
    for (i, l) in labs.into_iter().enumerate() {
        if l.hours.is_some_and(|h| h < 0.0 || !h.is_finite()) {
            return Err(());
        }
        c.labs.push(Lab {
            title: l.title.unwrap_or_else(|| format!("lab {}", i + 1)),
            skills: l.skills.unwrap_or_default(),
            completed: date(l.completed)?,
            hours: l.hours,
        });
    }
    for w in r.work_samples.unwrap_or_default() {
        let (Some(skill), Some(score)) = (w.skill, w.score) else {
            return Err(());
        };
        if !(0.0..=100.0).contains(&score) {
            return Err(());
        }
        c.work_samples.push((skill, score));
    }
    for x in r.experience.unwrap_or_default() {
        let (Some(skill), Some(months)) = (x.skill, x.months) else {
            return Err(());
        };
        if !(0.0..=1200.0).contains(&months) {
            return Err(());
        }
        c.experience.push((skill, months));
    }
    for e in r.education.unwrap_or_default() {
        c.education.push(Education {
            level: e.level,
            field: e.field,
            completed: e.completed.unwrap_or(false),
        });
    }
    Ok(c)
}
