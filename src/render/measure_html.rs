//! An outcome report as one self-contained HTML page: inline CSS, inline SVG (Kaplan–Meier
//! step curves with censoring ticks, cohort bars), no scripts and no external resources (a
//! Content-Security-Policy forbids both). Every value from the policy or the records is
//! escaped.

use super::audit::{fmt_fixed, fmt_p, pct};
use super::html::esc;
use crate::measure::{Cohort, CohortKind, Report, RoleMeasure, Survival, Tested};
use std::fmt::Write;

const STYLE: &str = r#"
:root { --ink:#1d2330; --muted:#5f6b7a; --line:#d8dde3; --paper:#ffffff; --band:#f4f6f8;
        --all:#6b7480; --cred:#1f5fa8; --other:#c0641a; --warn:#8a5a00; --warnbg:#fff6e0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--band); color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
header, section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
                  padding: 16px 20px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.caveat { border-left: 4px solid var(--warn); background: var(--warnbg); padding: 8px 12px;
          color: var(--warn); margin: 10px 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; }
th, td { padding: 3px 7px; border-bottom: 1px solid var(--line); text-align: right;
         white-space: nowrap; font-size: 13px; }
th { background: var(--band); font-weight: 600; font-size: 12px; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
tr.sig td { font-weight: 600; }
td.few { color: var(--muted); font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 11px; fill: var(--ink); }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.scroll { overflow-x: auto; }
ul.plain { margin: 4px 0; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px; }
"#;

/// The whole page.
pub fn report(r: &Report) -> String {
    let mut s = String::new();
    let title = format!(
        "Outcome measures · {} {} · as of {}",
        r.policy.name, r.policy.version, r.as_of
    );
    super::html::page_head(&mut s, &title, STYLE);
    let t = &r.totals;
    let _ = writeln!(
        s,
        "<header><h1>Outcome measures</h1><p class=\"sub\">{} · version {} · as of {}</p>\
         <dl class=\"meta\"><dt>policy</dt><dd>{} <code>{}</code></dd>\
         <dt>records</dt><dd>{} candidate records; {} decisions as of {} (placement)</dd>\
         <dt>outcomes</dt><dd>{} outcome rows; {} hires measured; {} record errors</dd>{}</dl>\
         <p class=\"caveat\">{}</p>\
         <p class=\"sub\">Kaplan–Meier estimates with n, events and censored beside each; 95% intervals \
         by the log-log transform of Greenwood's variance; log-rank and Welch tests of each cohort \
         against the role's other hires; Holm-adjusted over the role's credential and accept-line \
         cohorts; no test when the cohort or the rest has fewer than {} hires (<em>too few</em>).</p></header>",
        esc(&r.policy.name),
        esc(&r.policy.version),
        r.as_of,
        esc(&r.policy.name),
        esc(&r.policy.hash),
        t.records,
        t.decisions,
        r.as_of,
        t.outcome_rows,
        t.hires,
        t.errors,
        r.role
            .as_deref()
            .map(|x| format!("<dt>role</dt><dd><code>{}</code> (--role)</dd>", esc(x)))
            .unwrap_or_default(),
        esc(r.caveat),
        crate::measure::MIN_TESTED,
    );
    for role in &r.roles {
        role_section(&mut s, role);
    }
    if !r.record_errors.is_empty() || !r.notes.is_empty() {
        s.push_str("<section id=\"errors\"><h2>Record errors and notes</h2>");
        if !r.record_errors.is_empty() {
            s.push_str("<table><tr><th>record</th><th>where</th><th>error</th></tr>");
            for e in &r.record_errors {
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td class=\"mono\">{}:{}</td><td style=\"text-align:left;white-space:normal\">{}</td></tr>",
                    esc(e.record.as_deref().unwrap_or("(no id)")),
                    esc(&e.file),
                    e.line,
                    esc(&e.error)
                );
            }
            s.push_str("</table>");
        }
        if !r.notes.is_empty() {
            s.push_str("<ul class=\"plain\">");
            for n in &r.notes {
                let _ = write!(s, "<li>{}</li>", esc(n));
            }
            s.push_str("</ul>");
        }
        s.push_str("</section>\n");
    }
    let _ = write!(
        s,
        "<footer>credo {} · self-contained report: no scripts, no external resources</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn name(c: &Cohort) -> String {
    match c.kind {
        CohortKind::All => "all hires".into(),
        CohortKind::Credentialed | CohortKind::Other => esc(&c.id),
        CohortKind::Credential => format!("<code>{}</code> {}", esc(&c.id), esc(&c.label)),
        CohortKind::Line => format!(
            "<code>{}</code> <span class=\"mono\">{}</span>",
            esc(&c.id),
            esc(&c.label)
        ),
        CohortKind::Unrecognised => format!(
            "unrecognised: {}{}",
            esc(&c.id),
            c.issuer
                .as_deref()
                .map(|i| format!(" <span class=\"mono\">({})</span>", esc(i)))
                .unwrap_or_default()
        ),
    }
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

fn role_section(s: &mut String, role: &RoleMeasure) {
    let _ = write!(
        s,
        "<section id=\"role-{}\"><h2>{} <small class=\"mono\">{}</small></h2><p class=\"sub\">{} hires measured</p>",
        esc(&role.role),
        esc(&role.title),
        esc(&role.role),
        role.hires
    );
    if role.hires == 0 {
        s.push_str("<p>No hires to measure.</p></section>\n");
        return;
    }
    let series: Vec<(&Cohort, &str)> = (role.cohorts.iter())
        .filter_map(|c| match c.kind {
            CohortKind::All => Some((c, "var(--all)")),
            CohortKind::Credentialed => Some((c, "var(--cred)")),
            CohortKind::Other => Some((c, "var(--other)")),
            _ => None,
        })
        .collect();
    s.push_str("<div class=\"charts\">");
    let prod: Vec<(String, &Survival, &str)> = (series.iter())
        .map(|(c, col)| {
            (
                legend(c, &c.figures.productivity),
                &c.figures.productivity,
                *col,
            )
        })
        .collect();
    km_chart(s, "Share productive (days since hired)", &prod, true);
    let ret: Vec<(String, &Survival, &str)> = (series.iter())
        .map(|(c, col)| (legend(c, &c.figures.retention), &c.figures.retention, *col))
        .collect();
    km_chart(s, "Still employed (days since hired)", &ret, false);
    s.push_str("</div>");
    bars(s, role);
    tables(s, role);
    s.push_str("</section>\n");
}

fn legend(c: &Cohort, sv: &Survival) -> String {
    let who = match c.kind {
        CohortKind::All => "all hires".to_owned(),
        _ => c.id.clone(),
    };
    format!(
        "{who} (n {}, events {}, censored {})",
        sv.n, sv.events, sv.censored
    )
}

/// Kaplan–Meier step curves with a tick at each censoring: survival, or one minus it for
/// productivity (the share that reached the target).
fn km_chart(s: &mut String, title: &str, series: &[(String, &Survival, &str)], rising: bool) {
    let (w, h, left, top, right, bottom) = (520.0, 270.0, 44.0, 24.0, 24.0, 86.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let last = (series.iter())
        .flat_map(|(_, sv, _)| sv.curve.last().map(|st| st.time))
        .max()
        .unwrap_or(1)
        .max(1);
    // Ticks at a round number of days, at most six, the axis ending on one.
    let step = [7, 14, 30, 60, 90, 180, 365, 730]
        .into_iter()
        .find(|s| last.div_ceil(*s) <= 6)
        .unwrap_or(last.div_ceil(6).max(1));
    let ticks = last.div_ceil(step).max(1);
    let max_t = f64::from(ticks * step);
    let x = |t: f64| left + pw * (t / max_t).min(1.0);
    let y = |v: f64| top + ph * (1.0 - v.clamp(0.0, 1.0));
    let _ = write!(
        s,
        "<svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">\
         <text x=\"{left}\" y=\"14\" font-weight=\"600\">{}</text>",
        esc(title),
        esc(title)
    );
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}%</text>",
            left + pw,
            y(v),
            y(v),
            left - 4.0,
            y(v) + 4.0,
            k * 25
        );
    }
    for k in 0..=ticks {
        let t = f64::from(k * step);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(t),
            top + ph + 14.0,
            k * step
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{:.1}\"/>\
         <line class=\"axis\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
        top + ph,
        left + pw,
        top + ph,
        top + ph
    );
    for (i, (label, sv, colour)) in series.iter().enumerate() {
        let value = |surv: f64| if rising { 1.0 - surv } else { surv };
        let mut d = format!("M{:.1},{:.1}", x(0.0), y(value(1.0)));
        let mut prev = 1.0;
        let mut ticks = String::new();
        for st in &sv.curve {
            let _ = write!(d, " H{:.1}", x(st.time as f64));
            if st.survival != prev {
                let _ = write!(d, " V{:.1}", y(value(st.survival)));
                prev = st.survival;
            }
            if st.censored > 0 {
                let (cx, cy) = (x(st.time as f64), y(value(st.survival)));
                let _ = write!(ticks, "M{cx:.1},{:.1}V{:.1}", cy - 4.0, cy + 4.0);
            }
        }
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>"
        );
        if !ticks.is_empty() {
            let _ = write!(
                s,
                "<path d=\"{ticks}\" stroke=\"{colour}\" stroke-width=\"1.2\"/>"
            );
        }
        let ly = top + ph + 32.0 + 16.0 * i as f64;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left + 18.0,
            ly - 4.0,
            ly - 4.0,
            left + 24.0,
            ly,
            esc(label)
        );
    }
    s.push_str("</svg>");
}

/// Horizontal bars per cohort: the share productive by day 90 and still employed at day 365.
fn bars(s: &mut String, role: &RoleMeasure) {
    let cohorts: Vec<&Cohort> = role.cohorts.iter().filter(|c| c.figures.n > 0).collect();
    let (label_w, bar_w, row_h) = (330.0, 260.0, 20.0);
    let w = label_w + 2.0 * (bar_w + 70.0);
    let h = 30.0 + row_h * cohorts.len() as f64;
    let _ = write!(
        s,
        "<h3>Cohorts</h3><div class=\"scroll\"><svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"cohort bars\">\
         <text x=\"{label_w}\" y=\"14\" font-weight=\"600\">productive by day 90</text>\
         <text x=\"{:.1}\" y=\"14\" font-weight=\"600\">still employed at day 365</text>",
        label_w + bar_w + 70.0
    );
    for (i, c) in cohorts.iter().enumerate() {
        let y0 = 22.0 + row_h * i as f64;
        let label = match c.kind {
            CohortKind::All => "all hires".to_owned(),
            CohortKind::Line => format!("line {}", c.id),
            CohortKind::Unrecognised => format!("unrecognised: {}", c.id),
            _ => c.id.clone(),
        };
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\">{} (n {})</text>",
            y0 + 12.0,
            esc(&truncate(&label, 34)),
            c.figures.n
        );
        let colour = match c.kind {
            CohortKind::All => "var(--all)",
            CohortKind::Other => "var(--other)",
            _ => "var(--cred)",
        };
        let values = [
            (c.figures.productivity.at.iter().find(|a| a.day == 90)).map(|a| a.value),
            (c.figures.retention.at.iter().find(|a| a.day == 365)).map(|a| a.value),
        ];
        for (k, v) in values.iter().enumerate() {
            let x0 = label_w + k as f64 * (bar_w + 70.0);
            let _ = write!(
                s,
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{bar_w}\" height=\"14\" fill=\"var(--band)\"/>",
                y0 + 1.0
            );
            if let Some(v) = v {
                let _ = write!(
                    s,
                    "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{colour}\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    y0 + 1.0,
                    bar_w * v.clamp(0.0, 1.0),
                    x0 + bar_w + 4.0,
                    y0 + 12.0,
                    pct(*v)
                );
            }
        }
    }
    s.push_str("</svg></div>");
}

fn truncate(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(n - 1).collect();
    out.push('…');
    out
}

fn p_cell(c: &Cohort, test: Option<(f64, Option<f64>)>) -> String {
    match (&c.comparison, test) {
        (None, _) => "<td></td><td></td>".into(),
        (Some(cmp), _) if cmp.status == Tested::TooFew => {
            "<td class=\"few\">too few</td><td></td>".into()
        }
        (Some(_), None) => "<td>—</td><td></td>".into(),
        (Some(_), Some((p, holm))) => {
            format!(
                "<td>{}</td><td>{}</td>",
                fmt_p(p),
                holm.map(fmt_p).unwrap_or_default()
            )
        }
    }
}

fn tables(s: &mut String, role: &RoleMeasure) {
    s.push_str(
        "<h3>Figures</h3><div class=\"scroll\"><table><tr><th>cohort</th><th>n</th>\
         <th>productive<br>events / cens.</th><th>median<br>days</th><th>by 30d</th><th>by 60d</th><th>by 90d</th><th>p</th><th>Holm</th>\
         <th>left<br>events / cens.</th><th>90d</th><th>180d</th><th>365d (95%)</th><th>median</th><th>p</th><th>Holm</th></tr>",
    );
    for c in &role.cohorts {
        let f = &c.figures;
        let (p, r) = (&f.productivity, &f.retention);
        let cmp = c.comparison.as_ref();
        let at = |sv: &Survival, d: u32, ci: bool| {
            opt(sv.at.iter().find(|a| a.day == d), |a| {
                match (ci, a.low, a.high) {
                    (true, Some(l), Some(h)) => format!(
                        "{} <small>({}–{})</small>",
                        pct(a.value),
                        fmt_fixed(l * 100.0, 0),
                        fmt_fixed(h * 100.0, 0)
                    ),
                    _ => pct(a.value),
                }
            })
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}\
             <td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
            name(c),
            f.n,
            p.events,
            p.censored,
            opt(p.median_days, |d| d.to_string()),
            at(p, 30, false),
            at(p, 60, false),
            at(p, 90, false),
            p_cell(c, cmp.and_then(|x| x.productivity.as_ref()).map(|t| (t.p, t.p_holm))),
            r.events,
            r.censored,
            at(r, 90, false),
            at(r, 180, false),
            at(r, 365, true),
            opt(r.median_days, |d| d.to_string()),
            p_cell(c, cmp.and_then(|x| x.retention.as_ref()).map(|t| (t.p, t.p_holm))),
        );
    }
    s.push_str("</table></div>");
    s.push_str(
        "<div class=\"scroll\"><table><tr><th>cohort</th><th>hours<br>n · mean · median</th>\
         <th>cost<br>n · mean · median</th><th>cost − rest (95%)</th><th>%</th><th>p</th><th>Holm</th>\
         <th>moves / 100 person-years</th><th>movers</th><th>placed<br>hired / advance</th><th>hours saved<br>total · per hire</th></tr>",
    );
    for c in &role.cohorts {
        let f = &c.figures;
        let t = &f.training;
        let cost = c.comparison.as_ref().and_then(|x| x.training_cost.as_ref());
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{} · {} · {}</td><td>{} · {} · {}</td><td>{}</td><td>{}</td>{}\
             <td>{} <small>({} moves, {} p-yrs)</small></td><td>{}</td><td>{} <small>({} / {})</small></td><td>{} · {}</td></tr>",
            name(c),
            t.hours.n,
            opt(t.hours.mean, |v| fmt_fixed(v, 1)),
            opt(t.hours.median, |v| fmt_fixed(v, 1)),
            t.cost.n,
            opt(t.cost.mean, |v| fmt_fixed(v, 0)),
            opt(t.cost.median, |v| fmt_fixed(v, 0)),
            opt(cost, |w| format!(
                "{} ({} to {})",
                fmt_fixed(w.difference, 0),
                fmt_fixed(w.low, 0),
                fmt_fixed(w.high, 0)
            )),
            opt(cost.and_then(|w| w.percent), |v| format!("{}%", fmt_fixed(v, 1))),
            p_cell(c, cost.map(|w| (w.p, w.p_holm))),
            opt(f.mobility.per_100_person_years, |v| fmt_fixed(v, 1)),
            f.mobility.moves,
            fmt_fixed(f.mobility.person_years, 1),
            f.mobility.movers,
            opt(f.placement.share, pct),
            f.placement.hired,
            f.placement.advance,
            fmt_fixed(f.onboarding.hours_saved, 0),
            opt(f.onboarding.mean, |v| fmt_fixed(v, 1)),
        );
    }
    s.push_str("</table></div>");
}
