//! Which field each column of a table is: the header as written, or as `--columns MAP.yaml`
//! renames it (a header mapped to null is ignored).

use super::Table;
use std::collections::BTreeMap;

/// How a column's cells are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The join key: `id` in `candidates`, `candidate` in the other tables.
    Key,
    /// Text, kept as written.
    Text,
    /// A `;`-separated list.
    List,
    /// `true`/`false`.
    Bool,
    /// A number.
    Number,
    /// A date.
    Date,
    /// `attr.NAME`: typed as the policy declares the attribute.
    Attr,
    /// `protected.NAME`: text.
    Protected,
}

/// The fixed columns of each table (the `candidates` table also takes `attr.NAME` and
/// `protected.NAME`).
pub fn columns(t: Table) -> &'static [(&'static str, Kind)] {
    use Kind::*;
    match t {
        Table::Candidates => &[("id", Key), ("applied", List)],
        Table::Credentials => &[
            ("candidate", Key),
            ("id", Text),
            ("issuer", Text),
            ("title", Text),
            ("achievement", Text),
            ("issued", Date),
            ("expires", Date),
            ("verified", Bool),
        ],
        Table::Artifacts => &[
            ("candidate", Key),
            ("title", Text),
            ("skills", List),
            ("date", Date),
            ("reviewed", Bool),
        ],
        Table::Labs => &[
            ("candidate", Key),
            ("title", Text),
            ("skills", List),
            ("completed", Date),
            ("hours", Number),
        ],
        Table::WorkSamples => &[("candidate", Key), ("skill", Text), ("score", Number)],
        Table::Experience => &[("candidate", Key), ("skill", Text), ("months", Number)],
        Table::Education => &[
            ("candidate", Key),
            ("level", Text),
            ("field", Text),
            ("completed", Bool),
        ],
    }
}

/// A column credo reads: its name (`issued`, `attr.credits`) and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The column's name in credo's terms.
    pub name: String,
    /// How its cells are read.
    pub kind: Kind,
}

/// The field a column name stands for in a table, if it is one of credo's.
pub fn field(t: Table, name: &str) -> Option<Field> {
    if let Some(&(n, kind)) = columns(t).iter().find(|(n, _)| *n == name) {
        return Some(Field {
            name: n.to_owned(),
            kind,
        });
    }
    if t == Table::Candidates {
        for (prefix, kind) in [("attr.", Kind::Attr), ("protected.", Kind::Protected)] {
            if name
                .strip_prefix(prefix)
                .is_some_and(|n| !n.trim().is_empty())
            {
                return Some(Field {
                    name: name.to_owned(),
                    kind,
                });
            }
        }
    }
    None
}

/// `--columns MAP.yaml`: per table, export headers renamed to credo's columns (`None`: the
/// column is ignored).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnMap {
    tables: BTreeMap<Table, BTreeMap<String, Option<String>>>,
}

impl ColumnMap {
    /// Reads a map: `{ TABLE: { "Export header": column-or-null, … }, … }`. Every table and
    /// target column must be one credo reads.
    pub fn from_yaml(text: &str) -> Result<ColumnMap, String> {
        let raw: BTreeMap<String, Option<BTreeMap<String, Option<String>>>> =
            serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        let mut tables = BTreeMap::new();
        for (name, headers) in raw {
            let t = Table::from_name(&name).ok_or_else(|| {
                format!(
                    "unknown table `{name}` (the tables are {})",
                    Table::names_listed()
                )
            })?;
            let headers = headers.unwrap_or_default();
            for to in headers.values().flatten() {
                if field(t, to).is_none() {
                    return Err(format!(
                        "`{to}` is not a column of `{}` (its columns are {})",
                        t.name(),
                        columns_listed(t)
                    ));
                }
            }
            let headers = headers.into_iter().map(|(k, v)| (k.trim().to_owned(), v));
            tables.insert(t, headers.collect());
        }
        Ok(ColumnMap { tables })
    }

    /// What a header of a table is mapped to: `Some(None)` when it is ignored, `None` when the
    /// map does not name it.
    pub fn get(&self, t: Table, header: &str) -> Option<Option<&str>> {
        let to = self.tables.get(&t)?.get(header)?;
        Some(to.as_deref())
    }
}

/// A table's columns, for messages.
pub fn columns_listed(t: Table) -> String {
    let mut names: Vec<String> = columns(t).iter().map(|(n, _)| format!("`{n}`")).collect();
    if t == Table::Candidates {
        names.push("`attr.NAME`".into());
        names.push("`protected.NAME`".into());
    }
    names.join(", ")
}

/// A table's header row, resolved: which field each column is (`None`: ignored).
#[derive(Clone, Debug)]
pub struct Head {
    /// The table.
    pub table: Table,
    /// Where it was read from, for record errors (`DIR/credentials.csv`, `book.xlsx`).
    pub file: String,
    /// The headers as written.
    pub headers: Vec<String>,
    /// The field of each column.
    pub fields: Vec<Option<Field>>,
    /// The column of the join key.
    pub key: usize,
}

impl Head {
    /// Resolves a header row; an unknown, repeated or missing column is an error for the whole
    /// set (with the help to give).
    pub fn new(
        table: Table,
        file: String,
        headers: Vec<String>,
        map: Option<&ColumnMap>,
    ) -> Result<Head, String> {
        let mut fields: Vec<Option<Field>> = Vec::with_capacity(headers.len());
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim();
            let name = match map.and_then(|m| m.get(table, h)) {
                Some(None) => {
                    fields.push(None);
                    continue;
                }
                Some(Some(to)) => to,
                // A column without a header is read as nothing; a value in it is the row's
                // error.
                None if h.is_empty() => {
                    fields.push(None);
                    continue;
                }
                None => h,
            };
            let Some(f) = field(table, name) else {
                let hint = crate::diag::did_you_mean(name, columns(table).iter().map(|c| c.0))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "{file}: table `{}` has an unknown column `{}` (column {}){hint}\n  help: the columns of `{}` are {}; rename or ignore an export's headers with `--columns MAP.yaml` (`{}: {{ \"{}\": ~ }}` ignores this one)",
                    table.name(),
                    crate::visible::visible(name),
                    column_letter(i),
                    table.name(),
                    columns_listed(table),
                    table.name(),
                    crate::visible::visible(h).replace('"', "\\\""),
                ));
            };
            if let Some(j) = fields.iter().position(|g| g.as_ref() == Some(&f)) {
                return Err(format!(
                    "{file}: table `{}` has the column `{}` twice (columns {} and {})\n  help: remove one, or ignore one with `--columns MAP.yaml`",
                    table.name(),
                    f.name,
                    column_letter(j),
                    column_letter(i)
                ));
            }
            fields.push(Some(f));
        }
        let key_name = if table == Table::Candidates {
            "id"
        } else {
            "candidate"
        };
        let key = (fields.iter())
            .position(|f| f.as_ref().is_some_and(|f| f.kind == Kind::Key))
            .ok_or_else(|| {
                format!(
                    "{file}: table `{}` has no `{key_name}` column\n  help: add a `{key_name}` column, or map the export's column to it with `--columns MAP.yaml` (`{}: {{ \"Candidate ID\": {key_name} }}`)",
                    table.name(),
                    table.name()
                )
            })?;
        Ok(Head {
            table,
            file,
            headers,
            fields,
            key,
        })
    }

    /// How a column is named in a record error: its header, and its letter when the header is
    /// not credo's own name for it.
    pub fn column_name(&self, i: usize) -> String {
        let h = self.headers.get(i).map_or("", |h| h.trim());
        format!("`{}` ({})", crate::visible::visible(h), column_letter(i))
    }
}

/// A spreadsheet's column letter: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_a_spreadsheet_shows_them() {
        let l: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .map(column_letter)
            .into();
        assert_eq!(l, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn maps_rename_and_ignore_headers() {
        let m = ColumnMap::from_yaml(
            "candidates: { \"Candidate ID\": id, \"Recruiter\": ~, \"Gender\": protected.sex }\n",
        )
        .unwrap();
        let headers = ["Candidate ID", "Recruiter", " Gender "]
            .map(String::from)
            .to_vec();
        let h = Head::new(Table::Candidates, "c.csv".into(), headers, Some(&m)).unwrap();
        assert_eq!(h.key, 0);
        assert_eq!(h.fields[1], None);
        assert_eq!(h.fields[2].as_ref().unwrap().name, "protected.sex");
        let e = ColumnMap::from_yaml("candidate: {}\n").unwrap_err();
        assert!(e.contains("unknown table `candidate`"), "{e}");
        let e = ColumnMap::from_yaml("labs: { Hours: hour }\n").unwrap_err();
        assert!(e.contains("`hour` is not a column of `labs`"), "{e}");
    }
}
