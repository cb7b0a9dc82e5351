//! The catalogue must match every credential a candidate brings to at most one entry (SPEC §4
//! step 1: "never guessed"): achievement ids, and titles/aliases under one issuer, are unique.

use super::Scope;
use crate::ast::Spanned;
use crate::diag::Diag;
use std::collections::HashMap;

pub(crate) fn check_unambiguous(scope: &Scope<'_>, diags: &mut Vec<Diag>) {
    let mut achievements: HashMap<&str, (&str, &Spanned<String>)> = HashMap::new();
    for c in &scope.credentials.items {
        for a in &c.achievements {
            match achievements.get(a.node.as_str()) {
                Some((other, first)) if *other != c.id.node => diags.push(
                    Diag::error(
                        "credo::credential::ambiguous-achievement",
                        a.span,
                        format!(
                            "achievement `{}` is claimed by `{other}` and `{}`",
                            a.node, c.id.node
                        ),
                    )
                    .label("second claim")
                    .with_label(first.span, "first claim")
                    .help(
                        "an achievement id identifies one catalogue credential; remove one of them",
                    ),
                ),
                _ => {
                    achievements.insert(a.node.as_str(), (c.id.node.as_str(), a));
                }
            }
        }
    }
    // (issuer, lowercased title) → (credential, where the title was written)
    let mut titles: HashMap<(String, String), (&str, &Spanned<String>)> = HashMap::new();
    for c in &scope.credentials.items {
        let Some(p) = c
            .provider
            .as_ref()
            .and_then(|p| scope.providers.get(&p.node))
        else {
            continue;
        };
        let provider = scope.providers.items[p];
        let names = c.title.iter().chain(c.aliases.iter());
        for name in names {
            for issuer in &provider.issuers {
                let key = (issuer.node.clone(), name.node.to_lowercase());
                match titles.get(&key) {
                    Some((other, first)) if *other != c.id.node => diags.push(
                        Diag::error(
                            "credo::credential::ambiguous-title",
                            name.span,
                            format!(
                                "`{}` from {} would match both `{other}` and `{}`",
                                name.node, issuer.node, c.id.node
                            ),
                        )
                        .label("same title or alias (case-insensitive)")
                        .with_label(first.span, format!("already names `{other}`"))
                        .help("titles and aliases of one provider must be distinct, so a credential given by issuer and title matches one entry"),
                    ),
                    Some(_) => {}
                    None => {
                        titles.insert(key, (c.id.node.as_str(), name));
                    }
                }
            }
        }
    }
}
