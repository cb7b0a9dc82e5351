//! Policy diffs (`credo diff`): which decisions change between two versions of a policy on the
//! same records, why, and what changed in the declarations.

use crate::ast::ReqKind;
use crate::decision::{Decision, PolicyRef, Text};
use crate::policy::{Outcome, Policy};
use crate::record::{read_records_bytes, Entry, Format, RecordError};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// The old policy.
    pub old: PolicyRef<'static>,
    /// The new policy.
    pub new: PolicyRef<'static>,
    /// Evaluation date.
    pub as_of: Date,
    /// Decisions compared.
    pub compared: usize,
    /// Every decision that changed (outcome, proposed, or a skill's status).
    pub changes: Vec<Change>,
    /// Per role: `old → new` outcome transitions and how many decisions made each.
    pub transitions: BTreeMap<String, BTreeMap<String, usize>>,
    /// Declarations added, removed or changed.
    pub declarations: Vec<DeclChange>,
    /// Records that could not be read or evaluated under either version.
    pub errors: Vec<RecordError>,
}

/// One decision that changed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// Candidate id.
    pub candidate: String,
    /// Role id.
    pub role: String,
    /// Old outcome.
    pub old: Outcome,
    /// New outcome.
    pub new: Outcome,
    /// Old `proposed`.
    pub old_proposed: Option<Outcome>,
    /// New `proposed`.
    pub new_proposed: Option<Outcome>,
    /// Skills whose status changed.
    pub skills: Vec<SkillChange>,
    /// Declaration changes that explain it.
    pub causes: Vec<String>,
}

/// A skill whose met status (or the line that met it) changed.
#[derive(Clone, Debug, Serialize)]
pub struct SkillChange {
    /// Skill id.
    pub skill: String,
    /// Met under the old policy.
    pub old_met: bool,
    /// Met under the new policy.
    pub new_met: bool,
    /// The old accept line that met it, with evidence.
    pub old_via: Option<String>,
    /// The new accept line that met it, with evidence.
    pub new_via: Option<String>,
}

/// A declaration-level change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeclChange {
    /// `credential`, `provider`, `skill`, `role`, `guardrail`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// `added`, `removed`, `retired` or `changed`.
    pub change: &'static str,
    /// For `retired`: the day it was retired (the change is that date, not a field listed in
    /// `details`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Date>,
    /// What changed, one item per field.
    pub details: Vec<String>,
}

/// `credential security_plus retired on 2025-01-01`, `role soc_analyst changed: …`.
impl std::fmt::Display for DeclChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.kind, self.id, self.change)?;
        if let Some(day) = self.retired {
            write!(f, " on {day}")?;
        }
        if !self.details.is_empty() {
            write!(f, ": {}", self.details.join("; "))?;
        }
        Ok(())
    }
}

/// Compares two policies over the same records text.
pub fn diff(
    old: &Policy,
    new: &Policy,
    records: &[(String, Vec<u8>)],
    role: Option<&str>,
    as_of: Date,
) -> DiffReport {
    let mut differ = Differ::new(old, new, role, as_of);
    for (name, text) in records {
        let format = Format::from_path(name);
        let a = read_records_bytes(text, name, format, old);
        let b = read_records_bytes(text, name, format, new);
        for (ea, eb) in a.into_iter().zip(b) {
            differ.add(ea, eb);
        }
    }
    differ.finish()
}

/// Compares the decisions of two policies record by record, keeping only what changed and the
/// counts, never the records: a batch can be streamed through it. Differs of parts of a batch
/// merge ([`Differ::merge`]), so parts can be compared on several threads.
#[derive(Debug)]
pub struct Differ<'p> {
    old: &'p Policy,
    new: &'p Policy,
    role: Option<String>,
    /// The declaration changes, worked out once and shared by the parts of a batch.
    declarations: std::sync::Arc<Vec<DeclChange>>,
    /// The report so far (its declarations are filled in at the end).
    report: DiffReport,
    /// (old role index, old outcome, new outcome) → decisions.
    transitions: BTreeMap<(usize, Outcome, Outcome), usize>,
}

impl<'p> Differ<'p> {
    /// A differ for two policies and a date; `role` is `--role` (for records without
    /// `applied`, as in `credo eval`).
    pub fn new(old: &'p Policy, new: &'p Policy, role: Option<&str>, as_of: Date) -> Self {
        Differ {
            old,
            new,
            role: role.map(str::to_owned),
            declarations: std::sync::Arc::new(declarations(old, new)),
            report: empty(policy_ref(old), policy_ref(new), as_of),
            transitions: BTreeMap::new(),
        }
    }

    /// An empty differ for a part of the batch, to [`Differ::merge`] into this one later.
    pub fn part(&self) -> Self {
        Differ {
            old: self.old,
            new: self.new,
            role: self.role.clone(),
            declarations: self.declarations.clone(),
            report: empty(
                self.report.old.clone(),
                self.report.new.clone(),
                self.report.as_of,
            ),
            transitions: BTreeMap::new(),
        }
    }

    /// One record as each policy reads it: `a` by the old one, `b` by the new one.
    pub fn add(&mut self, ea: Entry, eb: Entry) {
        let (old, new, as_of) = (self.old, self.new, self.report.as_of);
        let (ca, cb) = match (ea.result, eb.result) {
            (Ok(ca), Ok(cb)) => (ca, cb),
            (Err(e), _) | (_, Err(e)) => return self.report.errors.push(e),
        };
        let roles = |p: &Policy, c| crate::eval::roles_for(p, c, self.role.as_deref());
        let (ra, rb) = match (roles(old, &ca), roles(new, &cb)) {
            (Ok(ra), Ok(rb)) => (ra, rb),
            (Err(error), _) | (_, Err(error)) => {
                return self.report.errors.push(RecordError {
                    record: Some(ca.id.clone()),
                    file: ea.file,
                    line: ea.line,
                    error,
                    problems: Vec::new(),
                })
            }
        };
        for i in ra {
            let id = &old.roles[i].id;
            let Some(j) = rb.iter().copied().find(|j| new.roles[*j].id == *id) else {
                continue;
            };
            let da = crate::eval::evaluate(old, &ca, i, as_of);
            let db = crate::eval::evaluate(new, &cb, j, as_of);
            self.report.compared += 1;
            *(self.transitions)
                .entry((i, da.outcome, db.outcome))
                .or_default() += 1;
            if let Some(c) = change(&da, &db, &self.declarations, old, new) {
                self.report.changes.push(c);
            }
        }
    }

    /// Adds what another differ of the same policies counted; its changes and record errors
    /// follow this one's: merge differs of a batch's parts in input order.
    pub fn merge(&mut self, other: Differ<'p>) {
        self.report.compared += other.report.compared;
        self.report.changes.extend(other.report.changes);
        self.report.errors.extend(other.report.errors);
        for (key, n) in other.transitions {
            *self.transitions.entry(key).or_default() += n;
        }
    }

    /// The report.
    pub fn finish(mut self) -> DiffReport {
        self.report.declarations = (*self.declarations).clone();
        for ((i, a, b), n) in self.transitions {
            *(self.report.transitions)
                .entry(self.old.roles[i].id.clone())
                .or_default()
                .entry(format!("{} → {}", a.as_str(), b.as_str()))
                .or_default() += n;
        }
        self.report
    }
}

/// A report of nothing compared yet (declarations are filled in at the end).
fn empty(old: PolicyRef<'static>, new: PolicyRef<'static>, as_of: Date) -> DiffReport {
    DiffReport {
        old,
        new,
        as_of,
        compared: 0,
        changes: Vec::new(),
        transitions: BTreeMap::new(),
        declarations: Vec::new(),
        errors: Vec::new(),
    }
}

fn policy_ref(p: &Policy) -> PolicyRef<'static> {
    PolicyRef {
        name: p.name.clone().into(),
        version: p.version.clone().into(),
        hash: p.hash.clone().into(),
    }
}

fn via_text(d: &Decision, skill: &str) -> Option<String> {
    let s = d.skills.iter().find(|s| s.skill == skill)?;
    s.via.as_ref().map(|v| {
        if v.evidence.is_empty() {
            format!("accept #{} `{}`", v.line, v.text)
        } else {
            format!(
                "accept #{} `{}` with {}",
                v.line,
                v.text,
                v.evidence.join(", ")
            )
        }
    })
}

fn change(
    a: &Decision,
    b: &Decision,
    decls: &[DeclChange],
    old: &Policy,
    new: &Policy,
) -> Option<Change> {
    let mut skills = Vec::new();
    let mut names: Vec<&str> = a.skills.iter().map(|s| &*s.skill).collect();
    for s in &b.skills {
        if !names.contains(&&*s.skill) {
            names.push(&s.skill);
        }
    }
    for name in names {
        let met = |d: &Decision| {
            d.skills
                .iter()
                .find(|s| s.skill == name)
                .is_some_and(|s| s.met)
        };
        let (ov, nv) = (via_text(a, name), via_text(b, name));
        if met(a) != met(b) || ov != nv {
            skills.push(SkillChange {
                skill: name.to_owned(),
                old_met: met(a),
                new_met: met(b),
                old_via: ov,
                new_via: nv,
            });
        }
    }
    if a.outcome == b.outcome && a.proposed == b.proposed && skills.is_empty() {
        return None;
    }
    // Causes: declaration changes touching this role, the changed skills' credentials, the
    // evidence that carried them, or the guardrails.
    let changed: Vec<&str> = skills.iter().map(|s| &*s.skill).collect();
    let evidence: Vec<&Text<'_>> = a
        .skills
        .iter()
        .chain(&b.skills)
        .filter(|s| changed.contains(&&*s.skill))
        .flat_map(|s| s.via.iter().flat_map(|v| v.evidence.iter()))
        .collect();
    let touches = |p: &Policy, cred: &str| {
        p.credential_index.get(cred).is_some_and(|&i| {
            let c = &p.credentials[i];
            evidence.iter().any(|e| **e == c.id)
                || c.skills
                    .iter()
                    .any(|s| changed.contains(&p.skills[*s].id.as_str()))
        })
    };
    let provider_touched = |p: &Policy, prov: &str| {
        p.credentials
            .iter()
            .any(|c| p.providers[c.provider].id == prov && touches(p, &c.id))
    };
    let mut causes = Vec::new();
    for d in decls {
        let relevant = match d.kind {
            "role" => d.id == a.role,
            "credential" => touches(old, &d.id) || touches(new, &d.id),
            "provider" => provider_touched(old, &d.id) || provider_touched(new, &d.id),
            "guardrail" => true,
            _ => false,
        };
        if relevant {
            causes.push(d.to_string());
        }
    }
    Some(Change {
        candidate: a.candidate.to_string(),
        role: a.role.to_string(),
        old: a.outcome,
        new: b.outcome,
        old_proposed: a.proposed,
        new_proposed: b.proposed,
        skills,
        causes,
    })
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "none".into())
}

fn field<T: PartialEq + std::fmt::Debug>(
    out: &mut Vec<String>,
    name: &str,
    a: T,
    b: T,
    show: impl Fn(&T) -> String,
) {
    if a != b {
        out.push(format!("{name} {} → {}", show(&a), show(&b)));
    }
}

/// Declaration-level differences.
pub fn declarations(old: &Policy, new: &Policy) -> Vec<DeclChange> {
    let mut out = Vec::new();
    let ids = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
    let both = |a: Vec<String>, b: Vec<String>| {
        let mut all = a.clone();
        for x in b {
            if !all.contains(&x) {
                all.push(x);
            }
        }
        all.sort();
        all
    };
    // Skills.
    for id in both(
        ids(old.skills.iter().map(|s| &s.id).collect()),
        ids(new.skills.iter().map(|s| &s.id).collect()),
    ) {
        match (old.skill_index.get(&id), new.skill_index.get(&id)) {
            (None, Some(_)) => out.push(decl("skill", &id, "added", vec![])),
            (Some(_), None) => out.push(decl("skill", &id, "removed", vec![])),
            _ => {}
        }
    }
    // Providers.
    let prov = |p: &Policy, id: &str| p.providers.iter().find(|x| x.id == id).cloned();
    for id in both(
        ids(old.providers.iter().map(|s| &s.id).collect()),
        ids(new.providers.iter().map(|s| &s.id).collect()),
    ) {
        match (prov(old, &id), prov(new, &id)) {
            (None, Some(_)) => out.push(decl("provider", &id, "added", vec![])),
            (Some(_), None) => out.push(decl("provider", &id, "removed", vec![])),
            (Some(a), Some(b)) => {
                let mut d = Vec::new();
                field(
                    &mut d,
                    "tier",
                    &old.tiers[a.tier],
                    &new.tiers[b.tier],
                    |t| t.to_string(),
                );
                field(&mut d, "issuers", &a.issuers, &b.issuers, |v| {
                    format!("{v:?}")
                });
                field(&mut d, "retired", a.retired, b.retired, opt);
                field(&mut d, "name", &a.name, &b.name, |v| format!("{v:?}"));
                if !d.is_empty() {
                    out.push(retired_or_changed(
                        "provider",
                        &id,
                        (a.retired, b.retired),
                        d,
                    ));
                }
            }
            (None, None) => {}
        }
    }
    // Credentials.
    for id in both(
        ids(old.credentials.iter().map(|s| &s.id).collect()),
        ids(new.credentials.iter().map(|s| &s.id).collect()),
    ) {
        match (old.credential_index.get(&id), new.credential_index.get(&id)) {
            (None, Some(_)) => out.push(decl("credential", &id, "added", vec![])),
            (Some(_), None) => out.push(decl("credential", &id, "removed", vec![])),
            (Some(&i), Some(&j)) => {
                let (a, b) = (&old.credentials[i], &new.credentials[j]);
                let skills = |p: &Policy, v: &[usize]| {
                    v.iter()
                        .map(|s| p.skills[*s].id.clone())
                        .collect::<Vec<_>>()
                };
                let mut d = Vec::new();
                field(&mut d, "title", &a.title, &b.title, |v| format!("{v:?}"));
                field(
                    &mut d,
                    "provider",
                    &old.providers[a.provider].id,
                    &new.providers[b.provider].id,
                    |v| v.to_string(),
                );
                field(
                    &mut d,
                    "skills",
                    skills(old, &a.skills),
                    skills(new, &b.skills),
                    |v| format!("{v:?}"),
                );
                field(
                    &mut d,
                    "assessment",
                    a.assessment.map(|x| old.assessments[x].clone()),
                    b.assessment.map(|x| new.assessments[x].clone()),
                    opt,
                );
                field(&mut d, "hours", a.hours, b.hours, opt);
                field(&mut d, "valid_for", a.valid_for, b.valid_for, opt);
                field(&mut d, "cost", a.cost, b.cost, opt);
                field(&mut d, "retired", a.retired, b.retired, opt);
                field(
                    &mut d,
                    "open_to",
                    a.open_to.as_ref().map(|o| o.src.text.clone()),
                    b.open_to.as_ref().map(|o| o.src.text.clone()),
                    |v| v.clone().unwrap_or_else(|| "everyone".into()),
                );
                field(&mut d, "aliases", &a.aliases, &b.aliases, |v| {
                    format!("{v:?}")
                });
                field(
                    &mut d,
                    "achievements",
                    &a.achievements,
                    &b.achievements,
                    |v| format!("{v:?}"),
                );
                if !d.is_empty() {
                    out.push(retired_or_changed(
                        "credential",
                        &id,
                        (a.retired, b.retired),
                        d,
                    ));
                }
            }
            (None, None) => {}
        }
    }
    // Roles.
    for id in both(
        ids(old.roles.iter().map(|s| &s.id).collect()),
        ids(new.roles.iter().map(|s| &s.id).collect()),
    ) {
        match (old.role_index.get(&id), new.role_index.get(&id)) {
            (None, Some(_)) => out.push(decl("role", &id, "added", vec![])),
            (Some(_), None) => out.push(decl("role", &id, "removed", vec![])),
            (Some(&i), Some(&j)) => {
                let d = role_changes(old, new, i, j);
                if !d.is_empty() {
                    out.push(decl("role", &id, "changed", d));
                }
            }
            (None, None) => {}
        }
    }
    // Guardrails that act on decisions.
    let (ga, gb) = (&old.guardrails, &new.guardrails);
    let mut d = Vec::new();
    field(
        &mut d,
        "min_tier",
        ga.min_tier.map(|t| old.tiers[t].clone()),
        gb.min_tier.map(|t| new.tiers[t].clone()),
        opt,
    );
    field(
        &mut d,
        "verified_only",
        ga.verified_only,
        gb.verified_only,
        |b| b.to_string(),
    );
    field(
        &mut d,
        "no_auto_decline",
        ga.no_auto_decline,
        gb.no_auto_decline,
        |b| b.to_string(),
    );
    if !d.is_empty() {
        out.push(decl("guardrail", "guardrails", "changed", d));
    }
    out
}

fn decl(kind: &'static str, id: &str, change: &'static str, details: Vec<String>) -> DeclChange {
    DeclChange {
        kind,
        id: id.to_owned(),
        change,
        retired: None,
        details,
    }
}

/// A provider's or credential's changes: `retired` (on its new retirement day, with the other
/// fields that changed) when it gained a retirement day, else `changed`.
fn retired_or_changed(
    kind: &'static str,
    id: &str,
    retired: (Option<Date>, Option<Date>),
    mut details: Vec<String>,
) -> DeclChange {
    match retired {
        (None, Some(day)) => {
            details.retain(|d| !d.starts_with("retired "));
            DeclChange {
                retired: Some(day),
                ..decl(kind, id, "retired", details)
            }
        }
        _ => decl(kind, id, "changed", details),
    }
}

fn role_changes(old: &Policy, new: &Policy, i: usize, j: usize) -> Vec<String> {
    let (a, b) = (&old.roles[i], &new.roles[j]);
    let mut d = Vec::new();
    let reqs = |p: &Policy, r: &crate::policy::Role| -> BTreeMap<String, (ReqKind, Vec<String>)> {
        r.requirements
            .iter()
            .map(|q| {
                (
                    p.skills[q.skill].id.clone(),
                    (q.kind, q.lines.iter().map(|l| l.src.text.clone()).collect()),
                )
            })
            .collect()
    };
    let (ra, rb) = (reqs(old, a), reqs(new, b));
    for (skill, (kind, lines)) in &ra {
        match rb.get(skill) {
            None => d.push(format!("skill {skill} no longer evaluated")),
            Some((k2, l2)) => {
                if kind != k2 {
                    d.push(format!("skill {skill} {:?} → {:?}", kind, k2).to_lowercase());
                }
                for l in lines.iter().filter(|l| !l2.contains(l)) {
                    d.push(format!("{skill}: removed `accept {l}`"));
                }
                for l in l2.iter().filter(|l| !lines.contains(l)) {
                    d.push(format!("{skill}: added `accept {l}`"));
                }
            }
        }
    }
    for skill in rb.keys().filter(|s| !ra.contains_key(*s)) {
        d.push(format!("skill {skill} now evaluated"));
    }
    let rules = |r: &crate::policy::Role| {
        r.decide
            .iter()
            .map(|x| x.src.text.clone())
            .collect::<Vec<_>>()
    };
    if rules(a) != rules(b) {
        d.push(format!(
            "decide [{}] → [{}]",
            rules(a).join("; "),
            rules(b).join("; ")
        ));
    }
    let elig = |r: &crate::policy::Role| r.eligible.as_ref().map(|(_, s)| s.text.clone());
    if elig(a) != elig(b) {
        d.push(format!("eligible {} → {}", opt(&elig(a)), opt(&elig(b))));
    }
    d
}
