//! Parsing: source text → [`ast::PolicySet`](crate::ast::PolicySet), with pest doing the
//! tokenising and one lowering function per grammar rule building the typed tree.

mod expected;
mod fields;
pub use fields::{CREDENTIAL_FIELDS, POLICY_FIELDS, PROVIDER_FIELDS};

use crate::ast::*;
use crate::diag::{did_you_mean, Diag};
use crate::source::{FileId, SourceMap, Span};
use jiff::civil::Date;
use pest::iterators::Pair;
use pest::Parser as _;

mod grammar {
    #![allow(missing_docs)]
    /// The pest parser generated from `grammar/credo.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/credo.pest"]
    pub struct CredoParser;
}
use grammar::CredoParser;
pub use grammar::Rule;

/// Parses every file of `sources` into one policy set; syntax and lowering errors are collected.
pub fn parse(sources: &SourceMap) -> (PolicySet, Vec<Diag>) {
    let mut set = PolicySet::default();
    let mut diags = Vec::new();
    for (i, _) in sources.files().iter().enumerate() {
        let file = FileId(i as u32);
        let (decls, mut d) = parse_file(sources, file);
        set.decls.extend(decls);
        diags.append(&mut d);
    }
    (set, diags)
}

/// Parses one file.
pub fn parse_file(sources: &SourceMap, file: FileId) -> (Vec<Decl>, Vec<Diag>) {
    let text = sources.file(file).text.clone();
    if let Some(d) = too_deep(file, &text) {
        return (Vec::new(), vec![d]);
    }
    let mut lw = Lower {
        file,
        diags: Vec::new(),
    };
    match CredoParser::parse(Rule::file, &text) {
        Ok(mut pairs) => {
            let decls = match pairs.next() {
                Some(file_pair) => file_pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::EOI)
                    .filter_map(|p| lw.decl(p))
                    .collect(),
                None => Vec::new(),
            };
            (decls, lw.diags)
        }
        Err(e) => (Vec::new(), vec![expected::syntax_error(file, &text, e)]),
    }
}

/// Parses a standalone expression (used by tests and tools).
pub fn parse_expr(text: &str, file: FileId) -> Result<Expr, Diag> {
    let mut lw = Lower {
        file,
        diags: Vec::new(),
    };
    let mut pairs =
        CredoParser::parse(Rule::expr, text).map_err(|e| expected::syntax_error(file, text, e))?;
    let pair = pairs
        .next()
        .ok_or_else(|| Diag::error("credo::syntax", Span::new(file, 0, 0), "empty expression"))?;
    let e = lw.expr(pair);
    match lw.diags.into_iter().next() {
        Some(d) => Err(d),
        None => Ok(e),
    }
}

pub(crate) struct Lower {
    pub(crate) file: FileId,
    pub(crate) diags: Vec<Diag>,
}

impl Lower {
    /// The span of a pair without the whitespace and comments pest lets trail into it.
    pub(crate) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.start() + trimmed_len(s.as_str()))
    }

    pub(crate) fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Spanned::new(pair.as_str().to_owned(), self.span(&pair))
    }

    fn decl(&mut self, pair: Pair<'_, Rule>) -> Option<Decl> {
        Some(match pair.as_rule() {
            Rule::policy_decl => Decl::Policy(self.policy_decl(pair)),
            Rule::attribute_decl => Decl::Attribute(self.attribute_decl(pair)?),
            Rule::skill_decl => Decl::Skill(self.skill_decl(pair)),
            Rule::provider_decl => Decl::Provider(self.provider_decl(pair)),
            Rule::credential_decl => Decl::Credential(self.credential_decl(pair)),
            Rule::role_decl => Decl::Role(self.role_decl(pair)),
            Rule::guardrails_decl => Decl::Guardrails(self.guardrails_decl(pair)),
            Rule::exception_decl => Decl::Exception(self.exception_decl(pair)),
            r => unreachable!("{r:?}"),
        })
    }

    /// Inner pairs without keyword and punctuation tokens.
    fn meaningful<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
        pair.into_inner().filter(|p| !is_token(p.as_rule()))
    }

    fn policy_decl(&mut self, pair: Pair<'_, Rule>) -> PolicyDecl {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let name = match inner.next() {
            Some(p) => self.string(p),
            None => Spanned::new(String::new(), span),
        };
        let mut decl = PolicyDecl {
            name,
            version: None,
            effective: None,
            owner: None,
            tiers: None,
            assessments: None,
            span,
        };
        let fields = self.fields(inner, "policy");
        for (key, value) in fields {
            match key.node.as_str() {
                "version" => decl.version = self.want_string(&key, value),
                "effective" => decl.effective = self.want_date(&key, value),
                "owner" => decl.owner = self.want_string(&key, value),
                "tiers" => decl.tiers = self.want_ident_list(&key, value),
                "assessments" => decl.assessments = self.want_ident_list(&key, value),
                _ => self.unknown_field(&key, "policy", fields::POLICY_FIELDS),
            }
        }
        decl
    }

    fn attribute_decl(&mut self, pair: Pair<'_, Rule>) -> Option<AttributeDecl> {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let id = self.ident(inner.next()?);
        let ty_pair = inner.next()?;
        let ty_span = self.span(&ty_pair);
        let ty = match ty_pair.as_str() {
            "bool" => AttrType::Bool,
            "number" => AttrType::Number,
            "string" => AttrType::String,
            "date" => AttrType::Date,
            other => {
                let help = did_you_mean(other, ["bool", "number", "string", "date"])
                    .unwrap_or_else(|| "write `bool`, `number`, `string` or `date`".into());
                self.diags.push(
                    Diag::error(
                        "credo::syntax::attribute-type",
                        ty_span,
                        format!("unknown attribute type `{other}`"),
                    )
                    .label("not a type")
                    .help(help),
                );
                AttrType::String
            }
        };
        Some(AttributeDecl {
            id,
            ty: Spanned::new(ty, ty_span),
            span,
        })
    }

    fn skill_decl(&mut self, pair: Pair<'_, Rule>) -> SkillDecl {
        let span = self.span(&pair);
        let mut id = None;
        let mut name = None;
        let mut code = None;
        for p in Self::meaningful(pair) {
            match p.as_rule() {
                Rule::ident => id = Some(self.ident(p)),
                Rule::string if name.is_none() => name = Some(self.string(p)),
                Rule::string => code = Some(self.string(p)),
                r => unreachable!("{r:?}"),
            }
        }
        SkillDecl {
            id: id.unwrap_or_else(|| Spanned::new(String::new(), span)),
            name: name.unwrap_or_else(|| Spanned::new(String::new(), span)),
            code,
            span,
        }
    }

    fn provider_decl(&mut self, pair: Pair<'_, Rule>) -> ProviderDecl {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let id = inner
            .next()
            .map(|p| self.ident(p))
            .unwrap_or_else(|| Spanned::new(String::new(), span));
        let mut decl = ProviderDecl {
            id,
            name: None,
            tier: None,
            issuers: Vec::new(),
            keys: Vec::new(),
            jwks: None,
            retired: None,
            span,
        };
        for (key, value) in self.fields(inner, "provider") {
            match key.node.as_str() {
                "name" => decl.name = self.want_string(&key, value),
                "tier" => decl.tier = self.want_ident(&key, value),
                "issuers" => decl.issuers = self.want_string_list(&key, value),
                "keys" => decl.keys = self.want_string_list(&key, value),
                "jwks" => decl.jwks = self.want_string(&key, value),
                "retired" => decl.retired = self.want_date(&key, value),
                _ => self.unknown_field(&key, "provider", fields::PROVIDER_FIELDS),
            }
        }
        decl
    }

    fn credential_decl(&mut self, pair: Pair<'_, Rule>) -> CredentialDecl {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let id = inner
            .next()
            .map(|p| self.ident(p))
            .unwrap_or_else(|| Spanned::new(String::new(), span));
        let mut d = CredentialDecl {
            id,
            title: None,
            provider: None,
            skills: None,
            achievements: Vec::new(),
            aliases: Vec::new(),
            assessment: None,
            hours: None,
            valid_for: None,
            cost: None,
            stacks_into: Vec::new(),
            retired: None,
            open_to: None,
            span,
        };
        let (open_to, fields): (Vec<_>, Vec<_>) = inner.partition(|p| p.as_rule() == Rule::open_to);
        for o in open_to {
            let span = self.span(&o);
            if let Some(e) = Self::meaningful(o).next() {
                if let Some((first, _)) = &d.open_to {
                    self.diags.push(
                        Diag::error(
                            "credo::syntax::duplicate-field",
                            span,
                            "`open_to` is given twice in this credential",
                        )
                        .label("second time")
                        .with_label(*first, "first time")
                        .help("join the two conditions with `and` in one `open_to`"),
                    );
                    continue;
                }
                d.open_to = Some((span, self.expr(e)));
            }
        }
        for (key, value) in self.fields(fields.into_iter(), "credential") {
            match key.node.as_str() {
                "title" => d.title = self.want_string(&key, value),
                "provider" => d.provider = self.want_ident(&key, value),
                "skills" => d.skills = self.want_ident_list(&key, value),
                "achievements" => d.achievements = self.want_string_list(&key, value),
                "aliases" => d.aliases = self.want_string_list(&key, value),
                "assessment" => d.assessment = self.want_ident(&key, value),
                "hours" => d.hours = self.want_number(&key, value),
                "valid_for" => d.valid_for = self.want_duration(&key, value),
                "cost" => d.cost = self.want_cost(&key, value),
                "stacks_into" => {
                    d.stacks_into = self
                        .want_ident_list(&key, value)
                        .map(|l| l.node)
                        .unwrap_or_default()
                }
                "retired" => d.retired = self.want_date(&key, value),
                _ => self.unknown_field(&key, "credential", fields::CREDENTIAL_FIELDS),
            }
        }
        d
    }

    fn role_decl(&mut self, pair: Pair<'_, Rule>) -> RoleDecl {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let id = inner
            .next()
            .map(|p| self.ident(p))
            .unwrap_or_else(|| Spanned::new(String::new(), span));
        let mut role = RoleDecl {
            id,
            title: None,
            family: None,
            eligible: None,
            requirements: Vec::new(),
            decide: None,
            onboarding: Vec::new(),
            repeated: Vec::new(),
            span,
        };
        let mut seen_onboarding = false;
        for item in inner {
            let item_span = self.span(&item);
            match item.as_rule() {
                Rule::role_title => {
                    let s = Self::meaningful(item).next().map(|p| self.string(p));
                    if role.title.is_some() {
                        role.repeated.push(("title", item_span));
                    }
                    role.title = s;
                }
                Rule::role_family => {
                    let s = Self::meaningful(item).next().map(|p| self.string(p));
                    if role.family.is_some() {
                        role.repeated.push(("family", item_span));
                    }
                    role.family = s;
                }
                Rule::eligible => {
                    if let Some(e) = Self::meaningful(item).next() {
                        if role.eligible.is_some() {
                            role.repeated.push(("eligible", item_span));
                        }
                        role.eligible = Some(self.expr(e));
                    }
                }
                Rule::requirement => role.requirements.push(self.requirement(item)),
                Rule::decide_block => {
                    if role.decide.is_some() {
                        role.repeated.push(("decide", item_span));
                    }
                    role.decide = Some(self.decide_block(item));
                }
                Rule::onboarding_block => {
                    if seen_onboarding {
                        role.repeated.push(("onboarding", item_span));
                    }
                    seen_onboarding = true;
                    for m in Self::meaningful(item) {
                        if let Some(m) = self.module(m) {
                            role.onboarding.push(m);
                        }
                    }
                }
                r => unreachable!("{r:?}"),
            }
        }
        role
    }

    fn requirement(&mut self, pair: Pair<'_, Rule>) -> Requirement {
        let span = self.span(&pair);
        let mut kind = ReqKind::Required;
        let mut skill = Spanned::new(String::new(), span);
        let mut accepts = Vec::new();
        let mut implicit = true;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::req_kind => {
                    kind = if p.as_str() == "prefer" {
                        ReqKind::Preferred
                    } else {
                        ReqKind::Required
                    }
                }
                Rule::ident => skill = self.ident(p),
                Rule::accept_block => {
                    implicit = false;
                    for line in Self::meaningful(p) {
                        let line_span = self.span(&line);
                        if let Some(e) = Self::meaningful(line).next() {
                            accepts.push(AcceptLine {
                                expr: self.expr(e),
                                span: line_span,
                            });
                        }
                    }
                }
                r => unreachable!("{r:?}"),
            }
        }
        if implicit {
            accepts.push(AcceptLine {
                expr: Spanned::new(ExprKind::AnyCredential(None), skill.span),
                span: skill.span,
            });
        }
        Requirement {
            kind,
            skill,
            accepts,
            implicit,
            span,
        }
    }

    fn decide_block(&mut self, pair: Pair<'_, Rule>) -> DecideBlock {
        let span = self.span(&pair);
        let mut rules = Vec::new();
        for rule in Self::meaningful(pair) {
            let rspan = self.span(&rule);
            let mut inner = rule.into_inner();
            let Some(outcome) = inner.next().map(|p| self.ident(p)) else {
                continue;
            };
            let mut cond = None;
            for p in inner {
                if p.as_rule() == Rule::expr {
                    cond = Some(self.expr(p));
                }
            }
            rules.push(DecideRule {
                outcome,
                cond,
                span: rspan,
            });
        }
        DecideBlock { rules, span }
    }

    fn module(&mut self, pair: Pair<'_, Rule>) -> Option<Module> {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let id = self.ident(inner.next()?);
        let mut next = inner.next()?;
        let title = if next.as_rule() == Rule::string {
            let title = self.string(next);
            next = inner.next()?;
            Some(title)
        } else {
            None
        };
        let hours = self.number(next);
        let waived_by = self.ident(inner.next()?);
        Some(Module {
            id,
            title,
            hours,
            waived_by,
            span,
        })
    }

    fn guardrails_decl(&mut self, pair: Pair<'_, Rule>) -> GuardrailsDecl {
        let span = self.span(&pair);
        let mut items = Vec::new();
        for g in Self::meaningful(pair) {
            if let Some(g) = self.guardrail(g) {
                items.push(g);
            }
        }
        GuardrailsDecl { items, span }
    }

    fn guardrail(&mut self, pair: Pair<'_, Rule>) -> Option<Guardrail> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let name_pair = inner.next()?;
        let name = self.ident(name_pair);
        let kind = match rule {
            Rule::g_skills_per_role => {
                let mut ints = inner.filter(|p| p.as_rule() == Rule::int);
                let a = self.int(ints.next()?);
                let b = self.int(ints.next()?);
                GuardrailKind::SkillsPerRole(a, b)
            }
            Rule::g_min_tier => GuardrailKind::MinTier(self.ident(inner.next()?)),
            Rule::g_verified_proofs => GuardrailKind::VerifiedOnly { proofs: true },
            Rule::g_adverse_impact => {
                let ratio_pair = inner.next()?;
                let ratio = self.number_or_percent(ratio_pair);
                let mut lists = inner.filter(|p| p.as_rule() == Rule::list);
                let over = self.ident_list_items(lists.next()?);
                let selected = match lists.next() {
                    Some(l) => self.ident_list_items(l),
                    None => Vec::new(),
                };
                GuardrailKind::AdverseImpact {
                    ratio,
                    over,
                    selected,
                }
            }
            Rule::g_with_list => {
                let list = inner.next()?;
                match name.node.as_str() {
                    "blind_to" => GuardrailKind::BlindTo(self.ident_list_items(list)),
                    _ => return self.unknown_guardrail(&name),
                }
            }
            Rule::g_flag => match name.node.as_str() {
                "no_degree_gate" => GuardrailKind::NoDegreeGate,
                "free_pathway" => GuardrailKind::FreePathway,
                "no_auto_decline" => GuardrailKind::NoAutoDecline,
                "verified_only" => GuardrailKind::VerifiedOnly { proofs: false },
                "min_tier" | "skills_per_role" | "blind_to" | "adverse_impact" => {
                    self.diags.push(
                        Diag::error(
                            "credo::syntax::guardrail-argument",
                            name.span,
                            format!("guardrail `{}` needs an argument", name.node),
                        )
                        .help(guardrail_usage(&name.node)),
                    );
                    return None;
                }
                _ => return self.unknown_guardrail(&name),
            },
            r => unreachable!("{r:?}"),
        };
        Some(Guardrail { kind, name, span })
    }

    fn unknown_guardrail(&mut self, name: &Ident) -> Option<Guardrail> {
        let help = did_you_mean(&name.node, GUARDRAILS.iter().copied())
            .unwrap_or_else(|| format!("the guardrails are {}", crate::diag_list(GUARDRAILS)));
        self.diags.push(
            Diag::error(
                "credo::name::unknown-guardrail",
                name.span,
                format!("unknown guardrail `{}`", name.node),
            )
            .help(help),
        );
        None
    }

    fn exception_decl(&mut self, pair: Pair<'_, Rule>) -> ExceptionDecl {
        let span = self.span(&pair);
        let mut inner = Self::meaningful(pair);
        let mut next_ident = |lw: &mut Self| {
            inner
                .next()
                .map(|p| {
                    if p.as_rule() == Rule::string {
                        lw.string(p)
                    } else {
                        lw.ident(p)
                    }
                })
                .unwrap_or_else(|| Spanned::new(String::new(), span))
        };
        let guardrail = next_ident(self);
        let role = next_ident(self);
        let reason = next_ident(self);
        ExceptionDecl {
            guardrail,
            role,
            reason,
            span,
        }
    }

    // ---- literals -------------------------------------------------------------------------

    pub(crate) fn string(&mut self, pair: Pair<'_, Rule>) -> Spanned<String> {
        let span = self.span(&pair);
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str())
            .unwrap_or_default();
        match unescape(raw) {
            Ok(s) => Spanned::new(s, span),
            Err((offset, len, msg)) => {
                let at = Span::new(
                    self.file,
                    span.start as usize + 1 + offset,
                    span.start as usize + 1 + offset + len,
                );
                self.diags.push(
                    Diag::error("credo::syntax::string-escape", at, msg)
                        .label("here")
                        .help(r#"the escapes are `\"`, `\\`, `\n`, `\t` and `\u{XXXX}`"#),
                );
                Spanned::new(raw.to_owned(), span)
            }
        }
    }

    pub(crate) fn date(&mut self, pair: Pair<'_, Rule>) -> Spanned<Date> {
        let span = self.span(&pair);
        let text = pair.as_str();
        match parse_date(text) {
            Some(d) => Spanned::new(d, span),
            None => {
                self.diags.push(
                    Diag::error(
                        "credo::syntax::date",
                        span,
                        format!("`{text}` is not a real day"),
                    )
                    .label("no such date")
                    .help("write a date as YYYY-MM-DD, e.g. `2026-02-28`"),
                );
                Spanned::new(Date::constant(1970, 1, 1), span)
            }
        }
    }

    pub(crate) fn duration(&mut self, pair: Pair<'_, Rule>) -> Spanned<Duration> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = &text[digits.len()..];
        let n = match digits.parse::<u32>() {
            Ok(n) if n <= 100_000 => n,
            _ => {
                self.diags.push(
                    Diag::error(
                        "credo::limit::duration",
                        span,
                        format!("duration `{text}` is too long"),
                    )
                    .help("durations are limited to 100000 units"),
                );
                0
            }
        };
        let d = match unit {
            "d" => Duration::Days(n),
            "w" => Duration::Weeks(n),
            "mo" => Duration::Months(n),
            _ => Duration::Years(n),
        };
        Spanned::new(d, span)
    }

    pub(crate) fn bad_duration(&mut self, pair: Pair<'_, Rule>) {
        let span = self.span(&pair);
        let text = pair.as_str();
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = &text[digits.len()..];
        let suggestion = match unit {
            u if u.starts_with("mo") || u.starts_with("month") => format!("{digits}mo"),
            u if u.starts_with('y') => format!("{digits}y"),
            u if u.starts_with('w') => format!("{digits}w"),
            u if u.starts_with('d') => format!("{digits}d"),
            u if u.starts_with('m') => format!("{digits}mo"),
            _ => format!("{digits}d"),
        };
        self.diags.push(
            Diag::error(
                "credo::syntax::duration-unit",
                span,
                format!("unknown duration unit `{unit}` in `{text}`"),
            )
            .label("not a duration")
            .help_fix(
                format!(
                    "durations are a whole number and one of `d`, `w`, `mo`, `y`: write `{suggestion}`"
                ),
                span,
                suggestion.clone(),
            ),
        );
    }

    pub(crate) fn number(&mut self, pair: Pair<'_, Rule>) -> Spanned<f64> {
        let span = self.span(&pair);
        let text = pair.as_str().trim_end_matches('%');
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n <= 1e12 => Spanned::new(n, span),
            _ => {
                self.diags.push(
                    Diag::error(
                        "credo::limit::number",
                        span,
                        format!("number `{text}` is out of range"),
                    )
                    .help("numbers are limited to 1000000000000"),
                );
                Spanned::new(0.0, span)
            }
        }
    }

    fn number_or_percent(&mut self, pair: Pair<'_, Rule>) -> f64 {
        let is_percent = pair.as_rule() == Rule::percent;
        let n = self.number(pair).node;
        if is_percent {
            n / 100.0
        } else {
            n
        }
    }

    pub(crate) fn int(&mut self, pair: Pair<'_, Rule>) -> u32 {
        let span = self.span(&pair);
        match pair.as_str().parse::<u32>() {
            Ok(n) if n <= 1_000_000 => n,
            _ => {
                self.diags.push(
                    Diag::error(
                        "credo::limit::number",
                        span,
                        format!("count `{}` is out of range", pair.as_str()),
                    )
                    .help("counts are limited to 1000000"),
                );
                0
            }
        }
    }

    fn ident_list_items(&mut self, list: Pair<'_, Rule>) -> Vec<Ident> {
        let mut out = Vec::new();
        for p in Self::meaningful(list) {
            if p.as_rule() == Rule::ident {
                out.push(self.ident(p));
            } else {
                let span = self.span(&p);
                self.diags.push(
                    Diag::error(
                        "credo::syntax::list-item",
                        span,
                        format!("expected a name, found `{}`", p.as_str()),
                    )
                    .help("this list holds names such as `sex` or `advance`"),
                );
            }
        }
        out
    }
}

/// The guardrails a `guardrails` block may hold.
pub const GUARDRAILS: &[&str] = &[
    "skills_per_role",
    "min_tier",
    "verified_only",
    "no_degree_gate",
    "free_pathway",
    "no_auto_decline",
    "blind_to",
    "adverse_impact",
];

fn guardrail_usage(name: &str) -> String {
    match name {
        "min_tier" => "write `min_tier recognized` with one of the policy's tiers".into(),
        "skills_per_role" => "write a range such as `skills_per_role 3..5`".into(),
        "blind_to" => "write a list such as `blind_to [graduation_year]`".into(),
        _ => "write e.g. `adverse_impact 0.8 over [sex, race_ethnicity] selected [advance]`".into(),
    }
}

/// Keyword and punctuation rules carry no meaning once parsed.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lbracket
            | Rule::rbracket
            | Rule::lparen
            | Rule::rparen
            | Rule::comma
            | Rule::range_dots
            | Rule::kw_policy
            | Rule::kw_attribute
            | Rule::kw_skill
            | Rule::kw_code
            | Rule::kw_provider
            | Rule::kw_credential
            | Rule::kw_role
            | Rule::kw_guardrails
            | Rule::kw_exception
            | Rule::kw_for
            | Rule::kw_because
            | Rule::kw_title
            | Rule::kw_family
            | Rule::kw_eligible
            | Rule::kw_when
            | Rule::kw_require
            | Rule::kw_prefer
            | Rule::kw_accept
            | Rule::kw_decide
            | Rule::kw_otherwise
            | Rule::kw_onboarding
            | Rule::kw_module
            | Rule::kw_hours
            | Rule::kw_waived_by
            | Rule::kw_open_to
            | Rule::kw_over
            | Rule::kw_selected
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_in
            | Rule::kw_any
            | Rule::kw_at
            | Rule::kw_least
            | Rule::kw_where
            | Rule::kw_degree
            | Rule::kw_met
            | Rule::kw_skills_per_role
            | Rule::kw_adverse_impact
            | Rule::kw_min_tier
    )
}

/// Length of `text` without trailing whitespace and trailing `#` comments.
fn trimmed_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = None;
        for (i, c) in t[line_start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    cut = Some(line_start + i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(c) if c > 0 => t = t[..c].trim_end(),
            _ => return t.len(),
        }
    }
}

/// Reports nesting of brackets deeper than [`crate::load::MAX_NESTING`] before pest recurses
/// into it.
fn too_deep(file: FileId, text: &str) -> Option<Diag> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    // `not not not …` recurses in the parser like brackets do.
    let mut nots = 0usize;
    let bytes = text.as_bytes();
    for (i, b) in text.bytes().enumerate() {
        if !in_string && !in_comment {
            let word_start = b.is_ascii_alphabetic() && (i == 0 || !is_ident_byte(bytes[i - 1]));
            if word_start {
                let end = (i..bytes.len())
                    .find(|j| !is_ident_byte(bytes[*j]))
                    .unwrap_or(bytes.len());
                if &bytes[i..end] == b"not" {
                    nots += 1;
                    if nots > crate::load::MAX_NESTING {
                        return Some(
                            Diag::error(
                                "credo::limit::nesting",
                                Span::new(file, i, end),
                                format!(
                                    "`not` is repeated more than {} times in a row",
                                    crate::load::MAX_NESTING
                                ),
                            )
                            .label("too deep")
                            .help("two `not`s cancel out: simplify the condition"),
                        );
                    }
                } else {
                    nots = 0;
                }
            } else if !(b.is_ascii_whitespace() || b == b'(' || is_ident_byte(b)) {
                nots = 0;
            }
        }
        match b {
            b'\n' => {
                in_comment = false;
                in_string = false;
            }
            _ if in_comment => {}
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'#' => in_comment = true,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > crate::load::MAX_NESTING {
                    return Some(
                        Diag::error(
                            "credo::limit::nesting",
                            Span::new(file, i, i + 1),
                            format!(
                                "brackets are nested more than {} deep",
                                crate::load::MAX_NESTING
                            ),
                        )
                        .label("too deep")
                        .help(format!(
                            "nest brackets, braces and parentheses at most {} levels deep; split deep conditions into several accept lines",
                            crate::load::MAX_NESTING
                        )),
                    );
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A `YYYY-MM-DD` date that is a real day.
pub fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // Digits only: `str::parse` would also take a sign (`2024-+1-01`, `-001-01-01`).
    let number = |at: std::ops::Range<usize>| {
        (b.get(at)?.iter()).try_fold(0i16, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i16::from(c - b'0'))
        })
    };
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// Resolves string escapes; on error returns (byte offset, length, message).
fn unescape(raw: &str) -> Result<String, (usize, usize, String)> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                let rest = &raw[i + 2..];
                let close = rest.find('}');
                let ok = rest.starts_with('{')
                    && close.is_some_and(|c| c > 1 && c <= 7)
                    && close
                        .and_then(|c| u32::from_str_radix(&rest[1..c], 16).ok())
                        .and_then(char::from_u32)
                        .map(|ch| out.push(ch))
                        .is_some();
                if !ok {
                    return Err((i, 2, "invalid unicode escape".into()));
                }
                let c = close.unwrap_or(0);
                for _ in 0..=c {
                    chars.next();
                }
            }
            Some((_, other)) => {
                return Err((
                    i,
                    1 + other.len_utf8(),
                    format!("unknown escape `\\{other}` in string"),
                ))
            }
            None => return Err((i, 1, "string ends with a lone `\\`".into())),
        }
    }
    Ok(out)
}

mod exprs;
