//! An outcome report ([`crate::measure::Report`]) as text for people: per role, one table per
//! measure with every cohort as a row, the counts beside every figure, and the caveat first.
//! Text from the policy or the records has its control and bidi characters escaped.

use super::audit::{fmt_fixed, fmt_p, pct};
use crate::measure::{Cohort, CohortKind, Report, RoleMeasure, SurvivalTest, Tested};
use std::fmt::Write;

/// The whole report.
pub fn report(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Outcome measures · {} {} · as of {}",
        clean(&r.policy.name),
        clean(&r.policy.version),
        r.as_of
    );
    let _ = writeln!(s, "policy {}", r.policy.hash);
    if let Some(role) = &r.role {
        let _ = writeln!(s, "role   {} (--role)", clean(role));
    }
    let t = &r.totals;
    let _ = writeln!(
        s,
        "{} candidate records, {} decisions as of {} (placement), {} outcome rows, {} hires measured, {} record errors",
        t.records, t.decisions, r.as_of, t.outcome_rows, t.hires, t.errors
    );
    let _ = writeln!(s, "\n{}", wrap(r.caveat, 96));
    let method = format!(
        "Figures are Kaplan–Meier estimates (n hires, events, censored); intervals are 95% \
         (log-log Greenwood; Welch for cost). p: log-rank or Welch against the role's other hires; \
         Holm: adjusted over the role's credential and accept-line cohorts; `too few`: under {} \
         hires in the cohort or the rest, no test.",
        crate::measure::MIN_TESTED
    );
    let _ = writeln!(s, "{}", wrap(&method, 96));
    for role in &r.roles {
        role_section(&mut s, role);
    }
    if !r.record_errors.is_empty() {
        let _ = writeln!(s, "\n── record errors ──");
        for e in &r.record_errors {
            let _ = writeln!(
                s,
                "  {}:{}: {}{}",
                clean(&e.file),
                e.line,
                e.record
                    .as_deref()
                    .map(|id| format!("`{}`: ", clean(id)))
                    .unwrap_or_default(),
                clean(&e.error)
            );
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(s, "\n── notes ──");
        for n in &r.notes {
            let _ = writeln!(s, "  {}", clean(n));
        }
    }
    s
}

fn role_section(s: &mut String, role: &RoleMeasure) {
    let _ = writeln!(
        s,
        "\n── {} ({}) · {} hire{} ──",
        clean(&role.role),
        clean(&role.title),
        role.hires,
        if role.hires == 1 { "" } else { "s" }
    );
    if role.cohorts.is_empty() {
        let _ = writeln!(s, "  no hires and no `advance` decisions");
        return;
    }
    let legend: Vec<&Cohort> = (role.cohorts.iter())
        .filter(|c| matches!(c.kind, CohortKind::Credential | CohortKind::Line))
        .collect();
    if !legend.is_empty() {
        let _ = writeln!(s, "\n  cohorts");
        let width = legend
            .iter()
            .map(|c| name(c).chars().count())
            .max()
            .unwrap_or(0);
        for c in legend {
            let at =
                c.at.as_deref()
                    .map(|a| format!("  ({a})"))
                    .unwrap_or_default();
            let _ = writeln!(
                s,
                "    {:<width$}  {}{}",
                name(c),
                clean(&c.label),
                clean(&at)
            );
        }
    }
    productivity(s, role);
    retention(s, role);
    training(s, role);
    other(s, role);
}

/// The row label of a cohort.
fn name(c: &Cohort) -> String {
    match c.kind {
        CohortKind::All => "all hires".into(),
        CohortKind::Credentialed | CohortKind::Other => clean(&c.id),
        CohortKind::Credential => format!("credential {}", clean(&c.id)),
        CohortKind::Line => format!("line {}", clean(&c.id)),
        CohortKind::Unrecognised => match &c.issuer {
            Some(i) => format!("unrecognised \"{}\" ({})", clean(&c.id), clean(i)),
            None => format!("unrecognised \"{}\"", clean(&c.id)),
        },
    }
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

/// p and Holm-p cells of a test, or `too few` / `—`.
fn p_cells(c: &Cohort, test: Option<(f64, Option<f64>)>) -> [String; 2] {
    match (&c.comparison, test) {
        (None, _) => [String::new(), String::new()],
        (Some(cmp), _) if cmp.status == Tested::TooFew => ["too few".into(), String::new()],
        (Some(_), None) => ["—".into(), String::new()],
        (Some(_), Some((p, holm))) => [fmt_p(p), holm.map(fmt_p).unwrap_or_default()],
    }
}

fn survival_p(t: &Option<SurvivalTest>) -> Option<(f64, Option<f64>)> {
    t.as_ref().map(|t| (t.p, t.p_holm))
}

fn productivity(s: &mut String, role: &RoleMeasure) {
    let mut rows = Vec::new();
    for c in &role.cohorts {
        let p = &c.figures.productivity;
        let mut row = vec![
            name(c),
            p.n.to_string(),
            p.events.to_string(),
            p.censored.to_string(),
            opt(p.median_days, |d| d.to_string()),
        ];
        for day in crate::measure::PRODUCTIVITY_DAYS {
            row.push(opt(p.at.iter().find(|a| a.day == day), |a| pct(a.value)));
        }
        let test = c
            .comparison
            .as_ref()
            .and_then(|x| survival_p(&x.productivity));
        row.extend(p_cells(c, test));
        rows.push(row);
    }
    table(
        s,
        "productivity: days from hired to productive",
        &[
            "n", "events", "cens.", "median", "by 30d", "by 60d", "by 90d", "p", "Holm",
        ],
        rows,
    );
}

fn retention(s: &mut String, role: &RoleMeasure) {
    let mut rows = Vec::new();
    for c in &role.cohorts {
        let r = &c.figures.retention;
        let mut row = vec![
            name(c),
            r.n.to_string(),
            r.events.to_string(),
            r.censored.to_string(),
            opt(r.median_days, |d| d.to_string()),
        ];
        for day in crate::measure::RETENTION_DAYS {
            row.push(opt(r.at.iter().find(|a| a.day == day), |a| {
                let ci = match (a.low, a.high) {
                    (Some(l), Some(h)) => format!(" ({}–{})", pct_short(l), pct_short(h)),
                    _ => String::new(),
                };
                format!("{}{ci}", pct(a.value))
            }));
        }
        let test = c.comparison.as_ref().and_then(|x| survival_p(&x.retention));
        row.extend(p_cells(c, test));
        rows.push(row);
    }
    table(
        s,
        "retention: still employed (95% interval)",
        &[
            "n", "left", "cens.", "median", "90d", "180d", "365d", "p", "Holm",
        ],
        rows,
    );
}

fn training(s: &mut String, role: &RoleMeasure) {
    let mut rows = Vec::new();
    for c in &role.cohorts {
        let t = &c.figures.training;
        let mut row = vec![
            name(c),
            t.hours.n.to_string(),
            opt(t.hours.mean, |v| fmt_fixed(v, 1)),
            opt(t.hours.median, |v| fmt_fixed(v, 1)),
            t.cost.n.to_string(),
            opt(t.cost.mean, |v| fmt_fixed(v, 0)),
            opt(t.cost.median, |v| fmt_fixed(v, 0)),
        ];
        let cost = c.comparison.as_ref().and_then(|x| x.training_cost.as_ref());
        row.push(match (&c.comparison, cost) {
            (Some(_), Some(w)) => format!(
                "{} ({} to {})",
                signed(w.difference),
                signed(w.low),
                signed(w.high)
            ),
            _ => String::new(),
        });
        row.push(opt(cost.and_then(|w| w.percent), |v| {
            format!("{}%", signed_fixed(v, 1))
        }));
        row.extend(p_cells(c, cost.map(|w| (w.p, w.p_holm))));
        rows.push(row);
    }
    table(
        s,
        "training, first year",
        &[
            "n hours",
            "mean",
            "median",
            "n cost",
            "mean",
            "median",
            "cost − rest (95%)",
            "%",
            "p",
            "Holm",
        ],
        rows,
    );
}

fn other(s: &mut String, role: &RoleMeasure) {
    let mut rows = Vec::new();
    for c in &role.cohorts {
        let f = &c.figures;
        rows.push(vec![
            name(c),
            f.mobility.n.to_string(),
            fmt_fixed(f.mobility.person_years, 1),
            f.mobility.moves.to_string(),
            opt(f.mobility.per_100_person_years, |v| fmt_fixed(v, 1)),
            f.mobility.movers.to_string(),
            f.placement.advance.to_string(),
            f.placement.hired.to_string(),
            opt(f.placement.share, pct),
            fmt_fixed(f.onboarding.hours_saved, 0),
            opt(f.onboarding.mean, |v| fmt_fixed(v, 1)),
        ]);
    }
    table(
        s,
        "mobility, placement, onboarding",
        &[
            "n",
            "person-yrs",
            "moves",
            "/100 p-yrs",
            "movers",
            "advance",
            "hired",
            "placed",
            "hrs saved",
            "per hire",
        ],
        rows,
    );
}

/// A table: the first column left-aligned under the title, the rest right-aligned.
fn table(s: &mut String, title: &str, headers: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = std::iter::once(title.chars().count())
        .chain(headers.iter().map(|h| h.chars().count()))
        .collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let _ = write!(s, "\n  {title:<w$}", w = widths[0]);
    for (h, w) in headers.iter().zip(&widths[1..]) {
        let _ = write!(s, "  {h:>w$}");
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    for row in rows {
        let _ = write!(s, "  {:<w$}", row[0], w = widths[0]);
        for (cell, w) in row[1..].iter().zip(&widths[1..]) {
            let _ = write!(s, "  {cell:>w$}");
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
    }
}

/// A percentage without decimals, for interval ends.
fn pct_short(v: f64) -> String {
    format!("{}%", fmt_fixed(v * 100.0, 0))
}

fn signed(v: f64) -> String {
    signed_fixed(v, 0)
}

fn signed_fixed(v: f64, decimals: usize) -> String {
    let s = fmt_fixed(v, decimals);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// Text with its control and bidi characters escaped ([`crate::visible`]), so a record
/// cannot move the cursor or forge lines of the report.
pub fn clean(text: &str) -> String {
    crate::visible::visible(text).into_owned()
}

/// Wraps text at word boundaries.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}
