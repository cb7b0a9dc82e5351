//! What the posting says, as format-neutral blocks: Markdown and HTML render the same blocks,
//! so the two cannot say different things.

use super::{sentence_case, Posting, Way};
use crate::ast::ReqKind;
use crate::render::text::fmt_num;
use crate::render::words::{and_list, Words};

/// A block of the posting.
pub(crate) enum Block {
    /// A heading (level 2–4).
    Heading(u8, String),
    /// A paragraph.
    Para(Vec<Inline>),
    /// A bulleted list.
    List(Vec<Item>),
}

/// Text in a paragraph.
pub(crate) enum Inline {
    /// Plain text.
    Text(String),
    /// Strong emphasis.
    Strong(String),
    /// Emphasis.
    Em(String),
}

/// A list item with optional sub-items.
pub(crate) struct Item {
    pub(crate) text: String,
    pub(crate) sub: Vec<String>,
}

/// The "what we look for" section of the role, block by block.
pub(crate) fn blocks(p: &Posting<'_>) -> Vec<Block> {
    let words = Words::new(p.policy, p.as_of);
    let mut out = vec![Block::Heading(
        2,
        format!("What we look for: {}", p.role.title),
    )];
    let mut intro = Vec::new();
    if p.no_degree_required {
        intro.push(Inline::Strong("No degree required.".into()));
        intro.push(Inline::Text(" ".into()));
    }
    intro.push(Inline::Text(
        "What counts is what you can show: for each skill below, any one of the ways listed is enough.".into(),
    ));
    out.push(Block::Para(intro));

    if let Some(e) = &p.eligibility {
        out.push(Block::Heading(3, "Who can apply".into()));
        out.push(Block::Para(vec![Inline::Text(format!(
            "Applicants must meet this condition: {e}."
        ))]));
    }

    for (kind, title, note) in [
        (ReqKind::Required, "Required skills", None),
        (
            ReqKind::Preferred,
            "Preferred skills",
            Some("Not required, but each one counts in your favour."),
        ),
    ] {
        let skills: Vec<_> = p.skills.iter().filter(|s| s.kind == kind).collect();
        if skills.is_empty() {
            continue;
        }
        out.push(Block::Heading(3, title.into()));
        if let Some(n) = note {
            out.push(Block::Para(vec![Inline::Text(n.into())]));
        }
        for s in skills {
            out.push(Block::Heading(4, words.skill(s.skill).to_owned()));
            out.push(Block::List(
                s.ways.iter().map(|w| way_item(&words, p, w)).collect(),
            ));
        }
    }

    let free = free_items(&words, p);
    if !free.is_empty() {
        out.push(Block::Heading(3, "Free ways in".into()));
        out.push(Block::List(free));
    }

    if !p.role.onboarding.is_empty() {
        out.push(Block::Heading(3, "Prior learning counts".into()));
        out.push(Block::Para(vec![Inline::Text(
            "Show a skill and we waive the onboarding module that teaches it:".into(),
        )]));
        out.push(Block::List(
            p.role
                .onboarding
                .iter()
                .map(|m| Item {
                    text: format!(
                        "{} ({} hour{}), waived when you show {}",
                        m.title.clone().unwrap_or_else(|| sentence_case(&m.id)),
                        fmt_num(m.hours),
                        if m.hours == 1.0 { "" } else { "s" },
                        words.waiver(m.waived_by)
                    ),
                    sub: Vec::new(),
                })
                .collect(),
        ));
    }

    let checked = super::proof_checked(p.policy);
    if !checked.is_empty() {
        out.push(Block::Heading(3, "Digital credentials".into()));
        out.push(Block::Para(vec![Inline::Text(format!(
            "Credentials from {} are checked cryptographically: send the Open Badges credential \
             as issued, with its proof. One whose proof does not check out does not count.",
            checked.join(", ")
        ))]));
    }

    out.push(Block::Para(vec![Inline::Em(format!(
        "Generated from the policy \u{201c}{}\u{201d}, version {}, as of {}.",
        p.policy.name, p.policy.version, p.as_of
    ))]));
    out
}

/// One accepted way, with the catalogue credentials that count for its credential terms.
fn way_item(words: &Words<'_>, p: &Posting<'_>, w: &Way<'_>) -> Item {
    let mut sub = Vec::new();
    for term in w.credentials.iter().filter(|t| !t.named) {
        let names: Vec<String> = term
            .credentials
            .iter()
            .map(|&c| {
                let free = p.policy.credentials[c].cost == Some(0.0);
                let cost = match (free, words.open_to(c)) {
                    (false, _) => String::new(),
                    (true, None) => " (no cost)".to_owned(),
                    (true, Some(who)) => format!(" (free for {who})"),
                };
                format!("{}{cost}", words.credential(c))
            })
            .collect();
        let which = if term.words == w.words {
            String::new()
        } else {
            format!(" for \u{201c}{}\u{201d}", term.words)
        };
        sub.push(if names.is_empty() {
            format!("no credential in our catalogue counts{which} at present")
        } else if term.needed > 1 {
            format!(
                "credentials that count{which} (any {}): {}",
                term.needed,
                names.join("; ")
            )
        } else {
            format!("credentials that count{which}: {}", names.join("; "))
        });
    }
    Item {
        text: w.words.clone(),
        sub,
    }
}

fn free_items(words: &Words<'_>, p: &Posting<'_>) -> Vec<Item> {
    let mut items: Vec<Item> = p
        .free_credentials
        .iter()
        .map(|(c, skills)| {
            let names: Vec<String> = skills.iter().map(|s| words.skill(*s).to_owned()).collect();
            Item {
                text: match words.open_to(*c) {
                    None => format!(
                        "{} costs nothing and counts toward {}.",
                        words.credential(*c),
                        and_list(&names)
                    ),
                    Some(who) => format!(
                        "{} is free for {who}, and counts toward {}.",
                        words.credential(*c),
                        and_list(&names)
                    ),
                },
                sub: Vec::new(),
            }
        })
        .collect();
    let required: Vec<usize> = p
        .skills
        .iter()
        .filter(|s| s.kind == ReqKind::Required)
        .map(|s| s.skill)
        .collect();
    if !required.is_empty() {
        let paid: Vec<String> = p
            .paid_only
            .iter()
            .map(|s| words.skill(*s).to_owned())
            .collect();
        let text = if paid.is_empty() {
            "Every required skill can be shown without paying for a credential.".to_owned()
        } else if paid.len() == required.len() {
            "Each required skill needs a paid credential.".to_owned()
        } else {
            format!(
                "Every required skill except {} can be shown without paying for a credential.",
                and_list(&paid)
            )
        };
        items.push(Item {
            text,
            sub: Vec::new(),
        });
    }
    items
}
