//! From a parsed JSON/YAML value to a [`Candidate`], checking every field. Every problem of a
//! record is found (not only the first), each with the path of its field, so that a reader
//! that has the record's text can place it (see [`super::locate`]).

use super::locate::Seg;
use super::{typed_attr, Artifact, Candidate, Education, HeldCredential, Lab, RecordError};
use crate::policy::Policy;
use jiff::civil::Date;
use serde_json::{Map, Value};

/// One problem of a record: where (a path from the record), what, and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    pub at: Vec<Seg>,
    pub error: String,
    pub help: Option<String>,
}

impl Found {
    /// A problem of the value being read itself.
    fn here(error: impl Into<String>) -> Found {
        Found {
            at: Vec::new(),
            error: error.into(),
            help: None,
        }
    }

    /// A problem of the field `key` of the mapping being read.
    fn at(key: &str, error: String) -> Found {
        Found {
            at: vec![Seg::Key(key.to_owned())],
            error,
            help: None,
        }
    }

    fn help(mut self, help: Option<String>) -> Found {
        self.help = help;
        self
    }
}

impl From<String> for Found {
    fn from(error: String) -> Found {
        Found::here(error)
    }
}

type Res<T> = Result<T, Found>;

/// Reads one record value. Its error lists every problem, placed at the record's line (see
/// [`RecordError::locate`] to place them at their fields).
pub(crate) fn candidate(
    v: &Value,
    file: &str,
    line: usize,
    policy: &Policy,
) -> Result<Candidate, RecordError> {
    build(v, policy).map_err(|found| {
        let id = v.get("id").and_then(id_string);
        RecordError::of_problems(id, file, line, found)
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
        .ok_or_else(|| Found::here(format!("{what} must be a mapping, found {}", kind(v))))
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

/// Every field of `m` that is not `allowed`, as a problem at its key. The help renames a slip
/// to the field it is close to, when the mapping does not have that field already (the
/// renamed record would then have a repeated key).
fn unknown_fields(m: &Map<String, Value>, allowed: &[&str], what: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for (k, _) in sorted(m) {
        if !allowed.contains(&k.as_str()) {
            let close = crate::diag::closest(k, allowed.iter().copied());
            let hint = close
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let help = close
                .filter(|c| !m.contains_key(*c))
                .map(|c| format!("rename `{k}` to `{c}`"));
            found.push(Found::at(k, format!("unknown field `{k}` in {what}{hint}")).help(help));
        }
    }
    found
}

fn list<'a>(m: &'a Map<String, Value>, key: &str) -> Res<&'a [Value]> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(Found::at(
            key,
            format!("`{key}` must be a list, found {}", kind(other)),
        )),
    }
}

fn string(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Found::at(
            key,
            format!("`{key}` in {what} must be a string, found {}", kind(other)),
        )),
    }
}

fn boolean(m: &Map<String, Value>, key: &str, what: &str) -> Res<bool> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(Found::at(
            key,
            format!(
                "`{key}` in {what} must be true or false, found {}",
                kind(other)
            ),
        )),
    }
}

fn number(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<f64>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => Err(Found::at(key, format!("`{key}` in {what} is out of range"))),
        },
        Some(other) => Err(Found::at(
            key,
            format!("`{key}` in {what} must be a number, found {}", kind(other)),
        )),
    }
}

fn date(m: &Map<String, Value>, key: &str, what: &str) -> Res<Option<Date>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_date_or_timestamp(s).map(Some).ok_or_else(|| {
            let help = date_fix(s).map(|d| format!("write it as `{d}`"));
            Found::at(
                key,
                format!("`{key}` in {what} is not a real date: `{s}` (write YYYY-MM-DD)"),
            )
            .help(help)
        }),
        Some(other) => Err(Found::at(
            key,
            format!(
                "`{key}` in {what} must be a date (YYYY-MM-DD), found {}",
                kind(other)
            ),
        )),
    }
}

/// A date written year first in another common form (`2024/5/1`, `2024.05.01`, `2024-5-1`) as
/// `YYYY-MM-DD`, when it is a real date: the one reading of it that is not a guess.
fn date_fix(s: &str) -> Option<String> {
    let s = s.trim();
    let mut parts = s.split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return None;
    }
    let fixed = format!("{y}-{m:0>2}-{d:0>2}");
    (fixed != s && crate::parse::parse_date(&fixed).is_some()).then_some(fixed)
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
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(Found {
                at: vec![Seg::Key(key.to_owned()), Seg::Index(i)],
                error: format!("`{key}` in {what} must list strings, found {}", kind(other)),
                help: None,
            }),
        })
        .collect()
}

fn build(v: &Value, policy: &Policy) -> Result<Candidate, Vec<Found>> {
    let mut p = Problems::default();
    let Some(m) = p.keep(object(v, "a record")) else {
        return Err(p.found);
    };
    p.all(unknown_fields(m, RECORD_FIELDS, "the record"));
    let id = match m.get("id") {
        None | Some(Value::Null) => Err(Found::here("the record has no `id`")),
        Some(v) => id_string(v).ok_or_else(|| {
            Found::at(
                "id",
                match v {
                    Value::String(_) => "`id` is empty".to_owned(),
                    other => format!("`id` must be a non-empty string, found {}", kind(other)),
                },
            )
        }),
    };
    let mut c = Candidate {
        id: p.keep(id).unwrap_or_default(),
        ..Default::default()
    };
    c.applied = p
        .keep(strings(m, "applied", "the record"))
        .unwrap_or_default();
    if let Err(found) = attributes(m.get("attributes"), policy, &mut c) {
        found
            .into_iter()
            .for_each(|f| p.push(under("attributes", f)));
    }
    if let Err(found) = protected(m.get("protected"), &mut c) {
        found
            .into_iter()
            .for_each(|f| p.push(under("protected", f)));
    }
    let items = |key: &str, p: &mut Problems| p.keep(list(m, key)).unwrap_or(&[]);
    for (i, cred) in items("credentials", &mut p).iter().enumerate() {
        let read = p.within("credentials", i, |p| credential(cred, policy, p));
        c.credentials.extend(read);
    }
    for (i, a) in items("artifacts", &mut p).iter().enumerate() {
        c.artifacts
            .extend(p.within("artifacts", i, |p| artifact(a, i, p)));
    }
    for (i, l) in items("labs", &mut p).iter().enumerate() {
        c.labs.extend(p.within("labs", i, |p| lab(l, i, p)));
    }
    for (i, w) in items("work_samples", &mut p).iter().enumerate() {
        let read = p.within("work_samples", i, |p| work_sample(w, i, p));
        c.work_samples.extend(read);
    }
    for (i, x) in items("experience", &mut p).iter().enumerate() {
        c.experience
            .extend(p.within("experience", i, |p| experience(x, i, p)));
    }
    for (i, e) in items("education", &mut p).iter().enumerate() {
        c.education
            .extend(p.within("education", i, |p| education(e, i, p)));
    }
    if p.found.is_empty() {
        Ok(c)
    } else {
        Err(p.found)
    }
}

/// The problems found in one record, in the order of its fields; while an item of a list is
/// read, placed under it (and a credential's led by `credential N: `). Nothing is allocated
/// for a record without problems.
#[derive(Default)]
struct Problems {
    found: Vec<Found>,
    /// The list and index of the item being read.
    item: Option<(&'static str, usize)>,
}

impl Problems {
    /// The value, or `None` with its problem kept.
    fn keep<T>(&mut self, r: Res<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(f) => {
                self.push(f);
                None
            }
        }
    }

    fn push(&mut self, mut f: Found) {
        if let Some((key, i)) = self.item {
            f.at.splice(0..0, [Seg::Key(key.to_owned()), Seg::Index(i)]);
            if key == "credentials" {
                f.error.insert_str(0, &format!("credential {}: ", i + 1));
            }
        }
        self.found.push(f);
    }

    fn all(&mut self, found: Vec<Found>) {
        found.into_iter().for_each(|f| self.push(f));
    }

    /// A field that must be given: its value, or `None` with its problem kept (`missing`
    /// when it is absent).
    fn required<T>(&mut self, r: Res<Option<T>>, missing: impl FnOnce() -> String) -> Option<T> {
        match self.keep(r)? {
            Some(v) => Some(v),
            None => {
                self.push(Found::here(missing()));
                None
            }
        }
    }

    /// Reads item `i` of the list `key` with its problems placed under it.
    fn within<T>(
        &mut self,
        key: &'static str,
        i: usize,
        read: impl FnOnce(&mut Problems) -> Option<T>,
    ) -> Option<T> {
        let old = self.item.replace((key, i));
        let before = self.found.len();
        let read = read(self);
        self.item = old;
        // An item with a problem is not kept (the record is an error anyway).
        read.filter(|_| self.found.len() == before)
    }
}

fn artifact(a: &Value, i: usize, p: &mut Problems) -> Option<Artifact> {
    let what = format!("artifact {}", i + 1);
    let o = p.keep(object(a, &what))?;
    p.all(unknown_fields(
        o,
        &["title", "skills", "date", "reviewed"],
        &what,
    ));
    let title = p.keep(string(o, "title", &what));
    let skills = p.keep(strings(o, "skills", &what));
    let date = p.keep(date(o, "date", &what));
    let reviewed = p.keep(boolean(o, "reviewed", &what));
    Some(Artifact {
        title: title?.unwrap_or_else(|| what.clone()),
        skills: skills?,
        date: date?,
        reviewed: reviewed?,
    })
}

fn lab(l: &Value, i: usize, p: &mut Problems) -> Option<Lab> {
    let what = format!("lab {}", i + 1);
    let o = p.keep(object(l, &what))?;
    p.all(unknown_fields(
        o,
        &["title", "skills", "completed", "hours"],
        &what,
    ));
    let hours = p.keep(number(o, "hours", &what));
    if hours.flatten().is_some_and(|h| h < 0.0) {
        p.push(Found::at("hours", format!("`hours` in {what} is negative")));
    }
    let title = p.keep(string(o, "title", &what));
    let skills = p.keep(strings(o, "skills", &what));
    let completed = p.keep(date(o, "completed", &what));
    Some(Lab {
        title: title?.unwrap_or_else(|| what.clone()),
        skills: skills?,
        completed: completed?,
        hours: hours?,
    })
}

fn work_sample(w: &Value, i: usize, p: &mut Problems) -> Option<(String, f64)> {
    let what = format!("work sample {}", i + 1);
    skill_and_number(w, &what, "score", 0.0..=100.0, p)
}

fn experience(x: &Value, i: usize, p: &mut Problems) -> Option<(String, f64)> {
    let what = format!("experience entry {}", i + 1);
    skill_and_number(x, &what, "months", 0.0..=1200.0, p)
}

/// An item that is a `skill` and a number `field` within `range` (a work sample's score, an
/// experience entry's months).
fn skill_and_number(
    x: &Value,
    what: &str,
    field: &str,
    range: std::ops::RangeInclusive<f64>,
    p: &mut Problems,
) -> Option<(String, f64)> {
    let o = p.keep(object(x, what))?;
    p.all(unknown_fields(o, &["skill", field], what));
    let skill = p.required(string(o, "skill", what), || {
        format!("{what} has no `skill`")
    });
    let n = p.required(number(o, field, what), || {
        format!("{what} has no `{field}`")
    });
    if let Some(n) = n.filter(|n| !range.contains(n)) {
        p.push(Found::at(
            field,
            format!(
                "`{field}` {n} in {what} is outside {}..{}",
                range.start(),
                range.end()
            ),
        ));
    }
    Some((skill?, n?))
}

fn education(e: &Value, i: usize, p: &mut Problems) -> Option<Education> {
    let what = format!("education entry {}", i + 1);
    let o = p.keep(object(e, &what))?;
    p.all(unknown_fields(o, &["level", "field", "completed"], &what));
    let level = p.keep(string(o, "level", &what));
    let field = p.keep(string(o, "field", &what));
    let completed = p.keep(boolean(o, "completed", &what));
    Some(Education {
        level: level?,
        field: field?,
        completed: completed?,
    })
}

/// `f` placed under the field `key`.
fn under(key: &str, mut f: Found) -> Found {
    f.at.insert(0, Seg::Key(key.to_owned()));
    f
}

/// Protected attributes (for audits only): strings, numbers or true/false. Every bad value is
/// a problem.
pub(super) fn protected(p: Option<&Value>, c: &mut Candidate) -> Result<(), Vec<Found>> {
    let Some(p) = p.filter(|p| !p.is_null()) else {
        return Ok(());
    };
    let mut found = Vec::new();
    for (k, v) in sorted(object(p, "`protected`").map_err(|f| vec![f])?) {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            other => {
                found.push(Found::at(
                    k,
                    format!(
                        "protected value `{k}` must be a string, found {}",
                        kind(other)
                    ),
                ));
                continue;
            }
        };
        c.protected.insert(k.clone(), s);
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found)
    }
}

/// Declared attributes are type-checked (every bad value is a problem); undeclared ones are
/// kept aside (rules cannot read them) and noted in the decision.
pub(super) fn attributes(
    a: Option<&Value>,
    policy: &Policy,
    c: &mut Candidate,
) -> Result<(), Vec<Found>> {
    let Some(a) = a.filter(|a| !a.is_null()) else {
        return Ok(());
    };
    let mut found = Vec::new();
    for (k, v) in sorted(object(a, "`attributes`").map_err(|f| vec![f])?) {
        let Some(&i) = policy.attr_index.get(k) else {
            c.undeclared.push(k.clone());
            continue;
        };
        if v.is_null() {
            continue;
        }
        let ty = policy.attributes[i].ty;
        match typed_attr(ty, v) {
            Some(value) => {
                c.attributes.insert(k.clone(), value);
            }
            None => {
                let ty_name = match ty {
                    crate::ast::AttrType::Bool => "bool",
                    crate::ast::AttrType::Number => "number",
                    crate::ast::AttrType::String => "string",
                    crate::ast::AttrType::Date => "date",
                };
                found.push(Found::at(
                    k,
                    format!(
                        "attribute `{k}` is declared `{ty_name}` but the record gives {}",
                        kind(v)
                    ),
                ));
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found)
    }
}

fn credential(v: &Value, policy: &Policy, p: &mut Problems) -> Option<HeldCredential> {
    let mut cred = match v.as_object().and_then(|o| o.get("jwt")) {
        Some(_) => p.keep(jwt_credential(v))?,
        None => credential_fields(v, p)?,
    };
    if let Some(signed) = signed(v) {
        cred.proof = (policy.proofs).verify(&signed, cred.issuer.as_deref(), &policy.providers);
        // With a proof, `verified` is what the proof says, never the caller's word.
        cred.verified = cred.proof == crate::proof::ProofStatus::Verified;
    }
    if let (Some(i), Some(e)) = (cred.issued, cred.expires) {
        if e < i {
            let at = ["expires", "validUntil", "expirationDate"]
                .into_iter()
                .find(|k| v.get(k).is_some())
                .unwrap_or("jwt");
            let error = format!("it expires ({e}) before it was issued ({i})");
            p.push(Found::at(at, error));
            return None;
        }
    }
    Some(cred)
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
    if let Some(f) = unknown_fields(o, &["jwt", "verified"], "a `jwt` credential")
        .into_iter()
        .next()
    {
        return Err(f);
    }
    let token = match o.get("jwt") {
        Some(Value::String(t)) => t,
        Some(other) => {
            return Err(Found::at(
                "jwt",
                format!("`jwt` must be a string, found {}", kind(other)),
            ))
        }
        None => return Err(Found::here("`jwt` is missing")),
    };
    if token.len() > crate::proof::MAX_SIGNED {
        return Err(Found::at(
            "jwt",
            format!("`jwt` is longer than {} bytes", crate::proof::MAX_SIGNED),
        ));
    }
    let vc = crate::proof::jwt::credential(token)
        .map_err(|e| Found::at("jwt", format!("`jwt`: {e}")))?;
    let mut cred = open_badge(&vc)
        .map_err(|f| Found::at("jwt", format!("the credential in `jwt`: {}", f.error)))?;
    cred.verified = boolean(o, "verified", "a `jwt` credential")?;
    Ok(cred)
}

fn credential_fields(v: &Value, p: &mut Problems) -> Option<HeldCredential> {
    let o = p.keep(object(v, "a credential"))?;
    if o.contains_key("type") || o.contains_key("credentialSubject") {
        return p.keep(open_badge(o));
    }
    let what = "the credential";
    let fields = [
        "id",
        "issuer",
        "title",
        "achievement",
        "issued",
        "expires",
        "verified",
    ];
    p.all(unknown_fields(o, &fields, what));
    let id = p.keep(string(o, "id", what));
    let issuer = p.keep(string(o, "issuer", what));
    let title = p.keep(string(o, "title", what));
    let achievement = p.keep(string(o, "achievement", what));
    let issued = p.keep(date(o, "issued", what));
    let expires = p.keep(date(o, "expires", what));
    let verified = p.keep(boolean(o, "verified", what));
    let cred = HeldCredential {
        id: id?,
        issuer: issuer?,
        title: title?,
        achievement: achievement?,
        issued: issued?,
        expires: expires?,
        verified: verified?,
        proof: crate::proof::ProofStatus::None,
    };
    if cred.id.is_none()
        && cred.achievement.is_none()
        && (cred.issuer.is_none() || cred.title.is_none())
    {
        p.push(Found::here(
            "give the credential an `id`, an `achievement`, or an `issuer` and a `title`",
        ));
        return None;
    }
    Some(cred)
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
        return Err(Found::at("type", "a credential with `type` must be an Open Badges credential (`OpenBadgeCredential` or `AchievementCredential`)".into()));
    }
    let what = "the Open Badges credential";
    let issuer = match o.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(i)) => string(i, "id", "`issuer`").map_err(|f| under("issuer", f))?,
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(Found::at(
                "issuer",
                format!(
                    "`issuer` must be a string or a mapping with `id`, found {}",
                    kind(other)
                ),
            ))
        }
    };
    let subject = |f: Found| under("credentialSubject", f);
    let achievement = match o.get("credentialSubject") {
        Some(Value::Object(s)) => match s.get("achievement") {
            Some(Value::Object(a)) => Some(a),
            None | Some(Value::Null) => None,
            Some(other) => {
                return Err(subject(Found::at(
                    "achievement",
                    format!(
                        "`credentialSubject.achievement` must be a mapping, found {}",
                        kind(other)
                    ),
                )))
            }
        },
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(Found::at(
                "credentialSubject",
                format!(
                    "`credentialSubject` must be a mapping, found {}",
                    kind(other)
                ),
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
    let in_achievement = |f: Found| subject(under("achievement", f));
    let (title, achievement_id) = match achievement {
        Some(a) => (
            string(a, "name", "`achievement`").map_err(&in_achievement)?,
            string(a, "id", "`achievement`").map_err(&in_achievement)?,
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
