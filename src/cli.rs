//! Subcommands, one file each. Exit codes follow SPEC §8.

mod audit;
mod check;
mod eval;

use clap::{Parser, Subcommand, ValueEnum};
use credo::diag::{Diag, JsonDiag};
use credo::source::SourceMap;
use std::io::Write;

/// Success.
pub const EXIT_OK: u8 = 0;
/// Policy errors or failed tests.
pub const EXIT_POLICY: u8 = 1;
/// Usage errors.
pub const EXIT_USAGE: u8 = 2;
/// Some records had errors.
pub const EXIT_RECORDS: u8 = 3;

/// credo: credential acceptance policies for skills-first hiring.
#[derive(Debug, Parser)]
#[command(name = "credo", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check a policy set; print diagnostics with source spans.
    Check(check::Args),
    /// Evaluate candidate records against a policy and print decisions.
    Eval(eval::Args),
    /// Audit adverse impact per role and protected attribute, and catalogue usage.
    Audit(audit::Args),
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Rendered for people, with source excerpts.
    #[default]
    Human,
    /// One JSON object per diagnostic per line.
    Json,
}

/// Dispatches a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Audit(a) => audit::run(a),
    }
}

/// Prints diagnostics to stderr in the chosen format.
pub fn print_diags(diags: &[Diag], sources: &SourceMap, format: ErrorFormat) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let color = format == ErrorFormat::Human
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        let text = match format {
            ErrorFormat::Human => credo::diag::render(d, sources, color),
            ErrorFormat::Json => {
                serde_json::to_string(&JsonDiag::new(d, sources)).unwrap_or_default() + "\n"
            }
        };
        let _ = err.write_all(text.as_bytes());
    }
}

/// Loads and checks a policy for a command that needs a usable policy; prints diagnostics and
/// returns the exit code on failure.
pub fn load_checked(
    path: &std::path::Path,
    format: ErrorFormat,
    deny_warnings: bool,
) -> Result<credo::policy::Policy, u8> {
    let loaded = match credo::load_policy(path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return Err(EXIT_POLICY);
        }
    };
    print_diags(&loaded.diags, &loaded.sources, format);
    let warnings = loaded.diags.iter().any(|d| !d.is_error());
    match loaded.policy {
        Some(p) if !(deny_warnings && warnings) => Ok(p),
        _ => Err(EXIT_POLICY),
    }
}
