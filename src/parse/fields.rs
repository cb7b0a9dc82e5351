//! `name value` fields of `policy`, `provider` and `credential` blocks: the grammar accepts any
//! name and value; here each block says which names exist and what kind of value each takes.

use super::{Lower, Rule};
use crate::ast::{Cost, Duration, Ident, Spanned};
use crate::diag::{did_you_mean, Diag};
use crate::source::Span;
use jiff::civil::Date;
use pest::iterators::Pair;

/// The fields of a `policy` block (also what the language server completes).
pub const POLICY_FIELDS: &[&str] = &["version", "effective", "owner", "tiers", "assessments"];
/// The fields of a `provider` block.
pub const PROVIDER_FIELDS: &[&str] = &["name", "tier", "issuers", "keys", "jwks", "retired"];
/// Fields that take a plain number (no unit).
const NUMBER_FIELDS: &[&str] = &["hours", "cost"];

/// The fields of a `credential` block.
pub const CREDENTIAL_FIELDS: &[&str] = &[
    "title",
    "provider",
    "skills",
    "achievements",
    "aliases",
    "assessment",
    "hours",
    "valid_for",
    "cost",
    "stacks_into",
    "retired",
    "open_to",
];

/// A field's value before its block decides what it means.
#[derive(Clone, Debug)]
pub(crate) enum FieldValue {
    Str(Spanned<String>),
    Date(Spanned<Date>),
    Duration(Spanned<Duration>),
    Number(Spanned<f64>),
    Percent(Spanned<f64>),
    Bool(Spanned<bool>),
    Ident(Ident),
    List(Vec<FieldValue>, Span),
    /// Already reported (e.g. a bad duration unit).
    Bad(Span),
}

impl FieldValue {
    fn span(&self) -> Span {
        match self {
            FieldValue::Str(s) => s.span,
            FieldValue::Date(s) => s.span,
            FieldValue::Duration(s) => s.span,
            FieldValue::Number(s) | FieldValue::Percent(s) => s.span,
            FieldValue::Bool(s) => s.span,
            FieldValue::Ident(s) => s.span,
            FieldValue::List(_, s) | FieldValue::Bad(s) => *s,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            FieldValue::Str(_) => "a string",
            FieldValue::Date(_) => "a date",
            FieldValue::Duration(_) => "a duration",
            FieldValue::Number(_) => "a number",
            FieldValue::Percent(_) => "a percentage",
            FieldValue::Bool(_) => "a boolean",
            FieldValue::Ident(_) => "a name",
            FieldValue::List(..) => "a list",
            FieldValue::Bad(_) => "an invalid value",
        }
    }
}

impl Lower {
    /// Lowers `field` pairs, reporting a field given twice.
    pub(crate) fn fields<'i>(
        &mut self,
        pairs: impl Iterator<Item = Pair<'i, Rule>>,
        block: &str,
    ) -> Vec<(Ident, FieldValue)> {
        let mut out: Vec<(Ident, FieldValue)> = Vec::new();
        for p in pairs {
            let mut inner = p.into_inner();
            let (Some(k), Some(v)) = (inner.next(), inner.next()) else {
                continue;
            };
            let key = self.ident(k);
            let value = if v.as_rule() == Rule::bad_duration
                && NUMBER_FIELDS.contains(&key.node.as_str())
            {
                self.number_with_unit(&key, v)
            } else {
                self.value(v)
            };
            if let Some((first, _)) = out.iter().find(|(f, _)| f.node == key.node) {
                self.diags.push(
                    Diag::error(
                        "credo::syntax::duplicate-field",
                        key.span,
                        format!("`{}` is given twice in this {block}", key.node),
                    )
                    .label("second time")
                    .with_label(first.span, "first time")
                    .help("keep one of them"),
                );
                continue;
            }
            out.push((key, value));
        }
        out
    }

    pub(crate) fn value(&mut self, pair: Pair<'_, Rule>) -> FieldValue {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::string => FieldValue::Str(self.string(pair)),
            Rule::date => FieldValue::Date(self.date(pair)),
            Rule::duration => FieldValue::Duration(self.duration(pair)),
            Rule::bad_duration => {
                self.bad_duration(pair);
                FieldValue::Bad(span)
            }
            Rule::spaced_duration => {
                self.spaced_duration(pair);
                FieldValue::Bad(span)
            }
            Rule::number => FieldValue::Number(self.number(pair)),
            Rule::percent => {
                let n = self.number(pair);
                FieldValue::Percent(Spanned::new(n.node / 100.0, n.span))
            }
            Rule::boolean => FieldValue::Bool(Spanned::new(pair.as_str() == "true", span)),
            Rule::ident => FieldValue::Ident(self.ident(pair)),
            Rule::list => {
                let items = pair
                    .into_inner()
                    .filter(|p| {
                        !matches!(p.as_rule(), Rule::lbracket | Rule::rbracket | Rule::comma)
                    })
                    .map(|p| self.value(p))
                    .collect::<Vec<_>>();
                if items.len() > crate::load::MAX_LIST_ITEMS {
                    self.diags.push(
                        Diag::error(
                            "credo::limit::list",
                            span,
                            format!(
                                "this list has {} items, more than the limit of {}",
                                items.len(),
                                crate::load::MAX_LIST_ITEMS
                            ),
                        )
                        .help(
                            "split the declaration, or keep lists to the items a reviewer can read",
                        ),
                    );
                    return FieldValue::Bad(span);
                }
                FieldValue::List(items, span)
            }
            r => unreachable!("{r:?}"),
        }
    }

    /// `hours 180h`: a number field written with a unit.
    fn number_with_unit(&mut self, key: &Ident, pair: Pair<'_, Rule>) -> FieldValue {
        let span = self.span(&pair);
        let text = pair.as_str();
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = &text[digits.len()..];
        let d = Diag::error(
            "credo::syntax::field-value",
            span,
            format!("`{}` takes a number, found `{text}`", key.node),
        );
        let exponent = unit.len() > 1
            && unit.starts_with(['e', 'E'])
            && unit[1..].bytes().all(|b| b.is_ascii_digit());
        self.diags.push(if exponent {
            d.label("exponent notation")
                .help("numbers are written in full digits; exponent notation such as `1e3` is not supported")
        } else {
            d.label("a number has no unit")
                .help_fix(format!("write `{digits}`"), span, digits.clone())
        });
        FieldValue::Bad(span)
    }

    /// `12 months`: a duration written with a space.
    pub(crate) fn spaced_duration(&mut self, pair: Pair<'_, Rule>) {
        let span = self.span(&pair);
        let text = pair.as_str();
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let word = text.rsplit([' ', '\t']).next().unwrap_or("");
        let unit = match word {
            w if w.starts_with('d') => "d",
            w if w.starts_with('w') => "w",
            w if w.starts_with('m') => "mo",
            _ => "y",
        };
        let with = format!("{digits}{unit}");
        self.diags.push(
            Diag::error(
                "credo::syntax::duration-space",
                span,
                format!("a duration is written without a space, found `{text}`"),
            )
            .label("number and unit apart")
            .help_fix(format!("write `{with}`"), span, with),
        );
    }

    pub(crate) fn unknown_field(&mut self, key: &Ident, block: &str, known: &[&str]) {
        let help = did_you_mean(&key.node, known.iter().copied())
            .unwrap_or_else(|| format!("a {block} may have {}", crate::diag_list(known)));
        self.diags.push(
            Diag::error(
                "credo::syntax::unknown-field",
                key.span,
                format!("unknown field `{}` in {block}", key.node),
            )
            .label("not a field here")
            .help(help),
        );
    }

    fn wrong_kind(&mut self, key: &Ident, value: &FieldValue, want: &str, example: &str) {
        if matches!(value, FieldValue::Bad(_)) {
            return;
        }
        self.diags.push(
            Diag::error(
                "credo::syntax::field-value",
                value.span(),
                format!("`{}` takes {want}, found {}", key.node, value.kind()),
            )
            .label(format!("expected {want}"))
            .help(format!("write e.g. `{} {example}`", key.node)),
        );
    }

    pub(crate) fn want_string(&mut self, key: &Ident, v: FieldValue) -> Option<Spanned<String>> {
        match v {
            FieldValue::Str(s) => Some(s),
            other => {
                self.wrong_kind(key, &other, "a string", "\"…\"");
                None
            }
        }
    }

    pub(crate) fn want_date(&mut self, key: &Ident, v: FieldValue) -> Option<Spanned<Date>> {
        match v {
            FieldValue::Date(d) => Some(d),
            other => {
                self.wrong_kind(key, &other, "a date", "2026-01-01");
                None
            }
        }
    }

    pub(crate) fn want_duration(
        &mut self,
        key: &Ident,
        v: FieldValue,
    ) -> Option<Spanned<Duration>> {
        match v {
            FieldValue::Duration(d) => Some(d),
            other => {
                self.wrong_kind(key, &other, "a duration", "3y");
                None
            }
        }
    }

    pub(crate) fn want_number(&mut self, key: &Ident, v: FieldValue) -> Option<Spanned<f64>> {
        match v {
            FieldValue::Number(n) => Some(n),
            other => {
                self.wrong_kind(key, &other, "a number", "60");
                None
            }
        }
    }

    pub(crate) fn want_ident(&mut self, key: &Ident, v: FieldValue) -> Option<Ident> {
        match v {
            FieldValue::Ident(i) => Some(i),
            other => {
                let example = match key.node.as_str() {
                    "tier" => "recognized",
                    "assessment" => "proctored_exam",
                    _ => "comptia",
                };
                self.wrong_kind(key, &other, "a name", example);
                None
            }
        }
    }

    pub(crate) fn want_cost(&mut self, key: &Ident, v: FieldValue) -> Option<Spanned<Cost>> {
        match v {
            FieldValue::Number(n) => Some(Spanned::new(Cost::Amount(n.node), n.span)),
            FieldValue::Ident(i) if i.node == "free" => Some(Spanned::new(Cost::Free, i.span)),
            other => {
                self.wrong_kind(key, &other, "`free` or a number", "free");
                None
            }
        }
    }

    pub(crate) fn want_ident_list(
        &mut self,
        key: &Ident,
        v: FieldValue,
    ) -> Option<Spanned<Vec<Ident>>> {
        match v {
            FieldValue::List(items, span) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        FieldValue::Ident(i) => out.push(i),
                        other => self.wrong_kind(key, &other, "a list of names", "[a, b]"),
                    }
                }
                Some(Spanned::new(out, span))
            }
            other => {
                self.wrong_kind(key, &other, "a list of names", "[a, b]");
                None
            }
        }
    }

    pub(crate) fn want_string_list(&mut self, key: &Ident, v: FieldValue) -> Vec<Spanned<String>> {
        match v {
            FieldValue::List(items, _) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        FieldValue::Str(s) => out.push(s),
                        other => self.wrong_kind(key, &other, "a list of strings", "[\"…\"]"),
                    }
                }
                out
            }
            other => {
                self.wrong_kind(key, &other, "a list of strings", "[\"…\"]");
                Vec::new()
            }
        }
    }
}
