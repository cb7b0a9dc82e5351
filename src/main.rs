//! The `credo` command line: parses arguments, dispatches to a subcommand, sets the exit code.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// Deciding a batch makes many small allocations (every decision carries its trace); mimalloc
/// serves them markedly faster than the system allocator, from every thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same number in mimalloc 2 and 3; the Rust bindings
/// do not name it). Freed pages are by default given back to the system after a delay, and a
/// batch keeps freeing and allocating: a million JSONL records took about 2,000 page faults on
/// fresh (huge) pages, which the kernel zeroes, about 2% of the run. With purging off they take
/// about 280, and the system time drops by a fifth. Memory is bounded by the chunks in flight
/// anyway, so the binary keeps what it frees (peak RSS is unchanged).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // SAFETY: sets a plain integer option; mimalloc reads it on its next purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is mimalloc's purge delay: no other option defaults to 1000 (ms, in
    /// mimalloc 3, which the bindings build by default).
    #[test]
    fn purge_delay_is_the_option_we_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads a plain integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
