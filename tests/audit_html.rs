//! The HTML audit report in a real browser: renders the shipped sample's report with headless
//! Chromium to a PNG and checks that the page logged nothing to the console (no script errors,
//! no resource blocked by the page's Content-Security-Policy).
//!
//! Runs when Chromium is at `/usr/bin/chromium` (Debian's `chromium` package) or at the path in
//! `CREDO_CHROMIUM`; otherwise it says so and passes. The screenshot is left at
//! `target/tmp/audit-report.png` for a person to look at.

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
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}

#[test]
fn html_report_renders_in_chromium_without_console_messages() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium at /usr/bin/chromium (set CREDO_CHROMIUM to its path)");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let html = dir.join("audit-report.html");
    let png = dir.join("audit-report.png");
    let _ = std::fs::remove_file(&png);
    let o = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args([
            "audit",
            "policies/acme-cyber.credo",
            "policies/audit-sample.records.jsonl",
            "--as-of",
            "2026-11-25",
            "--html",
        ])
        .arg(&html)
        .output()
        .expect("credo runs");
    assert_eq!(o.status.code(), Some(0));

    let profile = dir.join("chromium-profile");
    let log = dir.join("chromium.log");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
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

    // The page has no scripts: any console line is an error or a blocked fetch.
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");

    let bytes = std::fs::read(&png).expect("a screenshot");
    assert_eq!(png_size(&bytes), Some((1200, 1600)));
    // A blank page compresses to a few kilobytes; the report's first screen is far larger.
    assert!(
        bytes.len() > 50_000,
        "screenshot is only {} bytes",
        bytes.len()
    );
}
