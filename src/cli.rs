//! Subcommands, one file each. Exit codes follow SPEC §8.

mod audit;
mod check;
mod diff;
mod eval;
mod fmt;
mod kit;
mod log;
mod posting;
mod source;
mod test;

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
    /// Run policy unit tests: cases with a record, role, as_of and expected results.
    Test(test::Args),
    /// Show which decisions change between two policy versions on the same records, and why.
    Diff(diff::Args),
    /// Format policies in the canonical layout (comments kept); `--check` only reports.
    Fmt(fmt::Args),
    /// Verify a tamper-evident decision log written by `eval --log`.
    Log(log::Args),
    /// Audit adverse impact per role and protected attribute, and catalogue usage.
    Audit(audit::Args),
    /// Generate a role's job-posting section (what we look for) from the policy.
    Posting(posting::Args),
    /// Print a reviewer's screening checklist for a role, from the same policy.
    Kit(kit::Args),
}

/// Report formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For tools.
    Json,
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
        Command::Test(a) => test::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Log(a) => log::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Posting(a) => posting::run(a),
        Command::Kit(a) => kit::run(a),
    }
}

/// Writes to stdout; a closed pipe (`credo … | head`) is not an error worth a panic.
pub fn out(text: &str) {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = lock.write_all(text.as_bytes());
    let _ = lock.flush();
}

/// Prints diagnostics to stderr in the chosen format.
pub fn print_diags(diags: &[Diag], sources: &SourceMap, format: ErrorFormat) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let color = format == ErrorFormat::Human
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    // People get the first hundred; tools get them all.
    let limit = if format == ErrorFormat::Human {
        100
    } else {
        usize::MAX
    };
    for d in diags.iter().take(limit) {
        let text = match format {
            ErrorFormat::Human => credo::diag::render(d, sources, color),
            ErrorFormat::Json => {
                serde_json::to_string(&JsonDiag::new(d, sources)).unwrap_or_default() + "\n"
            }
        };
        let _ = err.write_all(text.as_bytes());
    }
    if diags.len() > limit {
        let _ = writeln!(
            err,
            "… and {} more diagnostics (use `--error-format json` to see them all)",
            diags.len() - limit
        );
    }
}

/// The evaluation date and the checked policy of an evaluating command, or its exit code.
pub fn as_of_and_policy(
    as_of: Option<&str>,
    policy: &std::path::Path,
    format: ErrorFormat,
) -> Result<(jiff::civil::Date, credo::policy::Policy), u8> {
    let date = eval::as_of(as_of).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    Ok((date, load_checked(policy, format, false)?))
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
    let warnings = loaded.diags.iter().any(|d| d.is_warning());
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
