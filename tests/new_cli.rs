//! `credo new [DIR]`: the pilot it scaffolds checks and passes its own tests out of the box,
//! and it never overwrites a file.

mod common;

use common::{credo, stdout};
use std::path::Path;

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("credo runs")
}

#[test]
fn the_pilot_checks_without_warnings_and_passes_its_tests() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("pilot");
    let dir_s = dir.to_str().expect("a UTF-8 path");
    let o = credo(&["new", dir_s]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let printed = stdout(&o);
    for name in ["pilot.credo", "pilot.records.yaml", "pilot.test.yaml"] {
        assert!(dir.join(name).is_file(), "{name} was not written");
        assert!(
            printed.contains(&format!("created {dir_s}/{name}")),
            "{printed}"
        );
    }
    let policy = dir.join("pilot.credo");
    let policy = policy.to_str().expect("UTF-8");
    let check = credo(&["check", policy, "--deny-warnings"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let suite = dir.join("pilot.test.yaml");
    let test = credo(&["test", policy, suite.to_str().expect("UTF-8"), "--coverage"]);
    let report = stdout(&test);
    assert_eq!(test.status.code(), Some(0), "{report}");
    assert!(report.contains("8 passed, 0 failed"), "{report}");
    // The suite exercises every accept line and decide rule of the pilot.
    assert!(
        report.contains("accept lines 9/9, decide rules 4/4"),
        "{report}"
    );

    // The sample records are decided without record errors, and the next steps it prints work.
    let records = dir.join("pilot.records.yaml");
    let eval = credo(&[
        "eval",
        policy,
        records.to_str().expect("UTF-8"),
        "--as-of",
        "2026-11-25",
    ]);
    assert_eq!(
        eval.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    assert_eq!(stdout(&eval).lines().count(), 4, "{}", stdout(&eval));
}

#[test]
fn the_default_folder_is_the_current_one_and_the_next_steps_name_its_files() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["new"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(tmp.path().join("pilot.credo").is_file());
    let printed = stdout(&o);
    assert!(
        printed.contains("credo test  ./pilot.credo ./pilot.test.yaml --coverage"),
        "{printed}"
    );
    // The commands it suggests run as printed.
    let t = run_in(tmp.path(), &["test", "./pilot.credo", "./pilot.test.yaml"]);
    assert_eq!(t.status.code(), Some(0), "{}", stdout(&t));
}

#[test]
fn an_existing_file_is_never_overwritten_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mine = tmp.path().join("pilot.test.yaml");
    std::fs::write(&mine, "my own suite\n").expect("a file of the user's");
    let o = run_in(tmp.path(), &["new", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "error: `./pilot.test.yaml` already exists; `credo new` never overwrites a file"
        ),
        "{err}"
    );
    assert!(err.contains("help: run it in an empty folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&mine).expect("still there"),
        "my own suite\n"
    );
    assert!(
        !tmp.path().join("pilot.credo").exists(),
        "a file was written anyway"
    );
    assert!(
        !tmp.path().join("pilot.records.yaml").exists(),
        "a file was written anyway"
    );
}

#[test]
fn running_it_twice_refuses_the_second_time() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_eq!(run_in(tmp.path(), &["new", "p"]).status.code(), Some(0));
    let before = std::fs::read(tmp.path().join("p/pilot.credo")).expect("the policy");
    let again = run_in(tmp.path(), &["new", "p"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr)
        .contains("`p/pilot.credo`, `p/pilot.records.yaml`, `p/pilot.test.yaml` already exist"));
    assert_eq!(
        std::fs::read(tmp.path().join("p/pilot.credo")).expect("the policy"),
        before
    );
}

#[test]
fn a_folder_that_cannot_be_made_is_an_error() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").expect("a file");
    let o = credo(&["new", file.join("sub").to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("error: cannot create the folder"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
