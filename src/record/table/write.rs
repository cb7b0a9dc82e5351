//! Record values to a CSV record set (`credo convert --to csv DIR`): the inverse of reading
//! one, so that records → tables → records is the identity. A record that a table cannot hold
//! as it is (an Open Badges object, a list item with a `;`, text that would read back as
//! absent) is refused with the reason, and the others are written.

use super::columns::{columns, Kind};
use super::Table;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Writes records into a folder of CSV tables. The `candidates` columns (`attr.NAME`,
/// `protected.NAME`) are fixed when it is made: find them first with [`TableWriter::columns`].
pub struct TableWriter {
    dir: PathBuf,
    attributes: Vec<String>,
    protected: Vec<String>,
    writers: [Option<csv::Writer<BufWriter<File>>>; 7],
}

impl TableWriter {
    /// The `attr.NAME` and `protected.NAME` names a record uses, added to `attributes` and
    /// `protected`.
    pub fn columns(
        record: &Value,
        attributes: &mut BTreeSet<String>,
        protected: &mut BTreeSet<String>,
    ) {
        for (key, set) in [("attributes", attributes), ("protected", protected)] {
            if let Some(Value::Object(m)) = record.get(key) {
                set.extend(m.keys().cloned());
            }
        }
    }

    /// A writer into `dir` (created if missing; tables in it are replaced).
    pub fn new(
        dir: &Path,
        attributes: &BTreeSet<String>,
        protected: &BTreeSet<String>,
    ) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut w = TableWriter {
            dir: dir.to_owned(),
            attributes: attributes.iter().cloned().collect(),
            protected: protected.iter().cloned().collect(),
            writers: Default::default(),
        };
        // `candidates.csv` is written even for no records: a set needs it.
        w.writer(Table::Candidates)?;
        Ok(w)
    }

    fn header(&self, t: Table) -> Vec<String> {
        let mut h: Vec<String> = columns(t).iter().map(|(n, _)| (*n).to_owned()).collect();
        if t == Table::Candidates {
            h.extend(self.attributes.iter().map(|a| format!("attr.{a}")));
            h.extend(self.protected.iter().map(|p| format!("protected.{p}")));
        }
        h
    }

    fn writer(&mut self, t: Table) -> Result<&mut csv::Writer<BufWriter<File>>, String> {
        if self.writers[t as usize].is_none() {
            let path = self.dir.join(format!("{}.csv", t.name()));
            let f = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_record(self.header(t))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            self.writers[t as usize] = Some(w);
        }
        match &mut self.writers[t as usize] {
            Some(w) => Ok(w),
            None => Err("the table could not be opened".into()),
        }
    }

    /// Writes one record. `Ok(Err(why))` when the record cannot be written as tables (nothing
    /// of it is written); `Err` when a file cannot be written.
    pub fn write(&mut self, record: &Value) -> Result<Result<(), String>, String> {
        let rows = match self.rows(record) {
            Ok(rows) => rows,
            Err(why) => return Ok(Err(why)),
        };
        for (t, row) in rows {
            self.writer(t)?
                .write_record(&row)
                .map_err(|e| e.to_string())?;
        }
        Ok(Ok(()))
    }

    /// Flushes every table.
    pub fn finish(mut self) -> Result<(), String> {
        for (t, w) in Table::ALL.iter().zip(&mut self.writers) {
            if let Some(w) = w {
                w.flush().map_err(|e| {
                    format!(
                        "{}: {e}",
                        self.dir.join(format!("{}.csv", t.name())).display()
                    )
                })?;
            }
        }
        Ok(())
    }

    /// The record's rows, table by table.
    fn rows(&self, record: &Value) -> Result<Vec<(Table, Vec<String>)>, String> {
        let m = record.as_object().ok_or("a record must be a mapping")?;
        let id = match m.get("id") {
            Some(v) => scalar(v, "id", Kind::Key)?,
            None => None,
        }
        .ok_or("the record has no `id`")?;
        let mut out = Vec::new();
        let mut row = vec![id.clone()];
        row.push(match m.get("applied") {
            Some(v) => scalar(v, "applied", Kind::List)?.unwrap_or_default(),
            None => String::new(),
        });
        for (key, names) in [
            ("attributes", &self.attributes),
            ("protected", &self.protected),
        ] {
            let given = match m.get(key) {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(o)) => o.clone(),
                Some(_) => return Err(format!("`{key}` must be a mapping")),
            };
            for name in names {
                let v = given
                    .get(name)
                    .map(|v| scalar(v, &format!("{key}.{name}"), Kind::Attr));
                row.push(v.transpose()?.flatten().unwrap_or_default());
            }
        }
        out.push((Table::Candidates, row));
        for (k, _) in m {
            let known = ["id", "applied", "attributes", "protected"].contains(&k.as_str())
                || Table::from_name(k).is_some_and(|t| t != Table::Candidates);
            if !known {
                return Err(format!("unknown field `{k}` in the record"));
            }
        }
        for t in &Table::ALL[1..] {
            let items = match m.get(t.name()) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(a)) => a,
                Some(_) => return Err(format!("`{}` must be a list", t.name())),
            };
            for (i, item) in items.iter().enumerate() {
                let what = format!("{} {}", t.name(), i + 1);
                let o = item
                    .as_object()
                    .ok_or_else(|| format!("{what} must be a mapping"))?;
                let flat;
                let o = if *t == Table::Credentials
                    && (o.contains_key("type") || o.contains_key("credentialSubject"))
                {
                    flat = open_badge(o).map_err(|e| format!("{what}: {e}"))?;
                    &flat
                } else {
                    o
                };
                for k in o.keys() {
                    if !columns(*t)
                        .iter()
                        .any(|(n, kind)| n == k && *kind != Kind::Key)
                    {
                        return Err(format!(
                            "{what}: a table has no column for `{k}` (Open Badges credentials and other nested entries stay in YAML or JSON)"
                        ));
                    }
                }
                let mut row = Vec::new();
                for (name, kind) in columns(*t) {
                    if *kind == Kind::Key {
                        row.push(id.clone());
                        continue;
                    }
                    let v = o
                        .get(*name)
                        .map(|v| scalar(v, &format!("`{name}` in {what}"), *kind));
                    row.push(v.transpose()?.flatten().unwrap_or_default());
                }
                out.push((*t, row));
            }
        }
        Ok(out)
    }
}

/// An Open Badges credential as the columns of a credential row (the fields credo reads from
/// it: SPEC §7). One with a proof is refused: a table cannot carry the proof.
fn open_badge(o: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    if o.contains_key("proof") || o.contains_key("jwt") {
        return Err("an Open Badges credential with a proof cannot be written as a row (the proof would be lost); keep it in YAML or JSON".into());
    }
    let mut flat = Map::new();
    let mut put = |k: &str, v: Option<&Value>| {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            flat.insert(k.to_owned(), v.clone());
        }
    };
    put(
        "issuer",
        match o.get("issuer") {
            Some(Value::Object(i)) => i.get("id"),
            other => other,
        },
    );
    let achievement = o
        .get("credentialSubject")
        .and_then(|s| s.get("achievement"));
    put("achievement", achievement.and_then(|a| a.get("id")));
    put("title", achievement.and_then(|a| a.get("name")));
    put("issued", o.get("validFrom").or(o.get("issuanceDate")));
    put("expires", o.get("validUntil").or(o.get("expirationDate")));
    put("verified", o.get("verified"));
    Ok(flat)
}

/// A value as the text of a cell that reads back as the same value.
fn scalar(v: &Value, what: &str, kind: Kind) -> Result<Option<String>, String> {
    let text = |s: &str, trimmed: bool| -> Result<Option<String>, String> {
        if s.trim().is_empty() {
            Err(format!(
                "{what} is empty text, which a table reads as absent"
            ))
        } else if trimmed && s.trim() != s {
            Err(format!(
                "{what} `{s}` has white space around it, which a table does not keep"
            ))
        } else {
            Ok(Some(s.to_owned()))
        }
    };
    match (v, kind) {
        (Value::Null, _) => Ok(None),
        (Value::String(s), Kind::Key) => text(s, true),
        (Value::String(s), Kind::Text | Kind::Protected | Kind::Date) => text(s, false),
        (Value::String(s), Kind::Attr) => {
            let back = super::Cell::text(s.clone()).as_guess().ok().flatten();
            if back.as_ref() != Some(v) && s.trim().is_empty() {
                return Err(format!(
                    "{what} is empty text, which a table reads as absent"
                ));
            }
            Ok(Some(s.clone()))
        }
        (Value::Number(n), _) => Ok(Some(n.to_string())),
        (Value::Bool(b), _) => Ok(Some(b.to_string())),
        (Value::Array(items), Kind::List) => {
            let mut out = Vec::new();
            for item in items {
                let Value::String(s) = item else {
                    return Err(format!("{what} must list strings"));
                };
                if s.contains(';') {
                    return Err(format!(
                        "{what}: `{s}` holds a `;`, which separates a table's list items"
                    ));
                }
                out.push(text(s, true)?.unwrap_or_default());
            }
            Ok((!out.is_empty()).then(|| out.join(";")))
        }
        (Value::Array(_), _) => Err(format!("{what} is a list, which a table cell cannot hold")),
        (Value::Object(_), _) => Err(format!(
            "{what} is a mapping, which a table cell cannot hold"
        )),
        (Value::String(_), Kind::List | Kind::Bool | Kind::Number) => {
            Ok(Some(v.as_str().unwrap_or("").to_owned()))
        }
    }
}

/// Writes records into a folder of CSV tables; the reasons records could not be written, by
/// index.
pub fn write_csv_set(dir: &Path, records: &[Value]) -> Result<Vec<(usize, String)>, String> {
    let (mut attributes, mut protected) = (BTreeSet::new(), BTreeSet::new());
    for r in records {
        TableWriter::columns(r, &mut attributes, &mut protected);
    }
    let mut w = TableWriter::new(dir, &attributes, &protected)?;
    let mut refused = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if let Err(why) = w.write(r)? {
            refused.push((i, why));
        }
    }
    w.finish()?;
    Ok(refused)
}
