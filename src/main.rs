//! The `credo` command line: parses arguments, dispatches to a subcommand, sets the exit code.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc, asked the cheap way: see [`cli::alloc`]. The binary's choice, not the library's.
#[global_allocator]
static ALLOCATOR: cli::alloc::Mimalloc = cli::alloc::Mimalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // clap quotes the command line in its messages: the same arguments, escaped, give
            // the same error with the names shown escaped (a newline in one included); what is
            // left is escaped line by line. Help that cannot be written is a failure like any
            // other output.
            let escaped = std::env::args_os()
                .map(|a| credo::visible::visible(&a.to_string_lossy()).into_owned());
            let e = cli::Cli::try_parse_from(escaped).err().unwrap_or(e);
            let text: String = e
                .render()
                .to_string()
                .split_inclusive('\n')
                .map(|line| {
                    let (body, end) = line
                        .strip_suffix('\n')
                        .map_or((line, ""), |body| (body, "\n"));
                    credo::visible::visible(body).into_owned() + end
                })
                .collect();
            let wrote = if e.use_stderr() {
                cli::err(&text)
            } else {
                cli::out(&text)
            };
            return match (wrote, e.kind()) {
                (Err(code), _) => ExitCode::from(code),
                (
                    Ok(()),
                    clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion,
                ) => ExitCode::SUCCESS,
                _ => ExitCode::from(cli::EXIT_USAGE),
            };
        }
    };
    ExitCode::from(cli::run(args))
}
