//! A governance review as one self-contained HTML page: inline CSS, inline SVG (funnel bars
//! and Kaplan–Meier step curves), no scripts and nothing remote (a Content-Security-Policy
//! forbids both). Every value from the policy, the records or the outcomes is escaped.

use super::html::esc;
use super::review::{
    clean, cohort_name, fig, figures_line, style_of, subject, value, Style, COLUMNS,
};
use crate::review::{CohortReview, Figure, Review, RoleReview};
use std::fmt::Write;

const STYLE: &str = r#"
:root { --ink:#1d2330; --muted:#5f6b7a; --line:#d8dde3; --bar:#4a7fb5; --hire:#2e7d4f;
        --flag:#b3261e; --flagbg:#fdecea; --paper:#fff; --band:#f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--band); color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
header, section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
                  padding: 16px 20px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.sub { color: var(--muted); margin: 0 0 10px; }
.caveat { border-left: 4px solid var(--bar); padding: 6px 12px; background: var(--band); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; }
th { background: var(--band); font-size: 12.5px; }
td { white-space: nowrap; }
th:first-child, td:first-child, td.text { text-align: left; white-space: normal; }
.scroll { overflow-x: auto; }
tr.flagged td { background: var(--flagbg); color: var(--flag); }
ul.check { list-style: none; padding-left: 4px; }
ul.check li { margin: 8px 0; }
ul.check li::before { content: "☐ "; font-size: 16px; }
.action { font-weight: 700; } .figs { color: var(--muted); font-size: 12.5px; display: block; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg { max-width: 100%; height: auto; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px; }
"#;

fn t(text: &str) -> String {
    esc(&clean(text))
}

/// The whole page.
pub fn report(r: &Review) -> String {
    let mut s = String::new();
    let title = format!(
        "Governance review {} · {} {}",
        r.quarter, r.policy.name, r.policy.version
    );
    super::html::page_head(&mut s, &clean(&title), STYLE);
    let _ = write!(
        s,
        "<header><h1>{}</h1><p class=\"sub\">quarter {} – {} · decided and censored as of {} · policy hash {}",
        t(&title),
        r.from,
        r.to,
        r.as_of,
        t(&r.policy.hash)
    );
    match &r.previous {
        Some(p) => {
            let _ = write!(
                s,
                " · changes in brackets since the review of {} (policy version {})",
                p.quarter,
                t(&p.policy_version)
            );
        }
        None => s.push_str(" · no previous review: no changes shown"),
    }
    s.push_str("</p><div class=\"caveat\"><ul>");
    for c in &r.caveats {
        let _ = write!(s, "<li>{}</li>", esc(c));
    }
    s.push_str("</ul></div>");
    let tt = &r.totals;
    let _ = writeln!(
        s,
        "<p>applicant records {} · decisions {} · record errors {} · hires to date {} · hired in the quarter {} · outcome record errors {}</p></header>",
        t(&fig(&tt.records, Style::Count)),
        t(&fig(&tt.decisions, Style::Count)),
        t(&fig(&tt.record_errors, Style::Count)),
        t(&fig(&tt.hires, Style::Count)),
        t(&fig(&tt.hires_in_quarter, Style::Count)),
        t(&fig(&tt.outcome_errors, Style::Count)),
    );
    let _ = write!(
        s,
        "<section id=\"proposals\"><h2>Proposals ({})</h2><p class=\"sub\">Advice for the council to decide on; credo never applies them.</p><ul class=\"check\">",
        r.proposals.len()
    );
    for p in &r.proposals {
        let _ = write!(
            s,
            "<li><span class=\"action\">{}</span> {}{} — {}<span class=\"figs\">{}</span></li>",
            esc(p.action.as_str()),
            p.role
                .as_deref()
                .map(|x| format!("{} · ", t(x)))
                .unwrap_or_default(),
            t(&subject(p)),
            t(&p.reason),
            t(&figures_line(p))
        );
    }
    if r.proposals.is_empty() {
        s.push_str("<li>none this quarter</li>");
    }
    s.push_str("</ul></section>\n");
    for role in &r.roles {
        role_section(&mut s, role);
    }
    s.push_str("<section id=\"catalogue\"><h2>Catalogue</h2><table><tr><th>credential</th><th>held</th><th>carried</th><th>holders' expiry by quarter</th><th>retired from</th></tr>");
    for c in &r.catalogue {
        let expiry: Vec<String> = c.expiry.iter().map(|(q, n)| format!("{q}: {n}")).collect();
        let _ = write!(
            s,
            "<tr><td>{} <small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            t(&c.credential),
            t(&c.title),
            t(&fig(&c.held, Style::Count)),
            t(&fig(&c.carried, Style::Count)),
            t(&expiry.join(", ")),
            c.retired.map_or("–".into(), |d| d.to_string())
        );
    }
    s.push_str("</table></section>\n");
    let errors: Vec<_> = r.record_errors.iter().chain(&r.outcome_errors).collect();
    if !errors.is_empty() || !r.notes.is_empty() {
        s.push_str("<section id=\"errors\"><h2>Record errors and notes</h2>");
        if !errors.is_empty() {
            s.push_str("<table><tr><th>where</th><th>record</th><th>error</th></tr>");
            for e in errors {
                let _ = write!(
                    s,
                    "<tr class=\"flagged\"><td>{}:{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
                    t(&e.file),
                    e.line,
                    t(e.record.as_deref().unwrap_or("(no id)")),
                    t(&e.error)
                );
            }
            s.push_str("</table>");
        }
        s.push_str("<ul>");
        for n in &r.notes {
            let _ = write!(s, "<li>{}</li>", t(n));
        }
        s.push_str("</ul></section>\n");
    }
    let _ = write!(
        s,
        "<footer>credo {} · self-contained page: no scripts, no external resources</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn role_section(s: &mut String, role: &RoleReview) {
    let _ = write!(
        s,
        "<section id=\"role-{}\"><h2>{} <small>{}</small></h2><h3>Funnel</h3>",
        t(&role.role),
        t(&role.title),
        t(&role.role)
    );
    let fu = &role.funnel;
    let mut bars: Vec<(String, &Figure, bool)> = vec![("applicants".into(), &fu.applicants, false)];
    for (o, f) in fu.outcomes.iter().rev() {
        bars.push((o.as_str().into(), f, false));
    }
    bars.push(("hires to date".into(), &fu.hires, true));
    bars.push(("hired in the quarter".into(), &fu.hires_in_quarter, true));
    funnel_svg(s, &bars);
    let _ = write!(
        s,
        "<p>placement (advanced applicants hired): {}</p>",
        t(&fig(&fu.placement, Style::Pct))
    );
    s.push_str("<h3>Audit flags</h3>");
    if role.flags.is_empty() {
        s.push_str("<p>No category below the impact-ratio threshold.</p>");
    } else {
        s.push_str("<table><tr><th>attribute</th><th>category</th><th>impact ratio</th><th>rate</th><th>reference</th><th>Fisher p</th><th>shortfall</th></tr>");
        for fl in &role.flags {
            let _ = write!(
                s,
                "<tr class=\"flagged\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
                t(&fl.attributes.join(" × ")),
                t(&fl.category),
                t(&fig(&fl.impact_ratio, Style::Ratio)),
                t(&fig(&fl.rate, Style::Pct)),
                t(&fl.reference),
                value(fl.reference_rate.map(|n| n.0), Style::Pct),
                t(&value(fl.fisher_p.map(|n| n.0), Style::P)),
                t(&fig(&fl.shortfall, Style::Ratio))
            );
        }
        s.push_str("</table>");
    }
    match &role.outcomes {
        None => s.push_str("<h3>Outcomes</h3><p>No hires measured.</p>"),
        Some(o) => {
            let _ = write!(
                s,
                "<h3>Outcomes of hires measured ({})</h3><div class=\"charts\">",
                t(&fig(&o.hires, Style::Count))
            );
            let shown: Vec<&CohortReview> = (o.cohorts.iter())
                .filter(|c| {
                    use crate::measure::CohortKind::*;
                    matches!(c.kind, All | Credentialed | Other)
                })
                .collect();
            km_svg(s, "Share productive, Kaplan–Meier", &shown, 0);
            km_svg(s, "Share still employed, Kaplan–Meier", &shown, 1);
            s.push_str("</div><p class=\"sub\">p-values compare a cohort with the role's other hires (log-rank, Holm-adjusted).</p><div class=\"scroll\"><table><tr><th>cohort</th>");
            for (name, _) in COLUMNS {
                let _ = write!(s, "<th>{name}</th>");
            }
            s.push_str("</tr>");
            for c in &o.cohorts {
                let _ = write!(s, "<tr><td>{}</td>", t(&cohort_name(c)));
                for (_, key) in COLUMNS {
                    let cell = c
                        .figures
                        .get(key)
                        .map_or("–".into(), |f| fig(f, style_of(key)));
                    let _ = write!(s, "<td>{}</td>", t(&cell));
                }
                s.push_str("</tr>");
            }
            s.push_str("</table></div>");
        }
    }
    if !role.unrecognised.is_empty() {
        s.push_str("<h3>Unrecognised credentials applicants brought</h3><table><tr><th>title</th><th>issuer</th><th>applicants</th><th>share</th></tr>");
        for u in &role.unrecognised {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
                t(&u.title),
                t(u.issuer.as_deref().unwrap_or("–")),
                t(&fig(&u.applicants, Style::Count)),
                t(&fig(&u.share, Style::Pct))
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</section>\n");
}

/// Horizontal bars, one per funnel stage, scaled to the largest.
fn funnel_svg(s: &mut String, bars: &[(String, &Figure, bool)]) {
    let (w, row, label) = (640.0, 24.0, 150.0);
    let max = (bars.iter())
        .filter_map(|(_, f, _)| f.value)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let h = row * bars.len() as f64 + 8.0;
    let _ = write!(
        s,
        "<svg role=\"img\" aria-label=\"funnel\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">"
    );
    for (i, (name, f, hire)) in bars.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let v = f.value.unwrap_or(0.0);
        let bw = (w - label - 130.0) * v / max;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"12\">{}</text><rect x=\"{label}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y + 15.0,
            esc(name),
            row - 6.0,
            if *hire { "#2e7d4f" } else { "#4a7fb5" },
            label + bw + 6.0,
            y + 15.0,
            t(&fig(f, Style::Count))
        );
    }
    s.push_str("</svg>");
}

const COLOURS: [&str; 3] = ["#1d2330", "#2e7d4f", "#b3261e"];

/// Kaplan–Meier step curves of some cohorts (curve `which`: 0 productive, 1 employed), with
/// axes and a legend.
fn km_svg(s: &mut String, title: &str, cohorts: &[&CohortReview], which: usize) {
    let (w, h, left, bottom, top) = (460.0, 250.0, 44.0, 30.0, 24.0);
    let legend = 16.0 * cohorts.len() as f64;
    let (pw, ph) = (w - left - 12.0, h - bottom - top - legend);
    let tmax = (cohorts.iter())
        .filter_map(|c| c.curves[which].last().map(|(d, _)| *d))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let x = |d: f64| left + pw * d / tmax;
    let y = |v: f64| top + ph * (1.0 - v);
    let _ = write!(
        s,
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><text x=\"{left}\" y=\"14\" font-size=\"12\" font-weight=\"600\">{}</text>",
        esc(title),
        esc(title)
    );
    for g in [0.0, 0.5, 1.0] {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d8dde3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{:.0}%</text>",
            left + pw,
            y(g),
            y(g),
            left - 4.0,
            y(g) + 4.0,
            g * 100.0
        );
    }
    let base = top + ph + 14.0;
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{base:.1}\" font-size=\"11\">day 0</text><text x=\"{:.1}\" y=\"{base:.1}\" font-size=\"11\" text-anchor=\"end\">day {tmax:.0}</text>",
        left + pw
    );
    for (i, c) in cohorts.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let start = if which == 0 { 0.0 } else { 1.0 };
        let mut path = format!("M{:.1},{:.1}", x(0.0), y(start));
        for (d, v) in &c.curves[which] {
            let _ = write!(path, " H{:.1} V{:.1}", x(f64::from(*d)), y(*v));
        }
        if !c.curves[which].is_empty() {
            let _ = write!(path, " H{:.1}", x(tmax));
            let _ = write!(
                s,
                "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>"
            );
        }
        let ly = base + 16.0 * (i as f64 + 1.0);
        let n = c.figures.get("hires").and_then(|f| f.value).unwrap_or(0.0);
        let _ = write!(
            s,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"14\" height=\"4\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"11\">{} (n {n:.0})</text>",
            ly - 4.0,
            left + 20.0,
            t(&cohort_name(c))
        );
    }
    s.push_str("</svg>");
}
