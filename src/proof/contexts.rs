//! The JSON-LD contexts credo holds (SPEC §15). A credential whose `@context` names any other
//! context, or writes one inline, fails its proof: nothing is ever fetched.

use serde_json::Value;

/// The context URLs credo knows.
pub const KNOWN: &[&str] = &[
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    // The W3C examples context (`@vocab` only), which the vc-di-eddsa test vectors use.
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
];

/// Every entry of a `@context` value is a context credo holds.
pub fn check_all(ctx: Option<&Value>) -> Result<(), String> {
    let one = |v: &Value| match v {
        Value::String(s) if KNOWN.contains(&s.as_str()) => Ok(()),
        Value::String(s) => Err(format!("unknown @context {s} (credo fetches nothing)")),
        _ => Err("an inline @context is not supported (credo holds only known contexts)".into()),
    };
    match ctx {
        None => Err("the credential has no @context".into()),
        Some(Value::Array(a)) => a.iter().try_for_each(one),
        Some(v) => one(v),
    }
}
