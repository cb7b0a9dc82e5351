//! Conditions in plain language. This is the one place that turns a compiled [`Cond`] into
//! words — for job postings, screening kits and the `--explain` tree — so what a posting
//! advertises and what a reviewer reads cannot drift from the accept lines themselves:
//! `any credential where tier >= recognized and hours >= 60` reads "a credential from a
//! provider rated recognized or higher with at least 60 hours of study", `at least 5 labs where
//! age <= 2y` reads "5 hands-on labs in the last 2 years", `work_sample >= 70` reads "a work
//! sample scored 70+". Credential terms also name the catalogue credentials that satisfy them,
//! as the evaluator itself decides it ([`crate::eval`]: a fresh, verified credential).

use crate::ast::{CmpOp, Duration, ItemKind};
use crate::policy::{Cond, DecideRule, Field, Policy, Value, DEGREE_LEVELS};
use crate::render::text::fmt_num;
use jiff::civil::Date;

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
}

/// A word or phrase that narrows a noun: before it ("verified") or after it ("from CompTIA").
enum Mod {
    Adj(String),
    /// The phrase, and whether it reads better after a comma ("…, issued in the last 3 years").
    Post(String, bool),
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
            words: self.credentials_term(needed, filter, skill),
            needed,
            credentials: crate::eval::catalogue_accepting(self.policy, skill, filter, self.as_of),
            named: needed == 1 && named_credential(filter).is_some(),
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
            Cond::Not(x) => format!("not {}", self.expr(x, skill, true)),
            Cond::AnyCredential { filter, .. } => {
                self.credentials_term(1, filter.as_deref(), skill)
            }
            Cond::AtLeast {
                n,
                kind: ItemKind::Credentials,
                filter,
                ..
            } => self.credentials_term(*n, filter.as_deref(), skill),
            Cond::AtLeast {
                n, kind, filter, ..
            } => self.items_term(*n, *kind, filter.as_deref()),
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

    /// `any credential [where …]` / `at least N credentials [where …]`.
    fn credentials_term(&self, n: u32, filter: Option<&Cond>, skill: Option<usize>) -> String {
        if let (1, Some(c)) = (n, named_credential(filter)) {
            return self.credential(c);
        }
        let Some(f) = filter else {
            let what = if skill.is_some() {
                " for this skill"
            } else {
                ""
            };
            return if n == 1 {
                format!("any credential we list{what}")
            } else {
                format!("{n} different credentials we list{what}")
            };
        };
        let (adjs, posts) = self.mods(f, ItemKind::Credentials, n);
        let noun = if n == 1 {
            "credential".to_owned()
        } else {
            "different credentials".to_owned()
        };
        let head = with_adjs(&adjs, &noun);
        let head = if n == 1 {
            format!("{} {head}", article(&head))
        } else {
            format!("{n} {head}")
        };
        head + &posts
    }

    /// `at least N artifacts|labs [where …]`.
    fn items_term(&self, n: u32, kind: ItemKind, filter: Option<&Cond>) -> String {
        let noun = match (kind, n) {
            (ItemKind::Artifacts, 1) => "portfolio piece",
            (ItemKind::Artifacts, _) => "portfolio pieces",
            (ItemKind::Labs, 1) => "hands-on lab",
            (ItemKind::Labs, _) => "hands-on labs",
            (ItemKind::Credentials, _) => "credentials",
        };
        let (adjs, posts) = match filter {
            Some(f) => self.mods(f, kind, n),
            None => (Vec::new(), String::new()),
        };
        format!("{n} {}{posts}", with_adjs(&adjs, noun))
    }

    /// The words a `where` adds to its noun: adjectives, and the rest as one trailing phrase.
    fn mods(&self, f: &Cond, kind: ItemKind, n: u32) -> (Vec<String>, String) {
        let parts: Vec<&Cond> = match f {
            Cond::And(v) => v.iter().collect(),
            other => vec![other],
        };
        let mut adjs = Vec::new();
        let mut posts = String::new();
        for p in parts {
            match self.leaf(p, kind, n) {
                Some(Mod::Adj(a)) => adjs.push(a),
                Some(Mod::Post(s, comma)) => {
                    posts.push_str(if comma && !posts.is_empty() {
                        ", "
                    } else {
                        " "
                    });
                    posts.push_str(&s);
                }
                None => {
                    posts.push(' ');
                    posts.push_str(&self.filter_expr(p, kind, n, false));
                }
            }
        }
        (adjs, posts)
    }

    /// A `where` part that is not a simple narrowing, as one phrase after the noun.
    fn filter_expr(&self, f: &Cond, kind: ItemKind, n: u32, nested: bool) -> String {
        let group = |parts: Vec<String>, sep: &str| {
            let s = parts.join(sep);
            if nested {
                format!("({s})")
            } else {
                s
            }
        };
        match f {
            Cond::And(v) => group(
                v.iter()
                    .map(|x| self.filter_expr(x, kind, n, true))
                    .collect(),
                " and ",
            ),
            Cond::Or(v) => group(
                v.iter()
                    .map(|x| self.filter_expr(x, kind, n, true))
                    .collect(),
                " or ",
            ),
            Cond::Not(x) => format!("not {}", self.filter_expr(x, kind, n, true)),
            leaf => match self.leaf(leaf, kind, n) {
                Some(Mod::Adj(a)) => format!("that is {a}"),
                Some(Mod::Post(s, _)) => s,
                None => self.expr(leaf, None, nested),
            },
        }
    }

    /// One comparison inside a `where`, as a narrowing of the counted noun.
    /// `n` is how many items are counted ("each" when more than one).
    fn leaf(&self, f: &Cond, kind: ItemKind, n: u32) -> Option<Mod> {
        let p = self.policy;
        let (field, op, value) = match f {
            Cond::Cmp {
                field, op, value, ..
            } => (*field, *op, value),
            Cond::Test { field, .. } => (*field, CmpOp::Eq, &Value::Bool(true)),
            Cond::In {
                field,
                negated,
                values,
                ..
            } => return self.leaf_in(*field, *negated, values),
            _ => return None,
        };
        let post = |s: String| Some(Mod::Post(s, false));
        let after_comma = |s: String| Some(Mod::Post(s, true));
        match (field, value) {
            (Field::CredTier, Value::Index(i)) => post(format!(
                "from a provider rated {}",
                ranked(&p.tiers, *i, op)
            )),
            (Field::CredAssessment, Value::Index(i)) => after_comma(format!(
                "assessed by {}",
                or_list(&humanized(&p.assessments, |a| op.test(a.cmp(i))))
            )),
            (Field::CredProvider, Value::Index(i)) => {
                let name = &p.providers[*i].name;
                post(match op {
                    CmpOp::Ne => format!("not from {name}"),
                    _ => format!("from {name}"),
                })
            }
            (Field::CredId, Value::Index(i)) => post(match op {
                CmpOp::Ne => format!("other than {}", self.credential(*i)),
                _ => format!("that is {}", self.credential(*i)),
            }),
            (Field::CredHours, Value::Num(n)) => post(format!(
                "with {} of study",
                quantity(op, *n, "hour", "hours")
            )),
            (Field::LabHours, Value::Num(h)) => after_comma(format!(
                "lasting {}{}",
                quantity(op, *h, "hour", "hours"),
                if n > 1 { " each" } else { "" }
            )),
            (Field::CredCost, Value::Num(n)) => after_comma(match op {
                CmpOp::Eq | CmpOp::Le if *n == 0.0 => "at no cost".to_owned(),
                CmpOp::Ne if *n == 0.0 => "that is not free".to_owned(),
                _ => format!("costing {}", quantity(op, *n, "", ""))
                    .trim_end()
                    .to_owned(),
            }),
            (Field::CredIssued, Value::Date(d)) => {
                after_comma(format!("issued {}", on_date(op, *d)))
            }
            (Field::CredAge, Value::Dur(d)) => after_comma(age("issued", op, *d)),
            (Field::ItemAge, Value::Dur(d)) => {
                let verb = if kind == ItemKind::Artifacts {
                    "dated"
                } else {
                    "completed"
                };
                match (op, kind) {
                    (CmpOp::Le, ItemKind::Artifacts) => post(format!("from {}", last(*d))),
                    (CmpOp::Le, _) => post(format!("in {}", last(*d))),
                    _ => after_comma(age(verb, op, *d)),
                }
            }
            (Field::CredVerified | Field::ArtifactReviewed, Value::Bool(b)) => {
                let yes = *b == (op == CmpOp::Eq);
                let word = if field == Field::CredVerified {
                    "verified"
                } else {
                    "reviewed"
                };
                Some(Mod::Adj(if yes {
                    word.to_owned()
                } else {
                    format!("un{word}")
                }))
            }
            _ => None,
        }
    }

    fn leaf_in(&self, field: Field, negated: bool, values: &[Value]) -> Option<Mod> {
        let p = self.policy;
        let idx: Vec<usize> = values
            .iter()
            .filter_map(|v| match v {
                Value::Index(i) => Some(*i),
                _ => None,
            })
            .collect();
        let phrase = match field {
            Field::CredProvider => {
                let names: Vec<String> = idx.iter().map(|i| p.providers[*i].name.clone()).collect();
                let not = if negated { "not " } else { "" };
                format!("{not}from {}", or_list(&names))
            }
            Field::CredTier => {
                let names = humanized(&p.tiers, |t| idx.contains(&t) != negated);
                format!("from a provider rated {}", or_list(&names))
            }
            Field::CredAssessment => {
                let names = humanized(&p.assessments, |a| idx.contains(&a) != negated);
                return Some(Mod::Post(format!("assessed by {}", or_list(&names)), true));
            }
            Field::CredId => {
                let names: Vec<String> = idx.iter().map(|i| self.credential(*i)).collect();
                if negated {
                    format!("other than {}", or_list(&names))
                } else {
                    format!("that is {}", or_list(&names))
                }
            }
            _ => return None,
        };
        Some(Mod::Post(phrase, false))
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

fn degree(level: Option<(CmpOp, u8)>) -> String {
    let name = |l: usize| match DEGREE_LEVELS.get(l).copied() {
        Some("associate") => "an associate degree".to_owned(),
        Some("doctorate") => "a doctorate".to_owned(),
        Some(other) => format!("a {other}'s degree"),
        None => "a degree".to_owned(),
    };
    let Some((op, l)) = level else {
        return "a completed degree".into();
    };
    let l = usize::from(l);
    let top = DEGREE_LEVELS.len() - 1;
    match op {
        CmpOp::Eq => name(l),
        CmpOp::Ne => format!("a degree other than {}", name(l)),
        CmpOp::Ge if l == top => name(l),
        CmpOp::Ge => format!("{} or higher", name(l)),
        CmpOp::Gt if l < top => format!("{} or higher", name(l + 1)),
        CmpOp::Gt => "a degree above a doctorate".into(),
        CmpOp::Le if l == 0 => name(l),
        CmpOp::Le => format!("{} or lower", name(l)),
        CmpOp::Lt if l > 0 => format!("{} or lower", name(l - 1)),
        CmpOp::Lt => "a degree below an associate degree".into(),
    }
}

/// A tier or other ordered name compared with `op`: "recognized or higher".
fn ranked(names: &[String], i: usize, op: CmpOp) -> String {
    let name = |k: usize| humanize(names.get(k).map(String::as_str).unwrap_or("?"));
    let last = names.len().saturating_sub(1);
    match op {
        CmpOp::Eq => name(i),
        CmpOp::Ne => format!("other than {}", name(i)),
        CmpOp::Ge if i >= last => name(i),
        CmpOp::Ge => format!("{} or higher", name(i)),
        CmpOp::Gt if i < last => ranked(names, i + 1, CmpOp::Ge),
        CmpOp::Gt => format!("above {}", name(i)),
        CmpOp::Le if i == 0 => name(i),
        CmpOp::Le => format!("{} or lower", name(i)),
        CmpOp::Lt if i > 0 => ranked(names, i - 1, CmpOp::Le),
        CmpOp::Lt => format!("below {}", name(i)),
    }
}

/// The names (humanized) whose index passes `keep`.
fn humanized(names: &[String], keep: impl Fn(usize) -> bool) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, n)| humanize(n))
        .collect()
}

/// "at least 60 hours", "more than 1 hour", "exactly 30 credits".
fn quantity(op: CmpOp, n: f64, one: &str, many: &str) -> String {
    let unit = if n == 1.0 { one } else { many };
    let n = fmt_num(n);
    let q = match op {
        CmpOp::Ge => format!("at least {n}"),
        CmpOp::Gt => format!("more than {n}"),
        CmpOp::Le => format!("at most {n}"),
        CmpOp::Lt => format!("fewer than {n}"),
        CmpOp::Eq => format!("exactly {n}"),
        CmpOp::Ne => format!("other than {n}"),
    };
    if unit.is_empty() {
        q
    } else {
        format!("{q} {unit}")
    }
}

/// "issued in the last 3 years", "dated more than 6 months ago".
fn age(verb: &str, op: CmpOp, d: Duration) -> String {
    let d_words = duration(d);
    match op {
        CmpOp::Le => format!("{verb} in {}", last(d)),
        CmpOp::Lt => format!("{verb} less than {d_words} ago"),
        CmpOp::Ge => format!("{verb} at least {d_words} ago"),
        CmpOp::Gt => format!("{verb} more than {d_words} ago"),
        CmpOp::Eq => format!("{verb} exactly {d_words} ago"),
        CmpOp::Ne => format!("not {verb} exactly {d_words} ago"),
    }
}

fn on_date(op: CmpOp, d: Date) -> String {
    match op {
        CmpOp::Eq => format!("on {d}"),
        CmpOp::Ne => format!("on a day other than {d}"),
        CmpOp::Ge => format!("on or after {d}"),
        CmpOp::Gt => format!("after {d}"),
        CmpOp::Le => format!("on or before {d}"),
        CmpOp::Lt => format!("before {d}"),
    }
}

/// "3 years", "1 month", "90 days".
pub fn duration(d: Duration) -> String {
    let (n, one, many) = match d {
        Duration::Days(n) => (n, "day", "days"),
        Duration::Weeks(n) => (n, "week", "weeks"),
        Duration::Months(n) => (n, "month", "months"),
        Duration::Years(n) => (n, "year", "years"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "the last 2 years", "the last year".
fn last(d: Duration) -> String {
    match d {
        Duration::Days(1) => "the last day".into(),
        Duration::Weeks(1) => "the last week".into(),
        Duration::Months(1) => "the last month".into(),
        Duration::Years(1) => "the last year".into(),
        other => format!("the last {}", duration(other)),
    }
}

/// An identifier as words: `proctored_exam` → "proctored exam".
pub fn humanize(id: &str) -> String {
    id.replace('_', " ")
}

/// "a" or "an" for the words that follow.
fn article(next: &str) -> &'static str {
    match next.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

fn with_adjs(adjs: &[String], noun: &str) -> String {
    if adjs.is_empty() {
        noun.to_owned()
    } else {
        format!("{} {noun}", adjs.join(", "))
    }
}

/// "A", "A or B", "A, B or C".
pub fn or_list(items: &[String]) -> String {
    join_list(items, "or")
}

/// "A", "A and B", "A, B and C".
pub fn and_list(items: &[String]) -> String {
    join_list(items, "and")
}

fn join_list(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}
