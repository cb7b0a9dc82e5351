//! `credo eval POLICY RECORDS [--role R] [--as-of DATE] [--format text|json|jsonl] [--explain]`

mod stream;

use super::source::{self, Reader};
use super::{complain, ErrorFormat, EXIT_IO, EXIT_OK, EXIT_POLICY, EXIT_RECORDS, EXIT_USAGE};
use credo::record::{Duplicates, Entry, Format, RecordError};
use credo::render::Item;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use stream::{Batch, Deciding, Logging, Rendered};

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
    /// Rename or ignore the columns of a record set of tables (a folder of CSV files or an
    /// `.xlsx` workbook): a YAML map `{ TABLE: { "Export header": column, "Other": ~ } }`.
    #[arg(long, value_name = "MAP.yaml")]
    pub columns: Option<PathBuf>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub error_format: ErrorFormat,
    /// Threads that decide records (default: every core; at most 4 per core). The output is the
    /// same for any N.
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
    /// Explain every decision (text: a tree per decision, after a short legend of its marks).
    #[arg(long)]
    explain: bool,
    /// List each record's data-quality warnings on standard error (a credential not in the
    /// catalogue, an attribute the policy does not declare, a skill it does not have); without
    /// it they are counted in one line.
    #[arg(long)]
    warnings: bool,
    /// Append every decision (and every record error) to this tamper-evident log (hash-chained
    /// JSON lines), in input order. The log is locked while it is written, and a decision is
    /// printed only after its log line is in the file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Sync the log to the disk before the decisions it holds are printed (slower; a power
    /// failure then cannot lose a decision that was printed).
    #[arg(long, requires = "log")]
    log_sync: bool,
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
    let opened = (a.log.as_deref()).map(|path| open_log(path, &a.inputs, a.log_sync));
    let mut log = match opened.transpose() {
        Ok(log) => log,
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
    let spares = stream::Spares::default();
    let batch = Batch {
        policy: &policy,
        role: a.inputs.role.as_deref(),
        as_of,
        format: a.format,
        explain: a.explain,
        warnings: a.warnings,
        log: log.is_some(),
        spares: &spares,
    };
    if a.format == OutFormat::Text && a.explain {
        if let Err(code) = super::out(credo::render::text::LEGEND) {
            return code;
        }
    }
    let progress = source::progress_bar(&a.inputs.records);
    let (tx, rx) = sync_channel::<Rendered>(2);
    let (written, failure) = std::thread::scope(|s| {
        let logging = log.as_mut().map(|log| Logging {
            log,
            policy_hash: &policy.hash,
        });
        let writer = s.spawn(|| {
            let written = stream::write_all(rx, a.format, &progress, &spares, logging);
            if let Some(code) = written.interrupted {
                // The log holds every decision printed and is written out: stop now, whatever
                // the reader is waiting for.
                progress.finish_and_clear();
                if let Some(e) = &written.log_error {
                    complain(format_args!("error: cannot write the log: {e}"));
                }
                complain(format_args!(
                    "interrupted: every decision printed is in the log"
                ));
                std::process::exit(i32::from(code));
            }
            written
        });
        let reader = Reader::new(&pool, &progress, a.inputs.input_format).with_columns(map);
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
    let Ok(mut written) = written else {
        complain(format_args!("error: the output writer stopped"));
        return EXIT_USAGE;
    };
    let log_error = (written.log_error.take()).or_else(|| log.and_then(|l| l.finish().err()));
    if let Some(e) = log_error {
        complain(format_args!("error: cannot write the log: {e}"));
        return EXIT_USAGE;
    }
    if let Some(e) = written.out_error {
        complain(format_args!("error: cannot write standard output: {e}"));
        return EXIT_IO;
    }
    if let Err((path, e)) = failure {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    if let Some(code) = written.err_failed {
        return code;
    }
    let t = &written.tally;
    // Closed early (`| head`), the batch stopped: the exit code still counts the record errors
    // written so far, but there is no summary of a batch that was not finished.
    if !written.closed {
        let text = summary(
            t,
            &policy,
            a.format,
            a.warnings,
            a.inputs.role.as_deref(),
            as_of,
        );
        if let Err(code) = super::err(&text) {
            return code;
        }
    }
    if t.errors > 0 {
        EXIT_RECORDS
    } else {
        EXIT_OK
    }
}

/// What standard error says after a batch: for text, the counts (by role and outcome); for any
/// format, the data-quality warnings and a `--role` that records overrode.
fn summary(
    t: &stream::Tally,
    policy: &credo::policy::Policy,
    format: OutFormat,
    listed: bool,
    role: Option<&str>,
    as_of: jiff::civil::Date,
) -> String {
    use std::fmt::Write;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = String::new();
    if format == OutFormat::Text {
        let _ = writeln!(
            s,
            "{}, {} (as of {as_of})",
            plural(t.decisions, "decision", "decisions"),
            plural(t.errors, "record error", "record errors")
        );
        for (r, counts) in t.by_role.iter().enumerate() {
            let shown: Vec<String> = (counts.iter().enumerate().rev())
                .filter(|(_, n)| **n > 0)
                .map(|(o, n)| format!("{n} {}", OUTCOMES[o].as_str()))
                .collect();
            if let (false, Some(role)) = (shown.is_empty(), policy.roles.get(r)) {
                let _ = writeln!(s, "  {}: {}", role.id, shown.join(", "));
            }
        }
    }
    if t.warned_records > 0 {
        let _ = writeln!(
            s,
            "warning: {} {} data-quality warnings ({} in all){}",
            plural(t.warned_records, "record", "records"),
            if t.warned_records == 1 { "has" } else { "have" },
            t.warnings,
            if listed {
                "; listed above"
            } else {
                "; --warnings lists them"
            }
        );
    }
    if let (Some(role), true) = (role, t.role_ignored > 0) {
        let _ = writeln!(
            s,
            "note: --role `{role}` was not used for {} that name their roles in `applied`",
            plural(t.role_ignored, "record", "records")
        );
    }
    // Each line escaped on its own (ids and roles come from the inputs); line breaks stay.
    s.lines()
        .map(|line| credo::visible::visible(line).into_owned() + "\n")
        .collect()
}

/// Outcomes in the order of `Outcome as usize`.
const OUTCOMES: [credo::policy::Outcome; 4] = [
    credo::policy::Outcome::Ineligible,
    credo::policy::Outcome::Decline,
    credo::policy::Outcome::Review,
    credo::policy::Outcome::Advance,
];

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
        Err(error) => vec![Item::Error(RecordError::new(
            Some(cand.id.clone()),
            &entry.file,
            entry.line,
            error,
        ))],
    }
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

/// Opens the decision log for appending (`--log`), locked, and makes SIGINT and SIGTERM stop
/// the batch between chunks; the error is printed. A special file or one of the inputs is a
/// usage error; a log whose last line does not verify cannot be appended to.
fn open_log(
    path: &std::path::Path,
    inputs: &Inputs,
    sync: bool,
) -> Result<credo::log::Appender, u8> {
    use credo::log::{OpenError, Opened};
    let name = path.display();
    let inputs = (inputs
        .records
        .iter()
        .filter(|r| *r != "-")
        .map(std::path::Path::new))
    .chain([inputs.policy.as_path()]);
    for input in inputs {
        if same_file(path, input) {
            complain(format_args!(
                "error: --log `{name}` is one of the inputs, `{}`",
                input.display()
            ));
            return Err(EXIT_USAGE);
        }
    }
    // Before the log is created, so that a log on disk means the signals are caught.
    if let Err(e) = stream::stop_on_signals() {
        complain(format_args!(
            "error: cannot catch SIGINT and SIGTERM for the log: {e}"
        ));
        return Err(EXIT_USAGE);
    }
    let mut log = credo::log::Appender::open(path).map_err(|e| {
        complain(format_args!("error: {e}"));
        match e {
            OpenError::Damaged(..) => EXIT_POLICY,
            _ => EXIT_USAGE,
        }
    })?;
    log.sync_on_commit(sync);
    match log.opened {
        Opened::Clean => {}
        Opened::Terminated => complain(format_args!(
            "warning: the last entry of `{name}` had no line break; it was added"
        )),
        Opened::DroppedTorn(bytes) => complain(format_args!(
            "warning: `{name}` ended with an incomplete line ({bytes} bytes, a write that never finished); it was removed"
        )),
    }
    Ok(log)
}

/// Whether two paths name the same existing file (the same device and inode on Unix).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (ma.dev(), ma.ino()) == (mb.dev(), mb.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}
