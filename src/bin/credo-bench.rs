//! `credo-bench gen`: writes the deterministic benchmark scenario (a policy and JSONL records).
//!
//! ```sh
//! cargo run --release --bin credo-bench -- gen --dir /tmp/bench --records 1000000
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
}

fn main() -> std::io::Result<()> {
    let Command::Gen {
        dir,
        records,
        seed,
        large,
    } = Cli::parse().command;
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
