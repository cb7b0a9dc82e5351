//! A fuzzed record evaluated against every role of every shipped policy, rendered as text,
//! `--explain` and JSON.
#![no_main]

use credo::record::{read_records, Format};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policies() -> &'static [credo::policy::Policy] {
    static P: OnceLock<Vec<credo::policy::Policy>> = OnceLock::new();
    P.get_or_init(|| {
        [
            include_str!("../../policies/acme-cyber.credo"),
            include_str!("../../policies/data-analytics.credo"),
            include_str!("../../policies/everup-admission.credo"),
        ]
        .iter()
        .map(|t| credo::compile_str("p.credo", t).policy.expect("shipped policies check"))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let as_of = jiff::civil::date(2026, 11, 25);
    for p in policies() {
        for entry in read_records(&text, "fuzz.yaml", Format::Yaml, p) {
            let Ok(c) = entry.result else { continue };
            for r in 0..p.roles.len() {
                let d = credo::eval::evaluate(p, &c, r, as_of);
                let _ = credo::render::text::explain(&d);
                let _ = credo::render::text::summary(&d);
                let _ = serde_json::to_string(&d).expect("decisions serialise");
            }
        }
    }
});
