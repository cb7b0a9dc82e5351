//! `credo check POLICY`

use super::{print_diags, ErrorFormat, EXIT_OK, EXIT_POLICY};
use credo::visible::Visible;
use std::path::PathBuf;

/// Parse and check a policy set.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

pub fn run(a: Args) -> u8 {
    let loaded = match credo::load_policy(&a.policy) {
        Ok(l) => l,
        Err(e) => {
            super::load_error(&e);
            return EXIT_POLICY;
        }
    };
    if let Err(code) = print_diags(&loaded.diags, &loaded.sources, a.error_format) {
        return code;
    }
    let errors = loaded.diags.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diags.iter().filter(|d| d.is_warning()).count();
    let notes = loaded.diags.len() - errors - warnings;
    if a.error_format == ErrorFormat::Human {
        let notes = match notes {
            0 => String::new(),
            1 => ", 1 note".to_owned(),
            n => format!(", {n} notes"),
        };
        let summary = if errors == 0 && warnings == 0 {
            format!("{}: ok{notes}\n", Visible(&a.policy.display().to_string()))
        } else {
            format!(
                "{}: {errors} error{}, {warnings} warning{}{notes}\n",
                Visible(&a.policy.display().to_string()),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            )
        };
        if let Err(code) = super::err(&summary) {
            return code;
        }
    }
    if errors > 0 || (a.deny_warnings && warnings > 0) {
        EXIT_POLICY
    } else {
        EXIT_OK
    }
}
