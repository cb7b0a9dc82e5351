//! `credo log verify FILE`

use super::{EXIT_OK, EXIT_POLICY, EXIT_USAGE};
use std::path::PathBuf;

/// Work with decision logs.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LogCommand {
    /// Recompute the hash chain from the bytes on disk and name the first changed, removed,
    /// inserted, moved or unreadable line (only the last line may be torn).
    Verify {
        /// The log file written by `credo eval --log`.
        file: PathBuf,
        /// The last hash recorded elsewhere (detects lines removed from the end).
        #[arg(long)]
        expect_last: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: super::Format,
    },
}

pub fn run(a: Args) -> u8 {
    let LogCommand::Verify {
        file,
        expect_last,
        format,
    } = a.command;
    let read = std::fs::File::open(&file).and_then(|f| {
        if f.metadata()?.is_dir() {
            return Err(std::io::ErrorKind::IsADirectory.into());
        }
        credo::log::verify_reader(std::io::BufReader::with_capacity(1 << 20, f))
    });
    let mut verdict = match read {
        Ok(v) => v,
        Err(e) => {
            super::complain(format_args!("error: cannot read `{}`: {e}", file.display()));
            return EXIT_USAGE;
        }
    };
    if verdict.problem.is_none() {
        if let Some(want) = &expect_last {
            if *want != verdict.last_hash {
                verdict.problem = Some(credo::log::Problem {
                    line: verdict.verified as usize + verdict.torn.len() + 1,
                    kind: "removed",
                    message: format!(
                        "the last line's hash is {}, not the expected {want}: lines were removed from the end",
                        verdict.last_hash
                    ),
                });
            }
        }
    }
    let printed = match format {
        super::Format::Json => super::out(&super::json(&verdict)),
        super::Format::Text => {
            // The file name and what the log holds are shown escaped.
            let mut s = credo::visible::Lines::new();
            for t in &verdict.torn {
                credo::report_line!(
                    s,
                    "warning: line {t} is an incomplete write (torn); it is not part of the chain"
                );
            }
            if verdict.unterminated {
                credo::report_line!(
                    s,
                    "warning: the last entry has no line break (a write stopped just before it); it verifies"
                );
            }
            match &verdict.problem {
                Some(p) => credo::report_line!(s, "{}: {} ({})", file.display(), p.message, p.kind),
                None => credo::report_line!(
                    s,
                    "{}: ok, {} entries, last hash {}",
                    file.display(),
                    verdict.verified,
                    verdict.last_hash
                ),
            }
            super::out(&s.into_string())
        }
    };
    if let Err(code) = printed {
        return code;
    }
    if verdict.problem.is_some() {
        EXIT_POLICY
    } else {
        EXIT_OK
    }
}
