//! Signed Open Badges 3.0 credentials for tests of proofs (SPEC §15): a policy pinning a test
//! key, and credentials signed with it (eddsa-jcs-2022), genuine or forged.

use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Map, Value};

/// The issuer the test key is pinned for.
pub const ISSUER: &str = "https://badges.example";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// `did:key:z6Mk…` of the test key.
pub fn did_key() -> String {
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(key().verifying_key().as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// A policy with provider `school` pinning the test key for [`ISSUER`], a catalogue credential
/// for the badge, role `r` requiring its skill, and `extra` lines (guardrails) at the end.
pub fn policy(extra: &str) -> String {
    format!(
        r#"policy "P" {{ version "1" effective 2020-01-01 owner "o" }}
skill net "Network security"
provider school {{ name "School" tier trusted issuers ["{ISSUER}"] keys ["{}"] }}
credential badge {{ title "Network badge" provider school skills [net] achievements ["urn:uuid:ach-1"] }}
role r {{ title "R" require net }}
{extra}
"#,
        did_key()
    )
}

/// An Open Badges 3.0 credential for learner `learner`, signed with an eddsa-jcs-2022 proof.
pub fn badge(learner: u32) -> Value {
    let ctx = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ]);
    let doc = json!({
        "@context": ctx,
        "id": format!("urn:uuid:cred-{learner}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": ISSUER, "type": ["Profile"], "name": "School" },
        "validFrom": "2024-05-01T00:00:00Z",
        "name": "Network badge",
        "credentialSubject": {
            "id": format!("did:example:learner-{learner}"),
            "type": ["AchievementSubject"],
            "achievement": { "id": "urn:uuid:ach-1", "type": ["Achievement"], "name": "Network badge" }
        }
    });
    let mut options = Map::new();
    options.insert("type".into(), json!("DataIntegrityProof"));
    options.insert("cryptosuite".into(), json!("eddsa-jcs-2022"));
    options.insert("created".into(), json!("2024-05-01T00:00:00Z"));
    options.insert("verificationMethod".into(), json!(did_key()));
    options.insert("proofPurpose".into(), json!("assertionMethod"));
    options.insert("@context".into(), ctx);
    let canonical = |v: &Value| credo::proof::jcs::canonical(v).expect("JCS");
    let mut hash = sha(canonical(&Value::Object(options.clone())).as_bytes()).to_vec();
    hash.extend_from_slice(&sha(canonical(&doc).as_bytes()));
    let sig = key().sign(&hash);
    options.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(sig.to_bytes()).into_string())),
    );
    let mut doc = doc;
    doc["proof"] = Value::Object(options);
    doc
}

/// [`badge`] with its name changed after signing: its proof fails (`bad signature`).
pub fn forged(learner: u32) -> Value {
    let mut doc = badge(learner);
    doc["name"] = json!("Forged badge");
    doc
}

fn sha(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}
