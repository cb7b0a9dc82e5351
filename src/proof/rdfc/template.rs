//! Quads by shape: JSON-LD expansion once per document shape, not once per credential.
//!
//! Credentials from one issuer differ in their strings (ids, names, dates) but not in their
//! shape (keys, types, `@context`, numbers). JSON-LD decides where a string goes (a literal, an
//! IRI, with which datatype or language) from the keys and types around it, never from the
//! string itself, with one exception: a string read as an IRI is expanded (a compact IRI or a
//! term becomes another IRI, a relative one is resolved or dropped).
//!
//! So a document's strings are replaced by numbered placeholders (`urn:x-credo-slot:N`, an
//! absolute IRI that every context leaves alone), the placeholder document is expanded to quads
//! once by json-ld (the slow path), and each placeholder's place in those quads is recorded: as
//! an IRI, or as the lexical form of a literal with a datatype or language. A later document of
//! the same shape gets its quads by putting its strings back in those places. A document takes
//! the slow path instead when
//! - any of its strings or keys contains the placeholder mark;
//! - its shape's placeholder document did not expand, or a placeholder came out anywhere but as
//!   a whole IRI or a whole literal (inside a JSON literal, a language tag, a predicate), or did
//!   not come out at all;
//! - a string that lands on an IRI is not one that expansion leaves as it is: it must be an
//!   absolute IRI (for both oxrdf and json-ld's own parser) whose scheme is not a term, nor a
//!   term itself, in any built-in context.
//!
//! What is kept verbatim in the shape (so it must match exactly): every key, `@context`, the
//! values of `type`/`@type` (they choose type-scoped contexts), of every other keyword except
//! `@id`, `@value`, `@list` and `@set`, and every number, boolean and null.
//! `tests.rs` checks that this path and json-ld give the same canonical form for many
//! documents, the hostile ones included.

use super::super::contexts;
use oxrdf::{GraphName, Literal, NamedNode, Quad, Subject, Term};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock, RwLock};

/// The slow path: a document's quads through JSON-LD expansion.
pub type Expand = dyn Fn(&Map<String, Value>) -> Result<Vec<Quad>, String>;

/// What no real string may contain (a document holding it takes the slow path).
const MARK: &str = "x-credo-slot";
/// A placeholder is this followed by its number.
const SLOT: &str = "urn:x-credo-slot:";

#[cfg(test)]
thread_local! {
    /// How many documents this thread got the quads of from a template (tests check the path
    /// is taken; per thread, as tests run side by side).
    pub static HITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn hit() {
    HITS.with(|h| h.set(h.get() + 1));
}

#[cfg(test)]
thread_local! {
    /// How many templates this thread has made (tests check what is kept).
    pub static MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Most shapes kept. A batch has a few (one per issuer's template, one per odd string on an
/// IRI); when a batch brings more, the cache is emptied and filled again. A batch crafted to
/// have a new shape per record costs one expansion of its placeholder document per record on
/// top of the slow path's own.
const SHAPES: usize = 256;

/// Most weight kept, a shape weighing its template's quads plus one per 64 bytes of its key (a
/// kept quad takes a few hundred bytes): a few tens of megabytes at most, in a long-running
/// `credo serve` too. A credential of some forty quads and a 3 KB shape weighs under a hundred,
/// so 256 of them fit many times over.
const WEIGHT: usize = 50_000;

/// A shape weighing more than this (thousands of quads, a key of hundreds of kilobytes) is
/// used for its document but not kept: no real credential is that large, and one crafted to be
/// must not push out the shapes a batch does use.
const KEPT_WEIGHT: usize = WEIGHT / 16;

/// What keeping `key` with `template` weighs (see [`WEIGHT`]).
fn weight(key: &str, template: Option<&Template>) -> usize {
    1 + key.len() / 64 + template.map_or(0, |t| t.quads.len())
}

/// A document's shape (its JSON with each slot string replaced by its placeholder) and the
/// strings taken out, in placeholder order.
pub struct Shape<'a> {
    key: String,
    values: Vec<&'a str>,
}

/// `doc`'s shape, or `None` when one of its strings or keys holds the placeholder mark.
pub fn shape(doc: &Map<String, Value>) -> Option<Shape<'_>> {
    let mut shape = Shape {
        key: String::with_capacity(512),
        values: Vec::new(),
    };
    object(doc, &mut shape)?;
    Some(shape)
}

fn object<'a>(map: &'a Map<String, Value>, out: &mut Shape<'a>) -> Option<()> {
    out.key.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if k.contains(MARK) {
            return None;
        }
        if i > 0 {
            out.key.push(',');
        }
        string(k, &mut out.key);
        out.key.push(':');
        if k == "@context" {
            // Only built-in context URLs get here (contexts::check_all ran first).
            out.key.push_str(&serde_json::to_string(v).ok()?);
        } else {
            value(v, slot_key(k), out)?;
        }
    }
    out.key.push('}');
    Some(())
}

/// Whether the strings under key `k` are taken out (not part of the shape).
fn slot_key(k: &str) -> bool {
    if let Some(keyword) = k.strip_prefix('@') {
        matches!(keyword, "id" | "value" | "list" | "set")
    } else {
        k != "type"
    }
}

fn value<'a>(v: &'a Value, slot: bool, out: &mut Shape<'a>) -> Option<()> {
    match v {
        Value::String(s) if s.contains(MARK) => return None,
        Value::String(s) if slot => {
            out.key.push('"');
            out.key.push_str(SLOT);
            out.key.push_str(&out.values.len().to_string());
            out.key.push('"');
            out.values.push(s);
        }
        Value::Object(m) => object(m, out)?,
        Value::Array(a) => {
            out.key.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.key.push(',');
                }
                value(x, slot, out)?;
            }
            out.key.push(']');
        }
        other => out.key.push_str(&serde_json::to_string(other).ok()?),
    }
    Some(())
}

fn string(s: &str, out: &mut String) {
    // A string always serializes.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// The quads of a document whose shape is `shape`, when the shape's template applies to it;
/// `slow` gives a document's quads through json-ld (it is called on the placeholder document
/// the first time a shape is met). `None`: take the slow path for this document.
///
/// A string that lands on an IRI but is not a plain one (a vocabulary term such as
/// `assertionMethod`, a compact IRI) is made part of a refined shape: the shape plus those
/// strings, whose template has them in place of their placeholders.
pub fn quads(shape: &Shape<'_>, slow: &Expand) -> Option<Vec<Quad>> {
    let template = cached(&shape.key, || make(shape, &[], slow))?;
    let fixed = match template.fill(&shape.values) {
        Ok(quads) => {
            #[cfg(test)]
            hit();
            return Some(quads);
        }
        Err(fixed) if fixed.is_empty() => return None,
        Err(fixed) => fixed,
    };
    let mut key = shape.key.clone();
    key.push('\n');
    let kept: Vec<(usize, &str)> = fixed.iter().map(|&n| (n, shape.values[n])).collect();
    key.push_str(&serde_json::to_string(&kept).ok()?);
    let quads = cached(&key, || make(shape, &fixed, slow))?
        .fill(&shape.values)
        .ok();
    #[cfg(test)]
    if quads.is_some() {
        hit();
    }
    quads
}

/// The template kept for `key`, made by `make` (and kept, while there is room) if there is
/// none; `None` when the shape has no template.
fn cached(key: &str, make: impl FnOnce() -> Option<Template>) -> Option<Arc<Template>> {
    #[derive(Default)]
    struct Cache {
        shapes: HashMap<String, Option<Arc<Template>>>,
        weight: usize,
    }
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(known) = cache.read().ok()?.shapes.get(key) {
        return known.clone();
    }
    let template = make().map(Arc::new);
    let weight = weight(key, template.as_deref());
    if weight > KEPT_WEIGHT {
        return template;
    }
    let mut cache = cache.write().ok()?;
    if cache.shapes.len() >= SHAPES || cache.weight + weight > WEIGHT {
        // Full (a batch of many shapes, or one built to have them): start again rather than
        // leave the shapes still to come to the slow path.
        cache.shapes.clear();
        cache.weight = 0;
    }
    // Another thread may have kept the same shape meanwhile: the same template, weighed once.
    if cache
        .shapes
        .insert(key.to_owned(), template.clone())
        .is_none()
    {
        cache.weight += weight;
    }
    template
}

/// The template of `shape` with the slots in `fixed` holding their own strings: its
/// placeholder document through json-ld, each placeholder found.
fn make(shape: &Shape<'_>, fixed: &[usize], slow: &Expand) -> Option<Template> {
    #[cfg(test)]
    MADE.with(|m| m.set(m.get() + 1));
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(&shape.key) else {
        return None;
    };
    if !fixed.is_empty() {
        doc.values_mut()
            .for_each(|v| put_back(v, fixed, &shape.values));
    }
    let quads = slow(&doc).ok()?;
    Template::new(&quads, shape.values.len(), fixed)
}

/// Replaces the placeholders of the slots in `fixed` under `v` with their strings.
fn put_back(v: &mut Value, fixed: &[usize], values: &[&str]) {
    match v {
        Value::String(s) => {
            if let Ok(Some(n)) = slot(s) {
                if fixed.contains(&n) {
                    *s = values[n].to_owned();
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| put_back(x, fixed, values)),
        Value::Object(m) => m.values_mut().for_each(|x| put_back(x, fixed, values)),
        _ => {}
    }
}

/// A shape's quads with the places of its slots.
struct Template {
    quads: Vec<TQuad>,
    /// Which slots land on an IRI somewhere.
    iri: Vec<bool>,
}

struct TQuad {
    subject: Place<Subject>,
    predicate: NamedNode,
    object: Object,
    graph: Place<GraphName>,
}

/// A term fixed by the shape, or slot N's string as an IRI.
enum Place<T> {
    Fixed(T),
    Iri(usize),
}

enum Object {
    Fixed(Term),
    Iri(usize),
    /// Slot N's string as the lexical form of a literal with this datatype or language.
    Literal(usize, Kind),
}

enum Kind {
    Typed(NamedNode),
    Lang(String),
}

/// The slot number `s` is the placeholder of, if it is one exactly; `Err` when `s` holds the
/// mark any other way.
fn slot(s: &str) -> Result<Option<usize>, ()> {
    if !s.contains(MARK) {
        return Ok(None);
    }
    let n = s.strip_prefix(SLOT).ok_or(())?;
    let number: usize = n.parse().map_err(|_| ())?;
    if number.to_string() == n {
        Ok(Some(number))
    } else {
        Err(())
    }
}

fn iri_place<T>(
    iri: &NamedNode,
    fixed: T,
    seen: &mut [bool],
    iri_slots: &mut [bool],
) -> Option<Place<T>> {
    match slot(iri.as_str()).ok()? {
        None => Some(Place::Fixed(fixed)),
        Some(n) => {
            *seen.get_mut(n)? = true;
            iri_slots[n] = true;
            Some(Place::Iri(n))
        }
    }
}

impl Template {
    /// `None` when a placeholder is not found whole, or (but for those of the `fixed` slots,
    /// which hold their own strings) not at all.
    fn new(quads: &[Quad], slots: usize, fixed: &[usize]) -> Option<Template> {
        let mut seen = vec![false; slots];
        for &n in fixed {
            *seen.get_mut(n)? = true;
        }
        let mut iri = vec![false; slots];
        let mut out = Vec::with_capacity(quads.len());
        for q in quads {
            if q.predicate.as_str().contains(MARK) {
                return None;
            }
            let subject = match &q.subject {
                Subject::NamedNode(n) => iri_place(n, q.subject.clone(), &mut seen, &mut iri)?,
                other => Place::Fixed(other.clone()),
            };
            let graph = match &q.graph_name {
                GraphName::NamedNode(n) => iri_place(n, q.graph_name.clone(), &mut seen, &mut iri)?,
                other => Place::Fixed(other.clone()),
            };
            let object = match &q.object {
                Term::NamedNode(n) => match iri_place(n, (), &mut seen, &mut iri)? {
                    Place::Fixed(()) => Object::Fixed(q.object.clone()),
                    Place::Iri(n) => Object::Iri(n),
                },
                Term::Literal(l) => literal(l, &mut seen)?,
                other => Object::Fixed(other.clone()),
            };
            out.push(TQuad {
                subject,
                predicate: q.predicate.clone(),
                object,
                graph,
            });
        }
        seen.iter()
            .all(|s| *s)
            .then_some(Template { quads: out, iri })
    }

    /// The quads with `values` in their slots; `Err` lists the slots whose value lands on an
    /// IRI but is not one expansion leaves as it is.
    fn fill(&self, values: &[&str]) -> Result<Vec<Quad>, Vec<usize>> {
        if values.len() != self.iri.len() {
            return Err(Vec::new());
        }
        let mut iris: Vec<Option<NamedNode>> = Vec::with_capacity(values.len());
        let mut plain = true;
        for (v, is_iri) in values.iter().zip(&self.iri) {
            let iri = if *is_iri { plain_iri(v) } else { None };
            plain &= iri.is_some() || !is_iri;
            iris.push(iri);
        }
        if !plain {
            let bad = (0..values.len()).filter(|&n| self.iri[n] && iris[n].is_none());
            return Err(bad.collect());
        }
        let fill = || -> Option<Vec<Quad>> {
            let iri = |n: usize| iris.get(n).cloned().flatten();
            let mut out = Vec::with_capacity(self.quads.len());
            for q in &self.quads {
                let subject = match &q.subject {
                    Place::Fixed(s) => s.clone(),
                    Place::Iri(n) => iri(*n)?.into(),
                };
                let object = match &q.object {
                    Object::Fixed(t) => t.clone(),
                    Object::Iri(n) => iri(*n)?.into(),
                    Object::Literal(n, Kind::Typed(t)) => {
                        Literal::new_typed_literal(*values.get(*n)?, t.clone()).into()
                    }
                    Object::Literal(n, Kind::Lang(tag)) => {
                        Literal::new_language_tagged_literal_unchecked(*values.get(*n)?, tag).into()
                    }
                };
                let graph = match &q.graph {
                    Place::Fixed(g) => g.clone(),
                    Place::Iri(n) => iri(*n)?.into(),
                };
                out.push(Quad::new(subject, q.predicate.clone(), object, graph));
            }
            Some(out)
        };
        fill().ok_or_else(Vec::new)
    }
}

fn literal(l: &Literal, seen: &mut [bool]) -> Option<Object> {
    if l.datatype().as_str().contains(MARK) || l.language().is_some_and(|t| t.contains(MARK)) {
        return None;
    }
    match slot(l.value()).ok()? {
        None => Some(Object::Fixed(l.clone().into())),
        Some(n) => {
            *seen.get_mut(n)? = true;
            let kind = match l.language() {
                Some(tag) => Kind::Lang(tag.to_owned()),
                None => Kind::Typed(l.datatype().into_owned()),
            };
            Some(Object::Literal(n, kind))
        }
    }
}

/// `v` as an IRI when JSON-LD's IRI expansion returns it unchanged under any built-in context:
/// absolute for both oxrdf and json-ld's parser, not a term and with no term as its scheme (a
/// compact IRI's prefix).
fn plain_iri(v: &str) -> Option<NamedNode> {
    let terms = terms();
    let scheme = v.split(':').next()?;
    if terms.contains(v) || terms.contains(scheme) {
        return None;
    }
    json_ld::IriBuf::new(v.to_owned()).ok()?;
    NamedNode::new(v).ok()
}

/// Every key of every built-in context document: a superset of their terms.
fn terms() -> &'static HashSet<String> {
    static TERMS: OnceLock<HashSet<String>> = OnceLock::new();
    TERMS.get_or_init(|| {
        fn keys(v: &Value, out: &mut HashSet<String>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        out.insert(k.clone());
                        keys(x, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
                _ => {}
            }
        }
        let mut out = HashSet::new();
        for (_, text) in contexts::DOCUMENTS {
            if let Ok(v) = serde_json::from_str::<Value>(text) {
                keys(&v, &mut out);
            }
        }
        out
    })
}
