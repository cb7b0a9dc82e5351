//! Printing expressions and literals back as policy text.

use crate::ast::*;

/// A string literal with escapes: quotes, backslashes, control and bidi characters.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // Control characters and bidi controls stay escapes: written raw, a bidi override
            // would reorder how the policy reads in an editor or a review (Trojan Source).
            c if c.is_control() || crate::visible::is_hostile(c) => {
                out.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as short as it reads (`60`, `0.8`).
pub(crate) fn number(n: f64) -> String {
    format!("{n}")
}

pub(crate) fn ident_list(items: &[Ident]) -> String {
    let parts: Vec<&str> = items.iter().map(|i| i.node.as_str()).collect();
    format!("[{}]", parts.join(", "))
}

pub(crate) fn string_list(items: &[Spanned<String>]) -> String {
    let parts: Vec<String> = items.iter().map(|i| string(&i.node)).collect();
    format!("[{}]", parts.join(", "))
}

/// An expression on one line, keeping the author's parentheses.
pub(crate) fn expr(e: &Expr) -> String {
    match &e.node {
        ExprKind::Or(v) => v.iter().map(expr).collect::<Vec<_>>().join(" or "),
        ExprKind::And(v) => v.iter().map(expr).collect::<Vec<_>>().join(" and "),
        ExprKind::Not(x) => format!("not {}", expr(x)),
        ExprKind::Paren(x) => format!("({})", expr(x)),
        ExprKind::AnyCredential(f) => match f {
            Some(f) => format!("any credential where {}", expr(f)),
            None => "any credential".into(),
        },
        ExprKind::AtLeast {
            n,
            kind,
            singular,
            filter,
        } => {
            let noun = match (kind, singular) {
                (ItemKind::Credentials, true) => "credential",
                (ItemKind::Credentials, false) => "credentials",
                (ItemKind::Artifacts, true) => "artifact",
                (ItemKind::Artifacts, false) => "artifacts",
                (ItemKind::Labs, true) => "lab",
                (ItemKind::Labs, false) => "labs",
            };
            match filter {
                Some(f) => format!("at least {n} {noun} where {}", expr(f)),
                None => format!("at least {n} {noun}"),
            }
        }
        ExprKind::Degree(cmp) => match cmp {
            Some((op, level)) => format!("degree {} {}", op.as_str(), level.node),
            None => "degree".into(),
        },
        ExprKind::Met(s) => format!("met({})", s.node),
        ExprKind::Compare(a, op, b) => format!("{} {} {}", operand(a), op.as_str(), operand(b)),
        ExprKind::In { lhs, negated, list } => {
            let items: Vec<String> = list.iter().map(operand).collect();
            format!(
                "{} {}in [{}]",
                operand(lhs),
                if *negated { "not " } else { "" },
                items.join(", ")
            )
        }
        ExprKind::Test(o) => operand(o),
    }
}

fn operand(o: &Operand) -> String {
    match &o.node {
        OperandKind::Path(p) => p
            .iter()
            .map(|i| i.node.as_str())
            .collect::<Vec<_>>()
            .join("."),
        OperandKind::Date(d) => d.to_string(),
        OperandKind::Duration(d) => d.to_string(),
        OperandKind::Number(n) => number(*n),
        OperandKind::Percent(p) => format!("{}%", number(*p)),
        OperandKind::Str(s) => string(s),
        OperandKind::Bool(b) => b.to_string(),
    }
}
