//! Arrow record batches in and out through the Arrow C data interface (PyCapsules), with the
//! arrow-rs array crates only (no compute kernels, no pyarrow at build time). A row of the input
//! is written as one line of JSON (null = absent, `date32` as YYYY-MM-DD) and read by the same
//! record reader as the CLI's JSONL; the output is a struct array of summary columns and each
//! decision's JSON.

use arrow_array::builder::{Float64Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, StructArray};
use arrow_schema::{DataType, Field, Fields, TimeUnit};
use std::sync::Arc;

/// Checks that every column has a type this module writes as JSON; the error names the column.
pub fn check_types(fields: &Fields) -> Result<(), String> {
    fn ok(path: &str, dt: &DataType) -> Result<(), String> {
        match dt {
            DataType::Null
            | DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(_, _) => Ok(()),
            DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
                ok(&format!("{path}[]"), f.data_type())
            }
            DataType::Struct(fields) => fields
                .iter()
                .try_for_each(|f| ok(&format!("{path}.{}", f.name()), f.data_type())),
            DataType::Map(entries, _) => match entries.data_type() {
                DataType::Struct(kv) if kv.len() == 2 => {
                    if !matches!(
                        kv[0].data_type(),
                        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                    ) {
                        return Err(format!("column `{path}` is a map whose keys are not strings"));
                    }
                    ok(&format!("{path}{{}}"), kv[1].data_type())
                }
                _ => Err(format!("column `{path}` is a map of an unexpected layout")),
            },
            other => Err(format!(
                "column `{path}` has type {other}, which has no record form: use strings, numbers, booleans, date32, lists, structs or maps (cast dictionaries first)"
            )),
        }
    }
    fields.iter().try_for_each(|f| ok(f.name(), f.data_type()))
}

/// The string column holding each record's JSON text, or why it cannot.
pub fn json_column(batch: &StructArray, name: &str) -> Result<ArrayRef, String> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| format!("the batch has no column `{name}` (json_column)"))?;
    match col.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(col.clone()),
        other => Err(format!(
            "json_column `{name}` has type {other}; it must hold strings (each record as JSON)"
        )),
    }
}

/// Row `i` of a [`json_column`]: the record's JSON text (a null is a record error).
pub fn text_at(col: &ArrayRef, i: usize) -> Result<String, String> {
    if col.is_null(i) {
        return Err("the record's JSON text is null".to_owned());
    }
    Ok(match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(i).to_owned(),
        DataType::LargeUtf8 => col.as_string::<i64>().value(i).to_owned(),
        _ => col.as_string_view().value(i).to_owned(),
    })
}

/// Row `row` of the batch as one JSON object: a null column is an absent field.
pub fn row_json(batch: &StructArray, row: usize, out: &mut Vec<u8>) -> Result<(), String> {
    object(batch, row, out)
}

fn object(s: &StructArray, i: usize, out: &mut Vec<u8>) -> Result<(), String> {
    out.push(b'{');
    let mut first = true;
    for (f, col) in s.fields().iter().zip(s.columns()) {
        if col.is_null(i) || col.data_type() == &DataType::Null {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        string(f.name(), out);
        out.push(b':');
        value(col, i, out)?;
    }
    out.push(b'}');
    Ok(())
}

fn value(a: &ArrayRef, i: usize, out: &mut Vec<u8>) -> Result<(), String> {
    if a.is_null(i) {
        out.extend_from_slice(b"null");
        return Ok(());
    }
    match a.data_type() {
        DataType::Null => out.extend_from_slice(b"null"),
        DataType::Boolean => out.extend_from_slice(if a.as_boolean().value(i) {
            b"true"
        } else {
            b"false"
        }),
        DataType::Int8 => int(a.as_primitive::<Int8Type>().value(i), out),
        DataType::Int16 => int(a.as_primitive::<Int16Type>().value(i), out),
        DataType::Int32 => int(a.as_primitive::<Int32Type>().value(i), out),
        DataType::Int64 => int(a.as_primitive::<Int64Type>().value(i), out),
        DataType::UInt8 => int(a.as_primitive::<UInt8Type>().value(i), out),
        DataType::UInt16 => int(a.as_primitive::<UInt16Type>().value(i), out),
        DataType::UInt32 => int(a.as_primitive::<UInt32Type>().value(i), out),
        DataType::UInt64 => int(a.as_primitive::<UInt64Type>().value(i), out),
        DataType::Float32 => float(f64::from(a.as_primitive::<Float32Type>().value(i)), out)?,
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i), out)?,
        DataType::Utf8 => string(a.as_string::<i32>().value(i), out),
        DataType::LargeUtf8 => string(a.as_string::<i64>().value(i), out),
        DataType::Utf8View => string(a.as_string_view().value(i), out),
        DataType::Date32 => date(i64::from(a.as_primitive::<Date32Type>().value(i)), out),
        DataType::Date64 => date(
            a.as_primitive::<Date64Type>()
                .value(i)
                .div_euclid(86_400_000),
            out,
        ),
        // A timestamp is read as its UTC date, as the record reader reads an RFC 3339 one.
        DataType::Timestamp(unit, _) => {
            let (v, per_day) = match unit {
                TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().value(i), 86_400),
                TimeUnit::Millisecond => (
                    a.as_primitive::<TimestampMillisecondType>().value(i),
                    86_400_000,
                ),
                TimeUnit::Microsecond => (
                    a.as_primitive::<TimestampMicrosecondType>().value(i),
                    86_400_000_000,
                ),
                TimeUnit::Nanosecond => (
                    a.as_primitive::<TimestampNanosecondType>().value(i),
                    86_400_000_000_000,
                ),
            };
            date(v.div_euclid(per_day), out)
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let o = l.value_offsets();
            list(l.values(), o[i] as usize, o[i + 1] as usize, out)?;
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            let o = l.value_offsets();
            list(l.values(), o[i] as usize, o[i + 1] as usize, out)?;
        }
        DataType::FixedSizeList(_, n) => {
            let l = a.as_fixed_size_list();
            let n = *n as usize;
            list(l.values(), i * n, i * n + n, out)?;
        }
        DataType::Struct(_) => object(a.as_struct(), i, out)?,
        DataType::Map(_, _) => {
            let m = a.as_map();
            let o = m.value_offsets();
            let (keys, values) = (m.keys(), m.values());
            out.push(b'{');
            for (n, j) in (o[i] as usize..o[i + 1] as usize).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                value(keys, j, out)?;
                out.push(b':');
                value(values, j, out)?;
            }
            out.push(b'}');
        }
        other => return Err(format!("a value of type {other} has no record form")),
    }
    Ok(())
}

fn list(values: &ArrayRef, start: usize, end: usize, out: &mut Vec<u8>) -> Result<(), String> {
    out.push(b'[');
    for j in start..end {
        if j > start {
            out.push(b',');
        }
        value(values, j, out)?;
    }
    out.push(b']');
    Ok(())
}

fn int(v: impl std::fmt::Display, out: &mut Vec<u8>) {
    use std::io::Write;
    let _ = write!(out, "{v}");
}

fn float(v: f64, out: &mut Vec<u8>) -> Result<(), String> {
    if !v.is_finite() {
        return Err(format!("{v} is not a number a record can hold"));
    }
    let _ = serde_json::to_writer(&mut *out, &v);
    Ok(())
}

fn string(s: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Days since 1970-01-01 as `"YYYY-MM-DD"` (the civil-from-days algorithm of H. Hinnant).
fn date(days: i64, out: &mut Vec<u8>) {
    use std::io::Write;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let _ = write!(out, "\"{y:04}-{m:02}-{d:02}\"");
}

/// One output row: the summary columns and the decision's (or record error's) JSON.
pub struct Row<'a> {
    pub row: i64,
    pub json: &'a [u8],
    pub summary: Option<&'a crate::adapter::Summary>,
}

/// The output columns, in order.
pub fn out_fields() -> Fields {
    let s = |n: &str| Field::new(n, DataType::Utf8, true);
    Fields::from(vec![
        Field::new("row", DataType::Int64, false),
        s("candidate"),
        s("role"),
        s("outcome"),
        s("proposed"),
        Field::new(
            "met",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
        Field::new("coverage", DataType::Float64, true),
        Field::new("decision", DataType::Utf8, false),
        s("error"),
    ])
}

/// The output batch as one struct array (a record batch through the C data interface).
pub fn build(rows: &[Row<'_>]) -> Result<StructArray, String> {
    use crate::adapter::Summary;
    let json_bytes: usize = rows.iter().map(|r| r.json.len()).sum();
    if json_bytes > i32::MAX as usize {
        return Err(format!(
            "the decisions of this batch take {json_bytes} bytes of JSON, more than an Arrow string column holds (2 GiB): pass smaller batches"
        ));
    }
    let n = rows.len();
    let mut row = Int64Builder::with_capacity(n);
    let mut candidate = StringBuilder::with_capacity(n, n * 8);
    let mut role = StringBuilder::with_capacity(n, n * 8);
    let mut outcome = StringBuilder::with_capacity(n, n * 7);
    let mut proposed = StringBuilder::with_capacity(n, 0);
    let mut met = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
        "item",
        DataType::Utf8,
        true,
    )));
    let mut coverage = Float64Builder::with_capacity(n);
    let mut decision = StringBuilder::with_capacity(n, json_bytes);
    let mut error = StringBuilder::with_capacity(n, 0);
    for r in rows {
        row.append_value(r.row);
        let json = std::str::from_utf8(r.json).map_err(|e| e.to_string())?;
        decision.append_value(json);
        match r.summary {
            Some(Summary::Decision {
                candidate: c,
                role: ro,
                outcome: o,
                proposed: p,
                met: m,
                coverage: cov,
            }) => {
                candidate.append_value(c);
                role.append_value(ro);
                outcome.append_value(o);
                proposed.append_option(*p);
                for s in m {
                    met.values().append_value(s);
                }
                met.append(true);
                coverage.append_value(*cov);
                error.append_null();
            }
            Some(Summary::Error { record, error: e }) => {
                candidate.append_option(record.as_deref());
                role.append_null();
                outcome.append_null();
                proposed.append_null();
                met.append(false);
                coverage.append_null();
                error.append_value(e);
            }
            None => return Err("a decision was made without its summary".to_owned()),
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(row.finish()),
        Arc::new(candidate.finish()),
        Arc::new(role.finish()),
        Arc::new(outcome.finish()),
        Arc::new(proposed.finish()),
        Arc::new(met.finish()),
        Arc::new(coverage.finish()),
        Arc::new(decision.finish()),
        Arc::new(error.finish()),
    ];
    StructArray::try_new(out_fields(), columns, None).map_err(|e| e.to_string())
}
