//! Lowering of expressions (SPEC §4).

use super::{Lower, Rule};
use crate::ast::*;
use pest::iterators::Pair;

impl Lower {
    pub(crate) fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => match pair.into_inner().next() {
                Some(p) => self.expr(p),
                None => Spanned::new(ExprKind::And(Vec::new()), span),
            },
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut parts: Vec<Expr> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_and | Rule::kw_or))
                    .map(|p| self.expr(p))
                    .collect();
                if parts.len() == 1 {
                    return parts.remove(0);
                }
                let kind = if is_or {
                    ExprKind::Or(parts)
                } else {
                    ExprKind::And(parts)
                };
                Spanned::new(kind, span)
            }
            Rule::not_expr => {
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() != Rule::kw_not)
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| Spanned::new(ExprKind::And(Vec::new()), span));
                Spanned::new(ExprKind::Not(Box::new(inner)), span)
            }
            Rule::paren => {
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| Spanned::new(ExprKind::And(Vec::new()), span));
                Spanned::new(ExprKind::Paren(Box::new(inner)), span)
            }
            Rule::any_credential => {
                let filter = self.where_clause(pair);
                Spanned::new(ExprKind::AnyCredential(filter), span)
            }
            Rule::at_least => {
                let mut n = 0;
                let mut kind = ItemKind::Credentials;
                let mut singular = false;
                let mut filter = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::int => n = self.int(p),
                        Rule::item_kind => {
                            let s = p.as_str();
                            singular = !s.ends_with('s');
                            kind = match s.trim_end_matches('s') {
                                "credential" => ItemKind::Credentials,
                                "artifact" => ItemKind::Artifacts,
                                _ => ItemKind::Labs,
                            };
                        }
                        Rule::where_clause => filter = self.where_inner(p),
                        _ => {}
                    }
                }
                Spanned::new(
                    ExprKind::AtLeast {
                        n,
                        kind,
                        singular,
                        filter,
                    },
                    span,
                )
            }
            Rule::degree_term => {
                let mut op = None;
                let mut level = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::cmp => op = Some(cmp_op(p.as_str())),
                        Rule::ident => level = Some(self.ident(p)),
                        _ => {}
                    }
                }
                Spanned::new(ExprKind::Degree(op.zip(level)), span)
            }
            Rule::met_call => {
                let skill = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::ident)
                    .map(|p| self.ident(p))
                    .unwrap_or_else(|| Spanned::new(String::new(), span));
                Spanned::new(ExprKind::Met(skill), span)
            }
            Rule::comparison => self.comparison(pair),
            r => unreachable!("{r:?}"),
        }
    }

    fn where_clause(&mut self, pair: Pair<'_, Rule>) -> Option<Box<Expr>> {
        let w = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::where_clause)?;
        self.where_inner(w)
    }

    fn where_inner(&mut self, w: Pair<'_, Rule>) -> Option<Box<Expr>> {
        let e = w.into_inner().find(|p| p.as_rule() == Rule::expr)?;
        Some(Box::new(self.expr(e)))
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let lhs = match inner.next() {
            Some(p) => self.operand(p),
            None => Spanned::new(OperandKind::Bool(false), span),
        };
        let Some(next) = inner.next() else {
            return Spanned::new(ExprKind::Test(lhs), span);
        };
        match next.as_rule() {
            Rule::cmp => {
                let op = cmp_op(next.as_str());
                let rhs = match inner.next() {
                    Some(p) => self.operand(p),
                    None => Spanned::new(OperandKind::Bool(false), span),
                };
                Spanned::new(ExprKind::Compare(lhs, op, rhs), span)
            }
            Rule::not_in | Rule::in_list => {
                let negated = next.as_rule() == Rule::not_in;
                let list: Vec<Operand> = next
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::list)
                    .map(|l| {
                        l.into_inner()
                            .filter(|p| {
                                !matches!(
                                    p.as_rule(),
                                    Rule::lbracket | Rule::rbracket | Rule::comma
                                )
                            })
                            .map(|p| self.operand(p))
                            .collect()
                    })
                    .unwrap_or_default();
                if list.len() > crate::load::MAX_LIST_ITEMS {
                    self.diags.push(
                        crate::diag::Diag::error(
                            "credo::limit::list",
                            span,
                            format!(
                                "this list has {} items, more than the limit of {}",
                                list.len(),
                                crate::load::MAX_LIST_ITEMS
                            ),
                        )
                        .help("compare with fewer values"),
                    );
                }
                Spanned::new(ExprKind::In { lhs, negated, list }, span)
            }
            r => unreachable!("{r:?}"),
        }
    }

    fn operand(&mut self, pair: Pair<'_, Rule>) -> Operand {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::date => OperandKind::Date(self.date(pair).node),
            Rule::duration => OperandKind::Duration(self.duration(pair).node),
            Rule::bad_duration => {
                self.bad_duration(pair);
                OperandKind::Duration(Duration::Days(0))
            }
            Rule::percent => OperandKind::Percent(self.number(pair).node),
            Rule::number => OperandKind::Number(self.number(pair).node),
            Rule::string => OperandKind::Str(self.string(pair).node),
            Rule::boolean => OperandKind::Bool(pair.as_str() == "true"),
            Rule::path => {
                let parts: Vec<Ident> = pair.into_inner().map(|p| self.ident(p)).collect();
                // The pair's span may run into trailing whitespace; the names' spans do not.
                if let (Some(first), Some(last)) = (parts.first(), parts.last()) {
                    let span = first.span.join(last.span);
                    return Spanned::new(OperandKind::Path(parts), span);
                }
                OperandKind::Path(parts)
            }
            Rule::ident => OperandKind::Path(vec![self.ident(pair)]),
            r => unreachable!("{r:?}"),
        };
        Spanned::new(kind, span)
    }
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        ">=" => CmpOp::Ge,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Lt,
    }
}
