//! Evaluation: a compiled [`Policy`], one [`Candidate`], one role and an explicit `as_of` give a
//! [`Decision`] that explains itself (SPEC §5). Never reads the clock.
//!
//! Two paths share one set of facts: [`evaluate`] builds the whole decision with its trace;
//! [`decide_fast`] gives only the outcome and the met skills, from a candidate prepared once
//! with [`Facts::new`] (names looked up, dates as day numbers) on the policy's [`Index`].

mod calendar;
mod distinct;
use distinct::Distinct;
mod evidence;
mod facts;
mod fast;
mod index;

use crate::ast::ReqKind;
use crate::decision::*;
use crate::policy::{Outcome, Policy, Role};
use crate::record::Candidate;
use evidence::{Prepared, Scope};
pub use facts::Facts;
pub use fast::{decide_fast, decide_into, Summary};
pub use index::Index;
use jiff::civil::Date;

/// Which roles a record is evaluated for: its `applied` roles, else `--role`, else every role.
/// An applied or requested role the policy does not have is an error.
pub fn roles_for(
    policy: &Policy,
    cand: &Candidate,
    role: Option<&str>,
) -> Result<Vec<usize>, String> {
    let wanted: Vec<&str> = if !cand.applied.is_empty() {
        cand.applied.iter().map(String::as_str).collect()
    } else if let Some(r) = role {
        vec![r]
    } else {
        return Ok((0..policy.roles.len()).collect());
    };
    let mut out = Distinct::with_capacity(wanted.len().min(policy.roles.len()));
    for w in wanted {
        match policy.role_index.get(w) {
            Some(&i) => {
                out.insert(i);
            }
            None => {
                let mut names: Vec<&str> = policy.roles.iter().map(|r| r.id.as_str()).collect();
                names.sort_unstable();
                let hint = crate::diag::did_you_mean(w, names.iter().copied())
                    .map(|h| format!("; {h}"))
                    .unwrap_or_else(|| format!("; the roles are {}", crate::diag_list(&names)));
                return Err(format!("role `{w}` is not in the policy{hint}"));
            }
        }
    }
    Ok(out.into_vec())
}

/// Evaluates one candidate for one role (an index into `policy.roles`) as of a date.
///
/// The decision borrows the policy's text (rule and line texts, ids) rather than copying it;
/// the record's text it quotes (its id, titles) is copied, so the decision outlives the
/// candidate. [`Decision::into_owned`] detaches it from the policy too.
pub fn evaluate<'p>(
    policy: &'p Policy,
    cand: &Candidate,
    role: usize,
    as_of: Date,
) -> Decision<'p> {
    let r = &policy.roles[role];
    let prep = Prepared::new(policy, cand, as_of);

    let eligible = r.eligible.as_ref().map(|(cond, src)| {
        let mut terms = Vec::new();
        let holds = prep.eval(cond, &Scope::Evidence(None), Some(&mut terms));
        LineTrace {
            line: 1,
            text: src.text.as_str().into(),
            at: policy.index.eligible_at[role].as_str().into(),
            holds,
            terms,
        }
    });

    let skills: Vec<SkillResult> = (r.requirements.iter())
        .zip(&policy.index.line_at[role])
        .map(|(req, line_at)| {
            let mut tried = Vec::with_capacity(req.lines.len());
            let mut via = None;
            for (i, line) in req.lines.iter().enumerate() {
                let mut terms = Vec::new();
                let holds = prep.eval(
                    &line.cond,
                    &Scope::Evidence(Some(req.skill)),
                    Some(&mut terms),
                );
                if holds && via.is_none() {
                    via = Some(Via {
                        line: i + 1,
                        text: line.src.text.as_str().into(),
                        at: line_at[i].as_str().into(),
                        evidence: evidence_of(&terms),
                    });
                }
                tried.push(LineTrace {
                    line: i + 1,
                    text: line.src.text.as_str().into(),
                    at: line_at[i].as_str().into(),
                    holds,
                    terms,
                });
            }
            SkillResult {
                skill: policy.skills[req.skill].id.as_str().into(),
                kind: req.kind,
                met: via.is_some(),
                via,
                tried,
            }
        })
        .collect();

    let met: Vec<bool> = skills.iter().map(|s| s.met).collect();
    let counts = counts_for(r, &met);
    let mut guardrails = Vec::new();
    let (mut outcome, rule) = match &eligible {
        Some(e) if !e.holds => (
            Outcome::Ineligible,
            RuleRef {
                text: policy.index.eligible_rule[role].as_str().into(),
                at: e.at.clone(),
                default: false,
            },
        ),
        _ => decide(&prep, role, &met, &counts),
    };
    let mut proposed = None;
    if outcome == Outcome::Decline && policy.guardrails.no_auto_decline {
        proposed = Some(Outcome::Decline);
        outcome = Outcome::Review;
        guardrails.push(GuardrailEffect {
            name: Text::Borrowed("no_auto_decline"),
            effect: "decline changed to review".into(),
            reason: None,
        });
    }
    for (name, reason) in &r.exceptions {
        guardrails.push(GuardrailEffect {
            name: name.as_str().into(),
            effect: Text::Borrowed("waived for this role by an exception"),
            reason: Some(reason.as_str().into()),
        });
    }

    let mut waived: Vec<Text<'p>> = Vec::new();
    let mut hours_saved = 0.0;
    for m in &r.onboarding {
        if (r.requirements.iter().zip(&met)).any(|(q, ok)| q.skill == m.waived_by && *ok) {
            waived.push(m.id.as_str().into());
            hours_saved += m.hours;
        }
    }

    let mut would_change = Vec::new();
    if outcome != Outcome::Ineligible {
        let mut alt = met.clone();
        for (i, (req, s)) in r.requirements.iter().zip(&skills).enumerate() {
            if s.met {
                continue;
            }
            alt[i] = true;
            let alt_counts = counts_for(r, &alt);
            let rules = first_rule(&prep.facts, role, &alt, &alt_counts)
                .map_or(Outcome::Review, |k| r.decide[k].outcome);
            alt[i] = false;
            let (o, proposed_if_met) =
                if rules == Outcome::Decline && policy.guardrails.no_auto_decline {
                    (Outcome::Review, Some(Outcome::Decline))
                } else {
                    (rules, None)
                };
            would_change.push(WouldChange {
                skill: s.skill.clone(),
                kind: req.kind,
                outcome_if_met: o,
                proposed_if_met,
                changes: o != outcome || proposed_if_met != proposed,
            });
        }
    }

    // Onboarding and next steps are about joining the role: not for ineligible candidates.
    let next_steps = if outcome == Outcome::Ineligible {
        waived.clear();
        hours_saved = 0.0;
        Vec::new()
    } else {
        next_steps(&prep, role, &skills)
    };
    let notes = notes(&prep);

    Decision {
        candidate: Text::Owned(cand.id.clone()),
        role: r.id.as_str().into(),
        outcome,
        proposed,
        as_of,
        policy: PolicyRef {
            name: policy.name.as_str().into(),
            version: policy.version.as_str().into(),
            hash: policy.hash.as_str().into(),
        },
        rule,
        eligible,
        skills,
        counts,
        onboarding: Onboarding {
            waived,
            hours_saved,
        },
        would_change,
        next_steps,
        guardrails,
        notes,
    }
}

/// The decision for a role id that belongs to another policy (the library API's
/// [`crate::RoleId`] from a policy since swapped out): no rule of this policy can be applied,
/// so it fails closed to `review`, and its note says why.
pub(crate) fn foreign_role<'p>(policy: &'p Policy, cand: &Candidate, as_of: Date) -> Decision<'p> {
    Decision {
        candidate: Text::Owned(cand.id.clone()),
        role: Text::Borrowed(""),
        outcome: Outcome::Review,
        proposed: None,
        as_of,
        policy: PolicyRef {
            name: policy.name.as_str().into(),
            version: policy.version.as_str().into(),
            hash: policy.hash.as_str().into(),
        },
        rule: RuleRef {
            text: Text::Borrowed("the role belongs to another policy"),
            at: Text::Borrowed(""),
            default: true,
        },
        eligible: None,
        skills: Vec::new(),
        counts: counts_for_none(),
        onboarding: Onboarding {
            waived: Vec::new(),
            hours_saved: 0.0,
        },
        would_change: Vec::new(),
        next_steps: Vec::new(),
        guardrails: Vec::new(),
        notes: vec![
            "the role id was taken from another policy (another hash): no rule was applied and a person must review; take role ids from the policy that decides".to_owned(),
        ],
    }
}

fn counts_for_none() -> Counts {
    Counts {
        required_met: 0,
        required_missing: 0,
        required_total: 0,
        preferred_met: 0,
        preferred_total: 0,
        coverage: 1.0,
    }
}

/// The decide counters of a role, given whether each requirement is met.
pub(crate) fn counts_for(r: &Role, met: &[bool]) -> Counts {
    let mut c = counts_for_none();
    for (req, m) in r.requirements.iter().zip(met) {
        match req.kind {
            ReqKind::Required => {
                c.required_total += 1;
                if *m {
                    c.required_met += 1;
                } else {
                    c.required_missing += 1;
                }
            }
            ReqKind::Preferred => {
                c.preferred_total += 1;
                if *m {
                    c.preferred_met += 1;
                }
            }
        }
    }
    if c.required_total > 0 {
        c.coverage = f64::from(c.required_met) / f64::from(c.required_total);
    }
    c
}

/// The index of the first decide rule that holds (`None`: no rule held, which the checker
/// rules out).
pub(crate) fn first_rule(
    facts: &Facts<'_>,
    role: usize,
    met: &[bool],
    counts: &Counts,
) -> Option<usize> {
    let r = &facts.policy.roles[role];
    let scope = Scope::Decide {
        skills: &facts.policy.index.role_skills[role],
        met,
        counts,
    };
    r.decide.iter().position(|rule| {
        rule.cond
            .as_ref()
            .is_none_or(|c| facts.holds(c, &scope, None))
    })
}

/// The first decide rule that holds.
fn decide<'p>(
    prep: &Prepared<'p, '_>,
    role: usize,
    met: &[bool],
    counts: &Counts,
) -> (Outcome, RuleRef<'p>) {
    let r = &prep.policy.roles[role];
    match first_rule(&prep.facts, role, met, counts) {
        Some(i) => {
            let rule = &r.decide[i];
            (
                rule.outcome,
                RuleRef {
                    text: rule.src.text.as_str().into(),
                    at: prep.policy.index.rule_at[role][i].as_str().into(),
                    default: rule.default,
                },
            )
        }
        // The checker guarantees an `otherwise`; fail closed to a human if it is ever missing.
        None => (
            Outcome::Review,
            RuleRef {
                text: Text::Borrowed("no decide rule held"),
                at: r.at.to_string().into(),
                default: true,
            },
        ),
    }
}

/// The evidence a holding line used, as short strings.
fn evidence_of<'a>(terms: &[TermTrace<'a>]) -> Vec<Text<'a>> {
    let mut out = Vec::new();
    for t in terms.iter().filter(|t| t.holds) {
        match &t.detail {
            Detail::Credentials { accepted, .. } => out.extend(accepted.iter().cloned()),
            Detail::Items { matching, .. } => out.extend(matching.iter().cloned()),
            Detail::WorkSample { best: Some(b), .. } => out.push(format!("work_sample {b}").into()),
            Detail::Experience {
                months: Some(m), ..
            } => out.push(format!("experience {m} months").into()),
            Detail::Attribute {
                attribute,
                value: Some(v),
            } => out.push(
                format!(
                    "candidate.{attribute} = {}",
                    serde_json::to_string(v).unwrap_or_default()
                )
                .into(),
            ),
            Detail::Degree { highest: Some(h) } => out.push(format!("degree: {h}").into()),
            _ => {}
        }
    }
    out.dedup();
    out
}

/// SPEC §5 step 7: for each unmet skill (required first), up to 3 catalogue credentials that
/// list it and would meet one of its accept lines if held fresh and verified.
fn next_steps<'p>(
    prep: &Prepared<'p, '_>,
    role: usize,
    skills: &[SkillResult<'p>],
) -> Vec<NextStep<'p>> {
    let r = &prep.policy.roles[role];
    let policy = prep.policy;
    let mut out = Vec::new();
    for kind in [ReqKind::Required, ReqKind::Preferred] {
        for (q, (req, s)) in r.requirements.iter().zip(skills).enumerate() {
            if s.met || req.kind != kind {
                continue;
            }
            // The skill is unmet: a line without a credential term stays false.
            let line_ids = &policy.index.credential_lines[role][q];
            let mut found = match suggested(prep, line_ids.iter().map(|&l| &req.lines[l].cond)) {
                Some(found) => found,
                None => {
                    let lines: Vec<WhatIf<'_>> = (line_ids.iter())
                        .map(|&l| WhatIf::new(&prep.facts, &req.lines[l].cond, req.skill))
                        .collect();
                    (policy.index.skill_creds[req.skill].iter())
                        .filter(|&&c| lines.iter().any(|w| w.holds_with(&prep.facts, c)))
                        .map(|&c| c as usize)
                        .collect()
                }
            };
            rank_credentials(prep, &mut found);
            found.truncate(3);
            if !found.is_empty() {
                out.push(NextStep {
                    skill: s.skill.clone(),
                    credentials: found
                        .into_iter()
                        .map(|c| Text::from(policy.credentials[c].id.as_str()))
                        .collect(),
                });
            }
        }
    }
    out
}

/// Next steps for an unmet skill whose credential lines are each one credential term, from
/// what the trace of those terms already suggested (each its best 3, so the best 3 of all are
/// among them); `None` when a line is more than one term and must be asked again. A term
/// without suggestions (it needs two credentials more, or none would do) adds none.
fn suggested<'c>(
    prep: &Prepared<'_, '_>,
    lines: impl Iterator<Item = &'c crate::policy::Cond>,
) -> Option<Vec<usize>> {
    use crate::ast::ItemKind;
    use crate::policy::Cond;
    let memo = prep.suggested.try_borrow().ok()?;
    let mut found = Vec::new();
    for cond in lines {
        match cond {
            Cond::AnyCredential { .. }
            | Cond::AtLeast {
                kind: ItemKind::Credentials,
                ..
            } => {}
            _ => return None,
        }
        let key = cond as *const Cond;
        for (_, list) in memo.iter().filter(|(k, _)| *k == key) {
            for &c in list {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
        }
    }
    Some(found)
}

/// The catalogue credentials that, held fresh (issued on `as_of`) and verified, the evaluator
/// would accept for `skill` under `filter` (SPEC §4 steps 2–7, as next steps ask it), ranked
/// by cost (unknown last), then hours, then id. Job postings name them.
pub(crate) fn catalogue_accepting(
    policy: &Policy,
    skill: Option<usize>,
    filter: Option<&crate::policy::Cond>,
    as_of: Date,
) -> Vec<usize> {
    let nobody = Candidate::default();
    let prep = Prepared::new(policy, &nobody, as_of);
    let mut found: Vec<usize> = (0..policy.credentials.len())
        .filter(|&c| prep.accepts_held(c, as_of, skill, filter))
        .collect();
    rank_credentials(&prep, &mut found);
    found
}

/// Whether catalogue credential `cat`, issued on `issued` and verified, would be accepted for
/// `skill` under `filter` on `as_of` (SPEC §4 steps 2–7): screening kits ask it of credentials
/// that count only when issued before a retirement date.
pub(crate) fn accepted_if_issued(
    policy: &Policy,
    cat: usize,
    issued: Date,
    skill: Option<usize>,
    filter: Option<&crate::policy::Cond>,
    as_of: Date,
) -> bool {
    let nobody = Candidate::default();
    Prepared::new(policy, &nobody, as_of).accepts_held(cat, issued, skill, filter)
}

/// An accept line asked "would it hold with this credential too?" for many credentials. A line
/// that is one credential term is answered from the credentials it already accepts, counted
/// once; any other line is evaluated again with the extra credential.
enum WhatIf<'p> {
    Term {
        needed: u32,
        filter: Option<&'p crate::policy::Cond>,
        skill: usize,
        accepted: Vec<u32>,
    },
    Line {
        cond: &'p crate::policy::Cond,
        skill: usize,
    },
}

impl<'p> WhatIf<'p> {
    fn new(f: &facts::Facts<'_>, cond: &'p crate::policy::Cond, skill: usize) -> Self {
        use crate::ast::ItemKind;
        use crate::policy::Cond;
        let (needed, filter) = match cond {
            Cond::AnyCredential { filter, .. } => (1, filter),
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            } => (*n, filter),
            _ => return WhatIf::Line { cond, skill },
        };
        let filter = filter.as_deref();
        WhatIf::Term {
            needed,
            filter,
            skill,
            accepted: f.accepted(Some(skill), filter),
        }
    }

    fn holds_with(&self, f: &facts::Facts<'_>, cat: u32) -> bool {
        match self {
            WhatIf::Term {
                needed,
                filter,
                skill,
                accepted,
            } => {
                let adds =
                    !accepted.contains(&cat) && f.accepts(&f.fresh(cat), Some(*skill), *filter);
                accepted.len() + usize::from(adds) >= *needed as usize
            }
            WhatIf::Line { cond, skill } => {
                f.holds(cond, &Scope::Evidence(Some(*skill)), Some(cat))
            }
        }
    }
}

/// The catalogue credential a held credential matches (SPEC §4 step 1), if any.
pub(crate) fn match_credential(
    policy: &Policy,
    h: &crate::record::HeldCredential,
) -> Option<usize> {
    policy.index.match_credential(h).map(|c| c as usize)
}

/// Ranks catalogue credentials: stacks into from a credential the candidate holds, then cost
/// (unknown last), then hours (unknown last), then id.
pub(crate) fn rank_credentials(prep: &Prepared<'_, '_>, list: &mut [usize]) {
    let policy = prep.policy;
    let f = &prep.facts;
    // Stacks into from a credential the candidate holds at `as_of` (issued on or before it).
    let stacks = |c: usize| f.stacks_into.contains(&c);
    // The rank by cost, hours and id is the same for every candidate: computed once.
    list.sort_unstable_by_key(|&c| (!stacks(c), policy.index.rank[c]));
}

fn notes(prep: &Prepared<'_, '_>) -> Vec<String> {
    let mut notes = Vec::new();
    for (h, m) in prep.cand.credentials.iter().zip(&prep.facts.held) {
        if m.catalogue().is_some() {
            continue;
        }
        let name = h
            .title
            .as_ref()
            .or(h.id.as_ref())
            .or(h.achievement.as_ref());
        let name = name.map(String::as_str).unwrap_or("(unnamed)");
        notes.push(match &h.issuer {
            Some(issuer) => format!("credential \"{name}\" from {issuer} is not in the catalogue"),
            None => format!("credential \"{name}\" is not in the catalogue"),
        });
    }
    for a in &prep.cand.undeclared {
        if crate::check::PROTECTED.contains(&a.as_str()) {
            notes.push(format!(
                "attribute `{a}` is protected: it belongs under `protected:` (read only by audits) and was not read"
            ));
        } else {
            notes.push(format!(
                "attribute `{a}` is not declared by the policy; rules cannot read it"
            ));
        }
    }
    let policy = prep.policy;
    let mut unknown_tags: Distinct<&str> = Distinct::with_capacity(0);
    let tags = prep
        .cand
        .artifacts
        .iter()
        .flat_map(|a| a.skills.iter())
        .chain(prep.cand.labs.iter().flat_map(|l| l.skills.iter()))
        .chain(prep.cand.work_samples.iter().map(|(s, _)| s))
        .chain(prep.cand.experience.iter().map(|(s, _)| s));
    for t in tags.filter(|_| prep.facts.unknown_skill) {
        if !policy.index.skill.contains_key(t.as_str()) {
            unknown_tags.insert(t.as_str());
        }
    }
    for t in unknown_tags.into_vec() {
        let hint = crate::diag::did_you_mean(t, policy.skills.iter().map(|s| s.id.as_str()))
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        notes.push(format!(
            "skill `{t}` in the record is not a skill of this policy and was not counted{hint}"
        ));
    }
    for e in &prep.cand.education {
        if let Some(level) = &e.level {
            if evidence::degree_level(level).is_none() {
                notes.push(format!(
                    "education level `{level}` is not one of associate, bachelor, master, doctorate and does not count as a degree"
                ));
            }
        }
    }
    notes
}
