//! Kill tests: `eval --log` stopped by SIGINT or SIGKILL at random points of a batch of
//! 100,000 generated records. After each stop the log verifies (a torn last line only after
//! SIGKILL), and every decision printed on standard output is in the log, in order.
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A policy and 100,000 JSONL records from the synthetic generator. A run is stopped a few
/// seconds in, long before the batch ends (about 45 s in a debug build), so the number of
/// records costs only writing them once; three runs (two SIGKILLs in a row, then a SIGINT that
/// appends after them) keep the test near 20 s in a debug build.
fn scenario(dir: &std::path::Path) {
    use credo::synth::{self, Rng, Shape};
    std::fs::write(
        dir.join("policy.credo"),
        synth::policy(Shape::REFERENCE, 42),
    )
    .unwrap();
    let mut rng = Rng::new(7);
    let mut bytes = Vec::with_capacity(80 << 20);
    for i in 0..100_000 {
        let role = ["r0", "r1", "r4"][i % 3];
        bytes
            .extend_from_slice(synth::record(&mut rng, i, Shape::REFERENCE, Some(role)).as_bytes());
        bytes.push(b'\n');
    }
    std::fs::write(dir.join("records.jsonl"), bytes).unwrap();
}

/// Sends `signal` to a running child.
fn send(child: &std::process::Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with the pid of our own child, which has not been waited for yet.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// The log's lines, each with its line break (the last may lack it).
fn log_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|b| *b == b'\n').collect()
}

#[test]
fn sigint_and_sigkill_leave_a_log_that_holds_every_printed_decision() {
    let dir = std::env::temp_dir().join(format!("credo-log-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    scenario(&dir);
    let log = dir.join("decisions.log");
    // Random stopping points, reproducible from the seed printed on failure.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = credo::synth::Rng::new(seed);
    let mut before = 0; // complete entries in the log before a run
    for (run, signal) in ["KILL", "KILL", "INT"].into_iter().enumerate() {
        let out_path = dir.join(format!("out-{run}.jsonl"));
        let child = Command::new(env!("CARGO_BIN_EXE_credo"))
            .args([
                "eval",
                "--as-of",
                "2026-11-25",
                "--format",
                "jsonl",
                "--log",
            ])
            .arg(&log)
            .arg(dir.join("policy.credo"))
            .arg(dir.join("records.jsonl"))
            .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The signal handlers are in place once the log has grown past what it held.
        let start_len = std::fs::metadata(&log).map_or(0, |m| m.len());
        let started = Instant::now();
        while std::fs::metadata(&log).map_or(0, |m| m.len()) <= start_len {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no decision logged"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let wait = 50 + rng.below(1500);
        std::thread::sleep(Duration::from_millis(wait));
        send(
            &child,
            if signal == "INT" {
                libc::SIGINT
            } else {
                libc::SIGKILL
            },
        );
        let status = child.wait_with_output().unwrap();
        let context = format!(
            "seed {seed}, run {run}, SIG{signal} after {wait} ms: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        if signal == "INT" {
            assert_eq!(status.status.code(), Some(130), "{context}");
        } else {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.status.signal(), Some(9), "{context}");
        }

        let bytes = std::fs::read(&log).unwrap();
        let verdict = credo::log::verify(&bytes);
        assert_eq!(verdict.problem, None, "{context}");
        if signal == "INT" {
            assert!(
                verdict.torn.is_empty() && !verdict.unterminated,
                "{context}"
            );
        }
        let lines = log_lines(&bytes);
        let complete = verdict.verified as usize;
        assert!(complete > before, "{context}");
        let new = &lines[before..complete];
        // Every complete decision printed is in this run's log lines, in order.
        let printed = std::fs::read(&out_path).unwrap();
        let printed: Vec<&[u8]> = printed
            .split_inclusive(|b| *b == b'\n')
            .filter(|l| l.ends_with(b"\n"))
            .collect();
        assert!(!printed.is_empty(), "{context}");
        assert!(
            printed.len() <= new.len(),
            "{context}: printed more than logged"
        );
        for (i, (out, logged)) in printed.iter().zip(new).enumerate() {
            let out = &out[..out.len() - 1];
            let mut member = b":".to_vec();
            member.extend_from_slice(out);
            member.extend_from_slice(b",\"prev\":");
            assert!(
                logged.windows(member.len()).any(|w| w == member.as_slice()),
                "{context}: decision {i} printed is not the log's"
            );
        }
        before = complete;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// SIGTERM stops a logged batch that is waiting for input on standard input: exit 143, at
/// once, with the log written out and every decision printed in it.
#[test]
fn sigterm_stops_a_batch_waiting_for_input() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("credo-log-term-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("decisions.log");
    let records = std::fs::read("policies/acme-cyber.records.jsonl").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args([
            "eval",
            "policies/acme-cyber.credo",
            "-",
            "--input-format",
            "jsonl",
        ])
        .args(["--as-of", "2026-11-25", "--format", "jsonl", "--log"])
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Records, then nothing more: the input stays open.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&records).unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    while !log.exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "no log");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    send(&child, libc::SIGTERM);
    let signalled = Instant::now();
    let out = child.wait_with_output().unwrap();
    let stopped = signalled.elapsed();
    drop(stdin);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(stopped < Duration::from_secs(5), "{stopped:?}");
    assert!(
        err.contains("interrupted: every decision printed is in the log"),
        "{err}"
    );
    let bytes = std::fs::read(&log).unwrap();
    let verdict = credo::log::verify(&bytes);
    assert_eq!((verdict.problem, verdict.torn), (None, vec![]));
    let logged = log_lines(&bytes);
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.lines().count() <= logged.len());
    for (out, logged) in printed.lines().zip(logged) {
        let logged = String::from_utf8_lossy(logged);
        assert!(logged.contains(&format!(":{out},\"prev\":")));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
