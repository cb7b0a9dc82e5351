//! `credo eval POLICY RECORDS [--role R] [--as-of DATE] [--format text|json|jsonl] [--explain]`

mod stream;

use super::source::{self, Reader};
use super::{ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::record::{read_records_bytes, Duplicates, Entry, Format, RecordError};
use credo::render::{json_line, text, Item};
use std::io::Read;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use stream::{Batch, Deciding, Rendered};

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

/// What the commands that decide a batch (`eval`, `audit`) take alike.
#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// A `.credo` file or a directory of them.
    pub policy: PathBuf,
    /// Records: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    pub records: Vec<String>,
    /// Evaluate this role for records without `applied`.
    #[arg(long)]
    pub role: Option<String>,
    /// Evaluation date (YYYY-MM-DD); defaults to today (UTC) and is recorded in the output.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub error_format: ErrorFormat,
    /// Threads that decide records (default: every core). The output is the same for any N.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

impl Inputs {
    /// The evaluation date and the checked policy; diagnostics are printed and a role the
    /// policy lacks is a usage error (the exit code is the error).
    pub fn load(&self) -> Result<(jiff::civil::Date, credo::policy::Policy), u8> {
        let (as_of, policy) =
            super::as_of_and_policy(self.as_of.as_deref(), &self.policy, self.error_format)?;
        if let Some(r) = &self.role {
            super::role_index(&policy, r, "--role")?;
        }
        Ok((as_of, policy))
    }
}

/// Evaluate candidate records against a policy.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutFormat,
    /// Explain every decision (text: a tree per decision).
    #[arg(long)]
    explain: bool,
    /// Append every decision to this tamper-evident log (hash-chained JSON lines); decisions
    /// are then made on one thread, in order.
    #[arg(long)]
    log: Option<PathBuf>,
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
    let (as_of, policy) = match a.inputs.load() {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(path) = &a.log {
        return run_logged(&a, &policy, as_of, path);
    }
    let pool = match source::pool(a.inputs.jobs) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let spares = stream::Spares::default();
    let batch = Batch {
        policy: &policy,
        role: a.inputs.role.as_deref(),
        as_of,
        format: a.format,
        explain: a.explain,
        spares: &spares,
    };
    let progress = source::progress_bar(&a.inputs.records);
    let (tx, rx) = sync_channel::<Rendered>(2);
    let (written, failure) = std::thread::scope(|s| {
        let writer = s.spawn(|| stream::write_all(rx, a.format, &progress, &spares));
        let reader = Reader {
            pool: &pool,
            progress: &progress,
            input_format: a.inputs.input_format,
        };
        let mut deciding = Deciding {
            batch: &batch,
            pool: &pool,
            out: tx,
            file: String::new(),
            dupes: Duplicates::default(),
        };
        let failure = reader.read(&a.inputs.records, &mut deciding);
        // The writer ends when the last sender is gone.
        drop(deciding);
        (writer.join(), failure)
    });
    progress.finish_and_clear();
    let Ok(written) = written else {
        eprintln!("error: the output writer stopped");
        return EXIT_USAGE;
    };
    if let Err((path, e)) = failure {
        eprintln!("error: cannot read `{path}`: {e}");
        return EXIT_USAGE;
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

/// The decisions of one entry, or its error.
pub fn items<'a>(
    policy: &'a credo::policy::Policy,
    entry: &'a Entry,
    role: Option<&str>,
    as_of: jiff::civil::Date,
) -> Vec<Item<'a>> {
    let cand = match &entry.result {
        Ok(c) => c,
        Err(e) => return vec![Item::Error(e.clone())],
    };
    match credo::eval::roles_for(policy, cand, role) {
        Ok(roles) => roles
            .into_iter()
            .map(|r| Item::Decision(Box::new(credo::eval::evaluate(policy, cand, r, as_of))))
            .collect(),
        Err(error) => vec![Item::Error(RecordError {
            record: Some(cand.id.clone()),
            file: entry.file.clone(),
            line: entry.line,
            error,
        })],
    }
}

/// Reads a records file, or standard input for `-`; returns the bytes and the name to report.
pub fn read_input(path: &str) -> std::io::Result<(Vec<u8>, String)> {
    if path == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        return Ok((b, "-".into()));
    }
    Ok((std::fs::read(path)?, path.to_owned()))
}

/// The format of one input.
pub fn input_format(given: Option<InputFormat>, path: &str) -> Format {
    match given {
        Some(InputFormat::Yaml) => Format::Yaml,
        Some(InputFormat::Json) => Format::Json,
        Some(InputFormat::Jsonl) => Format::Jsonl,
        None => Format::from_path(path),
    }
}

/// `eval --log`: one thread, in input order, each decision appended to the hash chain as it is
/// written.
fn run_logged(
    a: &Args,
    policy: &credo::policy::Policy,
    as_of: jiff::civil::Date,
    path: &std::path::Path,
) -> u8 {
    let mut log = match credo::log::Appender::open(path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot open log `{}`: {e}", path.display());
            return EXIT_USAGE;
        }
    };
    if log.torn {
        eprintln!(
            "warning: `{}` ended with an incomplete line; it is kept and not chained onto",
            path.display()
        );
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut decisions, mut errors, mut first_json) = (0usize, 0usize, true);
    if a.format == OutFormat::Json {
        let _ = out.write_all(b"[");
    }
    for input in &a.inputs.records {
        let (bytes, name) = match read_input(input) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{input}`: {e}");
                return EXIT_USAGE;
            }
        };
        for entry in read_records_bytes(
            &bytes,
            &name,
            input_format(a.inputs.input_format, input),
            policy,
        ) {
            let cand = entry.result.as_ref().ok();
            for item in items(policy, &entry, a.inputs.role.as_deref(), as_of) {
                match &item {
                    Item::Decision(d) => {
                        decisions += 1;
                        if let Some(c) = cand {
                            if let Err(e) = log.append(d, c, &policy.hash) {
                                eprintln!("error: cannot append to the log: {e}");
                                return EXIT_USAGE;
                            }
                        }
                    }
                    Item::Error(_) => errors += 1,
                }
                let rendered = match (a.format, &item) {
                    (OutFormat::Text, Item::Decision(d)) if a.explain => {
                        text::explain_in_words(d, policy)
                    }
                    (OutFormat::Text, Item::Decision(d)) => text::summary(d) + "\n",
                    (OutFormat::Text, Item::Error(e)) => text::error_line(e) + "\n",
                    (OutFormat::Jsonl, item) => json_line(item) + "\n",
                    (OutFormat::Json, item) => {
                        let sep = if first_json { "\n" } else { ",\n" };
                        first_json = false;
                        format!("{sep}{}", json_line(item))
                    }
                };
                if out.write_all(rendered.as_bytes()).is_err() {
                    break;
                }
            }
        }
    }
    if a.format == OutFormat::Json {
        let _ = out.write_all(if first_json { b"]\n" } else { b"\n]\n" });
    }
    let _ = out.flush();
    if let Err(e) = log.finish() {
        eprintln!("error: cannot write the log: {e}");
        return EXIT_USAGE;
    }
    if a.format == OutFormat::Text {
        eprintln!("{decisions} decisions, {errors} record errors (as of {as_of})");
    }
    if errors > 0 {
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}
