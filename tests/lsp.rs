//! `credo lsp` driven over standard input and output by scripted sessions, as an editor would:
//! every reply (responses and published diagnostics) is snapshotted.

mod common;

use serde_json::{json, Value};

/// A compact policy using every kind of declaration.
const PILOT: &str = r#"policy "Pilot" { version "1" effective 2026-01-01 owner "HR" }
attribute enrolled bool
skill networking "Networking"
skill scripting  "Scripting"
provider cisco { name "Cisco" tier trusted }
credential ccna { title "CCNA" provider cisco skills [networking] valid_for 3y cost 300 }
role technician {
  title "Network technician"
  eligible when candidate.enrolled == true
  require networking {
    accept any credential where tier >= recognized
    accept at least 3 labs
  }
  prefer scripting { accept work_sample >= 70 }
  decide {
    advance when required_missing == 0
    review otherwise
  }
}
guardrails { skills_per_role 1..5 no_auto_decline }
"#;

const URI: &str = "file:///work/pilot.credo";

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn notify(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

/// `initialize` (hover as of 2026-11-25) and `initialized`.
fn start() -> Vec<Value> {
    vec![
        request(
            0,
            "initialize",
            json!({"capabilities": {}, "initializationOptions": {"asOf": "2026-11-25"}}),
        ),
        notify("initialized", json!({})),
    ]
}

/// `shutdown` and `exit`.
fn stop(id: u64) -> Vec<Value> {
    vec![
        request(id, "shutdown", Value::Null),
        notify("exit", Value::Null),
    ]
}

fn open(uri: &str, text: &str, version: i32) -> Value {
    notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "credo", "version": version, "text": text}}),
    )
}

/// The position of the `nth` (0-based) occurrence of `needle`, `delta` characters in, with the
/// column in UTF-16 units.
fn pos(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} is in the text"))
        .0
        + needle[..delta].len();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn at(id: u64, method: &str, uri: &str, position: Value) -> Value {
    request(
        id,
        method,
        json!({"textDocument": {"uri": uri}, "position": position}),
    )
}

/// Runs a session; returns every message the server sent, after checking that it exited 0.
fn session(messages: &[Value]) -> Vec<Value> {
    let input: Vec<u8> = messages.iter().flat_map(frame).collect();
    let out = common::credo_with_input(&["lsp", "--stdio"], &input);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut replies = Vec::new();
    let mut rest = out.stdout.as_slice();
    while !rest.is_empty() {
        let head_end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header ends");
        let head = std::str::from_utf8(&rest[..head_end]).expect("an ASCII header");
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .expect("a Content-Length")
            .parse()
            .expect("a length");
        let body = &rest[head_end + 4..head_end + 4 + len];
        let mut v: Value = serde_json::from_slice(body).expect("a JSON message");
        if let Some(version) = v.pointer_mut("/result/serverInfo/version") {
            assert_eq!(version, env!("CARGO_PKG_VERSION"));
            *version = json!("[version]");
        }
        replies.push(v);
        rest = &rest[head_end + 4 + len..];
    }
    replies
}

/// The reply to request `id`.
fn reply(replies: &[Value], id: u64) -> &Value {
    replies
        .iter()
        .find(|r| r["id"] == json!(id))
        .unwrap_or_else(|| panic!("a reply to request {id} in {replies:#?}"))
}

#[test]
fn a_session_answers_hover_definition_completion_symbols_and_formatting() {
    let mut script = start();
    script.push(open(URI, PILOT, 1));
    script.extend([
        // An accept line in plain words, with the catalogue credentials that satisfy it.
        at(
            1,
            "textDocument/hover",
            URI,
            pos(PILOT, "any credential where tier", 0, 4),
        ),
        // A provider's details, from a reference in the catalogue.
        at(2, "textDocument/hover", URI, pos(PILOT, "cisco", 1, 2)),
        // The `eligible when` line and a decide rule in words.
        at(
            3,
            "textDocument/hover",
            URI,
            pos(PILOT, "eligible when", 0, 3),
        ),
        at(
            4,
            "textDocument/hover",
            URI,
            pos(PILOT, "advance when", 0, 0),
        ),
        // Go to definition: `networking` in `require` → its `skill` line; a tier is declared
        // nowhere (the defaults): no location.
        at(
            5,
            "textDocument/definition",
            URI,
            pos(PILOT, "require networking", 0, 10),
        ),
        at(
            6,
            "textDocument/definition",
            URI,
            pos(PILOT, "recognized", 0, 0),
        ),
        // Completion: providers after `provider` in a credential, attributes after
        // `candidate.`, skills in `skills [`.
        at(
            7,
            "textDocument/completion",
            URI,
            pos(PILOT, "provider cisco skills", 0, 9),
        ),
        at(
            8,
            "textDocument/completion",
            URI,
            pos(PILOT, "candidate.enrolled", 0, 10),
        ),
        at(
            9,
            "textDocument/completion",
            URI,
            pos(PILOT, "[networking]", 0, 1),
        ),
        // A credential's and a skill's details, on their declarations.
        at(13, "textDocument/hover", URI, pos(PILOT, "ccna", 0, 1)),
        at(
            14,
            "textDocument/hover",
            URI,
            pos(PILOT, "networking", 0, 0),
        ),
        request(
            10,
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        ),
        request(
            11,
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
    ]);
    script.extend(stop(12));
    let replies = session(&script);
    insta::assert_yaml_snapshot!("session", replies);
    // The definition is the `skill networking` line (line 2, `networking` at column 6).
    assert_eq!(
        reply(&replies, 5)["result"][0]["range"]["start"],
        json!({"line": 2, "character": 6})
    );
}

#[test]
fn changes_out_of_order_are_applied_in_version_order_and_stale_ones_dropped() {
    let v1 = "skill net \"Networking\"\nrole r {\n  title \"R\"\n  require nte\n}\n";
    let change = |version: i32, range: Option<[u32; 4]>, text: &str| {
        let mut c = json!({"text": text});
        if let Some([l0, c0, l1, c1]) = range {
            c["range"] = json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}});
        }
        notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [c]}),
        )
    };
    let emoji = "skill data \"Dätä 😀\"\nrole r { title \"😀 R\" require dat }\n";
    let mut script = start();
    script.extend([
        open(URI, v1, 1),
        // Version 3 extends the line version 2 fixes: it arrives first and waits.
        change(3, Some([3, 13, 3, 13]), " { accept at least 2 labs }"),
        change(2, Some([3, 10, 3, 13]), "net"),
        // A repeat of version 2 is stale: applying it again would corrupt the text.
        change(2, Some([3, 10, 3, 13]), "XYZ"),
        request(
            1,
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        // A whole-text change; columns after the emoji count UTF-16 units.
        change(4, None, emoji),
        // Typing that breaks the syntax: completion still knows the names declared before.
        change(5, Some([1, 30, 1, 33]), "d {accept"),
        at(
            2,
            "textDocument/completion",
            URI,
            json!({"line": 1, "character": 31}),
        ),
    ]);
    script.extend(stop(3));
    let replies = session(&script);
    insta::assert_yaml_snapshot!("changes", replies);
    let published: Vec<&Value> = (replies.iter())
        .filter(|r| r["method"] == "textDocument/publishDiagnostics")
        .collect();
    // didOpen, versions 2 and 3 together, 4, 5: the held and the stale change publish nothing.
    let versions: Vec<&Value> = published.iter().map(|p| &p["params"]["version"]).collect();
    assert_eq!(versions, [&json!(1), &json!(3), &json!(4), &json!(5)]);
    // `dat` is at UTF-16 column 30 (byte column 32: `😀` is 4 bytes and 2 units).
    let unknown = (published[2]["params"]["diagnostics"]
        .as_array()
        .expect("a list")
        .iter())
    .find(|d| d["code"] == "credo::name::unknown-skill")
    .expect("`dat` is reported");
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 1, "character": 30}, "end": {"line": 1, "character": 33}})
    );
    let labels: Vec<&Value> = (reply(&replies, 2)["result"]
        .as_array()
        .expect("items")
        .iter())
    .map(|i| &i["label"])
    .collect();
    assert!(labels.contains(&&json!("data")), "{labels:?}");
}

#[test]
fn unknown_methods_bad_parameters_and_unopened_documents_get_errors() {
    let mut script = start();
    script.extend([
        request(1, "textDocument/rename", json!({})),
        request(2, "credo/whatever", Value::Null),
        at(
            3,
            "textDocument/hover",
            "file:///not/open.credo",
            json!({"line": 0, "character": 0}),
        ),
        request(4, "textDocument/hover", json!({"textDocument": 7})),
        notify("$/cancelRequest", json!({"id": 1})),
        notify("workspace/didChangeConfiguration", json!({"settings": {}})),
        notify("textDocument/didChange", json!({"garbage": true})),
        open(URI, "", 1),
        at(
            5,
            "textDocument/hover",
            URI,
            json!({"line": 40, "character": 9000}),
        ),
        request(
            6,
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        ),
        // A diagnostic with a second place: related information.
        open(
            "file:///work/twice.credo",
            "skill a \"A\"\nskill a \"B\"\n",
            1,
        ),
        // Closing a document clears its diagnostics.
        notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": "file:///work/twice.credo"}}),
        ),
    ]);
    script.extend(stop(7));
    let replies = session(&script);
    insta::assert_yaml_snapshot!("errors", replies);
    assert_eq!(reply(&replies, 1)["error"]["code"], json!(-32601));
    assert_eq!(reply(&replies, 4)["error"]["code"], json!(-32602));
}

#[test]
fn the_shipped_policies_read_in_plain_words_on_hover() {
    let text = std::fs::read_to_string("policies/acme-cyber.credo").expect("the shipped policy");
    let uri = "file:///work/acme-cyber.credo";
    let mut script = start();
    script.extend([
        open(uri, &text, 1),
        at(
            1,
            "textDocument/hover",
            uri,
            pos(
                &text,
                "accept any credential where tier >= recognized and hours",
                0,
                2,
            ),
        ),
        at(
            2,
            "textDocument/hover",
            uri,
            pos(&text, "accept (any credential where provider == aws)", 0, 2),
        ),
        at(
            3,
            "textDocument/hover",
            uri,
            pos(&text, "provider == aws", 0, 13),
        ),
        at(
            4,
            "textDocument/hover",
            uri,
            pos(&text, "candidate.credits", 0, 11),
        ),
        at(
            5,
            "textDocument/definition",
            uri,
            pos(&text, "waived_by threat_detection", 0, 12),
        ),
        at(
            6,
            "textDocument/definition",
            uri,
            pos(&text, "role soc_analyst because", 0, 7),
        ),
    ]);
    script.extend(stop(7));
    let replies = session(&script);
    // The shipped policy checks: no error among its diagnostics.
    let diags = &replies[1]["params"]["diagnostics"];
    assert!(
        diags
            .as_array()
            .expect("a list")
            .iter()
            .all(|d| d["severity"] != json!(1)),
        "{diags:#}"
    );
    let responses: Vec<&Value> = replies.iter().filter(|r| r.get("id").is_some()).collect();
    insta::assert_yaml_snapshot!("acme", responses);
}

/// Every malformed policy of the corpus, opened and edited, with requests at places spread over
/// it (mid-character and past the end included): every request is answered and the server
/// ends normally.
#[test]
fn no_text_stops_the_server() {
    let dir = std::path::Path::new("tests/fixtures/malformed/policies");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the corpus")
        .map(|e| e.expect("an entry").path())
        .collect();
    paths.sort();
    let mut script = start();
    let mut id = 0;
    for (n, path) in paths.iter().enumerate() {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("a fixture")).into_owned();
        let uri = format!("file:///corpus/{n}.credo");
        script.push(open(&uri, &text, 1));
        let lines = text.lines().count() as u32 + 2;
        for step in 0..12u32 {
            let position = json!({"line": step * lines / 11, "character": (step * 7) % 40});
            for method in [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/completion",
            ] {
                id += 1;
                script.push(at(id, method, &uri, position.clone()));
            }
        }
        // An edit with a reversed range past the end, and one inside a line.
        script.push(notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": lines + 5, "character": 3}, "end": {"line": 0, "character": 1}}, "text": "😀\r"},
                {"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 2}}, "text": "{"}
            ]}),
        ));
        for method in ["textDocument/documentSymbol", "textDocument/formatting"] {
            id += 1;
            script.push(request(
                id,
                method,
                json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
            ));
        }
    }
    id += 1;
    script.extend(stop(id));
    let replies = session(&script);
    for i in 1..id {
        let r = reply(&replies, i);
        assert!(r.get("error").is_none(), "request {i}: {r:#}");
    }
}

/// A message that is not JSON-RPC ends the session with exit code 2 and the reason; an input
/// that ends before `initialize` says so.
#[test]
fn unreadable_messages_end_the_server_with_a_reason() {
    let out = common::credo_with_input(&["lsp"], b"Content-Length: 5\r\n\r\n{bad}");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read the client's messages"), "{err}");
    let out = common::credo_with_input(&["lsp"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: credo lsp: "));
}
