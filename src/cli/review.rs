//! `credo review POLICY RECORDS… --outcomes FILE… --quarter 2026Q3 [--as-of DATE]
//! [--previous REVIEW.json] [--format text|json|md] [--html FILE] [--jobs N]`

use super::eval::InputFormat;
use super::source::{self, Folding, Reader};
use super::{complain, ErrorFormat, EXIT_USAGE};
use credo::review::{Previous, Quarter, Reviewer};
use std::path::{Path, PathBuf};

/// The quarterly governance review: funnel, audit flags, outcomes and proposed catalogue
/// actions per role.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// The quarter's applicants: YAML, JSON or JSONL files, or record sets of tables (a folder
    /// of CSV files, an `.xlsx` workbook); `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// Outcome records of every hire to date (YAML, JSON, JSONL or CSV).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    outcomes: Vec<String>,
    /// The quarter reviewed, e.g. `2026Q3`.
    #[arg(long)]
    quarter: String,
    /// Decide applicants and censor outcomes as of this day (default: the quarter's last day).
    #[arg(long)]
    as_of: Option<String>,
    /// The previous quarter's review (`credo review --format json`): every figure shows its
    /// change since then.
    #[arg(long, value_name = "REVIEW.json")]
    previous: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also write a self-contained HTML page to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Rename or ignore the columns of a record set of tables (a folder of CSV files or an
    /// `.xlsx` workbook): a YAML map `{ TABLE: { "Export header": column, "Other": ~ } }`.
    #[arg(long, value_name = "MAP.yaml")]
    columns: Option<PathBuf>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
    /// Threads that decide records (default: every core). The output is the same for any N.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// Review formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people, in a terminal.
    #[default]
    Text,
    /// For tools, and for next quarter's `--previous`.
    Json,
    /// Markdown for the council's minutes.
    Md,
}

fn usage(message: String) -> u8 {
    complain(format_args!("error: {message}"));
    EXIT_USAGE
}

pub fn run(a: Args) -> u8 {
    if let Err(code) = super::measure::stdin_once(&a.records, &a.outcomes) {
        return code;
    }
    let quarter = match Quarter::parse(&a.quarter) {
        Ok(q) => q,
        Err(e) => return usage(format!("--quarter {e}")),
    };
    let as_of = match &a.as_of {
        None => quarter.last_day(),
        Some(s) => match super::eval::as_of(Some(s)) {
            Ok(d) => d,
            Err(e) => return usage(e),
        },
    };
    if as_of < quarter.first_day() {
        return usage(format!(
            "--as-of {as_of} is before {quarter} began ({}): there is nothing of it to review yet",
            quarter.first_day()
        ));
    }
    let previous = match a.previous.as_deref().map(read_previous).transpose() {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    if let Some(p) = previous.as_ref().filter(|p| p.quarter >= quarter) {
        return usage(format!(
            "--previous is the review of {}, which is not before {quarter}",
            p.quarter
        ));
    }
    let policy = match super::load_checked(&a.policy, a.error_format, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let hires = match super::measure::read_outcome_files(&a.outcomes, &policy, as_of) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let pool = match source::pool(a.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let map = match source::column_map(a.columns.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let progress = source::progress_bar(&a.records);
    let reader = Reader::new(&pool, &progress, a.input_format).with_columns(map);
    let new = || Reviewer::new(&policy, as_of, &hires);
    let mut reviewing = Folding::new(&new, &policy, &pool);
    let read = reader.read(&a.records, &mut reviewing);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        return usage(format!("cannot read `{path}`: {e}"));
    }
    let review = reviewing.whole.finish(quarter, previous.as_ref());
    if let Err(code) = super::write_page(a.html.as_deref(), || {
        credo::render::review_html::report(&review)
    }) {
        return code;
    }
    let rendered = match a.format {
        Format::Text => credo::render::review::report(&review),
        Format::Md => credo::render::review_md::report(&review),
        Format::Json => super::json(&review),
    };
    let errors = review.record_errors.len() + review.outcome_errors.len();
    let summary = (errors > 0).then(|| {
        format!(
            "{} applicant record errors, {} outcome record errors",
            review.record_errors.len(),
            review.outcome_errors.len()
        )
    });
    super::report(&rendered, summary, errors > 0)
}

/// The previous review, bounded like a record document so that `/dev/zero` is refused instead
/// of exhausting memory.
fn read_previous(path: &Path) -> Result<Previous, String> {
    let limit = credo::record::MAX_RECORD_FILE as u64;
    let cannot =
        |e: &dyn std::fmt::Display| format!("cannot read --previous `{}`: {e}", path.display());
    let bytes = credo::load::read_limited(path, limit).map_err(|e| match e {
        credo::load::Limited::Io(e) => cannot(&e),
        credo::load::Limited::TooLarge => cannot(&format_args!(
            "larger than {} MiB, the limit of a review",
            limit >> 20
        )),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| cannot(&"it is not UTF-8 text"))?;
    Previous::read(&text).map_err(|e| format!("--previous `{}`: {e}", path.display()))
}
