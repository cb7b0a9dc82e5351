//! Embedded Data Integrity proofs: `DataIntegrityProof` with cryptosuite `eddsa-jcs-2022` or
//! `eddsa-rdfc-2022` (W3C vc-di-eddsa, "Verify Proof"), Ed25519 keys pinned by the policy.

use super::{contexts, jcs, rdfc, sha256};
use crate::policy::Provider;
use serde_json::{Map, Value};

/// Verifies `doc`'s embedded proof with the keys pinned for `provider`.
pub fn verify(doc: &Map<String, Value>, provider: &Provider) -> Result<(), String> {
    let proof = match doc.get("proof") {
        Some(Value::Object(p)) => p,
        Some(Value::Array(a)) if a.len() == 1 => a[0]
            .as_object()
            .ok_or("malformed proof: `proof` must be a mapping")?,
        Some(Value::Array(_)) => return Err("a proof set (several proofs) is not supported".into()),
        _ => return Err("malformed proof: `proof` must be a mapping".into()),
    };
    let text = |k: &str| proof.get(k).and_then(Value::as_str);
    match text("type") {
        Some("DataIntegrityProof") => {}
        other => {
            return Err(format!(
                "proof type {} is not DataIntegrityProof",
                other.unwrap_or("(none)")
            ))
        }
    }
    let suite = text("cryptosuite").unwrap_or("(none)");
    if suite != "eddsa-jcs-2022" && suite != "eddsa-rdfc-2022" {
        return Err(format!("unknown cryptosuite {suite}"));
    }
    match text("proofPurpose") {
        Some("assertionMethod") => {}
        other => {
            return Err(format!(
                "proof purpose {} is not assertionMethod",
                other.unwrap_or("(none)")
            ))
        }
    }
    let method = text("verificationMethod").ok_or("malformed proof: no `verificationMethod`")?;
    let key = provider
        .keys
        .iter()
        .find(|k| k.matches(method))
        .ok_or_else(|| format!("key {method} is not pinned for provider {}", provider.id))?;
    let value = text("proofValue").ok_or("malformed proof: no `proofValue`")?;
    let sig: [u8; 64] = super::multibase(value)
        .map_err(|e| format!("malformed proofValue: {e}"))?
        .try_into()
        .map_err(|_| "malformed proofValue: an Ed25519 signature is 64 bytes".to_string())?;

    let mut document = doc.clone();
    document.remove("proof");
    let mut options = proof.clone();
    options.remove("proofValue");
    contexts::check_all(document.get("@context"))?;
    // vc-di-eddsa "Verify Proof" (both suites): the proof's @context, if any, must begin the
    // credential's, and is the one the document was signed with.
    if let Some(ctx) = options.get("@context") {
        contexts::check_all(Some(ctx))?;
        if !starts_with(document.get("@context"), ctx) {
            return Err("the proof's @context is not the start of the credential's".into());
        }
        document.insert("@context".into(), ctx.clone());
    }
    let hash = match suite {
        "eddsa-jcs-2022" => {
            let doc_c =
                jcs::canonical(&Value::Object(document)).ok_or("a number JCS cannot write")?;
            let opt_c =
                jcs::canonical(&Value::Object(options)).ok_or("a number JCS cannot write")?;
            hash_data(&opt_c, &doc_c)
        }
        _ => {
            if let Some(ctx) = document.get("@context") {
                options.insert("@context".into(), ctx.clone());
            }
            let doc_c = rdfc::canonicalize(&document)?;
            let opt_c = rdfc::canonicalize(&options)?;
            hash_data(&opt_c, &doc_c)
        }
    };
    let sig = ed25519_dalek::Signature::from_bytes(&sig);
    key.key
        .verify_strict(&hash, &sig)
        .map_err(|_| "bad signature".to_string())
}

/// `sha256(proof config) || sha256(document)`, what the suite signs.
fn hash_data(options: &str, document: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&sha256(options.as_bytes()));
    out[32..].copy_from_slice(&sha256(document.as_bytes()));
    out
}

/// Whether the credential's `@context` begins with the proof's, in order.
fn starts_with(doc: Option<&Value>, proof: &Value) -> bool {
    let list = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let Some(doc) = doc else { return false };
    let (d, p) = (list(doc), list(proof));
    d.len() >= p.len() && d[..p.len()] == p[..]
}
