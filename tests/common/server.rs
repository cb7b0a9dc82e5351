//! Running `credo serve` on loopback for the service's tests, and a plain HTTP/1.1 client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running service: its address and what it printed on standard error.
pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body's JSON lines.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        (self.text().lines())
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Starts `credo serve` with `args` (the policy first) on a free loopback port and waits
    /// until it listens.
    pub fn start(args: &[&str]) -> Server {
        Server::try_start(args).unwrap_or_else(|(code, err)| panic!("serve exited {code:?}: {err}"))
    }

    /// Starts the service; `Err` with its exit status and standard error when it stops before
    /// it listens.
    pub fn try_start(args: &[&str]) -> Result<Server, (Option<i32>, String)> {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        if !args.contains(&"--addr") {
            all.extend_from_slice(&["--addr", "127.0.0.1:0"]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_credo"))
            .args(&all)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("credo serve starts");
        let mut lines = BufReader::new(child.stderr.take().expect("piped stderr"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut line = String::new();
        let addr = loop {
            line.clear();
            if lines.read_line(&mut line).expect("stderr reads") == 0 {
                let status = child.wait().expect("serve ends");
                let err = stderr.lock().unwrap().clone();
                return Err((status.code(), err));
            }
            stderr.lock().unwrap().push_str(&line);
            if let Some(at) = line
                .trim()
                .strip_prefix("credo serve: listening on http://")
            {
                break at.parse().expect("an address");
            }
        };
        let sink = stderr.clone();
        let reader = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = lines.read_to_string(&mut rest);
            sink.lock().unwrap().push_str(&rest);
        });
        Ok(Server {
            child: Some(child),
            addr,
            stderr,
            reader: Some(reader),
        })
    }

    /// Sends one request on a new connection and reads the whole answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        let mut s = self.connect();
        s.write_all(&head(method, path, headers, Some(body.len())))
            .unwrap();
        s.write_all(body).unwrap();
        read_answer(&mut s)
    }

    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, body: &[u8]) -> Answer {
        self.request("POST", path, &[], body)
    }

    /// A connection to the service.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// Sends SIGTERM and waits for the service to end; its exit status and standard error.
    pub fn stop(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        // SAFETY: kill(2) on the child's own pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let status = child.wait().expect("serve ends");
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let err = self.stderr.lock().unwrap().clone();
        (status, err)
    }

    /// What the service printed on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A request head; `None` length sends the body chunked.
pub fn head(method: &str, path: &str, headers: &[(&str, &str)], len: Option<usize>) -> Vec<u8> {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    match len {
        Some(n) => h.push_str(&format!("Content-Length: {n}\r\n")),
        None => h.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// One chunk of a chunked body (an empty one ends it).
pub fn chunk(bytes: &[u8]) -> Vec<u8> {
    let mut c = format!("{:x}\r\n", bytes.len()).into_bytes();
    c.extend_from_slice(bytes);
    c.extend_from_slice(b"\r\n");
    c
}

/// Reads an answer up to the end of the connection (`Connection: close`).
pub fn read_answer(s: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("the answer reads");
    parse_answer(&raw)
}

/// Parses a whole HTTP/1.1 answer (a chunked body is joined).
pub fn parse_answer(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = (headers.iter())
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let i = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("a chunk size");
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..i]).unwrap().trim(), 16)
                .expect("a hex chunk size");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 2 + size + 2..];
        }
        body = out;
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// Drops `decision_id` from every decision of a JSON array or object.
pub fn without_ids(mut v: serde_json::Value) -> serde_json::Value {
    match &mut v {
        serde_json::Value::Array(items) => {
            for i in items {
                if let Some(m) = i.as_object_mut() {
                    m.shift_remove("decision_id");
                }
            }
        }
        serde_json::Value::Object(m) => {
            m.shift_remove("decision_id");
        }
        _ => {}
    }
    v
}
