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
//!
//! `credo-bench outcomes-sample` writes the shipped outcomes sample (policy, applicants,
//! outcomes; see `credo::synth::outcomes_sample`), or a larger one for benchmarks:
//!
//! ```sh
//! cargo run --bin credo-bench -- outcomes-sample --dir policies
//! cargo run --release --bin credo-bench -- outcomes-sample --dir /tmp/m --applicants 1000000 --hire-scale 0.4
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
    /// Write `outcomes-sample.credo`, `.records.jsonl` and `.outcomes.csv` into a directory.
    OutcomesSample {
        /// Output directory.
        #[arg(long)]
        dir: PathBuf,
        /// Number of applicants.
        #[arg(long, default_value_t = synth::OUTCOMES_SAMPLE_APPLICANTS)]
        applicants: usize,
        /// Seed.
        #[arg(long, default_value_t = synth::OUTCOMES_SAMPLE_SEED)]
        seed: u64,
        /// Multiplies every hiring chance (1.0: about a quarter of applicants are hired).
        #[arg(long, default_value_t = 1.0)]
        hire_scale: f64,
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
        Command::OutcomesSample {
            dir,
            applicants,
            seed,
            hire_scale,
        } => {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(
                dir.join("outcomes-sample.credo"),
                synth::OUTCOMES_SAMPLE_POLICY,
            )?;
            let create = |name: &str| -> std::io::Result<std::io::BufWriter<std::fs::File>> {
                Ok(std::io::BufWriter::new(std::fs::File::create(
                    dir.join(name),
                )?))
            };
            let mut records = create("outcomes-sample.records.jsonl")?;
            let mut outcomes = create("outcomes-sample.outcomes.csv")?;
            synth::write_outcomes_sample(
                applicants,
                seed,
                hire_scale,
                &mut records,
                &mut outcomes,
            )?;
            records.flush()?;
            return outcomes.flush();
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
