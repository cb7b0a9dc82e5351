//! A provider's pinned keys (SPEC §15): `keys [...]` must be did:keys or `ID MULTIKEY` pairs of
//! Ed25519 keys, and `jwks "FILE"` a readable JWKS beside the policy. Each problem is an error
//! at the key or the file name.

use super::Scope;
use crate::ast::ProviderDecl;
use crate::diag::Diag;
use crate::proof::{keys, Jwk, PinnedKey};
use std::path::Path;

/// Largest JWKS file read, in bytes.
pub const MAX_JWKS: u64 = 1024 * 1024;

pub(crate) fn keys(p: &ProviderDecl, diags: &mut Vec<Diag>) -> Vec<PinnedKey> {
    let mut out = Vec::new();
    for k in &p.keys {
        match PinnedKey::parse(&k.node) {
            Ok(key) => out.push(key),
            Err(e) => diags.push(
                Diag::error(
                    "credo::provider::bad-key",
                    k.span,
                    format!("malformed key for provider `{}`", p.id.node),
                )
                .label(e)
                .help(
                    r#"write an Ed25519 did:key such as "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", or "METHOD-ID z6Mk…" (the verification method's id, a space, its Multikey)"#,
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
                "give the JWKS file's path relative to this policy file, e.g. `jwks \"keys/provider.jwks.json\"`",
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
        Ok(keys) => keys,
        Err(e) => {
            diags.push(bad(
                format!("`{}`: {e}", path.display()),
                r#"a JWKS is {"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}, …]} with RSA, EC P-256 or OKP Ed25519 public keys"#,
            ));
            Vec::new()
        }
    }
}
