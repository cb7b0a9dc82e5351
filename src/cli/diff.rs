//! `credo diff OLD NEW RECORDS… [--role R] [--as-of DATE] [--format text|json]`

use super::eval::InputFormat;
use super::source::{self, Chunk, Reader, Sink};
use super::{load_checked, ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::diff::{DiffReport, Differ};
use credo::policy::Policy;
use credo::record::Duplicates;
use credo::report_line;
use credo::visible::Lines;
use rayon::prelude::*;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Compare the decisions of two policy versions on the same records.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old policy (file or directory).
    old: PathBuf,
    /// The new policy (file or directory).
    new: PathBuf,
    /// Records: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// Evaluate this role for records without `applied`.
    #[arg(long)]
    role: Option<String>,
    /// Evaluation date (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long)]
    as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::Format,
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
    /// Threads that decide records (default: every core; at most 4 per core). The output is the
    /// same for any N.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

pub fn run(a: Args) -> u8 {
    let (as_of, old) = match super::as_of_and_policy(a.as_of.as_deref(), &a.old, a.error_format) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let new = match load_checked(&a.new, a.error_format, false) {
        Ok(p) => p,
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
    let mut diffing = Diffing {
        differ: Differ::new(&old, &new, a.role.as_deref(), as_of),
        old: &old,
        new: &new,
        pool: &pool,
        file: String::new(),
        dupes: (Duplicates::default(), Duplicates::default()),
    };
    let read = reader.read(&a.records, &mut diffing);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        super::complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let report = diffing.differ.finish();
    let printed = match a.format {
        super::Format::Json => super::out(&super::json(&report)),
        super::Format::Text => super::out(&text(&report)),
    };
    if let Err(code) = printed {
        return code;
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_RECORDS
    }
}

/// The report for people.
pub fn text(r: &DiffReport) -> String {
    let mut s = Lines::new();
    report_line!(
        s,
        "{} {} → {} {}   as of {}",
        r.old.name,
        r.old.version,
        r.new.name,
        r.new.version,
        r.as_of
    );
    report_line!(s, "  old {}", r.old.hash);
    report_line!(s, "  new {}", r.new.hash);
    if r.declarations.is_empty() {
        report_line!(s, "declarations: no change");
    } else {
        report_line!(s, "declarations:");
        for d in &r.declarations {
            report_line!(s, "  {d}");
        }
    }
    report_line!(
        s,
        "decisions: {} of {} changed",
        r.changes.len(),
        r.compared
    );
    for c in &r.changes {
        let prop = |p: Option<credo::policy::Outcome>| {
            p.map(|p| format!(" (proposed {})", p.as_str()))
                .unwrap_or_default()
        };
        report_line!(
            s,
            "  {} {}: {}{} → {}{}",
            c.candidate,
            c.role,
            c.old.as_str(),
            prop(c.old_proposed),
            c.new.as_str(),
            prop(c.new_proposed)
        );
        for k in &c.skills {
            let state = |m: bool| if m { "met" } else { "unmet" };
            report_line!(
                s,
                "      {}: {} → {}   (was {}; now {})",
                k.skill,
                state(k.old_met),
                state(k.new_met),
                k.old_via.as_deref().unwrap_or("no line"),
                k.new_via.as_deref().unwrap_or("no line")
            );
        }
        for cause in &c.causes {
            report_line!(s, "      because {cause}");
        }
    }
    report_line!(s, "transitions:");
    for (role, t) in &r.transitions {
        let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        report_line!(s, "  {role}: {}", parts.join(", "));
    }
    for line in r.errors.iter().flat_map(credo::render::text::error_lines) {
        report_line!(s, "{line}");
    }
    s.into_string()
}

/// Compares each chunk of a batch on the pool: each record is read by both policies, the
/// chunk compared in parts, and the parts merged in input order.
struct Diffing<'a, 'p> {
    differ: Differ<'p>,
    old: &'p Policy,
    new: &'p Policy,
    pool: &'a rayon::ThreadPool,
    /// The current input and its repeated-id checks, one per policy (a record one policy
    /// cannot read is not remembered by that one).
    file: String,
    dupes: (Duplicates, Duplicates),
}

impl Sink for Diffing<'_, '_> {
    fn start(&mut self, dupes: Duplicates) {
        self.dupes = (dupes.clone(), dupes);
    }

    fn input(&mut self, file: &str) {
        self.file = file.to_owned();
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
        let (mut a, mut b) = self.pool.install(|| {
            rayon::join(
                || chunk.entries(&self.file, self.old),
                || chunk.entries(&self.file, self.new),
            )
        });
        a.iter_mut().for_each(|e| self.dupes.0.mark(e));
        b.iter_mut().for_each(|e| self.dupes.1.mark(e));
        let differ = &self.differ;
        let part = self.pool.install(|| {
            (a.into_par_iter().zip(b))
                .fold(
                    || differ.part(),
                    |mut d, (ea, eb)| {
                        d.add(ea, eb);
                        d
                    },
                )
                .reduce(
                    || differ.part(),
                    |mut d, other| {
                        d.merge(other);
                        d
                    },
                )
        });
        self.differ.merge(part);
        ControlFlow::Continue(())
    }
}
