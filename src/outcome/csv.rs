//! Outcomes as CSV: a header row naming the fields, then one hire per row. An empty cell is an
//! absent field; `moves` is one cell, `2026-11-01 soc_analyst_ii; 2027-05-01 lead`. Cells are
//! turned into the values a YAML record would hold and checked by the same code, so the CSV
//! and YAML forms of the same outcomes read alike.

use super::fields::{unknown, Check, FIELDS};
use super::OutcomeEntry;
use crate::record::RecordError;
use serde_json::{Map, Value};

/// Fields every row must have a column for.
const REQUIRED: &[&str] = &["candidate", "role", "hired"];

/// Reads every row of a CSV file.
pub(super) fn read(bytes: &[u8], file: &str, check: &Check<'_>) -> Vec<OutcomeEntry> {
    let mut out = Vec::new();
    let error = |line: usize, record: Option<String>, error: String| OutcomeEntry {
        file: file.to_owned(),
        line,
        result: Err(RecordError {
            record,
            file: file.to_owned(),
            line,
            error,
            problems: Vec::new(),
        }),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut lines = Lines {
        bytes,
        at: 0,
        line: 1,
    };
    let mut rows = reader.byte_records();
    let header = match rows.next() {
        None => return out,
        Some(Err(e)) => return vec![error(1, None, format!("cannot read the header row: {e}"))],
        Some(Ok(h)) => h,
    };
    let header_line = header.position().map_or(1, |p| lines.at(p.byte()));
    let mut columns: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for cell in header.iter() {
        match std::str::from_utf8(cell) {
            Ok(name) => {
                let name = name.trim().to_owned();
                if !FIELDS.contains(&name.as_str()) {
                    problems.push(unknown(&name, FIELDS, "column"));
                } else if columns.contains(&name) {
                    problems.push(format!("column `{name}` is given twice"));
                }
                columns.push(name);
            }
            Err(_) => problems.push("a column name is not UTF-8 text".into()),
        }
    }
    for r in REQUIRED.iter().filter(|r| !columns.iter().any(|c| c == *r)) {
        problems.push(format!("there is no `{r}` column"));
    }
    if !problems.is_empty() {
        return vec![error(
            header_line,
            None,
            format!("cannot read the rows of this file: {}", problems.join("; ")),
        )];
    }
    for row in rows {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                out.push(error(line, None, format!("cannot read the row: {e}")));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| lines.at(p.byte()));
        let mut problems = Vec::new();
        if row.len() != columns.len() {
            problems.push(format!(
                "the row has {} cells, the header {}",
                row.len(),
                columns.len()
            ));
        }
        let mut map = Map::new();
        for (name, cell) in columns.iter().zip(row.iter()) {
            let text = match std::str::from_utf8(cell) {
                Ok(t) => t.trim(),
                Err(e) => {
                    problems.push(format!(
                        "`{name}` is not UTF-8 text (invalid byte at {})",
                        e.valid_up_to() + 1
                    ));
                    continue;
                }
            };
            if text.is_empty() {
                continue;
            }
            match cell_value(name, text) {
                Ok(v) => {
                    map.insert(name.clone(), v);
                }
                Err(p) => problems.push(p),
            }
        }
        let record = map
            .get("candidate")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let result = match (check.map(&map), problems.is_empty()) {
            (Ok(hire), true) => Ok(hire),
            (Ok(_), false) => Err(problems),
            (Err((_, more)), _) => Err(problems.into_iter().chain(more).collect()),
        };
        out.push(match result {
            Ok(hire) => OutcomeEntry {
                file: file.to_owned(),
                line,
                result: Ok(hire),
            },
            Err(p) => error(line, record, p.join("; ")),
        });
    }
    out
}

/// Line numbers from byte offsets. The csv crate's own line count is one short after CRLF rows
/// and does not count skipped blank lines, so rows were reported on the wrong line.
struct Lines<'a> {
    bytes: &'a [u8],
    /// The offset counted up to, and its line (1-based).
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the byte at `offset` (offsets come in increasing order; an earlier one
    /// keeps the line reached).
    fn at(&mut self, offset: u64) -> usize {
        let from = usize::try_from(offset).map_or(self.bytes.len(), |o| o.min(self.bytes.len()));
        // The offset is where the reader stood: before the line ends and blank lines it skipped.
        let skipped = (self.bytes.get(from..).unwrap_or_default())
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let to = from + skipped;
        if let Some(between) = self.bytes.get(self.at..to) {
            self.line += between.iter().filter(|&&b| b == b'\n').count();
            self.at = to;
        }
        self.line
    }
}

/// A cell as the value the same field would have in YAML.
fn cell_value(name: &str, text: &str) -> Result<Value, String> {
    match name {
        "training_hours" | "training_cost" => match text.parse::<f64>() {
            Ok(f) => serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| format!("`{name}` is out of range (`{text}`)")),
            Err(_) => Err(format!("`{name}` must be a number, found `{text}`")),
        },
        "moves" => moves(text),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// `DATE ROLE; DATE ROLE …` as a list of `{date, role}`.
fn moves(text: &str) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, part) in text.split(';').enumerate() {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((date, role)) = part.split_once(char::is_whitespace) else {
            return Err(format!(
                "move {} in `moves` must be `DATE ROLE` (as in `2026-11-01 lead`), found `{part}`",
                i + 1
            ));
        };
        let mut m = Map::new();
        m.insert("date".into(), Value::String(date.to_owned()));
        m.insert("role".into(), Value::String(role.trim().to_owned()));
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}
