//! Rendering decisions for people (text, `--explain` trees) and tools (JSON, JSONL), audit
//! reports as text and self-contained HTML, and conditions in plain language ([`words`]).

pub mod audit;
pub mod html;
pub mod text;
pub mod words;

use crate::decision::Decision;
use crate::record::RecordError;
use serde::Serialize;

/// One output item of a batch: a decision, or a record error in the record's place.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Item {
    /// A decision.
    Decision(Box<Decision>),
    /// A record that could not be read or evaluated.
    Error(RecordError),
}

/// One item as a compact JSON line.
pub fn json_line(item: &Item) -> String {
    serde_json::to_string(item)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise: {e}\"}}"))
}
