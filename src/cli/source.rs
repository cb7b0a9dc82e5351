//! Record inputs, read in chunks in input order with bounded memory: the one reader behind
//! `eval`, `audit` and `diff`. Each command is a [`Sink`]: it is told when an input starts
//! (with that input's repeated-id check) and then gets the input's records chunk by chunk, to
//! check against its policy or policies on the rayon pool.
//!
//! - JSONL is read in blocks of whole lines on a reader thread; splitting, numbering and UTF-8
//!   checks run on the workers. A regular file is screened for repeated ids first (see
//!   [`credo::record::Screen`]); standard input or a pipe, which cannot be read twice,
//!   remembers every id.
//! - A YAML or JSON document is parsed on a reader thread and its records handed on in chunks
//!   ([`credo::record::read_document`]). Parsing is nearly all of the time a YAML batch takes
//!   (about 10,000 records/s), so a document is screened for repeated ids only when it is a
//!   file larger than [`SCREEN_DOCUMENTS_OVER`]: it is then parsed twice, and memory stays flat.
//!   A smaller document, or one on standard input, remembers every id with its line, about 130
//!   bytes per record at the peak for ids like `cand-123456` (under 40 MB at that size).

use super::eval::{input_format, InputFormat};
use credo::policy::Policy;
use credo::record::table::{self, ColumnMap, TableRecord};
use credo::record::{
    blank_line, fingerprint, line_id_bytes, read_document, read_json_line, Duplicates, Entry,
    Format, RawRecord, RecordError, Screen, MAX_LINE,
};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::{BufRead, IsTerminal, Read};
use std::ops::ControlFlow;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Records per chunk: large enough to keep every core busy, small enough that the chunks in
/// flight (at most five: two read ahead, one deciding, two waiting to be written) stay a few
/// tens of megabytes.
pub const CHUNK: usize = 1024;

/// A document chunk is handed on early once its records take about this much memory (a few
/// very large records make a chunk of their own).
const CHUNK_BYTES: usize = 32 * 1024 * 1024;

/// YAML and JSON files larger than this (about 280,000 records) are read once for their ids
/// first, like JSONL files, so that repeated ids are found with the memory of a Bloom filter.
pub const SCREEN_DOCUMENTS_OVER: u64 = 256 << 20;

/// A JSONL line longer than [`MAX_LINE`] is skipped and reported, and the batch goes on; one
/// that runs on past this many bytes without a line break ends the input (a device such as
/// `/dev/zero`, or a file that is not JSONL, would otherwise be read for ever).
pub const MAX_SKIPPED_LINE: u64 = 1 << 30;

/// Bytes read per JSONL block (a line longer than this makes its block longer).
const BLOCK: usize = 1 << 20;

/// What reads the records of a batch.
pub trait Sink {
    /// The batch starts: `dupes` is its repeated-id check, for every input in turn (an id
    /// repeated in a later input is an error there too).
    fn start(&mut self, dupes: Duplicates);
    /// A new input starts: `file` is its name in reports.
    fn input(&mut self, file: &str);
    /// The current input's next records, in input order. `Break` stops reading.
    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()>;
}

/// Records read but not yet checked against a policy.
pub enum Chunk<'b> {
    /// JSONL lines of one block.
    Lines { block: &'b Block, lines: &'b [Line] },
    /// Records of a YAML or JSON document.
    Records(&'b [RawRecord]),
    /// Candidates of a record set of tables (SPEC §16), and rows whose candidate is unknown.
    Tables(&'b [TableRecord]),
}

impl Chunk<'_> {
    /// The records as `policy` reads them, on the current rayon pool; repeated ids are not
    /// marked yet (see [`Duplicates::mark`]).
    pub fn entries(&self, file: &str, policy: &Policy) -> Vec<Entry> {
        match self {
            Chunk::Lines { block, lines } => (lines.par_iter())
                .map(|l| block.entry(l, file, policy))
                .collect(),
            Chunk::Records(records) => (records.par_iter())
                .map(|r| r.entry(file, policy))
                .collect(),
            Chunk::Tables(records) => (records.par_iter()).map(|r| r.entry(policy)).collect(),
        }
    }
}

/// How a batch's inputs are read.
pub struct Reader<'a> {
    /// The pool that reads, and that sinks decide on.
    pub pool: &'a rayon::ThreadPool,
    pub progress: &'a ProgressBar,
    /// `--input-format`, for standard input.
    pub input_format: Option<InputFormat>,
    /// YAML and JSON files larger than this are screened for repeated ids first.
    pub screen_documents_over: u64,
    /// `--columns MAP.yaml`, for record sets of tables.
    pub columns: Option<ColumnMap>,
}

impl<'a> Reader<'a> {
    /// A reader with the usual settings.
    pub fn new(
        pool: &'a rayon::ThreadPool,
        progress: &'a ProgressBar,
        input_format: Option<InputFormat>,
    ) -> Self {
        Reader {
            pool,
            progress,
            input_format,
            screen_documents_over: SCREEN_DOCUMENTS_OVER,
            columns: None,
        }
    }

    /// The reader with `--columns MAP.yaml` (see [`column_map`]).
    pub fn with_columns(mut self, map: Option<ColumnMap>) -> Self {
        self.columns = map;
        self
    }

    /// Reads every input in turn into `sink`; `Err((path, why))` when an input cannot be read.
    /// Repeated ids are found across the inputs: when every input is a file that can be read
    /// twice, they are all screened first (see [`Reader::screen`]); otherwise every id is
    /// remembered.
    pub fn read(&self, paths: &[String], sink: &mut dyn Sink) -> Result<(), (String, String)> {
        let dupes = self.screen(paths)?;
        sink.start(dupes);
        for path in paths {
            if let Some(why) = table::unreadable_format(path) {
                return Err((path.clone(), why));
            }
            let done = if table::is_record_set(path) {
                self.tables(path, sink)
            } else {
                match input_format(self.input_format, path) {
                    Format::Jsonl => self.jsonl(path, sink),
                    Format::Yaml | Format::Json => self.document(path, sink),
                }
            };
            match done {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(())) => return Ok(()),
                Err(e) => return Err((path.clone(), e)),
            }
        }
        Ok(())
    }

    /// The batch's repeated-id check. Inputs that are all regular files are read once for
    /// their ids first (JSONL by a quick scan; YAML and JSON documents are parsed, so they are
    /// screened only when the batch's documents are over [`Reader::screen_documents_over`]
    /// bytes); then only the ids that may repeat are remembered while deciding. Standard
    /// input or a pipe, which cannot be read twice, and small documents remember every id.
    fn screen(&self, paths: &[String]) -> Result<Duplicates, (String, String)> {
        let mut documents = 0u64;
        for path in paths {
            let regular = path != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file());
            if !regular && !table::is_record_set(path) {
                return Ok(Duplicates::default());
            }
            if table::is_record_set(path) {
                // A set of tables is screened by its `candidates` ids, like JSONL.
                documents = documents.max(u64::MAX / 2);
            } else if input_format(self.input_format, path) != Format::Jsonl {
                documents += std::fs::metadata(path).map_or(0, |m| m.len());
            }
        }
        if documents > 0 && documents <= self.screen_documents_over {
            return Ok(Duplicates::default());
        }
        self.progress.set_message("checking record ids");
        let mut ids = Screen::default();
        for path in paths {
            if table::is_record_set(path) {
                self.screen_tables(path, &mut ids)
                    .map_err(|e| (path.clone(), e))?;
                continue;
            }
            let input: Box<dyn Read + Send> = match std::fs::File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => return Err((path.clone(), e.to_string())),
            };
            match input_format(self.input_format, path) {
                Format::Jsonl => {
                    screen(input, self.pool, &mut ids).map_err(|e| (path.clone(), e))?
                }
                Format::Yaml | Format::Json => screen_document(input, &mut ids),
            }
        }
        super::alloc::release_free_memory();
        self.progress.set_message("");
        Ok(ids.finish())
    }

    /// A record set of tables: candidates in chunks, joined on a reader thread.
    fn tables(&self, path: &str, sink: &mut dyn Sink) -> Result<ControlFlow<()>, String> {
        let src = table::open(path, self.columns.as_ref())?;
        sink.input(path);
        let (tx, rx) = sync_channel::<Vec<TableRecord>>(2);
        std::thread::scope(|s| {
            let reader = s.spawn(move || {
                let mut chunk = Vec::with_capacity(CHUNK);
                let read = table::read_set(src.as_ref(), |r| {
                    chunk.push(r);
                    if chunk.len() == CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        if tx.send(full).is_err() {
                            return ControlFlow::Break(());
                        }
                    }
                    ControlFlow::Continue(())
                });
                if !chunk.is_empty() {
                    let _ = tx.send(chunk);
                }
                read
            });
            let mut flow = ControlFlow::Continue(());
            for chunk in rx.iter() {
                flow = sink.chunk(&Chunk::Tables(&chunk));
                if flow.is_break() {
                    break;
                }
            }
            // Dropping the receiver stops the reader at its next chunk.
            drop(rx);
            let read = (reader.join()).unwrap_or_else(|_| Err("the reader stopped".into()));
            read.map(|()| flow)
        })
    }

    /// Reads the `candidates` ids of a record set for the repeated-id screen.
    fn screen_tables(&self, path: &str, ids: &mut Screen) -> Result<(), String> {
        let src = table::open(path, self.columns.as_ref())?;
        let Some(key) = src.head(table::Table::Candidates).map(|h| h.key) else {
            return Ok(());
        };
        for row in src.rows(table::Table::Candidates)? {
            if let Some(id) = row?.cells.get(key).and_then(table::Cell::key) {
                ids.add(&id);
            }
        }
        Ok(())
    }

    /// One JSONL input: a regular file is screened for repeated ids first.
    fn jsonl(&self, path: &str, sink: &mut dyn Sink) -> Result<ControlFlow<()>, String> {
        type Input = Box<dyn Read + Send>;
        let open = || -> Result<Input, String> {
            if path == "-" {
                return Ok(Box::new(std::io::stdin()));
            }
            let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
            Ok(Box::new(f))
        };
        sink.input(path);
        let (tx, rx) = sync_channel::<Block>(2);
        let (back, spare) = sync_channel::<Vec<u8>>(4);
        let progress = self.progress.clone();
        let input = open()?;
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_blocks(input, tx, spare, &progress));
            let mut flow = ControlFlow::Continue(());
            'blocks: for block in rx.iter() {
                let lines = block.lines();
                for chunk in lines.chunks(CHUNK) {
                    flow = sink.chunk(&Chunk::Lines {
                        block: &block,
                        lines: chunk,
                    });
                    if flow.is_break() {
                        break 'blocks;
                    }
                }
                let _ = back.try_send(block.bytes);
            }
            // Dropping the receiver stops the reader at its next block.
            drop(rx);
            let read = (reader.join()).unwrap_or_else(|_| Err("the reader stopped".into()));
            read.map(|()| flow)
        })
    }

    /// One YAML or JSON input (a file, or standard input for `-`). What cannot be read is a
    /// record error in its place; `Err` only when the file cannot be opened or the reader
    /// thread failed.
    fn document(&self, path: &str, sink: &mut dyn Sink) -> Result<ControlFlow<()>, String> {
        let open = || -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
            if path == "-" {
                return Ok((Box::new(std::io::stdin()), None));
            }
            let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let meta = f.metadata().map_err(|e| e.to_string())?;
            if meta.is_dir() {
                return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory).to_string());
            }
            Ok((Box::new(f), meta.is_file().then_some(meta.len())))
        };
        let (inner, _) = open()?;
        let counting = Counting {
            inner,
            progress: self.progress.clone(),
        };
        let input = Box::new(std::io::BufReader::with_capacity(1 << 20, counting));
        sink.input(path);
        let (tx, rx) = sync_channel::<Vec<RawRecord>>(2);
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_chunks(input, tx));
            let mut flow = ControlFlow::Continue(());
            for chunk in rx.iter() {
                flow = sink.chunk(&Chunk::Records(&chunk));
                if flow.is_break() {
                    break;
                }
            }
            // Dropping the receiver stops the reader at its next chunk.
            drop(rx);
            reader.join().map_err(|_| "the reader stopped".to_owned())?;
            Ok(flow)
        })
    }
}

/// Reads `--columns MAP.yaml` for the record sets of tables; the error is printed and the exit
/// code returned.
pub fn column_map(path: Option<&std::path::Path>) -> Result<Option<ColumnMap>, u8> {
    let Some(path) = path else { return Ok(None) };
    let read = std::fs::read_to_string(path).map_err(|e| e.to_string());
    match read.and_then(|text| ColumnMap::from_yaml(&text)) {
        Ok(m) => Ok(Some(m)),
        Err(e) => {
            super::complain(format_args!(
                "error: --columns {}: {}",
                path.display(),
                credo::visible::visible(&e)
            ));
            Err(super::EXIT_USAGE)
        }
    }
}

/// Reads a JSONL file once for its record ids, so that deciding it needs to remember only the
/// ids that may repeat.
fn screen(
    input: Box<dyn Read + Send>,
    pool: &rayon::ThreadPool,
    screen: &mut Screen,
) -> Result<(), String> {
    let (tx, rx) = sync_channel::<Block>(2);
    let (back, spare) = sync_channel::<Vec<u8>>(4);
    let hidden = ProgressBar::hidden();
    std::thread::scope(|s| {
        let reader = s.spawn(move || read_blocks(input, tx, spare, &hidden));
        for block in rx.iter() {
            let lines = block.lines();
            let ids: Vec<Option<(u64, std::borrow::Cow<str>)>> = pool.install(|| {
                (lines.par_iter())
                    .map(|l| {
                        let id = line_id_bytes(block.bytes.get(l.bytes.clone())?)?;
                        Some((fingerprint(&id), id))
                    })
                    .collect()
            });
            (ids.iter().flatten()).for_each(|(fp, id)| screen.add_fingerprinted(*fp, id));
            drop(ids);
            let _ = back.try_send(block.bytes);
        }
        reader
            .join()
            .unwrap_or_else(|_| Err("the reader stopped".into()))
    })
}

/// Parses a YAML or JSON document once for its record ids (on this thread: parsing is one
/// sequential pass), so that deciding it needs to remember only the ids that may repeat.
fn screen_document(input: Box<dyn Read + Send>, screen: &mut Screen) {
    read_document(std::io::BufReader::with_capacity(1 << 20, input), |r| {
        if let Some(id) = r.id() {
            screen.add(&id);
        }
        ControlFlow::Continue(())
    });
}

/// Whole lines of a JSONL input, read together as one block of bytes: the reader only finds
/// the last line break of each block; lines are split and numbered by the caller and read on
/// the worker threads.
pub struct Block {
    bytes: Vec<u8>,
    /// The number of the first line in `bytes`.
    first_line: usize,
    /// A line that follows these and cannot be read at all (its bytes were not kept).
    trouble: Option<(usize, Trouble)>,
}

/// Why a line's bytes were not kept.
#[derive(Clone, Copy)]
enum Trouble {
    /// Longer than [`MAX_LINE`].
    TooLong,
    /// Longer than [`MAX_SKIPPED_LINE`]: the input is not read on.
    Endless,
    /// The input is UTF-16 text (it opens with a UTF-16 byte order mark): one error for it all.
    Utf16,
}

/// One line of a block: its number and where its bytes are (none when it has trouble).
pub struct Line {
    no: usize,
    bytes: std::ops::Range<usize>,
    trouble: Option<Trouble>,
}

impl Block {
    /// The block's non-blank lines, numbered.
    fn lines(&self) -> Vec<Line> {
        let mut out = Vec::with_capacity(self.bytes.len() / 256 + 1);
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', &self.bytes).chain(
            // A last line without a line break.
            (self.bytes.last().is_some_and(|&b| b != b'\n')).then_some(self.bytes.len()),
        );
        // A byte order mark may open the input, as any record file: it is not part of line 1.
        if self.first_line == 1 && self.bytes.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        for (no, end) in (self.first_line..).zip(ends) {
            if !blank_line(&self.bytes[start..end]) {
                out.push(Line {
                    no,
                    bytes: start..end,
                    trouble: None,
                });
            }
            start = end + 1;
        }
        if let Some((no, trouble)) = self.trouble {
            out.push(Line {
                no,
                bytes: 0..0,
                trouble: Some(trouble),
            });
        }
        out
    }

    /// A line's text, or why it cannot be read (checked on the worker threads).
    fn text(&self, l: &Line) -> Result<&str, String> {
        match l.trouble {
            Some(Trouble::TooLong) => {
                return Err(format!("line is longer than the limit of {MAX_LINE} bytes"))
            }
            Some(Trouble::Endless) => {
                return Err(format!(
                    "line is longer than {MAX_SKIPPED_LINE} bytes without a line break: this is not JSONL, and the rest of the input is not read"
                ))
            }
            Some(Trouble::Utf16) => return Err("the file is UTF-16 text; save it as UTF-8".into()),
            None => {}
        }
        std::str::from_utf8(&self.bytes[l.bytes.clone()]).map_err(|e| {
            format!(
                "line is not UTF-8 text (invalid byte at column {})",
                e.valid_up_to() + 1
            )
        })
    }

    /// One line read as a record by `policy`.
    fn entry(&self, line: &Line, file: &str, policy: &Policy) -> Entry {
        let n = line.no;
        let error = match self.text(line) {
            Ok(text) => return read_json_line(text, file, n, policy),
            Err(e) => e,
        };
        Entry {
            file: file.to_owned(),
            line: n,
            result: Err(RecordError::new(None, file, n, error)),
        }
    }
}

/// Reads an input in blocks of whole lines. A line longer than [`MAX_LINE`] is skipped
/// without being kept and reported in its place (see [`Block::trouble`]); an input that opens
/// with a UTF-16 byte order mark is one error, and is not read on.
fn read_blocks(
    mut input: Box<dyn Read + Send>,
    tx: SyncSender<Block>,
    spare: Receiver<Vec<u8>>,
    progress: &ProgressBar,
) -> Result<(), String> {
    let mut first_line = 1;
    // The start of a line whose end is not read yet.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        // A block buffer handed back (its pages are already mapped: new ones the kernel must
        // zero, a megabyte at a time), else a new one.
        // A long unfinished line keeps its own buffer rather than being copied again.
        let mut bytes = if carry.len() >= BLOCK / 2 {
            std::mem::take(&mut carry)
        } else {
            let mut b = spare.try_recv().unwrap_or_default();
            b.clear();
            b.extend_from_slice(&carry);
            carry.clear();
            b
        };
        bytes.reserve(BLOCK);
        let read = (&mut input)
            .take(BLOCK as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        progress.inc(read as u64);
        // At the end, what is left is the last line, without a line break.
        let end = read == 0;
        let mut trouble = None;
        if first_line == 1 && (bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]))
        {
            let block = Block {
                bytes: Vec::new(),
                first_line,
                trouble: Some((1, Trouble::Utf16)),
            };
            let _ = tx.send(block);
            return Ok(());
        }
        if !end {
            if let Some(i) = memchr::memrchr(b'\n', &bytes) {
                carry = bytes.split_off(i + 1);
            } else if bytes.len() <= MAX_LINE {
                carry = bytes;
                continue;
            } else {
                let ended = skip_line(&mut input, &mut carry, progress)?;
                bytes.clear();
                if !ended {
                    // No line break within the bound: not JSONL (a device such as /dev/zero,
                    // a binary file); the rest is not read.
                    let block = Block {
                        bytes,
                        first_line,
                        trouble: Some((first_line, Trouble::Endless)),
                    };
                    let _ = tx.send(block);
                    return Ok(());
                }
                trouble = Some((first_line, Trouble::TooLong));
            }
        }
        if bytes.is_empty() && trouble.is_none() {
            if end {
                return Ok(());
            }
            continue;
        }
        let lines = memchr::memchr_iter(b'\n', &bytes).count()
            + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
            + usize::from(trouble.is_some());
        let block = Block {
            bytes,
            first_line,
            trouble,
        };
        first_line += lines;
        if tx.send(block).is_err() || end {
            return Ok(());
        }
    }
}

/// Reads past the rest of a too-long line; what follows its line break goes to `carry`.
/// `false` when the line goes on past [`MAX_SKIPPED_LINE`] bytes: reading stops there.
fn skip_line(
    input: &mut dyn Read,
    carry: &mut Vec<u8>,
    progress: &ProgressBar,
) -> Result<bool, String> {
    let mut buf = vec![0u8; 64 << 10];
    let mut skipped = MAX_LINE as u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(true),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        };
        progress.inc(n as u64);
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            carry.extend_from_slice(&buf[i + 1..n]);
            return Ok(true);
        }
        skipped += n as u64;
        if skipped > MAX_SKIPPED_LINE {
            return Ok(false);
        }
    }
}

/// Parses a document and sends its records on in chunks, until the receiver is gone.
fn read_chunks(input: Box<dyn BufRead + Send>, tx: SyncSender<Vec<RawRecord>>) {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut size = 0;
    read_document(input, |r| {
        size += r.size();
        chunk.push(r);
        if chunk.len() == CHUNK || size >= CHUNK_BYTES {
            size = 0;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.send(full).is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
}

/// A reader that moves the progress bar by the bytes it reads.
struct Counting<R> {
    inner: R,
    progress: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

/// A progress bar on stderr when it is a terminal (hidden otherwise): bytes of input read.
pub fn progress_bar(paths: &[String]) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
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
        Some(t) => ProgressBar::new(t),
        None => ProgressBar::no_length(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// Most threads per core `--jobs` may ask for: more only cost memory and switching.
pub const MAX_JOBS_PER_CORE: usize = 4;

/// The rayon pool for `--jobs N` (every core by default, at most [`MAX_JOBS_PER_CORE`] per
/// core: a larger N is capped, with a note on standard error); when it cannot start, the error
/// is printed and the exit code returned.
pub fn pool(jobs: Option<u16>) -> Result<rayon::ThreadPool, u8> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let max = cores * MAX_JOBS_PER_CORE;
    let jobs = match jobs.map(usize::from) {
        None => cores,
        Some(n) if n > max => {
            super::complain(format_args!(
                "note: --jobs {n} is more than {MAX_JOBS_PER_CORE} threads for each of the {cores} cores; using {max}"
            ));
            max
        }
        Some(n) => n,
    };
    (rayon::ThreadPoolBuilder::new().num_threads(jobs).build()).map_err(|e| {
        super::complain(format_args!("error: cannot start {jobs} threads: {e}"));
        super::EXIT_USAGE
    })
}

/// A batch's accumulator that takes record entries one at a time and merges with another of
/// its kind: the audit's, the measure's and the review's. Parts of a chunk are accumulated on
/// the pool and merged in input order, so the result does not depend on `--jobs`.
pub trait Part: Send {
    /// Takes one entry (a record, or its error).
    fn add(&mut self, entry: credo::record::Entry);
    /// Takes what another part of the same batch accumulated (the later part).
    fn merge(&mut self, later: Self);
}

impl Part for credo::audit::Auditor<'_> {
    fn add(&mut self, entry: credo::record::Entry) {
        credo::audit::Auditor::add(self, entry)
    }
    fn merge(&mut self, later: Self) {
        credo::audit::Auditor::merge(self, later)
    }
}

impl Part for credo::measure::Measurer<'_> {
    fn add(&mut self, entry: credo::record::Entry) {
        credo::measure::Measurer::add(self, entry)
    }
    fn merge(&mut self, later: Self) {
        credo::measure::Measurer::merge(self, later)
    }
}

impl Part for credo::review::Reviewer<'_> {
    fn add(&mut self, entry: credo::record::Entry) {
        credo::review::Reviewer::add(self, entry)
    }
    fn merge(&mut self, later: Self) {
        credo::review::Reviewer::merge(self, later)
    }
}

/// The [`Sink`] of every command that accumulates a batch into one [`Part`]: each chunk's
/// records are read and accumulated in parts on the pool, and the parts merged in input order
/// into [`Folding::whole`].
pub struct Folding<'a, T> {
    /// A new, empty part.
    pub new: &'a (dyn Fn() -> T + Sync),
    /// Everything accumulated so far.
    pub whole: T,
    pub policy: &'a Policy,
    pub pool: &'a rayon::ThreadPool,
    /// The current input and the batch's repeated-id check.
    file: String,
    dupes: Duplicates,
}

impl<'a, T: Part> Folding<'a, T> {
    /// A sink that accumulates into `new()`.
    pub fn new(
        new: &'a (dyn Fn() -> T + Sync),
        policy: &'a Policy,
        pool: &'a rayon::ThreadPool,
    ) -> Self {
        Folding {
            new,
            whole: new(),
            policy,
            pool,
            file: String::new(),
            dupes: Duplicates::default(),
        }
    }
}

impl<T: Part> Sink for Folding<'_, T> {
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
                .fold(new, |mut part, e| {
                    part.add(e);
                    part
                })
                .reduce(new, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        self.whole.merge(part);
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that keeps what each record became: its id, or its error.
    struct Collect {
        policy: Policy,
        file: String,
        dupes: Duplicates,
        screened: Vec<bool>,
        seen: Vec<(usize, Result<String, String>)>,
    }

    impl Sink for Collect {
        fn start(&mut self, dupes: Duplicates) {
            self.screened.push(dupes.screened());
            self.dupes = dupes;
        }

        fn input(&mut self, file: &str) {
            self.file = file.to_owned();
        }

        fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
            for mut e in chunk.entries(&self.file, &self.policy) {
                self.dupes.mark(&mut e);
                let r = e.result.map(|c| c.id).map_err(|e| e.error);
                self.seen.push((e.line, r));
            }
            ControlFlow::Continue(())
        }
    }

    /// A YAML list over the size limit is screened first and finds exactly the repeated ids a
    /// list that remembers every id finds, across chunks; so does a JSONL file.
    #[test]
    fn screened_and_unscreened_inputs_find_the_same_repeats() {
        let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
        let policy = credo::compile_str("p.credo", &text).policy.unwrap();
        let dir = std::env::temp_dir().join(format!("credo-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut yaml = String::new();
        let mut jsonl = String::new();
        for i in 0..3000 {
            // Every 700th record repeats an earlier id; 12 and "12" are the same id.
            let id = match i {
                _ if i % 700 == 699 => format!("\"c-{}\"", i / 2 + 1),
                2500 => "12".to_owned(),
                2600 => "\"12\"".to_owned(),
                _ => format!("\"c-{i}\""),
            };
            yaml.push_str(&format!("- id: {id}\n  applied: [soc_analyst]\n"));
            jsonl.push_str(&format!(
                "{{\"id\": {id}, \"applied\": [\"soc_analyst\"]}}\n"
            ));
        }
        let (y, j) = (dir.join("r.yaml"), dir.join("r.jsonl"));
        std::fs::write(&y, yaml).unwrap();
        std::fs::write(&j, jsonl).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let progress = ProgressBar::hidden();
        let read_all = |paths: &[&std::path::Path], over: u64| {
            let mut reader = Reader::new(&pool, &progress, None);
            reader.screen_documents_over = over;
            let mut sink = Collect {
                policy: policy.clone(),
                file: String::new(),
                dupes: Duplicates::default(),
                screened: Vec::new(),
                seen: Vec::new(),
            };
            let paths: Vec<String> = (paths.iter())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            assert!(reader.read(&paths, &mut sink).is_ok());
            (sink.screened, sink.seen)
        };
        let read = |path: &std::path::Path, over: u64| read_all(&[path], over);
        let (screened, with_screen) = read(&y, 0);
        let (unscreened, without) = read(&y, u64::MAX);
        let (jsonl_screened, from_jsonl) = read(&j, u64::MAX);
        // Both files hold the same ids: every record of the second repeats one of the first,
        // whether the batch was screened first or every id remembered.
        let (both_screened, both) = read_all(&[&y, &j], 0);
        let (both_unscreened, both_remembered) = read_all(&[&y, &j], u64::MAX);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!((both_screened, both_unscreened), (vec![true], vec![false]));
        assert_eq!(both, both_remembered);
        assert_eq!(both.len(), 6000);
        assert!(both[3000..].iter().all(|(_, r)| r
            .as_ref()
            .is_err_and(|e| e.starts_with("duplicate record id") && e.contains("first in"))));
        assert_eq!(
            both[3001].1,
            Err(format!(
                "duplicate record id `c-1` (first in {} at line 3)",
                y.display()
            ))
        );
        assert_eq!(
            (screened, unscreened, jsonl_screened),
            (vec![true], vec![false], vec![true])
        );
        assert_eq!(with_screen, without);
        let repeats = |seen: &[(usize, Result<String, String>)]| -> Vec<String> {
            seen.iter().filter_map(|(_, r)| r.clone().err()).collect()
        };
        let found = repeats(&with_screen);
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found.iter().all(|e| e.starts_with("duplicate record id")));
        assert_eq!(repeats(&from_jsonl).len(), 5);
    }
}
