//! What the integration tests share: running the `credo` binary. Each test file that needs it
//! declares `mod common;` and uses some of these.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `credo` with these arguments (no colour, no standard input).
pub fn credo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("credo runs")
}

/// Runs `credo eval` on the shipped cybersecurity policy and its YAML records as of
/// 2026-11-25, with `extra` arguments after them.
pub fn eval_sample(extra: &[&str]) -> Output {
    let mut args = vec![
        "eval",
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
        "--as-of",
        "2026-11-25",
    ];
    args.extend_from_slice(extra);
    credo(&args)
}

/// Runs `credo` with `input` on its standard input (written from another thread; credo may
/// stop reading early, at a syntax error, and a broken pipe is no failure).
pub fn credo_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("credo runs");
    let mut stdin = child.stdin.take().expect("a piped stdin");
    let bytes = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output().expect("credo finishes");
    let _ = writer.join();
    out
}

/// Standard output of a run that must succeed (exit 0; else its stderr is the failure).
pub fn success(o: Output) -> Vec<u8> {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Says that a test skipped, where `cargo test` shows it even for a passing test: straight to
/// the process's standard error, which the test harness does not capture (it captures only
/// `print!`/`eprint!`).
pub fn skipped(why: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

pub mod server;
pub mod signed;

/// Every shipped record file and the policy it goes with.
pub const SHIPPED: [(&str, &str); 6] = [
    (
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.yaml",
    ),
    (
        "policies/acme-cyber.credo",
        "policies/acme-cyber.records.jsonl",
    ),
    (
        "policies/acme-cyber.credo",
        "policies/audit-sample.records.jsonl",
    ),
    (
        "policies/data-analytics.credo",
        "policies/data-analytics.records.yaml",
    ),
    (
        "policies/everup-admission.credo",
        "policies/everup-admission.records.yaml",
    ),
    (
        "policies/outcomes-sample.credo",
        "policies/outcomes-sample.records.jsonl",
    ),
];
