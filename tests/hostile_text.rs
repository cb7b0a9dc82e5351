//! Text for people never carries raw control or bidi characters from records, policies, file
//! names or the command line: ESC sequences, forged lines, right-to-left overrides all print as
//! visible escapes (`\u{1b}`, `\n`, `\u{202e}`), in every text output of the binary. Driven by
//! the hostile entries of the malformed corpus (records 77 and 78, policies 61 to 63); each
//! output is pinned in a snapshot.

mod common;

use common::credo;
use std::path::Path;

const POLICY: &str = "policies/acme-cyber.credo";
const HOSTILE_POLICY: &str = "tests/fixtures/malformed/policies/61-hostile-strings-valid.credo";
const RECORDS: [&str; 2] = [
    "tests/fixtures/malformed/records/77-hostile-text.jsonl",
    "tests/fixtures/malformed/records/78-hostile-text.yaml",
];

/// A control character other than the line end, DEL, a C1 control or a bidi control.
fn hostile(c: char) -> bool {
    c != '\n' && credo::visible::is_hostile(c)
}

/// The text, after checking that it holds no hostile character.
fn clean(what: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes).into_owned();
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| hostile(c)) {
        panic!(
            "{what}: raw U+{:04X} at byte {i}: {:?}",
            c as u32,
            &text[i.saturating_sub(60)..(i + 20).min(text.len())]
        );
    }
    text
}

/// Standard output and standard error of a run, both clean, with its exit code.
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let o = credo(args);
    let what = args.join(" ");
    (
        o.status.code(),
        clean(&what, &o.stdout),
        clean(&what, &o.stderr),
    )
}

fn eval_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "eval",
        POLICY,
        RECORDS[0],
        RECORDS[1],
        "--as-of",
        "2026-11-25",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn decisions_and_record_errors_as_text() {
    let (code, out, err) = run(&eval_args(&[]));
    assert_eq!(code, Some(3));
    // Every record is one line: no id, title or field name starts a line of its own.
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(
        out.contains(r"h-2\nh-3  soc_analyst  advance  error"),
        "{out}"
    );
    assert!(
        out.contains(r"unknown field `nick\u{1b}[31mname\u{202e}`"),
        "{out}"
    );
    assert!(
        err.contains("3 decisions, 2 record errors (as of 2026-11-25)\n  soc_analyst: "),
        "{err}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn explain_trees() {
    let (code, out, _) = run(&eval_args(&["--explain", "--role", "soc_analyst"]));
    assert_eq!(code, Some(3));
    // The artifact title that imitates a trace line stays inside its own line.
    assert!(
        !out.contains("\n  ✓ network_security (required) met)"),
        "{out}"
    );
    assert!(
        out.contains(r"(write-up\n  ✓ network_security (required) met)"),
        "{out}"
    );
    assert!(
        out.contains(r"fake\u{1b}]0;pwned\u{7}cert: not in the catalogue"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn json_keeps_the_text_exact() {
    let o = credo(&eval_args(&["--format", "jsonl"]));
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["candidate"], "h-1\u{1b}[2J\u{1b}[H");
    // Control, DEL, C1 and bidi characters are JSON escapes: the same strings for a reader.
    let raw = clean("eval --format jsonl", &o.stdout);
    assert!(raw.contains(r#""h-1\u001b[2J\u001b[H""#));
    assert!(raw.contains(r#""h-5\u009b2J\u007f""#), "{raw}");
    let v: Vec<serde_json::Value> = raw
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v[3]["candidate"], "h-5\u{9b}2J\u{7f}");
    for args in [
        vec![
            "audit",
            POLICY,
            RECORDS[0],
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        vec![
            "diff",
            "tests/fixtures/diff/acme-cyber.credo",
            POLICY,
            RECORDS[0],
            "--format",
            "json",
        ],
        vec!["posting", HOSTILE_POLICY, "analyst", "--format", "jsonld"],
    ] {
        let (_, out, _) = run(&args);
        let _: serde_json::Value = serde_json::from_str(&out).unwrap();
    }
    let (_, _, err) = run(&[
        "check",
        "tests/fixtures/malformed/policies/62-raw-esc-and-bidi-in-comments.credo",
        "--error-format",
        "json",
    ]);
    let _: serde_json::Value = serde_json::from_str(err.lines().next().unwrap()).unwrap();
}

#[test]
fn audit_report_text_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("audit.html");
    let mut args = vec![
        "audit",
        POLICY,
        RECORDS[0],
        RECORDS[1],
        "--as-of",
        "2026-11-25",
    ];
    args.extend(["--html", html.to_str().unwrap()]);
    let (code, out, _) = run(&args);
    assert_eq!(code, Some(3));
    assert!(out.contains(r"fake\u{1b}]0;pwned\u{7}cert"), "{out}");
    insta::assert_snapshot!(out);
    let page = clean("audit --html", &std::fs::read(&html).unwrap());
    assert!(page.contains(r"\u{202e}elamef\u{202c}"));
    assert!(page.contains(r"fake\u{1b}]0;pwned\u{7}cert"));
}

#[test]
fn diff_report() {
    let args = [
        "diff",
        "tests/fixtures/diff/acme-cyber.credo",
        POLICY,
        RECORDS[0],
        RECORDS[1],
        "--as-of",
        "2026-11-25",
    ];
    let (code, out, _) = run(&args);
    assert_eq!(code, Some(3));
    assert!(out.contains(r"h-1\u{1b}[2J\u{1b}[H"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn suite_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(RECORDS[0], dir.path().join("records.jsonl")).unwrap();
    let suite = dir.path().join("suite.yaml");
    std::fs::write(
        &suite,
        "as_of: 2026-11-25\ncases:\n  \
         - name: \"case\\e[2J\\n  ✓ forged pass\"\n    record_file: records.jsonl\n    \
         record_id: \"h-1\\e[2J\\e[H\"\n    role: soc_analyst\n    expect: { outcome: decline }\n",
    )
    .unwrap();
    let (code, out, err) = run(&["test", POLICY, suite.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    let out = out.replace(dir.path().to_str().unwrap(), "[tmp]");
    assert!(out.contains(r"✗ case\u{1b}[2J\n  ✓ forged pass"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn postings_and_kits_of_a_policy_with_hostile_strings() {
    let (code, md, _) = run(&[
        "posting",
        HOSTILE_POLICY,
        "analyst",
        "--as-of",
        "2026-11-25",
    ]);
    assert_eq!(code, Some(0));
    // The role title's newlines cannot start a heading or a list item.
    assert!(
        !md.lines()
            .any(|l| l.starts_with("# ") || l.starts_with("- advance")),
        "{md}"
    );
    insta::assert_snapshot!("posting_md", md);
    let (_, kit, _) = run(&["kit", HOSTILE_POLICY, "analyst", "--as-of", "2026-11-25"]);
    assert!(
        !kit.lines()
            .any(|l| l.starts_with("# Hired") || l.starts_with("# owned")),
        "{kit}"
    );
    insta::assert_snapshot!("kit_md", kit);
    let (_, html, _) = run(&[
        "posting",
        HOSTILE_POLICY,
        "analyst",
        "--as-of",
        "2026-11-25",
        "--format",
        "html",
    ]);
    assert!(html.contains(r"Network \u{202e}ytiruces\u{202c}"), "{html}");
    let (_, jsonld, _) = run(&["posting", HOSTILE_POLICY, "analyst", "--format", "jsonld"]);
    let v: serde_json::Value = serde_json::from_str(&jsonld).unwrap();
    assert!(v["title"].as_str().unwrap().starts_with("Analyst\n# Hired"));
}

#[test]
fn diagnostics_show_raw_characters_of_the_source_escaped() {
    let (code, _, err) = run(&[
        "check",
        "tests/fixtures/malformed/policies/62-raw-esc-and-bidi-in-comments.credo",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(r"# \u{1b}[2J\u{1b}[31m cleared \u{202e} txet desrever"),
        "{err}"
    );
    insta::assert_snapshot!(err);
    let (code, _, _) = run(&[
        "check",
        "tests/fixtures/malformed/policies/63-raw-esc-in-string.credo",
    ]);
    assert_eq!(code, Some(0));
    // The comment in a `fmt --check` diff: the file without its duplicate, indentation undone.
    let text = std::fs::read_to_string(
        "tests/fixtures/malformed/policies/62-raw-esc-and-bidi-in-comments.credo",
    )
    .unwrap()
    .replacen("desrever\n  tier trusted\n", "desrever\n", 1);
    let messy: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.credo");
    std::fs::write(&path, messy).unwrap();
    let (code, out, err) = run(&["fmt", "--check", path.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains(r"+  tier trusted  # \u{1b}[2J\u{1b}[31m cleared \u{202e}"),
        "{out}"
    );
}

#[test]
fn hostile_file_and_role_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("r\u{1b}[2J\u{202e}\n.jsonl");
    std::fs::copy(RECORDS[0], &name).unwrap();
    let (code, out, _) = run(&[
        "eval",
        POLICY,
        name.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
    ]);
    assert_eq!(code, Some(3));
    assert!(
        out.contains(r"r\u{1b}[2J\u{202e}\n.jsonl:2:209: unknown field"),
        "{out}"
    );
    let (code, _, err) = run(&["eval", POLICY, &format!("{}x", name.display())]);
    assert_eq!(code, Some(2));
    assert!(err.contains(r"cannot read `"), "{err}");
    let (code, _, err) = run(&["kit", POLICY, "soc\u{1b}[2J\u{202e}\nanalyst"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(r"role `soc\u{1b}[2J\u{202e}\nanalyst` is not a role"),
        "{err}"
    );
    let (code, _, err) = run(&["check", name.to_str().unwrap()]);
    assert_ne!(code, Some(0));
    assert!(err.contains(r"\u{1b}[2J\u{202e}\n.jsonl"), "{err}");
    // A decision log whose name is hostile, verified.
    let log = dir.path().join("log\u{1b}[31m\u{2067}");
    let o = credo(&[
        "eval",
        POLICY,
        "policies/acme-cyber.records.jsonl",
        "--as-of",
        "2026-11-25",
        "--log",
        log.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (code, out, _) = run(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert!(out.contains(r"log\u{1b}[31m\u{2067}: ok"), "{out}");
    assert!(Path::new(&log).exists());
}

/// clap's own messages (an unknown subcommand, flag or value) quote the command line: they are
/// escaped like every other message.
#[test]
fn usage_errors_quote_the_command_line_escaped() {
    let (code, _, err) = run(&["x\u{202e}\nadvance"]);
    assert_eq!(code, Some(2));
    assert!(err.contains(r"'x\u{202e}\nadvance'"), "{err}");
    let (code, _, err) = run(&["eval", "--x\u{2067}\u{7}"]);
    assert_eq!(code, Some(2));
    assert!(err.contains(r"'--x\u{2067}\u{7}'"), "{err}");
    // Help keeps its lines.
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Usage: credo <COMMAND>\n"), "{out}");
}
