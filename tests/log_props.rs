//! Property: any single-byte change, insertion or deletion, and any swap, removal or copy of
//! lines, is caught by `log verify`: as a problem, as a torn or unterminated last line, or (for
//! lines removed from the end) by a last hash other than the anchored one (`--expect-last`).

use proptest::prelude::*;

/// A log of six real entries (decisions of the shipped policy), written by the appender.
fn log() -> &'static [u8] {
    static LOG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
        let policy = credo::compile_str("acme-cyber.credo", &text)
            .policy
            .unwrap();
        let records = std::fs::read_to_string("policies/acme-cyber.records.jsonl").unwrap();
        let entries =
            credo::record::read_records(&records, "r", credo::record::Format::Jsonl, &policy);
        let path = std::env::temp_dir().join(format!("credo-log-props-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut a = credo::log::Appender::open(&path).unwrap();
        for e in entries.iter().take(6) {
            let c = e.result.as_ref().unwrap();
            let d = credo::eval::evaluate(&policy, c, 0, jiff::civil::date(2026, 11, 25));
            a.append(&d, c, &policy.hash).unwrap();
        }
        a.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        bytes
    })
}

/// Whether verify notices that `changed` is not the untouched log.
fn caught(changed: &[u8]) -> bool {
    let original = credo::log::verify(log());
    let v = credo::log::verify(changed);
    v.problem.is_some() || !v.torn.is_empty() || v.unterminated || v.last_hash != original.last_hash
}

fn lines() -> Vec<&'static [u8]> {
    log().split_inclusive(|b| *b == b'\n').collect()
}

#[test]
fn the_untouched_log_verifies() {
    let v = credo::log::verify(log());
    assert_eq!(
        (v.problem, v.verified, v.torn, v.unterminated),
        (None, 6, vec![], false)
    );
    assert!(!caught(log()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_changed_byte_is_caught(at in 0..usize::MAX, byte in any::<u8>()) {
        let mut changed = log().to_vec();
        let at = at % changed.len();
        prop_assume!(changed[at] != byte);
        changed[at] = byte;
        prop_assert!(caught(&changed));
    }

    #[test]
    fn an_inserted_byte_is_caught(at in 0..usize::MAX, byte in any::<u8>()) {
        let mut changed = log().to_vec();
        changed.insert(at % (changed.len() + 1), byte);
        prop_assert!(caught(&changed));
    }

    #[test]
    fn a_deleted_byte_is_caught(at in 0..usize::MAX) {
        let mut changed = log().to_vec();
        changed.remove(at % changed.len());
        prop_assert!(caught(&changed));
    }

    #[test]
    fn swapped_lines_are_caught(a in 0..6usize, b in 0..6usize) {
        prop_assume!(a != b);
        let mut ls = lines();
        ls.swap(a, b);
        let p = credo::log::verify(&ls.concat()).problem;
        prop_assert_eq!(p.map(|p| p.line), Some(a.min(b) + 1));
    }

    #[test]
    fn removed_or_copied_lines_are_caught(at in 0..6usize, copy_of in 0..6usize, remove in any::<bool>()) {
        let mut ls = lines();
        if remove {
            ls.remove(at);
        } else {
            ls.insert(at, ls[copy_of]);
        }
        prop_assert!(caught(&ls.concat()));
    }
}
