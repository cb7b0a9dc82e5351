//! `credo convert RECORDS… --to jsonl|yaml|csv [--out PATH] [--policy POLICY] [--columns MAP]`:
//! record sets from HR systems to YAML or JSON Lines, so a team sees exactly what credo read,
//! and records back to a folder of CSV tables (SPEC §16).

use super::eval::InputFormat;
use super::{complain, EXIT_IO, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::policy::Policy;
use credo::record::table::{self, ColumnMap, TableWriter};
use credo::record::{read_document, Format};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

/// What `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    /// One JSON record per line.
    Jsonl,
    /// A YAML list of records.
    Yaml,
    /// A folder of CSV tables (`--out DIR`).
    Csv,
}

/// Convert records between YAML, JSON Lines and record sets of tables (CSV folders, .xlsx).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records: YAML, JSON or JSONL files, folders of CSV tables or .xlsx workbooks; `-` reads
    /// standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// The format to write.
    #[arg(long, value_enum)]
    to: To,
    /// Where to write: a file for `jsonl`/`yaml` (default: standard output), a folder for `csv`
    /// (required; its tables are replaced).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Read attribute cells as this policy declares them, and check every record as `eval`
    /// would (without it, `true`/`false` cells are booleans, numbers are numbers).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Rename or ignore the columns of a record set of tables (see `eval --columns`).
    #[arg(long, value_name = "MAP.yaml")]
    columns: Option<PathBuf>,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
}

/// A record read, or why it cannot be.
type Read = Result<Value, (String, usize, Option<String>, String)>;

pub fn run(a: Args) -> u8 {
    let policy = match &a.policy {
        Some(p) => match super::load_checked(p, super::ErrorFormat::Human, false) {
            Ok(p) => Some(p),
            Err(code) => return code,
        },
        None => None,
    };
    let map = match super::source::column_map(a.columns.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let cx = Cx {
        policy: policy.as_ref(),
        map: map.as_ref(),
        input_format: a.input_format,
    };
    let mut errors = 0usize;
    let mut report = |e: (String, usize, Option<String>, String)| {
        errors += 1;
        let (file, line, id, error) = e;
        let id = id.map(|i| format!(" `{i}`")).unwrap_or_default();
        complain(format_args!("{file}:{line}: record{id}: {error}"));
    };
    let done = match a.to {
        To::Csv => {
            let Some(dir) = &a.out else {
                complain(format_args!(
                    "error: `--to csv` writes a folder of tables: give it with `--out DIR`"
                ));
                return EXIT_USAGE;
            };
            to_csv(&a.records, dir, &cx, &mut report)
        }
        To::Jsonl | To::Yaml => to_text(&a.records, a.to, a.out.as_deref(), &cx, &mut report),
    };
    match done {
        Err(code) => code,
        Ok(()) if errors > 0 => EXIT_RECORDS,
        Ok(()) => EXIT_OK,
    }
}

struct Cx<'a> {
    policy: Option<&'a Policy>,
    map: Option<&'a ColumnMap>,
    input_format: Option<InputFormat>,
}

impl Cx<'_> {
    /// Every record of every input in turn; `Err` (printed) when an input cannot be read.
    fn each(&self, paths: &[String], each: &mut dyn FnMut(Read, &str, usize)) -> Result<(), u8> {
        for path in paths {
            if let Some(why) = table::unreadable_format(path) {
                complain(format_args!("error: {why}"));
                return Err(EXIT_USAGE);
            }
            let read = if table::is_record_set(path) {
                self.tables(path, each)
            } else {
                self.document(path, each)
            };
            if let Err(e) = read {
                complain(format_args!("error: {path}: {e}"));
                return Err(EXIT_USAGE);
            }
        }
        Ok(())
    }

    fn tables(&self, path: &str, each: &mut dyn FnMut(Read, &str, usize)) -> Result<(), String> {
        let src = table::open(path, self.map)?;
        table::read_set(src.as_ref(), |r| {
            let (file, line) = r.place();
            let read = r.value(self.policy).and_then(|v| self.check(v, file, line));
            each(
                read.map_err(|e| (e.file, e.line, e.record, e.error)),
                file,
                line,
            );
            ControlFlow::Continue(())
        })
    }

    fn document(&self, path: &str, each: &mut dyn FnMut(Read, &str, usize)) -> Result<(), String> {
        let input: Box<dyn BufRead> = if path == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
            Box::new(std::io::BufReader::new(f))
        };
        if super::eval::input_format(self.input_format, path) == Format::Jsonl {
            for (i, line) in input.split(b'\n').enumerate() {
                let line = line.map_err(|e| e.to_string())?;
                if credo::record::blank_line(&line) {
                    continue;
                }
                let read = serde_json::from_slice::<Value>(&line)
                    .map_err(|e| (path.to_owned(), i + 1, None, format!("invalid JSON: {e}")))
                    .and_then(|v| {
                        self.check(v, path, i + 1)
                            .map_err(|e| (e.file, e.line, e.record, e.error))
                    });
                each(read, path, i + 1);
            }
            return Ok(());
        }
        read_document(input, |r| {
            let read = match r.value() {
                Ok(v) => self
                    .check(v.clone(), path, r.line)
                    .map_err(|e| (e.file, e.line, e.record, e.error)),
                Err(e) => Err((path.to_owned(), r.line, r.id(), e.to_owned())),
            };
            each(read, path, r.line);
            ControlFlow::Continue(())
        });
        Ok(())
    }

    /// With `--policy`, the record is checked as `eval` reads it.
    fn check(
        &self,
        v: Value,
        file: &str,
        line: usize,
    ) -> Result<Value, credo::record::RecordError> {
        if let Some(p) = self.policy {
            credo::record::from_value(&v, file, line, p)?;
        }
        Ok(v)
    }
}

type Report<'a> = dyn FnMut((String, usize, Option<String>, String)) + 'a;

fn to_text(
    paths: &[String],
    to: To,
    out: Option<&std::path::Path>,
    cx: &Cx<'_>,
    report: &mut Report<'_>,
) -> Result<(), u8> {
    let (sink, what): (Box<dyn Write>, String) = match out {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => (Box::new(f), p.display().to_string()),
            Err(e) => {
                complain(format_args!("error: cannot write {}: {e}", p.display()));
                return Err(EXIT_IO);
            }
        },
        None => (Box::new(std::io::stdout().lock()), "standard output".into()),
    };
    let mut w = std::io::BufWriter::new(sink);
    let mut failed: Option<std::io::Error> = None;
    let mut any = false;
    cx.each(paths, &mut |read, _, _| match read {
        Ok(v) if failed.is_none() => {
            let text = match to {
                To::Yaml => serde_saphyr::to_string(&[&v])
                    .unwrap_or_else(|e| format!("# cannot write: {e}\n")),
                _ => serde_json::to_string(&v).unwrap_or_default() + "\n",
            };
            any = true;
            if let Err(e) = w.write_all(text.as_bytes()) {
                failed = Some(e);
            }
        }
        Ok(_) => {}
        Err(e) => report(e),
    })?;
    if to == To::Yaml && !any && failed.is_none() {
        if let Err(e) = w.write_all(b"[]\n") {
            failed = Some(e);
        }
    }
    let wrote = match failed {
        Some(e) => Err(e),
        None => w.flush(),
    };
    super::written(wrote, &what)
}

fn to_csv(
    paths: &[String],
    dir: &std::path::Path,
    cx: &Cx<'_>,
    report: &mut Report<'_>,
) -> Result<(), u8> {
    // The `candidates` columns come from every record: a first pass finds them (standard
    // input, which cannot be read twice, is kept in memory).
    let (mut attributes, mut protected) = (BTreeSet::new(), BTreeSet::new());
    let stdin = paths.iter().any(|p| p == "-");
    let mut kept: Vec<(Read, String, usize)> = Vec::new();
    cx.each(paths, &mut |read, file, line| {
        if let Ok(v) = &read {
            TableWriter::columns(v, &mut attributes, &mut protected);
        }
        if stdin {
            kept.push((read, file.to_owned(), line));
        }
    })?;
    let fail = |e: String| {
        complain(format_args!("error: {e}"));
        EXIT_IO
    };
    let mut w = TableWriter::new(dir, &attributes, &protected).map_err(fail)?;
    let mut io: Option<String> = None;
    let mut write = |read: Read, file: &str, line: usize, w: &mut TableWriter| match read {
        Ok(v) if io.is_none() => match w.write(&v) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => {
                let id = v
                    .get("id")
                    .map(|i| i.as_str().map_or(i.to_string(), str::to_owned));
                report((file.to_owned(), line, id, why));
            }
            Err(e) => io = Some(e),
        },
        Ok(_) => {}
        Err(e) => report(e),
    };
    if stdin {
        for (read, file, line) in kept {
            write(read, &file, line, &mut w);
        }
    } else {
        cx.each(paths, &mut |read, file, line| {
            write(read, file, line, &mut w)
        })?;
    }
    if let Some(e) = io {
        return Err(fail(e));
    }
    w.finish().map_err(fail)
}
