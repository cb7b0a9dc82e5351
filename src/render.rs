//! Rendering decisions for people (text, `--explain` trees) and tools (JSON, JSONL), audit
//! reports as text and self-contained HTML, and conditions in plain language ([`words`]).

pub mod audit;
pub mod html;
pub(crate) mod json;
pub mod measure;
pub mod measure_html;
pub mod review;
pub mod review_html;
pub mod review_md;
pub mod text;
pub mod words;

pub use json::write_item;

use crate::decision::Decision;
use crate::record::RecordError;
use serde::Serialize;

/// One output item of a batch: a decision, or a record error in the record's place.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Item<'a> {
    /// A decision.
    Decision(Box<Decision<'a>>),
    /// A record that could not be read or evaluated.
    Error(RecordError),
}

/// One item as a compact JSON line: the same text as `serde_json::to_string(item)` passed
/// through [`crate::visible::json_visible`], written faster (see [`write_item`]).
pub fn json_line(item: &Item) -> String {
    let mut out = Vec::with_capacity(4096);
    write_item(item, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise: {e}\"}}"))
}
