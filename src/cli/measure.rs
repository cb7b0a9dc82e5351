//! `credo measure POLICY RECORDS… --outcomes FILE… [--as-of DATE] [--role R]
//! [--format text|json] [--html FILE] [--jobs N]`
//!
//! Outcomes are read first and held in memory (under a kilobyte a hire); the candidate
//! records are then streamed through the shared reader and measured on the pool, so memory
//! stays flat in the number of applicants.

use super::eval::Inputs;
use super::source::{self, Chunk, Reader, Sink};
use super::{complain, Format, EXIT_IO, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::measure::Measurer;
use credo::outcome::{read_outcomes, OutcomeFormat, Outcomes};
use credo::policy::Policy;
use credo::record::Duplicates;
use rayon::prelude::*;
use std::io::Read;
use std::ops::ControlFlow;
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
    let (as_of, policy) = match a.inputs.load() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut entries = Vec::new();
    for path in &a.outcomes {
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                complain(format_args!("error: cannot read `{path}`: {e}"));
                return EXIT_USAGE;
            }
        };
        let format = OutcomeFormat::from_path(path);
        entries.extend(read_outcomes(&bytes, path, format, &policy, as_of));
    }
    let outcomes = Outcomes::new(entries);
    let pool = match source::pool(a.inputs.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let progress = source::progress_bar(&a.inputs.records);
    let reader = Reader::new(&pool, &progress, a.inputs.input_format);
    let role = a.inputs.role.as_deref();
    let mut measuring = Measuring {
        new: &|| Measurer::new(&policy, &outcomes, as_of, role),
        measurer: Measurer::new(&policy, &outcomes, as_of, role),
        policy: &policy,
        pool: &pool,
        file: String::new(),
        dupes: Duplicates::default(),
    };
    let read = reader.read(&a.inputs.records, &mut measuring);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let report = measuring.measurer.finish();
    if let Some(path) = &a.html {
        let page = credo::render::measure_html::report(&report);
        if let Err(e) = super::replace_file(path, page.as_bytes()) {
            complain(format_args!(
                "error: cannot write `{}`: {e}",
                path.display()
            ));
            return EXIT_IO;
        }
    }
    let rendered = match a.format {
        Format::Text => credo::render::measure::report(&report),
        Format::Json => super::json(&report),
    };
    if let Err(code) = super::out(&rendered) {
        return code;
    }
    if a.format == Format::Text {
        let t = &report.totals;
        let summary = format!(
            "{} records, {} outcome rows, {} hires measured, {} record errors (as of {as_of})\n",
            t.records, t.outcome_rows, t.hires, t.errors
        );
        if let Err(code) = super::err(&summary) {
            return code;
        }
    }
    if report.totals.errors > 0 {
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}

/// A file's bytes, or standard input's for `-`.
fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        return Ok(b);
    }
    std::fs::read(path)
}

/// Measures each chunk of a batch on the pool: the chunk's records are measured in parts, and
/// the parts merged in input order into the batch's measurer.
struct Measuring<'a, 'p> {
    new: &'a (dyn Fn() -> Measurer<'p> + Sync),
    measurer: Measurer<'p>,
    policy: &'p Policy,
    pool: &'a rayon::ThreadPool,
    /// The current input and its repeated-id check.
    file: String,
    dupes: Duplicates,
}

impl Sink for Measuring<'_, '_> {
    fn start(&mut self, dupes: Duplicates) {
        self.dupes = dupes;
    }

    fn input(&mut self, file: &str) {
        self.file = file.to_owned();
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
        let mut entries = self.pool.install(|| chunk.entries(&self.file, self.policy));
        for e in &mut entries {
            self.dupes.mark(e);
        }
        let new = self.new;
        let part = self.pool.install(|| {
            (entries.into_par_iter())
                .fold(new, |mut m, e| {
                    m.add(e);
                    m
                })
                .reduce(new, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        self.measurer.merge(part);
        ControlFlow::Continue(())
    }
}
