//! `credo serve` under its limits (SPEC §13): body size (413), concurrency (wait, then 503),
//! request time (503); SIGTERM with requests in flight; the decision log after concurrent
//! requests.

mod common;

use common::credo;
use common::server::{chunk, head, parse_answer, Server};
use serde_json::Value;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn record(id: &str) -> String {
    format!("{{\"id\":\"{id}\",\"applied\":[\"soc_analyst\"],\"labs\":[{{\"title\":\"t\",\"skills\":[\"network_security\"],\"completed\":\"2025-01-10\",\"hours\":4}}]}}")
}

#[test]
fn a_body_over_its_limit_gets_413() {
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--max-body",
        "300",
        "--max-batch",
        "1000",
    ]);
    let small = record("a");
    assert_eq!(server.post("/v1/decisions", small.as_bytes()).status, 200);
    let big = format!("{{\"id\":\"a\",\"applied\":[\"{}\"]}}", "x".repeat(400));
    let a = server.post("/v1/decisions", big.as_bytes());
    assert_eq!(a.status, 413, "{}", a.text());
    assert!(a.json()["error"].as_str().unwrap().contains("300 bytes"));
    // Without a length announced (chunked), the limit holds all the same.
    let mut s = server.connect();
    s.write_all(&head("POST", "/v1/decisions", &[], None))
        .unwrap();
    s.write_all(&chunk(big.as_bytes())).unwrap();
    s.write_all(&chunk(b"")).unwrap();
    assert_eq!(common::server::read_answer(&mut s).status, 413);
    assert_eq!(
        server.post("/v1/check", "x".repeat(301).as_bytes()).status,
        413
    );
    // A batch: over --max-batch announced is 413; a line over --max-body is its record's
    // error and the batch goes on.
    let batch = format!("{}\n", record("a")).repeat(40);
    assert_eq!(
        server.post("/v1/decisions/batch", batch.as_bytes()).status,
        413
    );
    let body = format!("{}\n{big}\n{}\n", record("a"), record("b"));
    let a = server.post("/v1/decisions/batch", body.as_bytes());
    assert_eq!(a.status, 200);
    let lines = a.lines();
    assert_eq!(lines.len(), 3, "{}", a.text());
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("longer than"));
    assert_eq!(lines[2]["candidate"], "b");
    // Chunked past --max-batch: the batch stops with an error line that says where.
    let mut s = server.connect();
    s.write_all(&head("POST", "/v1/decisions/batch", &[], None))
        .unwrap();
    for i in 0..10 {
        s.write_all(&chunk(format!("{}\n", record(&format!("r{i}"))).as_bytes()))
            .unwrap();
    }
    s.write_all(&chunk(b"")).unwrap();
    let a = common::server::read_answer(&mut s);
    let lines = a.lines();
    let last = lines.last().unwrap();
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .contains("larger than this service's limit of 1000 bytes"),
        "{}",
        a.text()
    );
    assert!(lines.len() < 10);
}

#[test]
fn excess_requests_wait_for_a_turn_then_get_503() {
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--max-concurrent",
        "1",
        "--queue-ms",
        "300",
    ]);
    // A batch whose body is not finished holds the only turn.
    let mut holder = server.connect();
    holder
        .write_all(&head("POST", "/v1/decisions/batch", &[], None))
        .unwrap();
    holder
        .write_all(&chunk(format!("{}\n", record("a")).as_bytes()))
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let a = server.post("/v1/decisions", record("b").as_bytes());
    assert_eq!(a.status, 503, "{}", a.text());
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "it waited for a turn first"
    );
    assert_eq!(a.header("retry-after"), Some("1"));
    // Health checks do not wait.
    assert_eq!(server.get("/healthz").status, 200);
    // A request that comes while the turn is freed within the wait is served.
    let waiter = {
        let addr = server.addr;
        std::thread::spawn(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            let body = record("c");
            s.write_all(&head("POST", "/v1/decisions", &[], Some(body.len())))
                .unwrap();
            s.write_all(body.as_bytes()).unwrap();
            common::server::read_answer(&mut s).status
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    holder.write_all(&chunk(b"")).unwrap();
    let held = common::server::read_answer(&mut holder);
    assert_eq!(held.status, 200);
    assert_eq!(waiter.join().unwrap(), 200);
    let metrics = server.get("/metrics").text();
    assert!(
        metrics.contains("credo_http_requests_total{path=\"other\",status=\"503\"} 1")
            || metrics.contains("status=\"503\"} 1"),
        "{metrics}"
    );
}

#[test]
fn the_default_limits_admit_64_concurrent_requests() {
    let server = Server::start(&["policies/acme-cyber.credo", "--queue-ms", "100"]);
    // 64 batches held open at once: each holds a turn; none is refused.
    let mut held = Vec::new();
    for i in 0..64 {
        let mut s = server.connect();
        s.write_all(&head("POST", "/v1/decisions/batch", &[], None))
            .unwrap();
        s.write_all(&chunk(format!("{}\n", record(&format!("h{i}"))).as_bytes()))
            .unwrap();
        held.push(s);
    }
    std::thread::sleep(Duration::from_millis(300));
    for s in &mut held {
        s.write_all(&chunk(b"")).unwrap();
    }
    for mut s in held {
        assert_eq!(common::server::read_answer(&mut s).status, 200);
    }
}

#[test]
fn a_request_past_the_time_limit_gets_503() {
    let server = Server::start(&["policies/acme-cyber.credo", "--timeout-ms", "300"]);
    // A body that never finishes.
    let mut s = server.connect();
    let body = record("slow");
    s.write_all(&head("POST", "/v1/decisions", &[], Some(body.len())))
        .unwrap();
    s.write_all(&body.as_bytes()[..10]).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0; 4096];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        raw.extend_from_slice(&buf[..n]);
    }
    assert!(
        raw.starts_with(b"HTTP/1.1 503"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    // A batch that never finishes ends with an error line at the time limit.
    let mut s = server.connect();
    s.write_all(&head("POST", "/v1/decisions/batch", &[], None))
        .unwrap();
    s.write_all(&chunk(format!("{}\n", record("a")).as_bytes()))
        .unwrap();
    let started = Instant::now();
    let a = common::server::read_answer(&mut s);
    assert!(started.elapsed() < Duration::from_secs(20));
    let lines = a.lines();
    assert_eq!(lines[0]["candidate"], "a");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("time limit; the batch stopped after line 1"),
        "{}",
        a.text()
    );
}

fn log_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn concurrent_requests_make_one_valid_log_chain() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.log");
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--as-of",
        "2026-11-25",
        "--log",
        log.to_str().unwrap(),
    ]);
    let addr = server.addr;
    let threads: Vec<_> = (0..16)
        .map(|t| {
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for i in 0..15 {
                    let body = record(&format!("t{t}-{i}"));
                    let mut s = std::net::TcpStream::connect(addr).unwrap();
                    s.write_all(&head("POST", "/v1/decisions", &[], Some(body.len())))
                        .unwrap();
                    s.write_all(body.as_bytes()).unwrap();
                    let a = common::server::read_answer(&mut s);
                    assert_eq!(a.status, 200);
                    ids.push(a.json()[0]["decision_id"].as_str().unwrap().to_owned());
                }
                ids
            })
        })
        .collect();
    let mut answered: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    // A record error is logged in its place too.
    assert_eq!(server.post("/v1/decisions", b"{\"id\":\"\"}").status, 422);
    let (status, _) = server.stop();
    assert!(status.success());
    let verify = credo(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 16 * 15 + 1);
    let mut logged: Vec<String> = lines
        .iter()
        .filter_map(|l| l["decision"]["decision_id"].as_str().map(str::to_owned))
        .collect();
    answered.sort();
    logged.sort();
    assert_eq!(
        logged, answered,
        "every answered decision is in the log, with its id"
    );
    assert!(lines.last().unwrap()["error"].is_object());
}

#[test]
fn sigterm_finishes_requests_in_flight_and_flushes_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.log");
    let server = Server::start(&[
        "policies/acme-cyber.credo",
        "--as-of",
        "2026-11-25",
        "--log",
        log.to_str().unwrap(),
    ]);
    let mut s = server.connect();
    s.write_all(&head("POST", "/v1/decisions/batch", &[], None))
        .unwrap();
    s.write_all(&chunk(format!("{}\n", record("before")).as_bytes()))
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let addr = server.addr;
    let stopping = std::thread::spawn(move || server.stop());
    std::thread::sleep(Duration::from_millis(300));
    // No new connection is taken once it is stopping.
    assert!(
        std::net::TcpStream::connect(addr)
            .and_then(|mut c| {
                c.set_read_timeout(Some(Duration::from_secs(5)))?;
                c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")?;
                let mut b = Vec::new();
                c.read_to_end(&mut b)?;
                Ok(b)
            })
            .map_or(true, |b| b.is_empty()),
        "a new request was answered after SIGTERM"
    );
    // The batch in flight is finished.
    s.write_all(&chunk(format!("{}\n", record("after")).as_bytes()))
        .unwrap();
    s.write_all(&chunk(b"")).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let a = parse_answer(&raw);
    let ids: Vec<Value> = a.lines().iter().map(|l| l["candidate"].clone()).collect();
    assert_eq!(ids, vec![Value::from("before"), Value::from("after")]);
    let (status, err) = stopping.join().unwrap();
    assert!(status.success(), "{err}");
    let verify = credo(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0));
    assert_eq!(log_lines(&log).len(), 2);
}
