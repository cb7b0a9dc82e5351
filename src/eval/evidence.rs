//! Evidence: matching a candidate's credentials to the catalogue, accepting them (SPEC §4,
//! steps 1–7), and evaluating conditions with an optional trace of every term.

use super::calendar;
use super::distinct::Distinct;
use super::facts::{Facts, Held};
use crate::ast::{CmpOp, ItemKind};
use crate::decision::{Detail, ExpiryBy, Reason, Refusal, TermTrace, Text};
use crate::policy::{Cond, Field, Policy, Value, DEGREE_LEVELS};
use crate::record::{AttrValue, Candidate, HeldCredential};
use jiff::civil::Date;
use std::cmp::Ordering;

pub(crate) use super::facts::Scope;

/// One candidate prepared for evaluation: credentials matched once (see [`Facts`]).
pub(crate) struct Prepared<'p, 'c> {
    pub(crate) policy: &'p Policy,
    pub(crate) cand: &'c Candidate,
    pub(crate) as_of: Date,
    /// The candidate compiled for fast checks (matching, what-if questions).
    pub(crate) facts: Facts<'c>,
    /// The catalogue credentials each traced credential term suggested (ranked, at most 3),
    /// by the term's address: next steps ask the same question of the same terms.
    pub(crate) suggested: std::cell::RefCell<Vec<(*const Cond, Vec<usize>)>>,
}

impl<'p: 'c, 'c> Prepared<'p, 'c> {
    pub(crate) fn new(policy: &'p Policy, cand: &'c Candidate, as_of: Date) -> Self {
        Prepared {
            policy,
            cand,
            as_of,
            facts: Facts::new(policy, cand, as_of),
            suggested: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Whether catalogue credential `cat`, issued on `issued` and verified, would pass steps
    /// 2–7 for `skill` under `filter`: the question job postings and screening kits ask.
    pub(crate) fn accepts_held(
        &self,
        cat: usize,
        issued: Date,
        skill: Option<usize>,
        filter: Option<&Cond>,
    ) -> bool {
        let held = HeldCredential {
            id: Some(self.policy.credentials[cat].id.clone()),
            issued: Some(issued),
            verified: true,
            ..Default::default()
        };
        let h = Held {
            cat: cat as u32,
            issued: Some(calendar::day(issued)),
            verified: true,
            base: false,
        };
        self.accept(&held, &h, cat, skill, filter).is_ok()
    }

    /// Steps 2–7 of acceptance for a matched credential (`h`: its settled facts; when
    /// `h.base`, steps 3–6 are known to hold).
    fn accept(
        &self,
        held: &HeldCredential,
        h: &Held,
        cat: usize,
        skill: Option<usize>,
        filter: Option<&Cond>,
    ) -> Result<(), Reason<'p>> {
        let p = self.policy;
        let c = &p.credentials[cat];
        if let Some(s) = skill {
            if !c.skills.contains(&s) {
                return Err(Reason::SkillNotListed {
                    skill: p.skills[s].id.as_str().into(),
                });
            }
        }
        // Steps 3–6 are settled once per candidate (see `Facts`); only a refusal needs to know
        // which one failed.
        if !h.base {
            self.refuse_steps_3_to_6(held, cat)?;
        }
        if let Some(f) = filter {
            let cmp = |field, op, value: &Value| self.facts.cred_field(field, op, value, h);
            if !test_where(f, &cmp) {
                return Err(Reason::WhereFailed {
                    condition: first_failing(f, &cmp),
                });
            }
        }
        Ok(())
    }

    /// The first of steps 3–6 that refuses a matched credential.
    fn refuse_steps_3_to_6(&self, held: &HeldCredential, cat: usize) -> Result<(), Reason<'p>> {
        let p = self.policy;
        let c = &p.credentials[cat];
        let issued = held.issued.ok_or(Reason::NoIssueDate)?;
        if issued > self.as_of {
            return Err(Reason::IssuedAfterAsOf { issued });
        }
        // Dates as day numbers; the reason's strings are only made for a refusal.
        let by_validity = (c.valid_for)
            .and_then(|v| calendar::add(calendar::day(issued), v).map(|d| (d, Some(v))));
        let by_record = held.expires.map(|d| (calendar::day(d), None));
        let expiry = match (by_record, by_validity) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
        if let Some((expiry, v)) = expiry {
            if self.facts.today > expiry {
                return Err(Reason::Expired {
                    expiry: calendar::date(expiry).ok_or(Reason::NoIssueDate)?,
                    issued,
                    by: match v {
                        Some(v) => ExpiryBy::ValidFor(v.to_string()),
                        None => ExpiryBy::Record,
                    },
                });
            }
        }
        let provider = &p.providers[c.provider];
        if let Some(retired) = provider.retired {
            if issued >= retired {
                return Err(Reason::ProviderRetired {
                    provider: provider.id.as_str().into(),
                    retired,
                    issued,
                });
            }
        }
        if let Some(retired) = c.retired {
            if issued >= retired {
                return Err(Reason::CredentialRetired { retired, issued });
            }
        }
        if let Some(min) = p.guardrails.min_tier {
            if provider.tier < min {
                return Err(Reason::BelowMinTier {
                    tier: p.tiers[provider.tier].as_str().into(),
                    min_tier: p.tiers[min].as_str().into(),
                });
            }
        }
        if p.guardrails.verified_only && !held.verified {
            return Err(Reason::NotVerified);
        }
        Ok(())
    }

    /// Every credential the candidate holds, with its settled facts (catalogue index, steps 3–6).
    fn held(&self) -> impl Iterator<Item = (&'c HeldCredential, &Held)> + '_ {
        (self.cand.credentials.iter()).zip(self.facts.held.iter())
    }

    fn credentials(
        &self,
        term: &Cond,
        needed: u32,
        filter: Option<&Cond>,
        skill: Option<usize>,
        text: &'p str,
        trace: Option<&mut Vec<TermTrace<'p>>>,
    ) -> bool {
        let n = self.cand.credentials.len();
        let mut accepted: Distinct<usize> = Distinct::with_capacity(n.min(64));
        // Each refusal with the catalogue index it is about: equal refusals have equal
        // indexes, so most comparisons stop there. Equal refusals are listed once.
        let mut refused: Distinct<(Option<usize>, Refusal<'p>)> =
            Distinct::with_capacity(if trace.is_some() { n.min(64) } else { 0 });
        for (held, settled) in self.held() {
            let m = settled.catalogue();
            let result = match m {
                Some(cat) => self.accept(held, settled, cat, skill, filter).map(|_| cat),
                None => Err(Reason::NotInCatalogue),
            };
            match result {
                Ok(cat) => {
                    accepted.insert(cat);
                }
                Err(reason) => {
                    if trace.is_some() {
                        let r = Refusal {
                            credential: match m {
                                Some(cat) => self.policy.credentials[cat].id.as_str().into(),
                                // The record's text is copied: a decision borrows the policy only.
                                None => Text::Owned(held.label().to_owned()),
                            },
                            reason,
                        };
                        refused.insert((m, r));
                    }
                }
            }
        }
        let accepted = accepted.into_vec();
        let refused: Vec<Refusal<'p>> = refused.into_vec().into_iter().map(|(_, r)| r).collect();
        let holds = accepted.len() >= needed as usize;
        if let Some(t) = trace {
            // Only when one more credential would do, as next steps say.
            let suggest = if holds || (needed as usize) > accepted.len() + 1 {
                Vec::new()
            } else {
                let found = self.suggest(skill, filter, &accepted);
                let ids = (found.iter())
                    .map(|&c| Text::from(self.policy.credentials[c].id.as_str()))
                    .collect();
                if let Ok(mut memo) = self.suggested.try_borrow_mut() {
                    memo.push((term as *const Cond, found));
                }
                ids
            };
            t.push(TermTrace {
                term: text.into(),
                holds,
                detail: Detail::Credentials {
                    needed,
                    accepted: accepted
                        .iter()
                        .map(|c| Text::from(self.policy.credentials[*c].id.as_str()))
                        .collect(),
                    refused,
                    suggest,
                },
            });
        }
        holds
    }

    /// Catalogue credentials that would pass this term's checks if held fresh and verified,
    /// ranked, at most 3.
    fn suggest(&self, skill: Option<usize>, filter: Option<&Cond>, have: &[usize]) -> Vec<usize> {
        let f = &self.facts;
        let fits =
            |&c: &u32| !have.contains(&(c as usize)) && f.accepts(&f.fresh(c), skill, filter);
        let mut out: Vec<usize> = match skill {
            Some(s) => (self.policy.index.skill_creds[s].iter().copied())
                .filter(fits)
                .map(|c| c as usize)
                .collect(),
            None => (0..self.policy.credentials.len() as u32)
                .filter(fits)
                .map(|c| c as usize)
                .collect(),
        };
        super::rank_credentials(self, &mut out);
        out.truncate(3);
        out
    }

    fn items(
        &self,
        kind: ItemKind,
        needed: u32,
        filter: Option<&Cond>,
        skill: Option<usize>,
        text: &'p str,
        trace: Option<&mut Vec<TermTrace<'p>>>,
    ) -> bool {
        let cand: &'c Candidate = self.cand;
        let title = |i: usize| match kind {
            ItemKind::Artifacts => cand.artifacts[i].title.as_str(),
            _ => cand.labs[i].title.as_str(),
        };
        let n = match kind {
            ItemKind::Artifacts => cand.artifacts.len(),
            _ => cand.labs.len(),
        };
        let mut matching = Vec::new();
        let mut excluded = Vec::new();
        let mut counted = 0u32;
        for i in 0..n {
            // Evidence dated after `as_of` did not exist yet, as for credentials.
            let Some(ok) = self.facts.item_counts(kind, i, filter, skill) else {
                continue;
            };
            counted += u32::from(ok);
            if trace.is_some() {
                if ok { &mut matching } else { &mut excluded }
                    .push(Text::Owned(title(i).to_owned()));
            }
        }
        let holds = counted >= needed;
        if let Some(t) = trace {
            t.push(TermTrace {
                term: text.into(),
                holds,
                detail: Detail::Items {
                    item: kind,
                    needed,
                    counted,
                    matching,
                    excluded,
                },
            });
        }
        holds
    }

    /// Evaluates a condition; with `trace`, records every term (no short-circuit).
    pub(crate) fn eval(
        &self,
        c: &'p Cond,
        scope: &Scope<'_>,
        mut trace: Option<&mut Vec<TermTrace<'p>>>,
    ) -> bool {
        let skill = match scope {
            Scope::Evidence(s) => *s,
            Scope::Decide { .. } => None,
        };
        match c {
            Cond::And(v) => {
                if trace.is_none() {
                    return v.iter().all(|x| self.eval(x, scope, None));
                }
                let mut all = true;
                for x in v {
                    all &= self.eval(x, scope, trace.as_deref_mut());
                }
                all
            }
            Cond::Or(v) => {
                if trace.is_none() {
                    return v.iter().any(|x| self.eval(x, scope, None));
                }
                let mut any = false;
                for x in v {
                    any |= self.eval(x, scope, trace.as_deref_mut());
                }
                any
            }
            Cond::Not(x) => !self.eval(x, scope, trace),
            Cond::AnyCredential { filter, text } => {
                self.credentials(c, 1, filter.as_deref(), skill, text, trace)
            }
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                text,
            } => self.credentials(c, *n, filter.as_deref(), skill, text, trace),
            Cond::AtLeast {
                n,
                kind,
                filter,
                text,
            } => self.items(*kind, *n, filter.as_deref(), skill, text, trace),
            Cond::Degree { level, text } => {
                let levels: Vec<usize> = self
                    .cand
                    .education
                    .iter()
                    .filter(|e| e.completed)
                    .filter_map(|e| e.level.as_deref())
                    .filter_map(degree_level)
                    .collect();
                let holds = match level {
                    None => !levels.is_empty(),
                    Some((op, target)) => {
                        levels.iter().any(|l| op.test(l.cmp(&(*target as usize))))
                    }
                };
                if let Some(t) = trace {
                    t.push(TermTrace {
                        term: Text::from(&**text),
                        holds,
                        detail: Detail::Degree {
                            highest: levels.iter().max().map(|l| Text::from(DEGREE_LEVELS[*l])),
                        },
                    });
                }
                holds
            }
            Cond::Met(s) => match scope {
                Scope::Decide { skills, met, .. } => {
                    skills.iter().zip(met.iter()).any(|(k, m)| k == s && *m)
                }
                Scope::Evidence(_) => false,
            },
            Cond::Cmp {
                field,
                op,
                value,
                text,
            } => {
                let (holds, detail) = self.compare(*field, *op, value, scope, skill);
                push_term(trace, text, holds, detail);
                holds
            }
            Cond::In {
                field,
                negated,
                values,
                text,
            } => {
                let mut detail = None;
                let mut any = false;
                let mut known = false;
                for v in values {
                    let (eq, d) = self.compare(*field, CmpOp::Eq, v, scope, skill);
                    let (ne, _) = self.compare(*field, CmpOp::Ne, v, scope, skill);
                    any |= eq;
                    known |= eq || ne;
                    detail.get_or_insert(d);
                }
                let holds = known && (any != *negated);
                if let Some(detail) = detail {
                    push_term(trace, text, holds, detail);
                }
                holds
            }
            Cond::Test { field, text } => {
                let (holds, detail) =
                    self.compare(*field, CmpOp::Eq, &Value::Bool(true), scope, skill);
                push_term(trace, text, holds, detail);
                holds
            }
            Cond::CmpFields {
                left,
                op,
                right,
                text,
            } => {
                let (l, detail) = self.field_value(*left, scope, skill);
                let (r, _) = self.field_value(*right, scope, skill);
                let holds = match (l, r) {
                    (Some(l), Some(r)) => compare_values(&l, &r).is_some_and(|o| op.test(o)),
                    _ => false,
                };
                push_term(trace, text, holds, detail);
                holds
            }
            Cond::Invalid => false,
        }
    }

    /// The value of an accept-, eligible- or decide-level name, for name-to-name comparisons.
    fn field_value(
        &self,
        field: Field,
        scope: &Scope<'_>,
        skill: Option<usize>,
    ) -> (Option<Value>, Detail<'p>) {
        let (_, detail) = self.compare(field, CmpOp::Eq, &Value::Bool(false), scope, skill);
        let value = match &detail {
            Detail::WorkSample { best, .. } => best.map(Value::Num),
            Detail::Experience { months, .. } => months.map(Value::Num),
            Detail::Attribute { value, .. } => value.as_ref().map(|v| match v {
                AttrValue::Bool(b) => Value::Bool(*b),
                AttrValue::Number(n) => Value::Num(*n),
                AttrValue::Str(s) => Value::Str(s.clone()),
                AttrValue::Date(d) => Value::Date(*d),
            }),
            Detail::Value { value } => Some(Value::Num(*value)),
            _ => None,
        };
        (value, detail)
    }

    /// A comparison of an accept-, eligible- or decide-level field with a constant.
    fn compare(
        &self,
        field: Field,
        op: CmpOp,
        value: &Value,
        scope: &Scope<'_>,
        skill: Option<usize>,
    ) -> (bool, Detail<'p>) {
        match field {
            Field::WorkSample => {
                let best = self.facts.best_sample(skill);
                let holds = match value {
                    Value::Num(n) => best
                        .and_then(|b| b.partial_cmp(n))
                        .is_some_and(|o| op.test(o)),
                    _ => false,
                };
                let threshold = match value {
                    Value::Num(n) => Some(*n),
                    _ => None,
                };
                (holds, Detail::WorkSample { best, threshold })
            }
            Field::Experience => {
                let months = self.facts.months(skill);
                let holds = match value {
                    Value::Dur(d) => match (months, d.months()) {
                        (Some(m), Some(want)) => {
                            m.partial_cmp(&f64::from(want)).is_some_and(|o| op.test(o))
                        }
                        _ => false,
                    },
                    _ => false,
                };
                let threshold = match value {
                    Value::Dur(d) => d.months().map(f64::from),
                    _ => None,
                };
                (holds, Detail::Experience { months, threshold })
            }
            Field::Attr(i) => {
                let attr = &self.policy.attributes[i];
                let v = self.cand.attributes.get(&attr.id);
                let ord = match (v, value) {
                    (Some(AttrValue::Bool(a)), Value::Bool(b)) => Some(a.cmp(b)),
                    (Some(AttrValue::Number(a)), Value::Num(b)) => a.partial_cmp(b),
                    (Some(AttrValue::Str(a)), Value::Str(b)) => Some(a.as_str().cmp(b.as_str())),
                    (Some(AttrValue::Date(a)), Value::Date(b)) => Some(a.cmp(b)),
                    _ => None,
                };
                (
                    ord.is_some_and(|o| op.test(o)),
                    Detail::Attribute {
                        attribute: attr.id.as_str().into(),
                        value: v.cloned(),
                    },
                )
            }
            _ => {
                let Scope::Decide { counts, .. } = scope else {
                    return (false, Detail::Value { value: 0.0 });
                };
                let v = match field {
                    Field::RequiredMet => f64::from(counts.required_met),
                    Field::RequiredMissing => f64::from(counts.required_missing),
                    Field::RequiredTotal => f64::from(counts.required_total),
                    Field::PreferredMet => f64::from(counts.preferred_met),
                    Field::PreferredTotal => f64::from(counts.preferred_total),
                    _ => counts.coverage,
                };
                let holds = match value {
                    Value::Num(n) => v.partial_cmp(n).is_some_and(|o| op.test(o)),
                    _ => false,
                };
                (holds, Detail::Value { value: v })
            }
        }
    }
}

/// Records a term's result in the trace, when tracing.
fn push_term<'a>(
    trace: Option<&mut Vec<TermTrace<'a>>>,
    text: &'a str,
    holds: bool,
    detail: Detail<'a>,
) {
    if let Some(t) = trace {
        t.push(TermTrace {
            term: text.into(),
            holds,
            detail,
        });
    }
}

fn compare_values(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// The text of the first leaf of a `where` that fails (for "why" in traces), judged by the same
/// [`test_where`] that refused the credential.
fn first_failing(f: &Cond, cmp: &dyn Fn(Field, CmpOp, &Value) -> bool) -> String {
    match f {
        Cond::And(v) => v
            .iter()
            .find(|x| !test_where(x, cmp))
            .map(|x| first_failing(x, cmp))
            .unwrap_or_default(),
        Cond::Cmp { text, .. } | Cond::In { text, .. } | Cond::Test { text, .. } => {
            text.to_string()
        }
        Cond::Or(v) => v
            .iter()
            .map(|x| first_failing(x, cmp))
            .collect::<Vec<_>>()
            .join(" or "),
        Cond::Not(x) => format!("not {}", first_failing(x, cmp)),
        _ => String::new(),
    }
}

/// Orders numbers, unknown last.
pub(crate) fn cmp_unknown_last(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The index of a degree level, compared case-insensitively (`Bachelor` = `bachelor`).
pub(crate) fn degree_level(level: &str) -> Option<usize> {
    DEGREE_LEVELS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(level.trim()))
}

/// Evaluates a `where` over one item, given how to compare its fields (shared by the traced
/// evaluator and the fast path).
pub(crate) fn test_where(f: &Cond, cmp: &dyn Fn(Field, CmpOp, &Value) -> bool) -> bool {
    match f {
        Cond::And(v) => v.iter().all(|x| test_where(x, cmp)),
        Cond::Or(v) => v.iter().any(|x| test_where(x, cmp)),
        Cond::Not(x) => !test_where(x, cmp),
        Cond::Cmp {
            field, op, value, ..
        } => cmp(*field, *op, value),
        Cond::In {
            field,
            negated,
            values,
            ..
        } => {
            let any = values.iter().any(|v| cmp(*field, CmpOp::Eq, v));
            let known = values
                .iter()
                .any(|v| cmp(*field, CmpOp::Eq, v) || cmp(*field, CmpOp::Ne, v));
            known && (any != *negated)
        }
        Cond::Test { field, .. } => cmp(*field, CmpOp::Eq, &Value::Bool(true)),
        _ => false,
    }
}
