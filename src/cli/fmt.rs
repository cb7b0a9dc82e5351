//! `credo fmt POLICY [--check]`

use super::{complain, print_diags, ErrorFormat, EXIT_IO, EXIT_OK, EXIT_POLICY, EXIT_USAGE};
use credo::visible::Visible;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Format policy files in the canonical layout.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// Do not write: show a diff and exit 1 when a file is not formatted.
    #[arg(long)]
    check: bool,
    /// Print the formatted text instead of writing files.
    #[arg(long, conflicts_with = "check")]
    stdout: bool,
}

pub fn run(a: Args) -> u8 {
    match format(a) {
        Ok(code) | Err(code) => code,
    }
}

/// Formats (or checks) every file; a file that cannot be written stops the run, the file left
/// as it was.
fn format(a: Args) -> Result<u8, u8> {
    let sources = match credo::load::read_sources(&a.policy) {
        Ok(s) => s,
        Err(e) => {
            super::load_error(&e);
            return Err(EXIT_USAGE);
        }
    };
    let mut unformatted = 0;
    let mut failed = false;
    for file in sources.files() {
        let formatted = match credo::fmt::format_text(&file.name, &file.text) {
            Ok(f) => f,
            Err(diags) => {
                let mut one = credo::source::SourceMap::new();
                one.add(file.clone());
                print_diags(&diags, &one, ErrorFormat::Human)?;
                failed = true;
                continue;
            }
        };
        if a.stdout {
            super::out(&formatted)?;
            continue;
        }
        if formatted == *file.text {
            continue;
        }
        unformatted += 1;
        if a.check {
            let diff = similar::TextDiff::from_lines(file.text.as_str(), &formatted);
            let shown = format!(
                "{} is not formatted:\n{}",
                file.name,
                diff.unified_diff()
                    .context_radius(2)
                    .header(&file.name, &format!("{} (formatted)", file.name))
            );
            // The diff is for people: control and bidi characters (in a comment, a file name)
            // are shown escaped, line by line.
            let mut lines = credo::visible::Lines::new();
            for line in shown.split_inclusive('\n') {
                let _ = lines.write_str(line.strip_suffix('\n').unwrap_or(line));
                if line.ends_with('\n') {
                    lines.end();
                }
            }
            super::out(&lines.into_string())?;
        } else if let Err(e) = super::replace_file(Path::new(&file.name), formatted.as_bytes()) {
            complain(format_args!("error: cannot write `{}`: {e}", file.name));
            return Err(EXIT_IO);
        } else {
            super::err(&format!("formatted {}\n", Visible(&file.name)))?;
        }
    }
    Ok(if failed || (a.check && unformatted > 0) {
        EXIT_POLICY
    } else {
        EXIT_OK
    })
}
