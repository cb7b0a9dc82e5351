//! Every self-contained HTML page credo writes (the audit, measure and review reports) opens in
//! a real browser without console messages (no script, no blocked fetch) and paints a full
//! first screen. The screenshots are left in `target/tmp/*.png` to look at.
//!
//! Runs when Chromium is at `/usr/bin/chromium` (Debian's `chromium` package; `.ci/run`
//! installs it) or at the path in `CREDO_CHROMIUM`; without it each test says on stderr that it
//! skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CREDO_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// Runs `credo ARGS --html NAME.html`, then renders the page headless to `NAME.png` and checks
/// the browser's console and the screenshot.
fn renders_in_chromium(name: &str, args: &[&str]) {
    let Some(browser) = chromium() else {
        common::skipped(format_args!(
            "{name}: no Chromium at /usr/bin/chromium (set CREDO_CHROMIUM to its path)"
        ));
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let html = dir.join(format!("{name}.html"));
    let png = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    let o = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .arg("--html")
        .arg(&html)
        .output()
        .expect("credo runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let profile = dir.join(format!("chromium-profile-{name}"));
    let log = dir.join(format!("chromium-{name}.log"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "chromium failed: {log}");

    // The pages have no scripts: any console line is an error or a blocked fetch.
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "{name}: console messages: {console:#?}");

    let bytes = std::fs::read(&png).expect("a screenshot");
    assert_eq!(png_size(&bytes), Some((1200, 1600)));
    // A blank page compresses to a few kilobytes; a report's first screen is far larger.
    assert!(
        bytes.len() > 50_000,
        "{name}: screenshot is only {} bytes",
        bytes.len()
    );
}

#[test]
fn audit_report_renders_in_chromium_without_console_messages() {
    renders_in_chromium(
        "audit-report",
        &[
            "audit",
            "policies/acme-cyber.credo",
            "policies/audit-sample.records.jsonl",
            "--as-of",
            "2026-11-25",
        ],
    );
}

#[test]
fn measure_report_renders_in_chromium_without_console_messages() {
    renders_in_chromium(
        "measure-report",
        &[
            "measure",
            "policies/outcomes-sample.credo",
            "policies/outcomes-sample.records.jsonl",
            "--outcomes",
            "policies/outcomes-sample.outcomes.csv",
            "--as-of",
            "2026-11-25",
        ],
    );
}

#[test]
fn review_page_renders_in_chromium_without_console_messages() {
    renders_in_chromium(
        "review-page",
        &[
            "review",
            "policies/outcomes-sample.credo",
            "policies/outcomes-sample.records.jsonl",
            "--outcomes",
            "policies/outcomes-sample.outcomes.csv",
            "--quarter",
            "2026Q3",
            "--as-of",
            "2026-11-25",
        ],
    );
}
