//! The routes of SPEC §13 and their handlers.

use super::engine::{self, Served};
use super::guard::{self, Turn};
use super::metrics::Metrics;
use super::Limits;
use crate::cli::complain;
use arc_swap::ArcSwap;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use credo::log::{Appender, Pending};
use credo::render::Item;
use credo::RecordError;
use futures_util::StreamExt;
use jiff::civil::Date;
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The routes, as metrics label them.
pub const ROUTES: [&str; 10] = [
    "/v1/decisions",
    "/v1/decisions/batch",
    "/v1/policy",
    "/v1/check",
    "/v1/policy/reload",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "other",
];

/// What the handlers share.
pub struct State {
    /// The policy path the server was given (reloaded from here).
    path: PathBuf,
    /// The policy serving now; a reload swaps it whole.
    served: ArcSwap<Served>,
    /// `--as-of`.
    fixed_as_of: Option<Date>,
    /// The SHA-256 of `--token-file`'s token.
    pub token: Option<[u8; 32]>,
    /// `--log`, taken out when the service stops.
    log: Mutex<Option<Appender>>,
    /// Whether the service was started with `--log` (read without taking the log's lock).
    logs: bool,
    pub limits: Limits,
    pub permits: Arc<tokio::sync::Semaphore>,
    pub metrics: Metrics,
    /// Decision ids: this run's prefix and a counter.
    ids: (String, AtomicU64),
    /// One reload at a time.
    reloading: tokio::sync::Mutex<()>,
    /// The OpenAPI document, rendered once.
    openapi: Bytes,
}

impl State {
    pub fn new(
        path: PathBuf,
        served: Served,
        fixed_as_of: Option<Date>,
        token: Option<Vec<u8>>,
        log: Option<Appender>,
        limits: Limits,
    ) -> State {
        State {
            path,
            served: ArcSwap::from_pointee(served),
            fixed_as_of,
            token: token.map(|t| guard::digest(&t)),
            logs: log.is_some(),
            log: Mutex::new(log),
            permits: Arc::new(tokio::sync::Semaphore::new(limits.max_concurrent as usize)),
            limits,
            metrics: Metrics::default(),
            ids: (run_prefix(), AtomicU64::new(0)),
            reloading: tokio::sync::Mutex::new(()),
            openapi: Bytes::from(super::openapi::document().to_string()),
        }
    }

    /// A new decision id: unique within this run, and across runs but for a one in 2^64 chance.
    fn decision_id(&self) -> String {
        let n = self.ids.1.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n:08x}", self.ids.0)
    }

    /// The evaluation date of a request: its own, else `--as-of`, else today (UTC).
    fn as_of(&self, asked: Option<Date>) -> Date {
        asked.or(self.fixed_as_of).unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
    }

    /// Appends log lines and writes them out, under the log's lock (one chain, whatever the
    /// concurrency); without `--log`, nothing.
    fn log(&self, lines: Vec<Pending>, policy_hash: &str) -> Result<(), ()> {
        if lines.is_empty() {
            return Ok(());
        }
        let Ok(mut log) = self.log.lock() else {
            return Err(());
        };
        let Some(log) = log.as_mut() else {
            return Ok(());
        };
        let appended = (lines.into_iter())
            .try_for_each(|p| log.append_pending(p, policy_hash))
            .and_then(|()| log.commit());
        appended.map_err(|e| complain(format_args!("error: cannot write the log: {e}")))
    }

    fn logging(&self) -> bool {
        self.logs
    }

    /// Writes out and syncs the log when the service stops.
    pub fn finish_log(&self) -> std::io::Result<()> {
        let log = match self.log.lock() {
            Ok(mut l) => l.take(),
            Err(p) => p.into_inner().take(),
        };
        log.map_or(Ok(()), Appender::finish)
    }
}

/// 16 hex digits that differ from run to run: the SHA-256 of the start time and process id.
fn run_prefix() -> String {
    use sha2::{Digest, Sha256};
    let seed = format!(
        "{}/{}",
        jiff::Timestamp::now().as_nanosecond(),
        std::process::id()
    );
    credo::load::hex(&Sha256::digest(seed.as_bytes())[..8])
}

/// The service's routes and the layers every request passes: counted, authorised, admitted,
/// time-limited (in that order), and a panic is a plain 500.
pub fn router(state: Arc<State>) -> Router {
    use axum::middleware::from_fn_with_state as layer;
    Router::new()
        .route("/v1/decisions", post(decisions))
        .route("/v1/decisions/batch", post(batch))
        .route("/v1/policy", get(policy))
        .route("/v1/check", post(check))
        .route("/v1/policy/reload", post(reload))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(layer(state.clone(), guard::gate))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .with_state(state)
}

type Shared = axum::extract::State<Arc<State>>;

/// A JSON error answer: `{"error": message}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }).to_string())
}

fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    (r.headers_mut()).insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

async fn not_found(uri: Uri) -> Response {
    let _ = uri;
    error(StatusCode::NOT_FOUND, "no such path; see /openapi.json")
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, r#"{"status":"ok"}"#)
}

async fn readyz(axum::extract::State(state): Shared) -> Response {
    let served = state.served.load();
    json_response(
        StatusCode::OK,
        json!({ "status": "ready", "hash": engine::hash(&served) }).to_string(),
    )
}

async fn policy(axum::extract::State(state): Shared) -> Response {
    json_response(
        StatusCode::OK,
        engine::info(&state.served.load()).to_string(),
    )
}

async fn openapi(axum::extract::State(state): Shared) -> Response {
    json_response(StatusCode::OK, state.openapi.clone())
}

async fn metrics(axum::extract::State(state): Shared) -> Response {
    let served = state.served.load();
    let p = &served.policy;
    let text = state.metrics.render(p.hash(), p.name(), p.version());
    let mut r = (StatusCode::OK, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// `POST /v1/check`: the diagnostics of the policy text in the body, one JSON object a line as
/// `check --error-format json` prints them; 200 without errors, else 422.
async fn check(axum::extract::State(state): Shared, headers: HeaderMap, body: Body) -> Response {
    let bytes = match guard::body(body, &headers, state.limits.max_body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return error(StatusCode::BAD_REQUEST, "the policy text is not UTF-8");
    };
    let (diags, errors) = engine::check(text);
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let status = if errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = (status, out).into_response();
    (r.headers_mut()).insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    r
}

/// `POST /v1/policy/reload`: loads the policy from its path again; on success the new policy
/// serves every request that starts after the swap, else the old one keeps serving.
async fn reload(axum::extract::State(state): Shared) -> Response {
    let _one = state.reloading.lock().await;
    let path = state.path.clone();
    let loaded = tokio::task::spawn_blocking(move || engine::load(&path)).await;
    let previous = engine::hash(&state.served.load()).to_owned();
    match loaded {
        Ok(Ok(served)) => {
            let body = json!({
                "reloaded": true,
                "hash": engine::hash(&served),
                "previous": previous,
                "loaded_at": served.loaded_at,
            });
            complain(format_args!(
                "credo serve: reloaded the policy ({} → {})",
                previous,
                engine::hash(&served)
            ));
            state.served.store(Arc::new(served));
            state.metrics.reload(true);
            json_response(StatusCode::OK, body.to_string())
        }
        Ok(Err(failure)) => {
            state.metrics.reload(false);
            complain(format_args!(
                "credo serve: reload failed; still serving {previous}\n{}",
                failure.human()
            ));
            let body = json!({
                "reloaded": false,
                "hash": previous,
                "diagnostics": failure.diagnostics,
            });
            json_response(StatusCode::UNPROCESSABLE_ENTITY, body.to_string())
        }
        Err(_) => {
            state.metrics.reload(false);
            error(StatusCode::INTERNAL_SERVER_ERROR, "the reload failed")
        }
    }
}

/// An item rendered for an answer, its log line, and what it counts.
struct Answered {
    json: Vec<u8>,
    error: bool,
}

/// Renders the items of one entry, each decision with a new id, and makes their log lines.
/// A decision too long for a log line becomes that record's error, as in `eval --log`.
fn answer_entry(
    state: &State,
    items: Vec<Item>,
    entry: &engine::Entry,
    as_of: Date,
    logging: bool,
    lines: &mut Vec<Pending>,
) -> Vec<Answered> {
    let mut answered = Vec::with_capacity(items.len());
    let mut counted = Vec::new();
    for item in items {
        let id = matches!(item, Item::Decision(_)).then(|| state.decision_id());
        let mut json = Vec::with_capacity(8 << 10);
        engine::render(&item, id.as_deref(), &mut json);
        let mut error = matches!(item, Item::Error(_));
        if logging {
            match engine::log_line(&item, entry, &json, as_of) {
                Some(line) => lines.push(line),
                None => {
                    let e = engine::too_long(entry, &item);
                    json.clear();
                    engine::render(&Item::Error(e.clone()), None, &mut json);
                    lines.push(Pending::error(&e, as_of));
                    error = true;
                }
            }
        }
        if !error {
            if let Some((role, outcome)) = engine::counted(&item) {
                counted.push((role.to_owned(), outcome_name(outcome)));
            }
        }
        answered.push(Answered { json, error });
    }
    state
        .metrics
        .decisions(counted.iter().map(|(r, o)| (r.as_str(), *o)));
    answered
}

fn outcome_name(o: credo::policy::Outcome) -> &'static str {
    use credo::policy::Outcome::*;
    match o {
        Advance => "advance",
        Review => "review",
        Decline => "decline",
        Ineligible => "ineligible",
    }
}

fn log_failed() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the decision log cannot be written; nothing was decided",
    )
}

/// `POST /v1/decisions`: one record (or `{"record", "roles", "as_of"}`); 200 and the array of
/// its decisions, or 422 and its record error.
async fn decisions(
    axum::extract::State(state): Shared,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = match guard::body(body, &headers, state.limits.max_body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let served = state.served.load_full();
    let policy = &served.policy;
    let logging = state.logging();
    let single = engine::read_single(&bytes, policy);
    let as_of = state.as_of(single.as_ref().ok().and_then(|s| s.as_of));
    let (single, mut lines) = match single {
        Ok(s) => (s, Vec::new()),
        Err(e) => {
            let lines = if logging {
                vec![Pending::error(&e, as_of)]
            } else {
                Vec::new()
            };
            if state.log(lines, policy.hash()).is_err() {
                return log_failed();
            }
            return record_error(&e);
        }
    };
    let items = engine::decide(policy, &single.entry, single.roles.as_deref(), None, as_of);
    let answered = answer_entry(&state, items, &single.entry, as_of, logging, &mut lines);
    if state.log(lines, policy.hash()).is_err() {
        return log_failed();
    }
    if let Some(e) = answered.iter().find(|a| a.error) {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, e.json.clone());
    }
    let mut out = Vec::with_capacity(answered.iter().map(|a| a.json.len() + 2).sum::<usize>() + 2);
    out.push(b'[');
    for (i, a) in answered.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&a.json);
    }
    out.push(b']');
    json_response(StatusCode::OK, out)
}

fn record_error(e: &RecordError) -> Response {
    let mut json = Vec::new();
    engine::render(&Item::Error(e.clone()), None, &mut json);
    json_response(StatusCode::UNPROCESSABLE_ENTITY, json)
}

/// The query of a batch: `as_of` and `role` (as `eval --as-of`, `--role`).
struct BatchQuery {
    as_of: Option<Date>,
    role: Option<String>,
}

fn batch_query(uri: &Uri, policy: &credo::Policy) -> Result<BatchQuery, String> {
    let mut q = BatchQuery {
        as_of: None,
        role: None,
    };
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "as_of" => q.as_of = Some(engine::date(v)?),
            "role" => {
                engine::role(policy, v)?;
                q.role = Some(v.to_owned());
            }
            other => {
                return Err(format!(
                    "unknown query parameter `{}` (a batch takes `as_of` and `role`)",
                    credo::visible::visible(other)
                ))
            }
        }
    }
    Ok(q)
}

/// `POST /v1/decisions/batch`: JSON lines in, JSON lines out (decisions and record errors in
/// input order), each written as soon as its line is decided (and logged).
async fn batch(
    axum::extract::State(state): Shared,
    turn: Option<Extension<Turn>>,
    req: Request,
) -> Response {
    let served = state.served.load_full();
    let query = match batch_query(req.uri(), &served.policy) {
        Ok(q) => q,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let announced = (req.headers().get(header::CONTENT_LENGTH))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > state.limits.max_batch) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the batch is larger than this service's limit of {} bytes",
                state.limits.max_batch
            ),
        );
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let body = req.into_body();
    let turn = turn.map(|Extension(t)| t);
    tokio::spawn(async move {
        let _turn = turn;
        Batch::new(&state, &served, query).run(body, tx).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    let mut r = (StatusCode::OK, Body::from_stream(stream)).into_response();
    (r.headers_mut()).insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    r
}

/// One batch being decided.
struct Batch<'s> {
    state: &'s State,
    served: &'s Served,
    role: Option<String>,
    as_of: Date,
    logging: bool,
    /// The first line of every record id read (a repeated id is an error, as in `eval`).
    ids: std::collections::HashMap<String, usize>,
    /// Lines read so far.
    line: usize,
    /// Log lines of what is about to be sent.
    pending_log: Vec<Pending>,
}

impl<'s> Batch<'s> {
    fn new(state: &'s State, served: &'s Served, query: BatchQuery) -> Self {
        Batch {
            state,
            served,
            role: query.role,
            as_of: state.as_of(query.as_of),
            logging: state.logging(),
            ids: std::collections::HashMap::new(),
            line: 0,
            pending_log: Vec::new(),
        }
    }

    /// Reads the body frame by frame; each frame's complete lines are decided, logged and
    /// sent before the next frame is read. A line longer than `--max-body` is that record's
    /// error; a body over `--max-batch`, past the time limit, or cut off ends the batch with
    /// an error line that says where.
    async fn run(mut self, body: Body, tx: tokio::sync::mpsc::Sender<Bytes>) {
        let deadline = tokio::time::Instant::now() + self.state.limits.timeout;
        let mut frames = body.into_data_stream();
        let (mut pending, mut total, mut skipping) = (Vec::<u8>::new(), 0u64, false);
        loop {
            let frame = tokio::time::timeout_at(deadline, frames.next()).await;
            let bytes = match frame {
                Ok(Some(Ok(b))) => b,
                Ok(None) => {
                    let mut out = Vec::new();
                    if !skipping {
                        self.line(&std::mem::take(&mut pending), &mut out);
                    }
                    self.send(out, &tx).await;
                    return;
                }
                Ok(Some(Err(_))) => return self.stop("the body could not be read", &tx).await,
                Err(_) => {
                    let why = "the batch took longer than this service's time limit";
                    return self.stop(why, &tx).await;
                }
            };
            total += bytes.len() as u64;
            if total > self.state.limits.max_batch {
                let why = format!(
                    "the batch is larger than this service's limit of {} bytes",
                    self.state.limits.max_batch
                );
                return self.stop(&why, &tx).await;
            }
            let mut out = Vec::new();
            let mut rest: &[u8] = &bytes;
            while let Some(i) = memchr::memchr(b'\n', rest) {
                let (head, tail) = (&rest[..i], &rest[i + 1..]);
                if skipping {
                    skipping = false;
                } else if pending.is_empty() {
                    self.line(head, &mut out);
                } else {
                    pending.extend_from_slice(head);
                    self.line(&std::mem::take(&mut pending), &mut out);
                }
                rest = tail;
            }
            if !skipping {
                pending.extend_from_slice(rest);
                if pending.len() > self.state.limits.max_body {
                    // Too long a line: its error now, and the rest of it is skipped.
                    pending.clear();
                    self.line += 1;
                    self.too_long(&mut out);
                    skipping = true;
                }
            }
            if !self.send(out, &tx).await {
                return;
            }
        }
    }

    /// Decides one line (a blank line is only counted) and renders its items into `out`.
    fn line(&mut self, line: &[u8], out: &mut Vec<u8>) {
        self.line += 1;
        if line.trim_ascii().is_empty() {
            return;
        }
        if line.len() > self.state.limits.max_body {
            return self.too_long(out);
        }
        let policy = &self.served.policy;
        let entry = engine::read_line(line, self.line, policy, &mut self.ids);
        let items = engine::decide(policy, &entry, None, self.role.as_deref(), self.as_of);
        let mut lines = Vec::new();
        let answered = answer_entry(
            self.state,
            items,
            &entry,
            self.as_of,
            self.logging,
            &mut lines,
        );
        self.pending_log.extend(lines);
        for a in answered {
            out.extend_from_slice(&a.json);
            out.push(b'\n');
        }
    }

    /// The error of the current line, longer than `--max-body`.
    fn too_long(&mut self, out: &mut Vec<u8>) {
        let e = RecordError::new(
            None,
            engine::REQUEST,
            self.line,
            format!(
                "line is longer than this service's limit of {} bytes",
                self.state.limits.max_body
            ),
        );
        self.error_line(&e, out);
    }

    fn error_line(&mut self, e: &RecordError, out: &mut Vec<u8>) {
        if self.logging {
            self.pending_log.push(Pending::error(e, self.as_of));
        }
        engine::render(&Item::Error(e.clone()), None, out);
        out.push(b'\n');
    }

    /// Ends the batch with an error line after the last line read.
    async fn stop(mut self, why: &str, tx: &tokio::sync::mpsc::Sender<Bytes>) {
        let e = RecordError::new(
            None,
            engine::REQUEST,
            self.line + 1,
            format!("{why}; the batch stopped after line {}", self.line),
        );
        let mut out = Vec::new();
        self.error_line(&e, &mut out);
        self.send(out, tx).await;
    }

    /// Logs what `out` holds, then sends it; false when the batch must stop (the log failed,
    /// or the client is gone).
    async fn send(&mut self, out: Vec<u8>, tx: &tokio::sync::mpsc::Sender<Bytes>) -> bool {
        let lines = std::mem::take(&mut self.pending_log);
        if self.state.log(lines, self.served.policy.hash()).is_err() {
            let e = json!({"error": "the decision log cannot be written; the batch stopped"});
            let _ = tx.send(Bytes::from(e.to_string() + "\n")).await;
            return false;
        }
        if out.is_empty() {
            return true;
        }
        tx.send(Bytes::from(out)).await.is_ok()
    }
}
