//! Catalogue usage: which credentials and accept lines carried decisions, which catalogue
//! credentials nobody used, and the credentials candidates brought that the catalogue lacks —
//! what a governance review needs to add or retire credentials.

use crate::decision::{Decision, Detail};
use crate::policy::Policy;
use crate::record::Candidate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How one catalogue credential was used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CredentialUse {
    /// Catalogue id.
    pub credential: String,
    /// Title.
    pub title: String,
    /// Records presenting a credential that matches it (accepted or not).
    pub held: u64,
    /// Decisions in which it was evidence for the accept line that met a skill.
    pub carried: u64,
}

/// How one accept line was used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineUse {
    /// Role id.
    pub role: String,
    /// Skill id.
    pub skill: String,
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The line's text.
    pub text: String,
    /// `file:line:col`.
    pub at: String,
    /// Decisions in which this line met the skill.
    pub carried: u64,
}

/// A credential candidates brought that matches nothing in the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unrecognised {
    /// Its title (else id, else achievement id), as given.
    pub title: String,
    /// Its issuer, when given.
    pub issuer: Option<String>,
    /// Records that brought it.
    pub records: u64,
}

/// Credentials whose proof failed, per provider (a forged-credential signal; SPEC §15).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailedProofs {
    /// Provider id: the one whose `issuers` contain the credential's issuer, else the matched
    /// catalogue credential's provider, else `(unknown issuer)`.
    pub provider: String,
    /// Credentials with a failed proof.
    pub failed: u64,
}

/// Catalogue usage over a batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Usage {
    /// Every catalogue credential: most decisions carried first, then most held, then id.
    pub credentials: Vec<CredentialUse>,
    /// Catalogue credentials that carried no decision, by id.
    pub unused: Vec<String>,
    /// Every accept line of every role, in policy order.
    pub lines: Vec<LineUse>,
    /// Unrecognised credentials, most frequent first.
    pub unrecognised: Vec<Unrecognised>,
    /// Failed proofs per provider, in policy order (providers with none are left out).
    pub failed_proofs: Vec<FailedProofs>,
}

/// Running counts.
#[derive(Debug)]
pub(super) struct Tally {
    held: Vec<u64>,
    carried: Vec<u64>,
    /// role → requirement → line → decisions carried.
    lines: Vec<Vec<Vec<u64>>>,
    unrecognised: BTreeMap<(String, Option<String>), u64>,
    /// Failed proofs per provider index; the last slot is an issuer no provider lists.
    failed_proofs: Vec<u64>,
}

impl Tally {
    pub(super) fn new(policy: &Policy) -> Self {
        Tally {
            held: vec![0; policy.credentials.len()],
            carried: vec![0; policy.credentials.len()],
            lines: policy
                .roles
                .iter()
                .map(|r| {
                    r.requirements
                        .iter()
                        .map(|q| vec![0; q.lines.len()])
                        .collect()
                })
                .collect(),
            unrecognised: BTreeMap::new(),
            failed_proofs: vec![0; policy.providers.len() + 1],
        }
    }

    /// Counts what a record brought, once per record.
    pub(super) fn add_candidate(&mut self, policy: &Policy, cand: &Candidate) {
        let mut held = BTreeSet::new();
        let mut strange = BTreeSet::new();
        for h in &cand.credentials {
            if h.proof.is_failed() {
                let by_issuer = h.issuer.as_ref().and_then(|i| {
                    (policy.providers.iter()).position(|p| p.issuers.iter().any(|x| x == i))
                });
                let by_match = || {
                    crate::eval::match_credential(policy, h).map(|c| policy.credentials[c].provider)
                };
                let slot = by_issuer
                    .or_else(by_match)
                    .unwrap_or(policy.providers.len());
                if let Some(n) = self.failed_proofs.get_mut(slot) {
                    *n += 1;
                }
            }
            match crate::eval::match_credential(policy, h) {
                Some(c) => {
                    held.insert(c);
                }
                None => {
                    let name = h
                        .title
                        .as_ref()
                        .or(h.id.as_ref())
                        .or(h.achievement.as_ref());
                    let name = name.cloned().unwrap_or_else(|| "(unnamed)".into());
                    strange.insert((name, h.issuer.clone()));
                }
            }
        }
        for c in held {
            self.held[c] += 1;
        }
        for key in strange {
            *self.unrecognised.entry(key).or_insert(0) += 1;
        }
    }

    /// Counts the lines and credentials that met skills in one decision.
    pub(super) fn add_decision(&mut self, policy: &Policy, role: usize, d: &Decision) {
        let mut carried = BTreeSet::new();
        for (req, s) in d.skills.iter().enumerate() {
            let Some(via) = &s.via else { continue };
            if let Some(n) = self
                .lines
                .get_mut(role)
                .and_then(|r| r.get_mut(req))
                .and_then(|l| l.get_mut(via.line.wrapping_sub(1)))
            {
                *n += 1;
            }
            let Some(line) = s.tried.get(via.line.wrapping_sub(1)) else {
                continue;
            };
            for t in line.terms.iter().filter(|t| t.holds) {
                if let Detail::Credentials { accepted, .. } = &t.detail {
                    carried.extend(
                        accepted
                            .iter()
                            .filter_map(|id| policy.credential_index.get(&**id).copied()),
                    );
                }
            }
        }
        for c in carried {
            self.carried[c] += 1;
        }
    }

    /// Adds another tally of the same policy.
    pub(super) fn merge(&mut self, other: Tally) {
        let add = |a: &mut Vec<u64>, b: Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.held, other.held);
        add(&mut self.carried, other.carried);
        for (mine, theirs) in self.lines.iter_mut().zip(other.lines) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                add(a, b);
            }
        }
        add(&mut self.failed_proofs, other.failed_proofs);
        for (key, n) in other.unrecognised {
            *self.unrecognised.entry(key).or_insert(0) += n;
        }
    }

    pub(super) fn finish(self, policy: &Policy) -> Usage {
        let mut credentials: Vec<CredentialUse> = policy
            .credentials
            .iter()
            .enumerate()
            .map(|(i, c)| CredentialUse {
                credential: c.id.clone(),
                title: c.title.clone(),
                held: self.held[i],
                carried: self.carried[i],
            })
            .collect();
        credentials.sort_by(|a, b| {
            b.carried
                .cmp(&a.carried)
                .then(b.held.cmp(&a.held))
                .then_with(|| a.credential.cmp(&b.credential))
        });
        let mut unused: Vec<String> = credentials
            .iter()
            .filter(|c| c.carried == 0)
            .map(|c| c.credential.clone())
            .collect();
        unused.sort();
        let mut lines = Vec::new();
        for (role, counts) in policy.roles.iter().zip(&self.lines) {
            for (req, per_line) in role.requirements.iter().zip(counts) {
                for (i, (line, carried)) in req.lines.iter().zip(per_line).enumerate() {
                    lines.push(LineUse {
                        role: role.id.clone(),
                        skill: policy.skills[req.skill].id.clone(),
                        line: i + 1,
                        text: line.src.text.clone(),
                        at: line.src.at.to_string(),
                        carried: *carried,
                    });
                }
            }
        }
        let mut unrecognised: Vec<Unrecognised> = self
            .unrecognised
            .into_iter()
            .map(|((title, issuer), records)| Unrecognised {
                title,
                issuer,
                records,
            })
            .collect();
        // The map is in (title, issuer) order; a stable sort keeps it among equal counts.
        unrecognised.sort_by_key(|u| std::cmp::Reverse(u.records));
        let failed_proofs = (self.failed_proofs.iter().enumerate())
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| FailedProofs {
                provider: (policy.providers.get(i))
                    .map_or_else(|| "(unknown issuer)".to_owned(), |p| p.id.clone()),
                failed: *n,
            })
            .collect();
        Usage {
            credentials,
            unused,
            lines,
            unrecognised,
            failed_proofs,
        }
    }
}
