//! `credo eval POLICY RECORDS`

/// Evaluate records.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_a: Args) -> u8 {
    super::EXIT_USAGE
}
