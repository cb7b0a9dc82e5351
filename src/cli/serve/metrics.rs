//! Prometheus text exposition of the service's counters (`GET /metrics`), kept by hand: a few
//! counters and one histogram do not need a metrics library.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BOUNDS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
pub struct Metrics {
    /// Requests by route and status.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Decisions by role and outcome.
    decisions: Mutex<BTreeMap<String, BTreeMap<&'static str, u64>>>,
    /// Requests per latency bucket (not cumulative; the last is `+Inf`).
    buckets: [AtomicU64; BOUNDS.len() + 1],
    micros: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route, status)).or_default() += 1;
        }
        let secs = took.as_secs_f64();
        let bucket = BOUNDS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BOUNDS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts decisions, by role and outcome.
    pub fn decisions<'a>(&self, decided: impl IntoIterator<Item = (&'a str, &'static str)>) {
        if let Ok(mut m) = self.decisions.lock() {
            for (role, outcome) in decided {
                // A role seen before is found by its name, without a new string.
                let outcomes = match m.get_mut(role) {
                    Some(o) => o,
                    None => m.entry(role.to_owned()).or_default(),
                };
                *outcomes.entry(outcome).or_default() += 1;
            }
        }
    }

    /// Counts a reload.
    pub fn reload(&self, ok: bool) {
        let counter = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text (format 0.0.4).
    pub fn render(&self, hash: &str, name: &str, version: &str) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(out, "# HELP credo_policy_info The policy being served.");
        let _ = writeln!(out, "# TYPE credo_policy_info gauge");
        let _ = writeln!(
            out,
            "credo_policy_info{{hash=\"{}\",name=\"{}\",version=\"{}\"}} 1",
            label(hash),
            label(name),
            label(version)
        );
        let _ = writeln!(
            out,
            "# HELP credo_http_requests_total Requests answered, by route and status."
        );
        let _ = writeln!(out, "# TYPE credo_http_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "credo_http_requests_total{{path=\"{}\",status=\"{status}\"}} {n}",
                    label(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP credo_decisions_total Decisions made, by role and outcome."
        );
        let _ = writeln!(out, "# TYPE credo_decisions_total counter");
        if let Ok(m) = self.decisions.lock() {
            for (role, outcome, n) in
                (m.iter()).flat_map(|(r, o)| o.iter().map(move |(o, n)| (r, o, n)))
            {
                let _ = writeln!(
                    out,
                    "credo_decisions_total{{role=\"{}\",outcome=\"{outcome}\"}} {n}",
                    label(role)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP credo_http_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(out, "# TYPE credo_http_request_duration_seconds histogram");
        let mut cumulative = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            cumulative += b.load(Ordering::Relaxed);
            let le = BOUNDS.get(i).map_or("+Inf".to_owned(), |b| b.to_string());
            let _ = writeln!(
                out,
                "credo_http_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let secs = self.micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "credo_http_request_duration_seconds_sum {secs}");
        let _ = writeln!(
            out,
            "credo_http_request_duration_seconds_count {cumulative}"
        );
        let _ = writeln!(out, "# HELP credo_reloads_total Policy reloads, by result.");
        let _ = writeln!(out, "# TYPE credo_reloads_total counter");
        let ok = self.reloads_ok.load(Ordering::Relaxed);
        let failed = self.reloads_failed.load(Ordering::Relaxed);
        let _ = writeln!(out, "credo_reloads_total{{result=\"ok\"}} {ok}");
        let _ = writeln!(out, "credo_reloads_total{{result=\"failed\"}} {failed}");
        out
    }
}

/// A label value escaped as the exposition format wants (`\\`, `\"`, `\n`).
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
