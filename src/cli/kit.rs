//! `credo kit POLICY ROLE [--as-of DATE]`

use super::{role_index, ErrorFormat, EXIT_OK};
use std::io::Write;
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
    let (as_of, policy) =
        match super::as_of_and_policy(a.as_of.as_deref(), &a.policy, a.error_format) {
            Ok(x) => x,
            Err(code) => return code,
        };
    let role = match role_index(&policy, &a.role, "role") {
        Ok(r) => &policy.roles[r],
        Err(code) => return code,
    };
    let posting = credo::posting::build(&policy, role, as_of);
    let _ = std::io::stdout()
        .lock()
        .write_all(credo::posting::kit(&posting).as_bytes());
    EXIT_OK
}
