//! A candidate's rows to the record value a YAML file would give, each bad cell reported with
//! its table, row and column.

use super::cell::{number_value, CellError};
use super::{Cell, Head, Kind, Row, Table, TableRecord, What};
use crate::ast::AttrType;
use crate::policy::Policy;
use crate::record::RecordError;
use serde_json::{Map, Value};

/// One problem: where (file, row) and the message.
struct Problem {
    file: String,
    row: usize,
    error: String,
}

pub(super) fn value(r: &TableRecord, policy: Option<&Policy>) -> Result<Value, RecordError> {
    let id = r.id();
    let mut problems = Vec::new();
    let value = match &r.what {
        What::Orphan { table, row } => {
            if let Some(h) = r.heads.get(*table) {
                let error = match &id {
                    Some(id) => format!(
                        "table `{}`, row {}: candidate `{}` is not in `candidates` (add the candidate to `candidates` or correct the id in column {})",
                        table.name(),
                        row.row,
                        crate::visible::visible(id),
                        h.column_name(h.key)
                    ),
                    None => format!(
                        "table `{}`, row {}: the row names no candidate (fill in column {})",
                        table.name(),
                        row.row,
                        h.column_name(h.key)
                    ),
                };
                problems.push(Problem {
                    file: h.file.clone(),
                    row: row.row,
                    error,
                });
            }
            None
        }
        What::Candidate { row, rows } => {
            let mut record = Map::new();
            if let Some(h) = r.heads.get(Table::Candidates) {
                candidate(h, row, policy, &mut record, &mut problems);
            }
            for (t, row) in rows {
                let Some(h) = r.heads.get(*t) else { continue };
                if let Some(o) = entry(h, row, &mut problems) {
                    let list = record
                        .entry(t.name())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(a) = list {
                        a.push(Value::Object(o));
                    }
                }
            }
            Some(Value::Object(record))
        }
    };
    match value {
        Some(v) if problems.is_empty() => Ok(v),
        _ => {
            let (file, line) = match problems.first() {
                Some(p) => (p.file.clone(), p.row),
                None => {
                    let (f, l) = r.place();
                    (f.to_owned(), l)
                }
            };
            let error: Vec<String> = problems.into_iter().map(|p| p.error).collect();
            Err(RecordError {
                record: id,
                file,
                line,
                error: error.join("; "),
                problems: Vec::new(),
            })
        }
    }
}

/// Reports a bad cell.
fn cell_problem(h: &Head, row: &Row, col: usize, (what, help): CellError, out: &mut Vec<Problem>) {
    out.push(Problem {
        file: h.file.clone(),
        row: row.row,
        error: format!(
            "table `{}`, row {}, column {}: {} ({help})",
            h.table.name(),
            row.row,
            h.column_name(col),
            crate::visible::visible(&what),
        ),
    });
}

/// Reports a problem of a row that names a column (a value out of range, a missing value).
fn row_problem(h: &Head, row: &Row, col: Option<usize>, what: String, out: &mut Vec<Problem>) {
    let at = match col {
        Some(c) => format!(", column {}", h.column_name(c)),
        None => String::new(),
    };
    out.push(Problem {
        file: h.file.clone(),
        row: row.row,
        error: format!("table `{}`, row {}{at}: {what}", h.table.name(), row.row),
    });
}

/// Cells past the header's last column.
fn extra_cells(h: &Head, row: &Row, out: &mut Vec<Problem>) {
    let unnamed = |i: usize| h.headers.get(i).is_none_or(|h| h.trim().is_empty());
    if let Some(i) = (0..row.cells.len()).find(|&i| unnamed(i) && !row.cells[i].is_empty()) {
        row_problem(
            h,
            row,
            None,
            format!(
                "the row has a value in column {}, which has no header (give the column a header, or remove the value)",
                super::column_letter(i)
            ),
            out,
        );
    }
}

/// A cell read as a field's kind (the join key as text).
fn read(kind: Kind, cell: &Cell) -> Result<Option<Value>, CellError> {
    Ok(match kind {
        Kind::Key => cell.key().map(Value::String),
        Kind::Text | Kind::Protected => cell.as_text()?.map(Value::String),
        Kind::List => cell
            .as_list()?
            .map(|l| Value::Array(l.into_iter().map(Value::String).collect())),
        Kind::Bool => cell.as_bool()?.map(Value::Bool),
        Kind::Number => cell.as_number()?.map(number_value),
        Kind::Date => cell.as_date()?.map(|d| Value::String(d.to_string())),
        Kind::Attr => cell.as_guess()?,
    })
}

fn candidate(
    h: &Head,
    row: &Row,
    policy: Option<&Policy>,
    record: &mut Map<String, Value>,
    out: &mut Vec<Problem>,
) {
    extra_cells(h, row, out);
    match row.cells.get(h.key).and_then(Cell::key) {
        Some(id) => {
            record.insert("id".into(), Value::String(id));
        }
        None => row_problem(
            h,
            row,
            Some(h.key),
            "the candidate has no id (fill in the cell)".into(),
            out,
        ),
    }
    let mut attributes = Map::new();
    let mut protected = Map::new();
    for (col, (f, cell)) in h.fields.iter().zip(&row.cells).enumerate() {
        let Some(f) = f else { continue };
        let read = match f.kind {
            Kind::Key => continue,
            Kind::Attr => {
                let name = &f.name["attr.".len()..];
                let ty = policy.and_then(|p| p.attr_index.get(name).map(|&i| p.attributes[i].ty));
                attribute(ty, cell)
            }
            kind => read(kind, cell),
        };
        match read {
            Ok(None) => {}
            Ok(Some(v)) => {
                let _ = match f.kind {
                    Kind::Attr => attributes.insert(f.name["attr.".len()..].to_owned(), v),
                    Kind::Protected => protected.insert(f.name["protected.".len()..].to_owned(), v),
                    _ => record.insert(f.name.clone(), v),
                };
            }
            Err(e) => cell_problem(h, row, col, e, out),
        }
    }
    if !attributes.is_empty() {
        record.insert("attributes".into(), Value::Object(attributes));
    }
    if !protected.is_empty() {
        record.insert("protected".into(), Value::Object(protected));
    }
}

/// An attribute cell as its declared type (undeclared: guessed, as rules cannot read it).
fn attribute(ty: Option<AttrType>, cell: &Cell) -> Result<Option<Value>, CellError> {
    match ty {
        None => cell.as_guess(),
        Some(AttrType::Bool) => read(Kind::Bool, cell),
        Some(AttrType::Number) => read(Kind::Number, cell),
        Some(AttrType::Date) => read(Kind::Date, cell),
        Some(AttrType::String) => read(Kind::Text, cell),
    }
}

/// A row of another table as an entry of the record's list for it, checked as the record
/// reader checks it, so that a problem names its column.
fn entry(h: &Head, row: &Row, out: &mut Vec<Problem>) -> Option<Map<String, Value>> {
    let before = out.len();
    extra_cells(h, row, out);
    let mut o = Map::new();
    let mut cols = std::collections::HashMap::new();
    for (col, (f, cell)) in h.fields.iter().zip(&row.cells).enumerate() {
        let Some(f) = f else { continue };
        if f.kind == Kind::Key {
            continue;
        }
        cols.insert(f.name.as_str(), col);
        match read(f.kind, cell) {
            Ok(Some(v)) => {
                o.insert(f.name.clone(), v);
            }
            Ok(None) => {}
            Err(e) => cell_problem(h, row, col, e, out),
        }
    }
    if out.len() > before {
        return None;
    }
    // Columns absent from the header are named by credo's name for them.
    let col = |name: &str| cols.get(name).copied();
    let num = |name: &str| o.get(name).and_then(Value::as_f64);
    let mut problem = |c: Option<usize>, what: String| row_problem(h, row, c, what, out);
    let name_of = |name: &str| match col(name) {
        Some(_) => String::new(),
        None => format!(" (add a `{name}` column)"),
    };
    match h.table {
        Table::WorkSamples | Table::Experience => {
            let (field, range) = if h.table == Table::WorkSamples {
                ("score", 0.0..=100.0)
            } else {
                ("months", 0.0..=1200.0)
            };
            for need in ["skill", field] {
                if !o.contains_key(need) {
                    problem(col(need), format!("no `{need}`{}", name_of(need)));
                }
            }
            if let Some(n) = num(field).filter(|n| !range.contains(n)) {
                problem(
                    col(field),
                    format!(
                        "`{field}` {} is outside {}..{}",
                        super::number_text(n),
                        range.start(),
                        range.end()
                    ),
                );
            }
        }
        Table::Labs => {
            if let Some(n) = num("hours").filter(|n| *n < 0.0) {
                problem(
                    col("hours"),
                    format!("`hours` {} is negative", super::number_text(n)),
                );
            }
        }
        Table::Credentials => {
            let has = |k: &str| o.contains_key(k);
            if !(has("id") || has("achievement") || (has("issuer") && has("title"))) {
                problem(
                    None,
                    "give the credential an `id`, an `achievement`, or an `issuer` and a `title`"
                        .into(),
                );
            }
            let date = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
            if let (Some(i), Some(e)) = (date("issued"), date("expires")) {
                if e < i {
                    problem(
                        col("expires"),
                        format!("the credential expires ({e}) before it was issued ({i})"),
                    );
                }
            }
        }
        Table::Candidates | Table::Artifacts | Table::Education => {}
    }
    (out.len() == before).then_some(o)
}
