use super::*;

fn policy() -> Policy {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    crate::compile_str("acme.credo", &text).policy.unwrap()
}

/// What each record of a set became: `id: ok` with its value, or `file:row id: error`.
fn read(tables: &[(Table, &str)]) -> Vec<String> {
    let bytes: Vec<(Table, &[u8])> = tables.iter().map(|(t, s)| (*t, s.as_bytes())).collect();
    let src = from_csv_bytes(&bytes, None).unwrap();
    let p = policy();
    let mut out = Vec::new();
    read_set(src.as_ref(), |r| {
        let e = r.entry(&p);
        out.push(match (e.result, r.value(Some(&p))) {
            (Ok(c), Ok(v)) => format!("{}: {v}", c.id),
            (Err(e), _) => format!(
                "{}:{} {}: {}",
                e.file,
                e.line,
                e.record.as_deref().unwrap_or("-"),
                e.error
            ),
            (Ok(c), Err(e)) => format!("{}: value failed: {}", c.id, e.error),
        });
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

#[test]
fn rows_join_on_the_candidate_in_either_order() {
    let candidates = "\u{feff}id,applied,attr.enrolled,attr.credits,protected.sex\nc-1,soc_analyst; cloud_security_associate,TRUE,42,female\nc-2,,false,,\n";
    let in_order = "candidate,id,issued,verified\nc-1,security_plus,2025-03-14,True\nc-1,cysa_plus,2025/01/02 10:00,\nc-2,security_plus,,false\n";
    let out_of_order = "candidate,id,issued,verified\nc-2,security_plus,,false\nc-1,security_plus,2025-03-14,True\nc-1,cysa_plus,2025/01/02 10:00,\n";
    let want = vec![
        r#"c-1: {"id":"c-1","applied":["soc_analyst","cloud_security_associate"],"attributes":{"enrolled":true,"credits":42},"protected":{"sex":"female"},"credentials":[{"id":"security_plus","issued":"2025-03-14","verified":true},{"id":"cysa_plus","issued":"2025-01-02"}]}"#.to_owned(),
        r#"c-2: {"id":"c-2","attributes":{"enrolled":false},"credentials":[{"id":"security_plus","verified":false}]}"#.to_owned(),
    ];
    for credentials in [in_order, out_of_order] {
        let got = read(&[
            (Table::Candidates, candidates),
            (Table::Credentials, credentials),
        ]);
        assert_eq!(got, want);
    }
}

/// Rows are numbered as a spreadsheet shows them: a line break inside a quoted cell stays in
/// its row, a blank line is a row of its own.
#[test]
fn bad_cells_name_table_row_column_and_candidate() {
    let candidates = "id,applied,attr.credits\nc-1,soc_analyst,\"forty\ntwo\"\n\nc-2,,7\n";
    let labs = "candidate,title,hours,completed\nc-1,\"Lab, with \"\"quotes\"\"\nand a line break\",-3,2025-02-30\nc-9,Orphan,1,\nc-2,Fine,2,2025-01-01\n";
    let got = read(&[(Table::Candidates, candidates), (Table::Labs, labs)]);
    assert_eq!(
        got,
        vec![
            // An orphan is reported where the join meets it (before the candidate it follows).
            "labs.csv:3 c-9: table `labs`, row 3: candidate `c-9` is not in `candidates` (add the candidate to `candidates` or correct the id in column `candidate` (A))".to_owned(),
            "candidates.csv:2 c-1: table `candidates`, row 2, column `attr.credits` (C): `forty\\ntwo` is not a number (write a number with digits and an optional `.` and sign, such as `42` or `4.5`); table `labs`, row 2, column `completed` (D): `2025-02-30` is not a real date (write the date as YYYY-MM-DD (such as 2025-03-14), or make it an Excel date cell)".to_owned(),
            r#"c-2: {"id":"c-2","attributes":{"credits":7},"labs":[{"title":"Fine","hours":2,"completed":"2025-01-01"}]}"#.to_owned(),
        ]
    );
    // The negative hours of a row whose cells all read are its error.
    let labs = "candidate,title,hours\nc-2,Lab,-3\n";
    let got = read(&[(Table::Candidates, "id\nc-2\n"), (Table::Labs, labs)]);
    assert_eq!(
        got,
        vec!["labs.csv:2 c-2: table `labs`, row 2, column `hours` (C): `hours` -3 is negative"]
    );
}

/// Every row is accounted for: orphans after the last candidate, rows without a candidate,
/// values past the header, a candidate without an id.
#[test]
fn nothing_is_dropped() {
    let candidates = "id,applied\nc-1,\n,soc_analyst\n";
    let samples = "candidate,skill,score\n,scripting,50\nc-1,scripting,101\nc-1,scripting,50,extra\nzz,scripting,1\n";
    let got = read(&[
        (Table::Candidates, candidates),
        (Table::WorkSamples, samples),
    ]);
    assert_eq!(got.len(), 4, "{got:#?}");
    assert!(
        got[0].starts_with(
            "work_samples.csv:2 -: table `work_samples`, row 2: the row names no candidate"
        ),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with(
            "work_samples.csv:5 zz: table `work_samples`, row 5: candidate `zz` is not in"
        ),
        "{got:#?}"
    );
    assert!(
        got[2].contains("row 3, column `score` (C): `score` 101 is outside 0..100"),
        "{got:#?}"
    );
    assert!(
        got[2].contains("row 4: the row has a value in column D, which has no header"),
        "{got:#?}"
    );
    assert!(got[3].starts_with("candidates.csv:3 -: table `candidates`, row 3, column `id` (A): the candidate has no id"), "{got:#?}");
}

#[test]
fn headers_are_checked_and_mapped() {
    let bytes: &[(Table, &[u8])] = &[(Table::Candidates, b"Candidate ID,Recruiter\nc-1,Ann\n")];
    let e = from_csv_bytes(bytes, None).err().unwrap();
    assert!(
        e.contains("unknown column `Candidate ID` (column A)"),
        "{e}"
    );
    assert!(e.contains("--columns MAP.yaml"), "{e}");
    let map = ColumnMap::from_yaml("candidates: { Candidate ID: id, Recruiter: ~ }").unwrap();
    let src = from_csv_bytes(bytes, Some(&map)).unwrap();
    let mut ids = Vec::new();
    read_set(src.as_ref(), |r| {
        ids.push(r.value(None).unwrap().to_string());
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(ids, vec![r#"{"id":"c-1"}"#]);
    let e = from_csv_bytes(&[(Table::Candidates, b"id,id\n")], None)
        .err()
        .unwrap();
    assert!(e.contains("the column `id` twice (columns A and B)"), "{e}");
    let e = from_csv_bytes(
        &[(Table::Labs, b"candidate\n"), (Table::Candidates, b"id\n")],
        None,
    );
    assert!(e.is_ok());
    let e = from_csv_bytes(&[(Table::Candidates, b"\xFF\xFEi\x00d\x00")], None)
        .err()
        .unwrap();
    assert!(e.contains("UTF-16"), "{e}");
}

#[test]
fn unknown_formats_name_the_formats_credo_reads() {
    let e = unreadable_format("export.csv").unwrap();
    assert!(e.contains("single table") && e.contains(FORMATS), "{e}");
    let e = unreadable_format("book.xls").unwrap();
    assert!(e.contains("save it as an Excel workbook (.xlsx)"), "{e}");
    assert_eq!(unreadable_format("records.yaml"), None);
    assert_eq!(unreadable_format("-"), None);
}

/// Blank lines are rows of their own in a spreadsheet, whether or not the file ends with a
/// line break; line breaks inside quoted cells are not.
#[test]
fn rows_are_numbered_as_a_spreadsheet_shows_them() {
    for tail in ["\n", ""] {
        let candidates = format!("id,applied\n\nc-1,\"a\nb\"\n\n\nc-2,\r\n\r\nc-3,bad;{tail}");
        let bytes: &[(Table, &[u8])] = &[(Table::Candidates, candidates.as_bytes())];
        let src = from_csv_bytes(bytes, None).unwrap();
        let mut rows = Vec::new();
        read_set(src.as_ref(), |r| {
            rows.push(r.place().1);
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(rows, vec![3, 6, 8], "ending {tail:?}");
    }
}
