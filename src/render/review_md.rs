//! A governance review as Markdown for the council's minutes: headings, tables, and the
//! proposals as a checklist. User text has control characters escaped and Markdown's special
//! characters backslash-escaped, so an id or title cannot break a table or inject markup.

use super::review::{
    clean, cohort_name, fig, figures_line, style_of, subject, value, Style, COLUMNS,
};
use crate::review::{Review, RoleReview};
use std::fmt::Write;

/// Text safe in Markdown prose and table cells.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The whole review.
pub fn report(r: &Review) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Governance review {} — {} {}\n",
        r.quarter,
        md(&r.policy.name),
        md(&r.policy.version)
    );
    let _ = writeln!(
        s,
        "Quarter {} – {} · applicants decided and outcomes censored as of {} · policy hash {}",
        r.from,
        r.to,
        r.as_of,
        md(&r.policy.hash)
    );
    match &r.previous {
        Some(p) => {
            let _ = writeln!(
                s,
                "· changes in brackets are since the review of {} (policy version {}).\n",
                p.quarter,
                md(&p.policy_version)
            );
        }
        None => s.push_str("· no previous review given: no changes shown.\n\n"),
    }
    s.push_str("**How to read this review**\n\n");
    for c in &r.caveats {
        let _ = writeln!(s, "- {c}");
    }
    let t = &r.totals;
    s.push_str("\n## Summary\n\n| | |\n|---|---:|\n");
    for (name, f) in [
        ("applicant records", &t.records),
        ("decisions", &t.decisions),
        ("applicant record errors", &t.record_errors),
        ("hires to date", &t.hires),
        ("hired in the quarter", &t.hires_in_quarter),
        ("outcome record errors", &t.outcome_errors),
    ] {
        let _ = writeln!(s, "| {name} | {} |", fig(f, Style::Count));
    }
    let _ = writeln!(
        s,
        "\n## Proposals ({})\n\nAdvice for the council to decide on; credo never applies them.\n",
        r.proposals.len()
    );
    if r.proposals.is_empty() {
        s.push_str("None this quarter.\n");
    }
    for p in &r.proposals {
        let role = p
            .role
            .as_deref()
            .map(|x| format!("{} · ", md(x)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "- [ ] **{}** {role}{} — {}  \n  {}",
            md(p.action.as_str()),
            md(&subject(p)),
            md(&p.reason),
            md(&figures_line(p))
        );
    }
    for role in &r.roles {
        role_md(&mut s, role, r);
    }
    s.push_str("\n## Catalogue\n\n| credential | title | held | carried | holders' expiry by quarter | retired from |\n|---|---|---:|---:|---|---|\n");
    for c in &r.catalogue {
        let expiry: Vec<String> = c.expiry.iter().map(|(q, n)| format!("{q}: {n}")).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&c.credential),
            md(&c.title),
            fig(&c.held, Style::Count),
            fig(&c.carried, Style::Count),
            if expiry.is_empty() {
                "–".into()
            } else {
                expiry.join(", ")
            },
            c.retired.map_or("–".into(), |d| d.to_string())
        );
    }
    for (title, errors) in [
        ("Applicant record errors", &r.record_errors),
        ("Outcome record errors", &r.outcome_errors),
    ] {
        if errors.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n## {title} ({})\n\n| file | line | record | error |\n|---|---:|---|---|",
            errors.len()
        );
        for e in errors {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&e.file),
                e.line,
                e.record.as_deref().map_or("–".into(), md),
                md(&e.error)
            );
        }
    }
    if !r.notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in &r.notes {
            let _ = writeln!(s, "- {}", md(n));
        }
    }
    s
}

fn role_md(s: &mut String, role: &RoleReview, r: &Review) {
    let _ = writeln!(s, "\n## Role {} — {}\n", md(&role.role), md(&role.title));
    let fu = &role.funnel;
    s.push_str("### Funnel\n\n| stage | figure |\n|---|---:|\n");
    let _ = writeln!(s, "| applicants | {} |", fig(&fu.applicants, Style::Count));
    for (o, f) in fu.outcomes.iter().rev() {
        let _ = writeln!(s, "| {} | {} |", o.as_str(), fig(f, Style::Count));
    }
    let _ = writeln!(s, "| hires to date | {} |", fig(&fu.hires, Style::Count));
    let _ = writeln!(
        s,
        "| hired in {} | {} |",
        r.quarter,
        fig(&fu.hires_in_quarter, Style::Count)
    );
    let _ = writeln!(
        s,
        "| placement (advanced applicants hired) | {} |",
        fig(&fu.placement, Style::Pct)
    );
    s.push_str("\n### Audit flags\n\n");
    if role.flags.is_empty() {
        s.push_str("No category below the impact-ratio threshold.\n");
    } else {
        s.push_str("| attribute | category | impact ratio | selection rate | reference | reference rate | Fisher p | shortfall |\n|---|---|---:|---:|---|---:|---:|---:|\n");
        for fl in &role.flags {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&fl.attributes.join(" × ")),
                md(&fl.category),
                fig(&fl.impact_ratio, Style::Ratio),
                fig(&fl.rate, Style::Pct),
                md(&fl.reference),
                value(fl.reference_rate.map(|n| n.0), Style::Pct),
                value(fl.fisher_p.map(|n| n.0), Style::P),
                fig(&fl.shortfall, Style::Ratio)
            );
        }
    }
    match &role.outcomes {
        None => s.push_str("\n### Outcomes\n\nNo hires measured.\n"),
        Some(o) => {
            let _ = writeln!(
                s,
                "\n### Outcomes of hires measured ({})\n\np-values compare a cohort with the role's other hires (log-rank, Holm-adjusted).\n",
                fig(&o.hires, Style::Count)
            );
            s.push_str("| cohort |");
            for (name, _) in COLUMNS {
                let _ = write!(s, " {name} |");
            }
            s.push_str("\n|---|");
            s.push_str(&"---:|".repeat(COLUMNS.len()));
            s.push('\n');
            for c in &o.cohorts {
                let _ = write!(s, "| {} |", md(&cohort_name(c)));
                for (_, key) in COLUMNS {
                    let cell = c
                        .figures
                        .get(key)
                        .map_or("–".into(), |f| fig(f, style_of(key)));
                    let _ = write!(s, " {} |", md(&cell));
                }
                s.push('\n');
            }
        }
    }
    if !role.unrecognised.is_empty() {
        s.push_str("\n### Unrecognised credentials applicants brought\n\n| title | issuer | applicants | share of applicants |\n|---|---|---:|---:|\n");
        for u in &role.unrecognised {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&u.title),
                u.issuer.as_deref().map_or("–".into(), md),
                fig(&u.applicants, Style::Count),
                fig(&u.share, Style::Pct)
            );
        }
    }
}
