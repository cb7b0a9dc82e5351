//! A provider's pinned keys (SPEC §15): `keys [...]` must be did:keys or `ID MULTIKEY` pairs of
//! Ed25519 keys, and `jwks "FILE"` a readable JWKS beside the policy. Each problem is an error
//! at the key or the file name. Keys that read but cannot protect anything are warnings: a key
//! whose secret is published (a test vector's), a JWKS with no key or with private key
//! material, two JWKS keys with one `kid`, and keys on a provider without `issuers` (no
//! credential can be bound to it).

use super::Scope;
use crate::ast::ProviderDecl;
use crate::diag::Diag;
use crate::proof::{keys, Jwk, PinnedKey};
use std::path::Path;

/// Largest JWKS file read, in bytes.
pub const MAX_JWKS: u64 = 1024 * 1024;

/// Ed25519 public keys whose secret keys are published as test vectors, with where: anyone can
/// sign with them, so pinning one trusts everyone.
const PUBLISHED: [(&str, &str); 2] = [
    (
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "the W3C vc-di-eddsa test vectors' key",
    ),
    (
        "z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw",
        "the RFC 8032 (and RFC 8037) test key",
    ),
];

/// Where `key`'s secret is published, if it is one of [`PUBLISHED`].
pub(crate) fn published(key: &ed25519_dalek::VerifyingKey) -> Option<&'static str> {
    PUBLISHED.iter().find_map(|(mk, what)| {
        let known = keys::multikey(mk).ok()?;
        (known == *key).then_some(*what)
    })
}

fn published_key(p: &ProviderDecl, span: crate::source::Span, what: &str) -> Diag {
    Diag::warning(
        "credo::provider::published-key",
        span,
        format!(
            "provider `{}` pins {what}, whose secret key is published",
            p.id.node
        ),
    )
    .label("anyone can sign with this key")
    .help("pin the provider's own key (from its DID document or the Multikey it publishes), not a test vector's")
}

/// Keys on a provider that names no issuers are never used: a proof's key is pinned for the
/// provider whose `issuers` hold the credential's issuer.
pub(crate) fn keys_without_issuers(p: &ProviderDecl, diags: &mut Vec<Diag>) {
    if !p.issuers.is_empty() {
        return;
    }
    let span = match (p.keys.first(), &p.jwks) {
        (Some(k), _) => k.span,
        (None, Some(j)) => j.span,
        (None, None) => return,
    };
    diags.push(
        Diag::warning(
            "credo::provider::keys-without-issuers",
            span,
            format!(
                "provider `{}` pins keys but names no issuers, so no credential's proof can use them",
                p.id.node
            ),
        )
        .label("never used")
        .help(r#"add the issuer ids its credentials carry, e.g. `issuers ["https://issuer.example"]`"#),
    );
}

pub(crate) fn keys(p: &ProviderDecl, diags: &mut Vec<Diag>) -> Vec<PinnedKey> {
    let mut out = Vec::new();
    for k in &p.keys {
        match PinnedKey::parse(&k.node) {
            Ok(key) => {
                if let Some(what) = published(&key.key) {
                    diags.push(published_key(p, k.span, what));
                }
                out.push(key)
            }
            Err(e) => diags.push(
                Diag::error(
                    "credo::provider::bad-key",
                    k.span,
                    format!("malformed key for provider `{}`", p.id.node),
                )
                .label(e)
                .help(
                    r#"write the provider's Ed25519 key as "did:key:z6Mk…" (48 characters after "did:key:") or as "METHOD-ID z6Mk…" (the verification method's id, a space, its Multikey), copied whole from the provider's DID document"#,
                ),
            ),
        }
    }
    out
}

pub(crate) fn jwks(scope: &Scope<'_>, p: &ProviderDecl, diags: &mut Vec<Diag>) -> Vec<Jwk> {
    let Some(file) = &p.jwks else {
        return Vec::new();
    };
    let policy_file = &scope.sources.file(file.span.file).name;
    let path = Path::new(policy_file)
        .parent()
        .unwrap_or(Path::new(""))
        .join(&file.node);
    let bad = |label: String, help: &str| {
        Diag::error(
            "credo::provider::bad-jwks",
            file.span,
            format!(
                "cannot use the JWKS `{}` of provider `{}`",
                file.node, p.id.node
            ),
        )
        .label(label)
        .help(help.to_owned())
    };
    let bytes = match crate::load::read_limited(&path, MAX_JWKS) {
        Ok(b) => b,
        Err(crate::load::Limited::Io(e)) => {
            diags.push(bad(
                format!("cannot read `{}`: {e}", path.display()),
                "check the file name; the path is relative to the folder of this policy file",
            ));
            return Vec::new();
        }
        Err(crate::load::Limited::TooLarge) => {
            diags.push(bad(
                format!("`{}` is larger than {MAX_JWKS} bytes", path.display()),
                "a JWKS holds a provider's few public keys; keep only those",
            ));
            return Vec::new();
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    match keys::parse_jwks(&text) {
        Ok(keys) => {
            jwks_warnings(p, file.span, &file.node, &text, &keys, diags);
            keys
        }
        Err(e) => {
            diags.push(bad(
                format!("`{}`: {e}", path.display()),
                r#"a JWKS is {"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}, …]} with RSA, EC P-256 or OKP Ed25519 public keys"#,
            ));
            Vec::new()
        }
    }
}

/// What a readable JWKS may still get wrong: no key at all, private key material (a file meant
/// to be shared and committed with the policy), two keys under one `kid` (a JWT's `kid` then
/// names either), a key whose secret is published.
fn jwks_warnings(
    p: &ProviderDecl,
    span: crate::source::Span,
    name: &str,
    text: &str,
    keys: &[Jwk],
    diags: &mut Vec<Diag>,
) {
    let warn = |message: String, label: &str, help: &str| {
        Diag::warning("credo::provider::jwks", span, message)
            .label(label.to_owned())
            .help(help.to_owned())
    };
    if keys.is_empty() {
        diags.push(warn(
            format!(
                "`{}` holds no key: every VC-JWT of provider `{}` will fail",
                crate::visible::visible(name),
                p.id.node
            ),
            "an empty key set",
            "add the provider's public keys to the file's `\"keys\"` array, or remove the `jwks` line",
        ));
    }
    const PRIVATE: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];
    let raw: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let entries = raw
        .get("keys")
        .and_then(|k| k.as_array())
        .cloned()
        .unwrap_or_default();
    for (i, entry) in entries.iter().enumerate() {
        let private: Vec<&str> = PRIVATE
            .iter()
            .copied()
            .filter(|m| entry.get(*m).is_some())
            .collect();
        if !private.is_empty() {
            diags.push(warn(
                format!(
                    "key {} of `{}` holds private key material ({})",
                    i + 1,
                    crate::visible::visible(name),
                    private.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
                "a secret in the policy's files",
                "keep only the public members (RSA: kty, kid, n, e; EC: kty, kid, crv, x, y; OKP: kty, kid, crv, x) and replace the leaked key",
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for k in keys {
        if let Some(kid) = &k.kid {
            // One kid on keys of different types is allowed (RFC 7517 §4.5): `alg` tells them
            // apart. Two of one type under one kid is a copy or a rotation left half done.
            if !seen.insert((kid.as_str(), k.key.alg())) {
                diags.push(warn(
                    format!(
                        "two {} keys of `{}` have the kid `{}`",
                        k.key.alg(),
                        crate::visible::visible(name),
                        crate::visible::visible(kid)
                    ),
                    "a repeated kid",
                    "give each key its own `kid`",
                ));
            }
        }
        if let keys::JwkKey::Ed25519(key) = &k.key {
            if let Some(what) = published(key) {
                diags.push(published_key(p, span, what));
            }
        }
    }
}
