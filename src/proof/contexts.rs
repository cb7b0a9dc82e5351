//! The JSON-LD contexts credo holds (SPEC §15). A credential whose `@context` names any other
//! context, or writes one inline, fails its proof: nothing is ever fetched.
//!
//! The documents themselves are vendored under `src/proof/contexts/` (their sources and
//! licences: `src/proof/contexts/SOURCE.md`) and built in; `eddsa-rdfc-2022` expands
//! credentials with them ([`super::rdfc`]).

use serde_json::Value;

/// Each context URL credo knows, with its document.
pub const DOCUMENTS: &[(&str, &str)] = &[
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("contexts/credentials-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("contexts/credentials-v2.jsonld"),
    ),
    // The W3C examples context (`@vocab` only), which the vc-di-eddsa test vectors use.
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("contexts/credentials-examples-v2.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("contexts/ob-v3p0-context.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("contexts/data-integrity-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("contexts/data-integrity-v2.jsonld"),
    ),
];

/// Whether credo holds the context at `url`.
pub fn is_known(url: &str) -> bool {
    DOCUMENTS.iter().any(|(u, _)| *u == url)
}

/// Every entry of a `@context` value is a context credo holds.
pub fn check_all(ctx: Option<&Value>) -> Result<(), String> {
    let one = |v: &Value| match v {
        Value::String(s) if is_known(s) => Ok(()),
        Value::String(s) => Err(format!("unknown @context {s} (credo fetches nothing)")),
        _ => Err("an inline @context is not supported (credo holds only known contexts)".into()),
    };
    match ctx {
        None => Err("the credential has no @context".into()),
        Some(Value::Array(a)) => a.iter().try_for_each(one),
        Some(v) => one(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_context_is_a_json_ld_context_document() {
        for (url, text) in DOCUMENTS {
            let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(v["@context"].is_object(), "{url} has no @context object");
        }
    }

    #[test]
    fn only_listed_contexts_pass() {
        let ok = serde_json::json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ]);
        assert_eq!(check_all(Some(&ok)), Ok(()));
        // 1EdTech never published a context-3.0.0.json: the 3.0.0 context is context.json.
        let bad = serde_json::json!("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json");
        assert!(check_all(Some(&bad))
            .unwrap_err()
            .contains("unknown @context"));
        let inline = serde_json::json!([{ "name": "https://schema.org/name" }]);
        assert!(check_all(Some(&inline)).unwrap_err().contains("inline"));
        assert!(check_all(None).is_err());
    }
}
