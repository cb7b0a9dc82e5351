//! A governance review as text (for the terminal) — and the figure formatting the Markdown
//! ([`super::review_md`]) and HTML ([`super::review_html`]) forms share. User text (ids,
//! titles, issuers, reasons) has its control characters escaped.

use super::audit::fmt_fixed;
use crate::review::{CredentialRef, Figure, Named, Proposal, Review, RoleReview};
use std::fmt::Write;

/// How a figure reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A whole count.
    Count,
    /// A share, as a percentage (changes in percentage points).
    Pct,
    /// Days.
    Days,
    /// A ratio with two decimals.
    Ratio,
    /// A p-value.
    P,
    /// A number with one decimal.
    Num,
    /// A number that is already a percentage (`-12%`).
    Percent,
}

/// A value in a style.
pub fn value(v: Option<f64>, style: Style) -> String {
    let Some(v) = v else { return "–".into() };
    match style {
        Style::Count => fmt_fixed(v, 0),
        Style::Pct => format!("{:.0}%", v * 100.0),
        Style::Days => format!("{} d", fmt_fixed(v, 0)),
        Style::Ratio => format!("{v:.2}"),
        Style::P => crate::review::fmt_p(v),
        Style::Num => fmt_fixed(v, 1),
        Style::Percent => format!("{v:+.0}%"),
    }
}

/// A figure with its n and its change: `25% (n 40; +5 pp)`. A test that could not be made
/// reads `untested` (fewer than 5 on a side, or no events).
pub fn fig(f: &Figure, style: Style) -> String {
    let mut s = match (f.value, style) {
        (None, Style::P) => "untested".into(),
        (v, _) => value(v, style),
    };
    let mut extra = Vec::new();
    if let Some(n) = f.n {
        extra.push(format!("n {n}"));
    }
    if let Some(c) = change(f, style) {
        extra.push(c);
    }
    if !extra.is_empty() {
        let _ = write!(s, " ({})", extra.join("; "));
    }
    s
}

/// The change since the previous review: `+3`, `−5 pp`, `new` (none without a previous).
pub fn change(f: &Figure, style: Style) -> Option<String> {
    let previous = f.previous?;
    let Some(c) = f.change() else {
        return Some(match (previous, f.value) {
            (None, _) => "new".into(),
            (Some(p), None) => format!("was {}", value(Some(p), style)),
            (Some(_), Some(_)) => "±0".into(),
        });
    };
    let sign = if c > 0.0 {
        "+"
    } else if c < 0.0 {
        "−"
    } else {
        "±"
    };
    let a = c.abs();
    Some(match style {
        Style::Count => format!("{sign}{}", fmt_fixed(a, 0)),
        Style::Pct => format!("{sign}{:.0} pp", a * 100.0),
        Style::Days => format!("{sign}{} d", fmt_fixed(a, 0)),
        Style::Ratio => format!("{sign}{a:.2}"),
        Style::P => format!("was {}", value(previous, style)),
        Style::Num => format!("{sign}{}", fmt_fixed(a, 1)),
        Style::Percent => format!("{sign}{a:.0} pp"),
    })
}

/// How a named figure reads, by its name.
pub fn style_of(name: &str) -> Style {
    if name.ends_with("_p") || name.ends_with("_p_holm") {
        Style::P
    } else if name.ends_with("percent") {
        Style::Percent
    } else if ["share", "placement", "productive_by", "employed_at"]
        .iter()
        .any(|w| name.contains(w))
    {
        Style::Pct
    } else if name.contains("days") {
        Style::Days
    } else if name.contains("expected") || name.contains("chi_square") {
        Style::Ratio
    } else if name.contains("mean") || name.contains("per_100") {
        Style::Num
    } else {
        Style::Count
    }
}

/// The outcome figures a review shows per cohort (heading, figure name); JSON has them all.
pub const COLUMNS: [(&str, &str); 11] = [
    ("hires", "hires"),
    ("median days to productivity", "productivity_median_days"),
    ("productive by day 90", "productive_by_day_90"),
    ("employed at day 365", "employed_at_day_365"),
    ("training cost mean", "training_cost_mean"),
    ("moves per 100 person-years", "moves_per_100_person_years"),
    ("placement", "placement"),
    ("productivity p", "productivity_logrank_p"),
    ("Holm", "productivity_logrank_p_holm"),
    ("retention p", "retention_logrank_p"),
    ("Holm", "retention_logrank_p_holm"),
];

/// Named figures on one line: `carried 0 · held 3 (+1)`.
pub fn named_line(figures: &Named) -> String {
    (figures.0.iter())
        .map(|(name, f)| format!("{} {}", name.replace('_', " "), fig(f, style_of(name))))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub use super::measure::clean;

/// What a proposal is about, in words: `security_plus`, `"Title" (issuer)`, `provider x`.
pub fn subject(p: &Proposal) -> String {
    match (&p.credential, &p.provider, &p.pathway, &p.guardrail) {
        (Some(CredentialRef::Catalogue(id)), ..) => clean(id),
        (Some(CredentialRef::Unrecognised { title, issuer }), ..) => match issuer {
            Some(i) => format!("\"{}\" ({})", clean(title), clean(i)),
            None => format!("\"{}\" (no issuer)", clean(title)),
        },
        (None, Some(pr), ..) => format!("provider {}", clean(pr)),
        (None, None, Some(l), _) => {
            format!("{} line {}: {}", clean(&l.skill), l.line, clean(&l.text))
        }
        (None, None, None, Some(g)) => format!("guardrail {}", clean(g)),
        _ => String::new(),
    }
}

/// A proposal's figures on one line.
pub fn figures_line(p: &Proposal) -> String {
    named_line(&p.figures)
}

/// A cohort's name for people: `credential stat_cert`, `line analysis#1`, `"Title" (issuer)`.
pub fn cohort_name(c: &crate::review::CohortReview) -> String {
    use crate::measure::CohortKind;
    match c.kind {
        CohortKind::All | CohortKind::Credentialed | CohortKind::Other => clean(&c.id),
        CohortKind::Credential => format!("credential {}", clean(&c.id)),
        CohortKind::Line => format!("line {} ({})", clean(&c.id), clean(&c.label)),
        CohortKind::Unrecognised => format!(
            "unrecognised \"{}\" ({})",
            clean(&c.id),
            c.issuer.as_deref().map_or("no issuer".into(), clean)
        ),
    }
}

/// The whole review as text.
pub fn report(r: &Review) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "credo review · {} ({} – {}) · {} {} ({}) · as of {}",
        r.quarter,
        r.from,
        r.to,
        clean(&r.policy.name),
        clean(&r.policy.version),
        r.policy.hash,
        r.as_of
    );
    match &r.previous {
        Some(p) => {
            let _ = writeln!(
                s,
                "changes in brackets are since the review of {} (policy version {})",
                p.quarter,
                clean(&p.policy_version)
            );
        }
        None => s.push_str("no previous review given: no changes shown\n"),
    }
    s.push('\n');
    for c in &r.caveats {
        let _ = writeln!(s, "  * {c}");
    }
    let t = &r.totals;
    let _ = writeln!(
        s,
        "\napplicant records {} · decisions {} · record errors {} · hires to date {} · hired in {} {}",
        fig(&t.records, Style::Count),
        fig(&t.decisions, Style::Count),
        fig(&t.record_errors, Style::Count),
        fig(&t.hires, Style::Count),
        r.quarter,
        fig(&t.hires_in_quarter, Style::Count),
    );
    let _ = writeln!(
        s,
        "\nPROPOSALS ({}) — advice for the council, not applied",
        r.proposals.len()
    );
    if r.proposals.is_empty() {
        s.push_str("  (none)\n");
    }
    for p in &r.proposals {
        let _ = writeln!(
            s,
            "  [ ] {:<15} {}{}",
            p.action.as_str(),
            p.role
                .as_deref()
                .map(|x| format!("{}: ", clean(x)))
                .unwrap_or_default(),
            subject(p)
        );
        let _ = writeln!(s, "      {}", clean(&p.reason));
        let figures: Vec<String> = (p.figures.0.iter())
            .map(|(name, f)| format!("{} {}", name.replace('_', " "), fig(f, style_of(name))))
            .collect();
        for line in figures.chunks(4) {
            let _ = writeln!(s, "      {}", line.join(" · "));
        }
    }
    for role in &r.roles {
        role_text(&mut s, role, r);
    }
    let _ = writeln!(
        s,
        "\nCATALOGUE\n  {:<24} {:>12} {:>12}  holders' expiry by quarter",
        "credential", "held", "carried"
    );
    for c in &r.catalogue {
        let expiry: Vec<String> = c.expiry.iter().map(|(q, n)| format!("{q} {n}")).collect();
        let _ = writeln!(
            s,
            "  {:<24} {:>12} {:>12}  {}{}",
            clean(&c.credential),
            fig(&c.held, Style::Count),
            fig(&c.carried, Style::Count),
            if expiry.is_empty() {
                "–".into()
            } else {
                expiry.join(", ")
            },
            c.retired
                .map(|d| format!(" · retired from {d}"))
                .unwrap_or_default()
        );
    }
    if !r.record_errors.is_empty() {
        let _ = writeln!(s, "\nRECORD ERRORS ({})", r.record_errors.len());
        for e in &r.record_errors {
            let _ = writeln!(
                s,
                "  {}:{} {}: {}",
                clean(&e.file),
                e.line,
                e.record
                    .as_deref()
                    .map(clean)
                    .unwrap_or_else(|| "(no id)".into()),
                clean(&e.error)
            );
        }
    }
    if !r.notes.is_empty() {
        s.push_str("\nNOTES\n");
        for n in &r.notes {
            let _ = writeln!(s, "  - {}", clean(n));
        }
    }
    s
}

fn role_text(s: &mut String, role: &RoleReview, r: &Review) {
    let _ = writeln!(s, "\nROLE {} — {}", clean(&role.role), clean(&role.title));
    let fu = &role.funnel;
    let _ = writeln!(s, "  funnel");
    let _ = writeln!(
        s,
        "    applicants        {}",
        fig(&fu.applicants, Style::Count)
    );
    for (o, f) in fu.outcomes.iter().rev() {
        let _ = writeln!(s, "    {:<17} {}", o.as_str(), fig(f, Style::Count));
    }
    let _ = writeln!(s, "    hires to date     {}", fig(&fu.hires, Style::Count));
    let _ = writeln!(
        s,
        "    hired in {}    {}",
        r.quarter,
        fig(&fu.hires_in_quarter, Style::Count)
    );
    let _ = writeln!(
        s,
        "    placement         {}  (advanced applicants hired)",
        fig(&fu.placement, Style::Pct)
    );
    let _ = writeln!(s, "  audit flags (§9)");
    if role.flags.is_empty() {
        s.push_str("    none\n");
    }
    for fl in &role.flags {
        let _ = writeln!(
            s,
            "    {} = {}: impact ratio {} · rate {} vs {} {} · Fisher p {} · shortfall {}",
            clean(&fl.attributes.join(" × ")),
            clean(&fl.category),
            fig(&fl.impact_ratio, Style::Ratio),
            fig(
                &Figure {
                    n: None,
                    ..fl.rate.clone()
                },
                Style::Pct
            ),
            clean(&fl.reference),
            value(fl.reference_rate.map(|n| n.0), Style::Pct),
            value(fl.fisher_p.map(|n| n.0), Style::P),
            fig(
                &Figure {
                    n: None,
                    ..fl.shortfall.clone()
                },
                Style::Ratio
            ),
        );
    }
    match &role.outcomes {
        None => s.push_str("  outcomes: none measured\n"),
        Some(o) => {
            let _ = writeln!(
                s,
                "  outcomes of hires measured {} — per cohort; p-values compare a cohort with the role's other hires",
                fig(&o.hires, Style::Count)
            );
            for c in &o.cohorts {
                let cells: Vec<String> = (COLUMNS.iter())
                    .filter_map(|(label, key)| {
                        c.figures
                            .get(key)
                            .map(|f| format!("{label} {}", fig(f, style_of(key))))
                    })
                    .collect();
                let _ = writeln!(s, "    {}", cohort_name(c));
                for line in cells.chunks(4) {
                    let _ = writeln!(s, "      {}", line.join(" · "));
                }
            }
        }
    }
    if !role.unrecognised.is_empty() {
        let _ = writeln!(s, "  unrecognised credentials applicants brought");
        for u in role.unrecognised.iter().take(10) {
            let _ = writeln!(
                s,
                "    {:<40} {} · {}",
                format!(
                    "\"{}\" ({})",
                    clean(&u.title),
                    u.issuer
                        .as_deref()
                        .map(clean)
                        .unwrap_or_else(|| "no issuer".into())
                ),
                fig(&u.applicants, Style::Count),
                fig(&u.share, Style::Pct)
            );
        }
        if role.unrecognised.len() > 10 {
            let _ = writeln!(
                s,
                "    … and {} more (see --format json)",
                role.unrecognised.len() - 10
            );
        }
    }
}

#[cfg(test)]
mod tests {
    /// What the review prints of a record escapes bidi overrides as well as control
    /// characters (a title reversed by U+202E would read as something else in a terminal).
    #[test]
    fn clean_escapes_control_and_bidi_characters() {
        assert_eq!(
            super::clean("Cert\u{202e}fed\u{1b}[2J\n"),
            "Cert\\u{202e}fed\\u{1b}[2J\\n"
        );
        assert_eq!(super::clean("CompTIA Security+"), "CompTIA Security+");
    }
}
