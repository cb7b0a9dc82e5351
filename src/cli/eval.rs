//! `credo eval POLICY RECORDS [--role R] [--as-of DATE] [--format text|json|jsonl] [--explain]`

mod stream;

use super::{load_checked, ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::record::{read_records, Duplicates, Entry, Format, RecordError};
use credo::render::Item;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use stream::{Batch, Rendered};

/// Output formats of `eval`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// One line per decision (a tree with `--explain`).
    #[default]
    Text,
    /// One JSON array.
    Json,
    /// One JSON object per line, in input order.
    Jsonl,
}

/// Evaluate candidate records against a policy.
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
    /// Evaluation date (YYYY-MM-DD); defaults to today (UTC) and is recorded in every decision.
    #[arg(long)]
    as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutFormat,
    /// Explain every decision (text: a tree per decision).
    #[arg(long)]
    explain: bool,
    /// Threads that decide records (default: every core). The output is the same for any N.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

/// Record formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// YAML (also reads JSON).
    Yaml,
    /// JSON.
    Json,
    /// JSON lines.
    Jsonl,
}

/// Parses `--as-of`, or takes today's date in UTC (the only clock read, outside evaluation).
pub fn as_of(arg: Option<&str>) -> Result<jiff::civil::Date, String> {
    match arg {
        Some(s) => credo::parse::parse_date(s)
            .ok_or_else(|| format!("--as-of `{s}` is not a real date; write YYYY-MM-DD")),
        None => Ok(jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()),
    }
}

pub fn run(a: Args) -> u8 {
    let as_of = match as_of(a.as_of.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let policy = match load_checked(&a.policy, a.error_format, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(r) = &a.role {
        if !policy.role_index.contains_key(r) {
            let names: Vec<&str> = policy.roles.iter().map(|r| r.id.as_str()).collect();
            let hint = credo::diag::did_you_mean(r, names.iter().copied())
                .map(|h| format!("{h} "))
                .unwrap_or_default();
            eprintln!(
                "error: --role `{r}` is not a role of this policy; {hint}(roles: {})",
                names.join(", ")
            );
            return EXIT_USAGE;
        }
    }
    let jobs = a.jobs.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start {jobs} threads: {e}");
            return EXIT_USAGE;
        }
    };
    let batch = Batch {
        policy: &policy,
        role: a.role.as_deref(),
        as_of,
        format: a.format,
        explain: a.explain,
    };
    let progress = progress_bar(&a.records);
    let (tx, rx) = sync_channel::<Rendered>(2);
    let (written, failure) = std::thread::scope(|s| {
        let writer = s.spawn(|| stream::write_all(rx, a.format, &progress));
        let failure = feed(&a, &batch, &pool, tx, &progress);
        (writer.join(), failure)
    });
    progress.finish_and_clear();
    let Ok(written) = written else {
        eprintln!("error: the output writer stopped");
        return EXIT_USAGE;
    };
    if let Some(code) = failure {
        return code;
    }
    if written.closed {
        return EXIT_OK;
    }
    let (decisions, errors) = (written.decisions, written.errors);
    if a.format == OutFormat::Text {
        eprintln!(
            "{decisions} decision{}, {errors} record error{} (as of {as_of})",
            if decisions == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" }
        );
    }
    if errors > 0 {
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}

/// Reads every input in turn and sends its rendered chunks to the writer; `Some(code)` when an
/// input could not be read.
fn feed(
    a: &Args,
    batch: &Batch<'_>,
    pool: &rayon::ThreadPool,
    tx: std::sync::mpsc::SyncSender<Rendered>,
    progress: &indicatif::ProgressBar,
) -> Option<u8> {
    for path in &a.records {
        let format = match a.input_format {
            Some(InputFormat::Yaml) => Format::Yaml,
            Some(InputFormat::Json) => Format::Json,
            Some(InputFormat::Jsonl) => Format::Jsonl,
            None => Format::from_path(path),
        };
        if format == Format::Jsonl {
            if let Err(e) = feed_jsonl(path, batch, pool, &tx, progress) {
                eprintln!("error: cannot read `{path}`: {e}");
                return Some(EXIT_USAGE);
            }
            continue;
        }
        let (text, name) = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return Some(EXIT_USAGE);
            }
        };
        progress.inc(text.len() as u64);
        let mut entries = read_records(&text, &name, format, batch.policy).into_iter();
        drop(text);
        loop {
            let chunk: Vec<Entry> = entries.by_ref().take(256).collect();
            if chunk.is_empty() {
                break;
            }
            if tx.send(pool.install(|| batch.render(chunk))).is_err() {
                return None;
            }
        }
    }
    None
}

/// Streams one JSONL input. A regular file is screened for repeated ids first (see
/// [`credo::record::Screen`]); standard input or a pipe, which cannot be read twice, remembers
/// every id.
fn feed_jsonl(
    path: &str,
    batch: &Batch<'_>,
    pool: &rayon::ThreadPool,
    tx: &std::sync::mpsc::SyncSender<Rendered>,
    progress: &indicatif::ProgressBar,
) -> Result<(), String> {
    type Input = Box<dyn std::io::BufRead + Send>;
    if path == "-" {
        let stdin: Input = Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()));
        return batch.jsonl(stdin, path, Duplicates::default(), pool, tx, progress);
    }
    let open = || -> Result<Input, String> {
        let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
        Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, f)))
    };
    // Only a regular file can be read twice (not a pipe such as `<(…)` or `/dev/stdin`).
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if !regular {
        return batch.jsonl(open()?, path, Duplicates::default(), pool, tx, progress);
    }
    progress.set_message("checking record ids");
    let dupes = batch.screen(open()?, pool)?;
    progress.set_message("");
    batch.jsonl(open()?, path, dupes, pool, tx, progress)
}

/// A progress bar on stderr when it is a terminal (hidden otherwise): bytes of input read.
fn progress_bar(paths: &[String]) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let total: Option<u64> = paths
        .iter()
        .map(|p| {
            (p != "-")
                .then(|| std::fs::metadata(p).ok().map(|m| m.len()))
                .flatten()
        })
        .sum();
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t),
        None => indicatif::ProgressBar::no_length(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// The decisions of one entry, or its error.
pub fn items(
    policy: &credo::policy::Policy,
    entry: Entry,
    role: Option<&str>,
    as_of: jiff::civil::Date,
) -> Vec<Item> {
    let cand = match entry.result {
        Ok(c) => c,
        Err(e) => return vec![Item::Error(e)],
    };
    match credo::eval::roles_for(policy, &cand, role) {
        Ok(roles) => roles
            .into_iter()
            .map(|r| Item::Decision(Box::new(credo::eval::evaluate(policy, &cand, r, as_of))))
            .collect(),
        Err(error) => vec![Item::Error(RecordError {
            record: Some(cand.id.clone()),
            file: entry.file,
            line: entry.line,
            error,
        })],
    }
}

pub fn read_input(path: &str) -> std::io::Result<(String, String)> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        return Ok((s, "-".into()));
    }
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))?;
    Ok((text, path.to_owned()))
}
