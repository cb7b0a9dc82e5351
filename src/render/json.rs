//! Decisions as compact JSON, written straight into a buffer: the same bytes as
//! `serde_json::to_string` of the serde derives in [`crate::decision`] (which stay the
//! definition; `tests/json_writer.rs` compares the two on every shipped and generated
//! decision), several times faster because most strings need no escaping and are copied whole.

use super::Item;
use crate::decision::*;
use crate::record::{AttrValue, RecordError};
use std::io::Write;

/// Appends one item as compact JSON.
pub fn write_item(item: &Item, out: &mut Vec<u8>) {
    match item {
        Item::Decision(d) => decision(d, out),
        Item::Error(e) => record_error(e, out),
    }
}

/// `,"key":"value"` for a key and a value that need no escaping, as one constant.
macro_rules! kv {
    ($k:literal, $v:literal) => {
        concat!(",\"", $k, "\":\"", $v, "\"")
    };
}

/// `,"key":` for a key (a plain ASCII name), as one constant.
macro_rules! k {
    ($k:literal) => {
        concat!(",\"", $k, "\":")
    };
}

/// `,"key":true` and `,"key":false`, as constants.
macro_rules! kb {
    ($k:literal) => {
        (
            concat!(",\"", $k, "\":true"),
            concat!(",\"", $k, "\":false"),
        )
    };
}

/// A JSON object being written: keys in order, commas between fields.
struct Obj<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Obj<'o> {
    fn new(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// Starts a field from its [`k!`] constant (`,"key":`); returns the buffer to write its
    /// value into.
    #[inline]
    fn key(&mut self, k: &'static str) -> &mut Vec<u8> {
        self.fixed(k);
        self.out
    }

    fn str(&mut self, k: &'static str, v: &str) {
        string(v, self.key(k));
    }

    /// A whole field known when compiling, made by [`kv!`] (`,"key":"value"`), or the start
    /// of one made by [`k!`]: the comma is dropped before the first.
    #[inline]
    fn fixed(&mut self, field: &'static str) {
        let field = if self.first { &field[1..] } else { field };
        self.first = false;
        self.out.extend_from_slice(field.as_bytes());
    }

    fn opt_str(&mut self, k: &'static str, v: Option<&str>) {
        match v {
            Some(v) => self.str(k, v),
            None => self.key(k).extend_from_slice(b"null"),
        }
    }

    /// A boolean field from its two constants ([`kb!`]).
    #[inline]
    fn bool(&mut self, (yes, no): (&'static str, &'static str), v: bool) {
        self.fixed(if v { yes } else { no });
    }

    fn int(&mut self, k: &'static str, v: impl itoa_like::Int) {
        v.write(self.key(k));
    }

    fn f64(&mut self, k: &'static str, v: f64) {
        float(v, self.key(k));
    }

    fn opt_f64(&mut self, k: &'static str, v: Option<f64>) {
        match v {
            Some(v) => self.f64(k, v),
            None => self.key(k).extend_from_slice(b"null"),
        }
    }

    fn strs<S: AsRef<str>>(&mut self, k: &'static str, v: &[S]) {
        list(self.key(k), v, |s, out| string(s.as_ref(), out));
    }

    fn end(self) {
        self.out.push(b'}');
    }
}

mod itoa_like {
    /// Integers as serde_json writes them (itoa's decimal digits).
    pub trait Int {
        fn write(self, out: &mut Vec<u8>);
    }
    macro_rules! int {
        ($($t:ty),*) => {$(
            impl Int for $t {
                fn write(self, out: &mut Vec<u8>) {
                    out.extend_from_slice(itoa::Buffer::new().format(self).as_bytes());
                }
            }
        )*};
    }
    int!(u32, usize, i64);
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(x, out);
    }
    out.push(b']');
}

/// A JSON string: copied whole when nothing needs escaping, else escaped by serde_json and
/// [`crate::visible::json_visible`] (DEL, C1 and bidi controls as `\u` escapes too).
#[inline]
fn string(s: &str, out: &mut Vec<u8>) {
    let plain = crate::swar::needs_escape(s.as_bytes()).is_none()
        && (s.is_ascii() && !s.as_bytes().contains(&0x7f)
            || !s.chars().any(crate::visible::is_hostile));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let json = serde_json::to_string(s).unwrap_or_default();
        out.extend_from_slice(crate::visible::json_visible(&json).as_bytes());
    }
}

/// A number as serde_json writes an `f64` (shortest round-trip form, `null` if not finite).
fn float(v: f64, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, &v);
}

/// A date as jiff writes it: `YYYY-MM-DD` for years 0 to 9999, written by hand for speed.
fn date(d: jiff::civil::Date, out: &mut Vec<u8>) {
    out.push(b'"');
    match u16::try_from(d.year()) {
        Ok(y) if y <= 9999 => {
            let digits = |n: u16, w: usize, out: &mut Vec<u8>| {
                for i in (0..w).rev() {
                    out.push(b'0' + ((n / 10u16.pow(i as u32)) % 10) as u8);
                }
            };
            digits(y, 4, out);
            out.push(b'-');
            digits(d.month() as u16, 2, out);
            out.push(b'-');
            digits(d.day() as u16, 2, out);
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
    out.push(b'"');
}

fn outcome(o: Option<crate::policy::Outcome>, out: &mut Vec<u8>) {
    match o {
        Some(o) => string(o.as_str(), out),
        None => out.extend_from_slice(b"null"),
    }
}

fn kind_field(k: crate::ast::ReqKind) -> &'static str {
    match k {
        crate::ast::ReqKind::Required => kv!("kind", "required"),
        crate::ast::ReqKind::Preferred => kv!("kind", "preferred"),
    }
}

fn outcome_field(o: crate::policy::Outcome) -> &'static str {
    use crate::policy::Outcome::*;
    match o {
        Ineligible => kv!("outcome", "ineligible"),
        Decline => kv!("outcome", "decline"),
        Review => kv!("outcome", "review"),
        Advance => kv!("outcome", "advance"),
    }
}

fn outcome_if_met_field(o: crate::policy::Outcome) -> &'static str {
    use crate::policy::Outcome::*;
    match o {
        Ineligible => kv!("outcome_if_met", "ineligible"),
        Decline => kv!("outcome_if_met", "decline"),
        Review => kv!("outcome_if_met", "review"),
        Advance => kv!("outcome_if_met", "advance"),
    }
}

/// Appends one decision as compact JSON (what `serde_json::to_string` gives).
pub(crate) fn decision(d: &Decision, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.str(k!("candidate"), &d.candidate);
    o.str(k!("role"), &d.role);
    o.fixed(outcome_field(d.outcome));
    outcome(d.proposed, o.key(k!("proposed")));
    date(d.as_of, o.key(k!("as_of")));
    let mut p = Obj::new(o.key(k!("policy")));
    p.str(k!("name"), &d.policy.name);
    p.str(k!("version"), &d.policy.version);
    p.str(k!("hash"), &d.policy.hash);
    p.end();
    let mut r = Obj::new(o.key(k!("rule")));
    r.str(k!("text"), &d.rule.text);
    r.str(k!("at"), &d.rule.at);
    if d.rule.default {
        r.bool(kb!("default"), true);
    }
    r.end();
    if let Some(e) = &d.eligible {
        line_trace(e, o.key(k!("eligible")));
    }
    list(o.key(k!("skills")), &d.skills, skill);
    let c = &d.counts;
    let mut k = Obj::new(o.key(k!("counts")));
    k.int(k!("required_met"), c.required_met);
    k.int(k!("required_missing"), c.required_missing);
    k.int(k!("required_total"), c.required_total);
    k.int(k!("preferred_met"), c.preferred_met);
    k.int(k!("preferred_total"), c.preferred_total);
    k.f64(k!("coverage"), c.coverage);
    k.end();
    let mut b = Obj::new(o.key(k!("onboarding")));
    b.strs(k!("waived"), &d.onboarding.waived);
    let h = d.onboarding.hours_saved;
    if h.fract() == 0.0 && h.abs() < 9.0e15 {
        b.int(k!("hours_saved"), h as i64);
    } else {
        b.f64(k!("hours_saved"), h);
    }
    b.end();
    list(o.key(k!("would_change")), &d.would_change, |w, out| {
        let mut x = Obj::new(out);
        x.str(k!("skill"), &w.skill);
        x.fixed(kind_field(w.kind));
        x.fixed(outcome_if_met_field(w.outcome_if_met));
        outcome(w.proposed_if_met, x.key(k!("proposed_if_met")));
        x.bool(kb!("changes"), w.changes);
        x.end();
    });
    list(o.key(k!("next_steps")), &d.next_steps, |n, out| {
        let mut x = Obj::new(out);
        x.str(k!("skill"), &n.skill);
        x.strs(k!("credentials"), &n.credentials);
        if !n.open_to.is_empty() {
            list(x.key(k!("open_to")), &n.open_to, |o, out| {
                let mut y = Obj::new(out);
                y.str(k!("credential"), &o.credential);
                y.str(k!("who"), &o.who);
                y.end();
            });
        }
        x.end();
    });
    list(o.key(k!("guardrails")), &d.guardrails, |g, out| {
        let mut x = Obj::new(out);
        x.str(k!("name"), &g.name);
        x.str(k!("effect"), &g.effect);
        if let Some(r) = &g.reason {
            x.str(k!("reason"), r);
        }
        x.end();
    });
    o.strs(k!("notes"), &d.notes);
    o.end();
}

fn skill(s: &SkillResult, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.str(k!("skill"), &s.skill);
    o.fixed(kind_field(s.kind));
    o.bool(kb!("met"), s.met);
    match &s.via {
        Some(v) => {
            let mut x = Obj::new(o.key(k!("via")));
            x.int(k!("line"), v.line);
            x.str(k!("text"), &v.text);
            x.str(k!("at"), &v.at);
            x.strs(k!("evidence"), &v.evidence);
            x.end();
        }
        None => o.key(k!("via")).extend_from_slice(b"null"),
    }
    list(o.key(k!("tried")), &s.tried, line_trace);
    o.end();
}

fn line_trace(l: &LineTrace, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.int(k!("line"), l.line);
    o.str(k!("text"), &l.text);
    o.str(k!("at"), &l.at);
    o.bool(kb!("holds"), l.holds);
    list(o.key(k!("terms")), &l.terms, term);
    o.end();
}

fn term(t: &TermTrace, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.str(k!("term"), &t.term);
    o.bool(kb!("holds"), t.holds);
    match &t.detail {
        Detail::Credentials {
            needed,
            accepted,
            accepted_proofs,
            refused,
            suggest,
        } => {
            o.fixed(kv!("kind", "credentials"));
            o.int(k!("needed"), *needed);
            o.strs(k!("accepted"), accepted);
            let proofs: Vec<String> = accepted_proofs.iter().map(|p| p.as_text()).collect();
            o.strs(k!("accepted_proofs"), &proofs);
            list(o.key(k!("refused")), refused, refusal);
            o.strs(k!("suggest"), suggest);
        }
        Detail::Items {
            item,
            needed,
            counted,
            matching,
            excluded,
        } => {
            o.fixed(kv!("kind", "items"));
            o.fixed(match item {
                crate::ast::ItemKind::Credentials => kv!("item", "credentials"),
                crate::ast::ItemKind::Artifacts => kv!("item", "artifacts"),
                crate::ast::ItemKind::Labs => kv!("item", "labs"),
            });
            o.int(k!("needed"), *needed);
            o.int(k!("counted"), *counted);
            o.strs(k!("matching"), matching);
            o.strs(k!("excluded"), excluded);
        }
        Detail::WorkSample { best, threshold } => {
            o.fixed(kv!("kind", "work_sample"));
            o.opt_f64(k!("best"), *best);
            o.opt_f64(k!("threshold"), *threshold);
        }
        Detail::Experience { months, threshold } => {
            o.fixed(kv!("kind", "experience"));
            o.opt_f64(k!("months"), *months);
            o.opt_f64(k!("threshold"), *threshold);
        }
        Detail::Attribute { attribute, value } => {
            o.fixed(kv!("kind", "attribute"));
            o.str(k!("attribute"), attribute);
            let out = o.key(k!("value"));
            match value {
                None => out.extend_from_slice(b"null"),
                Some(AttrValue::Bool(b)) => {
                    out.extend_from_slice(if *b { b"true" } else { b"false" })
                }
                Some(AttrValue::Number(n)) => float(*n, out),
                Some(AttrValue::Str(s)) => string(s, out),
                Some(AttrValue::Date(d)) => date(*d, out),
            }
        }
        Detail::Degree { highest } => {
            o.fixed(kv!("kind", "degree"));
            o.opt_str(k!("highest"), highest.as_deref());
        }
        Detail::Value { value } => {
            o.fixed(kv!("kind", "value"));
            o.f64(k!("value"), *value);
        }
    }
    o.end();
}

fn refusal(r: &Refusal, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.str(k!("credential"), &r.credential);
    match &r.reason {
        Reason::NotInCatalogue => o.fixed(kv!("reason", "not_in_catalogue")),
        Reason::SkillNotListed { skill } => {
            o.fixed(kv!("reason", "skill_not_listed"));
            o.str(k!("skill"), skill);
        }
        Reason::NoIssueDate => o.fixed(kv!("reason", "no_issue_date")),
        Reason::IssuedAfterAsOf { issued } => {
            o.fixed(kv!("reason", "issued_after_as_of"));
            date(*issued, o.key(k!("issued")));
        }
        Reason::Expired { expiry, issued, by } => {
            o.fixed(kv!("reason", "expired"));
            date(*expiry, o.key(k!("expiry")));
            date(*issued, o.key(k!("issued")));
            match by {
                ExpiryBy::Record => o.fixed(kv!("by", "record")),
                ExpiryBy::ValidFor(v) => {
                    let out = o.key(k!("by"));
                    string(&format!("valid_for {v}"), out);
                }
            }
        }
        Reason::ProviderRetired {
            provider,
            retired,
            issued,
        } => {
            o.fixed(kv!("reason", "provider_retired"));
            o.str(k!("provider"), provider);
            date(*retired, o.key(k!("retired")));
            date(*issued, o.key(k!("issued")));
        }
        Reason::CredentialRetired { retired, issued } => {
            o.fixed(kv!("reason", "credential_retired"));
            date(*retired, o.key(k!("retired")));
            date(*issued, o.key(k!("issued")));
        }
        Reason::BelowMinTier { tier, min_tier } => {
            o.fixed(kv!("reason", "below_min_tier"));
            o.str(k!("tier"), tier);
            o.str(k!("min_tier"), min_tier);
        }
        Reason::NotVerified => o.fixed(kv!("reason", "not_verified")),
        Reason::ProofFailed { detail } => {
            o.fixed(kv!("reason", "proof_failed"));
            o.str(k!("detail"), detail);
        }
        Reason::WhereFailed { condition } => {
            o.fixed(kv!("reason", "where_failed"));
            o.str(k!("condition"), condition);
        }
    }
    o.str(k!("proof"), &r.proof.as_text());
    o.end();
}

fn record_error(e: &RecordError, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.opt_str(k!("record"), e.record.as_deref());
    o.str(k!("file"), &e.file);
    o.int(k!("line"), e.line);
    o.str(k!("error"), &e.error);
    if !e.problems.is_empty() {
        list(o.key(k!("problems")), &e.problems, |p, out| {
            let mut o = Obj::new(out);
            o.str(k!("field"), &p.field);
            o.int(k!("line"), p.line);
            match p.column {
                Some(c) => o.int(k!("column"), c),
                None => o.key(k!("column")).extend_from_slice(b"null"),
            }
            o.str(k!("error"), &p.error);
            if let Some(help) = &p.help {
                o.str(k!("help"), help);
            }
            o.end();
        });
    }
    o.end();
}
