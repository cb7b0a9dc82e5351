//! Synthetic, deterministic policies and records for benchmarks and load tests (the reference
//! scenario of the scale issue) and the audit sample with known group differences: same seed,
//! same text.

mod audit;
mod outcomes;

pub use audit::{audit_sample, RECORDS as AUDIT_SAMPLE_RECORDS, SEED as AUDIT_SAMPLE_SEED};
pub use outcomes::{
    outcomes_sample, write_outcomes_sample, APPLICANTS as OUTCOMES_SAMPLE_APPLICANTS,
    AS_OF as OUTCOMES_SAMPLE_AS_OF, POLICY as OUTCOMES_SAMPLE_POLICY, SEED as OUTCOMES_SAMPLE_SEED,
};
use std::fmt::Write;

/// A small deterministic generator (SplitMix64): benchmarks need repeatability, not quality.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Size of a generated policy.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Providers (tiers cycle trusted / recognized / provisional).
    pub providers: usize,
    /// Catalogue credentials.
    pub credentials: usize,
    /// Roles of 4 skills (3 required, 1 preferred).
    pub roles: usize,
    /// Declared skills.
    pub skills: usize,
}

impl Shape {
    /// The reference scenario: 20 providers, 60 credentials, 5 roles, 20 skills.
    pub const REFERENCE: Shape = Shape {
        providers: 20,
        credentials: 60,
        roles: 5,
        skills: 20,
    };
    /// The load benchmark: 1,000 roles and 5,000 credentials.
    pub const LARGE: Shape = Shape {
        providers: 200,
        credentials: 5000,
        roles: 1000,
        skills: 400,
    };
}

/// A policy of the given shape. A skill is met by a non-expired credential from a provider of
/// tier recognized or above (`min_tier recognized`), or 2 artifacts, or 5 labs; default decide.
pub fn policy(shape: Shape, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "policy \"Synthetic benchmark policy\" {{ version \"1\" effective 2020-01-01 owner \"bench\" }}\n"
    );
    for k in 0..shape.skills {
        let _ = writeln!(s, "skill s{k} \"Skill {k}\"");
    }
    let tiers = ["trusted", "recognized", "provisional"];
    for p in 0..shape.providers {
        let _ = writeln!(
            s,
            "provider p{p} {{ name \"Provider {p}\" tier {} issuers [\"https://p{p}.example\"] }}",
            tiers[p % 3]
        );
    }
    let assessments = [
        "completion",
        "portfolio",
        "performance_lab",
        "proctored_exam",
    ];
    for c in 0..shape.credentials {
        let n_skills = 1 + rng.below(3) as usize;
        let skills: Vec<String> = (0..n_skills)
            .map(|_| format!("s{}", rng.below(shape.skills as u64)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let validity = match rng.below(4) {
            0 => String::new(),
            y => format!(" valid_for {y}y"),
        };
        let _ = writeln!(
            s,
            "credential c{c} {{ title \"Credential {c}\" provider p{} skills [{}] assessment {} hours {} cost {}{validity} }}",
            c % shape.providers,
            skills.join(", "),
            assessments[rng.below(4) as usize],
            8 + rng.below(120),
            rng.below(500),
        );
    }
    for r in 0..shape.roles {
        let mut picked: Vec<u64> = Vec::new();
        while picked.len() < 4 {
            let k = rng.below(shape.skills as u64);
            if !picked.contains(&k) {
                picked.push(k);
            }
        }
        let _ = writeln!(s, "role r{r} {{\n  title \"Role {r}\"");
        for (i, k) in picked.iter().enumerate() {
            let kw = if i < 3 { "require" } else { "prefer" };
            let _ = writeln!(
                s,
                "  {kw} s{k} {{\n    accept any credential\n    accept at least 2 artifacts\n    accept at least 5 labs\n  }}"
            );
        }
        let _ = writeln!(s, "}}");
    }
    let _ = writeln!(s, "\nguardrails {{ min_tier recognized }}");
    s
}

/// One JSONL candidate record: 0–8 credentials, 0–4 artifacts, 0–10 labs, dates over the six
/// years before `as_of` (days since 1970 given as `as_of_days`).
pub fn record(rng: &mut Rng, index: usize, shape: Shape, role: Option<&str>) -> String {
    let base = jiff::civil::date(2026, 11, 25);
    let date = |rng: &mut Rng| {
        base.checked_sub(jiff::Span::new().days(rng.below(6 * 365) as i64))
            .unwrap_or(base)
    };
    let mut s = format!("{{\"id\":\"cand-{index}\"");
    if let Some(r) = role {
        let _ = write!(s, ",\"applied\":[\"{r}\"]");
    }
    s.push_str(",\"credentials\":[");
    for i in 0..rng.below(9) {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "{{\"id\":\"c{}\",\"issued\":\"{}\",\"verified\":{}}}",
            rng.below(shape.credentials as u64),
            date(rng),
            rng.below(2) == 0
        );
    }
    s.push_str("],\"artifacts\":[");
    for i in 0..rng.below(5) {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "{{\"title\":\"a{i}\",\"skills\":[\"s{}\"],\"date\":\"{}\",\"reviewed\":true}}",
            rng.below(shape.skills as u64),
            date(rng)
        );
    }
    s.push_str("],\"labs\":[");
    for i in 0..rng.below(11) {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "{{\"title\":\"l{i}\",\"skills\":[\"s{}\"],\"completed\":\"{}\",\"hours\":{}}}",
            rng.below(shape.skills as u64),
            date(rng),
            1 + rng.below(6)
        );
    }
    s.push_str("]}");
    s
}
