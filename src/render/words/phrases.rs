//! Small phrases shared by the renderer: quantities, dates, ages, ordered names, lists.

use crate::ast::{CmpOp, Duration};
use crate::policy::DEGREE_LEVELS;
use crate::render::text::fmt_num;
use jiff::civil::Date;

pub(super) fn degree(level: Option<(CmpOp, u8)>) -> String {
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
pub(super) fn ranked(names: &[String], i: usize, op: CmpOp) -> String {
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
pub(super) fn humanized(names: &[String], keep: impl Fn(usize) -> bool) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, n)| humanize(n))
        .collect()
}

/// "at least 60 hours", "more than 1 hour", "exactly 30 credits".
pub(super) fn quantity(op: CmpOp, n: f64, one: &str, many: &str) -> String {
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
pub(super) fn age(verb: &str, op: CmpOp, d: Duration) -> String {
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

pub(super) fn on_date(op: CmpOp, d: Date) -> String {
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
pub(super) fn last(d: Duration) -> String {
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
pub(super) fn article(next: &str) -> &'static str {
    match next.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

pub(super) fn with_adjs(adjs: &[String], noun: &str) -> String {
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

pub(super) fn join_list(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}
