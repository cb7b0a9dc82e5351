//! # credo
//!
//! A policy language and evaluator for **credential acceptance in skills-first hiring**.
//! An organisation writes, in one `.credo` policy, which credential providers it trusts, which
//! credentials evidence which skills, what each role requires, and which equity guardrails must
//! hold; credo applies it to candidate records and returns decisions that explain themselves.
//!
//! ## The pipeline
//!
//! ```text
//!  source text ──parse──▶ AST (spans) ──check──▶ diagnostics (errors, warnings)
//!                                      └─compile─▶ Policy (resolved ids, indexes)
//!  records ──record──▶ Candidate ──eval(Policy, as_of)──▶ Decision + trace ──render──▶ text / JSON
//!  many decisions + protected values ──audit──▶ Report ──render──▶ text / JSON / HTML
//!  hire outcomes + records decided as of each hire date ──measure──▶ Report ──▶ text / JSON / HTML
//!  a quarter's applicants + hire outcomes ──review (audit + measure)──▶ Review ──▶ text / JSON / Markdown / HTML
//!  Policy + role ──posting::build(as_of)──▶ Posting ──▶ Markdown / HTML / JSON-LD, screening kit
//! ```
//!
//! Conditions are put into plain words in one place ([`render::words`]): the `--explain` tree,
//! job postings and screening kits all use it, so what a posting advertises and what a reviewer
//! checks are the accept lines themselves.
//!
//! | stage | module |
//! |---|---|
//! | spans and named sources | [`source`] |
//! | pest grammar (`grammar/credo.pest`) → typed AST | [`parse`], [`ast`] |
//! | names, types, guardrails, lints → compiled [`policy::Policy`] | [`check`], [`policy`] |
//! | reading a policy set from disk, hashing it | [`load`] |
//! | diagnostics (miette rendering, JSON) | [`diag`] |
//! | candidate records (YAML / JSON / JSONL, Open Badges 3.0) | [`record`] |
//! | evaluation and the decision data; the fast path without trace ([`eval::decide_fast`]) | [`eval`], [`decision`] |
//! | adverse impact per role and protected attribute, catalogue usage (`credo audit`) | [`audit`] |
//! | hire outcome records (YAML / JSON / JSONL / CSV) | [`outcome`] |
//! | outcomes per role and cohort: Kaplan–Meier, log-rank, Welch, Holm (`credo measure`) | [`measure`], [`measure::stats`] |
//! | the quarterly governance review: funnel, flags, outcomes, proposed catalogue actions (`credo review`) | [`review`] |
//! | text / `--explain` / JSON rendering; audit reports as text and self-contained HTML; conditions in plain words | [`render`], [`render::words`] |
//! | canonical formatting | [`fmt`] |
//! | policy unit tests and coverage | [`suite`] |
//! | decision changes between two policy versions | [`diff`] |
//! | the tamper-evident decision log | [`log`] |
//! | decide-table analysis (unreachable rules, monotonicity) | [`check::analysis`] |
//! | deterministic synthetic policies and records (benchmarks, the audit sample) | [`synth`] |
//! | job postings (Markdown, HTML, schema.org JSON-LD) and screening kits for a role | [`posting`] |
//! | JSON Schemas of records, decisions, outcomes, suites and diagnostics (feature `schema`) | `schema` |
//! | record and policy text made safe for a terminal (control and bidi characters escaped) | [`visible`] |
//!
//! These modules are the command line's internals: they are `#[doc(hidden)]` and may change
//! in any release. Embedders use the crate-root API below (SPEC §18); the [`decision`] module
//! is public because it is the structure of a [`Decision`].
//!
//! ## Example
//!
//! The library API (SPEC §18) is what the crate root re-exports: [`Policy`], [`Candidate`],
//! [`Decision`], [`Outcome`], [`PolicyError`], [`RecordError`], [`RoleId`] and [`Date`].
//!
//! ```
//! use credo::{Candidate, Date, Decision, Outcome, Policy};
//!
//! let policy_text = r#"
//!   policy "Example" { version "1" effective 2026-01-01 owner "HR" }
//!   skill networking "Networking"
//!   provider cisco { name "Cisco" tier trusted }
//!   credential ccna { title "CCNA" provider cisco skills [networking] valid_for 3y cost 300 }
//!   role technician {
//!     title "Network technician"
//!     require networking {
//!       accept any credential where age <= 3y
//!       accept at least 3 labs
//!     }
//!   }
//! "#;
//! let policy = Policy::from_str("example.credo", policy_text)?;
//! let role = policy.role("technician").expect("declared");
//!
//! let record = serde_json::json!({"id": "c-1", "credentials": [{"id": "ccna", "issued": "2025-03-01"}]});
//! let candidate = Candidate::from_json(&record, &policy)?;
//!
//! let as_of: Date = "2026-11-25".parse()?;
//! let decision: Decision<'_> = policy.decide(&candidate, role, as_of);
//! assert_eq!(decision.outcome, Outcome::Advance);
//! assert_eq!(decision.skills[0].via.as_ref().map(|v| &v.evidence[..]), Some(&["ccna".into()][..]));
//! println!("{}", serde_json::to_string_pretty(&decision)?);
//!
//! // The fast path: the same outcome without the explanation.
//! assert_eq!(policy.decide_summary(&candidate, role, as_of).outcome, Outcome::Advance);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod api;
#[doc(hidden)]
pub mod ast;
#[doc(hidden)]
pub mod audit;
#[doc(hidden)]
pub mod check;
pub mod decision;
#[doc(hidden)]
pub mod diag;
#[doc(hidden)]
pub mod diff;
#[doc(hidden)]
pub mod eval;
#[doc(hidden)]
pub mod fmt;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod log;
#[doc(hidden)]
pub mod measure;
#[doc(hidden)]
pub mod outcome;
#[doc(hidden)]
pub mod parse;
#[doc(hidden)]
pub mod policy;
#[doc(hidden)]
pub mod posting;
#[doc(hidden)]
pub mod proof;
#[doc(hidden)]
pub mod record;
#[doc(hidden)]
pub mod render;
#[doc(hidden)]
pub mod review;
#[cfg(feature = "schema")]
#[doc(hidden)]
pub mod schema;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod suite;
mod swar;
#[doc(hidden)]
pub mod synth;
#[doc(hidden)]
pub mod visible;

#[doc(hidden)]
pub use load::{compile_str, load_policy, Loaded};

pub use api::{
    Candidate, CandidateBuilder, HeldCredential, Policy, PolicyDiagnostic, PolicyError, RoleId,
    RoleInfo, RoleSkill,
};
pub use decision::Decision;
pub use diag::Severity;
pub use eval::Summary;
/// A calendar day: the `as_of` of a decision (jiff's civil date; `"2026-11-25".parse()`).
pub use jiff::civil::Date;
pub use policy::Outcome;
pub use record::{RecordError, RecordProblem};

/// `a`, `b` and `c` in backticks.
pub(crate) fn diag_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
