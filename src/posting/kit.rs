//! The screening kit: a Markdown checklist for reviewers, built from the same role and the
//! same words as the posting. Per skill, what evidence to look for and how to check it
//! (issuer, issue dates and validity as of a date, verification); the decide rules in words;
//! and the guardrails that bind reviewers.

use super::markdown::escape;
use super::{sentence_case, Posting, Way};
use crate::ast::{CmpOp, ItemKind, ReqKind};
use crate::policy::{Cond, Field, Value};
use crate::render::text::fmt_num;
use crate::render::words::{and_list, humanize, or_list, CredentialTerm, Words};
use jiff::civil::Date;
use std::fmt::Write;

mod dates;

use dates::{earliest, issue_bounds, item_dates, parts};

/// The screening kit of the posting's role, as Markdown.
pub fn kit(p: &Posting<'_>) -> String {
    let words = Words::new(p.policy, p.as_of);
    let (policy, role) = (p.policy, p.role);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Screening kit: {} ({})\n",
        escape(&role.title),
        code(&role.id)
    );
    let _ = write!(
        s,
        "Policy **{}**, version {}",
        escape(&policy.name),
        escape(&policy.version)
    );
    if let Some(o) = &policy.owner {
        let _ = write!(s, ", owned by {}", escape(o));
    }
    if let Some(e) = policy.effective {
        let _ = write!(s, ", effective {e}");
    }
    let _ = writeln!(s, " ({}).", code(&policy.hash));
    let _ = writeln!(
        s,
        "Dates below are worked out as of **{}**.\n\n\
         Screen with these criteria and nothing else: the job posting advertises the same ones, \
         generated from the same policy. To check a screening against the policy, run \
         `credo eval POLICY RECORDS --role {} --as-of {} --explain`.\n",
        p.as_of, role.id, p.as_of
    );

    s.push_str("## Rules that bind every reviewer\n\n");
    for rule in guardrails(p) {
        let _ = writeln!(s, "- {rule}");
    }

    if let Some((cond, src)) = &role.eligible {
        s.push_str("\n## Eligibility\n\n");
        let _ = writeln!(
            s,
            "- [ ] {}  \n  Policy: {} ({})",
            escape(&words.cond(cond, None)),
            code(&format!("eligible when {}", src.text)),
            escape(&src.at.to_string())
        );
        for check in term_checks(p, &words, cond, None) {
            let _ = writeln!(s, "  - [ ] {check}");
        }
        s.push_str(
            "\nIf it does not hold, the outcome is **ineligible**, whatever the skills show.\n",
        );
    }

    s.push_str(
        "\n## Skills\n\nTry the ways of each skill in order: the first one that holds meets the \
         skill. Tick what you checked and note the evidence you saw.\n",
    );
    for (i, sk) in p.skills.iter().enumerate() {
        let skill = &policy.skills[sk.skill];
        let kind = match sk.kind {
            ReqKind::Required => "required",
            ReqKind::Preferred => "preferred",
        };
        let _ = writeln!(
            s,
            "\n### {}. {}, {kind} ({})",
            i + 1,
            escape(&skill.name),
            code(&skill.id)
        );
        for (n, w) in sk.ways.iter().enumerate() {
            way(&mut s, p, &words, sk.skill, n + 1, w);
        }
    }

    decide(&mut s, p, &words);

    if !role.onboarding.is_empty() {
        s.push_str("\n## Onboarding waivers\n\nWhen a skill is met, waive its module and tell the new hire:\n\n");
        for m in &role.onboarding {
            let _ = writeln!(
                s,
                "- {} {}: waive {} ({} hours)",
                escape(&words.waiver(m.waived_by)),
                match m.waived_by {
                    crate::policy::Waiver::Skill(_) => "met",
                    crate::policy::Waiver::Credential(_) => "accepted",
                },
                escape(&m.title.clone().unwrap_or_else(|| sentence_case(&m.id))),
                fmt_num(m.hours)
            );
        }
    }
    s
}

/// The guardrails that bind reviewers, in words, each naming its policy source.
fn guardrails(p: &Posting<'_>) -> Vec<String> {
    let g = &p.policy.guardrails;
    let declared = |name: &str| g.declared.iter().any(|d| d == name);
    let mut out = Vec::new();
    out.push(if g.no_auto_decline {
        "**No automatic decline.** When the rules say decline, the application comes to a \
         person for review (`no_auto_decline`). Your review is the decision: record why."
            .to_owned()
    } else {
        "**Declines stand.** This policy does not declare `no_auto_decline`: a decline from \
         the rules is the outcome unless you escalate it."
            .to_owned()
    });
    let protected: Vec<String> = g.blind_to.iter().map(|a| humanize(a)).collect();
    let proxies: Vec<String> = crate::check::PROXIES
        .iter()
        .filter(|(name, _)| !g.blind_to.iter().any(|b| b == name))
        .map(|(name, _)| humanize(name))
        .collect();
    out.push(format!(
        "**Never use protected attributes.** Do not ask about, look up, infer or note: {}. \
         Nor what can stand in for them: {}. Records keep protected data apart, for audits only.",
        escape(&and_list(&protected)),
        escape(&and_list(&proxies))
    ));
    out.push(
        "**Every way counts the same.** A portfolio piece, a lab, a work sample, experience or \
         a free credential meets a skill exactly as a paid certification does; add no \
         requirement the policy does not state."
            .to_owned(),
    );
    if p.no_degree_required {
        let source = if declared("no_degree_gate") {
            " (`no_degree_gate`)"
        } else {
            ""
        };
        out.push(format!(
            "**No degree required.** A missing degree is never a reason to decline: every \
             required skill can be met without one{source}."
        ));
    }
    if let Some(t) = g.min_tier {
        out.push(format!(
            "**Providers rated {} or higher only.** Credentials from lower-rated providers never \
             count (`min_tier`).",
            escape(&humanize(&p.policy.tiers[t]))
        ));
    }
    if g.verified_only {
        out.push(
            "**Verified credentials only.** A credential counts only once its proof or the \
             issuer confirms it (`verified_only`)."
                .to_owned(),
        );
    }
    let checked = super::proof_checked(p.policy);
    if !checked.is_empty() {
        out.push(format!(
            "**Checked cryptographically:** credentials from {}. credo verifies their Open Badges \
             proof against keys the policy pins; one whose proof failed never counts, whatever \
             else the record says. Look for `proof: failed` in the decision and ask the candidate \
             for the credential as issued.",
            escape(&checked.join(", "))
        ));
    }
    for (name, reason) in &p.role.exceptions {
        out.push(format!(
            "**Exception for this role:** `{name}` is waived: \u{201c}{}\u{201d}",
            escape(reason)
        ));
    }
    if let Some(ai) = &g.adverse_impact {
        let over: Vec<String> = ai.over.iter().map(|a| humanize(a)).collect();
        out.push(format!(
            "**Outcomes are audited.** Selection rates are compared across {}; an impact ratio \
             below {} is flagged (`adverse_impact`).",
            escape(&and_list(&over)),
            fmt_num(ai.ratio)
        ));
    }
    out
}

/// One accept line: its words, its source, and how to check each of its terms.
fn way(s: &mut String, p: &Posting<'_>, words: &Words<'_>, skill: usize, n: usize, w: &Way<'_>) {
    let _ = writeln!(
        s,
        "\n**Way {n}:** {}  \nPolicy: {} ({})\n",
        escape(&w.words),
        code(&format!("accept {}", w.src.text)),
        escape(&w.src.at.to_string())
    );
    match w.cond {
        Cond::And(_) => s.push_str("This way needs every one of its parts.\n\n"),
        Cond::Or(_) => s.push_str("Any one of its parts is enough.\n\n"),
        _ => {}
    }
    for term in &w.credentials {
        credential_table(s, p, skill, term, w);
    }
    for check in term_checks(p, words, w.cond, Some(skill)) {
        let _ = writeln!(s, "- [ ] {check}");
    }
}

/// The catalogue credentials of a credential term, with how to match and date-check each.
fn credential_table(
    s: &mut String,
    p: &Posting<'_>,
    skill: usize,
    term: &CredentialTerm,
    w: &Way<'_>,
) {
    let filter = term.filter.as_ref();
    let (lower, upper) = issue_bounds(filter, p.as_of);
    let mut rows: Vec<(usize, Option<Date>)> =
        term.credentials.iter().map(|&c| (c, None)).collect();
    // Credentials retired by `as_of` still count when issued before their retirement.
    for (c, cred) in p.policy.credentials.iter().enumerate() {
        if term.credentials.contains(&c) || !cred.skills.contains(&skill) {
            continue;
        }
        let retired = [cred.retired, p.policy.providers[cred.provider].retired]
            .into_iter()
            .flatten()
            .min();
        let Some(last) = retired
            .filter(|r| *r <= p.as_of)
            .and_then(|r| r.yesterday().ok())
        else {
            continue;
        };
        if crate::eval::accepted_if_issued(p.policy, c, last, Some(skill), filter, p.as_of) {
            rows.push((c, Some(last)));
        }
    }
    if rows.is_empty() {
        let _ = writeln!(
            s,
            "No catalogue credential satisfies {} as of {}.\n",
            escape(&term.words),
            p.as_of
        );
        return;
    }
    if term.words != w.words {
        let _ = writeln!(s, "For {}:\n", escape(&term.words));
    }
    s.push_str(
        "| Credential | Provider | Match by | Issued | Stays valid |\n|---|---|---|---|---|\n",
    );
    for (c, retired_last) in rows {
        let cred = &p.policy.credentials[c];
        let provider = &p.policy.providers[cred.provider];
        let mut titles = vec![cred.title.clone()];
        titles.extend(cred.aliases.iter().cloned());
        let mut matching = vec![format!("catalogue id {}", code(&cred.id))];
        if !provider.issuers.is_empty() {
            matching.push(format!(
                "issuer {} with title {}",
                escape(&or_list(&provider.issuers)),
                escape(&or_list(&titles))
            ));
        }
        if !cred.achievements.is_empty() {
            let ids: Vec<String> = cred.achievements.iter().map(|a| code(a)).collect();
            matching.push(format!("achievement id {}", or_list(&ids)));
        }
        let mut low = lower;
        if let Some(v) = cred.valid_for {
            low = low.max(earliest(p.as_of, |d| {
                v.add_to(d).is_some_and(|e| e >= p.as_of)
            }));
        }
        let high = retired_last.map_or(upper, |r| upper.min(r));
        let issued = match low {
            Some(l) => format!("{l} to {high}"),
            None => format!("on or before {high}"),
        };
        let valid = match cred.valid_for {
            Some(v) => format!(
                "{} from issue; a shorter expiry on the credential wins",
                crate::render::words::duration(v)
            ),
            None => "does not expire, unless the credential says so".to_owned(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            cell(&escape(&cred.title)),
            cell(&escape(&provider.name)),
            cell(&matching.join("; or ")),
            issued,
            valid
        );
    }
    let verified = p.policy.guardrails.verified_only || demands_verified(filter);
    let _ = writeln!(
        s,
        "\n- [ ] It is one of the credentials above, matched as the table says (an unmatched \
         credential is noted, never guessed)\n\
         - [ ] Issued within the dates shown, and any expiry date on the credential is {} or later\n\
         - [ ] {}",
        p.as_of,
        if verified {
            "Verified with the issuer (the badge's proof or the issuer's verification service): required"
        } else {
            "Verified with the issuer (the badge's proof or the issuer's verification service): \
             recommended; an unverified credential still counts under this policy"
        }
    );
}

/// How to check each non-credential term of a condition (terms under `not` must not hold).
fn term_checks(p: &Posting<'_>, words: &Words<'_>, c: &Cond, skill: Option<usize>) -> Vec<String> {
    match c {
        Cond::And(v) | Cond::Or(v) => v
            .iter()
            .flat_map(|x| term_checks(p, words, x, skill))
            .collect(),
        Cond::Not(x) => term_checks(p, words, x, skill)
            .into_iter()
            .map(|check| format!("must not hold: {check}"))
            .collect(),
        leaf => term_check(p, words, leaf, skill).into_iter().collect(),
    }
}

fn term_check(
    p: &Posting<'_>,
    words: &Words<'_>,
    c: &Cond,
    skill: Option<usize>,
) -> Option<String> {
    let w = escape(&words.cond(c, skill));
    let tagged = skill.map_or_else(|| "any skill".to_owned(), |s| escape(words.skill(s)));
    Some(match c {
        Cond::AtLeast {
            kind: ItemKind::Artifacts,
            filter,
            ..
        } => format!(
            "{w}: count the portfolio pieces tagged with {tagged}, dated {}",
            item_dates(filter.as_deref(), p.as_of)
        ),
        Cond::AtLeast {
            kind: ItemKind::Labs,
            filter,
            ..
        } => format!(
            "{w}: count the labs tagged with {tagged}, completed {}",
            item_dates(filter.as_deref(), p.as_of)
        ),
        Cond::Cmp {
            field: Field::WorkSample,
            ..
        } => format!(
            "{w}: the best work-sample score (0 to 100) for {tagged}; none on file means no"
        ),
        Cond::Cmp {
            field: Field::Experience,
            ..
        } => format!("{w}: add up the months of experience recorded for {tagged}"),
        Cond::Degree { .. } => format!("{w}: a completed degree in the education history"),
        Cond::Cmp {
            field: Field::Attr(i),
            ..
        }
        | Cond::In {
            field: Field::Attr(i),
            ..
        }
        | Cond::Test {
            field: Field::Attr(i),
            ..
        } => format!(
            "{w}: from the candidate attribute {} on file; a missing value means no",
            code(&p.policy.attributes[*i].id)
        ),
        _ => return None,
    })
}

fn demands_verified(filter: Option<&Cond>) -> bool {
    filter.map(parts).unwrap_or_default().iter().any(|c| {
        matches!(
            c,
            Cond::Test {
                field: Field::CredVerified,
                ..
            } | Cond::Cmp {
                field: Field::CredVerified,
                op: CmpOp::Eq,
                value: Value::Bool(true),
                ..
            }
        )
    })
}

/// The decide rules in words, in order, with their source.
fn decide(s: &mut String, p: &Posting<'_>, words: &Words<'_>) {
    let required = p
        .skills
        .iter()
        .filter(|k| k.kind == ReqKind::Required)
        .count();
    let preferred = p.skills.len() - required;
    let _ = writeln!(
        s,
        "\n## Deciding\n\nCount the skills met ({required} required, {preferred} preferred), then \
         take the first rule that holds:\n"
    );
    let default = p.role.decide.iter().any(|r| r.default);
    for (i, r) in p.role.decide.iter().enumerate() {
        let text = escape(&sentence_case(&words.rule(r)));
        if r.default {
            let _ = writeln!(s, "{}. {text}. Default rule: {}", i + 1, code(&r.src.text));
        } else {
            let _ = writeln!(
                s,
                "{}. {text}. Policy: {} ({})",
                i + 1,
                code(&r.src.text),
                escape(&r.src.at.to_string())
            );
        }
    }
    if default {
        s.push_str("\nThis role has no `decide` block: these are the default rules.\n");
    }
    if p.policy.guardrails.no_auto_decline {
        s.push_str(
            "\nA decline from these rules becomes a **review** by a person (`no_auto_decline`).\n",
        );
    }
}

/// Inline code that survives backticks in the text; control and bidi characters escaped.
fn code(text: &str) -> String {
    let text = crate::visible::visible(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// A Markdown table cell: pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
