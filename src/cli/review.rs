//! `credo review POLICY RECORDS… --outcomes FILE… --quarter 2026Q3 [--as-of DATE]
//! [--previous REVIEW.json] [--format text|json|md] [--html FILE] [--jobs N]`

use super::eval::InputFormat;
use super::source::{self, Chunk, Reader, Sink};
use super::{ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::outcome::{read_outcomes, OutcomeFormat, Outcomes};
use credo::policy::Policy;
use credo::record::Duplicates;
use credo::review::{Previous, Quarter, Reviewer};
use rayon::prelude::*;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The quarterly governance review: funnel, audit flags, outcomes and proposed catalogue
/// actions per role.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// The quarter's applicants: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// Outcome records of every hire to date (YAML, JSON, JSONL or CSV).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    outcomes: Vec<PathBuf>,
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
    eprintln!("error: {message}");
    EXIT_USAGE
}

pub fn run(a: Args) -> u8 {
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
    let hires = match read_hires(&a.outcomes, &policy, as_of) {
        Ok(h) => h,
        Err(e) => return usage(e),
    };
    let pool = match source::pool(a.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let progress = source::progress_bar(&a.records);
    let reader = Reader::new(&pool, &progress, a.input_format);
    let new = || Reviewer::new(&policy, as_of, &hires);
    let mut reviewing = Reviewing {
        new: &new,
        reviewer: new(),
        policy: &policy,
        pool: &pool,
        file: String::new(),
        dupes: Duplicates::default(),
    };
    let read = reader.read(&a.records, &mut reviewing);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        return usage(format!("cannot read `{path}`: {e}"));
    }
    let review = reviewing.reviewer.finish(quarter, previous.as_ref());
    if let Some(path) = &a.html {
        if let Err(e) = write_atomically(path, &credo::render::review_html::report(&review)) {
            return usage(format!("cannot write `{}`: {e}", path.display()));
        }
    }
    let rendered = match a.format {
        Format::Text => credo::render::review::report(&review),
        Format::Md => credo::render::review_md::report(&review),
        Format::Json => {
            serde_json::to_string_pretty(&review)
                .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise: {e}\"}}"))
                + "\n"
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    let errors = review.record_errors.len() + review.outcome_errors.len();
    if errors > 0 {
        eprintln!(
            "{} applicant record errors, {} outcome record errors",
            review.record_errors.len(),
            review.outcome_errors.len()
        );
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}

fn read_previous(path: &Path) -> Result<Previous, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read --previous `{}`: {e}", path.display()))?;
    Previous::read(&text).map_err(|e| format!("--previous `{}`: {e}", path.display()))
}

/// Every outcome file's rows: hires, and the rows that cannot be read as errors. `Err` when a
/// file cannot be read at all.
fn read_hires(
    paths: &[PathBuf],
    policy: &Policy,
    as_of: jiff::civil::Date,
) -> Result<Outcomes, String> {
    let mut entries = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read --outcomes `{}`: {e}", path.display()))?;
        let name = path.display().to_string();
        let format = OutcomeFormat::from_path(&name);
        entries.extend(read_outcomes(&bytes, &name, format, policy, as_of));
    }
    Ok(Outcomes::new(entries))
}

/// Writes a file whole or not at all: into a temporary file beside it, then renamed over it.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Reviews each chunk on the pool: the chunk's records are reviewed in parts, and the parts
/// merged in input order.
struct Reviewing<'a, 'p> {
    new: &'a (dyn Fn() -> Reviewer<'p> + Sync),
    reviewer: Reviewer<'p>,
    policy: &'p Policy,
    pool: &'a rayon::ThreadPool,
    file: String,
    dupes: Duplicates,
}

impl Sink for Reviewing<'_, '_> {
    fn input(&mut self, file: &str, dupes: Duplicates) {
        self.file = file.to_owned();
        self.dupes = dupes;
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
        let mut entries = self.pool.install(|| chunk.entries(&self.file, self.policy));
        for e in &mut entries {
            self.dupes.mark(e);
        }
        let new = self.new;
        let part = self.pool.install(|| {
            (entries.into_par_iter())
                .fold(new, |mut r, e| {
                    r.add(e);
                    r
                })
                .reduce(new, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        self.reviewer.merge(part);
        ControlFlow::Continue(())
    }
}
