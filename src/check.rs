//! Checking: names, types, `decide` structure, static guardrails and lints over the AST, and
//! compilation of what passes into a [`Policy`]. Every problem of a run is collected.

pub mod analysis;
mod catalogue;
mod exprs;
mod guardrails;
mod lints;
mod proofs;

pub(crate) use guardrails::possible_with;

use crate::ast::*;
use crate::diag::{did_you_mean, Diag};
use crate::policy::{self, Cond, Outcome, Policy, SourceRef};
use crate::source::{SourceMap, Span};
use std::collections::HashMap;

pub(crate) use exprs::Ctx;

/// Default tiers, low to high (SPEC §1).
pub const DEFAULT_TIERS: &[&str] = &["provisional", "recognized", "trusted"];
/// Default assessment kinds, low to high (SPEC §1).
pub const DEFAULT_ASSESSMENTS: &[&str] = &[
    "completion",
    "portfolio",
    "performance_lab",
    "proctored_exam",
];

pub use crate::policy::protected::{PROTECTED, PROXIES};
pub use exprs::{WHERE_ARTIFACT_FIELDS, WHERE_CREDENTIAL_FIELDS, WHERE_LAB_FIELDS};

/// Guardrails that `check` enforces and an `exception` may waive.
pub const STATIC_GUARDRAILS: &[&str] = &[
    "skills_per_role",
    "no_degree_gate",
    "free_pathway",
    "blind_to",
];

/// A table of declared ids of one kind, remembering where each was declared.
pub(crate) struct Table<'a, T> {
    pub(crate) items: Vec<&'a T>,
    pub(crate) index: HashMap<&'a str, usize>,
}

impl<'a, T> Table<'a, T> {
    fn build(
        items: impl IntoIterator<Item = &'a T>,
        id: impl Fn(&'a T) -> &'a Ident,
        kind: &str,
        diags: &mut Vec<Diag>,
    ) -> Self {
        let mut t = Table {
            items: Vec::new(),
            index: HashMap::new(),
        };
        for item in items {
            let ident = id(item);
            if let Some(&first) = t.index.get(ident.node.as_str()) {
                let first_span = id(t.items[first]).span;
                diags.push(
                    Diag::error(
                        "credo::name::duplicate",
                        ident.span,
                        format!("{kind} `{}` is declared twice", ident.node),
                    )
                    .label("declared again here")
                    .with_label(first_span, "first declared here")
                    .help(format!("rename one of them or remove the second {kind}")),
                );
                continue;
            }
            t.index.insert(ident.node.as_str(), t.items.len());
            t.items.push(item);
        }
        t
    }

    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.index.keys().copied()
    }
}

/// Resolves `name` in `table` or reports "unknown KIND `name`" with a "did you mean".
pub(crate) fn resolve<T>(
    table: &Table<'_, T>,
    name: &Ident,
    kind: &str,
    diags: &mut Vec<Diag>,
) -> Option<usize> {
    if let Some(i) = table.get(&name.node) {
        return Some(i);
    }
    let mut names: Vec<&str> = table.names().collect();
    names.sort_unstable();
    let help = did_you_mean(&name.node, names.iter().copied()).unwrap_or_else(|| {
        if names.is_empty() {
            format!("declare it first: there is no {kind} in this policy")
        } else if names.len() <= 12 {
            format!("the declared {kind}s are {}", crate::diag_list(&names))
        } else {
            format!("declare it with `{kind} {} …`", name.node)
        }
    });
    diags.push(
        Diag::error(
            unknown_code(kind),
            name.span,
            format!("unknown {kind} `{}`", name.node),
        )
        .label(format!("no {kind} has this name"))
        .help(help),
    );
    None
}

fn unknown_code(kind: &str) -> &'static str {
    match kind {
        "skill" => "credo::name::unknown-skill",
        "provider" => "credo::name::unknown-provider",
        "credential" => "credo::name::unknown-credential",
        "role" => "credo::name::unknown-role",
        "attribute" => "credo::name::unknown-attribute",
        "tier" => "credo::name::unknown-tier",
        "assessment" => "credo::name::unknown-assessment",
        _ => "credo::name::unknown",
    }
}

/// Simple ordered name lists (tiers, assessments) as a table.
pub(crate) struct Names {
    pub(crate) names: Vec<String>,
}

impl Names {
    pub(crate) fn resolve(&self, name: &Ident, kind: &str, diags: &mut Vec<Diag>) -> Option<usize> {
        if let Some(i) = self.names.iter().position(|n| *n == name.node) {
            return Some(i);
        }
        let help =
            did_you_mean(&name.node, self.names.iter().map(String::as_str)).unwrap_or_else(|| {
                let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
                format!("the {kind}s, low to high, are {}", crate::diag_list(&names))
            });
        diags.push(
            Diag::error(
                unknown_code(kind),
                name.span,
                format!("unknown {kind} `{}`", name.node),
            )
            .label(format!("not a declared {kind}"))
            .help(help),
        );
        None
    }
}

/// Everything the checker knows about the declarations, shared by its passes.
pub(crate) struct Scope<'a> {
    pub(crate) sources: &'a SourceMap,
    pub(crate) attrs: Table<'a, AttributeDecl>,
    pub(crate) skills: Table<'a, SkillDecl>,
    pub(crate) providers: Table<'a, ProviderDecl>,
    pub(crate) credentials: Table<'a, CredentialDecl>,
    pub(crate) roles: Table<'a, RoleDecl>,
    pub(crate) tiers: Names,
    pub(crate) assessments: Names,
}

/// Checks a parsed policy set. Returns the compiled policy when there are no errors, and every
/// diagnostic (errors and warnings), sorted by position.
pub fn check(set: &PolicySet, sources: SourceMap, hash: String) -> (Option<Policy>, Vec<Diag>) {
    let mut diags = Vec::new();
    let mut policies = Vec::new();
    let mut attrs = Vec::new();
    let mut skills = Vec::new();
    let mut providers = Vec::new();
    let mut credentials = Vec::new();
    let mut roles = Vec::new();
    let mut guardrail_blocks = Vec::new();
    let mut exceptions = Vec::new();
    for d in &set.decls {
        match d {
            Decl::Policy(p) => policies.push(p),
            Decl::Attribute(a) => attrs.push(a),
            Decl::Skill(s) => skills.push(s),
            Decl::Provider(p) => providers.push(p),
            Decl::Credential(c) => credentials.push(c),
            Decl::Role(r) => roles.push(r),
            Decl::Guardrails(g) => guardrail_blocks.push(g),
            Decl::Exception(e) => exceptions.push(e),
        }
    }

    // Exactly one policy block.
    let policy_decl = policies.first().copied();
    match policies.as_slice() {
        [] => diags.push(
            Diag::error(
                "credo::policy::missing",
                Span::default(),
                "this policy set has no `policy` block",
            )
            .label("expected a `policy` block in this policy set")
            .help(r#"add `policy "NAME" { version "1" effective 2026-01-01 owner "…" }`"#),
        ),
        [_] => {}
        [first, rest @ ..] => {
            for p in rest {
                diags.push(
                    Diag::error(
                        "credo::policy::duplicate",
                        p.name.span,
                        "a policy set has exactly one `policy` block",
                    )
                    .label("second `policy` block")
                    .with_label(first.name.span, "first `policy` block")
                    .help("merge the two blocks into one"),
                );
            }
        }
    }
    if let [_, rest @ ..] = guardrail_blocks.as_slice() {
        for g in rest {
            diags.push(
                Diag::error(
                    "credo::guardrails::duplicate",
                    Span::new(
                        g.span.file,
                        g.span.start as usize,
                        g.span.start as usize + 10,
                    ),
                    "a policy set has at most one `guardrails` block",
                )
                .label("second `guardrails` block")
                .with_label(
                    Span::new(
                        guardrail_blocks[0].span.file,
                        guardrail_blocks[0].span.start as usize,
                        guardrail_blocks[0].span.start as usize + 10,
                    ),
                    "first `guardrails` block",
                )
                .help("merge the two blocks into one"),
            );
        }
    }

    let tiers = ordered_names(
        policy_decl.and_then(|p| p.tiers.as_ref()),
        DEFAULT_TIERS,
        "tier",
        &mut diags,
    );
    let assessments = ordered_names(
        policy_decl.and_then(|p| p.assessments.as_ref()),
        DEFAULT_ASSESSMENTS,
        "assessment",
        &mut diags,
    );

    let scope = Scope {
        sources: &sources,
        attrs: Table::build(attrs, |a| &a.id, "attribute", &mut diags),
        skills: Table::build(skills, |s| &s.id, "skill", &mut diags),
        providers: Table::build(providers, |p| &p.id, "provider", &mut diags),
        credentials: Table::build(credentials, |c| &c.id, "credential", &mut diags),
        roles: Table::build(roles, |r| &r.id, "role", &mut diags),
        tiers,
        assessments,
    };

    if let Some(p) = policy_decl {
        let missing = [
            (
                p.version.is_none(),
                "version",
                "every decision records the policy's version",
                r#"version "2026.1""#,
            ),
            (
                p.effective.is_none(),
                "effective",
                "the day the policy takes effect",
                "effective 2026-01-01",
            ),
            (
                p.owner.is_none(),
                "owner",
                "who answers for the policy",
                r#"owner "Talent Governance Council""#,
            ),
        ];
        for (absent, field, why, example) in missing {
            if absent {
                diags.push(
                    Diag::error(
                        "credo::policy::missing-field",
                        p.name.span,
                        format!("the policy has no `{field}`"),
                    )
                    .label(why)
                    .help_fix(
                        format!("add `{example}` inside the `policy` block"),
                        before_close(p.span),
                        format!("  {example}\n"),
                    ),
                );
            }
        }
    }

    let compiled_providers = compile_providers(&scope, &mut diags);
    let compiled_credentials = compile_credentials(&scope, &mut diags);
    let guardrail_items: Vec<&Guardrail> = guardrail_blocks
        .first()
        .map(|g| g.items.iter().collect())
        .unwrap_or_default();
    let compiled_guardrails = guardrails::compile(&scope, &guardrail_items, &mut diags);
    let mut compiled_roles = Vec::new();
    for role in &scope.roles.items {
        compiled_roles.push(compile_role(&scope, role, &mut diags));
    }
    let waived = guardrails::exceptions(&scope, &exceptions, &guardrail_items, &mut diags);
    for (role_idx, guardrail, reason) in &waived {
        if let Some(r) = compiled_roles.get_mut(*role_idx) {
            r.exceptions.push((guardrail.clone(), reason.clone()));
        }
    }
    // Guardrail analysis reads compiled conditions: only meaningful once they checked.
    let clean = !diags.iter().any(Diag::is_error);
    if clean {
        guardrails::check_static(
            &scope,
            &guardrail_items,
            &compiled_roles,
            &compiled_credentials,
            &compiled_providers,
            compiled_guardrails.min_tier,
            &mut diags,
        );
    }
    catalogue::check_unambiguous(&scope, &mut diags);
    if !diags.iter().any(Diag::is_error) {
        let skill_names: Vec<String> = scope
            .skills
            .items
            .iter()
            .map(|s| s.id.node.clone())
            .collect();
        let mut analysis = analysis::Analysis::new();
        for role in &compiled_roles {
            analysis.role(role, &skill_names, &mut diags);
        }
        analysis.finish(&mut diags);
    }
    lints::run(&scope, policy_decl, &compiled_credentials, &mut diags);

    crate::diag::sort(&mut diags);
    if diags.iter().any(Diag::is_error) {
        return (None, diags);
    }
    let Some(p) = policy_decl else {
        return (None, diags);
    };
    let policy = assemble(
        &scope,
        p,
        compiled_providers,
        compiled_credentials,
        compiled_roles,
        compiled_guardrails,
        hash,
    );
    drop(scope);
    let mut policy = Policy { sources, ..policy };
    policy.index = std::sync::Arc::new(crate::eval::Index::build(&policy));
    (Some(policy), diags)
}

fn ordered_names(
    declared: Option<&Spanned<Vec<Ident>>>,
    default: &[&str],
    kind: &str,
    diags: &mut Vec<Diag>,
) -> Names {
    let Some(list) = declared else {
        return Names {
            names: default.iter().map(|s| (*s).to_owned()).collect(),
        };
    };
    if list.node.is_empty() {
        diags.push(
            Diag::error(
                "credo::policy::empty-list",
                list.span,
                format!("the policy declares no {kind}s"),
            )
            .label("empty list")
            .help(format!(
                "list them low to high, e.g. `{kind}s [{}]`, or remove the line to use the defaults",
                default.join(", ")
            )),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for (i, n) in list.node.iter().enumerate() {
        if let Some(first) = list.node[..i].iter().find(|m| m.node == n.node) {
            diags.push(
                Diag::error(
                    "credo::policy::duplicate-level",
                    n.span,
                    format!("{kind} `{}` is listed twice", n.node),
                )
                .label("listed again")
                .with_label(first.span, "first listed here")
                .help(format!(
                    "each {kind} appears once, in order from low to high"
                )),
            );
            continue;
        }
        names.push(n.node.clone());
    }
    Names { names }
}

fn compile_providers(scope: &Scope<'_>, diags: &mut Vec<Diag>) -> Vec<policy::Provider> {
    let mut out = Vec::new();
    for p in &scope.providers.items {
        let tier = match &p.tier {
            Some(t) => scope.tiers.resolve(t, "tier", diags).unwrap_or(0),
            None => {
                let tier = scope
                    .tiers
                    .names
                    .get(1)
                    .or(scope.tiers.names.first())
                    .map(String::as_str)
                    .unwrap_or("recognized");
                diags.push(
                    Diag::error(
                        "credo::provider::missing-field",
                        p.id.span,
                        format!("provider `{}` has no `tier`", p.id.node),
                    )
                    .label("every provider needs a trust tier")
                    .fix(before_close(p.span), format!("  tier {tier}\n"))
                    .help(format!(
                        "add `tier {tier}` (one of {})",
                        crate::diag_list(
                            &scope
                                .tiers
                                .names
                                .iter()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                        )
                    )),
                );
                0
            }
        };
        if p.name.is_none() {
            diags.push(
                Diag::error(
                    "credo::provider::missing-field",
                    p.id.span,
                    format!("provider `{}` has no `name`", p.id.node),
                )
                .label("decisions and postings show the provider's name")
                .help(r#"add `name "…"` with the provider's display name"#),
            );
        }
        proofs::keys_without_issuers(p, diags);
        out.push(policy::Provider {
            id: p.id.node.clone(),
            name: p
                .name
                .as_ref()
                .map(|n| n.node.clone())
                .unwrap_or_else(|| p.id.node.clone()),
            tier,
            issuers: p.issuers.iter().map(|i| i.node.clone()).collect(),
            keys: proofs::keys(p, diags),
            jwks: proofs::jwks(scope, p, diags),
            retired: p.retired.as_ref().map(|d| d.node),
        });
    }
    out
}

fn compile_credentials(scope: &Scope<'_>, diags: &mut Vec<Diag>) -> Vec<policy::Credential> {
    let mut out = Vec::new();
    for c in &scope.credentials.items {
        let missing = |field: &str, example: &str, diags: &mut Vec<Diag>| {
            diags.push(
                Diag::error(
                    "credo::credential::missing-field",
                    c.id.span,
                    format!("credential `{}` has no `{field}`", c.id.node),
                )
                .label(format!("`{field}` is required"))
                .help(format!("add `{field} {example}`")),
            );
        };
        if c.title.is_none() {
            missing("title", "\"…\"", diags);
        }
        let provider = match &c.provider {
            Some(p) => resolve(&scope.providers, p, "provider", diags),
            None => {
                missing("provider", "ID", diags);
                None
            }
        };
        let mut skills = Vec::new();
        match &c.skills {
            Some(list) => {
                if list.node.is_empty() {
                    diags.push(
                        Diag::error(
                            "credo::credential::no-skills",
                            list.span,
                            format!("credential `{}` evidences no skill", c.id.node),
                        )
                        .label("empty list")
                        .help("list the skills it evidences, e.g. `skills [network_security]`"),
                    );
                }
                for s in &list.node {
                    if let Some(i) = resolve(&scope.skills, s, "skill", diags) {
                        if !skills.contains(&i) {
                            skills.push(i);
                        }
                    }
                }
            }
            None => missing("skills", "[SKILL, …]", diags),
        }
        let assessment = c
            .assessment
            .as_ref()
            .and_then(|a| scope.assessments.resolve(a, "assessment", diags));
        let stacks_into = c
            .stacks_into
            .iter()
            .filter_map(|s| resolve(&scope.credentials, s, "credential", diags))
            .collect();
        out.push(policy::Credential {
            id: c.id.node.clone(),
            title: c.title.as_ref().map(|t| t.node.clone()).unwrap_or_default(),
            provider: provider.unwrap_or(0),
            skills,
            achievements: c.achievements.iter().map(|a| a.node.clone()).collect(),
            aliases: c.aliases.iter().map(|a| a.node.clone()).collect(),
            assessment,
            hours: c.hours.as_ref().map(|h| h.node),
            valid_for: c.valid_for.as_ref().map(|v| v.node),
            cost: c.cost.as_ref().map(|c| match c.node {
                Cost::Free => 0.0,
                Cost::Amount(n) => n,
            }),
            stacks_into,
            retired: c.retired.as_ref().map(|d| d.node),
            open_to: c.open_to.as_ref().map(|(line, e)| policy::OpenTo {
                cond: exprs::check_expr(scope, e, Ctx::Eligible, None, diags),
                src: source_ref(scope.sources, *line, e.span),
            }),
        });
    }
    out
}

/// An empty span just before the closing `}` of a block (where a missing field is added).
pub(crate) fn before_close(block: Span) -> Span {
    let at = (block.end as usize).saturating_sub(1);
    Span::new(block.file, at, at)
}

/// The source text of a span on one line: whitespace collapsed and comments dropped.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        for word in line[..cut].split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

pub(crate) fn source_ref(sources: &SourceMap, span: Span, text_span: Span) -> SourceRef {
    SourceRef {
        span,
        text: one_line(sources.slice(text_span)),
        at: sources.location(span),
    }
}

fn compile_role(scope: &Scope<'_>, role: &RoleDecl, diags: &mut Vec<Diag>) -> policy::Role {
    for (what, span) in &role.repeated {
        diags.push(
            Diag::error(
                "credo::role::repeated",
                *span,
                format!("role `{}` has more than one `{what}`", role.id.node),
            )
            .label("given again here")
            .help(format!("keep a single `{what}` in each role")),
        );
    }
    if role.title.is_none() {
        diags.push(
            Diag::error(
                "credo::role::missing-title",
                role.id.span,
                format!("role `{}` has no `title`", role.id.node),
            )
            .label("decisions and postings show the role's title")
            .help(r#"add `title "…"` inside the role"#),
        );
    }
    let eligible = role.eligible.as_ref().map(|e| {
        let cond = exprs::check_expr(scope, e, Ctx::Eligible, None, diags);
        (cond, source_ref(scope.sources, e.span, e.span))
    });
    let mut requirements: Vec<policy::Requirement> = Vec::new();
    let mut seen: HashMap<usize, Span> = HashMap::new();
    for req in &role.requirements {
        let Some(skill) = resolve(&scope.skills, &req.skill, "skill", diags) else {
            continue;
        };
        if let Some(first) = seen.get(&skill) {
            diags.push(
                Diag::error(
                    "credo::role::duplicate-skill",
                    req.skill.span,
                    format!(
                        "skill `{}` appears twice in role `{}`",
                        req.skill.node, role.id.node
                    ),
                )
                .label("again here")
                .with_label(*first, "first here")
                .help("put all its accept lines in one block"),
            );
            continue;
        }
        seen.insert(skill, req.skill.span);
        let lines = req
            .accepts
            .iter()
            .map(|line| {
                if req.implicit {
                    // `require s` without a block means `{ accept any credential }`.
                    let text = "any credential";
                    return policy::AcceptLine {
                        cond: Cond::AnyCredential {
                            filter: None,
                            text: text.into(),
                        },
                        src: SourceRef {
                            span: line.span,
                            text: text.into(),
                            at: scope.sources.location(line.span),
                        },
                    };
                }
                policy::AcceptLine {
                    cond: exprs::check_expr(
                        scope,
                        &line.expr,
                        Ctx::Accept,
                        Some(&role.id.node),
                        diags,
                    ),
                    src: source_ref(scope.sources, line.span, line.expr.span),
                }
            })
            .collect();
        requirements.push(policy::Requirement {
            kind: req.kind,
            skill,
            lines,
        });
    }
    let decide = compile_decide(scope, role, &requirements, diags);
    let mut onboarding: Vec<policy::Module> = Vec::new();
    for m in &role.onboarding {
        if onboarding.iter().any(|o| o.id == m.id.node) {
            diags.push(
                Diag::error(
                    "credo::role::duplicate-module",
                    m.id.span,
                    format!("module `{}` is listed twice", m.id.node),
                )
                .help("give each onboarding module a distinct id"),
            );
            continue;
        }
        // A requirement whose skill is unknown (already an error) may be the one meant.
        let unresolved = role
            .requirements
            .iter()
            .any(|r| scope.skills.get(&r.skill.node).is_none());
        let waiver = match (
            scope.skills.get(&m.waived_by.node),
            scope.credentials.get(&m.waived_by.node),
        ) {
            (Some(skill), _) => {
                if !unresolved && !requirements.iter().any(|r| r.skill == skill) {
                    diags.push(
                        Diag::warning(
                            "credo::lint::module-never-waived",
                            m.waived_by.span,
                            format!(
                                "module `{}` is waived by `{}`, which role `{}` does not evaluate",
                                m.id.node, m.waived_by.node, role.id.node
                            ),
                        )
                        .label("never met in this role")
                        .help(
                            "name a skill the role requires or prefers, or a catalogue credential",
                        ),
                    );
                }
                Some(policy::Waiver::Skill(skill))
            }
            (None, Some(cred)) => Some(policy::Waiver::Credential(cred)),
            (None, None) => {
                unknown_waiver(scope, &m.waived_by, diags);
                None
            }
        };
        if let Some(waived_by) = waiver {
            onboarding.push(policy::Module {
                id: m.id.node.clone(),
                title: m.title.as_ref().map(|t| t.node.clone()),
                hours: m.hours.node,
                waived_by,
            });
        }
    }
    policy::Role {
        id: role.id.node.clone(),
        title: role
            .title
            .as_ref()
            .map(|t| t.node.clone())
            .unwrap_or_default(),
        family: role.family.as_ref().map(|f| f.node.clone()),
        eligible,
        requirements,
        decide,
        onboarding,
        exceptions: Vec::new(),
        at: scope.sources.location(role.id.span),
    }
}

/// `waived_by` names neither a skill nor a catalogue credential.
fn unknown_waiver(scope: &Scope<'_>, name: &Ident, diags: &mut Vec<Diag>) {
    let mut names: Vec<&str> = scope
        .skills
        .names()
        .chain(scope.credentials.names())
        .collect();
    names.sort_unstable();
    let help = did_you_mean(&name.node, names.iter().copied()).unwrap_or_else(|| {
        "`waived_by` names a skill the role evaluates or a catalogue credential".to_owned()
    });
    diags.push(
        Diag::error(
            "credo::name::unknown-skill",
            name.span,
            format!("unknown skill or credential `{}`", name.node),
        )
        .label("no skill or credential has this name")
        .help(help),
    );
}

fn compile_decide(
    scope: &Scope<'_>,
    role: &RoleDecl,
    requirements: &[policy::Requirement],
    diags: &mut Vec<Diag>,
) -> Vec<policy::DecideRule> {
    let Some(block) = &role.decide else {
        return default_decide(scope, role);
    };
    let mut rules = Vec::new();
    let mut otherwise: Option<Span> = None;
    for rule in &block.rules {
        let outcome = match Outcome::from_word(&rule.outcome.node) {
            Some(o) if o != Outcome::Ineligible => o,
            _ => {
                let help = did_you_mean(&rule.outcome.node, ["advance", "review", "decline"])
                    .unwrap_or_else(|| {
                        "a decide rule gives `advance`, `review` or `decline`".into()
                    });
                diags.push(
                    Diag::error(
                        "credo::decide::unknown-outcome",
                        rule.outcome.span,
                        format!("unknown outcome `{}`", rule.outcome.node),
                    )
                    .label("not an outcome")
                    .help(help),
                );
                Outcome::Review
            }
        };
        if let Some(o) = otherwise {
            diags.push(
                Diag::error(
                    "credo::decide::after-otherwise",
                    rule.span,
                    "this rule comes after `otherwise` and can never be used",
                )
                .label("unreachable")
                .with_label(o, "`otherwise` ends the block")
                .help("move it above the `otherwise` rule, or remove it"),
            );
        }
        let cond = rule.cond.as_ref().map(|c| {
            let cond = exprs::check_expr(scope, c, Ctx::Decide, Some(&role.id.node), diags);
            exprs::warn_met_outside_role(scope, c, requirements, &role.id.node, diags);
            cond
        });
        if cond.is_none() && otherwise.is_none() {
            otherwise = Some(rule.span);
        }
        rules.push(policy::DecideRule {
            outcome,
            cond,
            src: source_ref(scope.sources, rule.span, rule.span),
            default: false,
        });
    }
    if otherwise.is_none() {
        let end = Span::new(
            block.span.file,
            block.span.end as usize - 1,
            block.span.end as usize,
        );
        diags.push(
            Diag::error(
                "credo::decide::missing-otherwise",
                end,
                format!("the decide block of role `{}` has no `otherwise` rule", role.id.node),
            )
            .label("add the last rule here")
            .with_label(
                Span::new(block.span.file, block.span.start as usize, block.span.start as usize + 6),
                "this block",
            )
            .help("end the block with a rule such as `decline otherwise`, so every candidate gets an outcome"),
        );
    }
    rules
}

fn default_decide(scope: &Scope<'_>, role: &RoleDecl) -> Vec<policy::DecideRule> {
    use crate::ast::CmpOp;
    use policy::{Field, Value};
    let at = scope.sources.location(role.id.span);
    let rule = |outcome, cond, text: &str| policy::DecideRule {
        outcome,
        cond,
        default: true,
        src: SourceRef {
            span: role.id.span,
            text: text.to_owned(),
            at: at.clone(),
        },
    };
    vec![
        rule(
            Outcome::Advance,
            Some(Cond::Cmp {
                field: Field::RequiredMissing,
                op: CmpOp::Eq,
                value: Value::Num(0.0),
                text: "required_missing == 0".into(),
            }),
            "advance when required_missing == 0",
        ),
        rule(
            Outcome::Review,
            Some(Cond::Cmp {
                field: Field::RequiredMissing,
                op: CmpOp::Eq,
                value: Value::Num(1.0),
                text: "required_missing == 1".into(),
            }),
            "review when required_missing == 1",
        ),
        rule(Outcome::Decline, None, "decline otherwise"),
    ]
}

fn assemble(
    scope: &Scope<'_>,
    p: &PolicyDecl,
    providers: Vec<policy::Provider>,
    credentials: Vec<policy::Credential>,
    roles: Vec<policy::Role>,
    guardrails: policy::Guardrails,
    hash: String,
) -> Policy {
    let attributes: Vec<policy::Attribute> = scope
        .attrs
        .items
        .iter()
        .map(|a| policy::Attribute {
            id: a.id.node.clone(),
            ty: a.ty.node,
        })
        .collect();
    let skills: Vec<policy::Skill> = scope
        .skills
        .items
        .iter()
        .map(|s| policy::Skill {
            id: s.id.node.clone(),
            name: s.name.node.clone(),
            code: s.code.as_ref().map(|c| c.node.clone()),
        })
        .collect();
    let index = |ids: Vec<&String>| -> HashMap<String, usize> {
        ids.into_iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i))
            .collect()
    };
    let mut by_achievement = HashMap::new();
    let mut by_issuer_title = HashMap::new();
    for (i, c) in credentials.iter().enumerate() {
        for a in &c.achievements {
            by_achievement.entry(a.clone()).or_insert(i);
        }
        if let Some(p) = providers.get(c.provider) {
            for issuer in &p.issuers {
                for t in std::iter::once(&c.title).chain(&c.aliases) {
                    by_issuer_title
                        .entry((issuer.clone(), t.to_lowercase()))
                        .or_insert(i);
                }
            }
        }
    }
    Policy {
        sources: SourceMap::new(),
        hash,
        name: p.name.node.clone(),
        version: p
            .version
            .as_ref()
            .map(|v| v.node.clone())
            .unwrap_or_default(),
        owner: p.owner.as_ref().map(|o| o.node.clone()),
        effective: p.effective.as_ref().map(|e| e.node),
        tiers: scope.tiers.names.clone(),
        assessments: scope.assessments.names.clone(),
        attr_index: index(attributes.iter().map(|a| &a.id).collect()),
        skill_index: index(skills.iter().map(|s| &s.id).collect()),
        credential_index: index(credentials.iter().map(|c| &c.id).collect()),
        role_index: index(roles.iter().map(|r| &r.id).collect()),
        attributes,
        skills,
        providers,
        credentials,
        roles,
        guardrails,
        by_achievement,
        by_issuer_title,
        index: Default::default(),
        proofs: Default::default(),
    }
}
