//! An audit report as one self-contained HTML page for a reviewer's browser: inline CSS, inline
//! SVG bar charts, no scripts and no external resources (a Content-Security-Policy forbids
//! both). Every value from the policy or the records is escaped.

use super::audit::{fmt_fixed, fmt_p, pct};
use crate::audit::{Grouping, Report, RoleAudit, Status};
use std::fmt::Write;

const STYLE: &str = r#"
:root { --ink:#1d2330; --muted:#5f6b7a; --line:#d8dde3; --ref:#1f4e79; --bar:#4a7fb5;
        --flag:#b3261e; --flagbg:#fdecea; --grey:#a3abb5; --paper:#ffffff; --band:#f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--band); color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
header, section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
                  padding: 16px 20px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
.sub { color: var(--muted); margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.card b { display: block; font-size: 22px; }
.card.alert { border-color: var(--flag); color: var(--flag); background: var(--flagbg); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right;
         white-space: nowrap; }
th { background: var(--band); font-weight: 600; font-size: 12.5px; }
th:first-child, td:first-child, td.text, th.text { text-align: left; white-space: normal; }
tr.flagged td { background: var(--flagbg); color: var(--flag); font-weight: 600; }
tr.flagged td:first-child { border-left: 4px solid var(--flag); }
tr.few td:first-child { border-left: 4px dashed var(--flag); }
tr.reference td { font-weight: 600; }
tr.excluded td, tr.unknown td, tr.unused td { color: var(--muted); font-style: italic; }
.tag { display: inline-block; font-size: 11px; font-style: normal; font-weight: 600;
       border-radius: 3px; padding: 0 5px; margin-left: 6px; color: #fff; background: var(--grey); }
.tag.flag { background: var(--flag); }
.tag.ref { background: var(--ref); }
.chart { margin: 4px 0 6px; max-width: 100%; height: auto; }
.chart .halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
td.mono { white-space: nowrap; }
.scroll { overflow-x: auto; }
small { color: inherit; opacity: 0.8; font-weight: 400; }
.ok { color: #1e6b3a; }
ul.plain { margin: 4px 0; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px; }
"#;

/// The start of a self-contained report page, up to `<main>`: a Content-Security-Policy that
/// allows inline styles only (no scripts, nothing fetched), the escaped title and the style.
/// The audit, measure and review pages all open with it.
pub fn page_head(s: &mut String, title: &str, style: &str) {
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
}

/// The whole page.
pub fn report(r: &Report) -> String {
    let mut s = String::new();
    let title = format!(
        "Adverse impact audit · {} {} · as of {}",
        r.policy.name, r.policy.version, r.as_of
    );
    page_head(&mut s, &title, STYLE);
    header(&mut s, r);
    summary(&mut s, r);
    for role in &r.roles {
        role_section(&mut s, role, r.settings.threshold);
    }
    usage(&mut s, r);
    if !r.record_errors.is_empty() || !r.notes.is_empty() {
        let _ = write!(s, "<section id=\"errors\"><h2>Record errors and notes</h2>");
        if !r.record_errors.is_empty() {
            let _ = write!(
                s,
                "<table><tr><th>record</th><th class=\"text\">where</th><th class=\"text\">error</th></tr>"
            );
            for e in &r.record_errors {
                let _ = write!(
                    s,
                    "<tr class=\"flagged\"><td>{}</td><td class=\"text mono\">{}:{}</td><td class=\"text\">{}</td></tr>",
                    esc(e.record.as_deref().unwrap_or("(no id)")),
                    esc(&e.file),
                    e.line,
                    esc(&e.error)
                );
            }
            s.push_str("</table>");
        }
        list(&mut s, &r.notes);
        s.push_str("</section>\n");
    }
    method(&mut s, r);
    let _ = write!(
        s,
        "<footer>credo {} · self-contained report: no scripts, no external resources</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn header(s: &mut String, r: &Report) {
    let st = &r.settings;
    let selected: Vec<&str> = st.selected.iter().map(|o| o.as_str()).collect();
    let _ = writeln!(
        s,
        "<header><h1>Adverse impact audit</h1><p class=\"sub\">{} · version {} · as of {}</p><dl class=\"meta\">\
         <dt>policy</dt><dd>{} <code>{}</code></dd>\
         <dt>as of</dt><dd>{}</dd>\
         <dt>threshold</dt><dd>impact ratio below {:.2} is flagged ({})</dd>\
         <dt>selected</dt><dd>{}</dd>\
         <dt>attributes</dt><dd>{}{}</dd>\
         <dt>excluded</dt><dd>categories under {}% of a role's decisions are listed, not compared; <em>unknown</em> is never compared</dd>\
         </dl></header>",
        esc(&r.policy.name),
        esc(&r.policy.version),
        r.as_of,
        esc(&r.policy.name),
        esc(&r.policy.hash),
        r.as_of,
        st.threshold,
        if st.from_policy {
            "the policy's <code>adverse_impact</code>"
        } else {
            "default: the policy has no <code>adverse_impact</code>"
        },
        esc(&selected.join(", ")),
        esc(&st.attributes.join(", ")),
        st.intersection
            .as_ref()
            .map(|[a, b]| format!("; intersection {} × {}", esc(a), esc(b)))
            .unwrap_or_default(),
        fmt_fixed(st.min_share * 100.0, 0),
    );
}

fn summary(s: &mut String, r: &Report) {
    let t = &r.totals;
    let flags = &r.flags;
    let _ = write!(
        s,
        "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\
         <div class=\"card\"><b>{}</b>records read</div>\
         <div class=\"card\"><b>{}</b>decisions</div>\
         <div class=\"card{}\"><b>{}</b>record errors</div>\
         <div class=\"card{}\"><b>{}</b>flagged categories{}</div></div>",
        t.records,
        t.decisions,
        if t.errors > 0 { " alert" } else { "" },
        t.errors,
        if flags.iter().all(|f| f.insufficient_data) {
            ""
        } else {
            " alert"
        },
        flags.len(),
        match flags.iter().filter(|f| f.insufficient_data).count() {
            0 => String::new(),
            few => format!(" <small>({few} on insufficient data)</small>"),
        }
    );
    if flags.is_empty() {
        let _ = write!(
            s,
            "<p class=\"ok\">No compared category has an impact ratio below {:.2}.</p>",
            r.settings.threshold
        );
    } else {
        s.push_str(
            "<p>Smallest Fisher p (strongest evidence of a difference) first. A flag marked \
             <em>insufficient data</em> rests on fewer than 5 expected selections at the reference \
             rate, or on a difference that is not significant (Fisher p &ge; 0.05): it is kept, \
             but it is not evidence of adverse impact by itself.</p>\
             <div class=\"scroll\"><table><tr><th class=\"text\">role</th><th class=\"text\">category</th>\
             <th>n</th><th>rate</th><th class=\"text\">reference</th><th>impact ratio</th>\
             <th>Fisher p</th><th>shortfall</th></tr>",
        );
        for f in flags {
            let _ = write!(
                s,
                "<tr class=\"{}\"><td class=\"text\">{}</td><td class=\"text\">{}{}<br><small>{}</small></td>\
                 <td>{}</td><td>{}</td><td class=\"text\">{} <small>({})</small></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if f.insufficient_data { "few" } else { "flagged" },
                esc(&f.role),
                esc(&f.category),
                if f.insufficient_data {
                    " <span class=\"tag\">insufficient data</span>"
                } else {
                    ""
                },
                esc(&f.attributes.join(" × ")),
                f.n,
                opt(f.rate, pct),
                opt(f.reference_rate, pct),
                esc(&f.reference),
                opt(f.impact_ratio, |v| fmt_fixed(v, 3)),
                opt(f.fisher_p, fmt_p),
                opt(f.shortfall, |v| fmt_fixed(v, 1)),
            );
        }
        s.push_str("</table></div>");
    }
    s.push_str("</section>\n");
}

fn role_section(s: &mut String, role: &RoleAudit, threshold: f64) {
    let _ = write!(
        s,
        "<section class=\"role\" id=\"role-{}\"><h2>{} <code>{}</code></h2>",
        esc(&role.role),
        esc(&role.title),
        esc(&role.role)
    );
    if role.decisions == 0 {
        s.push_str("<p class=\"sub\">No decisions for this role.</p></section>\n");
        return;
    }
    let outcomes = super::audit::outcome_counts(role);
    let _ = write!(
        s,
        "<p class=\"sub\">{} decisions · {} selected ({}) · {} · median coverage {}</p>",
        role.decisions,
        role.selected,
        opt(role.rate, pct),
        esc(&outcomes),
        opt(role.median_coverage, pct)
    );
    for g in &role.groupings {
        let name = g.attributes.join(" × ");
        let _ = write!(s, "<h3>{}</h3>", esc(&name));
        chart(s, g, threshold, &format!("{} · {name}", role.role));
        grouping_table(s, g);
    }
    s.push_str("</section>\n");
}

/// Horizontal bars of selection rates (0–100%), with the threshold line at `R ×` the reference
/// category's rate: a compared bar left of the line is flagged.
fn chart(s: &mut String, g: &Grouping, threshold: f64, label: &str) {
    const ROW: usize = 24;
    const PLOT: f64 = 460.0;
    let longest = g
        .categories
        .iter()
        .map(|c| c.category.chars().count())
        .max()
        .unwrap_or(0);
    let left = (longest * 7 + 16).clamp(90, 320) as f64;
    let width = left + PLOT + 190.0;
    let top = 22.0;
    let height = top + (g.categories.len() * ROW) as f64 + 26.0;
    let x = |rate: f64| left + rate.clamp(0.0, 1.0) * PLOT;
    let _ = write!(
        s,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"selection rates, {}\">\
         <title>Selection rates: {}</title>",
        esc(label),
        esc(label)
    );
    let bottom = height - 22.0;
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let tx = x(tick);
        let _ = write!(
            s,
            "<line x1=\"{tx:.1}\" y1=\"{top:.1}\" x2=\"{tx:.1}\" y2=\"{bottom:.1}\" stroke=\"#e3e7ec\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5f6b7a\" text-anchor=\"middle\">{}</text>",
            bottom + 15.0,
            pct_whole(tick)
        );
    }
    // The threshold line goes under the bars' labels, which have a white halo.
    let reference = g.categories.iter().find(|c| c.status == Status::Reference);
    if let Some(line) = reference.and_then(|r| r.rate).map(|r| r * threshold) {
        let lx = x(line);
        let _ = write!(
            s,
            "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{lx:.1}\" y2=\"{bottom:.1}\" stroke=\"#b3261e\" \
             stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\
             <text x=\"{lx:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#b3261e\" text-anchor=\"middle\">\
             {:.2} × highest rate = {}</text>",
            top - 4.0,
            top - 8.0,
            threshold,
            pct(line)
        );
    }
    for (i, c) in g.categories.iter().enumerate() {
        let y = top + (i * ROW) as f64;
        let rate = c.rate.unwrap_or(0.0);
        let fill = match (c.status, c.flagged) {
            (_, true) => "#b3261e",
            (Status::Reference, _) => "#1f4e79",
            (Status::Compared, _) => "#4a7fb5",
            (Status::Excluded | Status::Unknown, _) => "#c3c9d1",
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1d2330\" text-anchor=\"end\">{}</text>\
             <rect x=\"{left:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"{fill}\" rx=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d2330\" class=\"halo\">{} · n={}{}</text>",
            left - 8.0,
            y + 16.0,
            esc(&c.category),
            y + 4.0,
            (x(rate) - left).max(1.0),
            ROW - 8,
            x(rate) + 6.0,
            y + 16.0,
            opt(c.rate, pct),
            c.n,
            match c.status {
                Status::Excluded => " (excluded)",
                Status::Unknown => " (not compared)",
                _ => "",
            }
        );
    }
    s.push_str("</svg>");
}

fn grouping_table(s: &mut String, g: &Grouping) {
    s.push_str(
        "<div class=\"scroll\"><table><tr><th class=\"text\">category</th><th>n</th><th>selected</th><th>rate</th>\
         <th>impact ratio</th><th>Z</th><th>Fisher p</th><th>shortfall</th>\
         <th>scoring rate</th><th>scoring ratio</th></tr>",
    );
    for c in &g.categories {
        let (class, tag) = match (c.status, c.flagged) {
            (_, true) if c.insufficient_data => (
                "few",
                "<span class=\"tag\">below threshold: insufficient data</span>",
            ),
            (_, true) => ("flagged", "<span class=\"tag flag\">below threshold</span>"),
            (Status::Reference, _) => ("reference", "<span class=\"tag ref\">reference</span>"),
            (Status::Compared, _) => ("compared", ""),
            (Status::Excluded, _) => ("excluded", "<span class=\"tag\">excluded &lt;2%</span>"),
            (Status::Unknown, _) => ("unknown", "<span class=\"tag\">not compared</span>"),
        };
        let _ = write!(
            s,
            "<tr class=\"{class}\"><td>{}{tag}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.category),
            c.n,
            c.selected,
            opt(c.rate, pct),
            opt(c.impact_ratio, |v| fmt_fixed(v, 3)),
            opt(c.z, |v| fmt_fixed(v, 2)),
            opt(c.fisher_p, fmt_p),
            opt(c.shortfall, |v| fmt_fixed(v, 1)),
            opt(c.scoring.rate, pct),
            opt(c.scoring.ratio, |v| fmt_fixed(v, 3)),
        );
    }
    s.push_str("</table></div>");
}

fn usage(s: &mut String, r: &Report) {
    let u = &r.usage;
    s.push_str(
        "<section id=\"usage\"><h2>Catalogue usage</h2>\
         <h3>Credentials</h3><table><tr><th class=\"text\">credential</th><th class=\"text\">title</th>\
         <th>records holding it</th><th>decisions it carried</th></tr>",
    );
    for c in &u.credentials {
        let _ = write!(
            s,
            "<tr class=\"{}\"><td><code>{}</code></td><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
            if c.carried == 0 { "unused" } else { "used" },
            esc(&c.credential),
            esc(&c.title),
            c.held,
            c.carried
        );
    }
    s.push_str("</table>");
    if !u.unused.is_empty() {
        let _ = write!(
            s,
            "<p>Carried no decision: <code>{}</code></p>",
            esc(&u.unused.join(", "))
        );
    }
    s.push_str(
        "<h3>Accept lines</h3><table><tr><th class=\"text\">role · skill</th><th>line</th>\
         <th class=\"text\">accept</th><th>decisions it met the skill in</th><th class=\"text\">at</th></tr>",
    );
    for l in &u.lines {
        let _ = write!(
            s,
            "<tr class=\"{}\"><td>{} · {}</td><td>#{}</td><td class=\"text\"><code>{}</code></td><td>{}</td>\
             <td class=\"text mono\">{}</td></tr>",
            if l.carried == 0 { "unused" } else { "used" },
            esc(&l.role),
            esc(&l.skill),
            l.line,
            esc(&l.text),
            l.carried,
            esc(&l.at)
        );
    }
    s.push_str("</table><h3>Unrecognised credentials candidates brought</h3>");
    if u.unrecognised.is_empty() {
        s.push_str("<p class=\"sub\">None.</p>");
    } else {
        s.push_str("<table><tr><th>records</th><th class=\"text\">title</th><th class=\"text\">issuer</th></tr>");
        for c in &u.unrecognised {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text mono\">{}</td></tr>",
                c.records,
                esc(&c.title),
                esc(c.issuer.as_deref().unwrap_or("—"))
            );
        }
        s.push_str("</table>");
    }
    s.push_str("<h3>Failed credential proofs per provider (possible forgeries)</h3>");
    if u.failed_proofs.is_empty() {
        s.push_str("<p class=\"sub\">None.</p>");
    } else {
        s.push_str("<table><tr><th class=\"text\">provider</th><th>credentials whose proof failed</th></tr>");
        for f in &u.failed_proofs {
            let _ = write!(
                s,
                "<tr class=\"failed-proofs\"><td><code>{}</code></td><td>{}</td></tr>",
                esc(&f.provider),
                f.failed
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</section>\n");
}

fn method(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"method\"><h2>How to read this report</h2><ul class=\"plain\">\
         <li><b>Selection rate</b> = selected ÷ decisions in the category; <b>impact ratio</b> = its rate ÷ the \
         reference (highest-rate compared) category's rate. Ratios below {:.2} are flagged (the four-fifths rule, \
         29 CFR 1607.4(D); NYC Local Law 144).</li>\
         <li><b>Z</b>: two-proportion Z statistic against the reference (negative = selected less often). \
         <b>Fisher p</b>: two-sided Fisher exact test of the same 2×2 table.</li>\
         <li><b>Shortfall</b> = decisions × the role's overall rate − selected: how many more selections the category \
         would have at the overall rate.</li>\
         <li><b>Scoring rate</b>: share of the category whose skill coverage is above the role's median coverage; \
         <b>scoring ratio</b> compares it with the highest category's.</li>\
         <li>Categories under {}% of a role's decisions are excluded from comparison; records without a value are \
         <em>unknown</em> and never compared. An intersection category is unknown when either value is.</li></ul></section>",
        r.settings.threshold,
        fmt_fixed(r.settings.min_share * 100.0, 0)
    );
}

fn list(s: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    s.push_str("<ul class=\"plain\">");
    for n in items {
        let _ = write!(s, "<li>{}</li>", esc(n));
    }
    s.push_str("</ul>");
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

fn pct_whole(v: f64) -> String {
    format!("{}%", fmt_fixed(v * 100.0, 0))
}

/// Escapes text for HTML element content and attribute values, and shows control and bidi
/// characters as visible escapes ([`crate::visible`]): a right-to-left override would reorder
/// the report's text in the browser as in a terminal. Line breaks and tabs are white space.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(ch),
            c if crate::visible::is_hostile(c) => {
                crate::visible::push_visible(&mut out, c.encode_utf8(&mut [0; 4]));
            }
            c => out.push(c),
        }
    }
    out
}
