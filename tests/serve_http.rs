//! `credo serve` on loopback (SPEC §13): every endpoint, decisions equal to `eval --format
//! json` for every shipped record, batch order, reload, authentication.

mod common;

use common::server::{chunk, head, without_ids, Server};
use common::{credo, SHIPPED};
use serde_json::{json, Value};
use std::io::Write;

const AS_OF: &str = "2026-11-25";

/// The records of a shipped file as JSON values, in order.
fn records(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.ends_with(".jsonl") {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    } else {
        match serde_saphyr::from_str::<Value>(&text).unwrap() {
            Value::Array(a) => a,
            one => vec![one],
        }
    }
}

fn eval_json(policy: &str, records: &str) -> Vec<Value> {
    let out = credo(&[
        "eval", policy, records, "--as-of", AS_OF, "--format", "json",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 3)), "{out:?}");
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

#[test]
fn every_shipped_record_is_decided_over_http_as_eval_decides_it() {
    for policy in [
        "policies/acme-cyber.credo",
        "policies/data-analytics.credo",
        "policies/everup-admission.credo",
        "policies/outcomes-sample.credo",
    ] {
        let server = Server::start(&[policy, "--as-of", AS_OF]);
        for (_, file) in SHIPPED.iter().filter(|(p, _)| *p == policy) {
            let expected = eval_json(policy, file);
            let mut at = 0;
            for record in records(file) {
                let a = server.post("/v1/decisions", record.to_string().as_bytes());
                match a.status {
                    200 => {
                        let got = a.json();
                        let got = got.as_array().expect("an array of decisions");
                        assert!(!got.is_empty());
                        for d in got {
                            let id = d["decision_id"].as_str().expect("a decision_id");
                            assert!(!id.is_empty());
                            assert_eq!(without_ids(d.clone()), expected[at], "{file}, item {at}");
                            at += 1;
                        }
                    }
                    422 => {
                        let got = a.json();
                        assert_eq!(got["record"], expected[at]["record"], "{file}, item {at}");
                        assert_eq!(got["error"], expected[at]["error"], "{file}, item {at}");
                        at += 1;
                    }
                    s => panic!("{file}: status {s}: {}", a.text()),
                }
            }
            assert_eq!(
                at,
                expected.len(),
                "{file}: every item of eval was answered"
            );
        }
        server.stop();
    }
}

#[test]
fn a_batch_streams_the_decisions_of_eval_jsonl_in_input_order() {
    for (policy, file) in SHIPPED.iter().filter(|(_, f)| f.ends_with(".jsonl")) {
        let server = Server::start(&[policy]);
        let body = std::fs::read(file).unwrap();
        let a = server.request(
            "POST",
            &format!("/v1/decisions/batch?as_of={AS_OF}"),
            &[("Content-Type", "application/x-ndjson")],
            &body,
        );
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(a.header("content-type"), Some("application/x-ndjson"));
        let out = credo(&["eval", policy, file, "--as-of", AS_OF, "--format", "jsonl"]);
        let expected: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<Value> = a.lines().into_iter().map(without_ids).collect();
        assert_eq!(got.len(), expected.len(), "{file}");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "{file}: line {i} of the batch");
        }
        server.stop();
    }
}

#[test]
fn a_batch_reports_bad_lines_in_their_place_and_goes_on() {
    let server = Server::start(&["policies/acme-cyber.credo", "--as-of", AS_OF]);
    let body = b"{\"id\":\"a\",\"applied\":[\"soc_analyst\"]}\n\nnot json\n{\"id\":\"a\",\"applied\":[\"soc_analyst\"]}\n{\"id\":\"b\",\"applied\":[\"soc_analyst\"]}";
    let a = server.post("/v1/decisions/batch", body);
    assert_eq!(a.status, 200);
    let lines = a.lines();
    assert_eq!(lines.len(), 4, "{}", a.text());
    assert_eq!(lines[0]["candidate"], "a");
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["record"].is_null()),
        (Some(3), true)
    );
    assert!(lines[1]["error"].as_str().unwrap().starts_with("not JSON"));
    assert_eq!(lines[2]["line"], 4);
    assert_eq!(
        lines[2]["error"],
        "duplicate record id `a` (first at line 1)"
    );
    assert_eq!(
        lines[3]["candidate"], "b",
        "the last line needs no line break"
    );
}

#[test]
fn a_batch_is_streamed_as_it_is_decided() {
    let server = Server::start(&["policies/acme-cyber.credo", "--as-of", AS_OF]);
    let mut s = server.connect();
    s.write_all(&head("POST", "/v1/decisions/batch", &[], None))
        .unwrap();
    s.write_all(&chunk(
        b"{\"id\":\"first\",\"applied\":[\"soc_analyst\"]}\n",
    ))
    .unwrap();
    // The first decision arrives before the batch's body is finished.
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    while !String::from_utf8_lossy(&got).contains("\"candidate\":\"first\"") {
        let n = std::io::Read::read(&mut s, &mut buf).unwrap();
        assert!(
            n > 0,
            "the answer ended early: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    s.write_all(&chunk(
        b"{\"id\":\"second\",\"applied\":[\"soc_analyst\"]}\n",
    ))
    .unwrap();
    s.write_all(&chunk(b"")).unwrap();
    let rest = read_answer_tail(&mut s);
    got.extend_from_slice(&rest);
    let a = common::server::parse_answer(&got);
    let ids: Vec<Value> = a.lines().iter().map(|l| l["candidate"].clone()).collect();
    assert_eq!(ids, vec![json!("first"), json!("second")]);
}

fn read_answer_tail(s: &mut std::net::TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    std::io::Read::read_to_end(s, &mut rest).unwrap();
    rest
}

#[test]
fn a_wrapped_request_names_roles_and_as_of() {
    let server = Server::start(&["policies/acme-cyber.credo"]);
    let record = records("policies/acme-cyber.records.yaml").remove(0);
    let body = json!({"record": record, "roles": ["soc_analyst", "network_technician"], "as_of": "2026-01-02"});
    let a = server.post("/v1/decisions", body.to_string().as_bytes());
    assert_eq!(a.status, 200, "{}", a.text());
    let d = a.json();
    let roles: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["soc_analyst", "network_technician"]);
    assert!(d
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["as_of"] == "2026-01-02"));
    let ids: std::collections::HashSet<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "each decision has its own id");
    let bad = server.post(
        "/v1/decisions",
        json!({"record": record, "roles": ["soc_analyts"]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains("did you mean `soc_analyst`"),
        "{}",
        bad.text()
    );
    // Without `as_of` anywhere, the request's day (UTC) is recorded.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let a = server.post("/v1/decisions", record.to_string().as_bytes());
    assert_eq!(a.json()[0]["as_of"], today.as_str());
}

#[test]
fn bad_bodies_are_record_errors_without_paths_or_traces() {
    let server = Server::start(&["policies/acme-cyber.credo"]);
    for (body, wanted) in [
        (
            &b"{\"id\": \"x\", \"credentials\": 3}"[..],
            "`credentials` must be a list",
        ),
        (b"{not json", "not JSON"),
        (b"[{\"id\":\"a\"},{\"id\":\"b\"}]", "list of records"),
        // As `eval` reads a JSON line: a key given twice is the record's error.
        (
            b"{\"id\": \"a\", \"applied\": [\"soc_analyst\"], \"id\": \"b\"}",
            "`id`",
        ),
        (
            b"{\"record\": {\"id\": \"a\"}, \"extra\": 1}",
            "unknown field `extra`",
        ),
    ] {
        let a = server.post("/v1/decisions", body);
        assert_eq!(a.status, 422, "{}", a.text());
        let e = a.json();
        assert!(
            e["error"].as_str().unwrap().contains(wanted),
            "{}",
            a.text()
        );
        assert_eq!(e["file"], "request");
        assert!(
            !a.text().contains("policies/")
                && !a.text().contains("/src/")
                && !a.text().contains("panicked")
        );
    }
    let a = server.get("/nowhere");
    assert_eq!((a.status, a.json()["error"].is_string()), (404, true));
    let (status, err) = server.stop();
    assert!(status.success());
    assert!(
        !err.contains("credentials") && !err.contains("extra"),
        "nothing of a request on stderr: {err}"
    );
}

#[test]
fn policy_health_openapi_and_metrics() {
    let server = Server::start(&["policies/acme-cyber.credo", "--as-of", AS_OF]);
    assert_eq!(server.get("/healthz").status, 200);
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200);
    let info = server.get("/v1/policy").json();
    assert_eq!(info["name"], "Acme skills-first hiring");
    assert!(info["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(ready.json()["hash"], info["hash"]);
    assert!(info["loaded_at"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .is_ok());
    let soc = info["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "soc_analyst")
        .unwrap();
    assert_eq!(soc["title"], "SOC Analyst I");
    assert!(soc["skills"]
        .as_array()
        .unwrap()
        .contains(&json!("network_security")));

    let api = server.get("/openapi.json").json();
    assert_eq!(api["openapi"], "3.1.0");
    for path in [
        "/v1/decisions",
        "/v1/decisions/batch",
        "/v1/policy",
        "/v1/check",
        "/v1/policy/reload",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(api["paths"][path].is_object(), "{path} is described");
    }
    for (name, file) in [
        ("Record", "record"),
        ("Decision", "decision"),
        ("Outcome", "outcome"),
        ("Suite", "suite"),
        ("Diagnostic", "diagnostics"),
    ] {
        let committed: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("schema/{file}.schema.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            api["components"]["schemas"][name], committed,
            "{name} is the committed schema"
        );
    }

    let record = records("policies/acme-cyber.records.yaml").remove(0);
    let decided = server
        .post("/v1/decisions", record.to_string().as_bytes())
        .json();
    let d = &decided[0];
    let metrics = server.get("/metrics");
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text();
    let line = format!(
        "credo_decisions_total{{role=\"{}\",outcome=\"{}\"}} 1",
        d["role"].as_str().unwrap(),
        d["outcome"].as_str().unwrap()
    );
    assert!(text.contains(&line), "{line} in\n{text}");
    assert!(text.contains(&format!("hash=\"{}\"", info["hash"].as_str().unwrap())));
    assert!(
        text.contains("credo_http_requests_total{path=\"/v1/decisions\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("credo_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(text.contains("credo_reloads_total{result=\"ok\"} 0"));
}

#[test]
fn check_answers_the_diagnostics_of_check_error_format_json() {
    let server = Server::start(&["policies/acme-cyber.credo"]);
    let text = std::fs::read("policies/acme-cyber.credo").unwrap();
    let ok = server.post("/v1/check", &text);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let broken = b"policy \"x\" { version \"1\" effective 2026-01-01 owner \"o\" }\nrole r { title \"R\" require nope { accept at least 1 labs } }\n";
    let a = server.post("/v1/check", broken);
    assert_eq!(a.status, 422);
    assert_eq!(a.header("content-type"), Some("application/x-ndjson"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("request.credo");
    std::fs::write(&path, broken).unwrap();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_credo"))
        .args(["check", "request.credo", "--error-format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let expected: Vec<Value> = String::from_utf8(cli.stderr)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(a.lines(), expected);
}

#[test]
fn reload_swaps_a_good_policy_and_keeps_the_old_one_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.credo");
    let original = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
    std::fs::write(&path, &original).unwrap();
    let server = Server::start(&[path.to_str().unwrap(), "--as-of", AS_OF]);
    let record = records("policies/acme-cyber.records.yaml")
        .remove(0)
        .to_string();
    let before = server.post("/v1/decisions", record.as_bytes()).json();
    let old_hash = before[0]["policy"]["hash"].clone();

    std::fs::write(
        &path,
        original.replace("role soc_analyst", "role soc_analyst soc_analyst"),
    )
    .unwrap();
    let failed = server.post("/v1/policy/reload", b"");
    assert_eq!(failed.status, 422, "{}", failed.text());
    let f = failed.json();
    assert_eq!(
        (f["reloaded"].clone(), f["hash"].clone()),
        (json!(false), old_hash.clone())
    );
    let diags = f["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty() && diags.iter().all(|d| d["message"].is_string()));
    let still = server.post("/v1/decisions", record.as_bytes()).json();
    assert_eq!(
        still[0]["policy"]["hash"], old_hash,
        "the old policy keeps serving"
    );

    std::fs::write(&path, original.replace("\"2026.4\"", "\"2026.5\"")).unwrap();
    let ok = server.post("/v1/policy/reload", b"");
    assert_eq!(ok.status, 200, "{}", ok.text());
    let new_hash = ok.json()["hash"].clone();
    assert_ne!(new_hash, old_hash);
    assert_eq!(ok.json()["previous"], old_hash);
    let after = server.post("/v1/decisions", record.as_bytes()).json();
    assert_eq!(after[0]["policy"]["hash"], new_hash);
    assert_eq!(after[0]["policy"]["version"], "2026.5");
    assert_eq!(server.get("/v1/policy").json()["hash"], new_hash);
    let metrics = server.get("/metrics").text();
    assert!(
        metrics.contains("credo_reloads_total{result=\"ok\"} 1")
            && metrics.contains("credo_reloads_total{result=\"failed\"} 1"),
        "{metrics}"
    );
    // A policy that cannot be read at all: 422, and no server path in the answer.
    std::fs::remove_file(&path).unwrap();
    let gone = server.post("/v1/policy/reload", b"");
    assert_eq!(gone.status, 422);
    assert!(
        !gone.text().contains(dir.path().to_str().unwrap()),
        "{}",
        gone.text()
    );
}

#[test]
fn a_token_guards_every_path_but_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "  s3cret-token\n").unwrap();
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    assert_eq!(server.get("/healthz").status, 200);
    for path in ["/readyz", "/v1/policy", "/metrics", "/openapi.json"] {
        assert_eq!(server.get(path).status, 401, "{path} without a token");
        let wrong = server.request(
            "GET",
            path,
            &[("Authorization", "Bearer s3cret-tokeN")],
            b"",
        );
        assert_eq!(wrong.status, 401, "{path} with a wrong token");
        let right = server.request(
            "GET",
            path,
            &[("Authorization", "Bearer s3cret-token")],
            b"",
        );
        assert_eq!(right.status, 200, "{path} with the token");
    }
    let a = server.post("/v1/decisions", b"{}");
    assert_eq!(
        (a.status, a.header("www-authenticate")),
        (401, Some("Bearer"))
    );
    let prefix = server.request(
        "GET",
        "/v1/policy",
        &[("Authorization", "Bearer s3cret")],
        b"",
    );
    assert_eq!(prefix.status, 401, "a prefix of the token is wrong");
}

#[test]
fn only_loopback_without_a_token() {
    let refused = Server::try_start(&["policies/acme-cyber.credo", "--addr", "0.0.0.0:0"])
        .err()
        .expect("refused");
    assert_eq!(refused.0, Some(2));
    assert!(
        refused.1.contains("not a loopback address"),
        "{}",
        refused.1
    );
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "t").unwrap();
    // With a token it listens (on every address: the test only checks it starts).
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--addr",
        "0.0.0.0:0",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    assert!(server.addr.ip().is_unspecified());
    let (status, _) = server.stop();
    assert!(status.success());
}

#[test]
fn a_records_problems_are_placed_in_the_request() {
    let server = Server::start(&["policies/acme-cyber.credo", "--as-of", AS_OF]);
    // Line 2 of a batch: a bad date at column 45 and an unknown field at column 81.
    let bad = r#"{"id":"b","applied":["soc_analyst"],"credentials":[{"id":"security_plus","issued":"2025-13-01"}],"nickname":"x"}"#;
    let body = format!("{{\"id\":\"a\",\"applied\":[\"soc_analyst\"]}}\n{bad}\n");
    let a = server.post("/v1/decisions/batch", body.as_bytes());
    assert_eq!(a.status, 200);
    let lines = a.lines();
    assert_eq!(lines[1]["line"], 2, "{}", a.text());
    let places: Vec<(String, u64, u64)> = (lines[1]["problems"].as_array().unwrap().iter())
        .map(|p| {
            let (field, line, column) = (&p["field"], &p["line"], &p["column"]);
            let column = column.as_u64().unwrap();
            let at = bad.chars().skip(column as usize - 1).collect::<String>();
            let key = field
                .as_str()
                .unwrap()
                .rsplit('.')
                .next()
                .unwrap()
                .to_owned();
            assert!(
                at.starts_with(&format!("\"{key}\"")),
                "{field} at {column}: {at}"
            );
            (
                field.as_str().unwrap().to_owned(),
                line.as_u64().unwrap(),
                column,
            )
        })
        .collect();
    assert_eq!(places.len(), 2, "{places:?}");
    assert!(places.iter().all(|p| p.1 == 2), "{places:?}");

    // A single record written over several lines: each problem at its own line.
    let single = "{\n  \"id\": \"c\",\n  \"applied\": [\"soc_analyst\"],\n  \"work_samples\": [{\"skill\": \"scripting\", \"score\": 250}],\n  \"nickname\": \"x\"\n}\n";
    let a = server.post("/v1/decisions", single.as_bytes());
    assert_eq!(a.status, 422, "{}", a.text());
    let lines: Vec<u64> = (a.json()["problems"].as_array().unwrap().iter())
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4, 5], "{}", a.text());
}
