//! The evaluation form of a policy, built once at compile time: lookup tables with a fast
//! hasher for matching a record's names, and per-credential facts with dates as day numbers,
//! so that deciding compares small integers only.

use super::calendar::{self, Day};
use super::evidence::cmp_unknown_last;
use crate::ast::{Duration, ItemKind};
use crate::policy::{Cond, Policy};
use rustc_hash::FxHashMap;

/// Lookups and per-credential facts of one policy (independent of `as_of`).
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Credential id → catalogue index.
    pub(crate) credential: FxHashMap<String, u32>,
    /// Open Badges achievement id → catalogue index.
    pub(crate) achievement: FxHashMap<String, u32>,
    /// Issuer → lowercased title or alias → catalogue index.
    pub(crate) issuer_title: FxHashMap<String, FxHashMap<String, u32>>,
    /// Skill id → skill index.
    pub(crate) skill: FxHashMap<String, u32>,
    /// Per catalogue credential.
    pub(crate) creds: Vec<CredFacts>,
    /// Per skill: the catalogue credentials that list it, in catalogue order.
    pub(crate) skill_creds: Vec<Vec<u32>>,
    /// Per role: the skill of each requirement, in order.
    pub(crate) role_skills: Vec<Vec<usize>>,
    /// Per role: `file:line:col` of each requirement's accept lines, written once.
    pub(crate) line_at: Vec<Vec<Vec<String>>>,
    /// Per role: for each requirement, the accept lines with a credential term (the only ones
    /// a hypothetical credential can change).
    pub(crate) credential_lines: Vec<Vec<Vec<usize>>>,
    /// Per credential: its place when ranked by cost, then hours (unknown last), then id.
    pub(crate) rank: Vec<u32>,
    /// Per role: `file:line:col` of each decide rule.
    pub(crate) rule_at: Vec<Vec<String>>,
    /// Per role: `file:line:col` of its `eligible when` rule (empty without one).
    pub(crate) eligible_at: Vec<String>,
    /// Per role: `eligible when …` as a decision's rule quotes it (empty without one).
    pub(crate) eligible_rule: Vec<String>,
}

/// What acceptance needs to know about a catalogue credential.
#[derive(Clone, Debug)]
pub(crate) struct CredFacts {
    /// Skills it lists (indexes).
    pub(crate) skills: Vec<u32>,
    /// `valid_for`.
    pub(crate) valid_for: Option<Duration>,
    /// The earliest retirement of the provider and the credential: issued on or after it is
    /// refused.
    pub(crate) retired: Option<Day>,
    /// The provider is at or above `min_tier` (true when there is none).
    pub(crate) tier_ok: bool,
}

impl Index {
    /// Builds the index of a compiled policy.
    pub(crate) fn build(p: &Policy) -> Index {
        let mut ix = Index::default();
        for (i, c) in p.credentials.iter().enumerate() {
            let i = i as u32;
            ix.credential.insert(c.id.clone(), i);
            for a in &c.achievements {
                ix.achievement.entry(a.clone()).or_insert(i);
            }
            let provider = &p.providers[c.provider];
            for issuer in &provider.issuers {
                let titles = ix.issuer_title.entry(issuer.clone()).or_default();
                for t in std::iter::once(&c.title).chain(&c.aliases) {
                    titles.entry(t.to_lowercase()).or_insert(i);
                }
            }
            let retired = [provider.retired, c.retired]
                .into_iter()
                .flatten()
                .map(calendar::day)
                .min();
            ix.creds.push(CredFacts {
                skills: c.skills.iter().map(|&s| s as u32).collect(),
                valid_for: c.valid_for,
                retired,
                tier_ok: p.guardrails.min_tier.is_none_or(|m| provider.tier >= m),
            });
        }
        ix.skill_creds = vec![Vec::new(); p.skills.len()];
        for (i, c) in p.credentials.iter().enumerate() {
            for &s in &c.skills {
                if !ix.skill_creds[s].contains(&(i as u32)) {
                    ix.skill_creds[s].push(i as u32);
                }
            }
        }
        ix.role_skills = (p.roles.iter())
            .map(|r| r.requirements.iter().map(|q| q.skill).collect())
            .collect();
        ix.line_at = (p.roles.iter())
            .map(|r| {
                (r.requirements.iter())
                    .map(|q| q.lines.iter().map(|l| l.src.at.to_string()).collect())
                    .collect()
            })
            .collect();
        ix.credential_lines = (p.roles.iter())
            .map(|r| {
                (r.requirements.iter())
                    .map(|q| {
                        (q.lines.iter().enumerate())
                            .filter(|(_, l)| mentions_credentials(&l.cond))
                            .map(|(i, _)| i)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        ix.rule_at = (p.roles.iter())
            .map(|r| r.decide.iter().map(|d| d.src.at.to_string()).collect())
            .collect();
        ix.eligible_at = (p.roles.iter())
            .map(|r| {
                r.eligible
                    .as_ref()
                    .map(|(_, s)| s.at.to_string())
                    .unwrap_or_default()
            })
            .collect();
        ix.eligible_rule = (p.roles.iter())
            .map(|r| {
                (r.eligible.as_ref())
                    .map_or_else(String::new, |(_, s)| format!("eligible when {}", s.text))
            })
            .collect();
        let mut order: Vec<usize> = (0..p.credentials.len()).collect();
        order.sort_by(|&a, &b| {
            let (ca, cb) = (&p.credentials[a], &p.credentials[b]);
            cmp_unknown_last(ca.cost, cb.cost)
                .then_with(|| cmp_unknown_last(ca.hours, cb.hours))
                .then_with(|| ca.id.cmp(&cb.id))
                .then_with(|| a.cmp(&b))
        });
        ix.rank = vec![0; order.len()];
        for (place, c) in order.into_iter().enumerate() {
            ix.rank[c] = place as u32;
        }
        for (i, s) in p.skills.iter().enumerate() {
            ix.skill.insert(s.id.clone(), i as u32);
        }
        ix
    }

    /// Step 1 of acceptance: catalogue id, else achievement, else issuer + title/alias.
    pub(crate) fn match_credential(&self, h: &crate::record::HeldCredential) -> Option<u32> {
        if let Some(i) = h.id.as_deref().and_then(|id| self.credential.get(id)) {
            return Some(*i);
        }
        if let Some(i) = h
            .achievement
            .as_deref()
            .and_then(|a| self.achievement.get(a))
        {
            return Some(*i);
        }
        let (issuer, title) = (h.issuer.as_deref()?, h.title.as_deref()?);
        let titles = self.issuer_title.get(issuer)?;
        if title
            .bytes()
            .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
        {
            titles.get(title).copied()
        } else {
            titles.get(&title.to_lowercase()).copied()
        }
    }
}

/// Whether a condition has a credential term (`any credential`, `at least N credentials`).
fn mentions_credentials(c: &Cond) -> bool {
    match c {
        Cond::And(v) | Cond::Or(v) => v.iter().any(mentions_credentials),
        Cond::Not(x) => mentions_credentials(x),
        Cond::AnyCredential { .. } => true,
        Cond::AtLeast { kind, .. } => *kind == ItemKind::Credentials,
        _ => false,
    }
}
