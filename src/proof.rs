//! Credential proofs (SPEC §15): Open Badges 3.0 / Verifiable Credential proofs checked offline
//! against the keys a policy pins for each provider.
//!
//! A record credential may carry an embedded Data Integrity proof (`eddsa-rdfc-2022` or
//! `eddsa-jcs-2022`, [`dataintegrity`]) or be a compact VC-JWT ([`jwt`]). Either way the proof is
//! checked once, when the record is read ([`verify`]), and the credential keeps its
//! [`ProofStatus`]. Issuer binding fails closed: the key must be pinned for the provider whose
//! `issuers` contain the credential's issuer. Nothing is fetched: the JSON-LD contexts
//! `eddsa-rdfc-2022` needs are built in ([`contexts`]).

pub mod cache;
pub mod contexts;
pub mod dataintegrity;
pub mod jcs;
pub mod jwt;
pub mod keys;
pub mod rdfc;

use crate::policy::Provider;
use serde_json::{Map, Value};
use std::sync::Arc;

pub use cache::Cache;
pub use keys::{Jwk, PinnedKey};

/// Most bytes of one signed credential (a JSON object or a JWT) that is checked.
pub const MAX_SIGNED: usize = 1024 * 1024;

/// What a credential's proof came to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProofStatus {
    /// No proof: the record's `verified` flag is the caller's word.
    #[default]
    None,
    /// The proof verifies with a key pinned for the credential's provider.
    Verified,
    /// A proof is present and does not verify; the reason.
    Failed(String),
}

/// In JSON a proof status is one string: `verified`, `none` or `failed: REASON`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for ProofStatus {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProofStatus".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(verified|none|failed: .+)$",
            "description": "the credential's proof status (SPEC §15)"
        })
    }
}

impl ProofStatus {
    /// `verified`, `none` or `failed: REASON` (the JSON and trace form).
    pub fn as_text(&self) -> String {
        match self {
            ProofStatus::None => "none".into(),
            ProofStatus::Verified => "verified".into(),
            ProofStatus::Failed(r) => format!("failed: {r}"),
        }
    }

    /// Whether the proof failed.
    pub fn is_failed(&self) -> bool {
        matches!(self, ProofStatus::Failed(_))
    }
}

impl serde::Serialize for ProofStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_text())
    }
}

/// A credential as signed: the whole JSON object with its embedded `proof`, or a compact JWT.
#[derive(Clone, Debug, PartialEq)]
pub enum Signed {
    /// A Verifiable Credential with an embedded Data Integrity `proof`.
    Embedded(Arc<Map<String, Value>>),
    /// A compact VC-JWT (`header.payload.signature`).
    Jwt(Arc<str>),
}

/// Checks a signed credential whose issuer is `issuer` against the keys the policy pins.
/// The provider is the one whose `issuers` contain `issuer`; its keys are the only ones tried.
/// A batch goes through the policy's [`Cache`] instead, so a repeated credential is checked once.
pub fn verify(signed: &Signed, issuer: Option<&str>, providers: &[Provider]) -> ProofStatus {
    match provider_for(issuer, providers) {
        Ok(provider) => check(signed, provider),
        Err(reason) => ProofStatus::Failed(reason),
    }
}

/// The provider whose `issuers` contain `issuer`, if it pins keys (issuer binding: fail closed).
fn provider_for<'p>(
    issuer: Option<&str>,
    providers: &'p [Provider],
) -> Result<&'p Provider, String> {
    let issuer = issuer.ok_or("the credential names no issuer")?;
    let provider = providers
        .iter()
        .find(|p| p.issuers.iter().any(|i| i == issuer))
        .ok_or_else(|| format!("issuer {issuer} is not an issuer of any provider"))?;
    if provider.keys.is_empty() && provider.jwks.is_empty() {
        return Err(format!(
            "provider {} pins no keys (`keys`, `jwks`)",
            provider.id
        ));
    }
    Ok(provider)
}

/// Checks the signature with `provider`'s keys.
fn check(signed: &Signed, provider: &Provider) -> ProofStatus {
    let result = match signed {
        Signed::Embedded(doc) => dataintegrity::verify(doc, provider),
        Signed::Jwt(token) => jwt::verify(token, provider),
    };
    match result {
        Ok(()) => ProofStatus::Verified,
        Err(reason) => ProofStatus::Failed(reason),
    }
}

/// The base58btc (`z…`) multibase bytes.
pub(crate) fn multibase(text: &str) -> Result<Vec<u8>, String> {
    let rest = text
        .strip_prefix('z')
        .ok_or("a multibase value must be base58btc (start with `z`)")?;
    bs58::decode(rest)
        .into_vec()
        .map_err(|_| "not valid base58btc".to_string())
}

/// SHA-256 of bytes.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}
