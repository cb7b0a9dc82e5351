//! [`Policy`]: a checked policy set, immutable once built, and the roles it declares.

use super::{Candidate, PolicyDiagnostic, PolicyError};
use crate::ast::ReqKind;
use crate::decision::Decision;
use crate::eval::Summary;
use crate::load::{self, LoadError, Loaded};
use jiff::civil::Date;
use std::path::Path;

/// A checked, compiled policy set (SPEC §18). It cannot be changed once built: to use a new
/// version, build a new `Policy` and swap it (an `Arc<Policy>` shared by threads, for one).
///
/// `Policy` is `Send + Sync`; deciding reads it only.
#[derive(Clone, Debug)]
pub struct Policy {
    inner: crate::policy::Policy,
    warnings: Vec<PolicyDiagnostic>,
    /// Ties a [`RoleId`] to the policy it came from (taken from the policy hash, so the same
    /// text loaded twice gives interchangeable role ids).
    stamp: u64,
}

/// A role of one [`Policy`], from [`Policy::role`] or [`Policy::roles`].
///
/// It is opaque and cannot point outside its policy: given to another policy (one with a
/// different hash), [`Policy::decide`] fails closed to `review` and says why in the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RoleId {
    index: u32,
    stamp: u64,
}

/// A role as the policy declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleInfo<'p> {
    /// The handle to decide with.
    pub role: RoleId,
    /// The role's id (`role ID { … }`).
    pub id: &'p str,
    /// Its title.
    pub title: &'p str,
    /// Its `require` and `prefer` skills in the policy's order (the order of
    /// [`Summary::met`]).
    pub skills: Vec<RoleSkill<'p>>,
}

/// A skill a role requires or prefers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleSkill<'p> {
    /// The skill's id.
    pub id: &'p str,
    /// Its human name.
    pub name: &'p str,
    /// `require` (true) or `prefer` (false).
    pub required: bool,
}

impl Policy {
    /// Reads and checks a policy set: one `.credo` file or a directory of them (SPEC §3), each
    /// at most [`load::MAX_POLICY_FILE`] bytes. A policy with errors is an `Err` carrying every
    /// diagnostic; warnings stay available through [`Policy::warnings`].
    pub fn from_file(path: &Path) -> Result<Policy, PolicyError> {
        Policy::from_loaded(load::load_policy(path)?)
    }

    /// Checks policy text given as a string, as one file called `name` (its file name is what
    /// the policy hash covers). The limits are those of a file: text over
    /// [`load::MAX_POLICY_FILE`] bytes is refused, as are lists and nesting over the parser's
    /// limits.
    pub fn from_str(name: &str, text: &str) -> Result<Policy, PolicyError> {
        if text.len() as u64 > load::MAX_POLICY_FILE {
            return Err(LoadError::TooLarge(name.to_owned()).into());
        }
        Policy::from_loaded(load::compile_str(name, text))
    }

    /// A policy set the CLI has read and checked, as a `Policy` (an `Err` when it has errors).
    #[doc(hidden)]
    pub fn from_loaded(loaded: Loaded) -> Result<Policy, PolicyError> {
        let Loaded {
            sources,
            diags,
            policy,
        } = loaded;
        match policy {
            Some(inner) if !diags.iter().any(crate::diag::Diag::is_error) => {
                let warnings = (diags.iter())
                    .map(|d| PolicyDiagnostic::new(d, &sources))
                    .collect();
                let stamp = stamp_of(&inner.hash);
                Ok(Policy {
                    inner,
                    warnings,
                    stamp,
                })
            }
            _ => Err(PolicyError::invalid(&diags, &sources)),
        }
    }

    /// The compiled form the CLI works on.
    #[doc(hidden)]
    pub fn compiled(&self) -> &crate::policy::Policy {
        &self.inner
    }

    /// `policy "NAME"`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// `version "…"`.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// `sha256:…` over the policy's files (SPEC §5): the hash decisions carry.
    pub fn hash(&self) -> &str {
        &self.inner.hash
    }

    /// Warnings (and notes) of the check, sorted by position; empty for a clean policy.
    pub fn warnings(&self) -> &[PolicyDiagnostic] {
        &self.warnings
    }

    /// The role declared as `role NAME`, if there is one.
    pub fn role(&self, name: &str) -> Option<RoleId> {
        let &index = self.inner.role_index.get(name)?;
        Some(RoleId {
            index: u32::try_from(index).ok()?,
            stamp: self.stamp,
        })
    }

    /// Every role, in declaration order.
    pub fn roles(&self) -> impl ExactSizeIterator<Item = RoleInfo<'_>> + '_ {
        let p = &self.inner;
        (p.roles.iter().enumerate()).map(move |(i, r)| RoleInfo {
            role: RoleId {
                index: i as u32,
                stamp: self.stamp,
            },
            id: &r.id,
            title: &r.title,
            skills: (r.requirements.iter())
                .map(|q| RoleSkill {
                    id: &p.skills[q.skill].id,
                    name: &p.skills[q.skill].name,
                    required: q.kind == ReqKind::Required,
                })
                .collect(),
        })
    }

    /// The index of a role of this policy (`None` for a role id of another policy).
    fn index(&self, role: RoleId) -> Option<usize> {
        let i = role.index as usize;
        (role.stamp == self.stamp && i < self.inner.roles.len()).then_some(i)
    }

    /// Decides one candidate for one role as of a date (SPEC §5): the outcome and its whole
    /// explanation. The decision borrows the policy's text, not the candidate's.
    ///
    /// A role id of another policy is not an error to panic on: the decision is `review` with
    /// no rule applied, and its notes say why.
    pub fn decide(&self, candidate: &Candidate, role: RoleId, as_of: Date) -> Decision<'_> {
        match self.index(role) {
            Some(i) => crate::eval::evaluate(&self.inner, candidate.record(), i, as_of),
            None => crate::eval::foreign_role(&self.inner, candidate.record(), as_of),
        }
    }

    /// The outcome and the met skills only, without the explanation (the fast path): the same
    /// outcome as [`Policy::decide`], several times faster. `met` follows
    /// [`RoleInfo::skills`]; for a role id of another policy the outcome is `review` and `met`
    /// is empty.
    pub fn decide_summary(&self, candidate: &Candidate, role: RoleId, as_of: Date) -> Summary {
        let mut out = Summary::default();
        if let Some(i) = self.index(role) {
            let facts = crate::eval::Facts::new(&self.inner, candidate.record(), as_of);
            crate::eval::decide_into(&facts, i, &mut out);
        }
        out
    }
}

/// The first 64 bits of a `sha256:…` hash (0 if it is not one, which never happens).
fn stamp_of(hash: &str) -> u64 {
    (hash.strip_prefix("sha256:"))
        .and_then(|h| h.get(..16))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}
