//! CSV record sets (SPEC §16): bytes split at 0xFF into the tables `candidates`,
//! `credentials`, `artifacts`, `labs`, `work_samples`, `experience`, `education` (in that
//! order) → candidates, orphan rows or record errors, never a panic; every candidate row is
//! accounted for.
#![no_main]

use credo::record::table::{from_csv_bytes, read_set, Table};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policy() -> &'static credo::policy::Policy {
    static P: OnceLock<credo::policy::Policy> = OnceLock::new();
    P.get_or_init(|| {
        credo::compile_str("acme.credo", include_str!("../../policies/acme-cyber.credo"))
            .policy
            .expect("the shipped policy checks")
    })
}

fuzz_target!(|data: &[u8]| {
    let tables: Vec<(Table, &[u8])> = Table::ALL.into_iter().zip(data.split(|&b| b == 0xFF)).collect();
    let Ok(src) = from_csv_bytes(&tables, None) else { return };
    let rows = match src.rows(Table::Candidates) {
        Ok(rows) => rows.filter(Result::is_ok).count(),
        Err(_) => return,
    };
    let mut candidates = 0;
    let read = read_set(src.as_ref(), |r| {
        let _ = r.entry(policy());
        let _ = r.value(None);
        candidates += usize::from(r.is_candidate());
        std::ops::ControlFlow::Continue(())
    });
    if read.is_ok() {
        assert_eq!(candidates, rows, "every candidate row is a record");
    }
});
