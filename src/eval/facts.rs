//! One candidate compiled for evaluation at a date: each held credential matched to the
//! catalogue once, with its acceptance steps 3–6 settled; items' skill tags resolved to skill
//! indexes; dates as day numbers. Conditions are then decided on these facts without strings.

use super::calendar::{self, Day};
use super::evidence::test_where;
use crate::ast::{CmpOp, ItemKind};
use crate::decision::Counts;
use crate::policy::{Cond, Field, Policy, Value};
use crate::proof::ProofStatus;
use crate::record::{AttrValue, Candidate};
use jiff::civil::Date;
use std::cmp::Ordering;

/// No catalogue match.
const NONE: u32 = u32::MAX;

/// A held credential, matched and dated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Held {
    /// Catalogue index, or [`NONE`].
    pub(crate) cat: u32,
    /// Issue day.
    pub(crate) issued: Option<Day>,
    /// Whether the caller verified it (or its proof verifies; SPEC §15).
    pub(crate) verified: bool,
    /// Its proof: `Some(true)` verified, `Some(false)` failed, `None` no proof.
    pub(crate) proof: Option<bool>,
    /// Acceptance steps 1 and 3–6 hold (matched, issued, not expired, not retired, tier,
    /// verified).
    pub(crate) base: bool,
}

impl Held {
    /// The catalogue index, if matched.
    pub(crate) fn catalogue(&self) -> Option<usize> {
        (self.cat != NONE).then_some(self.cat as usize)
    }
}

/// An artifact or a lab.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// Range of its resolved tags in [`Facts::tags`].
    tags: (u32, u32),
    /// Whether the record tags it with anything (known skill or not).
    any_tag: bool,
    /// Its date (`date` / `completed`).
    date: Option<Day>,
    /// `reviewed` (artifacts).
    reviewed: bool,
    /// `hours` (labs).
    hours: Option<f64>,
}

/// A candidate prepared for deciding at one date.
#[derive(Clone, Debug)]
pub struct Facts<'c> {
    pub(crate) policy: &'c Policy,
    pub(crate) today: Day,
    /// One per record credential, in record order.
    pub(crate) held: Vec<Held>,
    artifacts: Vec<Item>,
    labs: Vec<Item>,
    tags: Vec<u32>,
    /// Work samples and experience: (skill index or [`NONE`], value).
    samples: Vec<(u32, f64)>,
    experience: Vec<(u32, f64)>,
    /// Completed degree levels, as a bit set.
    degrees: u8,
    /// Policy attribute index → the record's value.
    attrs: Vec<Option<&'c AttrValue>>,
    /// Catalogue credentials that a credential held at `as_of` stacks into.
    pub(crate) stacks_into: Vec<usize>,
    /// Whether the record names a skill the policy does not have (decisions note it).
    pub(crate) unknown_skill: bool,
}

impl<'c> Facts<'c> {
    /// Prepares a candidate: every name lookup happens here, once.
    pub fn new(policy: &'c Policy, cand: &'c Candidate, as_of: Date) -> Facts<'c> {
        let ix = &policy.index;
        let today = calendar::day(as_of);
        let held: Vec<Held> = cand
            .credentials
            .iter()
            .map(|h| {
                let cat = ix.match_credential(h).unwrap_or(NONE);
                let mut held = Held {
                    cat,
                    issued: h.issued.map(calendar::day),
                    verified: h.verified,
                    proof: match h.proof {
                        ProofStatus::None => None,
                        ProofStatus::Verified => Some(true),
                        ProofStatus::Failed(_) => Some(false),
                    },
                    base: false,
                };
                held.base = base_ok(policy, &held, h.expires.map(calendar::day), today);
                held
            })
            .collect();
        let mut tags = Vec::new();
        let mut unknown_skill = false;
        let mut item = |skills: &[String], date: Option<Date>, reviewed, hours| {
            let start = tags.len() as u32;
            for s in skills {
                match ix.skill.get(s.as_str()) {
                    Some(&t) => tags.push(t),
                    None => unknown_skill = true,
                }
            }
            Item {
                tags: (start, tags.len() as u32),
                any_tag: !skills.is_empty(),
                date: date.map(calendar::day),
                reviewed,
                hours,
            }
        };
        let artifacts = (cand.artifacts.iter())
            .map(|a| item(&a.skills, a.date, a.reviewed, None))
            .collect();
        let labs = (cand.labs.iter())
            .map(|l| item(&l.skills, l.completed, false, l.hours))
            .collect();
        let samples: Vec<(u32, f64)> = (cand.work_samples.iter())
            .map(|(s, v)| (ix.skill.get(s.as_str()).copied().unwrap_or(NONE), *v))
            .collect();
        let experience: Vec<(u32, f64)> = (cand.experience.iter())
            .map(|(s, v)| (ix.skill.get(s.as_str()).copied().unwrap_or(NONE), *v))
            .collect();
        unknown_skill |= (samples.iter().chain(&experience)).any(|(s, _)| *s == NONE);
        let degrees = (cand.education.iter())
            .filter(|e| e.completed)
            .filter_map(|e| e.level.as_deref())
            .filter_map(super::evidence::degree_level)
            .fold(0u8, |m, l| m | (1 << l));
        let mut stacks_into = Vec::new();
        for h in held
            .iter()
            .filter(|h: &&Held| h.issued.is_some_and(|d| d <= today))
        {
            if let Some(c) = h.catalogue() {
                stacks_into.extend_from_slice(&policy.credentials[c].stacks_into);
            }
        }
        Facts {
            stacks_into,
            policy,
            today,
            held,
            artifacts,
            labs,
            tags,
            samples,
            experience,
            unknown_skill,
            degrees,
            attrs: (policy.attributes.iter())
                .map(|a| cand.attributes.get(&a.id))
                .collect(),
        }
    }

    /// The resolved skill tags of artifact or lab `i` (unknown tags left out).
    fn tags(&self, item: &Item) -> &[u32] {
        &self.tags[item.tags.0 as usize..item.tags.1 as usize]
    }

    /// Whether a condition holds, with an optional hypothetical credential (a catalogue index,
    /// held fresh and verified) for "what if" questions.
    pub(crate) fn holds(&self, c: &Cond, scope: &Scope<'_>, extra: Option<u32>) -> bool {
        let skill = match scope {
            Scope::Evidence(s) => *s,
            Scope::Decide { .. } => None,
        };
        match c {
            Cond::And(v) => v.iter().all(|x| self.holds(x, scope, extra)),
            Cond::Or(v) => v.iter().any(|x| self.holds(x, scope, extra)),
            Cond::Not(x) => !self.holds(x, scope, extra),
            Cond::AnyCredential { filter, .. } => {
                self.count_credentials(1, filter.as_deref(), skill, extra)
            }
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            } => self.count_credentials(*n, filter.as_deref(), skill, extra),
            Cond::AtLeast {
                n, kind, filter, ..
            } => self.count_items(*kind, filter.as_deref(), skill) >= *n,
            Cond::Degree { level, .. } => match level {
                None => self.degrees != 0,
                Some((op, target)) => (0..4u8)
                    .filter(|l| self.degrees & (1 << l) != 0)
                    .any(|l| op.test(l.cmp(target))),
            },
            Cond::Met(s) => match scope {
                Scope::Decide { skills, met, .. } => {
                    skills.iter().zip(met.iter()).any(|(k, m)| k == s && *m)
                }
                Scope::Evidence(_) => false,
            },
            Cond::Cmp {
                field, op, value, ..
            } => self.compare(*field, *op, value, scope, skill),
            Cond::In {
                field,
                negated,
                values,
                ..
            } => {
                let mut any = false;
                let mut known = false;
                for v in values {
                    let eq = self.compare(*field, CmpOp::Eq, v, scope, skill);
                    let ne = self.compare(*field, CmpOp::Ne, v, scope, skill);
                    any |= eq;
                    known |= eq || ne;
                }
                known && (any != *negated)
            }
            Cond::Test { field, .. } => {
                self.compare(*field, CmpOp::Eq, &Value::Bool(true), scope, skill)
            }
            Cond::CmpFields {
                left, op, right, ..
            } => match (
                self.value(*left, scope, skill),
                self.value(*right, scope, skill),
            ) {
                (Some(l), Some(r)) => l.cmp(&r).is_some_and(|o| op.test(o)),
                _ => false,
            },
            Cond::Invalid => false,
        }
    }

    /// Whether at least `needed` distinct catalogue credentials are accepted.
    fn count_credentials(
        &self,
        needed: u32,
        filter: Option<&Cond>,
        skill: Option<usize>,
        extra: Option<u32>,
    ) -> bool {
        let mut seen = [NONE; 8];
        // Past eight, a set: a record may hold thousands of accepted credentials.
        let mut more: rustc_hash::FxHashSet<u32> = Default::default();
        let mut count = 0u32;
        let fresh = extra.map(|cat| self.fresh(cat));
        for h in self.held.iter().chain(fresh.as_ref()).filter(|h| h.base) {
            if !self.accepts(h, skill, filter) {
                continue;
            }
            if needed == 1 {
                return true;
            }
            let known = seen[..(count as usize).min(8)].contains(&h.cat)
                || (!more.is_empty() && more.contains(&h.cat));
            if known {
                continue;
            }
            if (count as usize) < seen.len() {
                seen[count as usize] = h.cat;
            } else {
                more.insert(h.cat);
            }
            count += 1;
            if count >= needed {
                return true;
            }
        }
        count >= needed
    }

    /// The distinct catalogue credentials the candidate holds that are accepted, in order.
    pub(crate) fn accepted(&self, skill: Option<usize>, filter: Option<&Cond>) -> Vec<u32> {
        let mut out = super::distinct::Distinct::with_capacity(0);
        for h in self.held.iter().filter(|h| h.base) {
            if !out.contains(&h.cat) && self.accepts(h, skill, filter) {
                out.insert(h.cat);
            }
        }
        out.into_vec()
    }

    /// A catalogue credential held fresh (issued `as_of`) and verified.
    pub(crate) fn fresh(&self, cat: u32) -> Held {
        // Issued today it cannot have expired (`today + valid_for` is today or later, or out of
        // range, which means no expiry); what remains of steps 3–6 is retirement and tier.
        let base = (self.policy.index.creds.get(cat as usize))
            .is_some_and(|c| c.retired.is_none_or(|r| self.today < r) && c.tier_ok);
        Held {
            cat,
            issued: Some(self.today),
            verified: true,
            proof: Some(true),
            base,
        }
    }

    /// Acceptance of a held credential for a skill with a `where` (SPEC §4 steps 1–7).
    #[inline]
    pub(crate) fn accepts(&self, h: &Held, skill: Option<usize>, filter: Option<&Cond>) -> bool {
        h.base
            && skill.is_none_or(|s| {
                self.policy.index.creds[h.cat as usize]
                    .skills
                    .contains(&(s as u32))
            })
            && filter
                .is_none_or(|f| test_where(f, &|field, op, v| self.cred_field(field, op, v, h)))
    }

    /// One comparison of a credential `where` on a held (or hypothetical) credential: the one
    /// test both the fast path and the traced evaluator use.
    pub(crate) fn cred_field(&self, field: Field, op: CmpOp, value: &Value, h: &Held) -> bool {
        let p = self.policy;
        let cat = h.cat as usize;
        let c = &p.credentials[cat];
        let ord = match (field, value) {
            (Field::CredId, Value::Index(i)) => Some(cat.cmp(i)),
            (Field::CredProvider, Value::Index(i)) => Some(c.provider.cmp(i)),
            (Field::CredTier, Value::Index(i)) => Some(p.providers[c.provider].tier.cmp(i)),
            (Field::CredAssessment, Value::Index(i)) => c.assessment.map(|a| a.cmp(i)),
            (Field::CredHours, Value::Num(n)) => c.hours.and_then(|h| h.partial_cmp(n)),
            (Field::CredCost, Value::Num(n)) => c.cost.and_then(|h| h.partial_cmp(n)),
            (Field::CredIssued, Value::Date(d)) => h.issued.map(|i| i.cmp(&calendar::day(*d))),
            (Field::CredAge, Value::Dur(d)) => return age_holds(h.issued, *d, op, self.today),
            (Field::CredVerified, Value::Bool(b)) => Some(h.verified.cmp(b)),
            _ => None,
        };
        ord.is_some_and(|o| op.test(o))
    }

    /// How many artifacts or labs tagged with the skill (any skill outside a skill context)
    /// count: dated on or before `as_of` and passing the `where`.
    pub(crate) fn count_items(
        &self,
        kind: ItemKind,
        filter: Option<&Cond>,
        skill: Option<usize>,
    ) -> u32 {
        let n = self.items(kind).len();
        (0..n)
            .filter(|&i| self.item_counts(kind, i, filter, skill) == Some(true))
            .count() as u32
    }

    fn items(&self, kind: ItemKind) -> &[Item] {
        match kind {
            ItemKind::Artifacts => &self.artifacts,
            _ => &self.labs,
        }
    }

    /// Whether the record's artifact or lab `i` counts for a term: `None` when it is not tagged
    /// with the skill (with any skill, outside a skill context), else whether it is dated by
    /// `as_of` and passes the `where`.
    pub(crate) fn item_counts(
        &self,
        kind: ItemKind,
        i: usize,
        filter: Option<&Cond>,
        skill: Option<usize>,
    ) -> Option<bool> {
        let it = &self.items(kind)[i];
        let tagged = match skill {
            Some(s) => self.tags(it).contains(&(s as u32)),
            None => it.any_tag,
        };
        tagged.then(|| self.item_ok(kind, it, filter))
    }

    fn item_ok(&self, kind: ItemKind, it: &Item, filter: Option<&Cond>) -> bool {
        it.date.is_none_or(|d| d <= self.today)
            && filter.is_none_or(|f| {
                test_where(f, &|field, op, value| match (kind, field, value) {
                    (_, Field::ItemAge, Value::Dur(d)) => age_holds(it.date, *d, op, self.today),
                    (ItemKind::Artifacts, Field::ArtifactReviewed, Value::Bool(b)) => {
                        op.test(it.reviewed.cmp(b))
                    }
                    (ItemKind::Labs, Field::LabHours, Value::Num(n)) => it
                        .hours
                        .and_then(|h| h.partial_cmp(n))
                        .is_some_and(|o| op.test(o)),
                    _ => false,
                })
            })
    }

    /// Best work-sample score for the skill (any skill outside a skill context).
    pub(crate) fn best_sample(&self, skill: Option<usize>) -> Option<f64> {
        (self.samples.iter())
            .filter(|(s, _)| skill.is_none_or(|k| *s == k as u32))
            .map(|(_, score)| *score)
            .fold(None, |b: Option<f64>, s| Some(b.map_or(s, |b| b.max(s))))
    }

    /// Months of experience in the skill, summed; `None` without any entry.
    pub(crate) fn months(&self, skill: Option<usize>) -> Option<f64> {
        let mut entries = (self.experience.iter())
            .filter(|(s, _)| skill.is_none_or(|k| *s == k as u32))
            .map(|(_, m)| *m)
            .peekable();
        entries.peek()?;
        Some(entries.sum::<f64>())
    }

    /// A comparison of an accept-, eligible- or decide-level field with a constant.
    fn compare(
        &self,
        field: Field,
        op: CmpOp,
        value: &Value,
        scope: &Scope<'_>,
        skill: Option<usize>,
    ) -> bool {
        match (field, value) {
            (Field::WorkSample, Value::Num(n)) => self
                .best_sample(skill)
                .and_then(|b| b.partial_cmp(n))
                .is_some_and(|o| op.test(o)),
            (Field::Experience, Value::Dur(d)) => match (self.months(skill), d.months()) {
                (Some(m), Some(want)) => {
                    m.partial_cmp(&f64::from(want)).is_some_and(|o| op.test(o))
                }
                _ => false,
            },
            (Field::WorkSample | Field::Experience, _) => false,
            (Field::Attr(i), _) => {
                let ord = match (self.attrs[i], value) {
                    (Some(AttrValue::Bool(a)), Value::Bool(b)) => Some(a.cmp(b)),
                    (Some(AttrValue::Number(a)), Value::Num(b)) => a.partial_cmp(b),
                    (Some(AttrValue::Str(a)), Value::Str(b)) => Some(a.as_str().cmp(b.as_str())),
                    (Some(AttrValue::Date(a)), Value::Date(b)) => Some(a.cmp(b)),
                    _ => None,
                };
                ord.is_some_and(|o| op.test(o))
            }
            _ => match (scope, value) {
                (Scope::Decide { counts, .. }, Value::Num(n)) => counter(field, counts)
                    .partial_cmp(n)
                    .is_some_and(|o| op.test(o)),
                _ => false,
            },
        }
    }

    /// The value of a name, for name-to-name comparisons.
    fn value(&self, field: Field, scope: &Scope<'_>, skill: Option<usize>) -> Option<V<'c>> {
        match field {
            Field::WorkSample => self.best_sample(skill).map(V::Num),
            Field::Experience => self.months(skill).map(V::Num),
            Field::Attr(i) => self.attrs[i].map(|v| match v {
                AttrValue::Bool(b) => V::Bool(*b),
                AttrValue::Number(n) => V::Num(*n),
                AttrValue::Str(s) => V::Str(s),
                AttrValue::Date(d) => V::Date(*d),
            }),
            _ => Some(V::Num(match scope {
                Scope::Decide { counts, .. } => counter(field, counts),
                Scope::Evidence(_) => 0.0,
            })),
        }
    }
}

/// A value read for a name-to-name comparison.
enum V<'a> {
    Num(f64),
    Bool(bool),
    Str(&'a str),
    Date(Date),
}

impl V<'_> {
    fn cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (V::Num(a), V::Num(b)) => a.partial_cmp(b),
            (V::Bool(a), V::Bool(b)) => Some(a.cmp(b)),
            (V::Str(a), V::Str(b)) => Some(a.cmp(b)),
            (V::Date(a), V::Date(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// A decide counter (coverage for any other name, as the traced evaluator does).
fn counter(field: Field, c: &Counts) -> f64 {
    match field {
        Field::RequiredMet => f64::from(c.required_met),
        Field::RequiredMissing => f64::from(c.required_missing),
        Field::RequiredTotal => f64::from(c.required_total),
        Field::PreferredMet => f64::from(c.preferred_met),
        Field::PreferredTotal => f64::from(c.preferred_total),
        _ => c.coverage,
    }
}

/// What a condition may read besides the candidate.
pub(crate) enum Scope<'s> {
    /// Evidence restricted to one skill (`accept`), or over all skills (`eligible when`).
    Evidence(Option<usize>),
    /// A decide rule: the role's skills, whether each is met, and the counters.
    Decide {
        /// Skill index of each requirement.
        skills: &'s [usize],
        /// Whether each requirement is met.
        met: &'s [bool],
        /// The counters.
        counts: &'s Counts,
    },
}

/// Steps 1 and 3–6 of acceptance, which do not depend on the skill or the `where`.
fn base_ok(p: &Policy, h: &Held, expires: Option<Day>, today: Day) -> bool {
    let Some(c) = p.index.creds.get(h.cat as usize) else {
        return false;
    };
    let Some(issued) = h.issued else {
        return false;
    };
    let by_validity = c.valid_for.and_then(|v| calendar::add(issued, v));
    let expired = [expires, by_validity]
        .into_iter()
        .flatten()
        .min()
        .is_some_and(|e| today > e);
    issued <= today
        && !expired
        && c.retired.is_none_or(|r| issued < r)
        && c.tier_ok
        && proof_ok(p, h)
}

/// A failed proof is never accepted; `verified_only` wants a verified proof or the caller's
/// `verified`, `verified_only proofs` a verified proof (SPEC §15).
pub(crate) fn proof_ok(p: &Policy, h: &Held) -> bool {
    h.proof != Some(false)
        && (!p.guardrails.verified_only
            || if p.guardrails.verified_proofs {
                h.proof == Some(true)
            } else {
                h.verified
            })
}

/// `age OP D` ⇔ `as_of OP date + D`, with calendar arithmetic; false when the date is missing.
/// A `date + D` past the last representable day is later than any `as_of`.
fn age_holds(date: Option<Day>, d: crate::ast::Duration, op: CmpOp, today: Day) -> bool {
    match date {
        None => false,
        Some(date) => match calendar::add(date, d) {
            Some(threshold) => op.test(today.cmp(&threshold)),
            None => op.test(std::cmp::Ordering::Less),
        },
    }
}
