//! Deciding a batch as it streams: the records come in chunks, in input order, from
//! [`super::super::source`]; each chunk is checked and decided on the rayon pool (`--jobs`);
//! a writer thread writes the rendered chunks in order. Output does not depend on the number
//! of threads: every chunk is rendered item by item and joined in input order.

use super::super::source::{Chunk, Sink, CHUNK};
use super::{items, OutFormat};
use credo::log::{Appender, Pending};
use credo::policy::Policy;
use credo::record::{Duplicates, Entry, RecordError};
use credo::render::{text, write_item, Item};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::Write;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};

/// What is fixed for the whole batch.
pub struct Batch<'p> {
    pub policy: &'p Policy,
    pub role: Option<&'p str>,
    pub as_of: jiff::civil::Date,
    pub format: OutFormat,
    pub explain: bool,
    /// Whether each record's data-quality warnings are listed (`--warnings`), not only counted.
    pub warnings: bool,
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
    tally: Tally,
    /// The decisions' and record errors' log lines, in input order (with `--log`).
    pending: Vec<Pending>,
}

/// What a batch counts as it goes, for the summary on standard error.
#[derive(Default)]
pub struct Tally {
    pub decisions: usize,
    pub errors: usize,
    /// Decisions by role (policy order) and outcome (`Outcome` order).
    pub by_role: Vec<[usize; 4]>,
    /// Records with data-quality warnings (a decision's notes: a credential not in the
    /// catalogue, an undeclared attribute, a skill the policy does not have), and how many.
    pub warned_records: usize,
    pub warnings: usize,
    /// With `--warnings`: each record's warnings, one line each, in input order.
    pub listed: Vec<String>,
    /// Records whose `applied` roles were decided instead of `--role`.
    pub role_ignored: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.decisions += other.decisions;
        self.errors += other.errors;
        if self.by_role.len() < other.by_role.len() {
            self.by_role.resize(other.by_role.len(), [0; 4]);
        }
        for (mine, theirs) in self.by_role.iter_mut().zip(&other.by_role) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
        self.warned_records += other.warned_records;
        self.warnings += other.warnings;
        self.listed.extend(other.listed);
        self.role_ignored += other.role_ignored;
    }
}

impl Batch<'_> {
    /// Decides and renders a chunk of read entries on the current rayon pool.
    pub fn render(&self, entries: Vec<Entry>) -> Rendered {
        let mut buffers = self.spares.take(entries.len());
        buffers.resize_with(entries.len(), || Vec::with_capacity(8 << 10));
        let parts: Vec<(Vec<u8>, Tally, Vec<Pending>)> = (entries.into_par_iter())
            .zip(buffers)
            .map(|(e, mut out)| {
                let (mut tally, mut pending) = (Tally::default(), Vec::new());
                if let (Some(_), Ok(cand)) = (self.role, &e.result) {
                    if !cand.applied.is_empty() {
                        tally.role_ignored += 1;
                    }
                }
                for (k, mut item) in items(self.policy, &e, self.role, self.as_of)
                    .into_iter()
                    .enumerate()
                {
                    if self.log {
                        let (logged, line) = self.log_line(item, &e);
                        item = logged;
                        pending.push(line);
                    }
                    match &item {
                        Item::Decision(d) => {
                            tally.decisions += 1;
                            self.count(&mut tally, d, k == 0, &e);
                        }
                        Item::Error(_) => tally.errors += 1,
                    }
                    self.render_item(&item, &mut out);
                }
                (out, tally, pending)
            })
            .collect();
        let mut r = Rendered {
            parts: Vec::with_capacity(parts.len()),
            tally: Tally::default(),
            pending: Vec::new(),
        };
        for (bytes, tally, pending) in parts {
            r.parts.push(bytes);
            r.tally.add(tally);
            r.pending.extend(pending);
        }
        r
    }

    /// Counts a decision by role and outcome (for the text summary) and, for a record's first
    /// decision, its data-quality notes (the same for every role: they are about the record).
    fn count(&self, tally: &mut Tally, d: &credo::decision::Decision, first: bool, e: &Entry) {
        if self.format == OutFormat::Text {
            if let Some(&r) = self.policy.role_index.get(&*d.role) {
                if tally.by_role.len() <= r {
                    tally.by_role.resize(r + 1, [0; 4]);
                }
                tally.by_role[r][d.outcome as usize] += 1;
            }
        }
        if !first || d.notes.is_empty() {
            return;
        }
        tally.warned_records += 1;
        tally.warnings += d.notes.len();
        if self.warnings {
            for n in &d.notes {
                tally.listed.push(format!(
                    "warning: {} ({}:{}): {n}",
                    d.candidate, e.file, e.line
                ));
            }
        }
    }

    /// The log line of an item (`--log`): a decision, or a record error in the record's place.
    /// A decision too large for a log line becomes that record's error, in the log and in the
    /// output alike.
    fn log_line<'i>(&self, item: Item<'i>, entry: &Entry) -> (Item<'i>, Pending) {
        let (d, cand) = match (&item, &entry.result) {
            (Item::Decision(d), Ok(cand)) => (d, cand),
            (Item::Error(e), _) => {
                let line = Pending::error(e, self.as_of);
                return (item, line);
            }
            // `items` decides records that were read only.
            (Item::Decision(_), Err(e)) => {
                return (Item::Error(e.clone()), Pending::error(e, self.as_of))
            }
        };
        let line = Pending::new(d, cand);
        if line.fits() {
            return (item, line);
        }
        let error = RecordError::new(
            Some(cand.id.clone()),
            &entry.file,
            entry.line,
            format!(
                "its decision is longer than the decision log's limit of {} bytes a line",
                credo::log::MAX_LINE
            ),
        );
        let line = Pending::error(&error, self.as_of);
        (Item::Error(error), line)
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
    fn start(&mut self, dupes: Duplicates) {
        self.dupes = dupes;
    }

    fn input(&mut self, file: &str) {
        self.file = file.to_owned();
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
    /// Decisions, record errors and warnings of the chunks written.
    pub tally: Tally,
    /// Writing standard error failed (`--warnings`): the exit code.
    pub err_failed: Option<u8>,
    /// Stdout was closed (`credo eval … | head`): the batch stops quietly.
    pub closed: bool,
    /// Writing standard output failed otherwise (a full disk): the batch stops, and this is
    /// the error.
    pub out_error: Option<std::io::Error>,
    /// Appending to the decision log failed: the batch stops.
    pub log_error: Option<std::io::Error>,
    /// A logged batch was stopped by SIGINT or SIGTERM: the exit code (130 or 143).
    pub interrupted: Option<u8>,
}

/// The exit code of the signal that asked a logged batch to stop (128 + its number), 0 before.
static INTERRUPTED: AtomicUsize = AtomicUsize::new(0);

/// With `--log`, SIGINT and SIGTERM no longer end the process at once: they set a flag that the
/// writer checks between chunks, so it stops with every decision printed already in the log
/// and the log written out.
pub fn stop_on_signals() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        signal_hook::flag::register_usize(SIGINT, &INTERRUPTED, 128 + SIGINT as usize)?;
        signal_hook::flag::register_usize(SIGTERM, &INTERRUPTED, 128 + SIGTERM as usize)?;
    }
    Ok(())
}

/// The exit code of the signal that asked the batch to stop, if one did.
fn interrupted() -> Option<u8> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        code => Some(u8::try_from(code).unwrap_or(u8::MAX)),
    }
}

/// How long the writer waits for a chunk before it looks at the signal flag again.
const POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Where decisions are logged (`--log`): the log, and the policy's hash that every line names.
pub struct Logging<'a> {
    pub log: &'a mut Appender,
    pub policy_hash: &'a str,
}

/// Writes rendered chunks in order and counts them; with a decision log, first appends each
/// chunk's decisions and record errors to it (here, so that chaining them overlaps with deciding
/// the next chunk) and writes them out, so that no decision is printed before its log line is
/// in the file; between chunks it stops on SIGINT or SIGTERM. Stops at the first failed write; but a logged batch goes on to the end when only
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
        tally: Tally::default(),
        err_failed: None,
        closed: false,
        out_error: None,
        log_error: None,
        interrupted: None,
    };
    let mut first = true;
    if format == OutFormat::Json && w.stopped(out.write_all(&[b"["])) && logging.is_none() {
        return w;
    }
    loop {
        if let (Some(l), Some(code)) = (&mut logging, interrupted()) {
            w.interrupted = Some(code);
            w.log_error = l.log.commit().err();
            return w;
        }
        let mut r = match rx.recv_timeout(POLL) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if let Some(l) = &mut logging {
            let appended = std::mem::take(&mut r.pending)
                .into_iter()
                .try_for_each(|p| l.log.append_pending(p, l.policy_hash));
            if let Err(e) = appended.and_then(|()| l.log.commit()) {
                w.log_error = Some(e);
                return w;
            }
        }
        let listed = std::mem::take(&mut r.tally.listed);
        w.tally.add(std::mem::take(&mut r.tally));
        progress.set_message(format!("{} decisions", w.tally.decisions));
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
        // `--warnings`: each chunk's after its decisions, so that they stay near them.
        if !listed.is_empty() && w.err_failed.is_none() {
            let text: String = listed
                .iter()
                .map(|l| credo::visible::visible(l).into_owned() + "\n")
                .collect();
            progress.suspend(|| w.err_failed = super::super::err(&text).err());
        }
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
