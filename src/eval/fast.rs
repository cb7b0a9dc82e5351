//! The fast path: the outcome and the met skills of a decision, without building its trace.
//! Same rules as [`super::evaluate`], decided on a candidate's [`Facts`]: no name is compared
//! or hashed (the facts hold indexes) and nothing is allocated beyond the summary's list of met
//! skills, which [`decide_into`] reuses (`at least N credentials` with N above 8 excepted).

use super::facts::{Facts, Scope};
use crate::policy::Outcome;

/// What a decision comes to, without its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// The outcome after guardrails.
    pub outcome: Outcome,
    /// The outcome the rules gave when `no_auto_decline` changed it.
    pub proposed: Option<Outcome>,
    /// Whether each of the role's `require`/`prefer` skills is met, in the role's order.
    pub met: Vec<bool>,
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            outcome: Outcome::Review,
            proposed: None,
            met: Vec::new(),
        }
    }
}

/// Decides one prepared candidate for one role (an index into `policy.roles`).
///
/// ```
/// # let policy = credo::compile_str("p.credo", r#"
/// #   policy "P" { version "1" effective 2026-01-01 owner "HR" }
/// #   skill s "S"
/// #   role r { title "R" require s { accept at least 1 lab } }
/// # "#).policy.unwrap();
/// let records = r#"{"id": "c-1", "labs": [{"title": "L", "skills": ["s"]}]}"#;
/// let entries = credo::record::read_records(records, "c.json", credo::record::Format::Json, &policy);
/// let cand = entries[0].result.as_ref().unwrap();
/// let facts = credo::eval::Facts::new(&policy, cand, jiff::civil::date(2026, 11, 25));
/// let summary = credo::eval::decide_fast(&facts, 0);
/// assert_eq!(summary.outcome, credo::policy::Outcome::Advance);
/// assert_eq!(summary.met, vec![true]);
/// ```
pub fn decide_fast(facts: &Facts<'_>, role: usize) -> Summary {
    let mut out = Summary::default();
    decide_into(facts, role, &mut out);
    out
}

/// [`decide_fast`] into a summary whose list of met skills is reused.
pub fn decide_into(facts: &Facts<'_>, role: usize, out: &mut Summary) {
    let policy = facts.policy;
    let r = &policy.roles[role];
    out.met.clear();
    for req in &r.requirements {
        let scope = Scope::Evidence(Some(req.skill));
        let met = (req.lines.iter()).any(|l| facts.holds(&l.cond, &scope, None));
        out.met.push(met);
    }
    let eligible =
        (r.eligible.as_ref()).is_none_or(|(c, _)| facts.holds(c, &Scope::Evidence(None), None));
    let outcome = if eligible {
        let counts = super::counts_for(r, &out.met);
        match super::first_rule(facts, role, &out.met, &counts) {
            Some(i) => r.decide[i].outcome,
            None => Outcome::Review,
        }
    } else {
        Outcome::Ineligible
    };
    (out.outcome, out.proposed) =
        if outcome == Outcome::Decline && policy.guardrails.no_auto_decline {
            (Outcome::Review, Some(Outcome::Decline))
        } else {
            (outcome, None)
        };
}
