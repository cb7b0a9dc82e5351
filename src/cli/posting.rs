//! `credo posting POLICY ROLE [--format md|html|jsonld] [--as-of DATE]`

use super::{role_index, ErrorFormat, EXIT_OK};
use std::path::PathBuf;

/// Output formats of `posting`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PostingFormat {
    /// Markdown, ready to paste into an applicant-tracking system.
    #[default]
    Md,
    /// A self-contained HTML page (with the JSON-LD embedded).
    Html,
    /// A schema.org `JobPosting` fragment.
    Jsonld,
}

/// Generate a role's "what we look for" section from the policy.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// The role id.
    role: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: PostingFormat,
    /// The day the catalogue is read as of (retired credentials are not named); defaults to
    /// today (UTC).
    #[arg(long)]
    as_of: Option<String>,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

pub fn run(a: Args) -> u8 {
    let format = a.format;
    print_posting(
        &a.policy,
        &a.role,
        a.as_of.as_deref(),
        a.error_format,
        |posting| match format {
            PostingFormat::Md => credo::posting::markdown(posting),
            PostingFormat::Html => credo::posting::html(posting),
            PostingFormat::Jsonld => {
                let v = credo::posting::jsonld(posting);
                super::json(&v)
            }
        },
    )
}

/// Loads the policy, builds the role's posting as of the date and prints what `render` makes
/// of it (the posting itself, or the screening kit).
pub(super) fn print_posting(
    policy: &std::path::Path,
    role: &str,
    as_of: Option<&str>,
    error_format: ErrorFormat,
    render: impl FnOnce(&credo::posting::Posting<'_>) -> String,
) -> u8 {
    let (as_of, policy) = match super::as_of_and_policy(as_of, policy, error_format) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let role = match role_index(&policy, role, "role") {
        Ok(r) => &policy.roles[r],
        Err(code) => return code,
    };
    let posting = credo::posting::build(&policy, role, as_of);
    match super::out(&render(&posting)) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
