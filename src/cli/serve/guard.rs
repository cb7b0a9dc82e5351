//! What every request passes before its handler: the request counters, the bearer token
//! (compared in constant time), the admission limit (excess requests wait for a turn, then get
//! 503), and reading a body within its limit (413).

use super::app::{error, State};
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The route a request matched (a bounded set of label values), or `other`.
fn route(req: &Request) -> &'static str {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    super::app::ROUTES
        .iter()
        .find(|r| Some(**r) == path)
        .copied()
        .unwrap_or("other")
}

/// What every request passes, in this order: it is counted by route and status with its
/// latency, authorised, admitted, and time-limited. One middleware rather than four layers:
/// each layer costs a boxed future and a clone of everything inside it, on every request.
pub async fn gate(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = route(&req);
    let response = authorised(&state, req, next).await;
    (state.metrics).request(route, response.status().as_u16(), started.elapsed());
    response
}

/// With `--token-file`, every path but `/healthz` needs `Authorization: Bearer TOKEN`.
async fn authorised(state: &State, req: Request, next: Next) -> Response {
    let Some(expected) = &state.token else {
        return admit(state, req, next).await;
    };
    if req.uri().path() == "/healthz" || bearer_ok(req.headers(), expected) {
        return admit(state, req, next).await;
    }
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "this service needs `Authorization: Bearer TOKEN`",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// The SHA-256 of a token: tokens are compared as digests of equal length, so the comparison
/// tells nothing of the token's length either.
pub fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

/// Whether the request's bearer token is the expected one, compared in constant time.
fn bearer_ok(headers: &HeaderMap, expected: &[u8; 32]) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .map(|t| t.trim_ascii());
    match given {
        Some(t) => bool::from(digest(t).ct_eq(expected)),
        None => false,
    }
}

/// A turn to be handled: held until the answer is sent (a batch holds it until its stream
/// ends).
#[derive(Clone)]
pub struct Turn(#[allow(dead_code)] pub Arc<tokio::sync::OwnedSemaphorePermit>);

/// At most `--max-concurrent` requests are handled at once; the rest wait up to `--queue-ms`
/// for a turn, then get 503 with `Retry-After`. Health checks never wait.
async fn admit(state: &State, mut req: Request, next: Next) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return time_limit(state, req, next).await;
    }
    // A free turn is taken at once; only a request that must wait sets a timer.
    let permit = match state.permits.clone().try_acquire_owned() {
        Ok(permit) => Ok(Ok(permit)),
        Err(_) => {
            tokio::time::timeout(state.limits.queue, state.permits.clone().acquire_owned()).await
        }
    };
    match permit {
        Ok(Ok(permit)) => {
            req.extensions_mut().insert(Turn(Arc::new(permit)));
            time_limit(state, req, next).await
        }
        _ => {
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is at its limit of concurrent requests; retry shortly",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            response
        }
    }
}

/// Reads a whole body of at most `limit` bytes; a longer one is answered 413.
pub async fn body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, Response> {
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is larger than this service's limit of {limit} bytes"),
        )
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(b) => Ok(b),
        Err(e) => {
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            Err(if over {
                too_large()
            } else {
                error(StatusCode::BAD_REQUEST, "the body could not be read")
            })
        }
    }
}

/// A 503 for a request that ran past `--timeout-ms`.
pub fn timed_out() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the request took longer than this service's time limit",
    )
    .into_response()
}

/// Answers 503 when the handler has not answered within `--timeout-ms` (a batch's stream
/// has its own deadline, see `app::batch`).
async fn time_limit(state: &State, req: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => timed_out(),
    }
}
