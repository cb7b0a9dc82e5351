//! Record sets from HR systems (SPEC §16): tables in long form, one per kind of entry, joined
//! on the candidate id: a folder of `TABLE.csv` files, or one `.xlsx` workbook with a sheet per
//! table. Each candidate becomes the same record a YAML file would give (so it decides the
//! same, byte for byte); each bad cell is a record error that names its table, row
//! (spreadsheet numbering: the header is row 1), column and candidate.
//!
//! Reading is a merge join in the order of `candidates`. A first pass reads the candidate ids
//! (a fingerprint and a position per candidate: about 30 bytes each) and checks that each
//! other table lists its rows in that order (grouped by candidate, as an export of the same
//! candidates, or `credo convert --to csv`, writes them). A table in that order is then read
//! alongside `candidates`, row by row, so a CSV set of any size is read with the memory of a
//! few rows per table. A table out of that order is read into memory whole, grouped by
//! candidate: it still reads right, with memory that grows with that table. A workbook is
//! read into memory whole by its nature (an `.xlsx` sheet holds at most 1,048,576 rows).
//!
//! A row in another table whose candidate is not in `candidates` is a record error of its
//! own (an orphan), in the output where the join finds it; nothing is dropped.

mod assemble;
mod cell;
mod columns;
mod csv;
mod write;
mod xlsx;

pub use cell::{excel_date, number_text, Cell};
pub use columns::{column_letter, ColumnMap, Field, Head, Kind};
pub use write::{write_csv_set, TableWriter};

use super::{fingerprint, Entry, RecordError};
use crate::policy::Policy;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

/// The tables of a record set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per candidate.
    Candidates,
    /// Credentials.
    Credentials,
    /// Portfolio artifacts.
    Artifacts,
    /// Labs.
    Labs,
    /// Work samples.
    WorkSamples,
    /// Experience.
    Experience,
    /// Education.
    Education,
}

impl Table {
    /// Every table, `candidates` first.
    pub const ALL: [Table; 7] = [
        Table::Candidates,
        Table::Credentials,
        Table::Artifacts,
        Table::Labs,
        Table::WorkSamples,
        Table::Experience,
        Table::Education,
    ];

    /// The table's name: its file (`NAME.csv`) or sheet, and its field in a record.
    pub fn name(self) -> &'static str {
        match self {
            Table::Candidates => "candidates",
            Table::Credentials => "credentials",
            Table::Artifacts => "artifacts",
            Table::Labs => "labs",
            Table::WorkSamples => "work_samples",
            Table::Experience => "experience",
            Table::Education => "education",
        }
    }

    /// The table of a name.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The tables' names, for messages.
    pub fn names_listed() -> String {
        let names: Vec<String> = Table::ALL
            .iter()
            .map(|t| format!("`{}`", t.name()))
            .collect();
        names.join(", ")
    }
}

/// One row of a table: its number as a spreadsheet shows it, and its cells by column.
#[derive(Clone, Debug)]
pub struct Row {
    /// 1-based; the header is row 1.
    pub row: usize,
    /// Cells, one per column (a short row has fewer).
    pub cells: Vec<Cell>,
}

/// A table's rows in order; `Err` when the table cannot be read on (the set fails).
pub type Rows = Box<dyn Iterator<Item = Result<Row, String>> + Send>;

/// Where a record set's tables come from: a folder of CSV files or a workbook.
pub trait Source {
    /// A table's resolved header row, or `None` when the set has no such table (an empty one).
    fn head(&self, t: Table) -> Option<&Head>;
    /// The table's rows after the header, from the start (the join reads them twice).
    fn rows(&self, t: Table) -> Result<Rows, String>;
}

/// The header rows of a set's tables, shared by its records.
#[derive(Debug)]
pub struct Heads([Option<Head>; 7]);

impl Heads {
    fn get(&self, t: Table) -> Option<&Head> {
        self.0[t.index()].as_ref()
    }
}

/// A record read from a set: a candidate with its rows from every table, or a row whose
/// candidate is not in `candidates`.
#[derive(Clone, Debug)]
pub struct TableRecord {
    heads: Arc<Heads>,
    what: What,
}

#[derive(Clone, Debug)]
enum What {
    Candidate { row: Row, rows: Vec<(Table, Row)> },
    Orphan { table: Table, row: Row },
}

impl TableRecord {
    /// The file and row the record is reported at (its `candidates` row).
    pub fn place(&self) -> (&str, usize) {
        let (t, row) = match &self.what {
            What::Candidate { row, .. } => (Table::Candidates, row.row),
            What::Orphan { table, row } => (*table, row.row),
        };
        (self.heads.get(t).map_or("", |h| h.file.as_str()), row)
    }

    /// The candidate id (of an orphan row: the id it names).
    pub fn id(&self) -> Option<String> {
        let (t, row) = match &self.what {
            What::Candidate { row, .. } => (Table::Candidates, row),
            What::Orphan { table, row } => (*table, row),
        };
        let key = self.heads.get(t)?.key;
        row.cells.get(key)?.key().filter(|k| !k.is_empty())
    }

    /// Whether this is a candidate (not an orphan row).
    pub fn is_candidate(&self) -> bool {
        matches!(self.what, What::Candidate { .. })
    }

    /// The record as `policy` reads it (attribute cells typed as it declares them).
    pub fn entry(&self, policy: &Policy) -> Entry {
        let (file, line) = self.place();
        let result = match self.value(Some(policy)) {
            Ok(v) => super::raw::candidate(&v, file, line, policy),
            Err(e) => Err(e),
        };
        Entry {
            file: file.to_owned(),
            line,
            result,
        }
    }

    /// The record as a YAML/JSON record value, as `credo convert` writes it. Attribute cells
    /// are typed as `policy` declares them; without one (or for an undeclared attribute),
    /// `true`/`false` read as booleans and numbers as numbers. Every bad cell of the record is
    /// in the one error, joined with `; `.
    pub fn value(&self, policy: Option<&Policy>) -> Result<serde_json::Value, RecordError> {
        assemble::value(self, policy)
    }
}

/// Reads a record set, handing on its records in the order of `candidates` (with orphan rows
/// where the join finds them). `Err` when the set cannot be read at all or on (a missing
/// `candidates` table, an unknown column, a file that cannot be read): records before such an
/// error have been handed on.
pub fn read_set(
    src: &dyn Source,
    mut each: impl FnMut(TableRecord) -> ControlFlow<()>,
) -> Result<(), String> {
    let heads = Arc::new(Heads(Table::ALL.map(|t| src.head(t).cloned())));
    let Some(head) = heads.get(Table::Candidates) else {
        return Err("the record set has no `candidates` table".into());
    };
    let key = head.key;
    let row_key = |h: &Head, r: &Row| r.cells.get(h.key).and_then(Cell::key);
    // Pass 1: the position of each candidate id (the first, for a repeated id).
    let mut positions: HashMap<u64, usize> = HashMap::new();
    for (i, row) in src.rows(Table::Candidates)?.enumerate() {
        if let Some(k) = row?.cells.get(key).and_then(Cell::key) {
            positions.entry(fingerprint(&k)).or_insert(i);
        }
    }
    let position = |k: &Option<String>| {
        k.as_deref()
            .and_then(|k| positions.get(&fingerprint(k)).copied())
    };
    // Pass 2: is each other table in that order?
    let mut joins: Vec<(Table, Join)> = Vec::new();
    for t in &Table::ALL[1..] {
        let Some(h) = heads.get(*t) else { continue };
        let mut last = 0;
        let mut in_order = true;
        for row in src.rows(*t)? {
            if let Some(p) = position(&row_key(h, &row?)) {
                if p < last {
                    in_order = false;
                    break;
                }
                last = p;
            }
        }
        let join = if in_order {
            Join::Cursor(src.rows(*t)?.peekable())
        } else {
            let mut groups: HashMap<usize, Vec<Row>> = HashMap::new();
            let mut orphans = Vec::new();
            for row in src.rows(*t)? {
                let row = row?;
                match position(&row_key(h, &row)) {
                    Some(p) => groups.entry(p).or_default().push(row),
                    None => orphans.push(row),
                }
            }
            Join::Memory { groups, orphans }
        };
        joins.push((*t, join));
    }
    let record = |what| TableRecord {
        heads: Arc::clone(&heads),
        what,
    };
    macro_rules! emit {
        ($what:expr) => {
            if each(record($what)).is_break() {
                return Ok(());
            }
        };
    }
    for (i, row) in src.rows(Table::Candidates)?.enumerate() {
        let row = row?;
        let id = row.cells.get(key).and_then(Cell::key);
        let mut rows = Vec::new();
        for (t, join) in &mut joins {
            let Some(h) = heads.get(*t) else { continue };
            match join {
                Join::Cursor(cursor) => loop {
                    let p = match cursor.peek() {
                        None => break,
                        Some(Err(_)) => None,
                        Some(Ok(r)) => position(&row_key(h, r)),
                    };
                    if p.is_some_and(|p| p > i) {
                        break;
                    }
                    let Some(r) = cursor.next() else { break };
                    let r = r?;
                    if p == Some(i) && row_key(h, &r) == id {
                        rows.push((*t, r));
                    } else {
                        emit!(What::Orphan { table: *t, row: r });
                    }
                },
                Join::Memory { groups, .. } => {
                    for r in groups.remove(&i).unwrap_or_default() {
                        if row_key(h, &r) == id {
                            rows.push((*t, r));
                        } else {
                            emit!(What::Orphan { table: *t, row: r });
                        }
                    }
                }
            }
        }
        emit!(What::Candidate { row, rows });
    }
    for (t, join) in joins {
        let mut left: Vec<Row> = match join {
            Join::Cursor(cursor) => cursor.collect::<Result<_, _>>()?,
            Join::Memory { groups, orphans } => {
                let mut left: Vec<Row> = groups.into_values().flatten().chain(orphans).collect();
                left.sort_by_key(|r| r.row);
                left
            }
        };
        for row in left.drain(..) {
            emit!(What::Orphan { table: t, row });
        }
    }
    Ok(())
}

/// How another table is joined to `candidates`.
enum Join {
    /// In order: read alongside.
    Cursor(std::iter::Peekable<Rows>),
    /// Out of order: read whole, grouped by candidate position; rows whose candidate is
    /// unknown apart.
    Memory {
        groups: HashMap<usize, Vec<Row>>,
        orphans: Vec<Row>,
    },
}

/// Whether a path names a record set of tables: a folder, or a `.xlsx` workbook.
pub fn is_record_set(path: &str) -> bool {
    path != "-" && (Path::new(path).is_dir() || has_extension(path, "xlsx"))
}

fn has_extension(path: &str, ext: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Opens a record set: a folder of CSV files or an `.xlsx` workbook.
pub fn open(path: &str, map: Option<&ColumnMap>) -> Result<Box<dyn Source + Send + Sync>, String> {
    if Path::new(path).is_dir() {
        Ok(Box::new(csv::Folder::open(Path::new(path), map)?))
    } else {
        Ok(Box::new(xlsx::Workbook::open(Path::new(path), map)?))
    }
}

/// A record set of CSV tables given as bytes (for tests and fuzzing; `candidates` is required).
pub fn from_csv_bytes(
    tables: &[(Table, &[u8])],
    map: Option<&ColumnMap>,
) -> Result<Box<dyn Source + Send + Sync>, String> {
    Ok(Box::new(csv::Folder::from_bytes(tables, map)?))
}

/// Reads a whole record set into entries, as `policy` reads it (repeated ids marked): for
/// `credo test` and for embedders with small sets. `Err` when the set cannot be read.
pub fn read_entries(
    path: &str,
    map: Option<&ColumnMap>,
    policy: &Policy,
) -> Result<Vec<Entry>, String> {
    let src = open(path, map)?;
    let mut entries = Vec::new();
    read_set(src.as_ref(), |r| {
        entries.push(r.entry(policy));
        ControlFlow::Continue(())
    })?;
    super::mark_duplicates(&mut entries);
    Ok(entries)
}

/// What credo reads as records, for messages about a file it cannot read.
pub const FORMATS: &str = "YAML (.yaml, .yml), JSON (.json), JSON Lines (.jsonl), a folder of CSV tables (candidates.csv, credentials.csv, …) or an Excel workbook (.xlsx)";

/// A clear refusal for a path credo cannot read as records, by its name or first bytes: a
/// single CSV file, another spreadsheet format, a zip archive or a binary file. `None` when
/// it may be read.
pub fn unreadable_format(path: &str) -> Option<String> {
    if path == "-" || is_record_set(path) {
        return None;
    }
    let ext = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let why = match ext.as_deref() {
        Some("csv" | "tsv") => format!(
            "`{path}` is a single table: put it in a folder as `candidates.csv` (with `credentials.csv` and the other tables beside it) and give the folder"
        ),
        Some("xls" | "xlsb" | "xlsm" | "ods" | "numbers") => format!(
            "`{path}` is a spreadsheet format credo does not read: save it as an Excel workbook (.xlsx)"
        ),
        // Only a regular file is sniffed: a pipe or a device can be read once.
        _ if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) => return None,
        _ => {
            let mut head = [0u8; 8];
            let n = std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            let head = &head[..n];
            if head.starts_with(b"PK\x03\x04") {
                format!("`{path}` is a zip archive (an Excel workbook?): name a workbook `.xlsx`")
            } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                format!("`{path}` is an old Office file (.xls?): save it as an Excel workbook (.xlsx)")
            } else {
                return None;
            }
        }
    };
    Some(format!("{why}\n  help: credo reads {FORMATS}"))
}

#[cfg(test)]
mod tests;
