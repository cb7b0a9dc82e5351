//! Decision-table analysis: every combination of met/unmet skills of a role (and every truth
//! value of the decide rules' attribute comparisons) run through the decide block, to find rules
//! that can never fire and outcomes that get worse when a candidate meets more skills.
//!
//! A role's table has 2^(skills + attribute tests) rows, so the work is bounded twice: a role
//! with more than [`MAX_SKILLS`] skills or [`MAX_ATTRIBUTE_TESTS`] tests is not enumerated, and
//! all the roles of a policy together get at most [`MAX_ROWS`] rows (in policy order). Roles
//! past the budget are not analysed, and one note says which. The decide conditions are
//! compiled to bit masks first, so a row costs a few nanoseconds per rule.

use crate::ast::ReqKind;
use crate::diag::Diag;
use crate::policy::{Cond, Field, Outcome, Role, Value};
use std::sync::Arc;

/// Roles with more skills than this are not enumerated (2^n combinations).
pub const MAX_SKILLS: usize = 12;
/// At most this many distinct attribute comparisons are enumerated.
pub const MAX_ATTRIBUTE_TESTS: usize = 6;
/// Table rows (combinations of met skills and attribute tests) analysed over all the roles of
/// a policy: 16 roles of the largest size, or 4,096 roles of 10 skills without tests.
pub const MAX_ROWS: u64 = 1 << 22;

/// The analysis of every role of a policy, within the budget of [`MAX_ROWS`].
pub(crate) struct Analysis {
    rows_left: u64,
    /// Roles with decide rules that the budget left out.
    skipped: Vec<String>,
    /// Where the first of them is, for the note.
    first_skipped: Option<crate::source::Span>,
}

impl Analysis {
    pub(crate) fn new() -> Self {
        Self::with_budget(MAX_ROWS)
    }

    fn with_budget(rows: u64) -> Self {
        Analysis {
            rows_left: rows,
            skipped: Vec::new(),
            first_skipped: None,
        }
    }

    /// Analyses one role, if the budget allows.
    pub(crate) fn role(&mut self, role: &Role, skill_names: &[String], diags: &mut Vec<Diag>) {
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
        let rows = 1u64 << (n + tests.len());
        if rows > self.rows_left {
            self.rows_left = 0;
            if let Some(first) = role.decide.first() {
                self.first_skipped.get_or_insert(first.src.span);
            }
            self.skipped.push(role.id.clone());
            return;
        }
        self.rows_left -= rows;
        analyse(role, &tests, skill_names, diags);
    }

    /// The note on roles the budget left out, if any.
    pub(crate) fn finish(self, diags: &mut Vec<Diag>) {
        let Some(span) = self.first_skipped else {
            return;
        };
        let n = self.skipped.len();
        let names = if n <= 5 {
            self.skipped
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            let first: Vec<String> = self.skipped[..5].iter().map(|r| format!("`{r}`")).collect();
            format!("{} and {} more", first.join(", "), n - 5)
        };
        diags.push(
            Diag::note(
                "credo::analysis::bounded",
                span,
                format!(
                    "the decide rules of {n} role{} were not analysed: {names}",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .label("the analysis stopped before this role's rules")
            .help(format!(
                "the decide-table analysis looks at most {MAX_ROWS} combinations of met skills over a policy; \
                 the roles before this one were analysed, the rest were not checked for unreachable rules or non-monotone outcomes"
            )),
        );
    }
}

/// A decide condition compiled for the table: skills as bit masks over the role's
/// requirements, attribute tests as bits of the row.
enum Test {
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    /// Some requirement in the mask is met.
    Met(u32),
    /// The attribute test with this bit holds.
    Attr(u32),
    /// A count of met skills compared with a number.
    Count(Field, crate::ast::CmpOp, f64),
    /// Anything else the analysis cannot decide (taken as false).
    False,
}

/// What a row's met skills amount to.
struct Counts {
    required_met: u32,
    required_total: u32,
    preferred_met: u32,
    preferred_total: u32,
}

impl Test {
    fn compile(c: &Cond, role: &Role, tests: &[Arc<str>]) -> Test {
        match c {
            Cond::And(v) => Test::All(v.iter().map(|x| Test::compile(x, role, tests)).collect()),
            Cond::Or(v) => Test::Any(v.iter().map(|x| Test::compile(x, role, tests)).collect()),
            Cond::Not(x) => Test::Not(Box::new(Test::compile(x, role, tests))),
            Cond::Met(s) => Test::Met(
                (role.requirements.iter().enumerate())
                    .filter(|(_, r)| r.skill == *s)
                    .fold(0, |m, (i, _)| m | (1 << i)),
            ),
            _ if attribute_test(c).is_some() => {
                match tests.iter().position(|t| Some(t) == attribute_test(c)) {
                    Some(i) => Test::Attr(1 << i),
                    None => Test::False,
                }
            }
            Cond::Cmp {
                field,
                op,
                value: Value::Num(n),
                ..
            } if is_count(*field) => Test::Count(*field, *op, *n),
            _ => Test::False,
        }
    }

    fn holds(&self, met: u32, attrs: u32, counts: &Counts) -> bool {
        match self {
            Test::All(v) => v.iter().all(|t| t.holds(met, attrs, counts)),
            Test::Any(v) => v.iter().any(|t| t.holds(met, attrs, counts)),
            Test::Not(t) => !t.holds(met, attrs, counts),
            Test::Met(mask) => met & mask != 0,
            Test::Attr(bit) => attrs & bit != 0,
            Test::Count(field, op, n) => (count(*field, counts))
                .and_then(|v| v.partial_cmp(n))
                .is_some_and(|o| op.test(o)),
            Test::False => false,
        }
    }
}

fn is_count(f: Field) -> bool {
    matches!(
        f,
        Field::RequiredMet
            | Field::RequiredMissing
            | Field::RequiredTotal
            | Field::PreferredMet
            | Field::PreferredTotal
            | Field::Coverage
    )
}

fn count(f: Field, c: &Counts) -> Option<f64> {
    Some(match f {
        Field::RequiredMet => f64::from(c.required_met),
        Field::RequiredMissing => f64::from(c.required_total - c.required_met),
        Field::RequiredTotal => f64::from(c.required_total),
        Field::PreferredMet => f64::from(c.preferred_met),
        Field::PreferredTotal => f64::from(c.preferred_total),
        Field::Coverage => {
            if c.required_total == 0 {
                1.0
            } else {
                f64::from(c.required_met) / f64::from(c.required_total)
            }
        }
        _ => return None,
    })
}

fn analyse(role: &Role, tests: &[Arc<str>], skill_names: &[String], diags: &mut Vec<Diag>) {
    let n = role.requirements.len();
    let rules: Vec<(Option<Test>, Outcome)> = (role.decide.iter())
        .map(|r| {
            (
                r.cond.as_ref().map(|c| Test::compile(c, role, tests)),
                r.outcome,
            )
        })
        .collect();
    let required = (role.requirements.iter().enumerate())
        .filter(|(_, r)| r.kind == ReqKind::Required)
        .fold(0u32, |m, (i, _)| m | (1 << i));
    let all = ((1u64 << n) - 1) as u32;
    let preferred = all & !required;
    let mut fired = vec![false; rules.len()];
    // The outcome and rule of each row, at index (attribute bits << n) | met bits.
    let rows = 1usize << (n + tests.len());
    let mut table: Vec<(Outcome, usize)> = Vec::with_capacity(rows);
    for row in 0..rows {
        let (attrs, met) = ((row >> n) as u32, (row as u32) & all);
        let counts = Counts {
            required_met: (met & required).count_ones(),
            required_total: required.count_ones(),
            preferred_met: (met & preferred).count_ones(),
            preferred_total: preferred.count_ones(),
        };
        let rule = (rules.iter())
            .position(|(t, _)| t.as_ref().is_none_or(|t| t.holds(met, attrs, &counts)));
        if let Some(r) = rule {
            fired[r] = true;
        }
        table.push(match rule {
            Some(r) => (rules[r].1, r),
            None => (Outcome::Review, usize::MAX),
        });
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
    // Non-monotone: adding one met skill gives a worse outcome (the first such pair, in
    // the order of attribute assignments, then met masks, then the skill added).
    for a in 0..(1usize << tests.len()) {
        let row = &table[a << n..(a + 1) << n];
        for m in 0..(1usize << n) {
            for k in (0..n).filter(|k| m & (1 << k) == 0) {
                let more = m | (1 << k);
                let (lo, _) = row[m];
                let (hi, hi_rule) = row[more];
                if hi < lo {
                    diags.push(non_monotone(
                        role,
                        tests,
                        skill_names,
                        a,
                        m,
                        k,
                        lo,
                        hi,
                        hi_rule,
                    ));
                    return;
                }
            }
        }
    }
}

/// The warning for the first pair of rows where meeting skill `k` as well makes the outcome
/// worse.
#[allow(clippy::too_many_arguments)]
fn non_monotone(
    role: &Role,
    tests: &[Arc<str>],
    skill_names: &[String],
    a: usize,
    m: usize,
    k: usize,
    lo: Outcome,
    hi: Outcome,
    hi_rule: usize,
) -> Diag {
    let n = role.requirements.len();
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
            .map(|(i, t)| format!("`{t}` {}", if a & (1 << i) != 0 { "true" } else { "false" }))
            .collect();
        format!(" (with {})", parts.join(", "))
    };
    let span = role
        .decide
        .get(hi_rule)
        .map(|r| r.src.span)
        .unwrap_or_default();
    let more = m | (1 << k);
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
    .label(format!(
        "meeting `{}` as well gives {} here",
        skill_names[role.requirements[k].skill],
        hi.as_str()
    ))
    .help("a candidate who meets more skills should never get a worse outcome; check the order and conditions of the decide rules")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy of `roles` roles like fixture 102: three required skills and a rule that can
    /// never fire.
    fn policy(roles: usize) -> crate::policy::Policy {
        let mut text = String::from(
            "policy \"P\" { version \"1\" effective 2026-01-01 owner \"x\" }\nskill a \"A\"\nskill b \"B\"\nskill c \"C\"\n",
        );
        for r in 0..roles {
            text.push_str(&format!(
                "role r{r} {{\n  title \"R\"\n  require a {{ accept at least 1 artifact }}\n  require b {{ accept at least 1 artifact }}\n  require c {{ accept at least 1 artifact }}\n  decide {{\n    advance when required_missing == 0\n    review  when required_met >= 3\n    decline otherwise\n  }}\n}}\n"
            ));
        }
        crate::compile_str("p.credo", &text).policy.expect("valid")
    }

    fn run(p: &crate::policy::Policy, rows: u64) -> Vec<Diag> {
        let names: Vec<String> = p.skills.iter().map(|s| s.id.clone()).collect();
        let mut diags = Vec::new();
        let mut a = Analysis::with_budget(rows);
        for role in &p.roles {
            a.role(role, &names, &mut diags);
        }
        a.finish(&mut diags);
        diags
    }

    #[test]
    fn roles_past_the_budget_are_named_in_one_note_and_the_others_analysed() {
        let p = policy(7);
        // Each role has 8 rows: the budget covers the first two.
        let diags = run(&p, 20);
        let unreachable: Vec<&str> = (diags.iter())
            .filter(|d| d.code == "credo::analysis::unreachable-rule")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            unreachable,
            [
                "this decide rule of role `r0` can never fire",
                "this decide rule of role `r1` can never fire"
            ]
        );
        let notes: Vec<&Diag> = diags
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Note)
            .collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0].message,
            "the decide rules of 5 roles were not analysed: `r2`, `r3`, `r4`, `r5`, `r6`"
        );
        // With the default budget every role is analysed and no note is given.
        let diags = run(&p, MAX_ROWS);
        assert_eq!(diags.len(), 7);
        assert!(diags.iter().all(|d| d.is_warning()));
    }
}
