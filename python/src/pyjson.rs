//! A Python record (dicts, lists, strings, numbers, booleans, None, `datetime.date`) written as
//! one line of JSON, for the record reader the CLI uses on JSONL. A value JSON cannot hold is
//! the record's error, naming where it is.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Deepest nesting written (a record is shallow; a cycle would recurse for ever).
const MAX_DEPTH: usize = 64;

/// The record as compact JSON, or what is wrong and where (`credentials[0].issued`).
pub fn record_json(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<(), String> {
    if !obj.is_instance_of::<PyDict>() {
        let ty = type_name(obj);
        return Err(format!("a record is a dict (a JSON object), not {ty}"));
    }
    let mut path = Vec::new();
    value(obj, out, &mut path).map_err(|e| {
        if path.is_empty() {
            e
        } else {
            format!("`{}`: {e}", path.concat())
        }
    })
}

/// The record's `id` when it is a string (to name a record that cannot be written).
pub fn record_id(obj: &Bound<'_, PyAny>) -> Option<String> {
    let d = obj.cast::<PyDict>().ok()?;
    d.get_item("id").ok()??.extract::<String>().ok()
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

fn value(obj: &Bound<'_, PyAny>, out: &mut Vec<u8>, path: &mut Vec<String>) -> Result<(), String> {
    if path.len() > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    if obj.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow().map_err(|e| e.to_string())?;
        let s = &*s;
        string(s, out);
    } else if let Ok(b) = obj.cast::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if obj.is_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Err(_) => {
                let text = obj.str().map_err(|e| e.to_string())?;
                out.extend_from_slice(text.to_cow().map_err(|e| e.to_string())?.as_bytes());
            }
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        if !v.is_finite() {
            return Err(format!("{v} is not a number JSON can hold"));
        }
        serde_json::to_writer(&mut *out, &v).map_err(|e| e.to_string())?;
    } else if let Ok(d) = obj.cast::<PyDict>() {
        out.push(b'{');
        for (i, (k, v)) in d.iter().enumerate() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(format!("a key is {}, not a string", type_name(&k)));
            };
            let k = k.to_cow().map_err(|e| e.to_string())?;
            let k = &*k;
            if i > 0 {
                out.push(b',');
            }
            string(k, out);
            out.push(b':');
            path.push(if path.is_empty() {
                k.to_owned()
            } else {
                format!(".{k}")
            });
            value(&v, out, path)?;
            path.pop();
        }
        out.push(b'}');
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        out.push(b'[');
        for (i, v) in obj.try_iter().map_err(|e| e.to_string())?.enumerate() {
            let v = v.map_err(|e| e.to_string())?;
            if i > 0 {
                out.push(b',');
            }
            path.push(format!("[{i}]"));
            value(&v, out, path)?;
            path.pop();
        }
        out.push(b']');
    } else if obj.is_instance_of::<PyDate>() {
        // A datetime is a date too: its ISO form (with its time), a date's YYYY-MM-DD.
        let iso = obj.call_method0("isoformat").map_err(|e| e.to_string())?;
        string(&iso.extract::<String>().map_err(|e| e.to_string())?, out);
    } else {
        return Err(format!(
            "a value of type {} has no JSON form (use str, int, float, bool, None, dict, list or datetime.date)",
            type_name(obj)
        ));
    }
    Ok(())
}

fn string(s: &str, out: &mut Vec<u8>) {
    // Writing a str to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}
