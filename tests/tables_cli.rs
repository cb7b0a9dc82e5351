//! Record sets of tables (SPEC §16) through the binary: each shipped YAML record file, as a
//! folder of CSV tables and as an `.xlsx` workbook (in both date epochs), decides byte for byte
//! as the YAML does; the other commands take the sets too.

mod common;

use common::{credo, success};
use std::path::{Path, PathBuf};

const SHIPPED: [&str; 3] = ["acme-cyber", "data-analytics", "everup-admission"];

fn eval_json(policy: &str, records: &str) -> Vec<u8> {
    let policy = format!("policies/{policy}.credo");
    success(credo(&[
        "eval",
        &policy,
        records,
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]))
}

/// `credo convert YAML --to csv --out DIR`.
fn to_csv(name: &str, dir: &Path) -> PathBuf {
    let out = dir.join(name);
    let yaml = format!("policies/{name}.records.yaml");
    success(credo(&[
        "convert",
        &yaml,
        "--to",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]));
    out
}

/// Which columns hold dates, booleans and numbers, to write them as typed cells.
fn kind(header: &str) -> &'static str {
    match header {
        "issued" | "expires" | "date" | "completed" => "date-or-bool",
        "verified" | "reviewed" | "attr.enrolled" | "attr.internal_applicant" => "bool",
        "hours" | "score" | "months" | "attr.credits" => "number",
        _ => "text",
    }
}

/// Writes a CSV folder as a workbook: dates as Excel date cells (serial numbers in the 1900 or
/// 1904 epoch), booleans and numbers as typed cells, the rest as text.
fn to_xlsx(csv_dir: &Path, out: &Path, epoch_1904: bool) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let mut files: Vec<PathBuf> = std::fs::read_dir(csv_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let sheet = book.add_worksheet();
        sheet
            .set_name(file.file_stem().unwrap().to_str().unwrap())
            .unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&file)
            .unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let header: Vec<String> = rows[0].iter().map(str::to_owned).collect();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c16) = (r as u32, c as u16);
                if cell.is_empty() {
                    continue;
                }
                let kind = if r == 0 { "text" } else { kind(&header[c]) };
                let date = jiff::civil::Date::strptime("%Y-%m-%d", cell).ok();
                match (kind, date) {
                    ("date-or-bool", Some(d)) => {
                        let base = if epoch_1904 {
                            jiff::civil::date(1904, 1, 1)
                        } else {
                            jiff::civil::date(1899, 12, 30)
                        };
                        let serial = base.until(d).unwrap().get_days();
                        sheet
                            .write_number_with_format(r, c16, serial, &date_format)
                            .unwrap();
                    }
                    ("date-or-bool" | "bool", _) if cell == "true" || cell == "false" => {
                        sheet.write_boolean(r, c16, cell == "true").unwrap();
                    }
                    ("number", _) => {
                        sheet
                            .write_number(r, c16, cell.parse::<f64>().unwrap())
                            .unwrap();
                    }
                    _ => {
                        sheet.write_string(r, c16, cell).unwrap();
                    }
                }
            }
        }
    }
    book.save(out).unwrap();
    if epoch_1904 {
        set_1904_epoch(out);
    }
}

/// Marks a workbook as using the 1904 date epoch (`<workbookPr date1904="1">`).
fn set_1904_epoch(path: &Path) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut patched = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if f.name() == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains("<workbookPr"), "{text}");
            data = text
                .replace("<workbookPr", "<workbookPr date1904=\"1\"")
                .into_bytes();
            patched = true;
        }
        out.start_file(f.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(patched);
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn shipped_records_as_tables_decide_byte_identically() {
    let dir = tempfile::tempdir().unwrap();
    for name in SHIPPED {
        let yaml = eval_json(name, &format!("policies/{name}.records.yaml"));
        let csv = to_csv(name, dir.path());
        assert!(csv.join("credentials.csv").is_file());
        assert_eq!(
            String::from_utf8_lossy(&yaml),
            String::from_utf8_lossy(&eval_json(name, csv.to_str().unwrap())),
            "{name}: CSV folder"
        );
        for epoch_1904 in [false, true] {
            let book = dir.path().join(format!("{name}-{epoch_1904}.xlsx"));
            to_xlsx(&csv, &book, epoch_1904);
            assert_eq!(
                String::from_utf8_lossy(&yaml),
                String::from_utf8_lossy(&eval_json(name, book.to_str().unwrap())),
                "{name}: workbook (1904 epoch: {epoch_1904})"
            );
        }
        // What `convert` reads back from the tables is what the YAML holds, as `eval` reads it.
        let back = dir.path().join(format!("{name}.back.yaml"));
        success(credo(&[
            "convert",
            csv.to_str().unwrap(),
            "--to",
            "yaml",
            "--out",
            back.to_str().unwrap(),
        ]));
        assert_eq!(
            yaml,
            eval_json(name, back.to_str().unwrap()),
            "{name}: converted back"
        );
    }
}

/// A 1904-epoch workbook shifts every serial by 1,462 days: read in the wrong epoch, the
/// dates would be four years off and the decisions would differ. Pinned by one date.
#[test]
fn workbook_dates_are_read_in_their_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("set");
    std::fs::create_dir(&csv).unwrap();
    std::fs::write(csv.join("candidates.csv"), "id\nc-1\n").unwrap();
    std::fs::write(
        csv.join("credentials.csv"),
        "candidate,id,issued,verified\nc-1,security_plus,2025-03-14,true\n",
    )
    .unwrap();
    for epoch_1904 in [false, true] {
        let book = dir.path().join(format!("{epoch_1904}.xlsx"));
        to_xlsx(&csv, &book, epoch_1904);
        let out = success(credo(&["convert", book.to_str().unwrap(), "--to", "jsonl"]));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":\"c-1\",\"credentials\":[{\"id\":\"security_plus\",\"issued\":\"2025-03-14\",\"verified\":true}]}\n"
        );
    }
}

/// `audit`, `diff` and `test` read a set as they read the YAML.
#[test]
fn other_commands_take_record_sets() {
    let dir = tempfile::tempdir().unwrap();
    let csv = to_csv("acme-cyber", dir.path());
    let csv = csv.to_str().unwrap();
    let run = |cmd: &[&str], records: &str| {
        let mut args = cmd.to_vec();
        args.push(records);
        args.extend(["--as-of", "2026-11-25", "--format", "json"]);
        let o = credo(&args);
        (o.status.code(), o.stdout)
    };
    for cmd in [
        &["audit", "policies/acme-cyber.credo"][..],
        &[
            "diff",
            "policies/acme-cyber.credo",
            "policies/acme-cyber.credo",
        ][..],
    ] {
        let yaml = run(cmd, "policies/acme-cyber.records.yaml");
        assert_eq!(yaml.0, Some(0), "{cmd:?}");
        assert_eq!(run(cmd, csv), yaml, "{cmd:?}");
    }
    let suite = dir.path().join("suite.yaml");
    std::fs::write(
        &suite,
        format!(
            "cases:\n  - name: from a CSV set\n    record_file: {csv}\n    record_id: c-1001\n    role: soc_analyst\n    as_of: 2026-11-25\n    expect: {{ outcome: advance }}\n"
        ),
    )
    .unwrap();
    let o = credo(&["test", "policies/acme-cyber.credo", suite.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Files credo cannot read as records get a message naming the formats it reads, not a YAML
/// parser's complaint.
#[test]
fn unknown_formats_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("export.csv");
    std::fs::write(&single, "id,applied\nc-1,soc_analyst\n").unwrap();
    let zipped = dir.path().join("export.dat");
    std::fs::write(&zipped, b"PK\x03\x04rest").unwrap();
    for (path, says) in [
        (&single, "is a single table"),
        (&zipped, "is a zip archive"),
    ] {
        let o = credo(&[
            "eval",
            "policies/acme-cyber.credo",
            path.to_str().unwrap(),
            "--as-of",
            "2026-11-25",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.contains("credo reads YAML (.yaml, .yml), JSON (.json), JSON Lines (.jsonl), a folder of CSV tables"), "{err}");
    }
}

/// `--columns` renames an export's headers (here, the shipped Greenhouse example map).
#[test]
fn column_maps_rename_export_headers() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("greenhouse");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(
        set.join("candidates.csv"),
        "Candidate ID,First Name,Last Name,Email,Job Name,Source\n1042,Ann,Lee,a@example.com,soc_analyst,Referral\n",
    )
    .unwrap();
    let out = |map: Option<&str>| {
        let mut args = vec!["convert", set.to_str().unwrap(), "--to", "jsonl"];
        if let Some(m) = map {
            args.extend(["--columns", m]);
        }
        credo(&args)
    };
    let o = out(None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown column `Candidate ID`"));
    let o = out(Some("examples/columns/greenhouse.yaml"));
    assert_eq!(
        String::from_utf8(success(o)).unwrap(),
        "{\"id\":\"1042\",\"applied\":[\"soc_analyst\"]}\n"
    );
}

/// Workbook cells of the wrong kind are record errors naming sheet, row, column and
/// candidate: a plain number in a date column, a date in a number column, a boolean in a text
/// list; booleans and numbers stored as text read.
#[test]
fn workbook_bad_cells_are_record_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let c = book.add_worksheet();
    c.set_name("Candidates").unwrap();
    c.write_string(0, 0, "id").unwrap();
    c.write_string(0, 1, "attr.enrolled").unwrap();
    c.write_number(1, 0, 1042).unwrap();
    c.write_string(1, 1, "TRUE").unwrap();
    c.write_string(2, 0, "c-2").unwrap();
    c.write_boolean(2, 1, false).unwrap();
    let w = book.add_worksheet();
    w.set_name("work_samples").unwrap();
    for (i, h) in ["candidate", "skill", "score"].iter().enumerate() {
        w.write_string(0, i as u16, *h).unwrap();
    }
    w.write_number(1, 0, 1042).unwrap();
    w.write_string(1, 1, "scripting").unwrap();
    w.write_number_with_format(1, 2, 45730, &date).unwrap();
    w.write_string(2, 0, "c-2").unwrap();
    w.write_string(2, 1, "scripting").unwrap();
    w.write_string(2, 2, " 80 ").unwrap();
    let l = book.add_worksheet();
    l.set_name("credentials").unwrap();
    for (i, h) in ["candidate", "id", "issued"].iter().enumerate() {
        l.write_string(0, i as u16, *h).unwrap();
    }
    l.write_string(1, 0, "c-2").unwrap();
    l.write_string(1, 1, "security_plus").unwrap();
    l.write_number(1, 2, 45730).unwrap();
    book.save(&path).unwrap();
    let o = credo(&[
        "eval",
        "policies/acme-cyber.credo",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("{\"record\":\"1042\""), "{out}");
    assert!(
        lines[0].contains(
            "table `work_samples`, row 2, column `score` (C): the date 2025-03-14 is not a number"
        ),
        "{out}"
    );
    assert!(lines[1].starts_with("{\"record\":\"c-2\""), "{out}");
    assert!(
        lines[1].contains("table `credentials`, row 2, column `issued` (C): the number 45730 is not a date (the cell is not formatted as a date)"),
        "{out}"
    );
}
