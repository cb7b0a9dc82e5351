//! JSON Canonicalization Scheme (RFC 8785), for `eddsa-jcs-2022` and `@json` literals.
//!
//! Written here rather than taken from a crate: it is one short function over `serde_json`'s
//! values (keys sorted by UTF-16 code units, strings escaped as ECMAScript's `JSON.stringify`,
//! numbers in ECMAScript's shortest form), and the JCS crates pull in their own serializers.

use serde_json::Value;
use std::fmt::Write as _;

/// The canonical text of a JSON value. `None` for a number JCS cannot write (NaN, infinity).
pub fn canonical(v: &Value) -> Option<String> {
    let mut out = String::new();
    write(v, &mut out)?;
    Some(out)
}

fn write(v: &Value, out: &mut String) -> Option<()> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)?),
        Value::String(s) => string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(x, out)?;
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                write(&m[k], out)?;
            }
            out.push('}');
        }
    }
    Some(())
}

/// A string as `JSON.stringify` writes it. Runs of bytes that need no escape (all but `"`, `\`
/// and controls) are copied whole: this is most of what an `eddsa-jcs-2022` proof hashes.
pub fn string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        // `b` is ASCII, so `i` and `i + 1` are character boundaries.
        out.push_str(&s[start..i]);
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{c:04x}");
            }
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// A number as ECMAScript's `Number.prototype.toString` writes it.
pub fn number(n: &serde_json::Number) -> Option<String> {
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() < (1 << 53) {
            return Some(i.to_string());
        }
    }
    es_number(n.as_f64()?)
}

/// ECMAScript's shortest round-trip form of a double (ECMA-262 Number::toString).
pub fn es_number(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some("0".into());
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde±x".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().ok()? + 1; // position of the decimal point
    let mut s = String::new();
    if f < 0.0 {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        s.push_str(&digits[..n as usize]);
        s.push('.');
        s.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        s.push_str(&digits[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if n > 0 { '+' } else { '-' });
        s.push_str(&(n - 1).abs().to_string());
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_ecmascript() {
        for (f, want) in [
            (1.0, "1"),
            (-0.0, "0"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-1.5e-9, "-1.5e-9"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ] {
            assert_eq!(es_number(f).as_deref(), Some(want), "{f}");
        }
    }

    #[test]
    fn strings_escape_at_either_end_and_between_wide_characters() {
        for (text, want) in [
            ("", r#""""#),
            ("\"", r#""\"""#),
            ("\u{1f}é\\", r#""\u001fé\\""#),
            ("😀\n€\u{7f}\t", "\"😀\\n€\u{7f}\\t\""),
            ("plain text", r#""plain text""#),
        ] {
            let mut out = String::new();
            string(text, &mut out);
            assert_eq!(out, want, "{text:?}");
            // What JCS writes for a string is what JSON reads back as the same string.
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
        }
    }

    #[test]
    fn keys_sort_by_utf16_and_strings_escape() {
        let v: Value = serde_json::from_str(
            r#"{"\u20ac":1,"\r":2,"\ud83d\ude00":3,"a":"\u0001\u00e9\"","1":[true,null]}"#,
        )
        .unwrap();
        assert_eq!(
            canonical(&v).unwrap(),
            "{\"\\r\":2,\"1\":[true,null],\"a\":\"\\u0001é\\\"\",\"€\":1,\"😀\":3}"
        );
    }
}
