//! The shipped audit sample (`policies/audit-sample.records.jsonl`): synthetic candidates for
//! `policies/acme-cyber.credo` with **known group differences**, so an audit has something real
//! to find. Evaluate it as of 2026-11-25.
//!
//! How the records are drawn (every probability below is per record):
//!
//! - `sex`: female 45%, male 50%, nonbinary 1.5% (under the 2% exclusion), absent 3.5%.
//!   `race_ethnicity`: white 40%, black_or_african_american 20%, hispanic_or_latino 20%,
//!   asian 13%, two_or_more_races 4.5%, american_indian_or_alaska_native 1%, absent 1.5%.
//! - Roles: `soc_analyst` 50%, `cloud_security_associate` 25%, `network_technician` 25%; 8% also
//!   apply to the `everup_cohort` admission (enrolled 80%, 10–89 credits).
//! - **SOC analyst**: a Security+ is held by 55% of candidates but by only **15% of
//!   hispanic_or_latino** candidates (the exam fee the policy's `free_pathway` exception
//!   accepts); 85% of them are current. Since `incident_response` needs a current proctored exam,
//!   hispanic_or_latino candidates advance clearly less often.
//! - **Network technician**: a CCNA is held by 50% of other candidates but **20% of women**, and
//!   a year of network experience by 35% but 15% of women, so women advance less often.
//! - **Cloud security associate**: no group difference is built in.
//! - Some candidates bring credentials the catalogue lacks (ISC2 CC 8%, a Coursera certificate 4%,
//!   SANS Cyber Aces 2%) or a QuickCert (3%) that the policy refuses.

use super::Rng;
use std::fmt::Write;

/// The seed of the shipped sample. Picked by trying seeds 1–40 for one in which the built-in
/// differences come out significant (Fisher p < 0.01) and the cloud role, which has none, shows
/// no significant difference (every p >= 0.05), with a large reference group. Its small
/// categories are still flagged by the four-fifths rule: that is what the rule does with small
/// counts, and why the report prints p-values beside the ratios.
pub const SEED: u64 = 13;
/// Records in the shipped sample.
pub const RECORDS: usize = 600;

/// `true` with probability `per_mille / 1000`.
fn chance(rng: &mut Rng, per_mille: u64) -> bool {
    rng.below(1000) < per_mille
}

/// Picks from `(value, weight per mille)`; `None` past the listed weights.
fn pick<'a>(rng: &mut Rng, table: &[(&'a str, u64)]) -> Option<&'a str> {
    let mut roll = rng.below(1000);
    for (v, w) in table {
        if roll < *w {
            return Some(v);
        }
        roll -= w;
    }
    None
}

const SEX: &[(&str, u64)] = &[("female", 450), ("male", 500), ("nonbinary", 15)];
const RACE: &[(&str, u64)] = &[
    ("white", 400),
    ("black_or_african_american", 200),
    ("hispanic_or_latino", 200),
    ("asian", 130),
    ("two_or_more_races", 45),
    ("american_indian_or_alaska_native", 10),
];

/// A date `days` before 2026-11-25.
fn ago(days: u64) -> jiff::civil::Date {
    let base = jiff::civil::date(2026, 11, 25);
    base.checked_sub(jiff::Span::new().days(days as i64))
        .unwrap_or(base)
}

/// The sample as JSONL, one record per line.
pub fn audit_sample(records: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for i in 0..records {
        out.push_str(&record(&mut rng, i + 1));
        out.push('\n');
    }
    out
}

#[derive(Default)]
struct Parts {
    credentials: Vec<String>,
    artifacts: Vec<String>,
    labs: Vec<String>,
    work_samples: Vec<String>,
    experience: Vec<String>,
}

impl Parts {
    fn credential(&mut self, id: &str, days_ago: u64, verified: bool) {
        self.credentials.push(format!(
            "{{\"id\":\"{id}\",\"issued\":\"{}\",\"verified\":{verified}}}",
            ago(days_ago)
        ));
    }
    fn unrecognised(&mut self, title: &str, issuer: Option<&str>, days_ago: u64) {
        let issuer = issuer
            .map(|i| format!(",\"issuer\":\"{i}\""))
            .unwrap_or_default();
        self.credentials.push(format!(
            "{{\"title\":\"{title}\"{issuer},\"issued\":\"{}\"}}",
            ago(days_ago)
        ));
    }
    fn labs(&mut self, n: u64, skill: &str, max_days: u64, rng: &mut Rng) {
        for _ in 0..n {
            let k = self.labs.len() + 1;
            self.labs.push(format!(
                "{{\"title\":\"lab {k}\",\"skills\":[\"{skill}\"],\"completed\":\"{}\",\"hours\":{}}}",
                ago(rng.below(max_days)),
                1 + rng.below(4)
            ));
        }
    }
    fn artifacts(&mut self, n: u64, skill: &str, rng: &mut Rng) {
        for _ in 0..n {
            let k = self.artifacts.len() + 1;
            self.artifacts.push(format!(
                "{{\"title\":\"artifact {k}\",\"skills\":[\"{skill}\"],\"date\":\"{}\",\"reviewed\":{}}}",
                ago(rng.below(900)),
                chance(rng, 600)
            ));
        }
    }
}

fn record(rng: &mut Rng, n: usize) -> String {
    let sex = pick(rng, SEX);
    let race = pick(rng, RACE);
    let mut applied = vec![match rng.below(4) {
        0 | 1 => "soc_analyst",
        2 => "cloud_security_associate",
        _ => "network_technician",
    }];
    let everup = chance(rng, 80);
    if everup {
        applied.push("everup_cohort");
    }
    let mut p = Parts::default();
    for role in &applied {
        match *role {
            "soc_analyst" => soc_analyst(rng, race, &mut p),
            "cloud_security_associate" => cloud(rng, &mut p),
            "network_technician" => network(rng, sex, &mut p),
            _ => p.labs(1 + rng.below(2), "network_security", 400, rng),
        }
    }
    if chance(rng, 80) {
        p.unrecognised(
            "Certified in Cybersecurity (CC)",
            Some("https://www.isc2.org"),
            rng.below(700),
        );
    }
    if chance(rng, 40) {
        p.unrecognised(
            "Coursera Cybersecurity Fundamentals",
            Some("https://www.coursera.org"),
            rng.below(700),
        );
    }
    if chance(rng, 20) {
        p.unrecognised(
            "SANS Cyber Aces",
            Some("https://www.sans.org"),
            rng.below(700),
        );
    }
    if chance(rng, 30) {
        p.credential("quickcert_netsec", 200 + rng.below(500), false);
    }

    let mut s = format!("{{\"id\":\"a-{n:04}\",\"applied\":[");
    let quoted: Vec<String> = applied.iter().map(|r| format!("\"{r}\"")).collect();
    s.push_str(&quoted.join(","));
    s.push(']');
    if everup {
        let _ = write!(
            s,
            ",\"attributes\":{{\"enrolled\":{},\"credits\":{}}}",
            chance(rng, 800),
            10 + rng.below(80)
        );
    }
    let protected: Vec<String> = [("sex", sex), ("race_ethnicity", race)]
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("\"{k}\":\"{v}\"")))
        .collect();
    if !protected.is_empty() {
        let _ = write!(s, ",\"protected\":{{{}}}", protected.join(","));
    }
    for (name, items) in [
        ("credentials", &p.credentials),
        ("artifacts", &p.artifacts),
        ("labs", &p.labs),
        ("work_samples", &p.work_samples),
        ("experience", &p.experience),
    ] {
        if !items.is_empty() {
            let _ = write!(s, ",\"{name}\":[{}]", items.join(","));
        }
    }
    s.push('}');
    s
}

/// Security+ (current 85% of the time) for 55%, 15% if hispanic_or_latino; other evidence for
/// the rest.
fn soc_analyst(rng: &mut Rng, race: Option<&str>, p: &mut Parts) {
    let rate = if race == Some("hispanic_or_latino") {
        150
    } else {
        550
    };
    if chance(rng, rate) {
        let days = if chance(rng, 850) {
            rng.below(1000)
        } else {
            1100 + rng.below(600)
        };
        p.credential("security_plus", days, chance(rng, 700));
    } else if chance(rng, 300) {
        p.credential("google_cyber_cert", rng.below(900), true);
    }
    if chance(rng, 100) {
        p.credential("cysa_plus", rng.below(1000), true);
    }
    p.labs(rng.below(8), "threat_detection", 900, rng);
    p.artifacts(rng.below(3), "network_security", rng);
    if chance(rng, 400) {
        p.artifacts(1, "scripting", rng);
    }
    if chance(rng, 300) {
        p.work_samples.push(format!(
            "{{\"skill\":\"scripting\",\"score\":{}}}",
            40 + rng.below(61)
        ));
    }
}

/// AWS certifications, cloud labs, IAM work samples and experience; no group difference.
fn cloud(rng: &mut Rng, p: &mut Parts) {
    if chance(rng, 150) {
        p.credential("aws_security_specialty", rng.below(1000), true);
    } else if chance(rng, 400) {
        p.credential("aws_cloud_practitioner", rng.below(1000), true);
    }
    p.labs(rng.below(6), "cloud_security", 500, rng);
    if chance(rng, 500) {
        p.work_samples.push(format!(
            "{{\"skill\":\"identity_access\",\"score\":{}}}",
            50 + rng.below(51)
        ));
    }
    if chance(rng, 400) {
        p.experience.push(format!(
            "{{\"skill\":\"identity_access\",\"months\":{}}}",
            rng.below(25)
        ));
    }
    p.artifacts(rng.below(3), "network_security", rng);
}

/// CCNA for 50% of others, 20% of women; a year of network experience for 35% / 15%.
fn network(rng: &mut Rng, sex: Option<&str>, p: &mut Parts) {
    let female = sex == Some("female");
    if chance(rng, if female { 200 } else { 500 }) {
        p.credential("ccna", rng.below(1000), true);
    }
    if chance(rng, if female { 150 } else { 350 }) {
        p.experience.push(format!(
            "{{\"skill\":\"network_operations\",\"months\":{}}}",
            12 + rng.below(36)
        ));
    }
    p.labs(rng.below(5), "network_operations", 900, rng);
    p.artifacts(rng.below(3), "network_security", rng);
    if chance(rng, 700) {
        p.experience.push(format!(
            "{{\"skill\":\"scripting\",\"months\":{}}}",
            3 + rng.below(24)
        ));
    }
}
