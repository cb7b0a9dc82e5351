//! `credo audit POLICY RECORDS… [--role R] [--as-of DATE] [--format text|json] [--html FILE]`

use super::eval::{input_format, read_input, InputFormat};
use super::{ErrorFormat, Format, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::audit::Auditor;
use credo::record::read_records_bytes;
use std::io::Write;
use std::path::PathBuf;

/// Audit adverse impact and catalogue usage over candidate records.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// Records: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// Evaluate this role for records without `applied`.
    #[arg(long)]
    role: Option<String>,
    /// Evaluation date (YYYY-MM-DD); defaults to today (UTC) and is recorded in the report.
    #[arg(long)]
    as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::Format,
    /// Also write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

pub fn run(a: Args) -> u8 {
    let (as_of, policy) =
        match super::as_of_and_policy(a.as_of.as_deref(), &a.policy, a.error_format) {
            Ok(x) => x,
            Err(code) => return code,
        };
    if let Some(r) = &a.role {
        if let Err(code) = super::role_index(&policy, r, "--role") {
            return code;
        }
    }
    let mut auditor = Auditor::new(&policy, as_of, a.role.as_deref());
    for path in &a.records {
        let (text, name) = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return EXIT_USAGE;
            }
        };
        let format = input_format(a.input_format, path);
        for entry in read_records_bytes(&text, &name, format, &policy) {
            auditor.add(entry);
        }
    }
    let report = auditor.finish();
    if let Some(path) = &a.html {
        if let Err(e) = std::fs::write(path, credo::render::html::report(&report)) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    let rendered = match a.format {
        Format::Text => credo::render::audit::report(&report),
        Format::Json => {
            serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise: {e}\"}}"))
                + "\n"
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    if a.format == Format::Text {
        eprintln!(
            "{} records, {} decisions, {} record errors (as of {as_of})",
            report.totals.records, report.totals.decisions, report.totals.errors
        );
    }
    if report.totals.errors > 0 {
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}
