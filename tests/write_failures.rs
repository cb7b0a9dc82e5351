//! Failed writes are errors: every command whose output cannot be written (a full disk, here
//! `/dev/full`) says so and exits 2; only a closed pipe (`credo … | head`) is quiet, and then
//! the exit code still counts the record errors seen. Output files are replaced atomically.

mod common;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const POLICY: &str = "policies/acme-cyber.credo";
const RECORDS: &str = "policies/acme-cyber.records.jsonl";

/// Runs credo with standard output (or standard error) going to `/dev/full`.
fn to_full(args: &[&str], stderr_full: bool) -> Output {
    let full = || Stdio::from(File::create("/dev/full").expect("/dev/full opens"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_credo"));
    cmd.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
    if stderr_full {
        cmd.stdout(Stdio::piped()).stderr(full());
    } else {
        cmd.stdout(full()).stderr(Stdio::piped());
    }
    cmd.output().expect("credo runs")
}

/// A decision log of the shipped records, written by `eval --log`.
fn a_log(dir: &Path) -> String {
    let log = dir.join("decisions.log");
    let log = log.to_str().unwrap().to_owned();
    let o = common::credo(&[
        "eval",
        POLICY,
        RECORDS,
        "--as-of",
        "2026-11-25",
        "--log",
        &log,
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    log
}

#[test]
fn every_command_fails_when_standard_output_is_full() {
    let dir = tempfile::tempdir().unwrap();
    let log = a_log(dir.path());
    let commands: Vec<Vec<&str>> = vec![
        vec!["eval", POLICY, RECORDS, "--as-of", "2026-11-25"],
        vec![
            "eval",
            POLICY,
            RECORDS,
            "--as-of",
            "2026-11-25",
            "--explain",
        ],
        vec![
            "eval",
            POLICY,
            RECORDS,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        vec![
            "eval",
            POLICY,
            RECORDS,
            "--as-of",
            "2026-11-25",
            "--format",
            "jsonl",
        ],
        vec!["audit", POLICY, RECORDS, "--as-of", "2026-11-25"],
        vec![
            "audit",
            POLICY,
            RECORDS,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        vec!["posting", POLICY, "soc_analyst", "--as-of", "2026-11-25"],
        vec!["posting", POLICY, "soc_analyst", "--format", "html"],
        vec!["posting", POLICY, "soc_analyst", "--format", "jsonld"],
        vec!["kit", POLICY, "soc_analyst", "--as-of", "2026-11-25"],
        vec![
            "diff",
            POLICY,
            "policies/data-analytics.credo",
            RECORDS,
            "--as-of",
            "2026-11-25",
        ],
        vec!["diff", POLICY, POLICY, RECORDS, "--format", "json"],
        vec!["test", POLICY, "policies/acme-cyber.test.yaml"],
        vec![
            "test",
            POLICY,
            "policies/acme-cyber.test.yaml",
            "--format",
            "json",
        ],
        vec!["log", "verify", &log],
        vec!["log", "verify", &log, "--format", "json"],
        vec!["fmt", "--stdout", POLICY],
    ];
    for args in &commands {
        let o = to_full(args, false);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// `--help` and `--version` are output too: printed into a full disk they fail, and so does
/// a usage error whose message cannot be shown.
#[test]
fn help_and_version_fail_when_standard_output_is_full() {
    for args in [&["--help"][..], &["--version"], &["eval", "--help"]] {
        let o = to_full(args, false);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
        // Into a real output, the same arguments succeed.
        assert_eq!(common::credo(args).status.code(), Some(0), "{args:?}");
    }
    assert_eq!(to_full(&["bogus"], true).status.code(), Some(2));
}

/// The same command succeeds with ordinary output, so it is the write that fails above.
#[test]
fn the_same_commands_succeed_with_a_real_output() {
    let o = common::credo(&["kit", POLICY, "soc_analyst", "--as-of", "2026-11-25"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!o.stdout.is_empty());
}

#[test]
fn check_fails_when_its_diagnostics_cannot_be_written() {
    // The shipped policy has one warning and no error: exit 0 when the warning is shown.
    let shown = common::credo(&["check", POLICY]);
    assert_eq!(shown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&shown.stderr).contains("1 warning"));
    for format in ["human", "json"] {
        let o = to_full(&["check", POLICY, "--error-format", format], true);
        assert_eq!(o.status.code(), Some(2), "--error-format {format}");
    }
    // With no diagnostic, the `ok` line is the output.
    let o = to_full(&["check", "policies/data-analytics.credo"], true);
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn the_summary_on_standard_error_is_output_too() {
    // A policy without warnings: the summary line is all that goes to standard error.
    let args = [
        "eval",
        "policies/data-analytics.credo",
        "policies/data-analytics.records.yaml",
        "--as-of",
        "2026-11-25",
    ];
    let o = to_full(&args, true);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 16);
    // A policy warning that cannot be shown stops the command before it decides anything.
    let o = to_full(&["eval", POLICY, RECORDS, "--as-of", "2026-11-25"], true);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

/// Records whose second line is an error, then enough good records to fill any pipe.
fn batch_with_an_error(dir: &Path) -> String {
    let mut text = String::from(
        "{\"id\": \"c-1\", \"applied\": [\"soc_analyst\"], \"credentials\": []}\n\
         {\"id\": \"c-2\", \"applied\": [\"soc_analyst\"], \"nickname\": \"x\"}\n",
    );
    for i in 3..20_000 {
        text.push_str(&format!(
            "{{\"id\": \"c-{i}\", \"applied\": [\"soc_analyst\"], \"credentials\": \
             [{{\"id\": \"security_plus\", \"issued\": \"2025-03-14\"}}]}}\n"
        ));
    }
    let path = dir.join("records.jsonl");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Reads one line of credo's output, closes the pipe, and waits for the exit.
fn read_one_line(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("credo runs");
    let mut first = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        first,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_is_quiet_but_record_errors_still_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let records = batch_with_an_error(dir.path());
    for format in ["text", "jsonl", "json"] {
        let args = [
            "eval",
            POLICY,
            &records,
            "--as-of",
            "2026-11-25",
            "--format",
            format,
            "--jobs",
            "2",
        ];
        let (code, first, stderr) = read_one_line(&args);
        assert!(!first.is_empty(), "{format}");
        assert_eq!(code, Some(3), "{format}: {stderr}");
        assert!(!stderr.contains("cannot write"), "{format}: {stderr}");
    }
    // Without a record error the same early close exits 0, quietly.
    let clean = dir.path().join("clean.jsonl");
    let text = std::fs::read_to_string(&records).unwrap();
    let good: String = text.lines().skip(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&clean, good).unwrap();
    let (code, _, stderr) = read_one_line(&["eval", POLICY, clean.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn a_closed_pipe_is_quiet_for_the_other_commands() {
    // A megabyte of formatted policy (comments are kept): more than a pipe holds.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("long.credo");
    let mut text = std::fs::read_to_string("policies/data-analytics.credo").unwrap();
    for i in 0..20_000 {
        text.push_str(&format!(
            "# comment line {i} that makes the formatted text long\n"
        ));
    }
    std::fs::write(&policy, text).unwrap();
    let (code, first, stderr) = read_one_line(&["fmt", "--stdout", policy.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!first.is_empty());
    assert_eq!(stderr, "");
}

/// Runs `sh -c SCRIPT` with credo's path as `$0`'s first argument and the rest after it.
fn shell(script: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

/// Files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn html_into_a_missing_folder_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("no-such-folder").join("report.html");
    let o = audit_html(&html);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: cannot write"));
    assert!(listing(dir.path()).is_empty());
    // Into a device that is full, written in place: the failure is reported too.
    let o = common::credo(&[
        "audit",
        POLICY,
        RECORDS,
        "--as-of",
        "2026-11-25",
        "--html",
        "/dev/full",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!Path::new("/dev/full").metadata().unwrap().is_file());
}

/// A write that fails part-way (the file-size limit stands in for a full disk: writes past it
/// fail with EFBIG) leaves the old report as it was and no temporary file behind.
#[test]
fn a_failed_html_write_keeps_the_old_report() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, "old report\n").unwrap();
    let o = shell(
        "trap '' XFSZ; ulimit -f 4; exec \"$@\"",
        &[
            "audit",
            POLICY,
            RECORDS,
            "--as-of",
            "2026-11-25",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write"));
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "old report\n");
    assert_eq!(listing(dir.path()), ["report.html"]);
    // Without the limit the report is replaced whole, with the old file's permissions.
    let o = audit_html(&html);
    assert_eq!(o.status.code(), Some(0));
    let new = std::fs::read_to_string(&html).unwrap();
    assert!(new.starts_with("<!DOCTYPE html>") && new.trim_end().ends_with("</html>"));
    assert_eq!(listing(dir.path()), ["report.html"]);
}

#[test]
fn fmt_that_cannot_write_keeps_the_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.credo");
    // The shipped policy with its alignment undone: fmt has a file to rewrite.
    let text = std::fs::read_to_string(POLICY).unwrap();
    let messy: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    std::fs::write(&policy, &messy).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = shell(
        "trap '' XFSZ; ulimit -f 4; exec \"$@\"",
        &["fmt", policy.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), messy);
    assert_eq!(listing(dir.path()), ["p.credo"]);
    let o = common::credo(&["fmt", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(std::fs::read_to_string(&policy).unwrap(), messy);
    assert_eq!(listing(dir.path()), ["p.credo"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&policy).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}

/// `credo audit` of the shipped records with its HTML report written to `html`.
fn audit_html(html: &std::path::Path) -> std::process::Output {
    common::credo(&[
        "audit",
        POLICY,
        RECORDS,
        "--as-of",
        "2026-11-25",
        "--html",
        html.to_str().unwrap(),
    ])
}
