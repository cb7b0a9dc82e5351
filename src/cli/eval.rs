//! `credo eval POLICY RECORDS [--role R] [--as-of DATE] [--format text|json|jsonl] [--explain]`

use super::{ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::record::{read_records_bytes, Entry, Format, RecordError};
use credo::render::{json_line, text, Item};
use std::io::{Read, Write};
use std::path::PathBuf;

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
    /// Append every decision to this tamper-evident log (hash-chained JSON lines).
    #[arg(long)]
    log: Option<PathBuf>,
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
    let (as_of, policy) =
        match super::as_of_and_policy(a.as_of.as_deref(), &a.policy, a.error_format) {
            Ok(x) => x,
            Err(code) => return code,
        };
    if let Some(r) = &a.role {
        if let Err(code) = super::role_index(&policy, r, "--role") {
            return code;
        }
    }
    let mut log = match &a.log {
        Some(path) => match credo::log::Appender::open(path) {
            Ok(l) => {
                if l.torn {
                    eprintln!(
                        "warning: `{}` ended with an incomplete line; it is kept and not chained onto",
                        path.display()
                    );
                }
                Some(l)
            }
            Err(e) => {
                eprintln!("error: cannot open log `{}`: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut decisions = 0usize;
    let mut errors = 0usize;
    let mut first_json = true;
    if a.format == OutFormat::Json {
        let _ = out.write_all(b"[");
    }
    for path in &a.records {
        let (text, name) = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return EXIT_USAGE;
            }
        };
        let format = match a.input_format {
            Some(InputFormat::Yaml) => Format::Yaml,
            Some(InputFormat::Json) => Format::Json,
            Some(InputFormat::Jsonl) => Format::Jsonl,
            None => Format::from_path(path),
        };
        for entry in read_records_bytes(&text, &name, format, &policy) {
            let cand = entry.result.as_ref().ok().cloned();
            for item in items(&policy, entry, a.role.as_deref(), as_of) {
                if let (Some(log), Item::Decision(d), Some(c)) = (log.as_mut(), &item, &cand) {
                    if let Err(e) = log.append(d, c, &policy.hash) {
                        eprintln!("error: cannot append to the log: {e}");
                        return EXIT_USAGE;
                    }
                }
                match &item {
                    Item::Decision(_) => decisions += 1,
                    Item::Error(_) => errors += 1,
                }
                let rendered = match (a.format, &item) {
                    (OutFormat::Text, Item::Decision(d)) if a.explain => {
                        text::explain_in_words(d, &policy)
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
                    return EXIT_OK;
                }
            }
        }
    }
    if a.format == OutFormat::Json {
        let _ = out.write_all(if first_json { b"]\n" } else { b"\n]\n" });
    }
    if let Some(log) = log {
        if let Err(e) = log.finish() {
            eprintln!("error: cannot write the log: {e}");
            return EXIT_USAGE;
        }
    }
    let _ = out.flush();
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

/// Reads a records file, or standard input for `-`; returns the bytes and the name to report.
pub fn read_input(path: &str) -> std::io::Result<(Vec<u8>, String)> {
    if path == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        return Ok((b, "-".into()));
    }
    Ok((std::fs::read(path)?, path.to_owned()))
}
