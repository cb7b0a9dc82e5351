//! Streaming batches: records are read, decided and written in chunks, in input order, with
//! bounded memory. A reader thread reads JSONL lines ahead; each chunk is parsed and decided on
//! the rayon pool (`--jobs`); a writer thread writes the rendered chunks in order. Output does
//! not depend on the number of threads: every chunk is rendered item by item and joined in
//! input order.

use super::{items, OutFormat};
use credo::policy::Policy;
use credo::record::{line_id, read_json_line, Duplicates, Entry, RecordError, Screen, MAX_LINE};
use credo::render::{text, write_item, Item};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Records per chunk: large enough to keep every core busy, small enough that the chunks in
/// flight (at most five: two read ahead, one deciding, two waiting to be written) stay a few
/// tens of megabytes.
const CHUNK: usize = 1024;

/// What is fixed for the whole batch.
pub struct Batch<'p> {
    pub policy: &'p Policy,
    pub role: Option<&'p str>,
    pub as_of: jiff::civil::Date,
    pub format: OutFormat,
    pub explain: bool,
}

/// A rendered chunk (one buffer per record, in input order) and what it counts.
pub struct Rendered {
    parts: Vec<Vec<u8>>,
    decisions: usize,
    errors: usize,
}

/// Lines of a JSONL input read together: their bytes in one buffer (no allocation per line).
struct Chunk {
    bytes: Vec<u8>,
    lines: Vec<Line>,
}

/// One line of a chunk: its number and where its bytes are (none when it was too long).
struct Line {
    no: usize,
    bytes: std::ops::Range<usize>,
    too_long: bool,
}

impl Chunk {
    /// A line's text, or why it cannot be read (checked here, on the worker threads).
    fn text(&self, l: &Line) -> Result<&str, String> {
        if l.too_long {
            return Err(format!("line is longer than the limit of {MAX_LINE} bytes"));
        }
        std::str::from_utf8(&self.bytes[l.bytes.clone()])
            .map_err(|_| "line is not UTF-8 text".to_owned())
    }
}

impl Batch<'_> {
    /// Decides and renders a chunk of read entries on the current rayon pool.
    pub fn render(&self, entries: Vec<Entry>) -> Rendered {
        let parts: Vec<(Vec<u8>, usize, usize)> = entries
            .into_par_iter()
            .map(|e| {
                let mut out = Vec::with_capacity(8 << 10);
                let (mut decisions, mut errors) = (0, 0);
                for item in items(self.policy, &e, self.role, self.as_of) {
                    match &item {
                        Item::Decision(_) => decisions += 1,
                        Item::Error(_) => errors += 1,
                    }
                    self.render_item(&item, &mut out);
                }
                (out, decisions, errors)
            })
            .collect();
        let mut r = Rendered {
            parts: Vec::with_capacity(parts.len()),
            decisions: 0,
            errors: 0,
        };
        for (bytes, d, e) in parts {
            r.parts.push(bytes);
            r.decisions += d;
            r.errors += e;
        }
        r
    }

    /// One item as the format wants it; JSON array items all start with `,\n` (the writer
    /// drops the first comma).
    fn render_item(&self, item: &Item, out: &mut Vec<u8>) {
        match (self.format, item) {
            (OutFormat::Text, Item::Decision(d)) if self.explain => {
                out.extend_from_slice(text::explain_in_words(d, self.policy).as_bytes())
            }
            (OutFormat::Text, Item::Decision(d)) => {
                out.extend_from_slice(text::summary(d).as_bytes());
                out.push(b'\n');
            }
            (OutFormat::Text, Item::Error(e)) => {
                out.extend_from_slice(text::error_line(e).as_bytes());
                out.push(b'\n');
            }
            (OutFormat::Jsonl, item) => {
                write_item(item, out);
                out.push(b'\n');
            }
            (OutFormat::Json, item) => {
                out.extend_from_slice(b",\n");
                write_item(item, out);
            }
        }
    }

    /// Streams one JSONL input: reads ahead on a thread, decides chunk by chunk, sends the
    /// rendered chunks to the writer. Returns a read error, if reading failed.
    pub fn jsonl(
        &self,
        input: Box<dyn BufRead + Send>,
        file: &str,
        mut dupes: Duplicates,
        pool: &rayon::ThreadPool,
        out: &SyncSender<Rendered>,
        progress: &ProgressBar,
    ) -> Result<(), String> {
        let (tx, rx) = sync_channel::<Chunk>(2);
        let progress_reader = progress.clone();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_lines(input, tx, &progress_reader));
            for chunk in rx.iter() {
                let mut entries: Vec<Entry> = pool.install(|| {
                    (chunk.lines.par_iter())
                        .map(|l| self.entry(&chunk, l, file))
                        .collect()
                });
                for e in &mut entries {
                    dupes.mark(e);
                }
                if out.send(pool.install(|| self.render(entries))).is_err() {
                    break;
                }
            }
            drop(rx);
            reader
                .join()
                .unwrap_or_else(|_| Err("the reader stopped".into()))
        })
    }

    /// Reads a JSONL file once for its record ids, so that deciding it needs to remember only
    /// the ids that may repeat.
    pub fn screen(
        &self,
        input: Box<dyn BufRead + Send>,
        pool: &rayon::ThreadPool,
    ) -> Result<Duplicates, String> {
        let (tx, rx) = sync_channel::<Chunk>(2);
        let hidden = ProgressBar::hidden();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_lines(input, tx, &hidden));
            let mut screen = Screen::default();
            for chunk in rx.iter() {
                let ids: Vec<Option<std::borrow::Cow<str>>> = pool.install(|| {
                    (chunk.lines.par_iter())
                        .map(|l| chunk.text(l).ok().and_then(line_id))
                        .collect()
                });
                ids.iter().flatten().for_each(|id| screen.add(id));
            }
            reader
                .join()
                .unwrap_or_else(|_| Err("the reader stopped".into()))?;
            Ok(screen.finish())
        })
    }

    fn entry(&self, chunk: &Chunk, line: &Line, file: &str) -> Entry {
        let n = line.no;
        let error = match chunk.text(line) {
            // A byte order mark may open the first line, as in any record file.
            Ok(text) if n == 1 => {
                return read_json_line(text.trim_start_matches('\u{feff}'), file, 1, self.policy)
            }
            Ok(text) => return read_json_line(text, file, n, self.policy),
            Err(e) => e,
        };
        Entry {
            file: file.to_owned(),
            line: n,
            result: Err(RecordError {
                record: None,
                file: file.to_owned(),
                line: n,
                error,
            }),
        }
    }
}

/// Bytes of text per chunk beyond which it is sent early (lines of a few kilobytes fill
/// [`CHUNK`] lines first).
const CHUNK_BYTES: usize = 8 << 20;

/// Reads non-blank lines in chunks. A line longer than [`MAX_LINE`] is skipped without being
/// kept, and becomes a record error, as does a line that is not UTF-8.
fn read_lines(
    mut input: Box<dyn BufRead + Send>,
    tx: SyncSender<Chunk>,
    progress: &ProgressBar,
) -> Result<(), String> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut lines = Vec::with_capacity(CHUNK);
    let mut line_no = 0;
    let mut unreported = 0u64;
    let send = |buf: &mut Vec<u8>, lines: &mut Vec<Line>| {
        let bytes = std::mem::replace(buf, Vec::with_capacity(1 << 20));
        let lines = std::mem::replace(lines, Vec::with_capacity(CHUNK));
        tx.send(Chunk { bytes, lines }).is_ok()
    };
    loop {
        let start = buf.len();
        let (read, too_long) =
            read_capped(&mut input, &mut buf, start).map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        line_no += 1;
        unreported += read as u64;
        if unreported >= 1 << 20 {
            progress.inc(unreported);
            unreported = 0;
        }
        if !too_long {
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            if blank(&buf[start..]) {
                buf.truncate(start);
                continue;
            }
        }
        lines.push(Line {
            no: line_no,
            bytes: start..buf.len(),
            too_long,
        });
        if (lines.len() == CHUNK || buf.len() >= CHUNK_BYTES) && !send(&mut buf, &mut lines) {
            return Ok(());
        }
    }
    progress.inc(unreported);
    if !lines.is_empty() {
        send(&mut buf, &mut lines);
    }
    Ok(())
}

/// Whether a line holds only white space (Unicode's, as `str::trim` takes it).
fn blank(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if line[i].is_ascii() => false,
        Some(i) => std::str::from_utf8(&line[i..]).is_ok_and(|t| t.trim().is_empty()),
    }
}

/// Appends up to and including the next `\n` to `buf`, keeping at most [`MAX_LINE`] + 1 bytes
/// of it after `start`; returns the bytes consumed and whether the line was longer than the
/// limit (its bytes are then not kept).
fn read_capped(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    start: usize,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (part, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = part.len();
        if !too_long {
            buf.extend_from_slice(part);
            let len = buf.len() - start - usize::from(done);
            if len > MAX_LINE {
                too_long = true;
                buf.truncate(start);
            }
        }
        input.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// What the writer wrote.
pub struct Written {
    pub decisions: usize,
    pub errors: usize,
    /// Stdout was closed (`credo eval … | head`): the batch stops quietly.
    pub closed: bool,
}

/// Writes rendered chunks in order and counts them; stops at the first failed write.
pub fn write_all(rx: Receiver<Rendered>, format: OutFormat, progress: &ProgressBar) -> Written {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut w = Written {
        decisions: 0,
        errors: 0,
        closed: false,
    };
    let mut first = true;
    if format == OutFormat::Json && out.write_all(b"[").is_err() {
        w.closed = true;
        return w;
    }
    for r in rx.iter() {
        w.decisions += r.decisions;
        w.errors += r.errors;
        progress.set_message(format!("{} decisions", w.decisions));
        for part in r.parts.iter().filter(|p| !p.is_empty()) {
            let bytes = if format == OutFormat::Json && first {
                &part[1..]
            } else {
                &part[..]
            };
            first = false;
            if out.write_all(bytes).is_err() {
                w.closed = true;
                return w;
            }
        }
    }
    if format == OutFormat::Json {
        let _ = out.write_all(if first { b"]\n" } else { b"\n]\n" });
    }
    w.closed = out.flush().is_err();
    w
}
