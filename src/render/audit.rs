//! An audit report as text for a compliance reviewer: settings, flags first, then one table per
//! role and attribute, catalogue usage, record errors and notes. Floats have fixed precision.

use crate::audit::{Category, Flag, Grouping, Report, RoleAudit, Status};
use crate::report_line;
use crate::visible::Lines;
use std::fmt::Write;

/// The whole report.
pub fn report(r: &Report) -> String {
    let mut s = Lines::new();
    report_line!(
        s,
        "credo audit · {} {} ({}) · as of {}",
        r.policy.name,
        r.policy.version,
        r.policy.hash,
        r.as_of
    );
    let st = &r.settings;
    let selected: Vec<&str> = st.selected.iter().map(|o| o.as_str()).collect();
    report_line!(
        s,
        "  threshold   {:.2} ({})",
        st.threshold,
        if st.from_policy {
            "the policy's adverse_impact"
        } else {
            "default: the policy has no adverse_impact"
        }
    );
    report_line!(s, "  selected    {}", selected.join(", "));
    report_line!(
        s,
        "  attributes  {}{}",
        if st.attributes.is_empty() {
            "(none)".to_owned()
        } else {
            st.attributes.join(", ")
        },
        st.intersection
            .as_ref()
            .map(|[a, b]| format!(" · intersection {a} × {b}"))
            .unwrap_or_default()
    );
    report_line!(
        s,
        "  excluded    categories under {}% of a role's decisions are listed, not compared",
        fmt_fixed(st.min_share * 100.0, 0)
    );
    let t = &r.totals;
    report_line!(
        s,
        "  records     {} read · {} decision{} · {} record error{}",
        t.records,
        t.decisions,
        plural(t.decisions),
        t.errors,
        plural(t.errors)
    );

    s.end();
    report_line!(
        s,
        "flags: {} categor{} below {:.2} (smallest Fisher p first)",
        r.flags.len(),
        if r.flags.len() == 1 { "y" } else { "ies" },
        st.threshold
    );
    let few = r.flags.iter().filter(|f| f.insufficient_data).count();
    if few > 0 {
        report_line!(
            s,
            "  {few} of them on insufficient data, marked ? (fewer than {} expected selections at the reference rate, or Fisher p >= {})",
            crate::audit::MIN_EXPECTED_SELECTIONS,
            crate::audit::MAX_FISHER_P
        );
    }
    for f in &r.flags {
        let mark = if f.insufficient_data { '?' } else { '!' };
        report_line!(s, "  {mark} {}", flag_line(f));
    }

    for role in &r.roles {
        role_section(&mut s, role);
    }
    usage_section(&mut s, r);
    if !r.record_errors.is_empty() {
        s.end();
        report_line!(s, "record errors ({})", r.record_errors.len());
        for line in r.record_errors.iter().flat_map(super::text::error_lines) {
            report_line!(s, "  {line}");
        }
    }
    if !r.notes.is_empty() {
        s.end();
        report_line!(s, "notes");
        for n in &r.notes {
            report_line!(s, "  - {n}");
        }
    }
    s.into_string()
}

/// `soc_analyst · sex · female: impact ratio 0.512 (26.3% vs 51.4% for male), Fisher p 0.0012`
fn flag_line(f: &Flag) -> String {
    format!(
        "{} · {} · {}: impact ratio {} ({} vs {} for {}), Fisher p {}",
        f.role,
        f.attributes.join(" × "),
        f.category,
        opt(f.impact_ratio, |v| fmt_fixed(v, 3)),
        opt(f.rate, pct),
        opt(f.reference_rate, pct),
        f.reference,
        opt(f.fisher_p, fmt_p)
    ) + if f.insufficient_data {
        " (insufficient data)"
    } else {
        ""
    }
}

/// A role's outcomes with their counts, best first: `advance 12, review 3, decline 1`.
pub(super) fn outcome_counts(role: &RoleAudit) -> String {
    let counts: Vec<String> = (role.outcomes.iter().rev())
        .map(|(o, n)| format!("{} {n}", o.as_str()))
        .collect();
    counts.join(", ")
}

fn role_section(s: &mut Lines, role: &RoleAudit) {
    s.end();
    report_line!(s, "── role {} \"{}\" ──", role.role, role.title);
    if role.decisions == 0 {
        report_line!(s, "  no decisions");
        return;
    }
    let outcomes = outcome_counts(role);
    report_line!(
        s,
        "  {} decision{} · {} selected ({}) · {} · median coverage {}",
        role.decisions,
        plural(role.decisions),
        role.selected,
        opt(role.rate, pct),
        outcomes,
        opt(role.median_coverage, pct)
    );
    for g in &role.groupings {
        table(s, g);
    }
}

const HEADERS: [&str; 10] = [
    "n",
    "selected",
    "rate",
    "ratio",
    "z",
    "fisher p",
    "shortfall",
    "scoring",
    "s.ratio",
    "",
];

fn table(s: &mut Lines, g: &Grouping) {
    let label = |c: &Category| match c.status {
        Status::Reference => format!("{} (reference)", c.category),
        Status::Excluded => format!("{} (excluded)", c.category),
        Status::Compared | Status::Unknown => c.category.clone(),
    };
    let title = g.attributes.join(" × ");
    let width = g
        .categories
        .iter()
        .map(|c| label(c).chars().count())
        .chain([title.chars().count()])
        .max()
        .unwrap_or(0);
    s.end();
    let _ = write!(s, "  {title:<width$}");
    for (h, w) in HEADERS.iter().zip(WIDTHS) {
        let _ = write!(s, " {h:>w$}");
    }
    s.trim_end();
    s.end();
    for c in &g.categories {
        let cells = [
            c.n.to_string(),
            c.selected.to_string(),
            opt(c.rate, pct),
            opt(c.impact_ratio, |v| fmt_fixed(v, 3)),
            opt(c.z, |v| fmt_fixed(v, 2)),
            opt(c.fisher_p, fmt_p),
            opt(c.shortfall, |v| fmt_fixed(v, 1)),
            opt(c.scoring.rate, pct),
            opt(c.scoring.ratio, |v| fmt_fixed(v, 3)),
            if c.insufficient_data {
                "? few data".into()
            } else if c.flagged {
                "! below".into()
            } else {
                String::new()
            },
        ];
        let _ = write!(s, "  {:<width$}", label(c));
        for (cell, w) in cells.iter().zip(WIDTHS) {
            let _ = write!(s, " {cell:>w$}");
        }
        s.trim_end();
        s.end();
    }
}

const WIDTHS: [usize; 10] = [6, 8, 7, 6, 7, 9, 9, 7, 7, 7];

fn usage_section(s: &mut Lines, r: &Report) {
    let u = &r.usage;
    s.end();
    report_line!(s, "── catalogue usage ──");
    let width = u
        .credentials
        .iter()
        .map(|c| c.credential.chars().count())
        .chain(["credential".len()])
        .max()
        .unwrap_or(0);
    report_line!(
        s,
        "  {:<width$}  {:>6}  {:>7}",
        "credential",
        "held",
        "carried"
    );
    for c in &u.credentials {
        report_line!(
            s,
            "  {:<width$}  {:>6}  {:>7}",
            c.credential,
            c.held,
            c.carried
        );
    }
    if u.unused.is_empty() {
        report_line!(s, "  every catalogue credential carried a decision");
    } else {
        report_line!(s, "  carried no decision: {}", u.unused.join(", "));
    }
    s.end();
    report_line!(s, "  accept lines (decisions each line met the skill in)");
    let names: Vec<String> = u
        .lines
        .iter()
        .map(|l| format!("{} · {} #{}", l.role, l.skill, l.line))
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for (l, name) in u.lines.iter().zip(&names) {
        report_line!(
            s,
            "  {name:<width$}  {:>6}  {}   {}",
            l.carried,
            l.text,
            l.at
        );
    }
    s.end();
    report_line!(s, "  unrecognised credentials (records that brought them)");
    if u.unrecognised.is_empty() {
        report_line!(s, "  none");
    }
    for c in &u.unrecognised {
        let from = c
            .issuer
            .as_ref()
            .map(|i| format!(" from {i}"))
            .unwrap_or_default();
        report_line!(s, "  {:>6}  \"{}\"{from}", c.records, c.title);
    }
    s.end();
    report_line!(
        s,
        "  failed credential proofs per provider (possible forgeries)"
    );
    if u.failed_proofs.is_empty() {
        report_line!(s, "  none");
    }
    for f in &u.failed_proofs {
        report_line!(s, "  {:>6}  {}", f.failed, f.provider);
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

/// A percentage with one decimal (`26.3%`).
pub fn pct(v: f64) -> String {
    format!("{}%", fmt_fixed(v * 100.0, 1))
}

/// Fixed precision without a negative zero (`-0.0` prints as `0.0`); from 10^15 on, in
/// scientific notation (`1.000e308`), so a huge input cannot stretch a table by 300 digits.
pub fn fmt_fixed(v: f64, decimals: usize) -> String {
    if v.abs() >= 1e15 && v.is_finite() {
        return format!("{v:.3e}");
    }
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_owned()
    } else {
        s
    }
}

/// A p-value with 4 decimals, `<0.0001` below that.
pub fn fmt_p(p: f64) -> String {
    if p < 0.0001 {
        "<0.0001".into()
    } else {
        fmt_fixed(p, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_numbers_stay_short_however_large() {
        assert_eq!(fmt_fixed(2288.0, 0), "2288");
        assert_eq!(fmt_fixed(-0.04, 1), "0.0");
        assert_eq!(fmt_fixed(1e308, 0), "1.000e308");
        assert_eq!(fmt_fixed(-5e19, 1), "-5.000e19");
        assert_eq!(fmt_fixed(999_999_999_999_999.0, 0).len(), 15);
    }
}
