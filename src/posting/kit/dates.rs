//! Dates a reviewer checks, worked out with the same calendar arithmetic as the evaluator:
//! the issue-date window a credential `where` and a `valid_for` leave open as of a day, and
//! the dates an item `where age <= D` counts from.

use crate::ast::CmpOp;
use crate::policy::{Cond, Field, Value};
use jiff::civil::Date;

/// "on or before 2026-11-25", "2024-11-25 to 2026-11-25" for an item `where` with an age.
pub(super) fn item_dates(filter: Option<&Cond>, as_of: Date) -> String {
    let lower = filter.and_then(|f| {
        parts(f)
            .iter()
            .filter_map(|x| age_lower(x, Field::ItemAge, as_of))
            .max()
    });
    match lower {
        Some(l) => format!("{l} to {as_of}"),
        None => format!("on or before {as_of}"),
    }
}

/// Issue-date bounds a credential `where` sets (its `age` and `issued` comparisons at the top
/// level); the upper bound is at most `as_of`.
pub(super) fn issue_bounds(filter: Option<&Cond>, as_of: Date) -> (Option<Date>, Date) {
    let mut lower: Option<Date> = None;
    let mut upper = as_of;
    for part in filter.map(parts).unwrap_or_default() {
        if let Some(l) = age_lower(part, Field::CredAge, as_of) {
            lower = lower.max(Some(l));
        }
        if let Cond::Cmp {
            field: Field::CredIssued,
            op,
            value: Value::Date(d),
            ..
        } = part
        {
            let (lo, hi) = match op {
                CmpOp::Ge => (Some(*d), None),
                CmpOp::Gt => (d.tomorrow().ok(), None),
                CmpOp::Le => (None, Some(*d)),
                CmpOp::Lt => (None, d.yesterday().ok()),
                CmpOp::Eq => (Some(*d), Some(*d)),
                CmpOp::Ne => (None, None),
            };
            lower = lower.max(lo);
            if let Some(h) = hi {
                upper = upper.min(h);
            }
        }
        if let Cond::Cmp {
            field: Field::CredAge,
            op: op @ (CmpOp::Ge | CmpOp::Gt),
            value: Value::Dur(dur),
            ..
        } = part
        {
            let strict = *op == CmpOp::Gt;
            let ok = |d: Date| {
                dur.add_to(d)
                    .is_some_and(|t| if strict { t < as_of } else { t <= as_of })
            };
            if let Some(h) = latest(as_of, ok) {
                upper = upper.min(h);
            }
        }
    }
    (lower, upper)
}

/// The earliest date an `age <= D` (or `< D`) comparison on `field` lets through.
fn age_lower(c: &Cond, field: Field, as_of: Date) -> Option<Date> {
    match c {
        Cond::Cmp {
            field: f,
            op: op @ (CmpOp::Le | CmpOp::Lt),
            value: Value::Dur(dur),
            ..
        } if *f == field => {
            let strict = *op == CmpOp::Lt;
            earliest(as_of, |d| {
                dur.add_to(d)
                    .is_some_and(|t| if strict { t > as_of } else { t >= as_of })
            })
        }
        _ => None,
    }
}

pub(super) fn parts(f: &Cond) -> Vec<&Cond> {
    match f {
        Cond::And(v) => v.iter().collect(),
        other => vec![other],
    }
}

/// The day `n` days before `as_of`, if it is a representable date.
fn back(as_of: Date, n: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(n).ok()?;
    as_of.checked_sub(span).ok()
}

/// The earliest day on or before `as_of` for which `ok` holds, when `ok` holds from some day
/// on (as `date + duration >= as_of` does under calendar arithmetic): doubling steps back,
/// then a binary search.
pub(super) fn earliest(as_of: Date, ok: impl Fn(Date) -> bool) -> Option<Date> {
    if !ok(as_of) {
        return None;
    }
    let holds = |n: i64| back(as_of, n).is_some_and(&ok);
    let (mut good, mut bad) = (0i64, 1i64);
    while holds(bad) {
        good = bad;
        bad = bad.checked_mul(2)?;
    }
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if holds(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    back(as_of, good)
}

/// The latest day on or before `as_of` for which `ok` holds, when `ok` holds up to some day
/// (as `date + duration <= as_of` does).
fn latest(as_of: Date, ok: impl Fn(Date) -> bool) -> Option<Date> {
    let holds = |n: i64| back(as_of, n).is_some_and(&ok);
    if holds(0) {
        return Some(as_of);
    }
    let (mut bad, mut good) = (0i64, 1i64);
    while !holds(good) {
        back(as_of, good)?;
        bad = good;
        good = good.checked_mul(2)?;
    }
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if holds(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    back(as_of, good)
}
