//! `credo diff OLD NEW RECORDS… [--role R] [--as-of DATE] [--format text|json]`

use super::{load_checked, ErrorFormat, EXIT_OK, EXIT_RECORDS, EXIT_USAGE};
use credo::diff::DiffReport;
use std::fmt::Write;
use std::path::PathBuf;

/// Compare the decisions of two policy versions on the same records.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old policy (file or directory).
    old: PathBuf,
    /// The new policy (file or directory).
    new: PathBuf,
    /// Records: YAML, JSON or JSONL files; `-` reads standard input.
    #[arg(required = true)]
    records: Vec<String>,
    /// Evaluate this role for records without `applied`.
    #[arg(long)]
    role: Option<String>,
    /// Evaluation date (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long)]
    as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::Format,
    /// How to print policy diagnostics.
    #[arg(long, value_enum, default_value_t)]
    error_format: ErrorFormat,
}

pub fn run(a: Args) -> u8 {
    let (as_of, old) = match super::as_of_and_policy(a.as_of.as_deref(), &a.old, a.error_format) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let new = match load_checked(&a.new, a.error_format, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut texts = Vec::new();
    for path in &a.records {
        match super::eval::read_input(path) {
            Ok((text, name)) => texts.push((name, text)),
            Err(e) => {
                eprintln!("error: cannot read `{path}`: {e}");
                return EXIT_USAGE;
            }
        }
    }
    let report = credo::diff::diff(&old, &new, &texts, a.role.as_deref(), as_of);
    match a.format {
        super::Format::Json => {
            super::out(&(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"))
        }
        super::Format::Text => super::out(&text(&report)),
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_RECORDS
    }
}

/// The report for people.
pub fn text(r: &DiffReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} → {} {}   as of {}",
        r.old.name, r.old.version, r.new.name, r.new.version, r.as_of
    );
    let _ = writeln!(s, "  old {}\n  new {}", r.old.hash, r.new.hash);
    if r.declarations.is_empty() {
        let _ = writeln!(s, "declarations: no change");
    } else {
        let _ = writeln!(s, "declarations:");
        for d in &r.declarations {
            let _ = write!(s, "  {} {} {}", d.kind, d.id, d.change);
            if !d.details.is_empty() {
                let _ = write!(s, ": {}", d.details.join("; "));
            }
            s.push('\n');
        }
    }
    let _ = writeln!(
        s,
        "decisions: {} of {} changed",
        r.changes.len(),
        r.compared
    );
    for c in &r.changes {
        let prop = |p: Option<credo::policy::Outcome>| {
            p.map(|p| format!(" (proposed {})", p.as_str()))
                .unwrap_or_default()
        };
        let _ = writeln!(
            s,
            "  {} {}: {}{} → {}{}",
            c.candidate,
            c.role,
            c.old.as_str(),
            prop(c.old_proposed),
            c.new.as_str(),
            prop(c.new_proposed)
        );
        for k in &c.skills {
            let state = |m: bool| if m { "met" } else { "unmet" };
            let _ = writeln!(
                s,
                "      {}: {} → {}   (was {}; now {})",
                k.skill,
                state(k.old_met),
                state(k.new_met),
                k.old_via.as_deref().unwrap_or("no line"),
                k.new_via.as_deref().unwrap_or("no line")
            );
        }
        for cause in &c.causes {
            let _ = writeln!(s, "      because {cause}");
        }
    }
    let _ = writeln!(s, "transitions:");
    for (role, t) in &r.transitions {
        let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(s, "  {role}: {}", parts.join(", "));
    }
    for e in &r.errors {
        let _ = writeln!(s, "{}", credo::render::text::error_line(e));
    }
    s
}
