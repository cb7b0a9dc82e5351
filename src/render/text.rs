//! Text for compliance reviewers: one line per decision, or an `--explain` tree that shows, for
//! every skill, which line met it with the concrete numbers and why every other line failed.

use crate::ast::{ItemKind, ReqKind};
use crate::decision::*;
use crate::policy::{Outcome, Policy, Role};
use crate::proof::ProofStatus;
use crate::record::{AttrValue, RecordError};
use crate::render::words::Words;
use crate::report_line;
use crate::visible::{visible, Lines};
use std::fmt::Write;

/// `c-1042  soc_analyst  review (proposed decline)  [✓ network_security, ✗ incident_response]`
pub fn summary(d: &Decision) -> String {
    let mut s = format!("{}  {}  {}", d.candidate, d.role, d.outcome.as_str());
    if let Some(p) = d.proposed {
        let _ = write!(s, " (proposed {})", p.as_str());
    }
    let skills: Vec<String> = d
        .skills
        .iter()
        .map(|k| format!("{} {}", if k.met { "✓" } else { "✗" }, k.skill))
        .collect();
    let _ = write!(s, "  [{}]  rule: {}", skills.join(", "), d.rule.text);
    shown(s)
}

/// A record error as lines (without line breaks): one per problem placed at its field
/// (`c-1  error  r.yaml:5:7: …`, and an indented `help:` line where there is a sure fix), else
/// one for the record.
pub fn error_lines(e: &RecordError) -> Vec<String> {
    let id = e.record.as_deref().unwrap_or("(no id)");
    if !e.problems.iter().any(|p| p.column.is_some()) {
        return vec![shown(format!(
            "{id}  error  {}:{}: {}",
            e.file, e.line, e.error
        ))];
    }
    let mut lines = Vec::with_capacity(e.problems.len());
    for p in &e.problems {
        let at = match p.column {
            Some(c) => format!("{}:{}:{c}", e.file, p.line),
            None => format!("{}:{}", e.file, p.line),
        };
        lines.push(shown(format!("{id}  error  {at}: {}", p.error)));
        if let Some(help) = &p.help {
            lines.push(shown(format!("    help: {help}")));
        }
    }
    lines
}

/// A record error as text: [`error_lines`], each ended by a line break but the last.
pub fn error_line(e: &RecordError) -> String {
    error_lines(e).join("\n")
}

/// A line with its control and bidi characters escaped; not copied when it has none.
fn shown(line: String) -> String {
    match visible(&line) {
        std::borrow::Cow::Borrowed(_) => line,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

fn outcome_word(o: Outcome) -> String {
    o.as_str().to_uppercase()
}

/// The full explanation tree of a decision, naming credentials by their ids (no policy at hand).
pub fn explain(d: &Decision) -> String {
    explain_with(d, None, false)
}

/// The explanation tree with credentials and onboarding modules named by their titles, read
/// from the policy the decision was made with (JSON keeps the ids).
pub fn explain_titled(d: &Decision, policy: &Policy) -> String {
    explain_with(d, Some(policy), false)
}

/// The explanation tree with each policy line also put in plain words (the same words job
/// postings use), read from the policy the decision was made with.
pub fn explain_in_words(d: &Decision, policy: &Policy) -> String {
    explain_with(d, Some(policy), true)
}

/// What `--explain` prints once, before the first decision: what its marks and words mean.
pub const LEGEND: &str = "\
legend: ✓ met / holds   ✗ not met / fails   accept #N = the skill's Nth accept line, tried in order
        \"rules proposed X\" = the decide rules gave X and a guardrail changed it
        \"(default decide)\" = the role has no decide block: advance when no required skill is missing,
        review when one is, decline otherwise
        \"if S were met → X\" = the outcome if that skill alone were met; \"(no change)\" = the same outcome

";

/// Catalogue credentials and onboarding modules by title when the policy is at hand, else by id.
#[derive(Clone, Copy)]
struct Titles<'p>(Option<&'p Policy>);

impl Titles<'_> {
    /// A credential's title, for a catalogue id; anything else (a record's own title) as it is.
    fn credential<'a>(&'a self, id: &'a str) -> &'a str {
        self.0
            .and_then(|p| p.credentials.get(*p.credential_index.get(id)?))
            .map_or(id, |c| c.title.as_str())
    }

    fn credentials(&self, ids: &[Text<'_>]) -> String {
        let names: Vec<&str> = ids.iter().map(|id| self.credential(id)).collect();
        names.join(", ")
    }

    /// An onboarding module's title in the decision's role (its id in sentence case when it
    /// has none, as postings show it); its id when the policy is not at hand.
    fn module(&self, role: &str, id: &str) -> String {
        let Some(p) = self.0 else {
            return id.to_owned();
        };
        (p.roles
            .get(p.role_index.get(role).copied().unwrap_or(usize::MAX)))
        .and_then(|r| r.onboarding.iter().find(|m| m.id == id))
        .and_then(|m| m.title.clone())
        .unwrap_or_else(|| crate::posting::sentence_case(id))
    }
}

/// Plain words for the lines of one decision's role.
struct LineWords<'p> {
    words: Words<'p>,
    role: &'p Role,
    policy: &'p Policy,
}

impl LineWords<'_> {
    /// Accept line `line` (1-based) of the decision's `i`-th skill.
    fn accept(&self, i: usize, skill: &str, line: usize) -> Option<String> {
        let req = self.role.requirements.get(i)?;
        if self.policy.skills[req.skill].id != skill {
            return None;
        }
        let l = req.lines.get(line.checked_sub(1)?)?;
        Some(self.words.cond(&l.cond, Some(req.skill)))
    }

    fn eligible(&self) -> Option<String> {
        let (cond, _) = self.role.eligible.as_ref()?;
        Some(self.words.cond(cond, None))
    }

    fn rule(&self, r: &RuleRef) -> Option<String> {
        let rule = self
            .role
            .decide
            .iter()
            .find(|x| x.src.text == r.text && x.src.at.to_string() == r.at)?;
        Some(self.words.rule(rule))
    }
}

fn explain_with(d: &Decision, policy: Option<&Policy>, words: bool) -> String {
    let titles = Titles(policy);
    let lw = policy.filter(|_| words).and_then(|p| {
        let role = &p.roles[*p.role_index.get(&*d.role)?];
        Some(LineWords {
            words: Words::new(p, d.as_of),
            role,
            policy: p,
        })
    });
    let in_words = |s: &mut Lines, indent: &str, w: Option<String>| {
        if let Some(w) = w {
            report_line!(s, "{indent}in words: {w}");
        }
    };
    let mut s = Lines::new();
    let _ = write!(
        s,
        "{} · {} · {}",
        d.candidate,
        d.role,
        outcome_word(d.outcome)
    );
    if let Some(p) = d.proposed {
        let _ = write!(s, " (rules proposed {})", p.as_str());
    }
    report_line!(s, "   as of {}", d.as_of);
    report_line!(
        s,
        "  policy   {} {} ({})",
        d.policy.name,
        d.policy.version,
        d.policy.hash
    );
    report_line!(
        s,
        "  rule     {}{}   {}",
        d.rule.text,
        if d.rule.default {
            " (default decide)"
        } else {
            ""
        },
        d.rule.at
    );
    in_words(
        &mut s,
        "           ",
        lw.as_ref().and_then(|w| w.rule(&d.rule)),
    );
    let c = &d.counts;
    report_line!(
        s,
        "  counts   required {}/{} met, preferred {}/{} met, coverage {}%",
        c.required_met,
        c.required_total,
        c.preferred_met,
        c.preferred_total,
        fmt_num(c.coverage * 100.0)
    );
    if let Some(e) = &d.eligible {
        report_line!(s, "  {} eligible when {}   {}", mark(e.holds), e.text, e.at);
        in_words(&mut s, "      ", lw.as_ref().and_then(LineWords::eligible));
        for t in &e.terms {
            term(&mut s, t, "      ", titles);
        }
    }
    for (i, k) in d.skills.iter().enumerate() {
        let line_words = |line: usize| lw.as_ref().and_then(|w| w.accept(i, &k.skill, line));
        let kind = match k.kind {
            ReqKind::Required => "required",
            ReqKind::Preferred => "preferred",
        };
        match &k.via {
            Some(v) => {
                report_line!(
                    s,
                    "  {} {} ({kind}) met by accept #{}: {}   {}",
                    mark(true),
                    k.skill,
                    v.line,
                    v.text,
                    v.at
                );
                in_words(&mut s, "      ", line_words(v.line));
            }
            None => {
                report_line!(s, "  {} {} ({kind}) not met", mark(false), k.skill);
            }
        }
        for line in &k.tried {
            if k.via.as_ref().is_some_and(|v| v.line == line.line) {
                for t in &line.terms {
                    term(&mut s, t, "      ", titles);
                }
                continue;
            }
            if k.via.as_ref().is_some_and(|v| line.line > v.line) {
                continue;
            }
            report_line!(
                s,
                "      accept #{} {} {}   {}",
                line.line,
                mark(line.holds),
                line.text,
                line.at
            );
            in_words(&mut s, "          ", line_words(line.line));
            for t in &line.terms {
                term(&mut s, t, "          ", titles);
            }
        }
    }
    for g in &d.guardrails {
        let _ = write!(s, "  guardrail {}: {}", g.name, g.effect);
        if let Some(r) = &g.reason {
            let _ = write!(s, " (\"{r}\")");
        }
        s.end();
    }
    if !d.onboarding.waived.is_empty() {
        let modules: Vec<String> = (d.onboarding.waived.iter())
            .map(|m| titles.module(&d.role, m))
            .collect();
        report_line!(
            s,
            "  onboarding waived: {} ({} hours saved)",
            modules.join(", "),
            fmt_num(d.onboarding.hours_saved)
        );
    }
    for w in &d.would_change {
        let _ = write!(
            s,
            "  if {} were met → {}",
            w.skill,
            w.outcome_if_met.as_str()
        );
        if let Some(p) = w.proposed_if_met {
            let _ = write!(s, " (rules: {})", p.as_str());
        }
        if w.outcome_if_met == d.outcome {
            s.raw(" (no change)");
        }
        s.end();
    }
    for n in &d.next_steps {
        report_line!(
            s,
            "  next step for {}: {}",
            n.skill,
            titles.credentials(&n.credentials)
        );
        for o in &n.open_to {
            report_line!(s, "    {} is open to: {}", o.credential, o.who);
        }
    }
    for n in &d.notes {
        report_line!(s, "  note: {n}");
    }
    s.into_string()
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

/// Numbers without a trailing `.0`.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// One term with its concrete findings.
fn term(s: &mut Lines, t: &TermTrace, indent: &str, titles: Titles<'_>) {
    match &t.detail {
        Detail::Credentials {
            needed,
            accepted,
            accepted_proofs,
            refused,
            suggest,
        } => {
            let have = accepted.len() as u32;
            // A credential with a proof says so (`proof verified`); one without stays as it was.
            let accepted: Vec<String> = (accepted.iter().zip(accepted_proofs))
                .map(|(a, p)| match p {
                    ProofStatus::None => titles.credential(a).to_owned(),
                    p => format!("{} (proof {})", titles.credential(a), p.as_text()),
                })
                .collect();
            let accepted = accepted.join(", ");
            if t.holds {
                report_line!(s, "{indent}{}: accepted {}", t.term, accepted);
            } else if have == 0 {
                let _ = write!(s, "{indent}{}: none accepted", t.term);
                if *needed > 1 {
                    let _ = write!(s, ", needs {needed}");
                }
                if !suggest.is_empty() {
                    let _ = write!(s, "; e.g. {}", titles.credentials(suggest));
                }
                s.end();
            } else {
                let _ = write!(
                    s,
                    "{indent}{}: has {have} ({}), needs {} more",
                    t.term,
                    accepted,
                    needed - have
                );
                if !suggest.is_empty() {
                    let _ = write!(s, "; e.g. {}", titles.credentials(suggest));
                }
                s.end();
            }
            for r in refused {
                let why = match (&r.reason, titles.0) {
                    // Under `verified_only proofs` a record's own `verified: true` is not
                    // enough: say what is missing.
                    (Reason::NotVerified, Some(p)) if p.guardrails.verified_proofs => {
                        "no verified proof (verified_only proofs)".to_owned()
                    }
                    (other, _) => reason(other),
                };
                report_line!(s, "{indent}  {}: {why}", titles.credential(&r.credential));
            }
        }
        Detail::Items {
            item,
            needed,
            counted,
            matching,
            excluded,
        } => {
            let noun = match item {
                ItemKind::Artifacts => "artifacts",
                ItemKind::Labs => "labs",
                ItemKind::Credentials => "credentials",
            };
            if t.holds {
                let _ = write!(s, "{indent}{}: {noun}: {counted} >= {needed}", t.term);
            } else {
                let _ = write!(
                    s,
                    "{indent}{}: has {counted}, needs {} more",
                    t.term,
                    needed - counted
                );
            }
            if !matching.is_empty() {
                let _ = write!(s, " ({})", matching.join("; "));
            }
            s.end();
            if !excluded.is_empty() {
                report_line!(s, "{indent}  not counted: {}", excluded.join("; "));
            }
        }
        Detail::WorkSample { best, threshold } => match best {
            Some(b) => {
                let _ = write!(
                    s,
                    "{indent}{}: best score {} {}",
                    t.term,
                    fmt_num(*b),
                    mark(t.holds)
                );
                if let (false, Some(want)) = (t.holds, threshold) {
                    let _ = write!(s, " (compared with {})", fmt_num(*want));
                }
                s.end();
            }
            None => {
                report_line!(s, "{indent}{}: no work sample for this skill", t.term);
            }
        },
        Detail::Experience { months, threshold } => match months {
            Some(m) => {
                let _ = write!(
                    s,
                    "{indent}{}: {} months {}",
                    t.term,
                    fmt_num(*m),
                    mark(t.holds)
                );
                if let (false, Some(want)) = (t.holds, threshold) {
                    let _ = write!(s, " (compared with {} months)", fmt_num(*want));
                }
                s.end();
            }
            None => {
                report_line!(
                    s,
                    "{indent}{}: no experience recorded for this skill",
                    t.term
                );
            }
        },
        Detail::Attribute { attribute, value } => match value {
            Some(v) => {
                report_line!(
                    s,
                    "{indent}{}: candidate.{attribute} is {} {}",
                    t.term,
                    attr(v),
                    mark(t.holds)
                );
            }
            None => {
                report_line!(s, "{indent}{}: attribute missing", t.term);
            }
        },
        Detail::Degree { highest } => match highest {
            Some(h) => {
                report_line!(
                    s,
                    "{indent}{}: highest degree {h} {}",
                    t.term,
                    mark(t.holds)
                );
            }
            None => {
                report_line!(s, "{indent}{}: no completed degree", t.term);
            }
        },
        Detail::Value { value } => {
            report_line!(
                s,
                "{indent}{}: {} {}",
                t.term,
                fmt_num(*value),
                mark(t.holds)
            );
        }
    }
}

fn attr(v: &AttrValue) -> String {
    match v {
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Number(n) => fmt_num(*n),
        AttrValue::Str(s) => format!("\"{s}\""),
        AttrValue::Date(d) => d.to_string(),
    }
}

/// A refusal reason in words.
pub fn reason(r: &Reason) -> String {
    match r {
        Reason::NotInCatalogue => "not in the catalogue".into(),
        Reason::SkillNotListed { skill } => format!("does not evidence {skill}"),
        Reason::NoIssueDate => "no issue date".into(),
        Reason::IssuedAfterAsOf { issued } => format!("issued {issued}, after the evaluation date"),
        Reason::Expired { expiry, issued, by } => match by {
            ExpiryBy::Record => format!(
                "expired: last valid day was {expiry} (the record's `expires`; issued {issued})"
            ),
            ExpiryBy::ValidFor(d) => {
                format!("expired: last valid day was {expiry} (issued {issued} + {d})")
            }
        },
        Reason::ProviderRetired {
            provider,
            retired,
            issued,
        } => {
            format!("issued {issued}, on or after provider {provider} was retired ({retired})")
        }
        Reason::CredentialRetired { retired, issued } => {
            format!("issued {issued}, on or after the credential was retired ({retired})")
        }
        Reason::BelowMinTier { tier, min_tier } => {
            format!("provider tier {tier} is below min_tier {min_tier}")
        }
        Reason::NotVerified => "not verified (verified_only)".into(),
        Reason::ProofFailed { detail } => format!("proof failed: {detail}"),
        Reason::WhereFailed { condition } => format!("fails `{condition}`"),
    }
}
