//! Job postings and screening kits, derived from one role of a compiled policy.
//!
//! Most employers that dropped degree requirements changed the posting and not the screening,
//! or the reverse. Here both come from the same accept lines, put into words by the one
//! renderer for conditions ([`crate::render::words`]), so they cannot drift apart:
//!
//! ```text
//!  Policy + role ──build(as_of)──▶ Posting ──▶ Markdown / HTML / schema.org JSON-LD
//!                                          └─▶ screening kit (Markdown)
//! ```
//!
//! Nothing here is written by hand per role: every sentence about evidence is derived, and the
//! catalogue credentials a line accepts are the ones the evaluator would accept (a fresh,
//! verified credential issued on `as_of`).

mod html;
mod jsonld;
mod kit;
mod markdown;
mod sections;

pub use html::html;
pub use jsonld::jsonld;
pub use kit::kit;
pub use markdown::markdown;

use crate::ast::{CmpOp, ItemKind, ReqKind};
use crate::policy::{Cond, Field, Policy, Role, SourceRef, Value};
use crate::render::words::{CredentialTerm, Words};
use jiff::civil::Date;

/// What a role looks for, in words, with the facts the formats need.
#[derive(Clone, Debug)]
pub struct Posting<'p> {
    /// The policy.
    pub policy: &'p Policy,
    /// The role.
    pub role: &'p Role,
    /// The day the catalogue is read as of (retirements, validity).
    pub as_of: Date,
    /// The `eligible when` rule in words.
    pub eligibility: Option<String>,
    /// Every `require`/`prefer`, in the role's order.
    pub skills: Vec<SkillWays<'p>>,
    /// No required skill and no eligibility rule needs a degree (`no_degree_gate` holds).
    pub no_degree_required: bool,
    /// Every required skill (and the eligibility rule) can be shown without any credential or
    /// degree: experience, portfolio pieces, labs or work samples stand in for education.
    pub experience_in_place_of_education: bool,
    /// No-cost catalogue credentials that count toward some skill, with those skills.
    pub free_credentials: Vec<(usize, Vec<usize>)>,
    /// Required skills that cannot be shown without paying for a credential.
    pub paid_only: Vec<usize>,
}

/// One skill of the role and every accepted way to show it.
#[derive(Clone, Debug)]
pub struct SkillWays<'p> {
    /// Skill index.
    pub skill: usize,
    /// Required or preferred.
    pub kind: ReqKind,
    /// The accept lines, in order.
    pub ways: Vec<Way<'p>>,
}

/// One accept line.
#[derive(Clone, Debug)]
pub struct Way<'p> {
    /// The line in plain words.
    pub words: String,
    /// The compiled condition.
    pub cond: &'p Cond,
    /// Where the line is written and what it says.
    pub src: &'p SourceRef,
    /// Its credential terms, each with the catalogue credentials that satisfy it.
    pub credentials: Vec<CredentialTerm>,
    /// It can hold with no credential and no degree.
    pub without_credential: bool,
    /// It can hold without paying for a credential (no degree either).
    pub free: bool,
    /// The months of experience it asks for (`experience >= D`), if any.
    pub months: Option<u32>,
}

/// Builds the posting of `role` as of a date.
pub fn build<'p>(policy: &'p Policy, role: &'p Role, as_of: Date) -> Posting<'p> {
    let words = Words::new(policy, as_of);
    let skills: Vec<SkillWays<'p>> = role
        .requirements
        .iter()
        .map(|req| SkillWays {
            skill: req.skill,
            kind: req.kind,
            ways: req
                .lines
                .iter()
                .map(|line| way(policy, &words, &line.cond, &line.src, req.skill, as_of))
                .collect(),
        })
        .collect();
    let required = || skills.iter().filter(|s| s.kind == ReqKind::Required);
    let eligible = role.eligible.as_ref().map(|(c, _)| c);
    let no_degree_required = eligible.is_none_or(|c| can_hold(c, &no_degree))
        && required().all(|s| s.ways.iter().any(|w| can_hold(w.cond, &no_degree)));
    let experience_in_place_of_education = eligible.is_none_or(|c| can_hold(c, &no_credential))
        && required().all(|s| s.ways.iter().any(|w| w.without_credential));

    let mut free_credentials: Vec<(usize, Vec<usize>)> = Vec::new();
    for s in &skills {
        for term in s.ways.iter().flat_map(|w| &w.credentials) {
            for &c in &term.credentials {
                if policy.credentials[c].cost != Some(0.0) {
                    continue;
                }
                match free_credentials.iter_mut().find(|(f, _)| *f == c) {
                    Some((_, list)) if !list.contains(&s.skill) => list.push(s.skill),
                    Some(_) => {}
                    None => free_credentials.push((c, vec![s.skill])),
                }
            }
        }
    }
    let paid_only = required()
        .filter(|s| !s.ways.iter().any(|w| w.free))
        .map(|s| s.skill)
        .collect();
    Posting {
        policy,
        role,
        as_of,
        eligibility: eligible.map(|c| words.cond(c, None)),
        skills,
        no_degree_required,
        experience_in_place_of_education,
        free_credentials,
        paid_only,
    }
}

fn way<'p>(
    policy: &Policy,
    words: &Words<'_>,
    cond: &'p Cond,
    src: &'p SourceRef,
    skill: usize,
    as_of: Date,
) -> Way<'p> {
    let free_only = |leaf: &Cond| -> Option<(bool, bool)> {
        let (n, filter) = credential_term(leaf)?;
        let free = crate::eval::catalogue_accepting(policy, Some(skill), filter, as_of)
            .into_iter()
            // A credential open only to some is no free way for everyone (SPEC §17).
            .filter(|c| policy.credentials[*c].cost == Some(0.0))
            .filter(|c| policy.credentials[*c].open_to.is_none())
            .count();
        Some((free >= n as usize, true))
    };
    let free = can_hold(cond, &|leaf| no_degree(leaf).or_else(|| free_only(leaf)));
    Way {
        words: words.cond(cond, Some(skill)),
        cond,
        src,
        credentials: words.credential_terms(cond, Some(skill)),
        without_credential: can_hold(cond, &no_credential),
        free,
        months: experience_months(cond),
    }
}

/// Whether a condition can hold when the leaves can be what `leaf` says (the checker's own
/// static analysis, as for `no_degree_gate` and `free_pathway`).
fn can_hold(c: &Cond, leaf: &dyn Fn(&Cond) -> Option<(bool, bool)>) -> bool {
    crate::check::possible_with(c, leaf).0
}

/// Every `degree` term is false.
fn no_degree(leaf: &Cond) -> Option<(bool, bool)> {
    matches!(leaf, Cond::Degree { .. }).then_some((false, true))
}

/// Every credential and `degree` term is false.
fn no_credential(leaf: &Cond) -> Option<(bool, bool)> {
    match credential_term(leaf) {
        Some((n, _)) => Some((n == 0, true)),
        None => no_degree(leaf),
    }
}

/// (needed, filter) of `any credential …` / `at least N credentials …`.
fn credential_term(c: &Cond) -> Option<(u32, Option<&Cond>)> {
    match c {
        Cond::AnyCredential { filter, .. } => Some((1, filter.as_deref())),
        Cond::AtLeast {
            n,
            kind: ItemKind::Credentials,
            filter,
            ..
        } => Some((*n, filter.as_deref())),
        _ => None,
    }
}

/// The months an `experience >= D` (or `> D`) term of a line asks for, outside any `not`.
fn experience_months(c: &Cond) -> Option<u32> {
    match c {
        Cond::And(v) | Cond::Or(v) => v.iter().find_map(experience_months),
        Cond::Cmp {
            field: Field::Experience,
            op: CmpOp::Ge | CmpOp::Gt,
            value: Value::Dur(d),
            ..
        } => d.months(),
        _ => None,
    }
}

/// `security_fundamentals` → "Security fundamentals".
/// The names of providers whose credentials credo checks cryptographically (they pin `keys`
/// or a `jwks`; SPEC §15), in policy order.
pub(crate) fn proof_checked(policy: &Policy) -> Vec<String> {
    (policy.providers.iter())
        .filter(|p| !p.keys.is_empty() || !p.jwks.is_empty())
        .map(|p| p.name.clone())
        .collect()
}

pub(crate) fn sentence_case(id: &str) -> String {
    let words: Vec<String> = (id.split('_'))
        .map(|w| match ACRONYMS.binary_search(&w) {
            Ok(_) => w.to_uppercase(),
            Err(_) => w.to_owned(),
        })
        .collect();
    let words = words.join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Words of an id that stay in capitals when a module without a title is named from its id
/// (`sql_bootcamp` → "SQL bootcamp"); sorted. A module's `"Title"` says it exactly.
const ACRONYMS: &[&str] = &[
    "ai", "api", "aws", "bi", "ccna", "ci", "cis", "css", "dns", "etl", "gcp", "hr", "html", "iam",
    "it", "json", "ml", "os", "pki", "qa", "siem", "soc", "sql", "ssl", "tls", "ui", "ux", "vpn",
];

#[cfg(test)]
mod sentence_case_tests {
    use super::*;

    #[test]
    fn acronyms_stay_capitals() {
        assert!(
            ACRONYMS.windows(2).all(|w| w[0] < w[1]),
            "ACRONYMS is sorted"
        );
        assert_eq!(sentence_case("sql_bootcamp"), "SQL bootcamp");
        assert_eq!(sentence_case("siem_basics"), "SIEM basics");
        assert_eq!(
            sentence_case("power_bi_house_style"),
            "Power BI house style"
        );
        assert_eq!(
            sentence_case("security_fundamentals"),
            "Security fundamentals"
        );
        assert_eq!(sentence_case(""), "");
    }
}
