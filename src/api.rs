//! The library API for embedders (SPEC §18): a checked [`Policy`], validated [`Candidate`]s,
//! and decisions that borrow the policy only. Everything the crate root re-exports is here or
//! is data these types hand out ([`Decision`](crate::decision::Decision),
//! [`Outcome`](crate::policy::Outcome)); the rest of the crate is the CLI's and may change.
//!
//! The API is a thin layer: loading goes through [`crate::load`], reading a candidate through
//! the record reader of SPEC §7, and deciding through [`crate::eval::evaluate`] and
//! [`crate::eval::decide_fast`], the same code the command line runs.

mod candidate;
mod error;
mod policy;

pub use candidate::{Candidate, CandidateBuilder, HeldCredential};
pub use error::{PolicyDiagnostic, PolicyError};
pub use policy::{Policy, RoleId, RoleInfo, RoleSkill};
