//! `credo new [DIR]`: scaffolds a pilot — one role, one provider, sample records and a test
//! suite — that `credo check` and `credo test` pass as written. It never overwrites a file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Create a pilot policy (one role, one provider), sample records and a test suite.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write into (created when missing); the current folder by default.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

/// The files of the pilot, by name, as `credo new` writes them.
pub const FILES: &[(&str, &str)] = &[
    ("pilot.credo", include_str!("new/pilot.credo")),
    ("pilot.records.yaml", include_str!("new/pilot.records.yaml")),
    ("pilot.test.yaml", include_str!("new/pilot.test.yaml")),
];

pub fn run(a: Args) -> u8 {
    let targets: Vec<PathBuf> = FILES.iter().map(|(name, _)| a.dir.join(name)).collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|t| t.symlink_metadata().is_ok())
        .map(|t| format!("`{}`", t.display()))
        .collect();
    if !existing.is_empty() {
        super::complain(format_args!(
            "error: {} already exist{}; `credo new` never overwrites a file",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
        ));
        super::complain(format_args!(
            "  help: run it in an empty folder, e.g. `credo new pilot`, or move the file{} away",
            if existing.len() == 1 { "" } else { "s" },
        ));
        return super::EXIT_USAGE;
    }
    if let Err(e) = std::fs::create_dir_all(&a.dir) {
        super::complain(format_args!(
            "error: cannot create the folder `{}`: {e}",
            a.dir.display()
        ));
        return super::EXIT_IO;
    }
    let mut written: Vec<&Path> = Vec::new();
    for (target, (_, text)) in targets.iter().zip(FILES) {
        if let Err(e) = create_new(target, text) {
            // Leave nothing half made: remove what this run wrote.
            for w in written {
                let _ = std::fs::remove_file(w);
            }
            let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "it appeared while `credo new` was writing; nothing was written".to_owned()
            } else {
                e.to_string()
            };
            super::complain(format_args!(
                "error: cannot create `{}`: {why}",
                target.display()
            ));
            return super::EXIT_IO;
        }
        written.push(target);
    }
    // Paths are shown with control characters escaped, line by line.
    let at =
        |name: &str| credo::visible::visible(&a.dir.join(name).display().to_string()).into_owned();
    let mut text = String::new();
    for (name, _) in FILES {
        text.push_str(&format!("created {}\n", at(name)));
    }
    text.push_str(&format!(
        "\nnext:\n  credo check {policy}\n  credo eval  {policy} {records} --as-of 2026-11-25 --explain\n  \
         credo test  {policy} {suite} --coverage\n",
        policy = at("pilot.credo"),
        records = at("pilot.records.yaml"),
        suite = at("pilot.test.yaml"),
    ));
    match super::out(&text) {
        Ok(()) => super::EXIT_OK,
        Err(code) => code,
    }
}

/// Writes a file that must not exist yet (`O_EXCL`), so a file that appears meanwhile is
/// never overwritten either.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}
