//! The documentation is tested: every example in `docs/*.md` and `README.md` checks, and every
//! output it shows is what the binary prints. `docs/cli.md` is generated from the commands'
//! `--help`. Links from diagnostics into the docs name anchors that exist.
//!
//! How examples are marked (the info string after the opening fence; docs/README.md explains
//! it to writers):
//!
//! - ` ```credo ` — a complete policy: `credo check` finds no error and no warning.
//! - ` ```credo prelude ` — a complete policy that later fragments of the same page extend.
//! - ` ```credo fragment ` — declarations checked appended to the page's prelude.
//! - ` ```credo partial file=PATH ` — one file of a policy set in several files, checked by the
//!   `credo check FOLDER` command that follows it rather than on its own.
//! - ` error=CODE[,CODE…] ` / ` warning=CODE… ` — the policy must give exactly these codes
//!   (errors, or warnings and no error) and nothing else; notes are not counted.
//! - ` file=PATH ` (on any block) — the block is also written to PATH in the page's scratch
//!   folder, for the commands after it.
//! - ` ```console ` — lines starting with `$ credo …` are run in the page's scratch folder (which
//!   holds a copy of `policies/`); the lines after each, up to the next `$`, are its standard
//!   output then its standard error, then `[exit N]` when N is not 0. A block with a command
//!   other than `credo` (or `credo serve`/`credo lsp`, which do not end) is not run, and the
//!   test says so.
//!
//! `DOCS_UPDATE=1 cargo test --test docs` rewrites the shown outputs and `docs/cli.md` from
//! what the binary prints (review the diff before committing it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn updating() -> bool {
    std::env::var_os("DOCS_UPDATE").is_some_and(|v| v == "1")
}

/// The pages whose examples are checked: every `docs/*.md` and the README.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.push(Path::new(ROOT).join("README.md"));
    pages
}

/// A fenced block: its info string's words, its body, and the line range of the body.
#[derive(Debug)]
struct Block {
    lang: String,
    attrs: Vec<String>,
    body: String,
    /// 1-based line of the opening fence.
    line: usize,
    /// Index of the first body line and one past the last, in the page's lines.
    body_lines: (usize, usize),
}

impl Block {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find_map(|a| a.strip_prefix(key)?.strip_prefix('='))
    }

    fn flag(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a == name)
    }
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_owned();
        let attrs = words.map(str::to_owned).collect();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].starts_with("```") {
            end += 1;
        }
        assert!(
            end < lines.len(),
            "line {}: a fence that is never closed",
            i + 1
        );
        let mut body = lines[start..end].join("\n");
        body.push('\n');
        out.push(Block {
            lang,
            attrs,
            body,
            line: i + 1,
            body_lines: (start, end),
        });
        i = end + 1;
    }
    out
}

/// A scratch folder for one page, holding a copy of `policies/`.
fn scratch(page: &Path) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("credo-docs-")
        .tempdir()
        .expect("a temporary folder");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("policies/ in the scratch folder");
    for e in std::fs::read_dir(Path::new(ROOT).join("policies")).expect("policies/") {
        let e = e.expect("an entry");
        std::fs::copy(e.path(), policies.join(e.file_name())).expect("a copy");
    }
    let _ = page;
    dir
}

/// Runs `credo` in `dir`; gives stdout, stderr and the exit code, or fails after a minute.
fn run(dir: &Path, args: &[String]) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("credo runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("credo can be waited for").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`credo {}` did not finish within a minute", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("credo's output");
    (
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        out.status.code().unwrap_or(-1),
    )
}

/// Splits a command line as a shell would for the simple cases docs use: words, `"…"` and
/// `'…'`.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The diagnostic codes `credo check` gives for a policy, as (errors, warnings).
fn check_codes(dir: &Path, file: &str) -> (BTreeSet<String>, BTreeSet<String>, String) {
    let (_, stderr, _) = run(
        dir,
        &[
            "check".into(),
            file.into(),
            "--error-format".into(),
            "json".into(),
        ],
    );
    let (mut errors, mut warnings) = (BTreeSet::new(), BTreeSet::new());
    for line in stderr.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let code = v["code"].as_str().unwrap_or("").to_owned();
        match v["severity"].as_str() {
            Some("error") => errors.insert(code),
            Some("warning") => warnings.insert(code),
            _ => false,
        };
    }
    let (_, human, _) = run(dir, &["check".into(), file.into()]);
    (errors, warnings, human)
}

fn codes(attr: Option<&str>) -> BTreeSet<String> {
    attr.map(|a| a.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Checks one page; returns its failures and, when updating, its text with outputs rewritten.
fn check_page(page: &Path, update: bool) -> (Vec<String>, Option<String>) {
    let text = std::fs::read_to_string(page).expect("the page reads");
    let name = page
        .strip_prefix(ROOT)
        .unwrap_or(page)
        .display()
        .to_string();
    let dir = scratch(page);
    let mut failures = Vec::new();
    let mut prelude: Option<String> = None;
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Replacements of console bodies, applied from the end when updating.
    let mut rewrites: Vec<((usize, usize), Vec<String>)> = Vec::new();
    for (n, b) in blocks(&text).iter().enumerate() {
        let at = format!("{name}:{}", b.line);
        if let Some(path) = b.attr("file") {
            let target = dir.path().join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).expect("the file's folder");
            }
            std::fs::write(&target, &b.body).expect("the example file");
        }
        match b.lang.as_str() {
            // One file of a policy set in several files: the commands after it check the set,
            // so it must be written somewhere.
            "credo" if b.flag("partial") && b.attr("file").is_none() => {
                failures.push(format!("{at}: a `partial` block without `file=`"));
            }
            "credo" if b.flag("partial") => {}
            "credo" => {
                let source = if b.flag("fragment") {
                    match &prelude {
                        Some(p) => format!("{p}\n{}", b.body),
                        None => {
                            failures.push(format!("{at}: a fragment before any `credo prelude`"));
                            continue;
                        }
                    }
                } else {
                    b.body.clone()
                };
                if b.flag("prelude") {
                    prelude = Some(b.body.clone());
                }
                let file = format!("example-{n}.credo");
                std::fs::write(dir.path().join(&file), &source).expect("the example");
                let (errors, warnings, human) = check_codes(dir.path(), &file);
                let want_errors = codes(b.attr("error"));
                let want_warnings = codes(b.attr("warning"));
                let ok = if want_errors.is_empty() {
                    errors.is_empty() && warnings == want_warnings
                } else {
                    errors == want_errors
                };
                if !ok {
                    failures.push(format!(
                        "{at}: expected errors {want_errors:?} and warnings {want_warnings:?}, \
                         `credo check` gave errors {errors:?} and warnings {warnings:?}:\n{human}"
                    ));
                }
            }
            "console" => {
                let body: Vec<&str> = b.body.lines().collect();
                let commands: Vec<Vec<String>> = body
                    .iter()
                    .filter_map(|l| l.strip_prefix("$ "))
                    .map(words)
                    .collect();
                let runnable = !commands.is_empty()
                    && commands.iter().all(|c| {
                        c.first().is_some_and(|w| w == "credo")
                            && !matches!(c.get(1).map(String::as_str), Some("serve" | "lsp"))
                    });
                if !runnable {
                    eprintln!("{at}: skipped: a console block whose commands are not all `credo` commands that end");
                    continue;
                }
                let mut shown = Vec::new();
                for line in &body {
                    if let Some(cmd) = line.strip_prefix("$ ") {
                        shown.push(line.to_string());
                        let (out, err, code) = run(dir.path(), &words(cmd)[1..]);
                        let mut printed = format!("{out}{err}");
                        if code != 0 {
                            printed.push_str(&format!("[exit {code}]\n"));
                        }
                        shown.extend(printed.lines().map(str::to_owned));
                    }
                }
                let expected: Vec<String> = body.iter().map(|l| l.to_string()).collect();
                if shown != expected {
                    if update {
                        rewrites.push((b.body_lines, shown));
                    } else {
                        failures.push(format!(
                            "{at}: the output shown is not what credo prints; it prints:\n{}\n\
                             (regenerate with `DOCS_UPDATE=1 cargo test --test docs` and review the diff)",
                            shown.join("\n")
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let updated = (!rewrites.is_empty()).then(|| {
        for ((start, end), new) in rewrites.into_iter().rev() {
            lines.splice(start..end, new);
        }
        lines.join("\n") + "\n"
    });
    (failures, updated)
}

/// Every credo example checks and every shown output is what the binary prints.
#[test]
fn examples_check_and_outputs_match() {
    let mut failures = Vec::new();
    let mut counted = 0;
    for page in pages() {
        counted += 1;
        let (f, updated) = check_page(&page, updating());
        failures.extend(f);
        if let Some(text) = updated {
            std::fs::write(&page, text).expect("the page is rewritten");
            eprintln!("rewrote the outputs in {}", page.display());
        }
    }
    assert!(counted > 1, "no docs pages found");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The pages this test relies on have the examples it is meant to check: a page that lost all
/// its examples would pass the test above without checking anything.
#[test]
fn pages_have_checked_examples() {
    for (page, min_credo, min_console) in [
        ("docs/language.md", 30, 2),
        ("docs/tutorial.md", 4, 4),
        ("docs/cookbook.md", 5, 0),
        ("docs/records.md", 0, 3),
        ("README.md", 1, 1),
    ] {
        let text = std::fs::read_to_string(Path::new(ROOT).join(page)).expect(page);
        let b = blocks(&text);
        let credo = b.iter().filter(|b| b.lang == "credo").count();
        let console = b.iter().filter(|b| b.lang == "console").count();
        assert!(
            credo >= min_credo && console >= min_console,
            "{page}: {credo} credo and {console} console examples, expected at least {min_credo} and {min_console}"
        );
    }
}

/// GitHub's anchor for a heading: lowercase, punctuation other than `-` and `_` dropped,
/// spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a page: its headings' slugs (numbered `-1`, `-2` when repeated, as GitHub
/// does) and explicit `<a id="…">` anchors.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            let base = slug(h.trim_start_matches('#'));
            let mut s = base.clone();
            let mut k = 0;
            while out.contains(&s) {
                k += 1;
                s = format!("{base}-{k}");
            }
            out.insert(s);
        }
        let mut rest = line;
        while let Some(i) = rest.find("<a id=\"") {
            rest = &rest[i + 7..];
            if let Some(j) = rest.find('"') {
                out.insert(rest[..j].to_owned());
            }
        }
    }
    out
}

/// `docs/PAGE.md#anchor` links in a text.
fn doc_links(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("docs/") {
        rest = &rest[i + 5..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.#".contains(c)))
            .unwrap_or(rest.len());
        let link = &rest[..end];
        // `docs/language.md#…` in prose is a pattern, not a link.
        if let Some((page, anchor)) = link.split_once(".md#").filter(|(_, a)| !a.is_empty()) {
            out.push((
                format!("{page}.md"),
                anchor.trim_end_matches('.').to_owned(),
            ));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a source folder") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every `docs/….md#anchor` that the code writes (in diagnostics' help lines) names a page and
/// an anchor that exist, so a help line never leads to a dead link.
#[test]
fn diagnostic_links_name_existing_anchors() {
    let mut files = Vec::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    files.sort();
    let mut links = 0;
    let mut failures = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("a source file");
        for (page, anchor) in doc_links(&text) {
            links += 1;
            let target = Path::new(ROOT).join("docs").join(&page);
            let Ok(doc) = std::fs::read_to_string(&target) else {
                failures.push(format!("{}: docs/{page} does not exist", f.display()));
                continue;
            };
            if !anchors(&doc).contains(&anchor) {
                failures.push(format!(
                    "{}: docs/{page} has no anchor `#{anchor}`",
                    f.display()
                ));
            }
        }
    }
    assert!(links >= 10, "only {links} docs links found in src/");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The diagnostic codes the code can give: every `"credo::…"` string literal in `src/`.
fn diagnostic_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    let mut codes = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("a source file");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("\"credo::") {
            rest = &rest[i + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:".contains(c)))
                .unwrap_or(rest.len());
            if rest[end..].starts_with('"') && !rest[..end].ends_with("::") {
                codes.insert(rest[..end].to_owned());
            }
        }
    }
    codes
}

/// Every diagnostic code links (`docs` in `--error-format json`) to the section that shows its
/// form or rule, and that section exists.
#[test]
fn every_diagnostic_code_links_to_its_section() {
    let codes = diagnostic_codes();
    assert!(
        codes.len() > 50,
        "only {} codes found: {codes:?}",
        codes.len()
    );
    let mut failures = Vec::new();
    for code in &codes {
        let link = credo::diag::docs::for_code(code);
        if link.ends_with("#diagnostics") {
            failures.push(format!(
                "`{code}` has no section of its own: add it to credo::diag::docs::for_code"
            ));
            continue;
        }
        let (page, anchor) = link.split_once('#').expect("a link with an anchor");
        let doc = std::fs::read_to_string(Path::new(ROOT).join(page)).expect(page);
        if !anchors(&doc).contains(anchor) {
            failures.push(format!("`{code}` links to {link}, which does not exist"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A diagnostic's JSON form carries its docs link.
#[test]
fn json_diagnostics_carry_their_docs_link() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("p.credo"),
        "policy \"P\" { version \"1\" effective 2026-01-01 owner \"o\" }\n\
         skill sql \"SQL\"\n\
         role r { title \"R\" require sql { accept at least 2 artifacts where hours >= 4 } }\n",
    )
    .expect("a policy");
    let args = ["check", "p.credo", "--error-format", "json"].map(String::from);
    let (_, stderr, code) = run(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    let first: serde_json::Value =
        serde_json::from_str(stderr.lines().next().expect("a diagnostic")).expect("JSON");
    assert_eq!(first["code"], "credo::type::context");
    assert_eq!(first["docs"], "docs/language.md#names-by-context");
}

/// Pages of `docs/` that other branches write; a link to one is only checked once it exists.
const WRITTEN_ELSEWHERE: &[&str] = &[
    "docs/serve.md",
    "docs/python.md",
    "docs/proofs.md",
    "docs/records-tables.md",
    "docs/editors.md",
];

/// Links between the docs pages (`[x](language.md#y)`, `[x](../README.md)`) lead somewhere.
#[test]
fn links_between_pages_resolve() {
    let mut failures = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).expect("a page");
        let base = page.parent().expect("a folder").to_path_buf();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            rest = &rest[end..];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                page.clone()
            } else {
                base.join(file)
            };
            if !path.exists() && WRITTEN_ELSEWHERE.iter().any(|w| path.ends_with(w)) {
                eprintln!(
                    "{}: `{target}` skipped: that page is written on another branch",
                    page.display()
                );
                continue;
            }
            if !path.exists() {
                failures.push(format!("{}: `{target}`: no such file", page.display()));
                continue;
            }
            if !anchor.is_empty() && path.extension().is_some_and(|e| e == "md") {
                let doc = std::fs::read_to_string(&path).expect("a linked page");
                if !anchors(&doc).contains(anchor) {
                    failures.push(format!("{}: `{target}`: no such anchor", page.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The subcommands listed in a `--help` text's `Commands:` section.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(str::to_owned)
        .collect()
}

/// The CLI reference as generated from every command's `--help`.
fn cli_reference() -> String {
    let dir = Path::new(ROOT);
    let mut md = String::from(
        "# Command-line reference\n\n\
         <!-- Generated from `credo … --help` by tests/docs.rs: do not edit by hand.\n     \
         Regenerate with `DOCS_UPDATE=1 cargo test --test docs cli_reference`. -->\n\n\
         This page is every command's `--help`, generated from the command line's definition, so it\n\
         cannot fall behind the binary (a test fails when it does). Exit codes, for every command:\n\
         0 success; 1 policy errors or failed tests; 2 usage, input or output failures; 3 some\n\
         records had errors.\n\n",
    );
    let mut queue: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = queue.pop() {
        let mut args = path.clone();
        args.push("--help".into());
        let (help, _, code) = run(dir, &args);
        assert_eq!(code, 0, "`credo {}` fails", args.join(" "));
        let title = if path.is_empty() {
            "credo".to_owned()
        } else {
            format!("credo {}", path.join(" "))
        };
        md.push_str(&format!("## `{title}`\n\n```text\n{}```\n\n", help));
        let mut subs: Vec<Vec<String>> = subcommands(&help)
            .into_iter()
            .map(|s| {
                let mut p = path.clone();
                p.push(s);
                p
            })
            .collect();
        subs.reverse();
        queue.extend(subs);
    }
    md.trim_end().to_owned() + "\n"
}

/// `docs/cli.md` is what the commands' `--help` says today.
#[test]
fn cli_reference_is_current() {
    let path = Path::new(ROOT).join("docs/cli.md");
    let generated = cli_reference();
    assert!(
        generated.contains("## `credo check`") && generated.contains("## `credo log verify`"),
        "the generator missed subcommands:\n{generated}"
    );
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        if updating() {
            std::fs::write(&path, &generated).expect("docs/cli.md is written");
            eprintln!("rewrote docs/cli.md");
        } else {
            panic!(
                "docs/cli.md is not what `credo … --help` prints: regenerate it with \
                 `DOCS_UPDATE=1 cargo test --test docs cli_reference` and review the diff"
            );
        }
    }
}

#[test]
fn the_helpers_of_this_test_do_what_they_say() {
    assert_eq!(
        words(r#"eval p.credo "a b.yaml" --as-of 2026-01-01"#),
        ["eval", "p.credo", "a b.yaml", "--as-of", "2026-01-01"]
    );
    assert_eq!(
        slug(" `credential` declarations"),
        "credential-declarations"
    );
    assert_eq!(slug(" 4. Expressions & terms"), "4-expressions--terms");
    let a = anchors("# A\n## A\n```\n# not a heading\n```\n<a id=\"x-y\"></a>\n");
    assert_eq!(
        a.into_iter().collect::<Vec<_>>(),
        ["a", "a-1", "x-y"].map(str::to_owned)
    );
    assert_eq!(
        doc_links("see docs/language.md#roles. and docs/x.md"),
        [("language.md".to_owned(), "roles".to_owned())]
    );
    let b = blocks("x\n```credo fragment error=a,b\nrole r {}\n```\n");
    assert_eq!(b.len(), 1);
    assert!(b[0].flag("fragment"));
    assert_eq!(codes(b[0].attr("error")).len(), 2);
    assert_eq!(b[0].body, "role r {}\n");
}

/// The checker catches what it is meant to: a policy that does not check, an expected code that
/// does not come, a fragment without a prelude, and an output that is not what credo prints.
#[test]
fn a_broken_page_fails_the_check() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let page = dir.path().join("broken.md");
    std::fs::write(
        &page,
        "```credo\nrole r { title \"R\" require sql }\n```\n\n\
         ```credo fragment\nskill x \"X\"\n```\n\n\
         ```credo prelude\npolicy \"P\" { version \"1\" effective 2026-01-01 owner \"o\" }\nskill sql \"SQL\"\n\
         role r { title \"R\" require sql { accept experience >= 6mo } }\n```\n\n\
         ```credo fragment error=credo::name::unknown-skill\nskill y \"Y\"\n```\n\n\
         ```credo fragment\nrole q { title \"Q\" require sql { accept experience >= 6mo } }\n```\n\n\
         ```console\n$ credo check example-2.credo\nexample-2.credo: not what it prints\n```\n",
    )
    .expect("a page");
    let (failures, updated) = check_page(&page, false);
    assert!(updated.is_none());
    let lines: Vec<usize> = failures
        .iter()
        .map(|f| {
            let at = f.split(": ").next().expect("a location");
            at.rsplit(':')
                .next()
                .expect("a line")
                .parse()
                .expect("a number")
        })
        .collect();
    // The first policy has no `policy` block and no skill `sql`; the first fragment comes before
    // any prelude; the unknown-skill error never comes; the console output differs. The prelude
    // and the last fragment are fine.
    assert_eq!(lines, [1, 5, 15, 23], "{failures:#?}");
}
