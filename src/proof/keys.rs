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
    let raw = bytes.strip_prefix(&ED25519_PUB[..]).ok_or_else(|| {
        let n = text.chars().count();
        if text.starts_with("z6Mk") && n != 48 {
            // Base58 is one big number: a key cut short or lengthened no longer starts with
            // Ed25519's code once decoded.
            format!("Multikey `{text}` has {n} characters; an Ed25519 Multikey has 48 (is it cut short or mistyped?)")
        } else {
            format!("Multikey `{text}` is not an Ed25519 public key (`z6Mk…`, 48 characters)")
        }
    })?;
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
    Rsa(RsaKey),
    /// `kty: EC`, `crv: P-256` (ES256).
    P256(P256Key),
    /// `kty: OKP`, `crv: Ed25519` (EdDSA).
    Ed25519(VerifyingKey),
}

/// An RSA public key, checked when read, with its modulus and exponent as ring takes them
/// (big-endian, no leading zeros).
#[derive(Clone, Debug)]
pub struct RsaKey {
    key: rsa::RsaPublicKey,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaKey {
    fn new(key: rsa::RsaPublicKey) -> RsaKey {
        use rsa::traits::PublicKeyParts;
        let (n, e) = (key.n().to_bytes_be(), key.e().to_bytes_be());
        RsaKey { key, n, e }
    }

    /// The modulus, big-endian without leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian without leading zeros.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// Whether `sig` is this key's RSASSA-PKCS1-v1_5 SHA-256 signature of `message` (RS256).
    pub fn verify_rs256(&self, message: &[u8], sig: &[u8]) -> bool {
        use rsa::traits::PublicKeyParts;
        if self.key.size() * 8 >= 2048 {
            let components = ring::signature::RsaPublicKeyComponents {
                n: &self.n,
                e: &self.e,
            };
            components
                .verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                .is_ok()
        } else {
            // Below ring's floor: rsa's slower arithmetic.
            let hashed = super::sha256(message);
            self.key
                .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &hashed, sig)
                .is_ok()
        }
    }
}

/// A P-256 public key, checked to be on the curve when read, as its uncompressed SEC1 point.
#[derive(Clone, Debug)]
pub struct P256Key {
    sec1: Vec<u8>,
}

impl P256Key {
    /// The uncompressed SEC1 point (`04 || x || y`).
    pub fn sec1(&self) -> &[u8] {
        &self.sec1
    }

    /// Whether `sig` (`r || s`, as JWS has it) is this key's ECDSA P-256 SHA-256 signature of
    /// `message` (ES256). ring checks it: about 4 times faster than the `p256` crate, which
    /// still checks the point when the key is read.
    pub fn verify_es256(&self, message: &[u8], sig: &[u8]) -> bool {
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::ECDSA_P256_SHA256_FIXED,
            &self.sec1,
        )
        .verify(message, sig)
        .is_ok()
    }
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
            let key = rsa::RsaPublicKey::new(n, e).map_err(|e| format!("bad RSA key: {e}"))?;
            JwkKey::Rsa(RsaKey::new(key))
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
            p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                .map_err(|_| "the P-256 point is not on the curve")?;
            JwkKey::P256(P256Key {
                sec1: point.as_bytes().to_vec(),
            })
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
            return Err(format!("`alg` {a} does not fit an {} key", key.alg()));
        }
    }
    Ok(Jwk {
        kid: s("kid").map(str::to_owned),
        alg,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys and signatures of `header.payload` made with Python's `cryptography` (e = 65537).
    const KEYS: [(&str, &str); 2] = [
        // 1,024 bits: below ring's floor, checked by rsa.
        (
            "qQoxF1ioFPfSR9sXczVhIo6VXjkRnAjsoysbwP0amZk2_OfN21M0m2EBfXCRqnCad3ID1_FIOVVUVCTsIOSJ5u1ZlcJqKaasbEGtDVJDmcPlia3Sy5lgZXqhGgnIz7FPa4tx48Jf1kNcs5eHM9AG01J2etKNl20pEL85FK2tBjc",
            "DwRONnXcN-ib_2J4Hnuh3KWpUktnDzV1UA8FrfAAYG1-xHNWjgjRhxPV8DShkdfN16JAeDOKdO6mV4sWvfnZ54zKneC7HsqyHQVsNA15yR2plQz5cVwTtpMq-lMDmA0Gbutxh0tm15WBzj0zNX1PmZRLha3gSs32WdDYCmjF1Lc",
        ),
        // 2,048 bits: checked by ring.
        (
            "yF_w0c8YY3KVfh9fO3R-xpnouBnZtBGXIdAC0qz4j4dSsVBxjjpObYXr7VkWpWbb_YkWSA_jYnHSAbwJKx-dKs2la1G-Hu7BasMIc49kG26rToJC5Kb3IxM_L7ZPEx_RWKeHxk2yHds1ac0DjcHQ_xAPizntPciESv_SM_WbQFS0M05snW4ITBCt6MNUkR_jj68NEoZ4UsFmRuRL9Wrv1ZZIEaPmXJgzX6AbHaplvhe1fd76NaoMvztwHyLrpm9c54GuOF_hBvVWGQVmtWabBNFfng6iuh2RKS2KAgT7Slot_wLuKPh7ADscJSoQ9Cf--sD76OshzMZT034aTXEQjw",
            "r-1MD7oKKL5Z86INpSb7-8klv2rBWz2o2TJMfRO6zIdkkq67PFyWB3cSSy5j5fnT4yFUqKJYgR0HCXCL3yAU2e_kZUw3fCIalhHCw86z7zZKJjW85Fv7whB9tsJrLt4jjL-LF48S-L3D70YLDwsDOZHMeSthUPGCcvY4JvJH9kKl-Kttmp5D_A46Zd1c-ohNLI_iGE3RW0675FH37Ao2RKcOs5r0MOFl16CF_QG5NlaIpTOt68QquoAlaLZtpCS80VqMTvRcVipHyQ2gW6FSPx9MzIfE4u60JNhctbncLE8BMxlxYMGlPDAKXPcpd6uWyPE6RzoYb2d-6GrzUfRM2g",
        ),
    ];

    #[test]
    fn rs256_on_both_sides_of_rings_floor() {
        for (n, sig) in KEYS {
            // A leading zero byte in `n` (allowed in a JWK) changes nothing.
            let mut padded = vec![0u8];
            padded.extend(b64(n).expect("base64url"));
            let padded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(padded);
            for n in [n.to_string(), padded] {
                let text = serde_json::json!({"kty": "RSA", "n": n, "e": "AQAB"});
                let Ok(Jwk {
                    key: JwkKey::Rsa(key),
                    ..
                }) = jwk(&text)
                else {
                    panic!("an RSA JWK reads");
                };
                let sig = b64(sig).expect("base64url");
                assert!(
                    key.verify_rs256(b"header.payload", &sig),
                    "{} bits",
                    key.n().len() * 8
                );
                assert!(!key.verify_rs256(b"header.payloaD", &sig));
                let mut bad = sig.clone();
                bad[10] ^= 1;
                assert!(!key.verify_rs256(b"header.payload", &bad));
                assert!(!key.verify_rs256(b"header.payload", &sig[1..]));
            }
        }
    }

    /// ES256 (a key, a signature of `header.payload` and its high-S twin, made with Python's
    /// `cryptography`): both forms verify, as they did with the `p256` crate; any change fails.
    #[test]
    fn es256_signatures() {
        let text = serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": "41aFvdwxtD1t6FG10G1rqZxD-9E88PP5nBMa1xOP80g",
            "y": "fOd8bDXEeTb20litoJNETvF13-ZM5KZKAkqXX9khzqo"
        });
        let Ok(Jwk {
            key: JwkKey::P256(key),
            ..
        }) = jwk(&text)
        else {
            panic!("a P-256 JWK reads");
        };
        for sig in [
            "PXl_R7g7dX_4k5nnWr1uRfQ1d1zNBKTZGlO129tWIw0wn72h_xZQedgHhOjzQKXfuEnP5qImWTFGpVg_bw9xAg",
            "PXl_R7g7dX_4k5nnWr1uRfQ1d1zNBKTZGlO129tWIw3PYEJdAOmvhyf4excMv1ogBJ0qxwTxRVOtFHKDjVO0Tw",
        ] {
            let sig = b64(sig).expect("base64url");
            assert!(key.verify_es256(b"header.payload", &sig));
            assert!(!key.verify_es256(b"header.payloaD", &sig));
            let mut bad = sig.clone();
            bad[40] ^= 1;
            assert!(!key.verify_es256(b"header.payload", &bad));
            assert!(!key.verify_es256(b"header.payload", &sig[..63]));
            assert!(!key.verify_es256(b"header.payload", &[0; 64]));
        }
        // A point off the curve is refused when the key is read.
        let mut off = text.clone();
        off["y"] = "fOd8bDXEeTb20litoJNETvF13-ZM5KZKAkqXX9khzqs".into();
        assert!(jwk(&off).is_err());
    }
}
