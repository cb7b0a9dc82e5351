//! `credo serve POLICY [--addr 127.0.0.1:8181] [--log FILE] [--token-file FILE] [--as-of DATE]`:
//! the decision service of SPEC §13, on axum (hyper, tokio).
//!
//! - [`engine`] is the one place that calls the library (load, read a record, decide, render):
//!   decisions are made by exactly the calls `credo eval` makes.
//! - [`app`] holds the routes and handlers; [`guard`] the bearer token, the admission limit
//!   (excess requests wait, then get 503) and body limits; [`metrics`] the Prometheus text;
//!   [`openapi`] the OpenAPI 3.1 document with the JSON Schemas of `credo schema`.
//! - With `--log`, every decision and record error is appended to the decision log (SPEC §10)
//!   under one lock, and committed before its answer is sent, so concurrent requests make one
//!   chain. SIGTERM or SIGINT stops accepting, lets in-flight requests finish, and syncs the
//!   log before the process exits.
//!
//! Nothing a request carries is written to the server's standard error: it says where it
//! listens, reloads, and why it stopped.

mod app;
mod engine;
mod guard;
mod metrics;
mod openapi;

use super::{complain, EXIT_OK, EXIT_POLICY, EXIT_USAGE};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Run the HTTP decision service.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them (reloaded from here by `POST /v1/policy/reload`).
    pub policy: PathBuf,
    /// Address to listen on (port 0 picks a free port; the address is printed on stderr).
    /// Anything but a loopback address needs `--token-file`.
    #[arg(long, default_value = "127.0.0.1:8181")]
    pub addr: SocketAddr,
    /// Append every decision and record error to this tamper-evident log (SPEC §10) before
    /// its answer is sent.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// Require `Authorization: Bearer TOKEN` on every path but `/healthz`; the token is this
    /// file's content, whitespace trimmed.
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Decide as of this date (YYYY-MM-DD) unless a request names one; default: the day of
    /// each request (UTC).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Largest body of a single request (a record, a policy to check), in bytes; larger: 413.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Largest body of a batch (`/v1/decisions/batch`), in bytes; larger: 413 when the length
    /// is announced, else an error line where the batch stops.
    #[arg(long, default_value_t = 256 << 20)]
    pub max_batch: u64,
    /// Requests handled at once; more wait for a turn.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent: u32,
    /// How long a request waits for a turn before it gets 503, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub queue_ms: u64,
    /// Longest time to answer a request, in milliseconds: 503 after it (a batch stops with an
    /// error line).
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// The limits a running service enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_body: usize,
    pub max_batch: u64,
    pub max_concurrent: u32,
    pub queue: Duration,
    pub timeout: Duration,
}

pub fn run(a: Args) -> u8 {
    let fixed_as_of = match a.as_of.as_deref().map(|s| super::eval::as_of(Some(s))) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            complain(format_args!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    let token = match a.token_file.as_deref().map(read_token).transpose() {
        Ok(t) => t,
        Err(e) => {
            complain(format_args!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    if token.is_none() && !a.addr.ip().is_loopback() {
        complain(format_args!(
            "error: --addr {} is not a loopback address; without --token-file the service listens on loopback only\n  help: give --token-file FILE, or listen on 127.0.0.1 behind a reverse proxy",
            a.addr
        ));
        return EXIT_USAGE;
    }
    let served = match engine::load(&a.policy) {
        Ok(s) => s,
        Err(failure) => {
            let _ = super::err(&format!("{}\n", failure.human()));
            return EXIT_POLICY;
        }
    };
    let log = match a.log.as_deref().map(open_log).transpose() {
        Ok(l) => l,
        Err(code) => return code,
    };
    let limits = Limits {
        max_body: a.max_body,
        max_batch: a.max_batch,
        max_concurrent: a.max_concurrent,
        queue: Duration::from_millis(a.queue_ms),
        timeout: Duration::from_millis(a.timeout_ms),
    };
    let state = Arc::new(app::State::new(
        a.policy.clone(),
        served,
        fixed_as_of,
        token,
        log,
        limits,
    ));
    // A panic's message could quote a request: only this line reaches standard error (the
    // request is answered 500 by the catch-panic layer).
    std::panic::set_hook(Box::new(|_| {
        let line =
            b"credo serve: error: a request failed inside credo (a bug); it was answered 500\n";
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line);
    }));
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = a.threads {
        runtime.worker_threads(usize::from(n));
    }
    let runtime = match runtime.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            complain(format_args!(
                "error: cannot start the service's threads: {e}"
            ));
            return EXIT_USAGE;
        }
    };
    let code = runtime.block_on(serve(a.addr, state.clone()));
    if code != EXIT_OK {
        return code;
    }
    match state.finish_log() {
        Ok(()) => EXIT_OK,
        Err(e) => {
            complain(format_args!("error: cannot write the log: {e}"));
            EXIT_USAGE
        }
    }
}

/// Binds, says where, serves until SIGTERM or SIGINT, then lets in-flight requests finish.
async fn serve(addr: SocketAddr, state: Arc<app::State>) -> u8 {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            complain(format_args!("error: cannot listen on {addr}: {e}"));
            return EXIT_USAGE;
        }
    };
    // The signals are caught before the address is printed: whoever reads it may stop the
    // service at once.
    let stop = match stop_signal() {
        Ok(stop) => stop,
        Err(e) => {
            complain(format_args!("error: cannot catch SIGTERM and SIGINT: {e}"));
            return EXIT_USAGE;
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    // Tests and scripts read the address from this line.
    complain(format_args!("credo serve: listening on http://{bound}"));
    let router = app::router(state);
    let stopped = axum::serve(listener, router).with_graceful_shutdown(stop);
    if let Err(e) = stopped.await {
        complain(format_args!("error: the service stopped: {e}"));
        return EXIT_USAGE;
    }
    complain(format_args!(
        "credo serve: stopped; in-flight requests finished"
    ));
    EXIT_OK
}

/// A future that resolves on SIGTERM or SIGINT (Ctrl-C); the signals are caught from now on.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// The token of `--token-file`: the file's content, whitespace trimmed; an empty one is refused.
fn read_token(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read --token-file `{}`: {e}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("--token-file `{}` is empty", path.display()));
    }
    Ok(token.as_bytes().to_vec())
}

/// Opens the decision log (locked), as `eval --log` does.
fn open_log(path: &std::path::Path) -> Result<credo::log::Appender, u8> {
    use credo::log::{OpenError, Opened};
    let log = credo::log::Appender::open(path).map_err(|e| {
        complain(format_args!("error: {e}"));
        match e {
            OpenError::Damaged(..) => EXIT_POLICY,
            _ => EXIT_USAGE,
        }
    })?;
    let name = path.display();
    match log.opened {
        Opened::Clean => {}
        Opened::Terminated => complain(format_args!(
            "warning: the last entry of `{name}` had no line break; it was added"
        )),
        Opened::DroppedTorn(bytes) => complain(format_args!(
            "warning: `{name}` ended with an incomplete line ({bytes} bytes, a write that never finished); it was removed"
        )),
    }
    Ok(log)
}
