//! `credo check POLICY`

use super::{print_diags, ErrorFormat, EXIT_OK, EXIT_POLICY};
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
            eprintln!("{:?}", miette::Report::new(e));
            return EXIT_POLICY;
        }
    };
    print_diags(&loaded.diags, &loaded.sources, a.error_format);
    let errors = loaded.diags.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diags.iter().filter(|d| d.is_warning()).count();
    let notes = loaded.diags.len() - errors - warnings;
    if a.error_format == ErrorFormat::Human {
        let notes = match notes {
            0 => String::new(),
            1 => ", 1 note".to_owned(),
            n => format!(", {n} notes"),
        };
        if errors == 0 && warnings == 0 {
            eprintln!("{}: ok{notes}", a.policy.display());
        } else {
            eprintln!(
                "{}: {errors} error{}, {warnings} warning{}{notes}",
                a.policy.display(),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    if errors > 0 || (a.deny_warnings && warnings > 0) {
        EXIT_POLICY
    } else {
        EXIT_OK
    }
}
