//! How hires fared, from the [`crate::measure`] report: per role and cohort (all hires,
//! credentialed, other, each credential, accept line and unrecognised credential), the
//! figures a council compares quarter to quarter, each a [`Figure`] with its n and its change.

use super::figures::{Figure, Figures, Named};
use crate::measure::{Cohort, CohortKind, RoleMeasure, SurvivalTest};
use serde::Serialize;

/// A cohort's figures for the review.
#[derive(Clone, Debug, Serialize)]
pub struct CohortReview {
    /// The kind of cohort.
    pub kind: CohortKind,
    /// `all`, `credentialed`, `other`, the credential id, `skill#line`, or the title.
    pub id: String,
    /// For people.
    pub label: String,
    /// The issuer (unrecognised credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Whether it was compared with the rest (`tested`, `too_few`); none for all hires.
    pub comparison: Option<crate::measure::Tested>,
    /// The figures, in reading order.
    pub figures: Named,
    /// Step curves (day, value) for charts: share productive, share still employed.
    #[serde(skip)]
    pub curves: [Vec<(u32, f64)>; 2],
}

/// How a role's hires fared.
#[derive(Clone, Debug, Serialize)]
pub struct RoleOutcomes {
    /// Hires measured (their record among the quarter's applicants).
    pub hires: Figure,
    /// Every cohort with hires or `advance` decisions.
    pub cohorts: Vec<CohortReview>,
    /// The measure report of the role in full (SPEC §11), for tools.
    pub measure: RoleMeasure,
}

/// The review's view of a role's measure.
pub(crate) fn role_outcomes(m: &RoleMeasure, f: &mut Figures) -> RoleOutcomes {
    RoleOutcomes {
        hires: f.count(&format!("{}.outcomes.hires", m.role), m.hires),
        cohorts: m.cohorts.iter().map(|c| cohort(&m.role, c, f)).collect(),
        measure: m.clone(),
    }
}

/// The figure key of a cohort.
pub(crate) fn cohort_key(role: &str, c: &Cohort) -> String {
    let kind = serde_json::to_value(c.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    match &c.issuer {
        Some(i) => format!("{role}.cohort.{kind}.{}@{i}", c.id),
        None => format!("{role}.cohort.{kind}.{}", c.id),
    }
}

fn cohort(role: &str, c: &Cohort, f: &mut Figures) -> CohortReview {
    let key = cohort_key(role, c);
    let g = &c.figures;
    let mut named = Named::default();
    let mut put = |name: &str, value: Option<f64>, n: Option<u64>| {
        named.insert(name, f.fig(&format!("{key}.{name}"), value, n));
    };
    put("hires", Some(g.n as f64), None);
    let p = &g.productivity;
    put(
        "productivity_median_days",
        p.median_days.map(f64::from),
        Some(p.n),
    );
    for a in &p.at {
        put(
            &format!("productive_by_day_{}", a.day),
            Some(a.value),
            Some(p.n),
        );
    }
    let r = &g.retention;
    put(
        "retention_median_days",
        r.median_days.map(f64::from),
        Some(r.n),
    );
    for a in &r.at {
        put(
            &format!("employed_at_day_{}", a.day),
            Some(a.value),
            Some(r.n),
        );
    }
    let cost = &g.training.cost;
    put("training_cost_mean", cost.mean, Some(cost.n));
    let m = &g.mobility;
    put(
        "moves_per_100_person_years",
        m.per_100_person_years,
        Some(m.n),
    );
    let pl = &g.placement;
    put("placement", pl.share, Some(pl.advance));
    let o = &g.onboarding;
    put("onboarding_hours_saved_mean", o.mean, Some(o.n));
    if let Some(cmp) = &c.comparison {
        let n = Some(g.n);
        let test =
            |t: &Option<SurvivalTest>| (t.as_ref().map(|t| t.p), t.as_ref().and_then(|t| t.p_holm));
        // Holm's adjustment is over the credential, accept-line and unrecognised cohorts only.
        let family = !matches!(
            c.kind,
            CohortKind::All | CohortKind::Credentialed | CohortKind::Other
        );
        let (pp, pph) = test(&cmp.productivity);
        put("productivity_logrank_p", pp, n);
        if family {
            put("productivity_logrank_p_holm", pph, n);
        }
        let (rp, rph) = test(&cmp.retention);
        put("retention_logrank_p", rp, n);
        if family {
            put("retention_logrank_p_holm", rph, n);
        }
        let cost = cmp.training_cost.as_ref();
        put(
            "training_cost_difference_percent",
            cost.and_then(|t| t.percent),
            n,
        );
        put("training_cost_welch_p", cost.map(|t| t.p), n);
        if family {
            put("training_cost_welch_p_holm", cost.and_then(|t| t.p_holm), n);
        }
    }
    let curve = |s: &crate::measure::Survival, complement: bool| {
        (s.curve.iter())
            .map(|st| {
                (
                    st.time,
                    if complement {
                        1.0 - st.survival
                    } else {
                        st.survival
                    },
                )
            })
            .collect()
    };
    CohortReview {
        kind: c.kind,
        id: c.id.clone(),
        label: c.label.clone(),
        issuer: c.issuer.clone(),
        comparison: c.comparison.as_ref().map(|x| x.status),
        figures: named,
        curves: [curve(p, true), curve(r, false)],
    }
}
