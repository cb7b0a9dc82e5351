//! Lints: warnings about policies that check but probably do not say what their authors meant.

use super::Scope;
use crate::ast::*;
use crate::diag::Diag;
use crate::policy;

pub(crate) fn run(
    scope: &Scope<'_>,
    policy_decl: Option<&PolicyDecl>,
    credentials: &[policy::Credential],
    diags: &mut Vec<Diag>,
) {
    // Providers no credential names.
    for (i, p) in scope.providers.items.iter().enumerate() {
        if !credentials.iter().any(|c| c.provider == i)
            && !scope
                .credentials
                .items
                .iter()
                .any(|c| c.provider.as_ref().is_some_and(|n| n.node == p.id.node))
        {
            diags.push(
                Diag::warning(
                    "credo::lint::unused-provider",
                    p.id.span,
                    format!(
                        "provider `{}` has no credential in the catalogue",
                        p.id.node
                    ),
                )
                .label("unused")
                .help("add its credentials, or remove the provider"),
            );
        }
    }
    // Credentials whose skills no role evaluates.
    let used_skills: Vec<&str> = scope
        .roles
        .items
        .iter()
        .flat_map(|r| r.requirements.iter().map(|q| q.skill.node.as_str()))
        .collect();
    let any_eligible_evidence = scope.roles.items.iter().any(|r| r.eligible.is_some());
    for c in &scope.credentials.items {
        let Some(skills) = &c.skills else { continue };
        if skills.node.is_empty() || any_eligible_evidence {
            continue;
        }
        if !skills
            .node
            .iter()
            .any(|s| used_skills.contains(&s.node.as_str()))
        {
            diags.push(
                Diag::warning(
                    "credo::lint::unused-credential",
                    c.id.span,
                    format!(
                        "credential `{}` evidences no skill that a role requires or prefers",
                        c.id.node
                    ),
                )
                .label("never counts for any role")
                .help("add its skills to a role, or remove the credential"),
            );
        }
    }
    // stacks_into cycles.
    let n = credentials.len();
    let mut reported = vec![false; n];
    for start in 0..n {
        // Depth-first walk looking for a path back to `start`.
        let mut stack = vec![(start, vec![start])];
        let mut seen = vec![false; n];
        while let Some((at, path)) = stack.pop() {
            for &next in &credentials[at].stacks_into {
                if next == start {
                    if path.iter().any(|p| reported[*p]) {
                        continue;
                    }
                    for p in &path {
                        reported[*p] = true;
                    }
                    let names: Vec<String> = path
                        .iter()
                        .chain(std::iter::once(&start))
                        .map(|i| credentials[*i].id.clone())
                        .collect();
                    let decl = scope.credentials.items[start];
                    let span = decl
                        .stacks_into
                        .iter()
                        .find(|s| {
                            path.get(1)
                                .map(|p| credentials[*p].id == s.node)
                                .unwrap_or(s.node == decl.id.node)
                        })
                        .map(|s| s.span)
                        .unwrap_or(decl.id.span);
                    diags.push(
                        Diag::warning(
                            "credo::lint::stacks-cycle",
                            span,
                            format!("`stacks_into` goes round in a circle: {}", names.join(" → ")),
                        )
                        .label("closes the circle")
                        .help("a stack leads from smaller credentials to larger ones; remove one of the links"),
                    );
                } else if next < n && !seen[next] {
                    seen[next] = true;
                    let mut p = path.clone();
                    p.push(next);
                    stack.push((next, p));
                }
            }
        }
    }
    // Retired before the policy takes effect.
    let Some(effective) = policy_decl.and_then(|p| p.effective.as_ref()) else {
        return;
    };
    for p in &scope.providers.items {
        if let Some(r) = &p.retired {
            if r.node <= effective.node {
                diags.push(
                    Diag::warning(
                        "credo::lint::retired-before-effective",
                        r.span,
                        format!("provider `{}` is retired on {}, before the policy takes effect on {}", p.id.node, r.node, effective.node),
                    )
                    .label("retired already")
                    .help("only credentials issued before the retirement still count; check that this is intended"),
                );
            }
        }
    }
    for c in &scope.credentials.items {
        if let Some(r) = &c.retired {
            if r.node <= effective.node {
                diags.push(
                    Diag::warning(
                        "credo::lint::retired-before-effective",
                        r.span,
                        format!("credential `{}` is retired on {}, before the policy takes effect on {}", c.id.node, r.node, effective.node),
                    )
                    .label("retired already")
                    .help("only credentials issued before the retirement still count; check that this is intended"),
                );
            }
        }
    }
}
