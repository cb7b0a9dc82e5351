//! Subcommands, one file each. Exit codes follow SPEC §8.

mod check;
mod eval;
mod kit;
mod posting;

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
    /// Generate a role's job-posting section (what we look for) from the policy.
    Posting(posting::Args),
    /// Print a reviewer's screening checklist for a role, from the same policy.
    Kit(kit::Args),
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
        Command::Posting(a) => posting::run(a),
        Command::Kit(a) => kit::run(a),
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

/// The index of a role named on the command line; prints a usage error with a "did you mean"
/// and the list of roles when there is no such role.
pub fn role_index(policy: &credo::policy::Policy, name: &str, label: &str) -> Result<usize, u8> {
    if let Some(&i) = policy.role_index.get(name) {
        return Ok(i);
    }
    let names: Vec<&str> = policy.roles.iter().map(|r| r.id.as_str()).collect();
    let hint = credo::diag::did_you_mean(name, names.iter().copied())
        .map(|h| format!("{h} "))
        .unwrap_or_default();
    eprintln!(
        "error: {label} `{name}` is not a role of this policy; {hint}(roles: {})",
        names.join(", ")
    );
    Err(EXIT_USAGE)
}
