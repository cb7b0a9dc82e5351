//! `credo-bench gen`: writes the deterministic benchmark scenario (a policy and JSONL records).
//!
//! ```sh
//! cargo run --release --bin credo-bench -- gen --dir /tmp/bench --records 1000000
//! ```
//!
//! `credo-bench audit-sample` writes the shipped audit sample (see `credo::synth::audit_sample`):
//!
//! ```sh
//! cargo run --bin credo-bench -- audit-sample > policies/audit-sample.records.jsonl
//! ```

use clap::{Parser, Subcommand};
use credo::synth::{self, Rng, Shape};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "credo-bench", about = "Benchmark scenario generator for credo")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write `policy.credo` (reference scenario) and `records.jsonl` into a directory.
    Gen {
        /// Output directory.
        #[arg(long)]
        dir: PathBuf,
        /// Number of records.
        #[arg(long, default_value_t = 10_000)]
        records: usize,
        /// Seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Generate the large policy (1,000 roles, 5,000 credentials) instead.
        #[arg(long)]
        large: bool,
    },
    /// Print the audit sample for `policies/acme-cyber.credo` (JSONL) to standard output.
    AuditSample {
        /// Number of records.
        #[arg(long, default_value_t = synth::AUDIT_SAMPLE_RECORDS)]
        records: usize,
        /// Seed.
        #[arg(long, default_value_t = synth::AUDIT_SAMPLE_SEED)]
        seed: u64,
    },
}

fn main() -> std::io::Result<()> {
    let (dir, records, seed, large) = match Cli::parse().command {
        Command::Gen {
            dir,
            records,
            seed,
            large,
        } => (dir, records, seed, large),
        Command::AuditSample { records, seed } => {
            return std::io::stdout().write_all(synth::audit_sample(records, seed).as_bytes());
        }
    };
    let shape = if large {
        Shape::LARGE
    } else {
        Shape::REFERENCE
    };
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("policy.credo"), synth::policy(shape, seed))?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("records.jsonl"))?);
    let mut rng = Rng::new(seed ^ 0x5EED);
    for i in 0..records {
        writeln!(out, "{}", synth::record(&mut rng, i, shape, Some("r0")))?;
    }
    out.flush()
}
