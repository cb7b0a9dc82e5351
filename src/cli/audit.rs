//! `credo audit POLICY RECORDS… [--role R] [--as-of DATE] [--format text|json] [--html FILE]`

use super::eval::Inputs;
use super::source::{self, Chunk, Reader, Sink};
use super::{complain, Format, EXIT_IO, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::audit::Auditor;
use credo::policy::Policy;
use credo::record::Duplicates;
use rayon::prelude::*;
use std::ops::ControlFlow;
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
    let progress = source::progress_bar(&a.inputs.records);
    let reader = Reader::new(&pool, &progress, a.inputs.input_format);
    let mut auditing = Auditing {
        new: &|| Auditor::new(&policy, as_of, a.inputs.role.as_deref()),
        auditor: Auditor::new(&policy, as_of, a.inputs.role.as_deref()),
        policy: &policy,
        pool: &pool,
        file: String::new(),
        dupes: Duplicates::default(),
    };
    let read = reader.read(&a.inputs.records, &mut auditing);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let report = auditing.auditor.finish();
    if let Some(path) = &a.html {
        if let Err(e) = super::replace_file(path, credo::render::html::report(&report).as_bytes()) {
            complain(format_args!(
                "error: cannot write `{}`: {e}",
                path.display()
            ));
            return EXIT_IO;
        }
    }
    let rendered = match a.format {
        Format::Text => credo::render::audit::report(&report),
        Format::Json => super::json(&report),
    };
    if let Err(code) = super::out(&rendered) {
        return code;
    }
    if a.format == Format::Text {
        let summary = format!(
            "{} records, {} decisions, {} record errors (as of {as_of})\n",
            report.totals.records, report.totals.decisions, report.totals.errors
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

/// Audits each chunk of a batch on the pool: the chunk's records are audited in parts, and
/// the parts merged in input order into the batch's auditor.
struct Auditing<'a, 'p> {
    new: &'a (dyn Fn() -> Auditor<'p> + Sync),
    auditor: Auditor<'p>,
    policy: &'p Policy,
    pool: &'a rayon::ThreadPool,
    /// The current input and its repeated-id check.
    file: String,
    dupes: Duplicates,
}

impl Sink for Auditing<'_, '_> {
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
                .fold(new, |mut a, e| {
                    a.add(e);
                    a
                })
                .reduce(new, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        self.auditor.merge(part);
        ControlFlow::Continue(())
    }
}
