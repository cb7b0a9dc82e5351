//! Streaming batches: records are read, decided and written in chunks, in input order, with
//! bounded memory. A reader thread reads JSONL lines ahead; each chunk is parsed and decided on
//! the rayon pool (`--jobs`); a writer thread writes the rendered chunks in order. Output does
//! not depend on the number of threads: every chunk is rendered item by item and joined in
//! input order.

use super::{items, OutFormat};
use credo::policy::Policy;
use credo::record::{
    fingerprint, line_id_bytes, read_json_line, Duplicates, Entry, RecordError, Screen, MAX_LINE,
};
use credo::render::{text, write_item, Item};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::{Read, Write};
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
    /// Output buffers the writer has finished with.
    pub spares: &'p Spares,
}

/// Output buffers handed back by the writer for the next chunks. A new buffer is fresh memory
/// that the kernel must zero page by page: for 5 KB of JSON per decision that cost a third of
/// the rendering time. The pool keeps at most four chunks' worth (what can be in flight) of
/// buffers of ordinary size.
#[derive(Default)]
pub struct Spares(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spares {
    const MAX_BUFFERS: usize = 4 * CHUNK;
    const MAX_BUFFER: usize = 64 << 10;

    /// Up to `n` empty buffers.
    fn take(&self, n: usize) -> Vec<Vec<u8>> {
        match self.0.lock() {
            Ok(mut pool) => {
                let keep = pool.len().saturating_sub(n);
                pool.split_off(keep)
            }
            Err(_) => Vec::new(),
        }
    }

    /// Buffers written out, for reuse.
    fn give(&self, parts: Vec<Vec<u8>>) {
        if let Ok(mut pool) = self.0.lock() {
            for mut p in parts {
                if pool.len() >= Self::MAX_BUFFERS {
                    break;
                }
                if p.capacity() <= Self::MAX_BUFFER {
                    p.clear();
                    pool.push(p);
                }
            }
        }
    }
}

/// A rendered chunk (one buffer per record, in input order) and what it counts.
pub struct Rendered {
    parts: Vec<Vec<u8>>,
    decisions: usize,
    errors: usize,
}

/// Whole lines of a JSONL input, read together as one block of bytes: the reader only finds
/// the last line break of each block; lines are split and numbered by the caller and read on
/// the worker threads.
struct Block {
    bytes: Vec<u8>,
    /// The number of the first line in `bytes`.
    first_line: usize,
    /// A line longer than [`MAX_LINE`] that follows these (its bytes were not kept).
    too_long: Option<usize>,
}

/// One line of a block: its number and where its bytes are (no bytes when it was too long).
struct Line {
    no: usize,
    bytes: std::ops::Range<usize>,
    too_long: bool,
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
        for (no, end) in (self.first_line..).zip(ends) {
            if !blank(&self.bytes[start..end]) {
                out.push(Line {
                    no,
                    bytes: start..end,
                    too_long: false,
                });
            }
            start = end + 1;
        }
        if let Some(no) = self.too_long {
            out.push(Line {
                no,
                bytes: 0..0,
                too_long: true,
            });
        }
        out
    }

    /// A line's text, or why it cannot be read (checked on the worker threads).
    fn text(&self, l: &Line) -> Result<&str, String> {
        if l.too_long {
            return Err(format!("line is longer than the limit of {MAX_LINE} bytes"));
        }
        std::str::from_utf8(&self.bytes[l.bytes.clone()]).map_err(|e| {
            format!(
                "line is not UTF-8 text (invalid byte at column {})",
                e.valid_up_to() + 1
            )
        })
    }
}

impl Batch<'_> {
    /// Decides and renders a chunk of read entries on the current rayon pool.
    pub fn render(&self, entries: Vec<Entry>) -> Rendered {
        let mut buffers = self.spares.take(entries.len());
        buffers.resize_with(entries.len(), || Vec::with_capacity(8 << 10));
        let parts: Vec<(Vec<u8>, usize, usize)> = (entries.into_par_iter())
            .zip(buffers)
            .map(|(e, mut out)| {
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
        input: Box<dyn Read + Send>,
        file: &str,
        mut dupes: Duplicates,
        pool: &rayon::ThreadPool,
        out: &SyncSender<Rendered>,
        progress: &ProgressBar,
    ) -> Result<(), String> {
        let (tx, rx) = sync_channel::<Block>(2);
        let (back, spare) = sync_channel::<Vec<u8>>(4);
        let progress_reader = progress.clone();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_blocks(input, tx, spare, &progress_reader));
            'blocks: for block in rx.iter() {
                let lines = block.lines();
                for chunk in lines.chunks(CHUNK) {
                    let mut entries: Vec<Entry> = pool.install(|| {
                        (chunk.par_iter())
                            .map(|l| self.entry(&block, l, file))
                            .collect()
                    });
                    for e in &mut entries {
                        dupes.mark(e);
                    }
                    if out.send(pool.install(|| self.render(entries))).is_err() {
                        break 'blocks;
                    }
                }
                let _ = back.try_send(block.bytes);
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
        input: Box<dyn Read + Send>,
        pool: &rayon::ThreadPool,
    ) -> Result<Duplicates, String> {
        let (tx, rx) = sync_channel::<Block>(2);
        let (back, spare) = sync_channel::<Vec<u8>>(4);
        let hidden = ProgressBar::hidden();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_blocks(input, tx, spare, &hidden));
            let mut screen = Screen::default();
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
                .unwrap_or_else(|_| Err("the reader stopped".into()))?;
            Ok(screen.finish())
        })
    }

    fn entry(&self, block: &Block, line: &Line, file: &str) -> Entry {
        let n = line.no;
        let error = match block.text(line) {
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

/// Bytes read per block (a line longer than this makes its block longer).
const BLOCK: usize = 1 << 20;

/// Reads an input in blocks of whole lines. A line longer than [`MAX_LINE`] is skipped
/// without being kept and reported in its place (see [`Block::too_long`]).
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
        let mut too_long = None;
        if !end {
            if let Some(i) = memchr::memrchr(b'\n', &bytes) {
                carry = bytes.split_off(i + 1);
            } else if bytes.len() <= MAX_LINE {
                carry = bytes;
                continue;
            } else {
                skip_line(&mut input, &mut carry, progress)?;
                bytes.clear();
                too_long = Some(first_line);
            }
        }
        if bytes.is_empty() && too_long.is_none() {
            if end {
                return Ok(());
            }
            continue;
        }
        let lines = memchr::memchr_iter(b'\n', &bytes).count()
            + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
            + usize::from(too_long.is_some());
        let block = Block {
            bytes,
            first_line,
            too_long,
        };
        first_line += lines;
        if tx.send(block).is_err() || end {
            return Ok(());
        }
    }
}

/// Reads past the rest of a too-long line; what follows its line break goes to `carry`.
fn skip_line(
    input: &mut dyn Read,
    carry: &mut Vec<u8>,
    progress: &ProgressBar,
) -> Result<(), String> {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        };
        progress.inc(n as u64);
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            carry.extend_from_slice(&buf[i + 1..n]);
            return Ok(());
        }
    }
}

/// Whether a line holds only white space (Unicode's, as `str::trim` takes it).
fn blank(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if line[i].is_ascii() => false,
        Some(i) => std::str::from_utf8(&line[i..]).is_ok_and(|t| t.trim().is_empty()),
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
pub fn write_all(
    rx: Receiver<Rendered>,
    format: OutFormat,
    progress: &ProgressBar,
    spares: &Spares,
) -> Written {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let mut out = Output::new(&mut lock);
    let mut w = Written {
        decisions: 0,
        errors: 0,
        closed: false,
    };
    let mut first = true;
    if format == OutFormat::Json && out.write_all(&[b"["]).is_err() {
        w.closed = true;
        return w;
    }
    for r in rx.iter() {
        w.decisions += r.decisions;
        w.errors += r.errors;
        progress.set_message(format!("{} decisions", w.decisions));
        let mut parts: Vec<&[u8]> = Vec::with_capacity(r.parts.len());
        for part in r.parts.iter().filter(|p| !p.is_empty()) {
            parts.push(if format == OutFormat::Json && first {
                &part[1..]
            } else {
                &part[..]
            });
            first = false;
        }
        if out.write_all(&parts).is_err() {
            w.closed = true;
            return w;
        }
        spares.give(r.parts);
    }
    if format == OutFormat::Json {
        let _ = out.write_all(&[if first { b"]\n" } else { b"\n]\n" }]);
    }
    w.closed = out.flush().is_err();
    w
}

/// Standard output for the writer: on Unix its file descriptor, written with one `writev` per
/// chunk straight from the rendered buffers (the JSON of a million decisions is gigabytes: not
/// copied once more into a buffer); elsewhere the buffered handle.
enum Output<'a> {
    #[cfg(unix)]
    Fd(std::fs::File),
    Buffered(std::io::BufWriter<&'a mut std::io::StdoutLock<'static>>),
}

impl<'a> Output<'a> {
    fn new(lock: &'a mut std::io::StdoutLock<'static>) -> Self {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            // Anything printed before is flushed first, so nothing is written out of order.
            if lock.flush().is_ok() {
                if let Ok(fd) = lock.as_fd().try_clone_to_owned() {
                    return Output::Fd(std::fs::File::from(fd));
                }
            }
        }
        Output::Buffered(std::io::BufWriter::with_capacity(1 << 20, lock))
    }

    fn write_all(&mut self, parts: &[&[u8]]) -> std::io::Result<()> {
        match self {
            #[cfg(unix)]
            Output::Fd(f) => {
                let mut slices: Vec<std::io::IoSlice<'_>> =
                    parts.iter().map(|p| std::io::IoSlice::new(p)).collect();
                let mut rest = &mut slices[..];
                while !rest.is_empty() {
                    match f.write_vectored(rest) {
                        Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                        Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
            Output::Buffered(b) => parts.iter().try_for_each(|p| b.write_all(p)),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            #[cfg(unix)]
            Output::Fd(_) => Ok(()),
            Output::Buffered(b) => b.flush(),
        }
    }
}
