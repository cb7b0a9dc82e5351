//! `credo audit POLICY RECORDS… [--role R] [--as-of DATE] [--format text|json] [--html FILE]`

use super::eval::Inputs;
use super::source::{self, Folding, Reader};
use super::{complain, Format, EXIT_USAGE};
use credo::audit::Auditor;
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
    let pool = match source::pool(a.inputs.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let map = match source::column_map(a.inputs.columns.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let progress = source::progress_bar(&a.inputs.records);
    let reader = Reader::new(&pool, &progress, a.inputs.input_format).with_columns(map);
    let new = || Auditor::new(&policy, as_of, a.inputs.role.as_deref());
    let mut auditing = Folding::new(&new, &policy, &pool);
    let read = reader.read(&a.inputs.records, &mut auditing);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let report = auditing.whole.finish();
    if let Err(code) = super::write_page(a.html.as_deref(), || credo::render::html::report(&report))
    {
        return code;
    }
    let rendered = match a.format {
        Format::Text => credo::render::audit::report(&report),
        Format::Json => super::json(&report),
    };
    let t = &report.totals;
    let summary = (a.format == Format::Text).then(|| {
        format!(
            "{} records, {} decisions, {} record errors (as of {as_of})",
            t.records, t.decisions, t.errors
        )
    });
    super::report(&rendered, summary, t.errors > 0)
}
