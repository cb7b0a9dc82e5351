//! The run's proof cache: a credential that appears again (the same badge on many records, a
//! batch read twice) is verified once (SPEC §15, "cached per credential within a run").
//!
//! A [`Cache`] belongs to one compiled [`crate::policy::Policy`] (its `proofs`), so two policies
//! (`credo diff`) never share answers. An entry is keyed by the SHA-256 of what the answer
//! depends on: the signed credential exactly as checked (the compact JWT, or the credential's
//! JSON without the caller's `verified`), its issuer, and the provider's id and pinned keys. A
//! hit returns what verifying again would, so output does not depend on `--jobs` or on the
//! order records are read in; only the counters do.

use super::{keys::JwkKey, ProofStatus, Signed};
use crate::policy::Provider;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Most answers one cache keeps (about 100 bytes each). Once full it keeps what it has and
/// further credentials are verified every time they appear.
pub const MAX_ENTRIES: usize = 1 << 17;

/// Shards of the map, so the threads of a batch seldom wait on one another's lock.
const SHARDS: usize = 16;

type Key = [u8; 32];

/// Proof statuses already worked out in this run, shared by the reading threads.
#[derive(Debug)]
pub struct Cache {
    /// Each credential's answer, worked out once: a thread meeting a credential another thread
    /// is checking waits for that answer.
    shards: [Mutex<HashMap<Key, Arc<OnceLock<ProofStatus>>>>; SHARDS],
    /// Proofs actually verified (cache misses).
    checked: AtomicU64,
    /// Proofs answered from the cache.
    reused: AtomicU64,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
            checked: AtomicU64::new(0),
            reused: AtomicU64::new(0),
        }
    }
}

/// How much a cache was used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Proofs whose signature was checked.
    pub checked: u64,
    /// Proofs answered from the cache without checking again.
    pub reused: u64,
}

impl Cache {
    /// [`super::verify`], answered from the cache when this credential was checked before
    /// against the same provider and keys.
    pub fn verify(
        &self,
        signed: &Signed,
        issuer: Option<&str>,
        providers: &[Provider],
    ) -> ProofStatus {
        let provider = match super::provider_for(issuer, providers) {
            Ok(p) => p,
            // Nothing to check, nothing worth keeping: the answer is found without cryptography.
            Err(reason) => return ProofStatus::Failed(reason),
        };
        let key = key(signed, issuer.unwrap_or_default(), provider);
        let shard = &self.shards[usize::from(key[0]) % SHARDS];
        let cell = {
            let mut map = lock(shard);
            match map.get(&key) {
                Some(cell) => Some(Arc::clone(cell)),
                None if map.len() < MAX_ENTRIES / SHARDS => {
                    let cell = Arc::new(OnceLock::new());
                    map.insert(key, Arc::clone(&cell));
                    Some(cell)
                }
                None => None,
            }
        };
        // Checked outside the shard's lock, once per credential: the first thread checks it,
        // any other meeting it meanwhile waits for that answer.
        let mut fresh = false;
        let status = match cell {
            Some(cell) => cell
                .get_or_init(|| {
                    fresh = true;
                    super::check(signed, provider)
                })
                .clone(),
            None => {
                fresh = true;
                super::check(signed, provider)
            }
        };
        let counter = if fresh { &self.checked } else { &self.reused };
        counter.fetch_add(1, Ordering::Relaxed);
        status
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        Stats {
            checked: self.checked.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// Answers kept.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Whether no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A shard's map; a thread that panicked while holding it left a map that is still whole
/// (inserts do not unwind half-way), so a poisoned lock is used as is.
type Shard = HashMap<Key, Arc<OnceLock<ProofStatus>>>;

fn lock(m: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// SHA-256 over every input of the answer, each part length-prefixed so no two different
/// inputs run together into the same bytes.
fn key(signed: &Signed, issuer: &str, provider: &Provider) -> Key {
    let mut h = Sha256::new();
    let mut part = |tag: u8, bytes: &[u8]| {
        h.update([tag]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    match signed {
        Signed::Embedded(doc) => {
            // serde_json writes a map the same way every time; the bytes are the credential.
            let bytes = serde_json::to_vec(&**doc).unwrap_or_default();
            part(b'D', &bytes);
        }
        Signed::Jwt(token) => part(b'J', token.as_bytes()),
    }
    part(b'I', issuer.as_bytes());
    part(b'P', provider.id.as_bytes());
    for k in &provider.keys {
        part(b'K', k.id.as_bytes());
        part(b'M', k.key.as_bytes());
    }
    for j in &provider.jwks {
        part(b'k', j.kid.as_deref().unwrap_or_default().as_bytes());
        part(b'a', j.alg.as_deref().unwrap_or_default().as_bytes());
        match &j.key {
            JwkKey::Rsa(k) => {
                part(b'n', k.n());
                part(b'e', k.e());
            }
            JwkKey::P256(k) => part(b'p', k.sec1()),
            JwkKey::Ed25519(k) => part(b'x', k.as_bytes()),
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::PinnedKey;
    use serde_json::{Map, Value};
    use std::sync::Arc;

    const W3C_KEY: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const W3C_ISSUER: &str = "https://vc.example/issuers/5678";

    fn provider(id: &str, keys: &[&str]) -> Provider {
        Provider {
            id: id.into(),
            name: id.into(),
            tier: 0,
            issuers: vec![W3C_ISSUER.into()],
            keys: keys.iter().map(|k| PinnedKey::parse(k).unwrap()).collect(),
            jwks: vec![],
            retired: None,
        }
    }

    fn vector() -> Map<String, Value> {
        let text = include_str!("../../tests/fixtures/proofs/w3c-eddsa-jcs-2022-signed.json");
        match serde_json::from_str(text) {
            Ok(Value::Object(m)) => m,
            other => panic!("the W3C vector is a JSON object: {other:?}"),
        }
    }

    fn pinned() -> String {
        format!("{W3C_ISSUER}#{W3C_KEY} {W3C_KEY}")
    }

    #[test]
    fn a_repeated_credential_is_verified_once() {
        let providers = [provider("w3c", &[&pinned()])];
        let cache = Cache::default();
        let signed = Signed::Embedded(Arc::new(vector()));
        for _ in 0..3 {
            let status = cache.verify(&signed, Some(W3C_ISSUER), &providers);
            assert_eq!(status, ProofStatus::Verified);
        }
        assert_eq!(
            cache.stats(),
            Stats {
                checked: 1,
                reused: 2
            }
        );
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_cached_answer_is_the_uncached_one_and_failures_are_cached_too() {
        let providers = [provider("w3c", &[&pinned()])];
        let cache = Cache::default();
        let mut forged = vector();
        forged.insert("name".into(), Value::String("Forged".into()));
        let forged = Signed::Embedded(Arc::new(forged));
        let first = cache.verify(&forged, Some(W3C_ISSUER), &providers);
        assert!(first.is_failed(), "{first:?}");
        assert_eq!(
            first,
            crate::proof::verify(&forged, Some(W3C_ISSUER), &providers)
        );
        assert_eq!(cache.verify(&forged, Some(W3C_ISSUER), &providers), first);
        assert_eq!(
            cache.stats(),
            Stats {
                checked: 1,
                reused: 1
            }
        );
        // The genuine credential is another entry, not the forged one's answer.
        let genuine = Signed::Embedded(Arc::new(vector()));
        assert_eq!(
            cache.verify(&genuine, Some(W3C_ISSUER), &providers),
            ProofStatus::Verified
        );
        assert_eq!(
            cache.stats(),
            Stats {
                checked: 2,
                reused: 1
            }
        );
    }

    #[test]
    fn other_keys_are_another_entry() {
        let cache = Cache::default();
        let signed = Signed::Embedded(Arc::new(vector()));
        let right = [provider("w3c", &[&pinned()])];
        // The same provider id pinning another key (a policy edited and cloned) must not reuse
        // the answer for the first key.
        let other = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let wrong = [provider("w3c", &[other])];
        assert_eq!(
            cache.verify(&signed, Some(W3C_ISSUER), &right),
            ProofStatus::Verified
        );
        let status = cache.verify(&signed, Some(W3C_ISSUER), &wrong);
        assert!(status.is_failed(), "{status:?}");
        assert_eq!(
            cache.stats(),
            Stats {
                checked: 2,
                reused: 0
            }
        );
    }

    #[test]
    fn an_issuer_of_no_provider_fails_without_an_entry() {
        let cache = Cache::default();
        let signed = Signed::Embedded(Arc::new(vector()));
        let status = cache.verify(
            &signed,
            Some("https://nobody.example"),
            &[provider("w3c", &[&pinned()])],
        );
        assert!(status.is_failed(), "{status:?}");
        assert!(cache.is_empty());
        assert_eq!(cache.stats(), Stats::default());
    }

    #[test]
    fn a_full_cache_still_answers() {
        let providers = [provider("w3c", &[&pinned()])];
        let cache = Cache::default();
        let signed = Signed::Embedded(Arc::new(vector()));
        let key = key(&signed, W3C_ISSUER, &providers[0]);
        // Fill the credential's shard to its bound with other keys.
        {
            let mut map = lock(&cache.shards[usize::from(key[0]) % SHARDS]);
            for i in 0..MAX_ENTRIES / SHARDS {
                let mut k = [0u8; 32];
                k[..8].copy_from_slice(&(i as u64).to_le_bytes());
                k[31] = 0xff;
                map.insert(k, Arc::new(OnceLock::from(ProofStatus::None)));
            }
        }
        for _ in 0..2 {
            assert_eq!(
                cache.verify(&signed, Some(W3C_ISSUER), &providers),
                ProofStatus::Verified
            );
        }
        assert_eq!(
            cache.stats(),
            Stats {
                checked: 2,
                reused: 0
            }
        );
        assert_eq!(cache.len(), MAX_ENTRIES / SHARDS);
    }
}
