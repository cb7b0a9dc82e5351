//! Policy text → parse, check, compile, and render every diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let loaded = credo::compile_str("fuzz.credo", &text);
    for d in &loaded.diags {
        let _ = credo::diag::render(d, &loaded.sources, false);
        let _ = credo::diag::JsonDiag::new(d, &loaded.sources);
    }
    if loaded.policy.is_some() {
        if let Ok(formatted) = credo::fmt::format_text("fuzz.credo", &text) {
            // Formatting a valid policy must give a valid policy.
            assert!(credo::compile_str("fuzz.credo", &formatted).policy.is_some());
        }
    }
});
