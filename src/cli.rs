//! Subcommands, one file each. Exit codes follow SPEC §8.

pub(crate) mod alloc;
mod audit;
mod check;
mod convert;
mod diff;
mod eval;
mod fmt;
mod kit;
mod log;
#[cfg(feature = "lsp")]
mod lsp;
mod measure;
mod new;
mod posting;
mod review;
#[cfg(feature = "schema")]
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod source;
mod test;
mod verify;

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
/// Standard output, standard error or an output file could not be written (a full disk,
/// `/dev/full`): the same code as a file that cannot be read. A closed pipe is not a failure.
pub const EXIT_IO: u8 = EXIT_USAGE;

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
    /// Measure hire outcomes by the cohorts the policy's decisions put hires in (SPEC §11).
    Measure(measure::Args),
    /// Generate a role's job-posting section (what we look for) from the policy.
    Posting(posting::Args),
    /// Print a reviewer's screening checklist for a role, from the same policy.
    Kit(kit::Args),
    /// The quarterly governance review: funnel, flags, outcomes, proposed catalogue actions.
    Review(review::Args),
    /// Convert records: CSV folders and .xlsx workbooks to YAML or JSONL, and back to CSV.
    Convert(convert::Args),
    /// Run the language server on standard input and output, for editors (docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp(lsp::Args),
    /// Scaffold a pilot: one role, one provider, sample records and a test suite that pass.
    New(new::Args),
    /// Check each record credential's proof against the keys a policy pins (SPEC §15).
    Verify(verify::Args),
    /// The HTTP decision service (SPEC §13).
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// Print the JSON Schema of a record, decision, outcome, suite or diagnostic.
    #[cfg(feature = "schema")]
    Schema(schema::Args),
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
        Command::Measure(a) => measure::run(a),
        Command::Posting(a) => posting::run(a),
        Command::Kit(a) => kit::run(a),
        Command::Review(a) => review::run(a),
        Command::Convert(a) => convert::run(a),
        #[cfg(feature = "lsp")]
        Command::Lsp(a) => lsp::run(a),
        Command::New(a) => new::run(a),
        Command::Verify(a) => verify::run(a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(a),
        #[cfg(feature = "schema")]
        Command::Schema(a) => schema::run(a),
    }
}

/// Writes to standard output. A closed pipe (`credo … | head`) is quiet and `Ok`: the
/// command's exit code still says what it found. Any other failure (a full disk) is reported,
/// and its exit code is the error.
pub fn out(text: &str) -> Result<(), u8> {
    let mut lock = std::io::stdout().lock();
    let wrote = lock.write_all(text.as_bytes()).and_then(|()| lock.flush());
    written(wrote, "standard output")
}

/// A report as pretty JSON for standard output, with the characters a terminal would act on
/// escaped ([`credo::visible::json_visible`]).
pub fn json(report: &impl serde::Serialize) -> String {
    let json = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("cannot serialise: {e}") }).to_string()
    });
    credo::visible::json_visible(&json).into_owned() + "\n"
}

/// Writes to standard error, like [`out`]: what a command reports there (diagnostics, a
/// summary) is output too, and losing it is a failure.
pub fn err(text: &str) -> Result<(), u8> {
    let mut lock = std::io::stderr().lock();
    let wrote = lock.write_all(text.as_bytes()).and_then(|()| lock.flush());
    written(wrote, "standard error")
}

/// The outcome of a write to `what`: a broken pipe is quiet, any other error is reported on
/// standard error and becomes [`EXIT_IO`].
pub fn written(wrote: std::io::Result<()>, what: &str) -> Result<(), u8> {
    match wrote {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            complain(format_args!("error: cannot write {what}: {e}"));
            Err(EXIT_IO)
        }
    }
}

/// Prints an error message on standard error, for a command about to exit non-zero. Unlike
/// `eprintln!` it does not panic when standard error itself cannot be written: there is then
/// nowhere left to say so, and the exit code carries the failure. Names in the message (paths,
/// roles) are shown with control and bidi characters escaped.
pub fn complain(message: std::fmt::Arguments<'_>) {
    let mut text = credo::visible::visible(&message.to_string()).into_owned();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints why a policy set could not be read: `error: cannot read `p`: why` and the help.
pub fn load_error(e: &credo::load::LoadError) {
    use miette::Diagnostic;
    let mut message = format!("error: {e}");
    if let Some(source) = std::error::Error::source(e) {
        message.push_str(&format!(": {source}"));
    }
    complain(format_args!("{message}"));
    if let Some(help) = e.help() {
        complain(format_args!("  help: {help}"));
    }
}

/// Prints diagnostics to stderr in the chosen format; a failed write is an error (the exit
/// code).
pub fn print_diags(diags: &[Diag], sources: &SourceMap, format: ErrorFormat) -> Result<(), u8> {
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
                let json = serde_json::to_string(&JsonDiag::new(d, sources)).unwrap_or_default();
                credo::visible::json_visible(&json).into_owned() + "\n"
            }
        };
        written(err.write_all(text.as_bytes()), "standard error")?;
    }
    if diags.len() > limit {
        let more = writeln!(
            err,
            "… and {} more diagnostics (use `--error-format json` to see them all)",
            diags.len() - limit
        );
        written(more, "standard error")?;
    }
    written(err.flush(), "standard error")
}

/// Prints a report on standard output and its one-line summary (if any) on standard error;
/// the exit code is that of a failed write, else 3 when records had errors, else 0. The end
/// of every command that reports on a batch (`audit`, `measure`, `review`).
pub fn report(rendered: &str, summary: Option<String>, record_errors: bool) -> u8 {
    let printed = out(rendered).and_then(|()| summary.map_or(Ok(()), |s| err(&(s + "\n"))));
    match printed {
        Err(code) => code,
        Ok(()) if record_errors => EXIT_RECORDS,
        Ok(()) => EXIT_OK,
    }
}

/// Writes an `--html` page, when one was asked for, atomically ([`replace_file`]); a failure
/// is reported and its exit code is the error.
pub fn write_page(path: Option<&std::path::Path>, page: impl FnOnce() -> String) -> Result<(), u8> {
    let Some(path) = path else { return Ok(()) };
    replace_file(path, page().as_bytes()).map_err(|e| {
        complain(format_args!(
            "error: cannot write `{}`: {e}",
            path.display()
        ));
        EXIT_IO
    })
}

/// Replaces the file at `path` with `bytes` atomically: they are written to a temporary file
/// in the same directory, synced, and renamed over `path`, so a reader sees the old file or
/// the new one, never a part; on any failure the old file is left as it was and the temporary
/// file removed. An existing file keeps its permissions; a symbolic link is followed (the file
/// it names is replaced). Something that is not a file (`/dev/stdout`, a named pipe) cannot be
/// replaced and is written in place.
pub fn replace_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let (path, permissions) = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => {
            let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
            return f.write_all(bytes).and_then(|()| f.flush());
        }
        Ok(m) => (std::fs::canonicalize(path)?, Some(m.permissions())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (path.to_owned(), None),
        Err(e) => return Err(e),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".credo-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    let permissions = permissions.or_else(|| {
        // A new file gets the usual 0644 (the temporary file was made private, 0600).
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    });
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    // The rename itself is made durable by syncing the directory (Unix only).
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The evaluation date and the checked policy of an evaluating command, or its exit code.
pub fn as_of_and_policy(
    as_of: Option<&str>,
    policy: &std::path::Path,
    format: ErrorFormat,
) -> Result<(jiff::civil::Date, credo::policy::Policy), u8> {
    let date = eval::as_of(as_of).map_err(|e| {
        complain(format_args!("error: {e}"));
        EXIT_USAGE
    })?;
    let policy = load_checked(policy, format, false)?;
    if let Some(effective) = policy.effective.filter(|&e| date < e) {
        complain(format_args!(
            "warning: evaluating as of {date}, before the policy takes effect ({effective}); \
             decisions are made with it all the same"
        ));
    }
    Ok((date, policy))
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
            load_error(&e);
            return Err(EXIT_POLICY);
        }
    };
    print_diags(&loaded.diags, &loaded.sources, format)?;
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
    complain(format_args!(
        "error: {label} `{name}` is not a role of this policy; {hint}(roles: {})",
        names.join(", ")
    ));
    Err(EXIT_USAGE)
}
