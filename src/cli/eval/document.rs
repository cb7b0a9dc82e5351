//! Streaming YAML and JSON documents in `credo eval`: a reader thread parses the document and
//! hands on its records in chunks ([`credo::record::read_document`]); each chunk is checked and
//! decided on the rayon pool and written in input order, as JSONL is (see `stream.rs`). Memory
//! stays flat with the length of a list of records, but for the repeated-id check.
//!
//! Repeated ids: every id read is remembered with its line ([`Duplicates::default`]). That is
//! the one part of memory that grows with the batch, about 130 bytes per record at its peak
//! for ids like `cand-123456` (measured on 1,000,000 records: 192 MB peak RSS, 61 MB without
//! the check). Screening the ids first, as a JSONL file is, would save most of that, but it
//! means parsing the YAML twice, and parsing is nearly all of the time a YAML batch takes
//! (about 10,000 records/s); it would also not work for standard input.

use super::stream::{Batch, Rendered};
use credo::record::{read_document, Duplicates, Entry, RawRecord};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::sync::mpsc::{sync_channel, SyncSender};

/// Records per chunk, as for JSONL.
const CHUNK: usize = 1024;
/// A chunk is sent on early once its records take about this much memory (a few very large
/// records make a chunk of their own).
const CHUNK_BYTES: usize = 32 * 1024 * 1024;

impl Batch<'_> {
    /// Streams one YAML or JSON document: reads ahead on a thread, decides chunk by chunk,
    /// sends the rendered chunks to the writer. What cannot be read is a record error in the
    /// output; `Err` only if the reader thread failed.
    pub fn document(
        &self,
        input: Box<dyn BufRead + Send>,
        file: &str,
        pool: &rayon::ThreadPool,
        out: &SyncSender<Rendered>,
    ) -> Result<(), String> {
        let (tx, rx) = sync_channel::<Vec<RawRecord>>(2);
        let mut dupes = Duplicates::default();
        std::thread::scope(|s| {
            let reader = s.spawn(move || read_chunks(input, tx));
            for chunk in rx.iter() {
                let mut entries: Vec<Entry> = pool.install(|| {
                    (chunk.into_par_iter())
                        .map(|r| r.entry(file, self.policy))
                        .collect()
                });
                for e in &mut entries {
                    dupes.mark(e);
                }
                if out.send(pool.install(|| self.render(entries))).is_err() {
                    break;
                }
            }
            // Dropping the receiver stops the reader at its next chunk.
            drop(rx);
            reader.join().map_err(|_| "the reader stopped".to_owned())
        })
    }
}

/// Parses the document and sends its records on in chunks, until the receiver is gone.
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
pub struct Counting<R> {
    pub inner: R,
    pub progress: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}
