//! End to end: `credo eval policy.credo records.jsonl --role r0 --as-of 2026-11-25 --format
//! jsonl` on 1,000,000 records of the reference scenario, output to `/dev/null`, timed by
//! criterion over whole runs of the release binary (10 samples; about a minute).
//!
//! ```sh
//! cargo bench --bench e2e                       # 1,000,000 records, every core
//! CREDO_E2E_RECORDS=100000 CREDO_E2E_JOBS=1 cargo bench --bench e2e
//! ```
//!
//! The records (about 750 bytes each) are generated once with `credo-bench gen` into the
//! system temporary directory and kept for later runs. Peak memory is not measured here:
//! `scripts/bench-e2e.sh` reports it with `/usr/bin/time -v`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn records() -> usize {
    std::env::var("CREDO_E2E_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The scenario directory, generated on first use.
fn scenario(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credo-e2e-{n}"));
    if !dir.join("records.jsonl").exists() {
        let status = Command::new(env!("CARGO_BIN_EXE_credo-bench"))
            .args(["gen", "--records", &n.to_string(), "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .status()
            .expect("credo-bench runs");
        assert!(status.success(), "credo-bench gen failed");
    }
    dir
}

fn end_to_end(c: &mut Criterion) {
    let n = records();
    let dir = scenario(n);
    let jobs = std::env::var("CREDO_E2E_JOBS").ok();
    let mut g = c.benchmark_group("end to end");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(40))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("credo eval --format jsonl, {n} records"), |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_credo"));
                cmd.arg("eval")
                    .arg(dir.join("policy.credo"))
                    .arg(dir.join("records.jsonl"))
                    .args(["--role", "r0", "--as-of", "2026-11-25", "--format", "jsonl"]);
                if let Some(j) = &jobs {
                    cmd.args(["--jobs", j]);
                }
                let status = cmd
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .expect("credo runs");
                assert_eq!(status.code(), Some(0));
            }
            start.elapsed()
        })
    });
    g.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
