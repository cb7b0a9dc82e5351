//! Help that proposes text proposes text that checks (SPEC §17). For every policy of the
//! malformed corpus (`tests/fixtures/malformed/policies`) and of the check fixtures
//! (`tests/fixtures/check`), each diagnostic whose help proposes an edit (its `fix`) has the edit
//! applied to the source, and the policy is checked again: that diagnostic must be gone, and no
//! error may appear in the text the fix wrote (a help must not lead in a circle, as
//! `accept 2 artifacts` → `accept artifacts` → "unknown name `artifacts`" once did).
//!
//! A second test finds helps that propose text in words ("did you mean `x`?", "write `x`")
//! without a machine-readable fix, so a new help cannot skip the first test.

use credo::diag::{apply_fix, Diag, Fix};
use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["malformed/policies", "check"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "credo") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "the corpora were not found");
    files
}

/// The diagnostics of a policy and the text their spans point into (`None` when the file is
/// not read as text at all, e.g. not UTF-8: such diagnostics propose no edit).
fn check(path: &Path) -> (Vec<Diag>, Option<String>) {
    let Ok(loaded) = credo::load_policy(path) else {
        // Refused before parsing (not UTF-8, UTF-16): a load error, no diagnostic to fix.
        return (Vec::new(), None);
    };
    let text = loaded.sources.files().first().map(|f| f.text.to_string());
    (loaded.diags, text)
}

/// Where an offset of the old text is after the edit (offsets inside the edit go to its start).
fn shift(offset: u32, fix: &Fix) -> u32 {
    let delta = fix.replacement.len() as i64 - i64::from(fix.span.end - fix.span.start);
    if offset >= fix.span.end {
        (i64::from(offset) + delta) as u32
    } else {
        offset.min(fix.span.start)
    }
}

/// Whether the edit fails to fix `d` in `fixed` (the diagnostics of the edited text): a
/// description of what is still wrong.
fn still_wrong(d: &Diag, fix: &Fix, fixed: &[Diag]) -> Option<String> {
    let at = shift(d.span().start, fix);
    let written = fix.span.start..fix.span.start + fix.replacement.len() as u32;
    for n in fixed {
        if n.code == d.code && (n.message == d.message || n.span().start == at) {
            return Some(format!("still reported: {}: {}", n.code, n.message));
        }
        let s = n.span();
        let overlaps =
            s.start < written.end.max(written.start + 1) && written.start < s.end.max(s.start + 1);
        if n.is_error() && overlaps {
            return Some(format!(
                "the fix leads to another error where it wrote: {}: {}",
                n.code, n.message
            ));
        }
    }
    None
}

#[test]
fn every_proposed_fix_makes_its_diagnostic_go_away() {
    let mut tried = 0;
    let mut failures = Vec::new();
    for path in corpus() {
        let (diags, text) = check(&path);
        let Some(text) = text else { continue };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for d in &diags {
            let Some(fix) = &d.fix else { continue };
            tried += 1;
            let Some(edited) = apply_fix(&text, fix) else {
                failures.push(format!(
                    "{name}: {}: the fix's span is not in the file",
                    d.message
                ));
                continue;
            };
            let fixed = credo::compile_str(&name, &edited).diags;
            if let Some(why) = still_wrong(d, fix, &fixed) {
                failures.push(format!(
                    "{name}: `{}` (help: {}) → replaced with `{}`: {why}",
                    d.message,
                    d.help.as_deref().unwrap_or(""),
                    fix.replacement
                ));
            }
        }
    }
    assert!(
        tried >= 30,
        "only {tried} fixes were tried: the corpora lost their fixes"
    );
    assert!(
        failures.is_empty(),
        "{} fixes do not fix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A help proposes text when it says "did you mean `x`" or tells the author to write or add a
/// given text ("write `x`", "…: write `x`", "add `x`"); an example ("e.g. `x`", "such as `x`")
/// or a text with a placeholder (`…`, `ID`) is not a proposal.
fn proposes_text(help: &str) -> bool {
    let Some(i) = ["did you mean ", "write ", "add "]
        .iter()
        .filter_map(|p| help.find(p).map(|i| i + p.len()))
        .min()
    else {
        return false;
    };
    let rest = &help[i..];
    let Some(tick) = rest.find('`') else {
        return false;
    };
    let gap = &rest[..tick];
    let text = rest[tick + 1..].split('`').next().unwrap_or("");
    (gap.is_empty() || gap.ends_with(": "))
        && !text.contains('…')
        && !text.split_whitespace().any(|w| w == "ID" || w == "EXPR")
}

#[test]
fn every_help_that_proposes_text_carries_the_fix() {
    let mut missing = Vec::new();
    let mut seen = 0;
    for path in corpus() {
        let (diags, _) = check(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for d in &diags {
            let Some(help) = &d.help else { continue };
            if proposes_text(help) {
                seen += 1;
                if d.fix.is_none() {
                    missing.push(format!("{name}: {}: help `{help}` has no fix", d.code));
                }
            }
        }
    }
    assert!(
        seen >= 30,
        "only {seen} helps propose text: the test lost its corpus"
    );
    assert!(
        missing.is_empty(),
        "{} helps propose text without a fix:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn a_proposal_is_told_from_an_example() {
    assert!(proposes_text("did you mean `sql`?"));
    assert!(proposes_text("write durations without a space: `12mo`"));
    assert!(!proposes_text("write e.g. `hours 60`"));
    assert!(!proposes_text(r#"add `title "…"` inside the role"#));
    assert!(!proposes_text("see the language tour"));
    assert!(!proposes_text(
        "write a range such as `skills_per_role 3..5`"
    ));
    assert!(proposes_text("write `skills_per_role 3..5`"));
    assert!(!proposes_text("add a `cost free` credential"));
}
