//! The `credo` command line: parses arguments, dispatches to a subcommand, sets the exit code.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc, asked the cheap way: see [`credo::alloc`].
#[global_allocator]
static ALLOCATOR: credo::alloc::Mimalloc = credo::alloc::Mimalloc;

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
