//! Pinned keys: `did:key` and `ID MULTIKEY` (Ed25519) from `keys [...]`, and JSON Web Keys from a
//! provider's `jwks` file (RSA, P-256, Ed25519).

use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

/// Multicodec prefix of an Ed25519 public key (`0xed` as a varint).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// A key written in a provider's `keys`.
#[derive(Clone, Debug)]
pub struct PinnedKey {
    /// `did:key:z…` for a did:key, else the verification-method id.
    pub id: String,
    /// The Multikey (`z6Mk…`).
    pub multikey: String,
    /// Whether it was written as a did:key.
    pub did: bool,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
}

impl PinnedKey {
    /// Reads `did:key:z6Mk…` or `ID z6Mk…`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<PinnedKey, String> {
        let text = text.trim();
        if let Some(mk) = text.strip_prefix("did:key:") {
            if mk.contains('#') || mk.split_whitespace().count() != 1 {
                return Err("a did:key is `did:key:` and one Multikey, without a fragment".into());
            }
            return Ok(PinnedKey {
                id: text.to_owned(),
                multikey: mk.to_owned(),
                did: true,
                key: multikey(mk)?,
            });
        }
        let mut parts = text.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(id), Some(mk), None) => Ok(PinnedKey {
                id: id.to_owned(),
                multikey: mk.to_owned(),
                did: false,
                key: multikey(mk)?,
            }),
            _ => Err(
                "a key is `did:key:z6Mk…` or a verification-method id, a space and its Multikey"
                    .into(),
            ),
        }
    }

    /// Whether a proof's `verificationMethod` (or a JWT's `kid`) names this key: `did:key:X` or
    /// `did:key:X#X` for a did:key, the id itself otherwise.
    pub fn matches(&self, method: &str) -> bool {
        if self.did {
            method == self.id
                || method
                    .strip_prefix(self.id.as_str())
                    .and_then(|r| r.strip_prefix('#'))
                    == Some(self.multikey.as_str())
        } else {
            method == self.id
        }
    }
}

/// An Ed25519 public key from its Multikey (`z6Mk…`).
pub fn multikey(text: &str) -> Result<VerifyingKey, String> {
    let bytes = super::multibase(text).map_err(|e| format!("Multikey `{text}`: {e}"))?;
    let raw = bytes
        .strip_prefix(&ED25519_PUB[..])
        .ok_or_else(|| format!("Multikey `{text}` is not an Ed25519 public key (`z6Mk…`)"))?;
    let raw: [u8; 32] = raw
        .try_into()
        .map_err(|_| format!("Multikey `{text}` does not hold 32 key bytes"))?;
    VerifyingKey::from_bytes(&raw)
        .map_err(|_| format!("Multikey `{text}` is not a valid Ed25519 point"))
}

/// One key of a JWKS.
#[derive(Clone, Debug)]
pub struct Jwk {
    /// `kid`.
    pub kid: Option<String>,
    /// `alg`, when the key names it.
    pub alg: Option<String>,
    /// The key.
    pub key: JwkKey,
}

/// The public key of a [`Jwk`].
#[derive(Clone, Debug)]
pub enum JwkKey {
    /// `kty: RSA` (RS256).
    Rsa(rsa::RsaPublicKey),
    /// `kty: EC`, `crv: P-256` (ES256).
    P256(p256::ecdsa::VerifyingKey),
    /// `kty: OKP`, `crv: Ed25519` (EdDSA).
    Ed25519(VerifyingKey),
}

impl JwkKey {
    /// The JWS `alg` this key verifies.
    pub fn alg(&self) -> &'static str {
        match self {
            JwkKey::Rsa(_) => "RS256",
            JwkKey::P256(_) => "ES256",
            JwkKey::Ed25519(_) => "EdDSA",
        }
    }
}

/// Base64url without padding.
pub(crate) fn b64(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| "not base64url".to_string())
}

/// Reads a JWKS document (`{"keys": [...]}`); the error names the key at fault.
pub fn parse_jwks(text: &str) -> Result<Vec<Jwk>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("a JWKS is a JSON object with a `keys` list")?;
    keys.iter()
        .enumerate()
        .map(|(i, k)| jwk(k).map_err(|e| format!("key {}: {e}", i + 1)))
        .collect()
}

fn jwk(k: &Value) -> Result<Jwk, String> {
    let s = |name: &str| k.get(name).and_then(Value::as_str);
    let field = |name: &str| -> Result<Vec<u8>, String> {
        b64(s(name).ok_or_else(|| format!("`{name}` is missing"))?)
            .map_err(|e| format!("`{name}` is {e}"))
    };
    let key = match (s("kty"), s("crv")) {
        (Some("RSA"), _) => {
            let n = rsa::BigUint::from_bytes_be(&field("n")?);
            let e = rsa::BigUint::from_bytes_be(&field("e")?);
            JwkKey::Rsa(rsa::RsaPublicKey::new(n, e).map_err(|e| format!("bad RSA key: {e}"))?)
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (field("x")?, field("y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err("P-256 `x` and `y` must be 32 bytes each".into());
            }
            let point = p256::EncodedPoint::from_affine_coordinates(
                p256::FieldBytes::from_slice(&x),
                p256::FieldBytes::from_slice(&y),
                false,
            );
            JwkKey::P256(
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map_err(|_| "the P-256 point is not on the curve")?,
            )
        }
        (Some("OKP"), Some("Ed25519")) => {
            let x: [u8; 32] = field("x")?
                .try_into()
                .map_err(|_| "Ed25519 `x` must be 32 bytes")?;
            JwkKey::Ed25519(VerifyingKey::from_bytes(&x).map_err(|_| "bad Ed25519 key")?)
        }
        (kty, crv) => {
            return Err(format!(
                "unsupported key type {}{} (RSA, EC P-256 and OKP Ed25519 are)",
                kty.unwrap_or("(none)"),
                crv.map(|c| format!(" {c}")).unwrap_or_default()
            ))
        }
    };
    let alg = s("alg").map(str::to_owned);
    if let Some(a) = &alg {
        if a != key.alg() {
            return Err(format!("`alg` {a} does not fit a {} key", key.alg()));
        }
    }
    Ok(Jwk {
        kid: s("kid").map(str::to_owned),
        alg,
        key,
    })
}
