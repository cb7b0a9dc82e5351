//! The public surface of the library (SPEC §18), pinned: a change to it shows as a changed
//! snapshot (`tests/snapshots/api_surface__public-surface.snap`), so it cannot change by
//! accident. The surface is scanned from the source: the crate root's `pub` lines (modules
//! marked `#[doc(hidden)]` say so), every `pub` line of the API's own files (`src/api*`,
//! `src/decision.rs`), and the blocks of the re-exported items that live elsewhere.
//!
//! (rustdoc's JSON output needs a nightly compiler and `cargo public-api` is not installed
//! here, so the scan reads the source; it is line-based and needs rustfmt's layout.)

use std::path::Path;

/// `pub` lines of a file (`pub(crate)` and `pub(super)` are not public), trimmed, each
/// marked hidden when the attribute line above it says `#[doc(hidden)]`.
fn pub_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !t.starts_with("pub ") {
            continue;
        }
        let hidden = i > 0 && lines[i - 1].trim() == "#[doc(hidden)]";
        let t = t.trim_end_matches(['{', ' ']);
        out.push(if hidden {
            format!("{t}  [hidden]")
        } else {
            t.to_owned()
        });
    }
    out
}

/// The block of an item: from the line starting with `start` to its closing `}` at the same
/// indentation.
fn block<'t>(text: &'t str, start: &str) -> &'t str {
    let at = text
        .find(&format!("\n{start}"))
        .unwrap_or_else(|| panic!("`{start}` not found"))
        + 1;
    let end = text[at..].find("\n}\n").expect("a closing brace") + at + 3;
    &text[at..end]
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_public_surface_is_the_one_checked_in() {
    let mut out = String::new();
    let mut add = |name: &str, lines: Vec<String>| {
        out.push_str(&format!("== {name}\n"));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    };
    add("src/lib.rs", pub_lines(&read("src/lib.rs")));
    for f in [
        "src/api.rs",
        "src/api/policy.rs",
        "src/api/candidate.rs",
        "src/api/error.rs",
        "src/decision.rs",
    ] {
        add(f, pub_lines(&read(f)));
    }
    let elsewhere = [
        ("src/policy.rs", "pub enum Outcome"),
        ("src/policy.rs", "impl Outcome"),
        ("src/eval/fast.rs", "pub struct Summary"),
        ("src/record.rs", "pub struct RecordError"),
        ("src/record.rs", "impl RecordError"),
        ("src/record.rs", "pub struct RecordProblem"),
        ("src/diag.rs", "pub enum Severity"),
    ];
    for (f, item) in elsewhere {
        add(&format!("{f}: {item}"), pub_lines(block(&read(f), item)));
    }
    let public = out
        .lines()
        .filter(|l| !l.starts_with("==") && !l.ends_with("[hidden]"))
        .count();
    println!("{public} public lines (items, fields, variants' types) in the surface");
    insta::assert_snapshot!("public-surface", out);
}

#[test]
fn every_module_but_decision_is_hidden() {
    let lib = read("src/lib.rs");
    let mods: Vec<String> = pub_lines(&lib)
        .into_iter()
        .filter(|l| l.starts_with("pub mod "))
        .collect();
    assert!(mods.len() > 10, "{mods:?}");
    for m in mods {
        assert!(
            m == "pub mod decision;" || m.ends_with("[hidden]"),
            "a module of the crate root is public: {m}"
        );
    }
}
