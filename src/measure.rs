//! Outcomes (SPEC §11): joins hire outcomes to the decisions the policy gives the same
//! candidates, and measures ramp-up, retention, training cost and mobility per role and cohort.
//!
//! [`stats`] holds the survival and comparison statistics: pure functions over mergeable
//! tallies, tested against published reference values.

pub mod stats;
