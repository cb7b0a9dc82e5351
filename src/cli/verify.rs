//! `credo verify RECORDS… --policy POLICY [--format text|json]`: each record credential's proof
//! status (SPEC §15), without deciding.

use super::eval::InputFormat;
use super::source::{self, Chunk, Reader, Sink};
use super::{complain, ErrorFormat, Format, EXIT_USAGE};
use credo::policy::Policy;
use credo::proof::ProofStatus;
use credo::record::{Duplicates, Entry};
use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Print each credential's proof status.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// The policy whose providers pin the keys: a `.credo` file or a directory of them.
    #[arg(long)]
    policy: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Format of records on standard input.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
    /// Threads that read records (the output is the same for any N).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Also print, on standard error, how many proofs were checked and how many were answered
    /// from the run's cache (a credential seen before). Each credential is checked once, so
    /// the counts are the same for any --jobs while the cache has room (131,072 credentials);
    /// past that they may vary. The statuses never do.
    #[arg(long)]
    stats: bool,
}

/// One credential's line of the report.
#[derive(serde::Serialize)]
struct Row {
    record: String,
    file: String,
    line: usize,
    credential: usize,
    label: String,
    issuer: Option<String>,
    proof: ProofStatus,
}

/// A record that could not be read, in its place.
#[derive(serde::Serialize)]
struct Bad {
    record: Option<String>,
    file: String,
    line: usize,
    error: String,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum Item {
    Row(Row),
    Bad(Bad),
}

struct Collect<'p> {
    policy: &'p Policy,
    dupes: Option<Duplicates>,
    file: String,
    items: Vec<Item>,
}

impl Sink for Collect<'_> {
    fn start(&mut self, dupes: Duplicates) {
        self.dupes = Some(dupes);
    }
    fn input(&mut self, file: &str) {
        self.file = file.to_owned();
    }
    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
        for mut e in chunk.entries(&self.file, self.policy) {
            if let Some(d) = &mut self.dupes {
                d.mark(&mut e);
            }
            self.push(e);
        }
        ControlFlow::Continue(())
    }
}

impl Collect<'_> {
    fn push(&mut self, e: Entry) {
        match e.result {
            Ok(c) => {
                for (i, h) in c.credentials.iter().enumerate() {
                    self.items.push(Item::Row(Row {
                        record: c.id.clone(),
                        file: e.file.clone(),
                        line: e.line,
                        credential: i + 1,
                        label: h.label().to_owned(),
                        issuer: h.issuer.clone(),
                        proof: h.proof.clone(),
                    }));
                }
            }
            Err(err) => self.items.push(Item::Bad(Bad {
                record: err.record.clone(),
                file: e.file.clone(),
                line: err.line,
                error: err.error.clone(),
            })),
        }
    }
}

pub fn run(a: Args) -> u8 {
    let policy = match super::load_checked(&a.policy, a.error_format, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let pool = match source::pool(a.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let progress = source::progress_bar(&a.records);
    let reader = Reader::new(&pool, &progress, a.input_format);
    let mut sink = Collect {
        policy: &policy,
        dupes: None,
        file: String::new(),
        items: Vec::new(),
    };
    let read = reader.read(&a.records, &mut sink);
    progress.finish_and_clear();
    if let Err((path, e)) = read {
        complain(format_args!("error: cannot read `{path}`: {e}"));
        return EXIT_USAGE;
    }
    let (mut verified, mut failed, mut none, mut errors) = (0, 0, 0, 0);
    for item in &sink.items {
        match item {
            Item::Row(r) => match r.proof {
                ProofStatus::Verified => verified += 1,
                ProofStatus::Failed(_) => failed += 1,
                ProofStatus::None => none += 1,
            },
            Item::Bad(_) => errors += 1,
        }
    }
    let rendered = match a.format {
        Format::Json => super::json(&sink.items),
        Format::Text => {
            let mut s = String::new();
            for item in &sink.items {
                let _ = match item {
                    Item::Row(r) => writeln!(
                        s,
                        "{}:{}: {} credential {} ({}): {}",
                        credo::visible::visible(&r.file),
                        r.line,
                        credo::visible::visible(&r.record),
                        r.credential,
                        credo::visible::visible(&r.label),
                        credo::visible::visible(&r.proof.as_text())
                    ),
                    Item::Bad(b) => writeln!(
                        s,
                        "{}:{}: record error{}: {}",
                        credo::visible::visible(&b.file),
                        b.line,
                        b.record
                            .as_deref()
                            .map(|r| format!(" in {}", credo::visible::visible(r)))
                            .unwrap_or_default(),
                        credo::visible::visible(&b.error)
                    ),
                };
            }
            s
        }
    };
    if a.stats {
        let s = policy.proofs.stats();
        complain(format_args!(
            "proofs: {} checked, {} answered from the cache",
            s.checked, s.reused
        ));
    }
    let summary = (a.format == Format::Text).then(|| {
        format!(
            "{verified} verified, {failed} failed, {none} without a proof, {errors} record error{}",
            if errors == 1 { "" } else { "s" }
        )
    });
    super::report(&rendered, summary, errors > 0)
}
