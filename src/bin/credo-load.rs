//! The loopback load test of `credo serve` (scripts/bench-serve.sh), never a unit test.
//!
//! ```text
//! credo-load hello ADDR                       a minimal axum server: POST / answers "hello"
//! credo-load run ADDR PATH BODY CLIENTS SECS  CLIENTS keep-alive connections, each sending
//!                                             BODY (a file) to PATH in a loop for SECS seconds
//! ```
//!
//! `run` prints one line: requests/s, p50 and p99 latency, and the count of answers that were
//! not 200 (which must be 0).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["hello", addr] => hello(addr),
        ["run", addr, path, body, clients, secs] => run(addr, path, body, clients, secs),
        _ => {
            Err("usage: credo-load hello ADDR | credo-load run ADDR PATH BODY CLIENTS SECS".into())
        }
    };
    match code {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The ceiling: the same stack (axum on tokio, every core) answering without deciding.
fn hello(addr: &str) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| e.to_string())?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        eprintln!("hello: listening on http://{bound}");
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(|_body: axum::body::Bytes| async { "hello" }),
        );
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}

fn run(addr: &str, path: &str, body: &str, clients: &str, secs: &str) -> Result<(), String> {
    let body = std::fs::read(body).map_err(|e| format!("{body}: {e}"))?;
    let clients: usize = clients.parse().map_err(|_| "CLIENTS is a number")?;
    let secs: f64 = secs.parse().map_err(|_| "SECS is a number")?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, request) = (addr.to_owned(), request.clone());
            std::thread::spawn(move || client(&addr, &request, until))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for t in threads {
        let (l, f) = t.join().map_err(|_| "a client failed")??;
        latencies.extend(l);
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pick = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
        latencies
            .get(i)
            .map_or(0.0, |d: &Duration| d.as_secs_f64() * 1e3)
    };
    println!(
        "{} requests in {elapsed:.1} s: {:.0} requests/s, p50 {:.3} ms, p99 {:.3} ms, {failed} not 200",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        pick(0.50),
        pick(0.99)
    );
    Ok(())
}

/// One keep-alive connection sending requests until `until`; the latency of each answer and
/// the count of answers that were not 200.
fn client(addr: &str, request: &[u8], until: Instant) -> Result<(Vec<Duration>, usize), String> {
    let stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let (mut latencies, mut failed) = (Vec::new(), 0);
    let mut line = String::new();
    let mut body = Vec::new();
    while Instant::now() < until {
        let sent = Instant::now();
        writer.write_all(request).map_err(|e| e.to_string())?;
        line.clear();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if !line.starts_with("HTTP/1.1 200") {
            failed += 1;
        }
        let mut length = 0;
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().map_err(|_| "a bad Content-Length")?;
                }
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
        latencies.push(sent.elapsed());
    }
    Ok((latencies, failed))
}
