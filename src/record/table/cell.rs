//! One cell of a table, and how it reads as each kind of value: empty cells are absent,
//! booleans in any case, numbers written as text, dates as Excel cells or text.

use jiff::civil::Date;
use serde_json::{Number, Value};

/// A cell as the file gives it. CSV cells are all text; a workbook's cells keep their type.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing (an empty cell or an empty string).
    Empty,
    /// Text.
    Text(String),
    /// A number cell.
    Number(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date cell (an Excel serial number formatted as a date, in either epoch).
    Date(Date),
    /// A cell that holds no value credo can read (an Excel error such as `#N/A`, or bytes that
    /// are not UTF-8 text): what it holds, and what to do.
    Bad(String, &'static str),
}

/// Why a cell cannot be read as its column's kind: the message, and a help line.
pub(super) type CellError = (String, &'static str);

impl Cell {
    /// Text cells that are empty or only white space are empty.
    pub fn text(s: String) -> Cell {
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as an id or a join key (trimmed text; a whole number without `.0`).
    pub fn key(&self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s.trim().to_owned()),
            Cell::Number(n) => Some(number_text(*n)),
            _ => None,
        }
    }

    /// The cell as text, kept as written (a number or boolean cell as it would be written).
    pub(super) fn as_text(&self) -> Result<Option<String>, CellError> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(s) => Ok(Some(s.clone())),
            Cell::Number(n) => Ok(Some(number_text(*n))),
            Cell::Bool(b) => Ok(Some(b.to_string())),
            Cell::Date(d) => Ok(Some(d.to_string())),
            Cell::Bad(what, help) => Err(bad(what, help)),
        }
    }

    /// The cell as a `;`-separated list: each item trimmed, empty items skipped.
    pub(super) fn as_list(&self) -> Result<Option<Vec<String>>, CellError> {
        Ok(self.as_text()?.map(|s| {
            s.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        }))
    }

    /// The cell as `true`/`false` (any case; also `yes`/`no` is refused: say which is meant).
    pub(super) fn as_bool(&self) -> Result<Option<bool>, CellError> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Bool(b) => Ok(Some(*b)),
            Cell::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err((
                    format!("`{}` is not true or false", s.trim()),
                    "write `true` or `false` (any case), or leave the cell empty",
                )),
            },
            Cell::Number(n) => Err((
                format!("the number {} is not true or false", number_text(*n)),
                "write `true` or `false` (any case), or leave the cell empty",
            )),
            Cell::Date(d) => Err((
                format!("the date {d} is not true or false"),
                "write `true` or `false` (any case), or leave the cell empty",
            )),
            Cell::Bad(what, help) => Err(bad(what, help)),
        }
    }

    /// The cell as a number (a number cell, or a number written as text: `42`, `4.5`, `-3`).
    pub(super) fn as_number(&self) -> Result<Option<f64>, CellError> {
        const HELP: &str =
            "write a number with digits and an optional `.` and sign, such as `42` or `4.5`";
        match self {
            Cell::Empty => Ok(None),
            Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
            Cell::Number(_) => Err(("the number is out of range".into(), HELP)),
            Cell::Text(s) => parse_number(s.trim())
                .map(Some)
                .ok_or_else(|| (format!("`{}` is not a number", s.trim()), HELP)),
            Cell::Bool(b) => Err((format!("`{b}` is not a number"), HELP)),
            Cell::Date(d) => Err((format!("the date {d} is not a number"), HELP)),
            Cell::Bad(what, help) => Err(bad(what, help)),
        }
    }

    /// The cell as a date: a date cell, or text `YYYY-MM-DD` (also `YYYY/MM/DD`, and a date
    /// with a time of day, `YYYY-MM-DD HH:MM[:SS]` or RFC 3339, whose date is taken).
    pub(super) fn as_date(&self) -> Result<Option<Date>, CellError> {
        const HELP: &str =
            "write the date as YYYY-MM-DD (such as 2025-03-14), or make it an Excel date cell";
        match self {
            Cell::Empty => Ok(None),
            Cell::Date(d) => Ok(Some(*d)),
            Cell::Text(s) => text_date(s.trim())
                .map(Some)
                .ok_or_else(|| (format!("`{}` is not a real date", s.trim()), HELP)),
            Cell::Number(n) => Err((
                format!(
                    "the number {} is not a date (the cell is not formatted as a date)",
                    number_text(*n)
                ),
                HELP,
            )),
            Cell::Bool(b) => Err((format!("`{b}` is not a date"), HELP)),
            Cell::Bad(what, help) => Err(bad(what, help)),
        }
    }

    /// An attribute cell with no declared type to read it by (`credo convert` without a
    /// policy): `true`/`false` are booleans, numbers are numbers, dates and the rest are text.
    pub(super) fn as_guess(&self) -> Result<Option<Value>, CellError> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Bool(b) => Ok(Some(Value::Bool(*b))),
            Cell::Number(n) => Ok(Some(number_value(*n))),
            Cell::Date(d) => Ok(Some(Value::String(d.to_string()))),
            Cell::Text(s) => {
                let t = s.trim();
                Ok(Some(if let Ok(Some(b)) = self.as_bool() {
                    Value::Bool(b)
                } else if let Some(n) = parse_number(t) {
                    number_value(n)
                } else {
                    Value::String(s.clone())
                }))
            }
            Cell::Bad(what, help) => Err(bad(what, help)),
        }
    }
}

fn bad(what: &str, help: &'static str) -> CellError {
    (format!("the cell holds {what}"), help)
}

/// A number as JSON: whole numbers as integers (as a YAML record writes them).
pub(super) fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        // Exact: a whole number of at most 53 bits.
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// A number as text: whole numbers without `.0`.
pub fn number_text(n: f64) -> String {
    match number_value(n) {
        Value::Number(n) => n.to_string(),
        _ => n.to_string(),
    }
}

/// `42`, `-3`, `4.5`, `.5`: digits with an optional sign and one `.` (no exponents, no
/// thousands separators, no `inf` or `nan`, which Rust's parser would take).
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1;
    ok.then(|| s.parse::<f64>().ok())
        .flatten()
        .filter(|n| n.is_finite())
}

/// A text date: `YYYY-MM-DD`, `YYYY/MM/DD`, or either followed by a time of day (after a space
/// or `T`, as spreadsheets and RFC 3339 write it), whose date is taken.
pub(super) fn text_date(s: &str) -> Option<Date> {
    if s.len() > 10 && s.as_bytes()[10] == b'T' {
        return crate::record::parse_date_or_timestamp(s);
    }
    let (day, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    if let Some(t) = time {
        let b = t.as_bytes();
        let clock = (5..=8).contains(&b.len())
            && b.len() != 6
            && b[2] == b':'
            && (b.len() == 5 || b[5] == b':')
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit());
        if !clock {
            return None;
        }
    }
    crate::parse::parse_date(&day.replace('/', "-"))
}

/// The date an Excel serial number stands for, in the 1900 epoch (serial 1 is 1900-01-01, with
/// Excel's fictitious 1900-02-29 at 60, which is refused) or the 1904 epoch (serial 0 is
/// 1904-01-01). The time of day (the fraction) is dropped.
pub fn excel_date(serial: f64, epoch_1904: bool) -> Option<Date> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (base, days) = if epoch_1904 {
        (jiff::civil::date(1904, 1, 1), days)
    } else if days == 60 || days == 0 {
        return None;
    } else if days < 60 {
        (jiff::civil::date(1899, 12, 31), days)
    } else {
        (jiff::civil::date(1899, 12, 30), days)
    };
    base.checked_add(jiff::Span::new().days(days)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Both epochs, across Excel's fictitious 1900-02-29, and what no epoch holds.
    #[test]
    fn excel_serials_in_both_epochs() {
        assert_eq!(excel_date(1.0, false), Some(date(1900, 1, 1)));
        assert_eq!(excel_date(59.0, false), Some(date(1900, 2, 28)));
        assert_eq!(excel_date(60.0, false), None);
        assert_eq!(excel_date(61.0, false), Some(date(1900, 3, 1)));
        assert_eq!(excel_date(45730.75, false), Some(date(2025, 3, 14)));
        assert_eq!(excel_date(0.0, true), Some(date(1904, 1, 1)));
        // The same day is 1,462 serials lower in the 1904 epoch.
        assert_eq!(excel_date(45730.0 - 1462.0, true), Some(date(2025, 3, 14)));
        assert_eq!(excel_date(-1.0, false), None);
        assert_eq!(excel_date(f64::NAN, true), None);
        assert_eq!(excel_date(1e12, false), None);
    }

    #[test]
    fn text_cells_read_as_each_kind() {
        let t = |s: &str| Cell::text(s.to_owned());
        assert_eq!(t("  ").as_bool(), Ok(None));
        assert_eq!(t("TRUE").as_bool(), Ok(Some(true)));
        assert_eq!(t(" False ").as_bool(), Ok(Some(false)));
        assert!(t("yes").as_bool().is_err());
        assert_eq!(t(" 42 ").as_number(), Ok(Some(42.0)));
        assert_eq!(t("-4.5").as_number(), Ok(Some(-4.5)));
        for bad in ["1e3", "inf", "NaN", "1,000", "4.5.1", "-", "."] {
            assert!(t(bad).as_number().is_err(), "{bad}");
        }
        assert_eq!(t("2025-03-14").as_date(), Ok(Some(date(2025, 3, 14))));
        assert_eq!(t("2025/03/14").as_date(), Ok(Some(date(2025, 3, 14))));
        assert_eq!(t("2025-03-14 09:30").as_date(), Ok(Some(date(2025, 3, 14))));
        assert_eq!(
            t("2025-03-14 09:30:05").as_date(),
            Ok(Some(date(2025, 3, 14)))
        );
        assert_eq!(
            t("2025-03-14T09:30:05Z").as_date(),
            Ok(Some(date(2025, 3, 14)))
        );
        for bad in ["3/14/2025", "2025-02-30", "2025-03-14 noon", "14.03.2025"] {
            assert!(t(bad).as_date().is_err(), "{bad}");
        }
        assert_eq!(
            t(" a; b ;;c; ").as_list(),
            Ok(Some(vec!["a".into(), "b".into(), "c".into()]))
        );
        assert_eq!(Cell::Number(42.0).key().as_deref(), Some("42"));
        assert_eq!(Cell::Number(4.5).as_text(), Ok(Some("4.5".into())));
    }
}
