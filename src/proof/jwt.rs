//! Compact VC-JWT: a JWS whose payload is the credential (VCDM 2.0, claims beside it) or holds
//! it under `vc` (VCDM 1.1). RS256, ES256 and EdDSA, with the provider's pinned keys and JWKS.
//!
//! The JWS is parsed here (split, base64url, JSON): the JOSE crates bring their own key and
//! claim handling that credo's pinning and claim agreement would only work around.

use super::keys::{b64, JwkKey};
use crate::policy::Provider;
use serde_json::{Map, Value};

/// A JSON object.
type Object = Map<String, Value>;

/// The header and payload of a compact JWS, without checking the signature.
pub fn decode(token: &str) -> Result<(Object, Object), String> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed JWT: a compact JWT has three parts separated by `.`".into());
    };
    let json = |part: &str, what: &str| -> Result<Map<String, Value>, String> {
        let bytes = b64(part).map_err(|e| format!("malformed JWT: the {what} is {e}"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(format!("malformed JWT: the {what} is not a JSON object")),
        }
    };
    Ok((json(h, "header")?, json(p, "payload")?))
}

/// The credential a VC-JWT carries: `vc` (1.1) or the payload itself (2.0). A 1.1 credential
/// without an issuer takes `iss`.
pub fn credential(token: &str) -> Result<Map<String, Value>, String> {
    let (_, payload) = decode(token)?;
    Ok(credential_of(&payload))
}

fn credential_of(payload: &Map<String, Value>) -> Map<String, Value> {
    match payload.get("vc") {
        Some(Value::Object(vc)) => {
            let mut vc = vc.clone();
            if !vc.contains_key("issuer") {
                if let Some(iss) = payload.get("iss") {
                    vc.insert("issuer".into(), iss.clone());
                }
            }
            vc
        }
        _ => payload.clone(),
    }
}

/// Verifies the JWT's signature with `provider`'s keys and that its claims agree with the
/// credential.
pub fn verify(token: &str, provider: &Provider) -> Result<(), String> {
    let (header, payload) = decode(token)?;
    let token = token.trim();
    let (signing_input, sig_b64) = token.rsplit_once('.').ok_or("malformed JWT")?;
    let sig = b64(sig_b64).map_err(|e| format!("malformed JWT: the signature is {e}"))?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("(none)");
    let kid = header.get("kid").and_then(Value::as_str);
    let input = signing_input.as_bytes();
    let fits = |k: &Option<String>| kid.is_none() || k.as_deref() == kid;
    let ok = match alg {
        "EdDSA" => {
            let sig: [u8; 64] = sig.as_slice().try_into().map_err(|_| "bad signature")?;
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            let pinned = provider
                .keys
                .iter()
                .filter(|k| kid.is_none_or(|kid| k.matches(kid)))
                .map(|k| &k.key);
            let jwks = provider
                .jwks
                .iter()
                .filter(|j| fits(&j.kid))
                .filter_map(|j| match &j.key {
                    JwkKey::Ed25519(k) => Some(k),
                    _ => None,
                });
            let mut tried = false;
            let mut ok = false;
            for k in pinned.chain(jwks) {
                tried = true;
                ok |= k.verify_strict(input, &sig).is_ok();
            }
            if !tried {
                return Err(no_key(kid, alg, provider));
            }
            ok
        }
        "RS256" | "ES256" => {
            let mut tried = false;
            let mut ok = false;
            for j in provider.jwks.iter().filter(|j| fits(&j.kid)) {
                match (&j.key, alg) {
                    (JwkKey::Rsa(k), "RS256") => {
                        tried = true;
                        ok |= k.verify_rs256(input, &sig);
                    }
                    (JwkKey::P256(k), "ES256") => {
                        tried = true;
                        ok |= k.verify_es256(input, &sig);
                    }
                    _ => {}
                }
            }
            if !tried {
                return Err(no_key(kid, alg, provider));
            }
            ok
        }
        other => return Err(format!("unsupported JWT alg {other}")),
    };
    if !ok {
        return Err("bad signature".into());
    }
    super::contexts::check_all(credential_of(&payload).get("@context"))?;
    claims_agree(&payload)
}

fn no_key(kid: Option<&str>, alg: &str, provider: &Provider) -> String {
    match kid {
        Some(kid) => format!(
            "key {kid} ({alg}) is not pinned for provider {}",
            provider.id
        ),
        None => format!("no {alg} key is pinned for provider {}", provider.id),
    }
}

/// `iss`, `jti`, `sub`, `nbf` and `exp` agree with the credential when both are given.
fn claims_agree(payload: &Map<String, Value>) -> Result<(), String> {
    let cred = credential_of(payload);
    let claim = |k: &str| payload.get(k);
    let issuer = match cred.get("issuer") {
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let subject = cred
        .get("credentialSubject")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str);
    let pairs = [
        ("iss", issuer, "issuer"),
        ("jti", cred.get("id").and_then(Value::as_str), "id"),
        ("sub", subject, "credentialSubject.id"),
    ];
    for (name, value, field) in pairs {
        if let (Some(c), Some(v)) = (claim(name), value) {
            if c.as_str() != Some(v) {
                return Err(format!(
                    "JWT claim `{name}` disagrees with the credential's `{field}`"
                ));
            }
        }
    }
    let seconds = |field: &str| {
        cred.get(field)
            .and_then(Value::as_str)
            .map(|s| s.parse::<jiff::Timestamp>().map(|t| t.as_second()))
    };
    for (name, fields) in [
        ("nbf", ["validFrom", "issuanceDate"]),
        ("exp", ["validUntil", "expirationDate"]),
    ] {
        let Some(c) = claim(name) else { continue };
        let Some(c) = c.as_i64() else {
            return Err(format!(
                "malformed JWT: `{name}` is not a number of seconds"
            ));
        };
        if let Some(t) = fields.iter().find_map(|f| seconds(f)) {
            let t =
                t.map_err(|_| format!("the credential's date for `{name}` is not a timestamp"))?;
            if t != c {
                return Err(format!(
                    "JWT claim `{name}` disagrees with the credential's `{}`",
                    fields
                        .iter()
                        .find(|f| cred.contains_key(**f))
                        .unwrap_or(&fields[0])
                ));
            }
        }
    }
    Ok(())
}
