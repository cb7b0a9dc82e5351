//! The malformed decision logs in `tests/fixtures/malformed/logs` (see `generate.py` there):
//! what `credo log verify` says of each, and what appending to a copy of each does.

mod common;

use common::{credo, eval_sample};
use std::path::Path;

/// `log verify` of the file, then `eval --log` onto a copy and `log verify` of the copy.
fn report(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let shown = |bytes: &[u8], file: &Path| {
        String::from_utf8_lossy(bytes).replace(&file.display().to_string(), "LOG")
    };
    let o = credo(&["log", "verify", path.to_str().unwrap()]);
    let mut out = format!(
        "verify: exit {:?}\n{}",
        o.status.code(),
        shown(&o.stdout, path)
    );
    let dir = std::env::temp_dir().join(format!("credo-log-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(&name);
    std::fs::copy(path, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let o = eval_sample(&["--format", "jsonl", "--log", copy.to_str().unwrap()]);
    let after = std::fs::read(&copy).unwrap();
    let verdict = credo::log::verify(&after);
    out.push_str(&format!(
        "append: exit {:?}, log {}\n{}",
        o.status.code(),
        if after == before {
            "unchanged"
        } else {
            "appended to"
        },
        shown(&o.stderr, &copy)
            .lines()
            .filter(|l| l.starts_with("error") || l.starts_with("warning"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    ));
    out.push_str(&format!(
        "after: {} entries, problem {:?}, torn {:?}\n",
        verdict.verified,
        verdict.problem.map(|p| (p.line, p.kind)),
        verdict.torn
    ));
    if o.status.code() == Some(0) {
        // Appending never leaves a log that fails to verify.
        assert!(verdict.torn.is_empty(), "{name}");
    }
    let _ = std::fs::remove_file(&copy);
    out
}

#[test]
fn malformed_logs_are_reported_and_not_built_on() {
    insta::glob!("fixtures/malformed/logs/*.log", |path| {
        insta::assert_snapshot!(report(path));
    });
}
