//! Guardrails (SPEC §6): the settings that act at evaluation, the static ones checked here,
//! protected attributes, and exceptions.

use super::{resolve, Scope, PROTECTED, STATIC_GUARDRAILS};
use crate::ast::*;
use crate::diag::{did_you_mean, Diag};
use crate::policy::protected::{protected_as, proxy_for};
use crate::policy::{self, Cond, Field, Outcome, Value};

/// Compiles the `guardrails` block and checks attribute declarations against the protected list.
pub(crate) fn compile(
    scope: &Scope<'_>,
    items: &[&Guardrail],
    diags: &mut Vec<Diag>,
) -> policy::Guardrails {
    let mut g = policy::Guardrails {
        blind_to: PROTECTED.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    };
    let mut seen: Vec<&Guardrail> = Vec::new();
    for item in items {
        if let Some(first) = seen.iter().find(|s| s.name.node == item.name.node) {
            diags.push(
                Diag::error(
                    "credo::guardrails::repeated",
                    item.name.span,
                    format!("guardrail `{}` is given twice", item.name.node),
                )
                .label("again here")
                .with_label(first.name.span, "first here")
                .help("keep one of them"),
            );
            continue;
        }
        seen.push(item);
        g.declared.push(item.name.node.clone());
        match &item.kind {
            GuardrailKind::SkillsPerRole(a, b) => {
                if a > b {
                    diags.push(
                        Diag::error(
                            "credo::guardrails::range",
                            item.span,
                            format!("`skills_per_role {a}..{b}` is an empty range"),
                        )
                        .label("the low end is above the high end")
                        .help_fix(
                            format!("write `skills_per_role {b}..{a}`"),
                            item.span,
                            format!("skills_per_role {b}..{a}"),
                        ),
                    );
                }
            }
            GuardrailKind::MinTier(t) => g.min_tier = scope.tiers.resolve(t, "tier", diags),
            GuardrailKind::VerifiedOnly { proofs } => {
                g.verified_only = true;
                g.verified_proofs |= proofs;
            }
            GuardrailKind::NoAutoDecline => g.no_auto_decline = true,
            GuardrailKind::NoDegreeGate | GuardrailKind::FreePathway => {}
            GuardrailKind::BlindTo(list) => {
                for a in list {
                    if !g.blind_to.contains(&a.node) {
                        g.blind_to.push(a.node.clone());
                    }
                }
            }
            GuardrailKind::AdverseImpact {
                ratio,
                over,
                selected,
            } => {
                if !(*ratio > 0.0 && *ratio <= 1.0) {
                    diags.push(
                        Diag::error(
                            "credo::guardrails::ratio",
                            item.span,
                            format!("impact ratio threshold `{ratio}` is not between 0 and 1"),
                        )
                        .help("the four-fifths rule is `adverse_impact 0.8 over [...]`"),
                    );
                }
                let mut outcomes = Vec::new();
                for s in selected {
                    match Outcome::from_word(&s.node) {
                        Some(o) => outcomes.push(o),
                        None => diags.push(
                            Diag::error(
                                "credo::decide::unknown-outcome",
                                s.span,
                                format!("unknown outcome `{}`", s.node),
                            )
                            .help(
                                did_you_mean(
                                    &s.node,
                                    ["advance", "review", "decline", "ineligible"],
                                )
                                .unwrap_or_else(|| {
                                    "outcomes are `advance`, `review`, `decline` and `ineligible`"
                                        .into()
                                }),
                            ),
                        ),
                    }
                }
                if outcomes.is_empty() {
                    outcomes.push(Outcome::Advance);
                }
                g.adverse_impact = Some(policy::AdverseImpact {
                    ratio: *ratio,
                    over: over.iter().map(|o| o.node.clone()).collect(),
                    selected: outcomes,
                });
            }
        }
    }
    // Protected and proxy attributes may not be read by rules.
    for a in &scope.attrs.items {
        let lower = a.id.node.to_ascii_lowercase();
        let name = lower.as_str();
        if let Some(protected) = protected_as(name) {
            let what = if protected == name {
                format!(
                    "`{}` is a protected attribute and cannot be read by rules",
                    a.id.node
                )
            } else {
                format!(
                    "`{}` names the protected attribute `{protected}` and cannot be read by rules",
                    a.id.node
                )
            };
            diags.push(
                Diag::error("credo::guardrails::protected-attribute", a.id.span, what)
                .label("protected")
                .help("remove this attribute; records keep protected data under `protected:`, which rules never read"),
            );
        } else if g.blind_to.iter().any(|b| b.eq_ignore_ascii_case(name)) {
            diags.push(
                Diag::error(
                    "credo::guardrails::blind-to",
                    a.id.span,
                    format!(
                        "`{name}` is listed in `blind_to` and cannot be declared as an attribute"
                    ),
                )
                .label("blinded by the guardrails")
                .help("remove this attribute, or remove it from `blind_to` if rules truly need it"),
            );
        } else if let Some(stands_for) = proxy_for(name) {
            diags.push(
                Diag::warning(
                    "credo::guardrails::proxy-attribute",
                    a.id.span,
                    format!("`{}` is a known proxy for {stands_for}", a.id.node),
                )
                .label("may stand in for a protected attribute")
                .help(format!(
                    "rules that read `{}` can discriminate indirectly; remove it or add it to `blind_to`",
                    a.id.node
                )),
            );
        }
    }
    g
}

/// Checks `exception` declarations; returns (role index, guardrail, reason) for each valid one.
pub(crate) fn exceptions(
    scope: &Scope<'_>,
    exceptions: &[&ExceptionDecl],
    items: &[&Guardrail],
    diags: &mut Vec<Diag>,
) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for e in exceptions {
        let g = e.guardrail.node.as_str();
        let role = resolve(&scope.roles, &e.role, "role", diags);
        if g == "blind_to" {
            diags.push(
                Diag::error(
                    "credo::exception::blind-to",
                    e.guardrail.span,
                    "`blind_to` cannot be waived",
                )
                .label("protected attributes are never read, for any role")
                .help("remove this exception"),
            );
            continue;
        }
        if !crate::parse::GUARDRAILS.contains(&g) {
            diags.push(
                Diag::error(
                    "credo::name::unknown-guardrail",
                    e.guardrail.span,
                    format!("unknown guardrail `{g}`"),
                )
                .label("not a guardrail")
                .help(
                    did_you_mean(g, STATIC_GUARDRAILS.iter().copied()).unwrap_or_else(|| {
                        format!(
                            "an exception waives one of {}",
                            crate::diag_list(&STATIC_GUARDRAILS[..3])
                        )
                    }),
                ),
            );
            continue;
        }
        if !STATIC_GUARDRAILS.contains(&g) {
            diags.push(
                Diag::error(
                    "credo::exception::not-static",
                    e.guardrail.span,
                    format!("`{g}` acts when decisions are made and cannot be waived for one role"),
                )
                .label("not a static guardrail")
                .help(format!(
                    "exceptions waive {}; remove this one",
                    crate::diag_list(&STATIC_GUARDRAILS[..3])
                )),
            );
            continue;
        }
        if !items.iter().any(|i| i.name.node == g) {
            diags.push(
                Diag::warning(
                    "credo::exception::not-declared",
                    e.guardrail.span,
                    format!(
                        "the guardrails do not declare `{g}`, so this exception waives nothing"
                    ),
                )
                .label("not declared")
                .help(format!(
                    "remove the exception, or add `{g}` to the `guardrails` block"
                ))
                .fix(e.span, ""),
            );
        }
        if let Some(r) = role {
            out.push((r, g.to_owned(), e.reason.node.clone()));
        }
    }
    out
}

/// The static guardrails: `skills_per_role`, `no_degree_gate`, `free_pathway`.
pub(crate) fn check_static(
    scope: &Scope<'_>,
    items: &[&Guardrail],
    roles: &[policy::Role],
    credentials: &[policy::Credential],
    providers: &[policy::Provider],
    min_tier: Option<usize>,
    diags: &mut Vec<Diag>,
) {
    let waived = |role: &policy::Role, g: &str| role.exceptions.iter().any(|(name, _)| name == g);
    for item in items {
        for (role, decl) in roles.iter().zip(&scope.roles.items) {
            match &item.kind {
                GuardrailKind::SkillsPerRole(a, b)
                    if a <= b && !waived(role, "skills_per_role") =>
                {
                    let n = role.requirements.len() as u32;
                    if n < *a || n > *b {
                        diags.push(
                            Diag::error(
                                "credo::guardrails::skills-per-role",
                                decl.id.span,
                                format!(
                                    "role `{}` has {n} skill{}, outside `skills_per_role {a}..{b}`",
                                    decl.id.node,
                                    if n == 1 { "" } else { "s" }
                                ),
                            )
                            .label(format!("{n} skill{}", if n == 1 { "" } else { "s" }))
                            .with_label(item.span, "the guardrail")
                            .help(if n < *a {
                                format!(
                                    "map the role to at least {a} skills with `require`/`prefer`"
                                )
                            } else {
                                format!(
                                    "keep the role to at most {b} skills: the most predictive ones"
                                )
                            }),
                        );
                    }
                }
                GuardrailKind::NoDegreeGate if !waived(role, "no_degree_gate") => {
                    no_degree_gate(scope, decl, role, item, diags);
                }
                GuardrailKind::FreePathway if !waived(role, "free_pathway") => {
                    free_pathway(
                        scope,
                        decl,
                        role,
                        item,
                        credentials,
                        providers,
                        min_tier,
                        diags,
                    );
                }
                _ => {}
            }
        }
    }
}

fn no_degree_gate(
    scope: &Scope<'_>,
    decl: &RoleDecl,
    role: &policy::Role,
    item: &Guardrail,
    diags: &mut Vec<Diag>,
) {
    if let (Some((cond, _)), Some(e)) = (&role.eligible, &decl.eligible) {
        if !possible(cond, &Mode::NoDegree).0 {
            diags.push(
                Diag::error(
                    "credo::guardrails::degree-gate",
                    e.span,
                    format!(
                        "the eligibility rule of role `{}` can only hold with a degree",
                        decl.id.node
                    ),
                )
                .label("degree gate")
                .with_label(item.span, "`no_degree_gate` is declared here")
                .help("add an alternative without `degree`, e.g. `degree or at least 2 artifacts`"),
            );
        }
    }
    for rdecl in &decl.requirements {
        let Some(req) = role
            .requirements
            .iter()
            .find(|r| scope.skills.items[r.skill].id.node == rdecl.skill.node)
        else {
            continue;
        };
        if req.kind != ReqKind::Required {
            continue;
        }
        if !req
            .lines
            .iter()
            .any(|l| possible(&l.cond, &Mode::NoDegree).0)
        {
            diags.push(
                Diag::error(
                    "credo::guardrails::degree-gate",
                    rdecl.skill.span,
                    format!("required skill `{}` can only be met with a degree", rdecl.skill.node),
                )
                .label("degree gate")
                .with_label(item.span, "`no_degree_gate` is declared here")
                .help("add an accept line that holds without a degree, e.g. `accept at least 2 artifacts`"),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn free_pathway(
    _scope: &Scope<'_>,
    decl: &RoleDecl,
    role: &policy::Role,
    item: &Guardrail,
    credentials: &[policy::Credential],
    providers: &[policy::Provider],
    min_tier: Option<usize>,
    diags: &mut Vec<Diag>,
) {
    for req in &role.requirements {
        if req.kind != ReqKind::Required {
            continue;
        }
        let free_for = |everyone: bool| -> Vec<FreeCred<'_>> {
            credentials
                .iter()
                .enumerate()
                .filter_map(|(index, cred)| {
                    let tier = providers.get(cred.provider).map(|p| p.tier).unwrap_or(0);
                    let ok = cred.cost == Some(0.0)
                        && cred.skills.contains(&req.skill)
                        && min_tier.is_none_or(|m| tier >= m)
                        && (!everyone || cred.open_to.is_none());
                    ok.then_some(FreeCred { index, cred, tier })
                })
                .collect()
        };
        // A credential open only to some (`open_to`) is no free pathway for everyone.
        let free = free_for(true);
        if req
            .lines
            .iter()
            .any(|l| possible(&l.cond, &Mode::FreeOnly(&free)).0)
        {
            continue;
        }
        let span = decl
            .requirements
            .iter()
            .find(|r| r.skill.node == _scope.skills.items[req.skill].id.node)
            .map(|r| r.skill.span)
            .unwrap_or(decl.id.span);
        let skill = &_scope.skills.items[req.skill].id.node;
        let for_some = free_for(false);
        if req
            .lines
            .iter()
            .any(|l| possible(&l.cond, &Mode::FreeOnly(&for_some)).0)
        {
            // Free for some candidates only: a warning that names each `open_to` line.
            let mut d = Diag::warning(
                "credo::guardrails::free-pathway-restricted",
                span,
                format!("required skill `{skill}` has a free pathway only for some candidates"),
            )
            .label("free only through credentials with `open_to`")
            .with_label(item.span, "`free_pathway` is declared here");
            for f in for_some.iter().filter(|f| f.cred.open_to.is_some()) {
                if let Some(o) = &f.cred.open_to {
                    d = d.with_label(
                        o.src.span,
                        format!("`{}` is free only for these candidates", f.cred.id),
                    );
                }
            }
            diags.push(d.help(format!(
                "`free_pathway` counts a credential only when it is open to everyone: accept non-credential evidence for `{skill}`, \
                 add a `cost free` credential without `open_to`, or write `exception free_pathway for role {} because \"…\"`",
                decl.id.node
            )));
            continue;
        }
        diags.push(
            Diag::error(
                "credo::guardrails::free-pathway",
                span,
                format!("required skill `{skill}` has no free pathway"),
            )
            .label("every accept line needs a paid credential")
            .with_label(item.span, "`free_pathway` is declared here")
            .help(format!(
                "accept non-credential evidence (e.g. `accept at least 2 artifacts`), add a `cost free` credential for `{skill}`, \
                 or write `exception free_pathway for role {} because \"…\"`",
                decl.id.node
            )),
        );
    }
}

/// How a static analysis treats evidence terms.
enum Mode<'a> {
    /// Every `degree` term is false; everything else may go either way.
    NoDegree,
    /// Credential terms can only be met by these (free) catalogue credentials.
    FreeOnly(&'a [FreeCred<'a>]),
}

/// A free catalogue credential with what a static `where` needs to know of it.
struct FreeCred<'a> {
    index: usize,
    cred: &'a policy::Credential,
    tier: usize,
}

/// (can be true, can be false) of a condition under a mode.
fn possible(c: &Cond, mode: &Mode<'_>) -> (bool, bool) {
    possible_with(c, &|leaf| match (leaf, mode) {
        (Cond::Degree { .. }, Mode::NoDegree) => Some((false, true)),
        (Cond::AnyCredential { filter, .. }, Mode::FreeOnly(free)) => {
            Some((count_free(free, filter.as_deref()) >= 1, true))
        }
        (
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            },
            Mode::FreeOnly(free),
        ) => Some((count_free(free, filter.as_deref()) >= *n as usize, true)),
        _ => None,
    })
}

/// (can be true, can be false) of a condition, given what each leaf can be (`leaf` answers
/// `None` for "either way"). Atoms are treated as independent, which over-approximates: good
/// enough to find lines that can never hold. Job postings ask it too ("without a degree?").
pub(crate) fn possible_with(
    c: &Cond,
    leaf: &dyn Fn(&Cond) -> Option<(bool, bool)>,
) -> (bool, bool) {
    match c {
        Cond::And(v) => v.iter().fold((true, false), |(t, f), x| {
            let (xt, xf) = possible_with(x, leaf);
            (t && xt, f || xf)
        }),
        Cond::Or(v) => v.iter().fold((false, true), |(t, f), x| {
            let (xt, xf) = possible_with(x, leaf);
            (t || xt, f && xf)
        }),
        Cond::Not(x) => {
            let (t, f) = possible_with(x, leaf);
            (f, t)
        }
        Cond::Invalid => (false, false),
        other => leaf(other).unwrap_or((true, true)),
    }
}

/// How many of the free credentials could satisfy a `where` (fields unknown until evaluation,
/// like `issued`, may go either way).
fn count_free(free: &[FreeCred<'_>], filter: Option<&Cond>) -> usize {
    free.iter()
        .filter(|c| filter.is_none_or(|f| static_where(f, c) != Some(false)))
        .count()
}

/// A `where` over a catalogue credential's static fields: `Some(result)` when known.
fn static_where(c: &Cond, cred: &FreeCred<'_>) -> Option<bool> {
    match c {
        Cond::And(v) => {
            let mut unknown = false;
            for x in v {
                match static_where(x, cred) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(true)
            }
        }
        Cond::Or(v) => {
            let mut unknown = false;
            for x in v {
                match static_where(x, cred) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        Cond::Not(x) => static_where(x, cred).map(|b| !b),
        Cond::Cmp {
            field, op, value, ..
        } => {
            let ord = static_field(*field, value, cred)?;
            Some(ord.is_some_and(|o| op.test(o)))
        }
        Cond::In {
            field,
            negated,
            values,
            ..
        } => {
            let mut any = false;
            for v in values {
                if static_field(*field, v, cred)? == Some(std::cmp::Ordering::Equal) {
                    any = true;
                }
            }
            Some(any != *negated)
        }
        _ => None,
    }
}

/// Compares a static field of a free credential with a value: `None` when the field is only
/// known at evaluation; `Some(None)` when the catalogue does not say (comparisons are false).
fn static_field(
    field: Field,
    value: &Value,
    c: &FreeCred<'_>,
) -> Option<Option<std::cmp::Ordering>> {
    Some(match (field, value) {
        (Field::CredHours, Value::Num(n)) => c.cred.hours.and_then(|h| h.partial_cmp(n)),
        (Field::CredCost, Value::Num(n)) => c.cred.cost.and_then(|h| h.partial_cmp(n)),
        (Field::CredAssessment, Value::Index(i)) => c.cred.assessment.map(|a| a.cmp(i)),
        (Field::CredId, Value::Index(i)) => Some(c.index.cmp(i)),
        (Field::CredProvider, Value::Index(i)) => Some(c.cred.provider.cmp(i)),
        (Field::CredTier, Value::Index(i)) => Some(c.tier.cmp(i)),
        _ => return None,
    })
}
