//! From a parsed JSON/YAML value to a [`Candidate`], checking every field.

use super::{typed_attr, Artifact, Candidate, Education, HeldCredential, Lab, RecordError};
use crate::policy::Policy;
use jiff::civil::Date;
use serde_json::{Map, Value};

type Res<T> = Result<T, String>;

/// Reads one record value.
pub(crate) fn candidate(
    v: &Value,
    file: &str,
    line: usize,
    policy: &Policy,
) -> Result<Candidate, RecordError> {
    let id = v.get("id").and_then(id_string);
    build(v, policy).map_err(|error| RecordError {
        record: id,
        file: file.to_owned(),
        line,
        error,
    })
}

pub(super) fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const RECORD_FIELDS: &[&str] = &[
    "id",
    "applied",
    "attributes",
    "protected",
    "credentials",
    "artifacts",
    "labs",
    "work_samples",
    "experience",
    "education",
];

fn object<'a>(v: &'a Value, what: &str) -> Res<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be a mapping, found {}", kind(v)))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The keys of a mapping in sorted order: what a record's error or notes say does not hang on
/// whether some crate in the build turns on `serde_json/preserve_order` (which keeps the
/// document's order).
fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(b.0));
    v
}

fn check_fields(m: &Map<String, Value>, allowed: &[&str], what: &str) -> Res<()> {
    for (k, _) in sorted(m) {
        if !allowed.contains(&k.as_str()) {
            let hint = crate::diag::did_you_mean(k, allowed.iter().copied())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(format!("unknown field `{k}` in {what}{hint}"));
        }
    }
    Ok(())
}

fn list<'a>(m: &'a Map<String, Value>, key: &str) -> Res<&'a [Value]> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(format!("`{key}` must be a list, found {}", kind(other))),
    }
}

fn string(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`{key}` in {what} must be a string, found {}",
            kind(other)
        )),
    }
}

fn boolean(m: &Map<String, Value>, key: &str, what: &str) -> Res<bool> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "`{key}` in {what} must be true or false, found {}",
            kind(other)
        )),
    }
}

fn number(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<f64>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => Err(format!("`{key}` in {what} is out of range")),
        },
        Some(other) => Err(format!(
            "`{key}` in {what} must be a number, found {}",
            kind(other)
        )),
    }
}

fn date(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<Date>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_date_or_timestamp(s).map(Some).ok_or_else(|| {
            format!("`{key}` in {what} is not a real date: `{s}` (write YYYY-MM-DD)")
        }),
        Some(other) => Err(format!(
            "`{key}` in {what} must be a date (YYYY-MM-DD), found {}",
            kind(other)
        )),
    }
}

/// `YYYY-MM-DD`, or an RFC 3339 timestamp (Open Badges), whose UTC date is taken.
pub fn parse_date_or_timestamp(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() == 10 {
        return crate::parse::parse_date(s);
    }
    if s.len() > 10 && s.as_bytes()[10] == b'T' {
        return s
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    None
}

fn strings(m: &Map<String, Value>, key: &str, what: &str) -> Res<Vec<String>> {
    list(m, key)?
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(format!(
                "`{key}` in {what} must list strings, found {}",
                kind(other)
            )),
        })
        .collect()
}

fn build(v: &Value, policy: &Policy) -> Res<Candidate> {
    let m = object(v, "a record")?;
    // Every problem of the record is reported, not only the first: each part (a list, each
    // item of one) is checked on its own and its problem kept.
    let mut problems = Problems::default();
    problems.keep(check_fields(m, RECORD_FIELDS, "the record"));
    let id = match m.get("id") {
        None | Some(Value::Null) => Err("the record has no `id`".into()),
        Some(v) => id_string(v).ok_or_else(|| match v {
            Value::String(_) => "`id` is empty".to_owned(),
            other => format!("`id` must be a non-empty string, found {}", kind(other)),
        }),
    };
    let mut c = Candidate {
        id: problems.keep(id).unwrap_or_default(),
        ..Default::default()
    };
    c.applied = problems
        .keep(strings(m, "applied", "the record"))
        .unwrap_or_default();
    problems.keep(attributes(m.get("attributes"), policy, &mut c));
    problems.keep(protected(m.get("protected"), &mut c));
    let items = |key: &str, problems: &mut Problems| problems.keep(list(m, key)).unwrap_or(&[]);
    for (i, cred) in items("credentials", &mut problems).iter().enumerate() {
        let cred = credential(cred, policy).map_err(|e| format!("credential {}: {e}", i + 1));
        c.credentials.extend(problems.keep(cred));
    }
    for (i, a) in items("artifacts", &mut problems).iter().enumerate() {
        c.artifacts.extend(problems.keep(artifact(a, i)));
    }
    for (i, l) in items("labs", &mut problems).iter().enumerate() {
        c.labs.extend(problems.keep(lab(l, i)));
    }
    for (i, w) in items("work_samples", &mut problems).iter().enumerate() {
        c.work_samples.extend(problems.keep(work_sample(w, i)));
    }
    for (i, x) in items("experience", &mut problems).iter().enumerate() {
        c.experience.extend(problems.keep(experience(x, i)));
    }
    for (i, e) in items("education", &mut problems).iter().enumerate() {
        c.education.extend(problems.keep(education(e, i)));
    }
    problems.into_result(c)
}

/// The problems found in one record, in the order of its fields.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// The value, or `None` with its problem kept.
    fn keep<T>(&mut self, r: Res<T>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    /// The candidate when nothing was wrong; else every problem, in order, as one error.
    fn into_result(self, c: Candidate) -> Res<Candidate> {
        match self.0.as_slice() {
            [] => Ok(c),
            [one] => Err(one.clone()),
            many => Err(format!("{} problems: {}", many.len(), many.join("; "))),
        }
    }
}

fn artifact(a: &Value, i: usize) -> Res<Artifact> {
    let what = format!("artifact {}", i + 1);
    let o = object(a, &what)?;
    check_fields(o, &["title", "skills", "date", "reviewed"], &what)?;
    Ok(Artifact {
        title: string(o, "title", &what)?.unwrap_or_else(|| what.clone()),
        skills: strings(o, "skills", &what)?,
        date: date(o, "date", &what)?,
        reviewed: boolean(o, "reviewed", &what)?,
    })
}

fn lab(l: &Value, i: usize) -> Res<Lab> {
    let what = format!("lab {}", i + 1);
    let o = object(l, &what)?;
    check_fields(o, &["title", "skills", "completed", "hours"], &what)?;
    let hours = number(o, "hours", &what)?;
    if hours.is_some_and(|h| h < 0.0) {
        return Err(format!("`hours` in {what} is negative"));
    }
    Ok(Lab {
        title: string(o, "title", &what)?.unwrap_or_else(|| what.clone()),
        skills: strings(o, "skills", &what)?,
        completed: date(o, "completed", &what)?,
        hours,
    })
}

fn work_sample(w: &Value, i: usize) -> Res<(String, f64)> {
    let what = format!("work sample {}", i + 1);
    let o = object(w, &what)?;
    check_fields(o, &["skill", "score"], &what)?;
    let skill = string(o, "skill", &what)?.ok_or_else(|| format!("{what} has no `skill`"))?;
    let score = number(o, "score", &what)?.ok_or_else(|| format!("{what} has no `score`"))?;
    if !(0.0..=100.0).contains(&score) {
        return Err(format!("`score` {score} in {what} is outside 0..100"));
    }
    Ok((skill, score))
}

fn experience(x: &Value, i: usize) -> Res<(String, f64)> {
    let what = format!("experience entry {}", i + 1);
    let o = object(x, &what)?;
    check_fields(o, &["skill", "months"], &what)?;
    let skill = string(o, "skill", &what)?.ok_or_else(|| format!("{what} has no `skill`"))?;
    let months = number(o, "months", &what)?.ok_or_else(|| format!("{what} has no `months`"))?;
    if !(0.0..=1200.0).contains(&months) {
        return Err(format!("`months` {months} in {what} is outside 0..1200"));
    }
    Ok((skill, months))
}

fn education(e: &Value, i: usize) -> Res<Education> {
    let what = format!("education entry {}", i + 1);
    let o = object(e, &what)?;
    check_fields(o, &["level", "field", "completed"], &what)?;
    Ok(Education {
        level: string(o, "level", &what)?,
        field: string(o, "field", &what)?,
        completed: boolean(o, "completed", &what)?,
    })
}

/// Protected attributes (for audits only): strings, numbers or true/false.
pub(super) fn protected(p: Option<&Value>, c: &mut Candidate) -> Res<()> {
    let Some(p) = p.filter(|p| !p.is_null()) else {
        return Ok(());
    };
    for (k, v) in sorted(object(p, "`protected`")?) {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            other => {
                return Err(format!(
                    "protected value `{k}` must be a string, found {}",
                    kind(other)
                ))
            }
        };
        c.protected.insert(k.clone(), s);
    }
    Ok(())
}

/// Declared attributes are type-checked; undeclared ones are kept aside (rules cannot read
/// them) and noted in the decision.
pub(super) fn attributes(a: Option<&Value>, policy: &Policy, c: &mut Candidate) -> Res<()> {
    let Some(a) = a.filter(|a| !a.is_null()) else {
        return Ok(());
    };
    for (k, v) in sorted(object(a, "`attributes`")?) {
        let Some(&i) = policy.attr_index.get(k) else {
            c.undeclared.push(k.clone());
            continue;
        };
        if v.is_null() {
            continue;
        }
        let ty = policy.attributes[i].ty;
        let value = typed_attr(ty, v).ok_or_else(|| {
            let ty_name = match ty {
                crate::ast::AttrType::Bool => "bool",
                crate::ast::AttrType::Number => "number",
                crate::ast::AttrType::String => "string",
                crate::ast::AttrType::Date => "date",
            };
            format!(
                "attribute `{k}` is declared `{ty_name}` but the record gives {}",
                kind(v)
            )
        })?;
        c.attributes.insert(k.clone(), value);
    }
    Ok(())
}

fn credential(v: &Value, policy: &Policy) -> Res<HeldCredential> {
    let mut cred = match v.as_object().and_then(|o| o.get("jwt")) {
        Some(_) => jwt_credential(v)?,
        None => credential_fields(v)?,
    };
    if let Some(signed) = signed(v) {
        cred.proof = (policy.proofs).verify(&signed, cred.issuer.as_deref(), &policy.providers);
        // With a proof, `verified` is what the proof says, never the caller's word.
        cred.verified = cred.proof == crate::proof::ProofStatus::Verified;
    }
    if let (Some(i), Some(e)) = (cred.issued, cred.expires) {
        if e < i {
            return Err(format!("it expires ({e}) before it was issued ({i})"));
        }
    }
    Ok(cred)
}

/// The credential as signed, when it carries a proof or is a JWT.
fn signed(v: &Value) -> Option<crate::proof::Signed> {
    use crate::proof::Signed;
    let o = v.as_object()?;
    if let Some(Value::String(t)) = o.get("jwt") {
        return Some(Signed::Jwt(t.as_str().into()));
    }
    // `verified` is the caller's flag beside the credential, not part of what the issuer signed.
    o.contains_key("proof").then(|| {
        let mut signed = o.clone();
        signed.remove("verified");
        Signed::Embedded(std::sync::Arc::new(signed))
    })
}

/// `{ jwt: "eyJ…" }` (and an optional `verified`): the Open Badges credential the JWT carries.
fn jwt_credential(v: &Value) -> Res<HeldCredential> {
    let o = object(v, "a credential")?;
    check_fields(o, &["jwt", "verified"], "a `jwt` credential")?;
    let token = match o.get("jwt") {
        Some(Value::String(t)) => t,
        Some(other) => return Err(format!("`jwt` must be a string, found {}", kind(other))),
        None => return Err("`jwt` is missing".into()),
    };
    if token.len() > crate::proof::MAX_SIGNED {
        return Err(format!(
            "`jwt` is longer than {} bytes",
            crate::proof::MAX_SIGNED
        ));
    }
    let vc = crate::proof::jwt::credential(token).map_err(|e| format!("`jwt`: {e}"))?;
    let mut cred = open_badge(&vc).map_err(|e| format!("the credential in `jwt`: {e}"))?;
    cred.verified = boolean(o, "verified", "a `jwt` credential")?;
    Ok(cred)
}

fn credential_fields(v: &Value) -> Res<HeldCredential> {
    let o = object(v, "a credential")?;
    if o.contains_key("type") || o.contains_key("credentialSubject") {
        return open_badge(o);
    }
    let what = "the credential";
    check_fields(
        o,
        &[
            "id",
            "issuer",
            "title",
            "achievement",
            "issued",
            "expires",
            "verified",
        ],
        what,
    )?;
    let cred = HeldCredential {
        id: string(o, "id", what)?,
        issuer: string(o, "issuer", what)?,
        title: string(o, "title", what)?,
        achievement: string(o, "achievement", what)?,
        issued: date(o, "issued", what)?,
        expires: date(o, "expires", what)?,
        verified: boolean(o, "verified", what)?,
        proof: crate::proof::ProofStatus::None,
    };
    if cred.id.is_none()
        && cred.achievement.is_none()
        && (cred.issuer.is_none() || cred.title.is_none())
    {
        return Err(
            "give the credential an `id`, an `achievement`, or an `issuer` and a `title`".into(),
        );
    }
    Ok(cred)
}

/// An Open Badges 3.0 / W3C Verifiable Credential (1.1's `issuanceDate`/`expirationDate` too).
/// Other VC fields (`@context`, `proof`, …) are allowed; a `proof` is checked by
/// [`crate::proof::verify`] (SPEC §15), and without one the caller's `verified` stands.
fn open_badge(o: &Map<String, Value>) -> Res<HeldCredential> {
    let types: Vec<&str> = match o.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types
        .iter()
        .any(|t| *t == "OpenBadgeCredential" || *t == "AchievementCredential")
    {
        return Err("a credential with `type` must be an Open Badges credential (`OpenBadgeCredential` or `AchievementCredential`)".into());
    }
    let what = "the Open Badges credential";
    let issuer = match o.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(i)) => string(i, "id", "`issuer`")?,
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(format!(
                "`issuer` must be a string or a mapping with `id`, found {}",
                kind(other)
            ))
        }
    };
    let achievement = match o.get("credentialSubject") {
        Some(Value::Object(s)) => match s.get("achievement") {
            Some(Value::Object(a)) => Some(a),
            None | Some(Value::Null) => None,
            Some(other) => {
                return Err(format!(
                    "`credentialSubject.achievement` must be a mapping, found {}",
                    kind(other)
                ))
            }
        },
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(format!(
                "`credentialSubject` must be a mapping, found {}",
                kind(other)
            ))
        }
    };
    let issued = match date(o, "validFrom", what)? {
        Some(d) => Some(d),
        None => date(o, "issuanceDate", what)?,
    };
    let expires = match date(o, "validUntil", what)? {
        Some(d) => Some(d),
        None => date(o, "expirationDate", what)?,
    };
    let (title, achievement_id) = match achievement {
        Some(a) => (
            string(a, "name", "`achievement`")?,
            string(a, "id", "`achievement`")?,
        ),
        None => (None, None),
    };
    Ok(HeldCredential {
        id: None,
        issuer,
        title,
        achievement: achievement_id,
        issued,
        expires,
        verified: boolean(o, "verified", what)?,
        proof: crate::proof::ProofStatus::None,
    })
}
