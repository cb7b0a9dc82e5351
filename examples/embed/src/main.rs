//! An embedder of credo: the SPEC §18 library API only, without the CLI's crates
//! (`default-features = false`). Run from the repository root:
//!
//! ```sh
//! cargo run -p credo-embed-example -- policies/acme-cyber.credo soc_analyst
//! ```

use credo::{Candidate, Date, Decision, Outcome, Policy, PolicyError, RecordError};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, role] = args.as_slice() else {
        eprintln!("usage: credo-embed-example POLICY ROLE");
        return ExitCode::from(2);
    };
    match run(Path::new(path), role) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &Path, role_name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let policy: Arc<Policy> = match Policy::from_file(path) {
        Ok(p) => Arc::new(p),
        Err(e) => return Err(explain(e).into()),
    };
    let Some(role) = policy.role(role_name) else {
        let names: Vec<&str> = policy.roles().map(|r| r.id).collect();
        return Err(format!("no role `{role_name}`; the roles are {names:?}").into());
    };
    let as_of: Date = "2026-11-25".parse()?;
    let records = [
        serde_json::json!({"id": "c-1", "credentials": [{"id": "security_plus", "issued": "2025-03-14", "verified": true}]}),
        serde_json::json!({"id": "", "credentials": []}),
    ];
    // Decisions are made on another thread from the shared policy and outlive their candidates.
    let worker = {
        let policy = Arc::clone(&policy);
        std::thread::spawn(move || -> Vec<Result<Decision<'static>, RecordError>> {
            (records.iter())
                .map(|v| {
                    let cand = Candidate::from_json(v, &policy)?;
                    Ok(policy.decide(&cand, role, as_of).into_owned())
                })
                .collect()
        })
    };
    let decisions = worker.join().map_err(|_| "the worker panicked")?;
    for d in decisions {
        match d {
            Ok(d) => {
                let summary = match d.outcome {
                    Outcome::Advance => "advance",
                    Outcome::Review => "review",
                    Outcome::Decline => "decline",
                    Outcome::Ineligible => "ineligible",
                };
                println!("{}: {summary}", d.candidate);
                println!("{}", serde_json::to_string(&d)?);
            }
            Err(e) => println!("refused: {e}"),
        }
    }
    let built = Candidate::builder("c-2")
        .work_sample("scripting", 90.0)
        .build(&policy)?;
    let s = policy.decide_summary(&built, role, as_of);
    println!("{}: {:?} (met {:?})", built.id(), s.outcome, s.met);
    Ok(())
}

/// Every diagnostic of a policy that does not check, as data.
fn explain(e: PolicyError) -> String {
    let mut out = format!("{e}\n");
    for d in e.diagnostics() {
        out.push_str(&format!(
            "  {:?} {} at {}:{}:{}: {}\n",
            d.severity,
            d.code,
            d.file,
            d.line.unwrap_or(0),
            d.column.unwrap_or(0),
            d.message
        ));
    }
    out
}
