//! Malformed record sets of tables (`tests/fixtures/malformed/tables/`, written by its
//! `generate.py`): every bad cell is a record error naming table, row, column and candidate,
//! every row is accounted for, and a set that cannot be read at all is refused with a help
//! line. Each result is pinned in a snapshot.

use credo::record::table::read_entries;
use credo::visible::visible;
use std::path::Path;

fn report(dir: &Path, policy: &credo::policy::Policy) -> String {
    let name = dir.to_string_lossy().replace('\\', "/");
    let rel = name
        .split("tests/fixtures/malformed/tables/")
        .nth(1)
        .unwrap_or(&name)
        .to_owned();
    let entries = match read_entries(&name, None, policy) {
        Ok(e) => e,
        Err(e) => return format!("set refused: {}", visible(&e.replace(&name, &rel))),
    };
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut out = Vec::new();
    for e in entries {
        let file = e.file.replace(&name, &rel);
        out.push(match e.result {
            Ok(c) => {
                let d = credo::eval::evaluate(policy, &c, 0, as_of);
                format!(
                    "{file} row {}: {} → {}",
                    e.line,
                    visible(&c.id),
                    d.outcome.as_str()
                )
            }
            Err(err) => format!(
                "{} row {}: record {} error: {}",
                err.file.replace(&name, &rel),
                err.line,
                visible(err.record.as_deref().unwrap_or("(no id)")),
                visible(&err.error)
            ),
        });
    }
    out.join("\n")
}

#[test]
fn malformed_record_sets_get_record_errors() {
    let policy = credo::load_policy(Path::new("policies/acme-cyber.credo"))
        .unwrap()
        .policy
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed/tables");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 25, "every generated set is read");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name.clone(), report(&dir, &policy));
    }
}
