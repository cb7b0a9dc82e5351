//! Benchmarks: policy load (parse + check + compile) of a 1,000-role / 5,000-credential policy,
//! and one decision on the reference scenario. Run with `cargo bench`.

use credo::record::{read_records, Format};
use credo::synth::{self, Rng, Shape};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn load_large_policy(c: &mut Criterion) {
    let text = synth::policy(Shape::LARGE, 7);
    c.bench_function(
        "load 1000 roles / 5000 credentials (parse+check+compile)",
        |b| {
            b.iter(|| {
                let loaded = credo::compile_str("large.credo", black_box(&text));
                assert!(loaded.policy.is_some());
            })
        },
    );
}

fn one_decision(c: &mut Criterion) {
    let text = synth::policy(Shape::REFERENCE, 42);
    let policy = credo::compile_str("ref.credo", &text)
        .policy
        .expect("reference policy checks");
    let mut rng = Rng::new(1);
    let lines: Vec<String> = (0..1000)
        .map(|i| synth::record(&mut rng, i, Shape::REFERENCE, None))
        .collect();
    let entries = read_records(&lines.join("\n"), "r.jsonl", Format::Jsonl, &policy);
    let cands: Vec<_> = entries.into_iter().filter_map(|e| e.result.ok()).collect();
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut i = 0;
    c.bench_function("one decision with full trace (reference scenario)", |b| {
        b.iter(|| {
            i = (i + 1) % cands.len();
            black_box(credo::eval::evaluate(&policy, &cands[i], 0, as_of))
        })
    });
}

criterion_group!(benches, load_large_policy, one_decision);
criterion_main!(benches);
