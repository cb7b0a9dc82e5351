//! Typing of expressions per context (SPEC §4 table) and their compilation to [`Cond`].

use super::{resolve, Scope};
use crate::ast::*;
use crate::diag::{did_you_mean, Diag};
use crate::policy::{self, Cond, Field, Value, DEGREE_LEVELS};
use std::sync::Arc;

/// Where an expression is written: decides which names it may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// An `accept` line.
    Accept,
    /// `eligible when`.
    Eligible,
    /// A `decide` rule.
    Decide,
    /// The `where` of an evidence term counting this kind.
    Where(ItemKind),
}

/// The fields a `where` about credentials may name (SPEC §4); the language server completes
/// them from here.
pub const WHERE_CREDENTIAL_FIELDS: &[&str] = &[
    "id",
    "provider",
    "tier",
    "assessment",
    "hours",
    "cost",
    "issued",
    "age",
    "verified",
];
/// The fields a `where` about artifacts may name.
pub const WHERE_ARTIFACT_FIELDS: &[&str] = &["age", "reviewed"];
/// The fields a `where` about labs may name.
pub const WHERE_LAB_FIELDS: &[&str] = &["age", "hours"];

impl Ctx {
    fn describe(self) -> &'static str {
        match self {
            Ctx::Accept => "an accept line",
            Ctx::Eligible => "an `eligible when` rule",
            Ctx::Decide => "a decide rule",
            Ctx::Where(ItemKind::Credentials) => "a `where` about credentials",
            Ctx::Where(ItemKind::Artifacts) => "a `where` about artifacts",
            Ctx::Where(ItemKind::Labs) => "a `where` about labs",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Ctx::Accept => &["work_sample", "experience", "candidate.ATTR"],
            Ctx::Eligible => &["candidate.ATTR"],
            Ctx::Decide => &[
                "required_met",
                "required_missing",
                "required_total",
                "preferred_met",
                "preferred_total",
                "coverage",
                "candidate.ATTR",
            ],
            Ctx::Where(ItemKind::Credentials) => WHERE_CREDENTIAL_FIELDS,
            Ctx::Where(ItemKind::Artifacts) => WHERE_ARTIFACT_FIELDS,
            Ctx::Where(ItemKind::Labs) => WHERE_LAB_FIELDS,
        }
    }

    fn field(self, name: &str) -> Option<Field> {
        Some(match (self, name) {
            (Ctx::Accept, "work_sample") => Field::WorkSample,
            (Ctx::Accept, "experience") => Field::Experience,
            (Ctx::Decide, "required_met") => Field::RequiredMet,
            (Ctx::Decide, "required_missing") => Field::RequiredMissing,
            (Ctx::Decide, "required_total") => Field::RequiredTotal,
            (Ctx::Decide, "preferred_met") => Field::PreferredMet,
            (Ctx::Decide, "preferred_total") => Field::PreferredTotal,
            (Ctx::Decide, "coverage") => Field::Coverage,
            (Ctx::Where(ItemKind::Credentials), n) => match n {
                "id" => Field::CredId,
                "provider" => Field::CredProvider,
                "tier" => Field::CredTier,
                "assessment" => Field::CredAssessment,
                "hours" => Field::CredHours,
                "cost" => Field::CredCost,
                "issued" => Field::CredIssued,
                "age" => Field::CredAge,
                "verified" => Field::CredVerified,
                _ => return None,
            },
            (Ctx::Where(ItemKind::Artifacts), "age") => Field::ItemAge,
            (Ctx::Where(ItemKind::Artifacts), "reviewed") => Field::ArtifactReviewed,
            (Ctx::Where(ItemKind::Labs), "age") => Field::ItemAge,
            (Ctx::Where(ItemKind::Labs), "hours") => Field::LabHours,
            _ => return None,
        })
    }
}

/// The type of a field, which decides what it may be compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Num,
    Percent,
    Bool,
    Str,
    Date,
    Age,
    Months,
    Tier,
    Assessment,
    Credential,
    Provider,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Num => "a number",
            Ty::Percent => "a percentage",
            Ty::Bool => "true or false",
            Ty::Str => "a string",
            Ty::Date => "a date",
            Ty::Age => "a duration",
            Ty::Months => "a duration in months or years",
            Ty::Tier => "a tier",
            Ty::Assessment => "an assessment kind",
            Ty::Credential => "a credential id",
            Ty::Provider => "a provider id",
        }
    }
}

struct Checker<'s, 'a> {
    scope: &'s Scope<'a>,
    diags: &'s mut Vec<Diag>,
}

/// Checks an expression in a context and compiles it; errors are pushed to `diags` and the
/// failing part becomes [`Cond::Invalid`].
pub(crate) fn check_expr(
    scope: &Scope<'_>,
    expr: &Expr,
    ctx: Ctx,
    _role: Option<&str>,
    diags: &mut Vec<Diag>,
) -> Cond {
    let mut c = Checker { scope, diags };
    c.expr(expr, ctx)
}

/// Warns when `met(S)` names a skill the role does not evaluate (it would always be false).
pub(crate) fn warn_met_outside_role(
    scope: &Scope<'_>,
    expr: &Expr,
    requirements: &[policy::Requirement],
    role: &str,
    diags: &mut Vec<Diag>,
) {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.node {
            ExprKind::Or(v) | ExprKind::And(v) => stack.extend(v.iter()),
            ExprKind::Not(x) | ExprKind::Paren(x) => stack.push(x),
            ExprKind::Met(s) => {
                if let Some(i) = scope.skills.get(&s.node) {
                    if !requirements.iter().any(|r| r.skill == i) {
                        diags.push(
                            Diag::error(
                                "credo::decide::met-outside-role",
                                s.span,
                                format!("role `{role}` does not require or prefer `{}`", s.node),
                            )
                            .label("never met in this role")
                            .help(
                                "`met(...)` names one of the role's own `require`/`prefer` skills",
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

impl Checker<'_, '_> {
    fn err(&mut self, d: Diag) -> Cond {
        self.diags.push(d);
        Cond::Invalid
    }

    fn text(&self, e: &Expr) -> Arc<str> {
        super::one_line(self.scope.sources.slice(e.span)).into()
    }

    fn expr(&mut self, e: &Expr, ctx: Ctx) -> Cond {
        let text = self.text(e);
        match &e.node {
            ExprKind::Or(parts) => Cond::Or(parts.iter().map(|p| self.expr(p, ctx)).collect()),
            ExprKind::And(parts) => Cond::And(parts.iter().map(|p| self.expr(p, ctx)).collect()),
            ExprKind::Not(inner) => Cond::Not(Box::new(self.expr(inner, ctx))),
            ExprKind::Paren(inner) => self.expr(inner, ctx),
            ExprKind::AnyCredential(filter) => {
                if let Some(d) = self.evidence_allowed(e, ctx, "any credential") {
                    return self.err(d);
                }
                let f = filter
                    .as_ref()
                    .map(|f| Box::new(self.expr(f, Ctx::Where(ItemKind::Credentials))));
                Cond::AnyCredential { filter: f, text }
            }
            ExprKind::AtLeast {
                n, kind, filter, ..
            } => {
                if let Some(d) = self.evidence_allowed(e, ctx, "at least") {
                    return self.err(d);
                }
                let f = filter
                    .as_ref()
                    .map(|f| Box::new(self.expr(f, Ctx::Where(*kind))));
                Cond::AtLeast {
                    n: *n,
                    kind: *kind,
                    filter: f,
                    text,
                }
            }
            ExprKind::Degree(cmp) => {
                if let Some(d) = self.evidence_allowed(e, ctx, "degree") {
                    return self.err(d);
                }
                match cmp {
                    None => Cond::Degree { level: None, text },
                    Some((op, level)) => {
                        match DEGREE_LEVELS.iter().position(|l| *l == level.node) {
                            Some(i) => Cond::Degree {
                                level: Some((*op, i as u8)),
                                text,
                            },
                            None => {
                                let help = did_you_mean(&level.node, DEGREE_LEVELS.iter().copied())
                                    .unwrap_or_else(|| {
                                        format!(
                                            "the levels, low to high, are {}",
                                            crate::diag_list(DEGREE_LEVELS)
                                        )
                                    });
                                self.err(
                                    Diag::error(
                                        "credo::name::unknown-degree-level",
                                        level.span,
                                        format!("unknown degree level `{}`", level.node),
                                    )
                                    .label("not a degree level")
                                    .help(help),
                                )
                            }
                        }
                    }
                }
            }
            ExprKind::Met(skill) => {
                if ctx != Ctx::Decide {
                    return self.err(
                        Diag::error(
                            "credo::type::context",
                            e.span,
                            format!("`met(...)` cannot be used in {}", ctx.describe()),
                        )
                        .label("only in decide rules")
                        .help("`met(skill)` reads a skill's result in a `decide` rule"),
                    );
                }
                match resolve(&self.scope.skills, skill, "skill", self.diags) {
                    Some(i) => Cond::Met(i),
                    None => Cond::Invalid,
                }
            }
            ExprKind::Compare(lhs, op, rhs) => self.compare(e, lhs, *op, rhs, ctx, text),
            ExprKind::In { lhs, negated, list } => {
                let Some((field, ty)) = self.field_of(lhs, ctx) else {
                    return Cond::Invalid;
                };
                let fname = self.scope.sources.slice(lhs.span).to_owned();
                let mut values = Vec::new();
                for item in list {
                    match self.literal(item, ty, field, &fname) {
                        Some(v) => values.push(v),
                        None => return Cond::Invalid,
                    }
                }
                Cond::In {
                    field,
                    negated: *negated,
                    values,
                    text,
                }
            }
            ExprKind::Test(operand) => {
                if let OperandKind::Path(_) = operand.node {
                    let Some((field, ty)) = self.field_of(operand, ctx) else {
                        return Cond::Invalid;
                    };
                    if ty != Ty::Bool {
                        let name = self.scope.sources.slice(operand.span).to_owned();
                        return self.err(
                            Diag::error(
                                "credo::type::not-a-condition",
                                operand.span,
                                format!("`{name}` is {}, not a condition", ty.describe()),
                            )
                            .label("compare it with something")
                            .help(format!(
                                "write a comparison such as `{name} {}`",
                                example_rhs(ty, ">=")
                            )),
                        );
                    }
                    Cond::Test { field, text }
                } else {
                    self.err(
                        Diag::error(
                            "credo::type::not-a-condition",
                            e.span,
                            "a value on its own is not a condition",
                        )
                        .label("expected a condition")
                        .help("write an evidence term such as `any credential` or a comparison such as `work_sample >= 70`"),
                    )
                }
            }
        }
    }

    fn evidence_allowed(&self, e: &Expr, ctx: Ctx, what: &str) -> Option<Diag> {
        match ctx {
            Ctx::Accept | Ctx::Eligible => None,
            Ctx::Decide => Some(
                Diag::error(
                    "credo::type::evidence-in-decide",
                    e.span,
                    format!("evidence terms such as `{what}` cannot be used in a decide rule"),
                )
                .label("decide rules read the skills' results")
                .help("test the skill with `met(skill)` or count with `required_missing`"),
            ),
            Ctx::Where(_) => Some(
                Diag::error(
                    "credo::type::nested-evidence",
                    e.span,
                    format!("`{what}` cannot be used inside a `where`"),
                )
                .label("evidence term inside a `where`")
                .help(
                    "a `where` runs over the fields of one item; to combine two evidence terms, \
                     close the first with parentheses: `(any credential where …) and at least 2 artifacts`",
                ),
            ),
        }
    }

    /// Resolves a path operand to a field of this context.
    fn field_of(&mut self, operand: &Operand, ctx: Ctx) -> Option<(Field, Ty)> {
        let OperandKind::Path(parts) = &operand.node else {
            self.diags.push(
                Diag::error(
                    "credo::type::literal-left",
                    operand.span,
                    "expected a name here, found a value",
                )
                .label("a value")
                .help("put the name first, e.g. `hours >= 60`"),
            );
            return None;
        };
        match parts.as_slice() {
            [c, attr] if c.node == "candidate" => {
                if matches!(ctx, Ctx::Where(_)) {
                    self.diags.push(
                        Diag::error(
                            "credo::type::context",
                            operand.span,
                            format!("candidate attributes cannot be read in {}", ctx.describe()),
                        )
                        .label("not available here")
                        .help(format!(
                            "move it out of the `where`; here you can use {}",
                            crate::diag_list(ctx.names())
                        )),
                    );
                    return None;
                }
                if self.scope.attrs.get(&attr.node).is_none() {
                    if let Some(protected) = crate::policy::protected::protected_as(&attr.node) {
                        let what = if protected == attr.node.to_ascii_lowercase() {
                            String::new()
                        } else {
                            format!(" (it names `{protected}`)")
                        };
                        self.diags.push(
                            Diag::error(
                                "credo::guardrails::protected-attribute",
                                operand.span,
                                format!(
                                    "`candidate.{}` is a protected attribute{what} and cannot be read by rules",
                                    attr.node
                                ),
                            )
                            .label("protected")
                            .help("decide on skills evidence instead; records keep protected data under `protected:`, which only audits read"),
                        );
                        return None;
                    }
                }
                let i = resolve(&self.scope.attrs, attr, "attribute", self.diags)?;
                let ty = match self.scope.attrs.items[i].ty.node {
                    AttrType::Bool => Ty::Bool,
                    AttrType::Number => Ty::Num,
                    AttrType::String => Ty::Str,
                    AttrType::Date => Ty::Date,
                };
                Some((Field::Attr(i), ty))
            }
            [single] => {
                let name = single.node.as_str();
                if let Some(f) = ctx.field(name) {
                    return Some((f, field_ty(f)));
                }
                let elsewhere = [
                    Ctx::Accept,
                    Ctx::Decide,
                    Ctx::Where(ItemKind::Credentials),
                    Ctx::Where(ItemKind::Artifacts),
                    Ctx::Where(ItemKind::Labs),
                ]
                .into_iter()
                .find(|c| c.field(name).is_some());
                let available = crate::diag_list(ctx.names());
                let d = match elsewhere {
                    Some(other) => {
                        let help = if matches!(ctx, Ctx::Where(_)) && other == Ctx::Accept {
                            format!(
                                "a `where` takes everything after it; to test `{name}` beside the evidence term, \
                                 close the term with parentheses: `(any credential where …) and {name} …`"
                            )
                        } else {
                            format!("here you can use {available}")
                        };
                        Diag::error(
                            "credo::type::context",
                            single.span,
                            format!("`{name}` cannot be used in {}", ctx.describe()),
                        )
                        .label(format!("only in {}", other.describe()))
                        .help(help)
                    }
                    None => {
                        let help = did_you_mean(name, ctx.names().iter().copied())
                            .or_else(|| {
                                self.scope
                                    .attrs
                                    .get(name)
                                    .map(|_| format!("attributes are read as `candidate.{name}`"))
                            })
                            .unwrap_or_else(|| format!("here you can use {available}"));
                        Diag::error(
                            "credo::name::unknown-field",
                            single.span,
                            format!("unknown name `{name}` in {}", ctx.describe()),
                        )
                        .label("not known here")
                        .help(help)
                    }
                };
                self.diags.push(d);
                None
            }
            _ => {
                let text = self.scope.sources.slice(operand.span).to_owned();
                self.diags.push(
                    Diag::error(
                        "credo::name::unknown-field",
                        operand.span,
                        format!("unknown name `{text}` in {}", ctx.describe()),
                    )
                    .label("not known here")
                    .help(format!(
                        "here you can use {}",
                        crate::diag_list(ctx.names())
                    )),
                );
                None
            }
        }
    }

    fn compare(
        &mut self,
        e: &Expr,
        lhs: &Operand,
        op: CmpOp,
        rhs: &Operand,
        ctx: Ctx,
        text: Arc<str>,
    ) -> Cond {
        let lhs_is_name = matches!(lhs.node, OperandKind::Path(_));
        let rhs_is_name = matches!(&rhs.node, OperandKind::Path(p) if p.len() > 1 || p.first().is_some_and(|i| ctx.field(&i.node).is_some()));
        if lhs_is_name && rhs_is_name && !matches!(ctx, Ctx::Where(_)) {
            return self.compare_fields(e, lhs, op, rhs, ctx, text);
        }
        let (name, op, value) = match (lhs_is_name, rhs_is_name) {
            (true, _) => (lhs, op, rhs),
            (false, true) => (rhs, op.flip(), lhs),
            (false, false) => {
                return self.err(
                    Diag::error(
                        "credo::type::constant-comparison",
                        e.span,
                        "this compares two values and never depends on the candidate",
                    )
                    .label("no name to test")
                    .help("compare a name with a value, e.g. `hours >= 60`"),
                )
            }
        };
        let Some((field, ty)) = self.field_of(name, ctx) else {
            return Cond::Invalid;
        };
        if op.is_ordering() && matches!(ty, Ty::Bool | Ty::Str | Ty::Credential | Ty::Provider) {
            let what = match ty {
                Ty::Provider => "providers are not ordered",
                Ty::Credential => "credentials are not ordered",
                Ty::Bool => "true/false values are not ordered",
                _ => "strings are not ordered",
            };
            let fname = self.scope.sources.slice(name.span);
            let extra = if ty == Ty::Provider {
                "; to compare trust, use `tier >= recognized`"
            } else {
                ""
            };
            return self.err(
                Diag::error(
                    "credo::type::not-ordered",
                    e.span,
                    format!(
                        "`{fname}` cannot be compared with `{}`: {what}",
                        op.as_str()
                    ),
                )
                .label(format!("`{}` needs an ordered value", op.as_str()))
                .help(format!("use `==`, `!=` or `in [...]`{extra}")),
            );
        }
        let fname = self.scope.sources.slice(name.span).to_owned();
        match self.literal(value, ty, field, &fname) {
            Some(value) => Cond::Cmp {
                field,
                op,
                value,
                text,
            },
            None => Cond::Invalid,
        }
    }

    /// `required_met == required_total`: two names of the same type.
    fn compare_fields(
        &mut self,
        e: &Expr,
        lhs: &Operand,
        op: CmpOp,
        rhs: &Operand,
        ctx: Ctx,
        text: Arc<str>,
    ) -> Cond {
        let (Some((left, lt)), Some((right, rt))) =
            (self.field_of(lhs, ctx), self.field_of(rhs, ctx))
        else {
            return Cond::Invalid;
        };
        if lt != rt {
            return self.err(
                Diag::error(
                    "credo::type::mismatch",
                    e.span,
                    format!(
                        "`{}` is {} but `{}` is {}",
                        self.scope.sources.slice(lhs.span),
                        lt.describe(),
                        self.scope.sources.slice(rhs.span),
                        rt.describe()
                    ),
                )
                .label("these cannot be compared")
                .help("compare names of the same type, or a name with a value"),
            );
        }
        if op.is_ordering() && matches!(lt, Ty::Bool | Ty::Str) {
            return self.err(
                Diag::error(
                    "credo::type::not-ordered",
                    e.span,
                    format!(
                        "{} cannot be compared with `{}`",
                        lt.describe(),
                        op.as_str()
                    ),
                )
                .label("not ordered")
                .help("use `==` or `!=`"),
            );
        }
        Cond::CmpFields {
            left,
            op,
            right,
            text,
        }
    }

    /// Converts a literal operand to a value of the field's type.
    fn literal(&mut self, v: &Operand, ty: Ty, field: Field, fname: &str) -> Option<Value> {
        let ok = match (&v.node, ty) {
            (OperandKind::Number(n), Ty::Num) => Some(Value::Num(*n)),
            (OperandKind::Percent(p), Ty::Percent) => Some(Value::Num(*p / 100.0)),
            (OperandKind::Bool(b), Ty::Bool) => Some(Value::Bool(*b)),
            (OperandKind::Str(s), Ty::Str) => Some(Value::Str(s.clone())),
            (OperandKind::Date(d), Ty::Date) => Some(Value::Date(*d)),
            (OperandKind::Duration(d), Ty::Age) => Some(Value::Dur(*d)),
            (OperandKind::Duration(d), Ty::Months) if d.months().is_some() => Some(Value::Dur(*d)),
            (OperandKind::Path(p), Ty::Num)
                if field == Field::CredCost && p.len() == 1 && p[0].node == "free" =>
            {
                Some(Value::Num(0.0))
            }
            (OperandKind::Path(p), Ty::Tier | Ty::Assessment | Ty::Credential | Ty::Provider)
                if p.len() == 1 =>
            {
                let name = &p[0];
                let idx = match ty {
                    Ty::Tier => self.scope.tiers.resolve(name, "tier", self.diags),
                    Ty::Assessment => {
                        self.scope
                            .assessments
                            .resolve(name, "assessment", self.diags)
                    }
                    Ty::Credential => {
                        resolve(&self.scope.credentials, name, "credential", self.diags)
                    }
                    _ => resolve(&self.scope.providers, name, "provider", self.diags),
                };
                return idx.map(Value::Index);
            }
            _ => None,
        };
        if ok.is_some() {
            return ok;
        }
        let found = match &v.node {
            OperandKind::Number(_) => "a number",
            OperandKind::Percent(_) => "a percentage",
            OperandKind::Bool(_) => "true or false",
            OperandKind::Str(_) => "a string",
            OperandKind::Date(_) => "a date",
            OperandKind::Duration(_) => "a duration",
            OperandKind::Path(_) => "a name",
        };
        let (message, help) = match (ty, &v.node) {
            (Ty::Months, OperandKind::Duration(d)) => (
                format!("`{fname}` is counted in months, so `{d}` cannot be compared with it"),
                "write the duration in months or years, e.g. `experience >= 3mo` or `experience >= 1y`".to_owned(),
            ),
            (Ty::Percent, OperandKind::Number(n)) => (
                format!("`{fname}` is a percentage, found a number"),
                format!(
                    "write a percentage, e.g. `{fname} >= {}%`",
                    if *n > 0.0 && *n <= 1.0 { n * 100.0 } else { *n }
                ),
            ),
            (Ty::Str, OperandKind::Path(p)) if p.len() == 1 => (
                format!("`{}` is not a value here; strings are written in quotes", p[0].node),
                format!("write `\"{}\"`", p[0].node),
            ),
            (Ty::Tier | Ty::Assessment | Ty::Credential | Ty::Provider, _) => {
                let names = match ty {
                    Ty::Tier => self.scope.tiers.names.clone(),
                    Ty::Assessment => self.scope.assessments.names.clone(),
                    _ => Vec::new(),
                };
                let example = names.get(1).or(names.first()).cloned().unwrap_or_else(|| "…".into());
                (
                    format!("`{fname}` is compared with {}, found {found}", ty.describe()),
                    if names.is_empty() {
                        format!("write a declared id, e.g. `{fname} == some_id`")
                    } else {
                        format!(
                            "write e.g. `{fname} >= {example}`; the {}s, low to high, are {}",
                            if ty == Ty::Tier { "tier" } else { "assessment" },
                            crate::diag_list(&names.iter().map(String::as_str).collect::<Vec<_>>())
                        )
                    },
                )
            }
            _ => (
                format!("`{fname}` is {}, found {found}", ty.describe()),
                format!("write e.g. `{fname} {}`", example_rhs(ty, ">=")),
            ),
        };
        self.diags.push(
            Diag::error("credo::type::mismatch", v.span, message)
                .label(format!("expected {}", ty.describe()))
                .help(help),
        );
        None
    }
}

fn field_ty(f: Field) -> Ty {
    match f {
        Field::WorkSample
        | Field::RequiredMet
        | Field::RequiredMissing
        | Field::RequiredTotal
        | Field::PreferredMet
        | Field::PreferredTotal
        | Field::CredHours
        | Field::CredCost
        | Field::LabHours => Ty::Num,
        Field::Experience => Ty::Months,
        Field::Coverage => Ty::Percent,
        Field::CredId => Ty::Credential,
        Field::CredProvider => Ty::Provider,
        Field::CredTier => Ty::Tier,
        Field::CredAssessment => Ty::Assessment,
        Field::CredIssued => Ty::Date,
        Field::CredAge | Field::ItemAge => Ty::Age,
        Field::CredVerified | Field::ArtifactReviewed => Ty::Bool,
        // Attribute types come from their declarations, never from here.
        Field::Attr(_) => Ty::Str,
    }
}

fn example_rhs(ty: Ty, op: &str) -> String {
    let v = match ty {
        Ty::Num => "60",
        Ty::Percent => "75%",
        Ty::Bool => return "== true".into(),
        Ty::Str => return "== \"…\"".into(),
        Ty::Date => "2026-01-01",
        Ty::Age => "2y",
        Ty::Months => "6mo",
        Ty::Tier => "recognized",
        Ty::Assessment => "proctored_exam",
        Ty::Credential | Ty::Provider => return "== some_id".into(),
    };
    format!("{op} {v}")
}
