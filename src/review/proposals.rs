//! Proposed catalogue actions (SPEC §12), each with the numbers behind it. They are advice for
//! the council: the tool never applies them.

use super::figures::{Figures, Named, Previous};
use super::outcomes::cohort_key;
use super::{unknown_key, CatalogueUse, Quarter, RoleReview, Unknown};
use crate::measure::stats::{KaplanMeier, SurvivalTable};
use crate::measure::{CohortKind, SurvivalTest};
use crate::policy::Policy;
use serde::Serialize;
use std::collections::BTreeMap;

/// Holm-adjusted p-values below this make a `retire?` proposal.
pub const ALPHA: f64 = 0.05;
/// An unrecognised credential is proposed for the catalogue when at least this many of a
/// role's applicants hold it…
pub const ADD_MIN_HOLDERS: u64 = 10;
/// …and at least 1/20 (5%) of them.
pub const ADD_MIN_SHARE_DENOMINATOR: u64 = 20;

/// What is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Action {
    /// Take a credential out of the catalogue.
    #[serde(rename = "retire?")]
    Retire,
    /// Put a credential the catalogue lacks into it.
    #[serde(rename = "add?")]
    Add,
    /// A credential or provider retires, or holders' credentials expire, next quarter.
    #[serde(rename = "renew?")]
    Renew,
    /// An accept line met no skill this quarter.
    #[serde(rename = "unused pathway")]
    UnusedPathway,
    /// A guardrail exception, to be re-justified.
    #[serde(rename = "exception")]
    Exception,
}

impl Action {
    /// The action's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Retire => "retire?",
            Action::Add => "add?",
            Action::Renew => "renew?",
            Action::UnusedPathway => "unused pathway",
            Action::Exception => "exception",
        }
    }
}

/// The credential a proposal is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CredentialRef {
    /// A catalogue credential, by id.
    Catalogue(String),
    /// One the catalogue lacks, as applicants' records name it.
    Unrecognised {
        /// Title as given.
        title: String,
        /// Issuer, when given.
        issuer: Option<String>,
    },
}

/// An accept line of a role.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pathway {
    /// The skill it evidences.
    pub skill: String,
    /// 1-based line number within the skill's block.
    pub line: usize,
    /// The line's text.
    pub text: String,
    /// `file:line:col`.
    pub at: String,
}

/// One proposed action.
#[derive(Clone, Debug, Serialize)]
pub struct Proposal {
    /// What is proposed.
    pub action: Action,
    /// The role (none for catalogue-wide proposals).
    pub role: Option<String>,
    /// The credential, when it is about one.
    pub credential: Option<CredentialRef>,
    /// The provider, for a provider's retirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The accept line, for an unused pathway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pathway: Option<Pathway>,
    /// The guardrail waived, for an exception.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<String>,
    /// Why, in one sentence.
    pub reason: String,
    /// The numbers behind it, in reading order.
    pub figures: Named,
}

/// What the proposals are made from.
pub(super) struct Context<'a> {
    pub policy: &'a Policy,
    pub quarter: Quarter,
    pub previous: Option<&'a Previous>,
    pub audit: &'a crate::audit::Report,
    pub measure: &'a crate::measure::Report,
    pub roles: &'a [RoleReview],
    pub catalogue: &'a [CatalogueUse],
    pub expiry: &'a [BTreeMap<Quarter, u64>],
    pub unrecognised: &'a [BTreeMap<Unknown, u64>],
    pub hired_holders: &'a [BTreeMap<Unknown, Vec<u32>>],
    pub outcomes: &'a crate::outcome::Outcomes,
    pub as_of: jiff::civil::Date,
}

fn proposal(action: Action, role: Option<&str>, reason: String) -> Proposal {
    Proposal {
        action,
        role: role.map(str::to_owned),
        credential: None,
        provider: None,
        pathway: None,
        guardrail: None,
        reason,
        figures: Named::default(),
    }
}

impl Context<'_> {
    /// Every proposal: catalogue-wide first, then by role in policy order; within each, by
    /// action.
    pub(super) fn proposals(&self, f: &mut Figures) -> Vec<Proposal> {
        let mut out = Vec::new();
        self.retire_unused(f, &mut out);
        self.renew(f, &mut out);
        for (r, role) in self.policy.roles.iter().enumerate() {
            self.retire_worse(r, f, &mut out);
            self.add(r, f, &mut out);
            self.unused_pathways(r, f, &mut out);
            for (guardrail, why) in &role.exceptions {
                let mut p = proposal(
                    Action::Exception,
                    Some(&role.id),
                    format!("the role waives guardrail `{guardrail}` because \"{why}\": to be re-justified"),
                );
                p.guardrail = Some(guardrail.clone());
                let applicants = &self.roles[r].funnel.applicants;
                p.figures.insert("applicants", applicants.clone());
                out.push(p);
            }
        }
        out
    }

    /// `retire?` for catalogue credentials that carried no decision (and none last quarter).
    fn retire_unused(&self, f: &mut Figures, out: &mut Vec<Proposal>) {
        for c in self.catalogue {
            if c.carried.value != Some(0.0) {
                continue;
            }
            let key = format!("catalogue.{}.carried", c.credential);
            let mut reason = format!("carried no decision in {}", self.quarter);
            if let Some(prev) = self.previous {
                match f.previous(&key) {
                    Some(0.0) => reason.push_str(&format!(" nor in {}", prev.quarter)),
                    // Used last quarter, or not in the catalogue then: not yet.
                    _ => continue,
                }
            }
            let held = c.held.value.unwrap_or(0.0);
            reason.push_str(&format!(" ({held} applicants held it)"));
            let mut p = proposal(Action::Retire, None, reason);
            p.credential = Some(CredentialRef::Catalogue(c.credential.clone()));
            p.figures.insert("carried", c.carried.clone());
            p.figures.insert("held", c.held.clone());
            out.push(p);
        }
    }

    /// `renew?`: retirements and holders' most common expiry in the next quarter.
    fn renew(&self, f: &mut Figures, out: &mut Vec<Proposal>) {
        let next = self.quarter.next();
        for (i, c) in self.policy.credentials.iter().enumerate() {
            let use_ = &self.catalogue[i];
            if let Some(day) = c.retired.filter(|&d| next.contains(d)) {
                let mut p = proposal(
                    Action::Renew,
                    None,
                    format!("the catalogue retires it on {day}, in {next}"),
                );
                p.credential = Some(CredentialRef::Catalogue(c.id.clone()));
                p.figures.insert("held", use_.held.clone());
                p.figures.insert("carried", use_.carried.clone());
                out.push(p);
            }
            // The most common expiry quarter; ties go to the earliest.
            let total: u64 = self.expiry[i].values().sum();
            let mode = (self.expiry[i].iter())
                .rev()
                .max_by_key(|(_, n)| **n)
                .map(|(q, n)| (*q, *n));
            if let Some((q, n)) = mode.filter(|(q, _)| *q == next) {
                let key = format!("catalogue.{}.expiring_next_quarter", c.id);
                let mut p = proposal(
                    Action::Renew,
                    None,
                    format!("its holders' most common expiry is in {q}: {n} of {total} holders with a known expiry"),
                );
                p.credential = Some(CredentialRef::Catalogue(c.id.clone()));
                p.figures.insert("expiring", f.count(&key, n));
                p.figures.insert(
                    "share_expiring",
                    f.fig(&format!("{key}.share"), super::share(n, total), Some(total)),
                );
                out.push(p);
            }
        }
        for (pi, pr) in self.policy.providers.iter().enumerate() {
            let Some(day) = pr.retired.filter(|&d| next.contains(d)) else {
                continue;
            };
            let held: u64 = (self.policy.credentials.iter().zip(self.catalogue))
                .filter(|(c, _)| c.provider == pi)
                .map(|(_, u)| u.held.value.unwrap_or(0.0) as u64)
                .sum();
            let mut p = proposal(
                Action::Renew,
                None,
                format!("the provider retires on {day}, in {next}"),
            );
            p.provider = Some(pr.id.clone());
            p.figures
                .insert("held", f.count(&format!("provider.{}.held", pr.id), held));
            out.push(p);
        }
    }

    /// `retire?` for credentials whose holders fared worse than the role's other hires, with
    /// a Holm-adjusted p < 0.05 (the measure's adjustment over the role's credential and
    /// accept-line cohorts): more exits than expected, or fewer reaching productivity.
    fn retire_worse(&self, r: usize, f: &mut Figures, out: &mut Vec<Proposal>) {
        let role = &self.policy.roles[r].id;
        let Some(m) = self.measure.roles.iter().find(|m| &m.role == role) else {
            return;
        };
        for (metric, worse_when_more) in [("retention", true), ("productivity", false)] {
            for c in m
                .cohorts
                .iter()
                .filter(|c| c.kind == CohortKind::Credential)
            {
                let Some(cmp) = &c.comparison else { continue };
                let test: Option<&SurvivalTest> = match metric {
                    "retention" => cmp.retention.as_ref(),
                    _ => cmp.productivity.as_ref(),
                };
                let Some((test, p_holm)) = test.and_then(|t| t.p_holm.map(|p| (t, p))) else {
                    continue;
                };
                let observed = test.observed as f64;
                let worse = if worse_when_more {
                    observed > test.expected
                } else {
                    observed < test.expected
                };
                if !(worse && p_holm < ALPHA) {
                    continue;
                }
                let what = if worse_when_more {
                    "more of its holders left"
                } else {
                    "fewer of its holders reached productivity"
                };
                let mut p = proposal(
                    Action::Retire,
                    Some(role),
                    format!(
                        "{what} than expected against the role's other hires ({} observed, {:.1} expected; Holm-adjusted log-rank p {})",
                        test.observed,
                        test.expected,
                        fmt_p(p_holm)
                    ),
                );
                p.credential = Some(CredentialRef::Catalogue(c.id.clone()));
                let key = format!("{}.{metric}", cohort_key(role, c));
                let n = Some(c.figures.n);
                p.figures.insert(
                    "holders_hired",
                    f.count(&format!("{}.hires", cohort_key(role, c)), c.figures.n),
                );
                p.figures.insert(
                    "others_hired",
                    f.count(&format!("{}.rest", cohort_key(role, c)), cmp.rest),
                );
                p.figures.insert(
                    format!("{metric}_events"),
                    f.fig(&format!("{key}.observed"), Some(observed), n),
                );
                p.figures.insert(
                    format!("{metric}_events_expected"),
                    f.fig(&format!("{key}.expected"), Some(test.expected), n),
                );
                p.figures.insert(
                    format!("{metric}_chi_square"),
                    f.fig(&format!("{key}.chi_square"), Some(test.chi_square), n),
                );
                p.figures.insert(
                    format!("{metric}_p"),
                    f.fig(&format!("{key}.p"), Some(test.p), n),
                );
                p.figures.insert(
                    format!("{metric}_p_holm"),
                    f.fig(&format!("{key}.p_holm"), Some(p_holm), n),
                );
                out.push(p);
            }
        }
    }

    /// `add?` for unrecognised credentials held by ≥ 5% and ≥ 10 of the role's applicants,
    /// with how its hired holders fared (the measure's cohort of its holders).
    fn add(&self, r: usize, f: &mut Figures, out: &mut Vec<Proposal>) {
        let role = &self.roles[r];
        let applicants = role.funnel.applicants.value.unwrap_or(0.0) as u64;
        let mut candidates: Vec<(&Unknown, u64)> =
            self.unrecognised[r].iter().map(|(k, n)| (k, *n)).collect();
        candidates.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        for ((title, issuer), n) in candidates {
            if n < ADD_MIN_HOLDERS || n * ADD_MIN_SHARE_DENOMINATOR < applicants {
                continue;
            }
            let key = format!("{}.unrecognised.{}", role.role, unknown_key(title, issuer));
            // How its hired holders fared: Kaplan–Meier over the hires whose record brings it
            // (as the measure's cohort of its holders, which it lists only from 5 hires on and
            // which gives the tests against the role's other hires).
            let holders: Vec<&crate::outcome::Hire> = (self.hired_holders[r]
                .get(&(title.clone(), issuer.clone())))
            .map(|hs| {
                hs.iter()
                    .filter_map(|&h| self.outcomes.hires.get(h as usize))
                    .collect()
            })
            .unwrap_or_default();
            let fared = fared(&holders, self.as_of);
            let hired = holders.len() as u64;
            let mut p = proposal(
                Action::Add,
                Some(&role.role),
                format!(
                    "{n} of {applicants} applicants ({}) brought it and the catalogue lacks it; {hired} of its holders hired",
                    pct(n, applicants)
                ),
            );
            p.credential = Some(CredentialRef::Unrecognised {
                title: title.clone(),
                issuer: issuer.clone(),
            });
            p.figures
                .insert("applicants", f.count(&format!("{key}.applicants"), n));
            p.figures.insert(
                "share",
                f.fig(
                    &format!("{key}.share"),
                    super::share(n, applicants),
                    Some(applicants),
                ),
            );
            p.figures
                .insert("hired", f.count(&format!("{key}.hired"), hired));
            for (name, value) in fared {
                p.figures.insert(
                    format!("hired_{name}"),
                    f.fig(&format!("{key}.hired_{name}"), value, Some(hired)),
                );
            }
            let cohort = (role.outcomes.as_ref()).and_then(|o| {
                o.cohorts.iter().find(|c| {
                    c.kind == CohortKind::Unrecognised && &c.id == title && &c.issuer == issuer
                })
            });
            for name in ["productivity_logrank_p_holm", "retention_logrank_p_holm"] {
                let fig = match cohort.and_then(|c| c.figures.get(name)) {
                    Some(fig) => fig.clone(),
                    // Not in the measure's report: fewer than 5 hired holders, untested.
                    None => f.fig(&format!("{key}.hired_{name}"), None, Some(hired)),
                };
                p.figures.insert(format!("hired_{name}"), fig);
            }
            out.push(p);
        }
    }

    /// `unused pathway` for the role's accept lines that met no skill (roles with applicants).
    fn unused_pathways(&self, r: usize, f: &mut Figures, out: &mut Vec<Proposal>) {
        let role = &self.roles[r];
        let applicants = &role.funnel.applicants;
        if applicants.value.unwrap_or(0.0) == 0.0 {
            return;
        }
        for l in self
            .audit
            .usage
            .lines
            .iter()
            .filter(|l| l.role == role.role)
        {
            let carried = f.count(
                &format!("{}.line.{}.{}.carried", l.role, l.skill, l.line),
                l.carried,
            );
            if l.carried > 0 {
                continue;
            }
            let mut p = proposal(
                Action::UnusedPathway,
                Some(&role.role),
                format!(
                    "accept line {} of skill `{}` met the skill for none of the {} applicants",
                    l.line,
                    l.skill,
                    applicants.value.unwrap_or(0.0)
                ),
            );
            p.pathway = Some(Pathway {
                skill: l.skill.clone(),
                line: l.line,
                text: l.text.clone(),
                at: l.at.clone(),
            });
            p.figures.insert("carried", carried);
            p.figures.insert("applicants", applicants.clone());
            out.push(p);
        }
    }
}

/// The median days to productivity, the share productive by day 90 and the share still
/// employed at day 365 of some hires (Kaplan–Meier; none without hires).
fn fared(
    hires: &[&crate::outcome::Hire],
    as_of: jiff::civil::Date,
) -> [(&'static str, Option<f64>); 3] {
    let days =
        |a: jiff::civil::Date, b: jiff::civil::Date| u32::try_from((b - a).get_days()).unwrap_or(0);
    let (mut productivity, mut retention) = (SurvivalTable::default(), SurvivalTable::default());
    for h in hires {
        match h.productive {
            Some(d) => productivity.add(days(h.hired, d), true),
            None => productivity.add(days(h.hired, h.left.unwrap_or(as_of)), false),
        }
        match h.left {
            Some(d) => retention.add(days(h.hired, d), true),
            None => retention.add(days(h.hired, as_of), false),
        }
    }
    let (p, r) = (
        KaplanMeier::fit(&productivity),
        KaplanMeier::fit(&retention),
    );
    // S(t) past the longest follow-up, when that hire was censored, is not defined (as in the
    // measure's figures).
    let at = |km: &KaplanMeier, t: u32| {
        let s = km.survival_function_at(t);
        (km.at_risk_at(t) > 0 || s == 0.0).then_some(s)
    };
    [
        (
            "productivity_median_days",
            p.median_survival_time().map(f64::from),
        ),
        ("productive_by_day_90", at(&p, 90).map(|s| 1.0 - s)),
        ("employed_at_day_365", at(&r, 365)),
    ]
}

/// A p-value as people read it.
pub fn fmt_p(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// `part / whole` as a whole percentage.
fn pct(part: u64, whole: u64) -> String {
    match super::share(part, whole) {
        Some(s) => format!("{:.0}%", s * 100.0),
        None => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Hire;
    use jiff::civil::date;

    fn hire(hired: jiff::civil::Date, productive: Option<jiff::civil::Date>) -> Hire {
        Hire {
            candidate: "c".into(),
            role: "r".into(),
            hired,
            productive,
            left: None,
            training_hours: None,
            training_cost: None,
            moves: Vec::new(),
        }
    }

    #[test]
    fn holders_followed_less_than_a_quarter_have_no_day_90_or_365_figure() {
        let as_of = date(2026, 9, 30);
        let (a, b) = (
            hire(date(2026, 8, 1), Some(date(2026, 8, 20))),
            hire(date(2026, 8, 1), None),
        );
        let fared = fared(&[&a, &b], as_of);
        assert_eq!(fared[1], ("productive_by_day_90", None));
        assert_eq!(fared[2], ("employed_at_day_365", None));
        // Everyone productive within the follow-up: the share by day 90 is known.
        let c = hire(date(2026, 8, 1), Some(date(2026, 8, 25)));
        let fared = super::fared(&[&a, &c], as_of);
        assert_eq!(fared[1], ("productive_by_day_90", Some(1.0)));
    }
}
