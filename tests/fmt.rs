//! `credo fmt`: canonical layout, comments kept, idempotent, and meaning-preserving.

use proptest::prelude::*;

/// The AST of a text with every span removed, so layout differences vanish.
fn shape(text: &str) -> String {
    let mut sources = credo::source::SourceMap::new();
    sources.add(credo::source::SourceFile::new("x.credo", "x.credo", text));
    let (decls, diags) = credo::parse::parse_file(&sources, credo::source::FileId(0));
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "does not parse:\n{text}"
    );
    strip_spans(&format!("{decls:?}"))
}

fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map(|e| e + 1).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The comment on a line, skipping `#` inside strings.
fn comment_of(line: &str) -> Option<String> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(line[i..].trim().to_owned()),
            _ => {}
        }
    }
    None
}

fn fmt(text: &str) -> String {
    credo::fmt::format_text("x.credo", text).unwrap_or_else(|d| panic!("{d:?}"))
}

fn assert_fmt_laws(text: &str) {
    let once = fmt(text);
    let twice = fmt(&once);
    assert_eq!(once, twice, "fmt is not idempotent");
    assert_eq!(shape(text), shape(&once), "fmt changed the meaning");
    let comments = |t: &str| t.lines().filter_map(comment_of).collect::<Vec<_>>();
    let mut before = comments(text);
    let mut after = comments(&once);
    before.sort();
    after.sort();
    assert_eq!(before, after, "fmt lost or changed a comment");
}

#[test]
fn shipped_policies_are_formatted() {
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "credo") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                fmt(&text),
                text,
                "{} is not formatted: run `credo fmt {}`",
                path.display(),
                path.display()
            );
        }
    }
}

#[test]
fn fmt_laws_hold_on_every_valid_fixture_and_shipped_policy() {
    let mut n = 0;
    for dir in ["policies", "tests/fixtures/check-ok", "tests/fixtures/fmt"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "credo") {
                assert_fmt_laws(&std::fs::read_to_string(&path).unwrap());
                n += 1;
            }
        }
    }
    assert!(n > 15);
}

#[test]
fn messy_policy_snapshot() {
    let text = std::fs::read_to_string("tests/fixtures/fmt/messy.credo").unwrap();
    let formatted = fmt(&text);
    assert!(credo::compile_str("messy.credo", &formatted)
        .policy
        .is_some());
    insta::assert_snapshot!(formatted);
}

#[test]
fn check_flag_reports_a_diff_and_exit_1() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(["fmt", "tests/fixtures/fmt/messy.credo", "--check"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("is not formatted"));
    assert!(out.contains("+  tiers     [low, mid, high]"), "{out}");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(["fmt", "policies/acme-cyber.credo", "--check"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Escaped control and bidi characters in strings stay escapes (a raw U+202E would reorder the
/// line in an editor), also when `fmt` rewrites the file, and a raw one is written as an escape.
#[test]
fn escaped_bidi_and_control_characters_stay_escaped() {
    let text =
        std::fs::read_to_string("tests/fixtures/malformed/policies/61-hostile-strings-valid.credo")
            .unwrap();
    assert!(text.contains(r#""Network \u{202e}ytiruces\u{202c}""#));
    assert_fmt_laws(&text);
    let once = fmt(&text);
    for c in [
        '\u{202e}', '\u{202c}', '\u{2066}', '\u{2069}', '\u{1b}', '\u{7}', '\u{9b}',
    ] {
        assert!(!once.contains(c), "U+{:04X} written raw:\n{once}", c as u32);
    }
    assert!(
        once.contains(r#""Network \u{202E}ytiruces\u{202C}""#),
        "{once}"
    );
    assert!(once.contains(r#""Comp\u{2066}TIA\u{2069}""#), "{once}");
    // A raw override in a string is written back as its escape, with the same meaning.
    let raw = text.replace(r"\u{202e}", "\u{202e}");
    assert!(raw.contains('\u{202e}'));
    assert_eq!(shape(&raw), shape(&fmt(&raw)));
    assert!(!fmt(&raw).contains('\u{202e}'));
    // Through the binary, rewriting the file in place.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.credo");
    let messy: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    std::fs::write(&path, messy).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(["fmt", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rewritten = std::fs::read_to_string(&path).unwrap();
    assert_eq!(rewritten, once);
}

/// Random layout: the same tokens with random spacing, line breaks and comments between them.
fn relayout(text: &str, seed: u64) -> String {
    let mut rng = credo::synth::Rng::new(seed);
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let spaces = " ".repeat(rng.below(6) as usize);
        out.push_str(&spaces);
        out.push_str(trimmed);
        match rng.below(5) {
            0 => out.push_str("   # note"),
            1 => out.push_str("\n# a comment line\n"),
            2 => out.push_str("\n\n"),
            _ => {}
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Generated policies in random layouts format to one text that means the same.
    #[test]
    fn fmt_is_idempotent_and_keeps_meaning_on_generated_policies(seed in 0u64..10_000) {
        let shape_ = credo::synth::Shape { providers: 3, credentials: 6, roles: 2, skills: 5 };
        let policy = credo::synth::policy(shape_, seed);
        let messy = relayout(&policy, seed);
        assert_fmt_laws(&messy);
        prop_assert!(fmt(&messy).contains("# a comment line") || !messy.contains("# a comment line"));
    }
}
