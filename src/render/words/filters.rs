//! The words a `where` adds to what it counts: "a **verified** credential **from a provider
//! rated trusted**", "4 hands-on labs **in the last 2 years, lasting at least 2 hours each**".

use super::phrases::{age, last, on_date, or_list, quantity, ranked};
use super::Words;
use crate::ast::{CmpOp, ItemKind};
use crate::policy::{Cond, Field, Value};

/// A word or phrase that narrows a noun: before it ("verified") or after it ("from CompTIA").
pub(super) enum Mod {
    /// Before the noun.
    Adj(String),
    /// The phrase, and whether it reads better after a comma ("…, issued in the last 3 years").
    Post(String, bool),
}

impl Words<'_> {
    /// The words a `where` adds to its noun: adjectives, and the rest as one trailing phrase.
    pub(super) fn mods(&self, f: &Cond, kind: ItemKind, n: u32) -> (Vec<String>, String) {
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
                    // A second "from …" after the first reads as one phrase without a comma.
                    let comma = comma || s.starts_with("from ") || s.starts_with("not from ");
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
            Cond::Not(x) => match self.leaf(x, kind, n) {
                Some(Mod::Adj(a)) => format!("that is not {a}"),
                Some(Mod::Post(s, _)) => format!("not {s}"),
                None => format!("not {}", self.filter_expr(x, kind, n, true)),
            },
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
                or_list(&super::phrases::humanized(&p.assessments, |a| op.test(a.cmp(i))))
            )),
            (Field::CredProvider, Value::Index(i)) => {
                let name = &p.providers[*i].name;
                post(match op {
                    CmpOp::Ne => format!("not from {name}"),
                    _ => format!("from {name}"),
                })
            }
            (Field::CredId, Value::Index(i)) => post(match op {
                CmpOp::Ne => format!("other than {}", self.quoted_title(*i)),
                _ => format!("that is {}", self.quoted_title(*i)),
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
                let names = super::phrases::humanized(&p.tiers, |t| idx.contains(&t) != negated);
                format!("from a provider rated {}", or_list(&names))
            }
            Field::CredAssessment => {
                let names =
                    super::phrases::humanized(&p.assessments, |a| idx.contains(&a) != negated);
                return Some(Mod::Post(format!("assessed by {}", or_list(&names)), true));
            }
            Field::CredId => {
                let names: Vec<String> = idx.iter().map(|i| self.quoted_title(*i)).collect();
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

    /// A catalogue credential's title in quotes, for `where id …`: “Cert A”.
    fn quoted_title(&self, c: usize) -> String {
        format!("\u{201c}{}\u{201d}", self.policy.credentials[c].title)
    }
}
