//! Every request at places spread over every shipped and malformed policy (mid-character
//! included): each is answered without a panic, and a definition always points at a
//! declaration of the name under the cursor.

use super::analysis::Analysis;
use super::features;

fn policies() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["policies", "tests/fixtures/malformed/policies"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "credo"))
            .collect();
        paths.sort();
        for p in paths {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            out.push((p.display().to_string(), text));
        }
    }
    assert!(out.len() > 40, "{} policies", out.len());
    out
}

#[test]
fn every_request_everywhere_is_answered() {
    let as_of = jiff::civil::date(2026, 11, 25);
    let uri: lsp_types::Uri = "file:///p.credo".parse().unwrap();
    let mut definitions = 0;
    for (name, text) in policies() {
        let a = Analysis::new(&name, &text, None);
        let _ = features::symbols(&a);
        let _ = features::formatting(&a, &name);
        // About 250 places per file, every byte for small ones.
        let stride = (text.len() / 250).max(1);
        for offset in (0..=text.len() + 1).step_by(stride) {
            let _ = features::hover(&a, offset, as_of);
            let _ = features::completion(&a, offset);
            for loc in features::definition(&a, &uri, offset) {
                let (start, end) = super::context::word_at(&text, offset);
                let at = a.lines.offset(&text, loc.range.start);
                assert_eq!(
                    text.get(at..at + (end - start)),
                    text.get(start..end),
                    "{name}:{offset}"
                );
                definitions += 1;
            }
        }
    }
    assert!(definitions > 100, "{definitions} definitions found");
}

#[test]
fn an_accept_line_completes_the_checkers_where_fields_once_each() {
    let text = "skill net \"Networking\"\nrole r {\n  title \"R\"\n  require net {\n    accept any credential where ver\n  }\n}\n";
    let a = Analysis::new("p.credo", text, None);
    let offset = text.find("where ver").unwrap() + "where ".len();
    let labels: Vec<String> = (features::completion(&a, offset).into_iter())
        .map(|i| i.label)
        .collect();
    let fields = (credo::check::WHERE_CREDENTIAL_FIELDS.iter())
        .chain(credo::check::WHERE_ARTIFACT_FIELDS)
        .chain(credo::check::WHERE_LAB_FIELDS);
    for f in fields {
        let n = labels.iter().filter(|l| l == f).count();
        assert_eq!(n, 1, "`{f}` offered {n} times in {labels:?}");
    }
    assert!(labels.iter().any(|l| l == "accept"), "{labels:?}");
}
