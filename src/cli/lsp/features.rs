//! The answers to requests: hover, go to definition, completion, document symbols, formatting.
//! Each takes the document's [`Analysis`] and a byte offset; none can fail on any text.

use super::analysis::{Analysis, Declared, Kind};
use super::context::{expect_at, word_at, Block, Expect};
use credo::ast::{Decl, GuardrailKind, ReqKind};
use credo::render::words::Words;
use credo::source::Span;
use jiff::civil::Date;
use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, SymbolKind, TextEdit, Uri,
};

/// Most catalogue credentials listed under an accept line's words.
const MAX_LISTED: usize = 10;

/// The declarations a name at `offset` may refer to: of the kind the place expects, else of any
/// kind. Empty when the offset is not on a declared name or the text does not parse (spans
/// from an older text would point at the wrong place).
pub fn resolve(a: &Analysis, offset: usize) -> Vec<&Declared> {
    let (start, end) = word_at(&a.text, offset);
    if start == end || !a.parsed {
        return Vec::new();
    }
    let name = &a.text[start..end];
    let all: Vec<&Declared> = a.names.all.iter().filter(|d| d.name == name).collect();
    let kind = match expect_at(&a.text, start) {
        Expect::Name(k) => Some(k),
        Expect::Protected => Some(Kind::Attribute),
        _ => None,
    };
    // The name of a declaration is that declaration.
    if let Some(d) = all.iter().find(|d| d.at.start as usize == start) {
        return vec![d];
    }
    let of_kind: Vec<&Declared> = all
        .iter()
        .copied()
        .filter(|d| Some(d.kind) == kind)
        .collect();
    if of_kind.is_empty() {
        all
    } else {
        of_kind
    }
}

/// Go to definition: where the name at `offset` is declared.
pub fn definition(a: &Analysis, uri: &Uri, offset: usize) -> Vec<Location> {
    resolve(a, offset)
        .into_iter()
        .map(|d| Location::new(uri.clone(), a.range(d.at)))
        .collect()
}

/// Hover: a declared name's details, or an `accept`, `eligible when` or `decide` line in plain
/// words (with the catalogue credentials that satisfy it as of `as_of`).
pub fn hover(a: &Analysis, offset: usize, as_of: Date) -> Option<Hover> {
    let found = resolve(a, offset);
    let (value, span) = if let Some(d) = found.first() {
        let (start, end) = word_at(&a.text, offset);
        let text: Vec<String> = found.iter().map(|d| details(a, d)).collect();
        (text.join("\n\n---\n\n"), Span::new(d.at.file, start, end))
    } else {
        line_in_words(a, offset, as_of)?
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(a.range(span)),
    })
}

/// The condition line of the compiled policy around `offset`, in words. A line counts from
/// its first character (the `accept`, `eligible when` or outcome word) to its end.
fn line_in_words(a: &Analysis, offset: usize, as_of: Date) -> Option<(String, Span)> {
    let policy = a.policy.as_ref()?;
    let words = Words::new(policy, as_of);
    let line_of = |s: Span| {
        let start = a.text.get(..s.start as usize).unwrap_or("");
        let from = start.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        Span::new(s.file, from, s.end as usize)
    };
    let inside = |s: Span| {
        let s = line_of(s);
        (s.start as usize) <= offset && offset <= s.end as usize
    };
    for role in &policy.roles {
        for req in &role.requirements {
            if let Some(line) = req.lines.iter().find(|l| inside(l.src.span)) {
                let kind = match req.kind {
                    ReqKind::Required => "required",
                    ReqKind::Preferred => "preferred",
                };
                let said = words.cond(&line.cond, Some(req.skill));
                let mut md = format!(
                    "**accept** `{}`\n\n{kind} skill *{}* of role `{}` — accepted with: **{}**",
                    code(&line.src.text),
                    escape(words.skill(req.skill)),
                    role.id,
                    escape(&said),
                );
                let terms = words.credential_terms(&line.cond, Some(req.skill));
                for term in &terms {
                    let names: Vec<String> = (term.credentials.iter().take(MAX_LISTED))
                        .map(|&c| escape(&words.credential(c)))
                        .collect();
                    let more = term.credentials.len().saturating_sub(MAX_LISTED);
                    let listed = match (names.is_empty(), more) {
                        (true, _) => "none in the catalogue".to_owned(),
                        (false, 0) => names.join(", "),
                        (false, more) => format!("{} and {more} more", names.join(", ")),
                    };
                    let what = if terms.len() == 1 && term.words == said {
                        "the catalogue credentials that meet it".to_owned()
                    } else {
                        escape(&term.words)
                    };
                    md.push_str(&format!("\n\n{what}, on {as_of}: {listed}"));
                }
                return Some((md, line_of(line.src.span)));
            }
        }
        if let Some((cond, src)) = role.eligible.as_ref().filter(|(_, s)| inside(s.span)) {
            let md = format!(
                "**eligible when** `{}`\n\nrole `{}` considers a candidate only when: **{}**",
                code(&src.text),
                role.id,
                escape(&words.cond(cond, None))
            );
            return Some((md, line_of(src.span)));
        }
        if let Some(rule) = role
            .decide
            .iter()
            .find(|r| !r.default && inside(r.src.span))
        {
            let md = format!(
                "`{}`\n\nrole `{}`: **{}**",
                code(&rule.src.text),
                role.id,
                escape(&words.rule(rule))
            );
            return Some((md, line_of(rule.src.span)));
        }
    }
    None
}

/// A declaration's details in Markdown.
fn details(a: &Analysis, d: &Declared) -> String {
    let mut md = format!("**{}** `{}`", d.kind.word(), d.name);
    let mut line = |label: &str, value: String| {
        if !value.is_empty() {
            md.push_str(&format!("\n\n{label}: {value}"));
        }
    };
    let list = |v: Vec<String>| v.join(", ");
    let text = |s: Span| code(a.text.get(s.start as usize..s.end as usize).unwrap_or(""));
    let decl = a.decls.iter().find(|x| decl_span(x) == Some(d.span));
    match decl {
        Some(Decl::Skill(s)) => {
            line("name", escape(&s.name.node));
            line(
                "code",
                s.code.as_ref().map_or(String::new(), |c| escape(&c.node)),
            );
            let by: Vec<String> = credentials(a)
                .filter(|c| {
                    c.skills
                        .as_ref()
                        .is_some_and(|l| l.node.iter().any(|x| x.node == d.name))
                })
                .map(|c| format!("`{}`", c.id.node))
                .collect();
            line("evidenced by", list(by));
            let roles: Vec<String> = roles(a)
                .filter(|r| r.requirements.iter().any(|q| q.skill.node == d.name))
                .map(|r| format!("`{}`", r.id.node))
                .collect();
            line("asked for by", list(roles));
        }
        Some(Decl::Credential(c)) => {
            line(
                "title",
                c.title.as_ref().map_or(String::new(), |t| escape(&t.node)),
            );
            if let Some(p) = &c.provider {
                let named = a
                    .names
                    .all
                    .iter()
                    .find(|n| n.kind == Kind::Provider && n.name == p.node);
                let name = named.map_or(String::new(), |n| format!(" ({})", escape(&n.detail)));
                line("provider", format!("`{}`{name}", p.node));
            }
            if let Some(s) = &c.skills {
                line(
                    "skills",
                    list(s.node.iter().map(|x| format!("`{}`", x.node)).collect()),
                );
            }
            line(
                "assessment",
                c.assessment
                    .as_ref()
                    .map_or(String::new(), |x| format!("`{}`", x.node)),
            );
            line(
                "hours",
                c.hours.as_ref().map_or(String::new(), |h| text(h.span)),
            );
            line(
                "valid for",
                c.valid_for
                    .as_ref()
                    .map_or(String::new(), |v| credo::render::words::duration(v.node)),
            );
            line(
                "cost",
                c.cost.as_ref().map_or(String::new(), |v| text(v.span)),
            );
            line(
                "aliases",
                list(c.aliases.iter().map(|x| escape(&x.node)).collect()),
            );
            line(
                "achievements",
                list(c.achievements.iter().map(|x| escape(&x.node)).collect()),
            );
            line(
                "stacks into",
                list(
                    c.stacks_into
                        .iter()
                        .map(|x| format!("`{}`", x.node))
                        .collect(),
                ),
            );
            line(
                "retired",
                c.retired
                    .as_ref()
                    .map_or(String::new(), |r| r.node.to_string()),
            );
        }
        Some(Decl::Provider(p)) => {
            line(
                "name",
                p.name.as_ref().map_or(String::new(), |n| escape(&n.node)),
            );
            line(
                "tier",
                p.tier
                    .as_ref()
                    .map_or(String::new(), |t| format!("`{}`", t.node)),
            );
            line(
                "issuers",
                list(p.issuers.iter().map(|x| escape(&x.node)).collect()),
            );
            line(
                "retired",
                p.retired
                    .as_ref()
                    .map_or(String::new(), |r| r.node.to_string()),
            );
            let creds: Vec<String> = credentials(a)
                .filter(|c| c.provider.as_ref().is_some_and(|x| x.node == d.name))
                .map(|c| format!("`{}`", c.id.node))
                .collect();
            line("credentials", list(creds));
        }
        Some(Decl::Role(r)) => {
            line(
                "title",
                r.title.as_ref().map_or(String::new(), |t| escape(&t.node)),
            );
            line(
                "family",
                r.family.as_ref().map_or(String::new(), |t| escape(&t.node)),
            );
            line(
                "eligible when",
                r.eligible.as_ref().map_or(String::new(), |e| text(e.span)),
            );
            for (kind, label) in [
                (ReqKind::Required, "requires"),
                (ReqKind::Preferred, "prefers"),
            ] {
                let skills: Vec<String> = (r.requirements.iter())
                    .filter(|q| q.kind == kind)
                    .map(|q| format!("`{}`", q.skill.node))
                    .collect();
                line(label, list(skills));
            }
            let modules: Vec<String> = r
                .onboarding
                .iter()
                .map(|m| format!("`{}`", m.id.node))
                .collect();
            line("onboarding", list(modules));
        }
        Some(Decl::Attribute(at)) => {
            line("type", format!("`{}`", d.detail));
            let protected = credo::check::PROTECTED.contains(&at.id.node.as_str())
                || a.decls.iter().any(|x| match x {
                    Decl::Guardrails(g) => g.items.iter().any(|i| match &i.kind {
                        GuardrailKind::BlindTo(v) => v.iter().any(|n| n.node == d.name),
                        GuardrailKind::AdverseImpact { over, .. } => {
                            over.iter().any(|n| n.node == d.name)
                        }
                        _ => false,
                    }),
                    _ => false,
                });
            if protected {
                line(
                    "protected",
                    "decisions may not depend on it (SPEC §6)".to_owned(),
                );
            }
        }
        _ => line("", d.detail.clone()),
    }
    md.replace("\n\n: ", "\n\n")
}

fn credentials(a: &Analysis) -> impl Iterator<Item = &credo::ast::CredentialDecl> {
    a.decls.iter().filter_map(|d| match d {
        Decl::Credential(c) => Some(c),
        _ => None,
    })
}

fn roles(a: &Analysis) -> impl Iterator<Item = &credo::ast::RoleDecl> {
    a.decls.iter().filter_map(|d| match d {
        Decl::Role(r) => Some(r),
        _ => None,
    })
}

fn decl_span(d: &Decl) -> Option<Span> {
    Some(match d {
        Decl::Skill(x) => x.span,
        Decl::Credential(x) => x.span,
        Decl::Provider(x) => x.span,
        Decl::Role(x) => x.span,
        Decl::Attribute(x) => x.span,
        _ => return None,
    })
}

/// Text for Markdown: control characters escaped, Markdown's own characters too.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in credo::visible::visible(s).chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for a Markdown code span: control characters escaped, backticks replaced.
fn code(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    credo::visible::visible(&one_line).replace('`', "'")
}

/// The words of a block: its keywords and, on an accept line, the fields a `where` may name
/// as the checker knows them (each once).
fn words(block: Block) -> Vec<&'static str> {
    let mut words = keywords(block).to_vec();
    if block == Block::Accept {
        let fields = [
            credo::check::WHERE_CREDENTIAL_FIELDS,
            credo::check::WHERE_ARTIFACT_FIELDS,
            credo::check::WHERE_LAB_FIELDS,
        ];
        for f in fields.into_iter().flatten() {
            if !words.contains(f) {
                words.push(f);
            }
        }
    }
    words
}

/// Words that start a line or continue a condition in each block.
fn keywords(block: Block) -> &'static [&'static str] {
    match block {
        Block::Top => &[
            "policy",
            "attribute",
            "skill",
            "provider",
            "credential",
            "role",
            "guardrails",
            "exception",
        ],
        // The block fields come from the parser that checks them, so they cannot drift.
        Block::Policy => credo::parse::POLICY_FIELDS,
        Block::Provider => credo::parse::PROVIDER_FIELDS,
        Block::Credential => credo::parse::CREDENTIAL_FIELDS,
        Block::Role => &[
            "title",
            "family",
            "eligible",
            "when",
            "require",
            "prefer",
            "decide",
            "onboarding",
            "candidate",
            "and",
            "or",
            "not",
            "in",
        ],
        // The expression words; the fields of SPEC §4's contexts come from the checker (see
        // `words`).
        Block::Accept => &[
            "accept",
            "any",
            "credential",
            "at",
            "least",
            "credentials",
            "artifacts",
            "labs",
            "where",
            "and",
            "or",
            "not",
            "in",
            "degree",
            "met",
            "work_sample",
            "experience",
            "candidate",
            "true",
            "false",
        ],
        Block::Decide => &[
            "advance",
            "review",
            "decline",
            "when",
            "otherwise",
            "required_met",
            "required_missing",
            "required_total",
            "preferred_met",
            "preferred_total",
            "coverage",
            "candidate",
            "and",
            "or",
            "not",
            "in",
        ],
        Block::Onboarding => &["module", "hours", "waived_by"],
        Block::Guardrails => &[
            "skills_per_role",
            "min_tier",
            "verified_only",
            "no_degree_gate",
            "free_pathway",
            "no_auto_decline",
            "blind_to",
            "adverse_impact",
            "over",
            "selected",
        ],
        Block::Other => &[],
    }
}

/// Completion: the names and words valid at `offset`.
pub fn completion(a: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let item = |label: &str, kind, detail: &str| CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| credo::visible::visible(detail).into_owned()),
        ..Default::default()
    };
    let fixed = |words: &[&str], kind, detail: &str| -> Vec<CompletionItem> {
        words.iter().map(|w| item(w, kind, detail)).collect()
    };
    match expect_at(&a.text, offset) {
        Expect::Name(kind) => {
            let item_kind = match kind {
                Kind::Skill => CompletionItemKind::CONSTANT,
                Kind::Credential => CompletionItemKind::STRUCT,
                Kind::Provider => CompletionItemKind::MODULE,
                Kind::Role => CompletionItemKind::CLASS,
                Kind::Attribute => CompletionItemKind::FIELD,
                Kind::Tier | Kind::Assessment => CompletionItemKind::ENUM_MEMBER,
            };
            (a.names.of(kind).iter())
                .map(|(name, detail)| item(name, item_kind, detail))
                .collect()
        }
        Expect::AttrType => fixed(
            &["bool", "number", "string", "date"],
            CompletionItemKind::TYPE_PARAMETER,
            "attribute type",
        ),
        Expect::Waivable => fixed(
            credo::check::STATIC_GUARDRAILS,
            CompletionItemKind::PROPERTY,
            "guardrail",
        ),
        Expect::Outcome => fixed(
            &["advance", "review", "decline"],
            CompletionItemKind::ENUM_MEMBER,
            "outcome",
        ),
        Expect::Protected => {
            let mut out: Vec<CompletionItem> = (a.names.of(Kind::Attribute).iter())
                .map(|(n, d)| item(n, CompletionItemKind::FIELD, d))
                .collect();
            for p in credo::check::PROTECTED {
                if !out.iter().any(|i| i.label == *p) {
                    out.push(item(p, CompletionItemKind::FIELD, "protected attribute"));
                }
            }
            out
        }
        Expect::NewName => Vec::new(),
        Expect::Words(block) => fixed(&words(block), CompletionItemKind::KEYWORD, ""),
    }
}

/// Formatting: the whole text replaced by its canonical layout, no edit when it is already
/// canonical, `None` when it does not parse (its diagnostics say why).
pub fn formatting(a: &Analysis, name: &str) -> Option<Vec<TextEdit>> {
    let formatted = credo::fmt::format_text(name, &a.text).ok()?;
    if formatted == a.text {
        return Some(Vec::new());
    }
    let whole = a.lines.range(&a.text, 0, a.text.len());
    Some(vec![TextEdit::new(whole, formatted)])
}

/// The outline: declarations, a role's requirements (with their accept lines), decide block
/// and onboarding modules, the guardrails.
pub fn symbols(a: &Analysis) -> Vec<DocumentSymbol> {
    let sym = |name: String, detail: Option<String>, kind, span: Span, at: Span, children| {
        #[allow(deprecated)]
        DocumentSymbol {
            name: if name.is_empty() {
                "_".to_owned()
            } else {
                credo::visible::visible(&name).into_owned()
            },
            detail: detail.map(|d| credo::visible::visible(&d).into_owned()),
            kind,
            tags: None,
            deprecated: None,
            range: a.range(span),
            selection_range: a.range(at),
            children,
        }
    };
    let slice = |s: Span| code(a.text.get(s.start as usize..s.end as usize).unwrap_or(""));
    let mut out = Vec::new();
    for d in &a.decls {
        out.push(match d {
            Decl::Policy(p) => sym(
                p.name.node.clone(),
                None,
                SymbolKind::NAMESPACE,
                p.span,
                p.name.span,
                None,
            ),
            Decl::Attribute(x) => sym(
                x.id.node.clone(),
                Some(slice(x.ty.span)),
                SymbolKind::FIELD,
                x.span,
                x.id.span,
                None,
            ),
            Decl::Skill(x) => sym(
                x.id.node.clone(),
                Some(x.name.node.clone()),
                SymbolKind::CONSTANT,
                x.span,
                x.id.span,
                None,
            ),
            Decl::Provider(x) => sym(
                x.id.node.clone(),
                x.name.as_ref().map(|n| n.node.clone()),
                SymbolKind::MODULE,
                x.span,
                x.id.span,
                None,
            ),
            Decl::Credential(x) => sym(
                x.id.node.clone(),
                x.title.as_ref().map(|n| n.node.clone()),
                SymbolKind::STRUCT,
                x.span,
                x.id.span,
                None,
            ),
            Decl::Role(r) => {
                let mut children = Vec::new();
                for q in &r.requirements {
                    let word = match q.kind {
                        ReqKind::Required => "require",
                        ReqKind::Preferred => "prefer",
                    };
                    let lines: Vec<DocumentSymbol> = (q.accepts.iter())
                        .filter(|_| !q.implicit)
                        .map(|l| {
                            sym(
                                slice(l.span),
                                None,
                                SymbolKind::BOOLEAN,
                                l.span,
                                l.span,
                                None,
                            )
                        })
                        .collect();
                    children.push(sym(
                        format!("{word} {}", q.skill.node),
                        None,
                        SymbolKind::PROPERTY,
                        q.span,
                        q.skill.span,
                        (!lines.is_empty()).then_some(lines),
                    ));
                }
                if let Some(e) = &r.decide {
                    let rules: Vec<DocumentSymbol> = (e.rules.iter())
                        .map(|x| {
                            sym(
                                slice(x.span),
                                None,
                                SymbolKind::EVENT,
                                x.span,
                                x.outcome.span,
                                None,
                            )
                        })
                        .collect();
                    children.push(sym(
                        "decide".into(),
                        None,
                        SymbolKind::OBJECT,
                        e.span,
                        e.span,
                        Some(rules),
                    ));
                }
                for m in &r.onboarding {
                    children.push(sym(
                        m.id.node.clone(),
                        Some(slice(m.span)),
                        SymbolKind::METHOD,
                        m.span,
                        m.id.span,
                        None,
                    ));
                }
                let title = r.title.as_ref().map(|n| n.node.clone());
                sym(
                    r.id.node.clone(),
                    title,
                    SymbolKind::CLASS,
                    r.span,
                    r.id.span,
                    Some(children),
                )
            }
            Decl::Guardrails(g) => {
                let items: Vec<DocumentSymbol> = (g.items.iter())
                    .map(|i| {
                        sym(
                            i.name.node.clone(),
                            Some(slice(i.span)),
                            SymbolKind::PROPERTY,
                            i.span,
                            i.name.span,
                            None,
                        )
                    })
                    .collect();
                sym(
                    "guardrails".into(),
                    None,
                    SymbolKind::NAMESPACE,
                    g.span,
                    g.span,
                    Some(items),
                )
            }
            Decl::Exception(e) => sym(
                format!("exception {} for role {}", e.guardrail.node, e.role.node),
                Some(e.reason.node.clone()),
                SymbolKind::EVENT,
                e.span,
                e.guardrail.span,
                None,
            ),
        });
    }
    out
}
