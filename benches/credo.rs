//! Benchmarks: policy load (parse + check + compile) of a 1,000-role / 5,000-credential policy;
//! one decision on the reference scenario, as a summary (fast path) and with the full trace;
//! reading one JSONL record. Run with `cargo bench --bench credo`; `benches/e2e.rs` times
//! `credo eval` end to end and `scripts/bench-e2e.sh` adds peak memory.

use credo::record::{read_json_line, read_records, Candidate, Format};
use credo::synth::{self, Rng, Shape};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

/// The allocator the `credo` binary uses (`src/cli/alloc.rs`, the binary's module, included
/// here); with the system allocator the traced figures are slower (the README says by how much).
#[path = "../src/cli/alloc.rs"]
#[allow(dead_code, unused_imports)]
mod alloc;
#[global_allocator]
static ALLOCATOR: alloc::Mimalloc = alloc::Mimalloc;

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

/// The reference policy and 1,000 of its candidates.
fn reference() -> (credo::policy::Policy, Vec<String>, Vec<Candidate>) {
    let text = synth::policy(Shape::REFERENCE, 42);
    let policy = credo::compile_str("ref.credo", &text)
        .policy
        .expect("reference policy checks");
    let mut rng = Rng::new(1);
    let lines: Vec<String> = (0..1000)
        .map(|i| synth::record(&mut rng, i, Shape::REFERENCE, None))
        .collect();
    let entries = read_records(&lines.join("\n"), "r.jsonl", Format::Jsonl, &policy);
    let cands = entries.into_iter().filter_map(|e| e.result.ok()).collect();
    (policy, lines, cands)
}

fn one_decision(c: &mut Criterion) {
    let (policy, lines, cands) = reference();
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut g = c.benchmark_group("one decision (reference scenario)");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("summary: prepare candidate + decide_fast", |b| {
        let mut out = credo::eval::Summary::default();
        b.iter(|| {
            i = (i + 1) % cands.len();
            let facts = credo::eval::Facts::new(&policy, &cands[i], as_of);
            credo::eval::decide_into(&facts, 0, &mut out);
            black_box(out.outcome)
        })
    });
    let facts: Vec<_> = (cands.iter())
        .map(|c| credo::eval::Facts::new(&policy, c, as_of))
        .collect();
    g.bench_function("summary: decide_fast on a prepared candidate", |b| {
        let mut out = credo::eval::Summary::default();
        b.iter(|| {
            i = (i + 1) % facts.len();
            credo::eval::decide_into(&facts[i], 0, &mut out);
            black_box(out.outcome)
        })
    });
    g.bench_function("full trace: evaluate", |b| {
        b.iter(|| {
            i = (i + 1) % cands.len();
            black_box(credo::eval::evaluate(&policy, &cands[i], 0, as_of))
        })
    });
    g.bench_function("read one JSONL record", |b| {
        b.iter(|| {
            i = (i + 1) % lines.len();
            black_box(read_json_line(&lines[i], "r.jsonl", i, &policy))
        })
    });
    g.bench_function("evaluate + render one JSONL decision", |b| {
        b.iter(|| {
            i = (i + 1) % cands.len();
            let d = credo::eval::evaluate(&policy, &cands[i], 0, as_of);
            black_box(credo::render::json_line(&credo::render::Item::Decision(
                Box::new(d),
            )))
        })
    });
    g.finish();
}

criterion_group!(benches, load_large_policy, one_decision);
criterion_main!(benches);
