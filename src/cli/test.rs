//! `credo test POLICY SUITE.yaml… [--as-of DATE] [--coverage] [--format text|json]`

use super::{ErrorFormat, EXIT_OK, EXIT_POLICY, EXIT_USAGE};
use credo::report_line;
use credo::suite::{self, CaseResult, RoleCoverage};
use credo::visible::Lines;
use std::path::PathBuf;

/// Run policy unit tests.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `.credo` file or a directory of them.
    policy: PathBuf,
    /// Suite files (YAML).
    #[arg(required = true)]
    suites: Vec<PathBuf>,
    /// Default evaluation date for cases without `as_of` (else the suite's, else today).
    #[arg(long)]
    as_of: Option<String>,
    /// Report which accept lines, decide rules, guardrails and modules the suites exercised.
    #[arg(long)]
    coverage: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::Format,
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
    let mut suites = Vec::new();
    for path in &a.suites {
        match suite::read_suite(path, &policy) {
            Ok(s) => suites.push((path.clone(), s)),
            Err(e) => {
                super::complain(format_args!("error: {e}"));
                return EXIT_USAGE;
            }
        }
    }
    let results: Vec<(PathBuf, Vec<CaseResult>)> = (suites.iter())
        .map(|(path, s)| (path.clone(), suite::run(&policy, s, as_of)))
        .collect();
    let passed = results
        .iter()
        .flat_map(|(_, r)| r)
        .filter(|r| r.passed)
        .count();
    let failed = results
        .iter()
        .flat_map(|(_, r)| r)
        .filter(|r| !r.passed)
        .count();
    let cov = a.coverage.then(|| {
        suite::coverage(
            &policy,
            results
                .iter()
                .flat_map(|(_, r)| r)
                .filter_map(|r| r.decision.as_deref()),
        )
    });
    let out = match a.format {
        super::Format::Json => {
            let v = serde_json::json!({
                "suites": results.iter().map(|(p, r)| serde_json::json!({"suite": p.display().to_string(), "results": r})).collect::<Vec<_>>(),
                "passed": passed,
                "failed": failed,
                "coverage": cov,
            });
            super::json(&v)
        }
        super::Format::Text => {
            let mut s = Lines::new();
            for (path, rs) in &results {
                report_line!(s, "suite {}", path.display());
                for r in rs {
                    report(&mut s, r, &policy);
                }
            }
            if let Some(c) = &cov {
                coverage_text(&mut s, c);
            }
            report_line!(s, "{passed} passed, {failed} failed");
            s.into_string()
        }
    };
    if let Err(code) = super::out(&out) {
        return code;
    }
    if failed > 0 {
        EXIT_POLICY
    } else {
        EXIT_OK
    }
}

fn report(s: &mut Lines, r: &CaseResult, policy: &credo::policy::Policy) {
    let record = if r.record > 1 {
        format!(" [record {}]", r.record)
    } else {
        String::new()
    };
    if r.passed {
        report_line!(s, "  ✓ {}{record}", r.name);
        return;
    }
    report_line!(s, "  ✗ {}{record}", r.name);
    for m in &r.mismatches {
        report_line!(
            s,
            "      {}: expected {}, got {}",
            m.what,
            m.expected,
            m.actual
        );
    }
    if let Some(d) = &r.decision {
        for line in credo::render::text::explain_titled(d, policy).lines() {
            report_line!(s, "      │ {line}");
        }
    }
}

fn coverage_text(s: &mut Lines, cov: &[RoleCoverage]) {
    report_line!(s, "coverage");
    for c in cov {
        let lines = c.accept_lines.iter().filter(|l| l.4 > 0).count();
        let rules = c.decide_rules.iter().filter(|r| r.2 > 0).count();
        report_line!(
            s,
            "  role {}: accept lines {lines}/{}, decide rules {rules}/{}",
            c.role,
            c.accept_lines.len(),
            c.decide_rules.len()
        );
        for (skill, n, text, at, hits) in &c.accept_lines {
            if *hits == 0 {
                report_line!(
                    s,
                    "    never met a skill: {skill} accept #{n} `{text}` ({at})"
                );
            }
        }
        for (text, at, hits) in &c.decide_rules {
            if *hits == 0 {
                report_line!(s, "    never gave the outcome: `{text}` ({at})");
            }
        }
        for (g, hits) in &c.guardrails {
            if *hits == 0 {
                report_line!(s, "    guardrail never acted: {g}");
            }
        }
        for (m, hits) in &c.modules {
            if *hits == 0 {
                report_line!(s, "    onboarding module never waived: {m}");
            }
        }
    }
}
