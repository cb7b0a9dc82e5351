//! The `credo` command line: parses arguments, dispatches to a subcommand, sets the exit code.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// Deciding a batch makes many small allocations (every decision carries its trace); mimalloc
/// serves them markedly faster than the system allocator, from every thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(cli::EXIT_USAGE),
            };
        }
    };
    ExitCode::from(cli::run(args))
}
