//! A folder of `TABLE.csv` files, read with the `csv` crate: quoted cells may hold commas,
//! quotes and line breaks; a UTF-8 byte order mark is skipped; rows are numbered as a
//! spreadsheet shows them (blank lines count, a line break inside a cell does not).

use super::{Cell, ColumnMap, Head, Row, Rows, Source, Table};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// A folder of CSV tables (or tables given as bytes, for tests and fuzzing).
pub struct Folder {
    paths: [Option<Origin>; 7],
    heads: [Option<Head>; 7],
}

/// Where a table's text is.
#[derive(Clone)]
enum Origin {
    File(PathBuf),
    Bytes(String, std::sync::Arc<[u8]>),
}

impl Folder {
    /// Finds the tables of a folder and reads their header rows. A `.csv` file that is not a
    /// table is an error (a misspelt table would otherwise be silently empty).
    pub fn open(dir: &Path, map: Option<&ColumnMap>) -> Result<Folder, String> {
        let mut paths: [Option<Origin>; 7] = Default::default();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut found: Vec<PathBuf> = Vec::new();
        for e in entries {
            let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            let csv = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
            if csv && path.is_file() {
                found.push(path);
            }
        }
        found.sort();
        for path in found {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(t) = Table::from_name(&stem.to_ascii_lowercase()) else {
                let hint = crate::diag::did_you_mean(&stem, Table::ALL.iter().map(|t| t.name()))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "{}: `{}` is not a table of a record set{hint}\n  help: the tables are {} (each `NAME.csv`); rename the file, or move it out of the folder",
                    path.display(),
                    crate::visible::visible(&stem),
                    Table::names_listed()
                ));
            };
            if paths[t as usize].is_some() {
                return Err(format!(
                    "{}: the table `{}` is given twice\n  help: keep one file named `{}.csv`",
                    path.display(),
                    t.name(),
                    t.name()
                ));
            }
            paths[t as usize] = Some(Origin::File(path));
        }
        if paths[0].is_none() {
            return Err(format!(
                "{}: the folder has no `candidates.csv`\n  help: a record set is a folder with `candidates.csv` (one row per candidate) and, beside it, any of the other tables ({}), each `NAME.csv`",
                dir.display(),
                Table::names_listed()
            ));
        }
        Folder::read_heads(paths, map)
    }

    /// Tables given as CSV text (`candidates` is required).
    pub fn from_bytes(
        tables: &[(Table, &[u8])],
        map: Option<&ColumnMap>,
    ) -> Result<Folder, String> {
        let mut paths: [Option<Origin>; 7] = Default::default();
        for (t, bytes) in tables {
            paths[*t as usize] = Some(Origin::Bytes(format!("{}.csv", t.name()), (*bytes).into()));
        }
        if paths[0].is_none() {
            return Err("the record set has no `candidates` table".into());
        }
        Folder::read_heads(paths, map)
    }

    fn read_heads(paths: [Option<Origin>; 7], map: Option<&ColumnMap>) -> Result<Folder, String> {
        let mut heads: [Option<Head>; 7] = Default::default();
        for t in Table::ALL {
            let Some(path) = &paths[t as usize] else {
                continue;
            };
            let (mut reader, file) = open_csv(path)?;
            let mut header = csv::ByteRecord::new();
            let headers = match reader.read_byte_record(&mut header) {
                Ok(true) => (header.iter().enumerate())
                    .map(|(i, h)| {
                        let h = if i == 0 {
                            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
                        } else {
                            h
                        };
                        String::from_utf8_lossy(h).into_owned()
                    })
                    .collect(),
                Ok(false) => Vec::new(),
                Err(e) => return Err(format!("{file}: {e}")),
            };
            if headers.is_empty() {
                if t == Table::Candidates {
                    return Err(format!(
                        "{file}: the table is empty: it needs a header row\n  help: write the header row first, such as `id,applied`"
                    ));
                }
                continue;
            }
            heads[t as usize] = Some(Head::new(t, file, headers, map)?);
        }
        Ok(Folder { paths, heads })
    }
}

type Reader = csv::Reader<Box<dyn std::io::Read + Send>>;

fn open_csv(origin: &Origin) -> Result<(Reader, String), String> {
    let (file, head, input): (String, [u8; 2], Box<dyn std::io::Read + Send>) = match origin {
        Origin::File(path) => {
            let file = path.display().to_string();
            let mut f = File::open(path).map_err(|e| format!("{file}: {e}"))?;
            let mut head = [0u8; 2];
            let n = std::io::Read::read(&mut f, &mut head).map_err(|e| format!("{file}: {e}"))?;
            if n < 2 {
                head = [0, 0];
            }
            let f = File::open(path).map_err(|e| format!("{file}: {e}"))?;
            (file, head, Box::new(BufReader::with_capacity(1 << 16, f)))
        }
        Origin::Bytes(name, bytes) => {
            let head = [
                bytes.first().copied().unwrap_or(0),
                bytes.get(1).copied().unwrap_or(0),
            ];
            let bytes = std::sync::Arc::clone(bytes);
            (name.clone(), head, Box::new(std::io::Cursor::new(bytes)))
        }
    };
    if head == [0xFF, 0xFE] || head == [0xFE, 0xFF] {
        return Err(format!(
            "{file}: the file is UTF-16 text\n  help: save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")"
        ));
    }
    // Records end at `\n` only (a `\r` before it is taken off the last cell): with the
    // reader's default, the `\n` of a CRLF would be counted in the next record's lines and the
    // rows misnumbered.
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input);
    Ok((reader, file))
}

impl Source for Folder {
    fn head(&self, t: Table) -> Option<&Head> {
        self.heads[t as usize].as_ref()
    }

    fn rows(&self, t: Table) -> Result<Rows, String> {
        let Some(path) = &self.paths[t as usize] else {
            return Ok(Box::new(std::iter::empty()));
        };
        let (reader, file) = open_csv(path)?;
        Ok(Box::new(CsvRows {
            reader,
            file,
            record: csv::ByteRecord::new(),
            row: 0,
            end_line: 1,
            header: true,
        }))
    }
}

/// The rows of one CSV table, after its header.
struct CsvRows {
    reader: Reader,
    file: String,
    record: csv::ByteRecord,
    /// The row number of the last record read.
    row: usize,
    /// The line where the last record read ended (where the next one may start).
    end_line: u64,
    header: bool,
}

impl Iterator for CsvRows {
    type Item = Result<Row, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(format!("{}: {e}", self.file))),
                Ok(true) => {}
            }
            // The reader counts the blank lines before a record into its span: the lines it
            // spans, less its own lines (one, and one more per line break inside a quoted
            // cell; none for its line break when the file ends without one).
            let start = self.record.position().map_or(self.end_line, |p| p.line());
            let end = self.reader.position().line();
            let inside = (self.record.iter())
                .map(|cell| memchr::memchr_iter(b'\n', cell).count() as u64)
                .sum::<u64>();
            let own = inside + u64::from(!self.reader.is_done());
            let blank = end.saturating_sub(start).saturating_sub(own);
            self.row += 1 + blank as usize;
            self.end_line = end;
            if std::mem::take(&mut self.header) {
                continue;
            }
            let last = self.record.len().saturating_sub(1);
            let cells: Vec<Cell> = (self.record.iter())
                .enumerate()
                .map(|(i, b)| if i == last { b.strip_suffix(b"\r").unwrap_or(b) } else { b })
                .map(|b| match std::str::from_utf8(b) {
                    Ok(s) => Cell::text(s.to_owned()),
                    Err(e) => Cell::Bad(
                        format!("bytes that are not UTF-8 text (at byte {})", e.valid_up_to() + 1),
                        "save the file as UTF-8; in Excel: Save As, \"CSV UTF-8 (Comma delimited)\"",
                    ),
                })
                .collect();
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            return Some(Ok(Row {
                row: self.row,
                cells,
            }));
        }
    }
}
