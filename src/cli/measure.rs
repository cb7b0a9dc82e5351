//! `credo measure POLICY RECORDS… --outcomes FILE… [--as-of DATE] [--role R]
//! [--format text|json] [--html FILE] [--jobs N]`
//!
//! Outcomes are read first and held in memory (under a kilobyte a hire); the candidate
//! records are then streamed through the shared reader and measured on the pool, so memory
//! stays flat in the number of applicants.

use super::eval::Inputs;
use super::source::{self, Folding, Reader};
use super::{complain, Format, EXIT_USAGE};
use credo::measure::Measurer;
use credo::outcome::{read_outcomes, OutcomeFormat, Outcomes};
use credo::policy::Policy;
use std::io::Read;
use std::path::PathBuf;

/// Measure hire outcomes (ramp-up, retention, training, mobility) by the cohorts the policy's
/// decisions put hires in.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Outcome records: YAML, JSON, JSONL or CSV files (`-` reads YAML or JSON from standard
    /// input).
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    outcomes: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn run(a: Args) -> u8 {
    if let Err(code) = stdin_once(&a.inputs.records, &a.outcomes) {
        return code;
    }
    let (as_of, policy) = match a.inputs.load() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let outcomes = match read_outcome_files(&a.outcomes, &policy, as_of) {
        Ok(o) => o,
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
    let role = a.inputs.role.as_deref();
    let new = || Measurer::new(&policy, &outcomes, as_of, role);
    let mut measuring = Folding::new(&new, &policy, &pool);
    let read = reader.read(&a.inputs.records, &mut measuring);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let report = measuring.whole.finish();
    if let Err(code) = super::write_page(a.html.as_deref(), || {
        credo::render::measure_html::report(&report)
    }) {
        return code;
    }
    let rendered = match a.format {
        Format::Text => credo::render::measure::report(&report),
        Format::Json => super::json(&report),
    };
    let t = &report.totals;
    let summary = (a.format == Format::Text).then(|| {
        format!(
            "{} records, {} outcome rows, {} hires measured, {} record errors (as of {as_of})",
            t.records, t.outcome_rows, t.hires, t.errors
        )
    });
    super::report(&rendered, summary, t.errors > 0)
}

/// Every outcome file's rows, read as `credo::outcome` reads them: the hires, and each row
/// that cannot be read as a record error in its place. A file that cannot be read at all is a
/// usage error (printed; the exit code is the error). Files are bounded like record documents,
/// so `/dev/zero` is refused instead of exhausting memory.
pub(super) fn read_outcome_files(
    paths: &[String],
    policy: &Policy,
    as_of: jiff::civil::Date,
) -> Result<Outcomes, u8> {
    let mut entries = Vec::new();
    for path in paths {
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                complain(format_args!("error: cannot read `{path}`: {e}"));
                return Err(EXIT_USAGE);
            }
        };
        let format = OutcomeFormat::from_path(path);
        entries.extend(read_outcomes(&bytes, path, format, policy, as_of));
    }
    Ok(Outcomes::new(entries))
}

/// Standard input can be read once: `-` among the outcomes is a usage error when the records,
/// or another outcome file, also read it (the second reader would find it empty and the
/// records on it would be lost without a word).
pub(super) fn stdin_once(records: &[String], outcomes: &[String]) -> Result<(), u8> {
    let readers =
        records.iter().any(|r| r == "-") as usize + outcomes.iter().filter(|o| *o == "-").count();
    if readers > 1 && outcomes.iter().any(|o| o == "-") {
        complain(format_args!(
            "error: standard input (`-`) can be read once: give the records or the outcomes as a file"
        ));
        return Err(EXIT_USAGE);
    }
    Ok(())
}

/// A file's bytes, or standard input's for `-`, up to the size of a record document.
fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    let limit = credo::record::MAX_RECORD_FILE as u64;
    let too_large = || {
        std::io::Error::other(format!(
            "larger than {} MiB, the limit of an outcome file",
            limit >> 20
        ))
    };
    if path == "-" {
        let mut b = Vec::new();
        std::io::stdin().take(limit + 1).read_to_end(&mut b)?;
        return if b.len() as u64 > limit {
            Err(too_large())
        } else {
            Ok(b)
        };
    }
    credo::load::read_limited(std::path::Path::new(path), limit).map_err(|e| match e {
        credo::load::Limited::Io(e) => e,
        credo::load::Limited::TooLarge => too_large(),
    })
}
