//! The OpenAPI 3.1 document of the service (`GET /openapi.json`), with the JSON Schemas of
//! `credo schema` as its components (each keeps its `$id`, so its own references resolve).

use credo::schema::{generate, Kind};
use serde_json::{json, Map, Value};

/// The component name of a schema.
fn component(kind: Kind) -> &'static str {
    match kind {
        Kind::Record => "Record",
        Kind::Decision => "Decision",
        Kind::Outcome => "Outcome",
        Kind::Suite => "Suite",
        Kind::Diagnostics => "Diagnostic",
    }
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn content(media: &str, schema: Value) -> Value {
    json!({ media: { "schema": schema } })
}

fn answer(description: &str, media: &str, schema: Value) -> Value {
    json!({ "description": description, "content": content(media, schema) })
}

/// The document.
pub fn document() -> Value {
    let mut schemas = Map::new();
    for kind in Kind::ALL {
        schemas.insert(component(kind).into(), generate(kind));
    }
    schemas.insert(
        "ServedDecision".into(),
        json!({
            "description": "A decision as `eval --format json` prints it, with the id that is also in its decision-log line.",
            "allOf": [ r("Decision"), {
                "type": "object",
                "required": ["decision_id"],
                "properties": { "decision_id": { "type": "string" } }
            } ]
        }),
    );
    schemas.insert(
        "DecisionRequest".into(),
        json!({
            "type": "object",
            "required": ["record"],
            "additionalProperties": false,
            "properties": {
                "record": r("Record"),
                "roles": { "type": "array", "items": { "type": "string" },
                           "description": "Roles to decide (replacing the record's `applied`)." },
                "as_of": { "type": "string", "format": "date",
                           "description": "Evaluation date; default the server's `--as-of`, else today (UTC)." }
            }
        }),
    );
    schemas.insert(
        "Error".into(),
        json!({ "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } }),
    );
    schemas.insert(
        "PolicyInfo".into(),
        json!({
            "type": "object",
            "required": ["name", "version", "hash", "loaded_at", "roles"],
            "properties": {
                "name": { "type": "string" }, "version": { "type": "string" },
                "hash": { "type": "string" }, "loaded_at": { "type": "string", "format": "date-time" },
                "roles": { "type": "array", "items": { "type": "object",
                    "required": ["id", "title", "skills"],
                    "properties": { "id": { "type": "string" }, "title": { "type": "string" },
                                    "skills": { "type": "array", "items": { "type": "string" } } } } }
            }
        }),
    );
    schemas.insert(
        "Reload".into(),
        json!({
            "type": "object",
            "required": ["reloaded", "hash"],
            "properties": {
                "reloaded": { "type": "boolean" },
                "hash": { "type": "string", "description": "The hash of the policy serving after the request." },
                "previous": { "type": "string" },
                "loaded_at": { "type": "string", "format": "date-time" },
                "diagnostics": { "type": "array", "items": r("Diagnostic") }
            }
        }),
    );
    let json_error = |d: &str| answer(d, "application/json", r("Error"));
    let common = json!({
        "401": json_error("Missing or wrong bearer token (with `--token-file`)."),
        "503": json_error("The service is at its concurrency limit or the request ran out of time; retry.")
    });
    let with = |mut responses: Value| {
        if let (Value::Object(m), Value::Object(c)) = (&mut responses, &common) {
            for (k, v) in c {
                m.entry(k.clone()).or_insert(v.clone());
            }
        }
        responses
    };
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "credo decision service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Credential-acceptance decisions over HTTP (SPEC §13). Decisions are those of `credo eval --format json` for the same policy."
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }
        },
        "security": [ { "bearer": [] } ],
        "paths": {
            "/v1/decisions": { "post": {
                "summary": "Decide one record",
                "requestBody": { "required": true, "content": {
                    "application/json": { "schema": { "oneOf": [ r("Record"), r("DecisionRequest") ] } } } },
                "responses": with(json!({
                    "200": answer("The record's decisions, one per role.", "application/json",
                                  json!({ "type": "array", "items": r("ServedDecision") })),
                    "413": json_error("The body is over `--max-body`."),
                    "422": answer("The record cannot be read or decided.", "application/json", r("Decision")),
                    "500": json_error("The decision log cannot be written.")
                }))
            } },
            "/v1/decisions/batch": { "post": {
                "summary": "Decide a stream of records (JSON lines)",
                "parameters": [
                    { "name": "as_of", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "role", "in": "query", "schema": { "type": "string" },
                      "description": "The role for records without `applied`." }
                ],
                "requestBody": { "required": true, "content": content("application/x-ndjson", r("Record")) },
                "responses": with(json!({
                    "200": answer("One line per decision or record error, in input order, streamed.",
                                  "application/x-ndjson", r("Decision")),
                    "400": json_error("A bad query parameter."),
                    "413": json_error("The announced length is over `--max-batch`.")
                }))
            } },
            "/v1/policy": { "get": {
                "summary": "The policy serving",
                "responses": with(json!({ "200": answer("Its identity and roles.", "application/json", r("PolicyInfo")) }))
            } },
            "/v1/check": { "post": {
                "summary": "Check policy text",
                "requestBody": { "required": true, "content": content("text/plain", json!({ "type": "string" })) },
                "responses": with(json!({
                    "200": answer("No errors; warnings, one JSON object a line.", "application/x-ndjson", r("Diagnostic")),
                    "413": json_error("The body is over `--max-body`."),
                    "422": answer("Errors, one JSON object a line.", "application/x-ndjson", r("Diagnostic"))
                }))
            } },
            "/v1/policy/reload": { "post": {
                "summary": "Reload the policy from disk",
                "responses": with(json!({
                    "200": answer("The new policy serves.", "application/json", r("Reload")),
                    "422": answer("The policy on disk does not check; the old one keeps serving.", "application/json", r("Reload"))
                }))
            } },
            "/healthz": { "get": { "summary": "Liveness", "security": [],
                "responses": { "200": { "description": "Alive." } } } },
            "/readyz": { "get": { "summary": "Readiness: a policy is loaded",
                "responses": with(json!({ "200": { "description": "Ready." } })) } },
            "/metrics": { "get": { "summary": "Prometheus metrics",
                "responses": with(json!({ "200": answer("Exposition format 0.0.4.", "text/plain", json!({ "type": "string" })) })) } },
            "/openapi.json": { "get": { "summary": "This document",
                "responses": with(json!({ "200": { "description": "OpenAPI 3.1." } })) } }
        }
    })
}
