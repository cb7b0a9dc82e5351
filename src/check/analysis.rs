//! Decision-table analysis: every combination of met/unmet skills of a role (and every truth
//! value of the decide rules' attribute comparisons) run through the decide block, to find rules
//! that can never fire and outcomes that get worse when a candidate meets more skills.

use crate::diag::Diag;
use crate::policy::{Cond, Field, Outcome, Role, Value};
use std::sync::Arc;

/// Roles with more skills than this are not enumerated (2^n combinations).
pub const MAX_SKILLS: usize = 12;
/// At most this many distinct attribute comparisons are enumerated.
pub const MAX_ATTRIBUTE_TESTS: usize = 6;

/// One row of the table: which skills are met, which attribute tests hold.
struct Row {
    met: Vec<bool>,
    attrs: Vec<bool>,
}

pub(crate) fn analyse(role: &Role, skill_names: &[String], diags: &mut Vec<Diag>) {
    let n = role.requirements.len();
    if n > MAX_SKILLS || role.decide.iter().all(|r| r.default) {
        return;
    }
    let mut tests: Vec<Arc<str>> = Vec::new();
    for rule in &role.decide {
        if let Some(c) = &rule.cond {
            attribute_tests(c, &mut tests);
        }
    }
    if tests.len() > MAX_ATTRIBUTE_TESTS {
        return;
    }
    let mut fired = vec![false; role.decide.len()];
    // outcome per (attribute assignment, met mask)
    let mut table: Vec<Vec<(Outcome, usize)>> = Vec::new();
    for a in 0..(1usize << tests.len()) {
        let attrs: Vec<bool> = (0..tests.len()).map(|i| a & (1 << i) != 0).collect();
        let mut row_outcomes = Vec::with_capacity(1 << n);
        for m in 0..(1usize << n) {
            let row = Row {
                met: (0..n).map(|i| m & (1 << i) != 0).collect(),
                attrs: attrs.clone(),
            };
            let (outcome, rule) = decide(role, &row, &tests);
            if let Some(r) = rule {
                fired[r] = true;
            }
            row_outcomes.push((outcome, rule.unwrap_or(usize::MAX)));
        }
        table.push(row_outcomes);
    }
    for (i, rule) in role.decide.iter().enumerate() {
        if !fired[i] {
            diags.push(
                Diag::warning(
                    "credo::analysis::unreachable-rule",
                    rule.src.span,
                    format!("this decide rule of role `{}` can never fire", role.id),
                )
                .label("no combination of met skills reaches it")
                .help(
                    "the rules above it catch every case it covers; remove it or reorder the rules",
                ),
            );
        }
    }
    // Non-monotone: adding one met skill gives a worse outcome.
    'outer: for (a, row) in table.iter().enumerate() {
        for m in 0..(1usize << n) {
            for k in 0..n {
                if m & (1 << k) != 0 {
                    continue;
                }
                let more = m | (1 << k);
                let (lo, _) = row[m];
                let (hi, hi_rule) = row[more];
                if hi < lo {
                    let describe = |mask: usize| {
                        let met: Vec<&str> = (0..n)
                            .filter(|i| mask & (1 << i) != 0)
                            .map(|i| skill_names[role.requirements[i].skill].as_str())
                            .collect();
                        if met.is_empty() {
                            "no skill met".to_owned()
                        } else {
                            format!("met {{{}}}", met.join(", "))
                        }
                    };
                    let attrs = if tests.is_empty() {
                        String::new()
                    } else {
                        let parts: Vec<String> = tests
                            .iter()
                            .enumerate()
                            .map(|(i, t)| {
                                format!(
                                    "`{t}` {}",
                                    if a & (1 << i) != 0 { "true" } else { "false" }
                                )
                            })
                            .collect();
                        format!(" (with {})", parts.join(", "))
                    };
                    let span = role
                        .decide
                        .get(hi_rule)
                        .map(|r| r.src.span)
                        .unwrap_or_default();
                    diags.push(
                        Diag::warning(
                            "credo::analysis::non-monotone",
                            span,
                            format!(
                                "role `{}` is not monotone: {} gives {} but {} gives {}{attrs}",
                                role.id,
                                describe(m),
                                lo.as_str(),
                                describe(more),
                                hi.as_str()
                            ),
                        )
                        .label(format!("meeting `{}` as well gives {} here", skill_names[role.requirements[k].skill], hi.as_str()))
                        .help("a candidate who meets more skills should never get a worse outcome; check the order and conditions of the decide rules"),
                    );
                    break 'outer;
                }
            }
        }
    }
}

/// Distinct comparisons on candidate attributes (by source text).
fn attribute_tests(c: &Cond, out: &mut Vec<Arc<str>>) {
    match c {
        Cond::And(v) | Cond::Or(v) => v.iter().for_each(|x| attribute_tests(x, out)),
        Cond::Not(x) => attribute_tests(x, out),
        _ => {
            if let Some(text) = attribute_test(c).filter(|t| !out.contains(t)) {
                out.push(text.clone());
            }
        }
    }
}

/// The source text of a leaf the analysis treats as an unknown true/false: a test on a
/// candidate attribute, or a comparison of two names.
fn attribute_test(c: &Cond) -> Option<&Arc<str>> {
    match c {
        Cond::Cmp {
            field: Field::Attr(_),
            text,
            ..
        }
        | Cond::In {
            field: Field::Attr(_),
            text,
            ..
        }
        | Cond::Test {
            field: Field::Attr(_),
            text,
        }
        | Cond::CmpFields { text, .. } => Some(text),
        _ => None,
    }
}

fn decide(role: &Role, row: &Row, tests: &[Arc<str>]) -> (Outcome, Option<usize>) {
    for (i, rule) in role.decide.iter().enumerate() {
        if rule
            .cond
            .as_ref()
            .is_none_or(|c| holds(c, role, row, tests))
        {
            return (rule.outcome, Some(i));
        }
    }
    (Outcome::Review, None)
}

fn holds(c: &Cond, role: &Role, row: &Row, tests: &[Arc<str>]) -> bool {
    let counter = |f: Field| -> Option<f64> {
        let mut req = (0u32, 0u32);
        let mut pref = (0u32, 0u32);
        for (r, m) in role.requirements.iter().zip(&row.met) {
            let slot = if r.kind == crate::ast::ReqKind::Required {
                &mut req
            } else {
                &mut pref
            };
            slot.1 += 1;
            if *m {
                slot.0 += 1;
            }
        }
        Some(match f {
            Field::RequiredMet => f64::from(req.0),
            Field::RequiredMissing => f64::from(req.1 - req.0),
            Field::RequiredTotal => f64::from(req.1),
            Field::PreferredMet => f64::from(pref.0),
            Field::PreferredTotal => f64::from(pref.1),
            Field::Coverage => {
                if req.1 == 0 {
                    1.0
                } else {
                    f64::from(req.0) / f64::from(req.1)
                }
            }
            _ => return None,
        })
    };
    match c {
        Cond::And(v) => v.iter().all(|x| holds(x, role, row, tests)),
        Cond::Or(v) => v.iter().any(|x| holds(x, role, row, tests)),
        Cond::Not(x) => !holds(x, role, row, tests),
        Cond::Met(s) => role
            .requirements
            .iter()
            .zip(&row.met)
            .any(|(r, m)| r.skill == *s && *m),
        _ if attribute_test(c).is_some() => (tests.iter())
            .position(|t| Some(t) == attribute_test(c))
            .is_some_and(|i| row.attrs[i]),
        Cond::Cmp {
            field,
            op,
            value: Value::Num(n),
            ..
        } => counter(*field)
            .and_then(|v| v.partial_cmp(n))
            .is_some_and(|o| op.test(o)),
        _ => false,
    }
}
