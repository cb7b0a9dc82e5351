//! An `.xlsx` workbook with one sheet per table, read with `calamine`. Cells keep their type:
//! date cells (in the workbook's 1900 or 1904 epoch), booleans, numbers; an Excel error value
//! (`#N/A`) is a bad cell. The workbook is read into memory whole (a sheet holds at most
//! 1,048,576 rows).

use super::cell::text_date;
use super::{Cell, ColumnMap, Head, Row, Rows, Source, Table};
use calamine::{Data, Reader};
use std::path::Path;
use std::sync::Arc;

/// A workbook's tables, read.
pub struct Workbook {
    heads: [Option<Head>; 7],
    rows: [Arc<Vec<Row>>; 7],
}

impl Workbook {
    /// Reads every sheet; a sheet that is not a table is an error.
    pub fn open(path: &Path, map: Option<&ColumnMap>) -> Result<Workbook, String> {
        let file = path.display().to_string();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(|e| {
            format!(
                "{file}: cannot read the workbook: {e}\n  help: credo reads {}",
                super::FORMATS
            )
        })?;
        let mut heads: [Option<Head>; 7] = Default::default();
        let mut rows: [Arc<Vec<Row>>; 7] = Default::default();
        let mut seen = [false; 7];
        for name in book.sheet_names() {
            let Some(t) = Table::from_name(&name.trim().to_ascii_lowercase()) else {
                let hint = crate::diag::did_you_mean(&name, Table::ALL.iter().map(|t| t.name()))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "{file}: the sheet `{}` is not a table of a record set{hint}\n  help: the sheets are {}; rename the sheet, or delete it from a copy of the workbook",
                    crate::visible::visible(&name),
                    Table::names_listed()
                ));
            };
            if std::mem::replace(&mut seen[t as usize], true) {
                return Err(format!(
                    "{file}: the table `{}` is given twice\n  help: keep one sheet named `{}`",
                    t.name(),
                    t.name()
                ));
            }
            let range = book
                .worksheet_range(&name)
                .map_err(|e| format!("{file}: sheet `{name}`: {e}"))?;
            let Some((top, left)) = range.start() else {
                continue;
            };
            let (top, left) = (top as usize, left as usize);
            let mut table: Vec<Row> = Vec::new();
            let mut headers: Option<Vec<String>> = None;
            for (i, cells) in range.rows().enumerate() {
                let mut row: Vec<Cell> = vec![Cell::Empty; left];
                row.extend(cells.iter().map(cell));
                if row.iter().all(Cell::is_empty) {
                    continue;
                }
                let number = top + i + 1;
                if headers.is_none() {
                    let h = row.iter().map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        Cell::Empty | Cell::Bad(..) => String::new(),
                        other => other.key().unwrap_or_else(|| format!("{other:?}")),
                    });
                    headers = Some(h.collect());
                    continue;
                }
                table.push(Row {
                    row: number,
                    cells: row,
                });
            }
            if let Some(headers) = headers {
                heads[t as usize] = Some(Head::new(t, file.clone(), headers, map)?);
                rows[t as usize] = Arc::new(table);
            }
        }
        if heads[0].is_none() {
            return Err(format!(
                "{file}: the workbook has no `candidates` sheet (or it is empty)\n  help: a record set workbook has a sheet `candidates` (a header row, then one row per candidate) and any of the other tables ({}), one sheet each",
                Table::names_listed()
            ));
        }
        Ok(Workbook { heads, rows })
    }
}

const DATE_HELP: &str =
    "write the date as YYYY-MM-DD (such as 2025-03-14), or make it an Excel date cell";

/// A workbook cell as credo reads it.
fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let serial = dt.as_f64();
            if !(0.0..2_958_466.0).contains(&serial) {
                return Cell::Bad(
                    format!("a date serial number out of range ({serial})"),
                    DATE_HELP,
                );
            }
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Bad(
                    format!("a date Excel shows but that is not a real day ({y}-{m:02}-{d:02})"),
                    DATE_HELP,
                ),
            }
        }
        Data::DateTime(_) | Data::DurationIso(_) => {
            Cell::Bad("a duration, not a date".into(), DATE_HELP)
        }
        Data::DateTimeIso(s) => match text_date(s) {
            Some(d) => Cell::Date(d),
            None => Cell::Bad(
                format!("a date-time `{s}` that credo cannot read"),
                DATE_HELP,
            ),
        },
        Data::Error(e) => Cell::Bad(
            format!("the Excel error `{e}`"),
            "correct the formula or replace it with a value, or leave the cell empty",
        ),
    }
}

impl Source for Workbook {
    fn head(&self, t: Table) -> Option<&Head> {
        self.heads[t as usize].as_ref()
    }

    fn rows(&self, t: Table) -> Result<Rows, String> {
        let rows = Arc::clone(&self.rows[t as usize]);
        Ok(Box::new((0..rows.len()).map(move |i| Ok(rows[i].clone()))))
    }
}
