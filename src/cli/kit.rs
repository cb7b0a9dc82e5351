//! `credo kit POLICY ROLE [--as-of DATE]`

use super::ErrorFormat;
use std::path::PathBuf;

/// Print a reviewer's screening checklist (Markdown) for a role.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// The role id.
    role: String,
    /// The day issue dates and validity windows are worked out for; defaults to today (UTC).
    #[arg(long)]
    as_of: Option<String>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

pub fn run(a: Args) -> u8 {
    super::posting::print_posting(
        &a.policy,
        &a.role,
        a.as_of.as_deref(),
        a.error_format,
        credo::posting::kit,
    )
}
