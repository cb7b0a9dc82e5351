//! `credo schema record|decision|outcome|suite|diagnostics`: prints a JSON Schema (2020-12).

use credo::schema::Kind;

/// Which schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// A candidate record (SPEC §7).
    Record,
    /// One element of `eval --format json`: a decision or a record error.
    Decision,
    /// A hire outcome record (SPEC §11).
    Outcome,
    /// A policy test suite.
    Suite,
    /// One diagnostic of `check --error-format json`.
    Diagnostics,
}

/// Print the JSON Schema of an input or output.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document whose schema to print.
    #[arg(value_enum)]
    kind: Which,
}

pub fn run(a: Args) -> u8 {
    let kind = match a.kind {
        Which::Record => Kind::Record,
        Which::Decision => Kind::Decision,
        Which::Outcome => Kind::Outcome,
        Which::Suite => Kind::Suite,
        Which::Diagnostics => Kind::Diagnostics,
    };
    match super::out(&credo::schema::text(kind)) {
        Ok(()) => super::EXIT_OK,
        Err(code) => code,
    }
}
