//! The typed syntax tree of a policy set. Every node carries its span; equality ignores spans,
//! so two trees that differ only in layout compare equal (what `fmt` must preserve).

use crate::source::Span;
use jiff::civil::Date;

/// A value with the span it was written at. `==` compares the values only.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// An identifier.
pub type Ident = Spanned<String>;

/// A calendar duration as written (`90d`, `6mo`, `3y`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Duration {
    /// `Nd`
    Days(u32),
    /// `Nw`
    Weeks(u32),
    /// `Nmo`
    Months(u32),
    /// `Ny`
    Years(u32),
}

impl Duration {
    /// Whole months, for month- and year-based durations.
    pub fn months(self) -> Option<u32> {
        match self {
            Duration::Months(m) => Some(m),
            Duration::Years(y) => y.checked_mul(12),
            _ => None,
        }
    }

    /// `date + self` with calendar arithmetic (months clamp to the month's end); `None` when
    /// the result is outside the supported range.
    pub fn add_to(self, date: Date) -> Option<Date> {
        let span = match self {
            Duration::Days(n) => jiff::Span::new().try_days(i64::from(n)).ok()?,
            Duration::Weeks(n) => jiff::Span::new().try_weeks(i64::from(n)).ok()?,
            Duration::Months(n) => jiff::Span::new().try_months(i64::from(n)).ok()?,
            Duration::Years(n) => jiff::Span::new().try_years(i64::from(n)).ok()?,
        };
        date.checked_add(span).ok()
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Duration::Days(n) => write!(f, "{n}d"),
            Duration::Weeks(n) => write!(f, "{n}w"),
            Duration::Months(n) => write!(f, "{n}mo"),
            Duration::Years(n) => write!(f, "{n}y"),
        }
    }
}

/// A parsed policy set: the declarations of all its files, in file then source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicySet {
    /// Declarations in order.
    pub decls: Vec<Decl>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    /// `policy "…" { … }`
    Policy(PolicyDecl),
    /// `attribute id type`
    Attribute(AttributeDecl),
    /// `skill id "name" [code "…"]`
    Skill(SkillDecl),
    /// `provider id { … }`
    Provider(ProviderDecl),
    /// `credential id { … }`
    Credential(CredentialDecl),
    /// `role id { … }`
    Role(RoleDecl),
    /// `guardrails { … }`
    Guardrails(GuardrailsDecl),
    /// `exception g for role r because "…"`
    Exception(ExceptionDecl),
}

/// `policy "NAME" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDecl {
    /// The policy's name.
    pub name: Spanned<String>,
    /// `version "…"`
    pub version: Option<Spanned<String>>,
    /// `effective DATE`
    pub effective: Option<Spanned<Date>>,
    /// `owner "…"`
    pub owner: Option<Spanned<String>>,
    /// `tiers [...]`, low to high.
    pub tiers: Option<Spanned<Vec<Ident>>>,
    /// `assessments [...]`, low to high.
    pub assessments: Option<Spanned<Vec<Ident>>>,
    /// The whole declaration.
    pub span: Span,
}

/// The type of a candidate attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    /// `true`/`false`
    Bool,
    /// a number
    Number,
    /// a string
    String,
    /// a `YYYY-MM-DD` date
    Date,
}

/// `attribute ID TYPE`
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeDecl {
    /// The attribute.
    pub id: Ident,
    /// Its type.
    pub ty: Spanned<AttrType>,
    /// The whole declaration.
    pub span: Span,
}

/// `skill ID "NAME" [code "CODE"]`
#[derive(Clone, Debug, PartialEq)]
pub struct SkillDecl {
    /// The skill.
    pub id: Ident,
    /// Human name.
    pub name: Spanned<String>,
    /// Taxonomy code such as an O*NET code.
    pub code: Option<Spanned<String>>,
    /// The whole declaration.
    pub span: Span,
}

/// `provider ID { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderDecl {
    /// The provider.
    pub id: Ident,
    /// `name "…"`
    pub name: Option<Spanned<String>>,
    /// `tier T`
    pub tier: Option<Ident>,
    /// `issuers [...]`
    pub issuers: Vec<Spanned<String>>,
    /// `keys [...]`: did:key or `ID MULTIKEY` (SPEC §15).
    pub keys: Vec<Spanned<String>>,
    /// `jwks "FILE"`: a JWKS relative to the policy file.
    pub jwks: Option<Spanned<String>>,
    /// `retired DATE`
    pub retired: Option<Spanned<Date>>,
    /// The whole declaration.
    pub span: Span,
}

/// What a credential costs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cost {
    /// `cost free` (= `cost 0`)
    Free,
    /// `cost N`
    Amount(f64),
}

/// `credential ID { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialDecl {
    /// The credential.
    pub id: Ident,
    /// `title "…"`
    pub title: Option<Spanned<String>>,
    /// `provider ID`
    pub provider: Option<Ident>,
    /// `skills [...]`
    pub skills: Option<Spanned<Vec<Ident>>>,
    /// `achievements [...]`
    pub achievements: Vec<Spanned<String>>,
    /// `aliases [...]`
    pub aliases: Vec<Spanned<String>>,
    /// `assessment A`
    pub assessment: Option<Ident>,
    /// `hours N`
    pub hours: Option<Spanned<f64>>,
    /// `valid_for DUR`
    pub valid_for: Option<Spanned<Duration>>,
    /// `cost free|N`
    pub cost: Option<Spanned<Cost>>,
    /// `stacks_into [...]`
    pub stacks_into: Vec<Ident>,
    /// `retired DATE`
    pub retired: Option<Spanned<Date>>,
    /// `open_to EXPR`: who may take it (the span of the whole line, and the condition).
    pub open_to: Option<(Span, Expr)>,
    /// The whole declaration.
    pub span: Span,
}

/// `require` or `prefer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ReqKind {
    /// `require`
    Required,
    /// `prefer`
    Preferred,
}

/// `require|prefer SKILL [{ accept … }]`
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// Required or preferred.
    pub kind: ReqKind,
    /// The skill.
    pub skill: Ident,
    /// The accept lines; a requirement without a block has one implicit `any credential`.
    pub accepts: Vec<AcceptLine>,
    /// Whether the block was omitted.
    pub implicit: bool,
    /// The whole requirement.
    pub span: Span,
}

/// `accept EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptLine {
    /// The condition.
    pub expr: Expr,
    /// From `accept` to the end of the expression.
    pub span: Span,
}

/// `OUTCOME when EXPR` or `OUTCOME otherwise`
#[derive(Clone, Debug, PartialEq)]
pub struct DecideRule {
    /// The outcome word as written.
    pub outcome: Ident,
    /// `None` for `otherwise`.
    pub cond: Option<Expr>,
    /// The whole rule.
    pub span: Span,
}

/// `decide { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct DecideBlock {
    /// Rules in order.
    pub rules: Vec<DecideRule>,
    /// The whole block.
    pub span: Span,
}

/// `module ID ["Title"] hours N waived_by SKILL|CREDENTIAL`
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The module.
    pub id: Ident,
    /// Its title, as postings and explanations show it (else the id, humanized).
    pub title: Option<Spanned<String>>,
    /// Its length.
    pub hours: Spanned<f64>,
    /// The skill (or catalogue credential) that waives it.
    pub waived_by: Ident,
    /// The whole line.
    pub span: Span,
}

/// `role ID { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct RoleDecl {
    /// The role.
    pub id: Ident,
    /// `title "…"`
    pub title: Option<Spanned<String>>,
    /// `family "…"`
    pub family: Option<Spanned<String>>,
    /// `eligible when EXPR`
    pub eligible: Option<Expr>,
    /// `require`/`prefer` in order.
    pub requirements: Vec<Requirement>,
    /// `decide { … }`
    pub decide: Option<DecideBlock>,
    /// Onboarding modules.
    pub onboarding: Vec<Module>,
    /// Where a second `title`/`eligible`/`decide`/`onboarding` was written (an error).
    pub repeated: Vec<(&'static str, Span)>,
    /// The whole declaration.
    pub span: Span,
}

/// One guardrail line.
#[derive(Clone, Debug, PartialEq)]
pub enum GuardrailKind {
    /// `skills_per_role A..B`
    SkillsPerRole(u32, u32),
    /// `min_tier T`
    MinTier(Ident),
    /// `verified_only [proofs]`
    VerifiedOnly {
        /// `verified_only proofs`: only credentials whose proof verifies.
        proofs: bool,
    },
    /// `no_degree_gate`
    NoDegreeGate,
    /// `free_pathway`
    FreePathway,
    /// `no_auto_decline`
    NoAutoDecline,
    /// `blind_to [...]`
    BlindTo(Vec<Ident>),
    /// `adverse_impact R over [...] [selected [...]]`
    AdverseImpact {
        /// Threshold ratio.
        ratio: f64,
        /// Protected attributes compared.
        over: Vec<Ident>,
        /// Outcomes that count as selected.
        selected: Vec<Ident>,
    },
}

/// A guardrail with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Guardrail {
    /// What it says.
    pub kind: GuardrailKind,
    /// The guardrail's name as written.
    pub name: Ident,
    /// The whole line.
    pub span: Span,
}

/// `guardrails { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct GuardrailsDecl {
    /// Lines in order.
    pub items: Vec<Guardrail>,
    /// The whole block.
    pub span: Span,
}

/// `exception GUARDRAIL for role ID because "REASON"`
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionDecl {
    /// The guardrail waived.
    pub guardrail: Ident,
    /// The role it is waived for.
    pub role: Ident,
    /// Why.
    pub reason: Spanned<String>,
    /// The whole declaration.
    pub span: Span,
}

/// An expression with its span.
pub type Expr = Spanned<ExprKind>;

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Ge => ">=",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
        }
    }

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Lt => CmpOp::Gt,
            other => other,
        }
    }

    /// Whether it needs an ordering (not just equality).
    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// Applies the operator to an ordering of left against right.
    pub fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Ge => ord != Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Lt => ord == Less,
        }
    }
}

/// What `at least N …` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ItemKind {
    /// distinct catalogue credentials
    Credentials,
    /// portfolio artifacts
    Artifacts,
    /// labs
    Labs,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `a or b or …`
    Or(Vec<Expr>),
    /// `a and b and …`
    And(Vec<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `(a)`: kept so that formatting and rendering keep the author's parentheses.
    Paren(Box<Expr>),
    /// `any credential [where C]`
    AnyCredential(Option<Box<Expr>>),
    /// `at least N kind [where C]`
    AtLeast {
        /// N
        n: u32,
        /// What is counted.
        kind: ItemKind,
        /// Whether the singular was written (`1 artifact`), for formatting.
        singular: bool,
        /// `where C`
        filter: Option<Box<Expr>>,
    },
    /// `degree [CMP LEVEL]`
    Degree(Option<(CmpOp, Ident)>),
    /// `met(SKILL)`
    Met(Ident),
    /// `a CMP b`
    Compare(Operand, CmpOp, Operand),
    /// `a [not] in [..]`
    In {
        /// The tested operand.
        lhs: Operand,
        /// `not in`
        negated: bool,
        /// The list.
        list: Vec<Operand>,
    },
    /// A bare boolean operand such as `verified` or `candidate.enrolled`.
    Test(Operand),
}

/// An operand with its span.
pub type Operand = Spanned<OperandKind>;

/// A literal or a (dotted) name.
#[derive(Clone, Debug, PartialEq)]
pub enum OperandKind {
    /// `a` or `candidate.x`
    Path(Vec<Ident>),
    /// `2026-01-01`
    Date(Date),
    /// `3y`
    Duration(Duration),
    /// `60`
    Number(f64),
    /// `75%`, kept as written (75); the checker divides by 100
    Percent(f64),
    /// `"text"`
    Str(String),
    /// `true`/`false`
    Bool(bool),
}
