//! `credo audit POLICY RECORDS… [--role R] [--as-of DATE] [--format text|json] [--html FILE]`

use super::eval::{input_format, read_input, Inputs};
use super::{Format, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::audit::Auditor;
use credo::record::read_records_bytes;
use std::io::Write;
use std::path::PathBuf;

/// Audit adverse impact and catalogue usage over candidate records.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::Format,
    /// Also write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn run(a: Args) -> u8 {
    let (as_of, policy) = match a.inputs.load() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut auditor = Auditor::new(&policy, as_of, a.inputs.role.as_deref());
    for path in &a.inputs.records {
        let (text, name) = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return EXIT_USAGE;
            }
        };
        let format = input_format(a.inputs.input_format, path);
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
