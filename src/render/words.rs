//! Conditions in plain language. This is the one place that turns a compiled [`Cond`] into
//! words — for job postings, screening kits and the `--explain` tree — so what a posting
//! advertises and what a reviewer reads cannot drift from the accept lines themselves:
//! `any credential where tier >= recognized and hours >= 60` reads "a credential from a
//! provider rated recognized or higher with at least 60 hours of study", `at least 5 labs where
//! age <= 2y` reads "5 hands-on labs in the last 2 years", `work_sample >= 70` reads "a work
//! sample scored 70+". Credential terms also name the catalogue credentials that satisfy them,
//! as the evaluator itself decides it ([`crate::eval`]: a fresh, verified credential).

mod filters;
mod phrases;

pub use phrases::{and_list, duration, humanize, or_list};

use crate::ast::{CmpOp, ItemKind};
use crate::policy::{Cond, DecideRule, Field, Policy, Value};
use crate::render::text::fmt_num;
use jiff::civil::Date;
use phrases::{article, degree, on_date, quantity, with_adjs};

/// Puts conditions of one policy into words.
#[derive(Clone, Copy, Debug)]
pub struct Words<'p> {
    policy: &'p Policy,
    as_of: Date,
}

/// A credential term of a condition, with the catalogue credentials that satisfy it.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialTerm {
    /// The term in words ("a credential from a provider rated trusted").
    pub words: String,
    /// How many distinct credentials the term needs.
    pub needed: u32,
    /// Catalogue indexes of the credentials that satisfy it, cheapest first.
    pub credentials: Vec<usize>,
    /// Whether the words already name the one credential (`where id == …`).
    pub named: bool,
    /// The term's `where`, if any.
    pub filter: Option<Cond>,
}

impl<'p> Words<'p> {
    /// Words for `policy`; credential terms are matched to the catalogue as of `as_of`.
    pub fn new(policy: &'p Policy, as_of: Date) -> Self {
        Words { policy, as_of }
    }

    /// A condition in words: an accept line of `skill`, an `eligible when` rule (`None`), or
    /// a decide condition.
    pub fn cond(&self, c: &Cond, skill: Option<usize>) -> String {
        self.expr(c, skill, false)
    }

    /// A decide rule: "advance when all required skills are met", "otherwise decline".
    pub fn rule(&self, r: &DecideRule) -> String {
        match &r.cond {
            Some(c) => format!("{} when {}", r.outcome.as_str(), self.cond(c, None)),
            None => format!("otherwise {}", r.outcome.as_str()),
        }
    }

    /// A catalogue credential by title and provider: "CompTIA Security+ from CompTIA".
    pub fn credential(&self, c: usize) -> String {
        let cred = &self.policy.credentials[c];
        format!(
            "{} from {}",
            cred.title, self.policy.providers[cred.provider].name
        )
    }

    /// What waives an onboarding module: a skill's name, or a credential by title and provider.
    pub fn waiver(&self, w: crate::policy::Waiver) -> String {
        match w {
            crate::policy::Waiver::Skill(s) => self.skill(s).to_owned(),
            crate::policy::Waiver::Credential(c) => self.credential(c),
        }
    }

    /// Who a credential with `open_to` is open to, in words ("candidates meeting “…”"); `None`
    /// when it is open to everyone.
    pub fn open_to(&self, c: usize) -> Option<String> {
        let o = self.policy.credentials[c].open_to.as_ref()?;
        Some(format!(
            "candidates meeting \u{201c}{}\u{201d}",
            self.cond(&o.cond, None)
        ))
    }

    /// A skill's human name.
    pub fn skill(&self, s: usize) -> &'p str {
        &self.policy.skills[s].name
    }

    /// The credential terms of a condition (outside any `not`), each with the catalogue
    /// credentials that satisfy it.
    pub fn credential_terms(&self, c: &Cond, skill: Option<usize>) -> Vec<CredentialTerm> {
        let mut out = Vec::new();
        self.collect_terms(c, skill, &mut out);
        out
    }

    fn collect_terms(&self, c: &Cond, skill: Option<usize>, out: &mut Vec<CredentialTerm>) {
        let (needed, filter) = match c {
            Cond::And(v) | Cond::Or(v) => {
                for x in v {
                    self.collect_terms(x, skill, out);
                }
                return;
            }
            Cond::AnyCredential { filter, .. } => (1, filter.as_deref()),
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            } => (*n, filter.as_deref()),
            _ => return,
        };
        let term = CredentialTerm {
            words: self.credentials_term(Count::AtLeast(needed), filter, skill),
            needed,
            credentials: crate::eval::catalogue_accepting(self.policy, skill, filter, self.as_of),
            named: needed == 1 && named_credential(filter).is_some(),
            filter: filter.cloned(),
        };
        if !out.contains(&term) {
            out.push(term);
        }
    }

    fn expr(&self, c: &Cond, skill: Option<usize>, nested: bool) -> String {
        let group = |parts: Vec<String>, sep: &str| {
            let s = parts.join(sep);
            if nested {
                format!("({s})")
            } else {
                s
            }
        };
        match c {
            Cond::And(v) => group(
                v.iter().map(|x| self.expr(x, skill, true)).collect(),
                " and ",
            ),
            Cond::Or(v) => group(
                v.iter().map(|x| self.expr(x, skill, true)).collect(),
                " or ",
            ),
            Cond::Not(x) => match x.as_ref() {
                Cond::AnyCredential { filter, .. } => {
                    self.credentials_term(Count::FewerThan(1), filter.as_deref(), skill)
                }
                Cond::AtLeast {
                    n,
                    kind: ItemKind::Credentials,
                    filter,
                    ..
                } => self.credentials_term(Count::FewerThan(*n), filter.as_deref(), skill),
                Cond::AtLeast {
                    n, kind, filter, ..
                } => self.items_term(Count::FewerThan(*n), *kind, filter.as_deref()),
                other => format!("not {}", self.expr(other, skill, true)),
            },
            Cond::AnyCredential { filter, .. } => {
                self.credentials_term(Count::AtLeast(1), filter.as_deref(), skill)
            }
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            } => self.credentials_term(Count::AtLeast(*n), filter.as_deref(), skill),
            Cond::AtLeast {
                n, kind, filter, ..
            } => self.items_term(Count::AtLeast(*n), *kind, filter.as_deref()),
            Cond::Degree { level, .. } => degree(*level),
            Cond::Met(s) => format!("{} is met", self.skill(*s)),
            Cond::Cmp {
                field,
                op,
                value,
                text,
            } => self
                .compare(*field, *op, value)
                .unwrap_or_else(|| text.to_string()),
            Cond::In {
                field,
                negated,
                values,
                text,
            } => self
                .one_of(*field, *negated, values)
                .unwrap_or_else(|| text.to_string()),
            Cond::Test { field, text } => self
                .compare(*field, CmpOp::Eq, &Value::Bool(true))
                .unwrap_or_else(|| text.to_string()),
            Cond::CmpFields {
                left, op, right, ..
            } => format!(
                "{} is {} {}",
                self.field_noun(*left),
                match op {
                    CmpOp::Eq => "the same as",
                    CmpOp::Ne => "different from",
                    CmpOp::Ge => "at least",
                    CmpOp::Le => "at most",
                    CmpOp::Gt => "more than",
                    CmpOp::Lt => "less than",
                },
                self.field_noun(*right)
            ),
            Cond::Invalid => "(a condition that did not check)".into(),
        }
    }

    /// `any credential [where …]` / `at least N credentials [where …]`, or (under `not`)
    /// fewer than that.
    fn credentials_term(
        &self,
        count: Count,
        filter: Option<&Cond>,
        skill: Option<usize>,
    ) -> String {
        let n = count.n();
        if let (1, Some(c)) = (n, named_credential(filter)) {
            return match count {
                Count::AtLeast(_) => self.credential(c),
                Count::FewerThan(_) => format!("no {}", self.credential(c)),
            };
        }
        let noun = if n == 1 {
            "credential"
        } else {
            "different credentials"
        };
        let (head, posts) = match filter {
            None => {
                let what = if skill.is_some() {
                    " for this skill"
                } else {
                    ""
                };
                (format!("{noun} we list"), what.to_owned())
            }
            Some(f) => {
                let (adjs, posts) = self.mods(f, ItemKind::Credentials, n);
                (with_adjs(&adjs, noun), posts)
            }
        };
        let head = match count {
            Count::AtLeast(1) if filter.is_none() => format!("any {head}"),
            Count::AtLeast(1) => format!("{} {head}", article(&head)),
            Count::AtLeast(n) => format!("{n} {head}"),
            Count::FewerThan(1) => format!("no {head}"),
            Count::FewerThan(n) => format!("fewer than {n} {head}"),
        };
        head + &posts
    }

    /// `at least N artifacts|labs [where …]`, or (under `not`) fewer than that.
    fn items_term(&self, count: Count, kind: ItemKind, filter: Option<&Cond>) -> String {
        let one = matches!(count, Count::AtLeast(1));
        let noun = match (kind, one) {
            (ItemKind::Artifacts, true) => "portfolio piece",
            (ItemKind::Artifacts, false) => "portfolio pieces",
            (ItemKind::Labs, true) => "hands-on lab",
            (ItemKind::Labs, false) => "hands-on labs",
            (ItemKind::Credentials, _) => "credentials",
        };
        let (adjs, posts) = match filter {
            Some(f) => self.mods(f, kind, if one { 1 } else { 2 }),
            None => (Vec::new(), String::new()),
        };
        let count = match count {
            Count::AtLeast(n) => n.to_string(),
            Count::FewerThan(1) => "no".to_owned(),
            Count::FewerThan(n) => format!("fewer than {n}"),
        };
        format!("{count} {}{posts}", with_adjs(&adjs, noun))
    }

    /// An accept-, eligible- or decide-level comparison with a constant.
    fn compare(&self, field: Field, op: CmpOp, value: &Value) -> Option<String> {
        Some(match (field, value) {
            (Field::WorkSample, Value::Num(n)) => {
                let n = fmt_num(*n);
                match op {
                    CmpOp::Ge => format!("a work sample scored {n}+"),
                    CmpOp::Gt => format!("a work sample scored above {n}"),
                    CmpOp::Le => format!("a work sample scored {n} or less"),
                    CmpOp::Lt => format!("a work sample scored below {n}"),
                    CmpOp::Eq => format!("a work sample scored exactly {n}"),
                    CmpOp::Ne => format!("a work sample scored other than {n}"),
                }
            }
            (Field::Experience, Value::Dur(d)) => {
                let d = duration(*d);
                match op {
                    CmpOp::Ge => format!("{d} of experience"),
                    CmpOp::Gt => format!("more than {d} of experience"),
                    CmpOp::Le => format!("at most {d} of experience"),
                    CmpOp::Lt => format!("less than {d} of experience"),
                    CmpOp::Eq => format!("exactly {d} of experience"),
                    CmpOp::Ne => format!("other than {d} of experience"),
                }
            }
            (Field::Attr(i), v) => return self.attribute(i, op, v),
            (Field::Coverage, Value::Num(n)) => {
                if *n >= 1.0 && matches!(op, CmpOp::Ge | CmpOp::Eq) {
                    "all required skills are met".to_owned()
                } else {
                    format!(
                        "{} of the required skills are met",
                        quantity(op, n * 100.0, "%", "%").replace(" %", "%")
                    )
                }
            }
            (Field::RequiredMissing, Value::Num(n))
                if *n == 0.0 && matches!(op, CmpOp::Eq | CmpOp::Le) =>
            {
                "all required skills are met".to_owned()
            }
            (
                Field::RequiredMet
                | Field::RequiredMissing
                | Field::RequiredTotal
                | Field::PreferredMet
                | Field::PreferredTotal,
                Value::Num(n),
            ) => {
                let (one, many, verb_one, verb_many) = match field {
                    Field::RequiredMet => {
                        ("required skill", "required skills", "is met", "are met")
                    }
                    Field::RequiredMissing => (
                        "required skill",
                        "required skills",
                        "is missing",
                        "are missing",
                    ),
                    Field::PreferredMet => {
                        ("preferred skill", "preferred skills", "is met", "are met")
                    }
                    Field::RequiredTotal => ("required skill", "required skills", "", ""),
                    _ => ("preferred skill", "preferred skills", "", ""),
                };
                let counted = quantity(op, *n, one, many);
                let verb = if *n == 1.0 && op != CmpOp::Gt {
                    verb_one
                } else {
                    verb_many
                };
                if verb.is_empty() {
                    format!("the role has {counted}")
                } else {
                    format!("{counted} {verb}")
                }
            }
            _ => return None,
        })
    }

    fn attribute(&self, i: usize, op: CmpOp, v: &Value) -> Option<String> {
        let name = humanize(&self.policy.attributes[i].id);
        Some(match v {
            Value::Bool(b) => {
                if *b == (op == CmpOp::Eq) {
                    name
                } else {
                    format!("not {name}")
                }
            }
            Value::Num(n) => match op {
                CmpOp::Ne => format!("{name} other than {}", fmt_num(*n)),
                _ => quantity(op, *n, &name, &name),
            },
            Value::Str(s) => match op {
                CmpOp::Eq => format!("{name} is {s}"),
                CmpOp::Ne => format!("{name} is not {s}"),
                _ => format!("{name} {} {s}", op.as_str()),
            },
            Value::Date(d) => format!("{name} {}", on_date(op, *d)),
            _ => return None,
        })
    }

    fn one_of(&self, field: Field, negated: bool, values: &[Value]) -> Option<String> {
        let Field::Attr(i) = field else {
            return None;
        };
        let name = humanize(&self.policy.attributes[i].id);
        let shown: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::Num(n) => fmt_num(*n),
                Value::Bool(b) => b.to_string(),
                Value::Str(s) => s.clone(),
                Value::Date(d) => d.to_string(),
                Value::Dur(d) => duration(*d),
                Value::Index(i) => i.to_string(),
            })
            .collect();
        let which = if negated { "none" } else { "one" };
        Some(format!("{name} is {which} of {}", or_list(&shown)))
    }

    fn field_noun(&self, f: Field) -> String {
        match f {
            Field::Attr(i) => humanize(&self.policy.attributes[i].id),
            Field::WorkSample => "the work sample score".into(),
            Field::Experience => "the months of experience".into(),
            Field::RequiredMet => "the number of required skills met".into(),
            Field::RequiredMissing => "the number of required skills missing".into(),
            Field::RequiredTotal => "the number of required skills".into(),
            Field::PreferredMet => "the number of preferred skills met".into(),
            Field::PreferredTotal => "the number of preferred skills".into(),
            Field::Coverage => "the share of required skills met".into(),
            other => other.name().into(),
        }
    }
}

/// How many of something a term asks for: at least N, or (under `not`) fewer than N.
#[derive(Clone, Copy)]
enum Count {
    AtLeast(u32),
    FewerThan(u32),
}

impl Count {
    fn n(self) -> u32 {
        match self {
            Count::AtLeast(n) | Count::FewerThan(n) => n,
        }
    }
}

/// The one credential a `where id == X` names.
fn named_credential(filter: Option<&Cond>) -> Option<usize> {
    match filter {
        Some(Cond::Cmp {
            field: Field::CredId,
            op: CmpOp::Eq,
            value: Value::Index(i),
            ..
        }) => Some(*i),
        _ => None,
    }
}
