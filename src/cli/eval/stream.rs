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

/// One line of a JSONL input: its number and its text, or why it cannot be read.
enum Line {
    Text(usize, String),
    Bad(usize, String),
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
        let (tx, rx) = sync_channel::<Vec<Line>>(2);
        let progress_reader = progress.clone();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_lines(input, tx, &progress_reader));
            for chunk in rx.iter() {
                let mut entries: Vec<Entry> =
                    pool.install(|| chunk.into_par_iter().map(|l| self.entry(l, file)).collect());
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
        let (tx, rx) = sync_channel::<Vec<Line>>(2);
        let hidden = ProgressBar::hidden();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_lines(input, tx, &hidden));
            let mut screen = Screen::default();
            for chunk in rx.iter() {
                let ids: Vec<Option<std::borrow::Cow<str>>> = pool.install(|| {
                    (chunk.par_iter())
                        .map(|l| match l {
                            Line::Text(_, text) => line_id(text),
                            Line::Bad(..) => None,
                        })
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

    fn entry(&self, line: Line, file: &str) -> Entry {
        match line {
            // A byte order mark may open the first line, as in any record file.
            Line::Text(1, text) => {
                read_json_line(text.trim_start_matches('\u{feff}'), file, 1, self.policy)
            }
            Line::Text(n, text) => read_json_line(&text, file, n, self.policy),
            Line::Bad(n, error) => Entry {
                file: file.to_owned(),
                line: n,
                result: Err(RecordError {
                    record: None,
                    file: file.to_owned(),
                    line: n,
                    error,
                }),
            },
        }
    }
}

/// Reads non-blank lines in chunks. A line longer than [`MAX_LINE`] is skipped without being
/// kept, and becomes a record error, as does a line that is not UTF-8.
fn read_lines(
    mut input: Box<dyn BufRead + Send>,
    tx: SyncSender<Vec<Line>>,
    progress: &ProgressBar,
) -> Result<(), String> {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let (read, too_long) = read_capped(&mut input, &mut buf).map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        line_no += 1;
        progress.inc(read as u64);
        let line = if too_long {
            Line::Bad(
                line_no,
                format!("line is longer than the limit of {MAX_LINE} bytes"),
            )
        } else {
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            match std::str::from_utf8(&buf) {
                Ok(t) if t.trim().is_empty() => continue,
                Ok(t) => Line::Text(line_no, t.to_owned()),
                Err(_) => Line::Bad(line_no, "line is not UTF-8 text".into()),
            }
        };
        chunk.push(line);
        if chunk.len() == CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.send(full).is_err() {
                return Ok(());
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
    Ok(())
}

/// Reads up to and including the next `\n`, keeping at most [`MAX_LINE`] + 1 bytes; returns
/// the bytes consumed and whether the line was longer than the limit.
fn read_capped(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
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
            let len = buf.len() - usize::from(done);
            if len > MAX_LINE {
                too_long = true;
                buf.clear();
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
