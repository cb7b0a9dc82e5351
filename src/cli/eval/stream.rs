//! Deciding a batch as it streams: the records come in chunks, in input order, from
//! [`super::super::source`]; each chunk is checked and decided on the rayon pool (`--jobs`);
//! a writer thread writes the rendered chunks in order. Output does not depend on the number
//! of threads: every chunk is rendered item by item and joined in input order.

use super::super::source::{Chunk, Sink, CHUNK};
use super::{items, OutFormat};
use credo::log::{Appender, Pending};
use credo::policy::Policy;
use credo::record::{Duplicates, Entry};
use credo::render::{text, write_item, Item};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::Write;
use std::ops::ControlFlow;
use std::sync::mpsc::{Receiver, SyncSender};

/// What is fixed for the whole batch.
pub struct Batch<'p> {
    pub policy: &'p Policy,
    pub role: Option<&'p str>,
    pub as_of: jiff::civil::Date,
    pub format: OutFormat,
    pub explain: bool,
    /// Whether decisions are also made ready for the decision log (`--log`).
    pub log: bool,
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
    /// The decisions' log lines, in input order (with `--log`).
    pending: Vec<Pending>,
}

impl Batch<'_> {
    /// Decides and renders a chunk of read entries on the current rayon pool.
    pub fn render(&self, entries: Vec<Entry>) -> Rendered {
        let mut buffers = self.spares.take(entries.len());
        buffers.resize_with(entries.len(), || Vec::with_capacity(8 << 10));
        let parts: Vec<(Vec<u8>, usize, usize, Vec<Pending>)> = (entries.into_par_iter())
            .zip(buffers)
            .map(|(e, mut out)| {
                let (mut decisions, mut errors, mut pending) = (0, 0, Vec::new());
                for item in items(self.policy, &e, self.role, self.as_of) {
                    match (&item, &e.result) {
                        (Item::Decision(d), Ok(cand)) if self.log => {
                            decisions += 1;
                            pending.push(Pending::new(d, cand));
                        }
                        (Item::Decision(_), _) => decisions += 1,
                        (Item::Error(_), _) => errors += 1,
                    }
                    self.render_item(&item, &mut out);
                }
                (out, decisions, errors, pending)
            })
            .collect();
        let mut r = Rendered {
            parts: Vec::with_capacity(parts.len()),
            decisions: 0,
            errors: 0,
            pending: Vec::new(),
        };
        for (bytes, d, e, pending) in parts {
            r.parts.push(bytes);
            r.decisions += d;
            r.errors += e;
            r.pending.extend(pending);
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
}

/// Decides and renders each chunk of a batch and sends it to the writer.
pub struct Deciding<'a, 'p> {
    pub batch: &'a Batch<'p>,
    pub pool: &'a rayon::ThreadPool,
    pub out: SyncSender<Rendered>,
    /// The current input and its repeated-id check.
    pub file: String,
    pub dupes: Duplicates,
}

impl Sink for Deciding<'_, '_> {
    fn input(&mut self, file: &str, dupes: Duplicates) {
        self.file = file.to_owned();
        self.dupes = dupes;
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) -> ControlFlow<()> {
        let policy = self.batch.policy;
        let mut entries = self.pool.install(|| chunk.entries(&self.file, policy));
        for e in &mut entries {
            self.dupes.mark(e);
        }
        let rendered = self.pool.install(|| self.batch.render(entries));
        match self.out.send(rendered) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    }
}

/// What the writer wrote.
pub struct Written {
    pub decisions: usize,
    pub errors: usize,
    /// Stdout was closed (`credo eval … | head`): the batch stops quietly.
    pub closed: bool,
    /// Writing standard output failed otherwise (a full disk): the batch stops, and this is
    /// the error.
    pub out_error: Option<std::io::Error>,
    /// Appending to the decision log failed: the batch stops.
    pub log_error: Option<std::io::Error>,
}

/// Where decisions are logged (`--log`): the log, and the policy's hash that every line names.
pub struct Logging<'a> {
    pub log: &'a mut Appender,
    pub policy_hash: &'a str,
}

/// Writes rendered chunks in order and counts them; with a decision log, first appends each
/// chunk's decisions to it (here, so that chaining them overlaps with deciding the next
/// chunk). Stops at the first failed write; but a logged batch goes on to the end when only
/// standard output is closed (`credo eval … --log L | head`): the log holds every decision.
pub fn write_all(
    rx: Receiver<Rendered>,
    format: OutFormat,
    progress: &ProgressBar,
    spares: &Spares,
    mut logging: Option<Logging<'_>>,
) -> Written {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let mut out = Output::new(&mut lock);
    let mut w = Written {
        decisions: 0,
        errors: 0,
        closed: false,
        out_error: None,
        log_error: None,
    };
    let mut first = true;
    if format == OutFormat::Json && w.stopped(out.write_all(&[b"["])) && logging.is_none() {
        return w;
    }
    for mut r in rx.iter() {
        if let Some(l) = &mut logging {
            for p in std::mem::take(&mut r.pending) {
                if let Err(e) = l.log.append_pending(p, l.policy_hash) {
                    w.log_error = Some(e);
                    return w;
                }
            }
        }
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
        if !w.closed && w.stopped(out.write_all(&parts)) && logging.is_none() {
            return w;
        }
        spares.give(r.parts);
    }
    if w.closed {
        return w;
    }
    if format == OutFormat::Json
        && w.stopped(out.write_all(&[if first { b"]\n" } else { b"\n]\n" }]))
    {
        return w;
    }
    w.stopped(out.flush());
    w
}

impl Written {
    /// Takes the result of a write to standard output; true when output stops (`closed`):
    /// quietly for a closed pipe, with `out_error` for any other failure.
    fn stopped(&mut self, wrote: std::io::Result<()>) -> bool {
        match wrote {
            Ok(()) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => self.out_error = Some(e),
        }
        self.closed = true;
        true
    }
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
