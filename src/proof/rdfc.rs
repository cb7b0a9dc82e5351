//! `eddsa-rdfc-2022`'s transformation (W3C vc-di-eddsa): JSON-LD 1.1 expansion and toRdf with
//! the built-in contexts only ([`super::contexts`]), then RDF Dataset Canonicalization
//! (RDFC-1.0) to canonical N-Quads.
//!
//! The `json-ld` crate expands the document and produces its quads; its document loader is a map
//! of the built-in contexts, so a context credo does not hold is an error and nothing is fetched.
//! Its API is async; the loader never waits, so `futures`' `block_on` drives it on the calling
//! thread. Expansion is strict ("safe mode"): a term that does not expand to an IRI fails the
//! proof instead of being dropped silently (a dropped term would be unsigned). The quads go to
//! `rdf-canon` as oxrdf terms; the canonicalization's work is bounded by a call limit on its
//! n-degree hashing, so a "poison" graph fails with a reason instead of running for ever.
//!
//! Without the `rdfc` feature every `eddsa-rdfc-2022` proof fails closed with that reason.

use serde_json::{Map, Value};

#[cfg(feature = "rdfc")]
mod canon;
#[cfg(feature = "rdfc")]
mod template;
#[cfg(all(test, feature = "rdfc"))]
mod tests;

/// Most calls of RDFC-1.0's Hash N-Degree Quads per canonicalization. A credential's blank
/// nodes are few and almost always told apart by their first-degree hashes (no call at all);
/// a graph built to make the algorithm explode reaches this bound and fails.
pub const HNDQ_CALL_LIMIT: usize = 2_000;

/// Most quads a document may expand to (a credential has tens).
pub const MAX_QUADS: usize = 20_000;

/// Deepest nesting of JSON objects and arrays a document may have. Credentials nest a handful
/// of levels (an Open Badge's rubric levels sit about 7 deep); JSON-LD expansion recurses per
/// level, so the bound also bounds its stack.
pub const MAX_DEPTH: usize = 32;

/// Stack of the thread that expands and canonicalizes: the JSON-LD expansion's nested futures
/// take far more stack per level than a record reader's thread may have (a debug build overflows
/// 2 MiB at about 14 levels). Only the pages used are committed.
#[cfg(feature = "rdfc")]
const STACK: usize = 16 * 1024 * 1024;

/// What a JSON-LD processing panic (a bug in a dependency) turns into: the proof fails.
#[cfg(feature = "rdfc")]
const PANICKED: &str = "JSON-LD processing failed on this document";

/// The canonical N-Quads of a JSON-LD document (its expansion with the built-in contexts,
/// turned into RDF and canonicalized with RDFC-1.0).
///
/// A document whose shape was met before gets its quads from that shape's template
/// ([`template`]) without JSON-LD expansion; others are expanded by json-ld. Either way the
/// quads are canonicalized by the first-degree path ([`canon`]) when it settles them, and by
/// `rdf-canon` otherwise. json-ld and `rdf-canon` run on a big-stack worker thread that each
/// calling thread keeps for its lifetime, so a batch does not pay for a new thread (and its
/// freshly zeroed stack) per proof.
pub fn canonicalize(doc: &Map<String, Value>) -> Result<String, String> {
    check_shape(doc, 1)?;
    imp::canonicalize(doc)
}

/// [`canonicalize`] by JSON-LD expansion and `rdf-canon` alone, without the shape templates
/// and the first-degree path: what the fuzz target compares them with (built for fuzzing only).
#[cfg(all(fuzzing, feature = "rdfc"))]
#[doc(hidden)]
pub fn canonicalize_by_expansion(doc: &Map<String, Value>) -> Result<String, String> {
    check_shape(doc, 1)?;
    imp::by_expansion(doc).and_then(|quads| imp::full_rdfc(&quads))
}

/// Runs `job` on the calling thread's big-stack worker.
#[cfg(feature = "rdfc")]
fn on_worker<R: Send + 'static>(job: impl FnOnce() -> R + Send + 'static) -> Result<R, String> {
    let mut job = Some(job);
    let ran =
        WORKER.try_with(|worker| job.take().map(|j| worker::run(&mut worker.borrow_mut(), j)));
    match (ran, job) {
        (Ok(Some(result)), _) => result,
        // The calling thread is exiting: do the work on a thread of its own.
        (_, Some(job)) => on_new_thread(job),
        (_, None) => Err(PANICKED.into()),
    }
}

#[cfg(feature = "rdfc")]
std::thread_local! {
    static WORKER: std::cell::RefCell<Option<worker::Worker>> =
        const { std::cell::RefCell::new(None) };
}

#[cfg(feature = "rdfc")]
mod worker {
    use super::{PANICKED, STACK};
    use std::sync::mpsc;

    type Job = Box<dyn FnOnce() + Send>;

    /// The sending end of a worker thread's queue; dropping it ends the thread.
    pub struct Worker(mpsc::Sender<Job>);

    fn spawn() -> Result<Worker, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("credo-rdfc".into())
            .stack_size(STACK)
            .spawn(move || queue.into_iter().for_each(|job| job()))
            .map_err(|e| format!("cannot start RDF canonicalization: {e}"))?;
        Ok(Worker(jobs))
    }

    /// Runs `job` on `slot`'s worker, starting one if there is none (or the last one died of
    /// a panic).
    pub fn run<R: Send + 'static>(
        slot: &mut Option<Worker>,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, String> {
        let worker = match slot.take() {
            Some(w) => w,
            None => spawn()?,
        };
        let (reply, answer) = mpsc::channel();
        let job = Box::new(move || {
            // The caller waits for this reply; it cannot have gone.
            let _ = reply.send(job());
        });
        if worker.0.send(job).is_err() {
            return Err(PANICKED.into());
        }
        match answer.recv() {
            Ok(result) => {
                *slot = Some(worker);
                Ok(result)
            }
            // The worker panicked (and is gone): the next job gets a new one.
            Err(_) => Err(PANICKED.into()),
        }
    }
}

/// [`on_worker`]'s work on a thread started for it alone.
#[cfg(feature = "rdfc")]
fn on_new_thread<R: Send>(job: impl FnOnce() -> R + Send) -> Result<R, String> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("credo-rdfc".into())
            .stack_size(STACK)
            .spawn_scoped(scope, job)
            .map_err(|e| format!("cannot start RDF canonicalization: {e}"))?;
        worker.join().map_err(|_| PANICKED.to_string())
    })
}

/// Refuses a top-level `@context` that names a context credo does not hold (or writes one
/// inline) and any `@context` below the top level (only the credential's own, known contexts
/// may shape its meaning, so what credo reads is what was signed), nesting deeper than
/// [`MAX_DEPTH`], and percent-escapes that are not UTF-8 where JSON-LD may read an IRI (see
/// [`check_escapes`]).
fn check_shape(map: &Map<String, Value>, depth: usize) -> Result<(), String> {
    check_node(map, depth, false)
}

/// [`check_shape`] of an object whose parent key types its strings `@vocab` when `vocab` (the
/// items of a `@list` or `@set` are expanded with the property that holds the object).
fn check_node(map: &Map<String, Value>, depth: usize, vocab: bool) -> Result<(), String> {
    if depth == 1 {
        // Proof verification checked this already; a direct caller has not.
        if let Some(ctx) = map.get("@context") {
            super::contexts::check_all(Some(ctx))?;
        }
    }
    if depth > MAX_DEPTH {
        return Err(format!("the document nests deeper than {MAX_DEPTH} levels"));
    }
    for (k, v) in map {
        if depth > 1 && k == "@context" {
            return Err(
                "a nested @context is not supported (credo holds only known contexts)".into(),
            );
        }
        // A key is a term, a compact IRI or relative to a context's @vocab: an IRI, always.
        check_escapes(k)?;
        let vocab = matches!(k.as_str(), "type" | "@type")
            || vocab_typed().contains(k.as_str())
            || (vocab && matches!(k.as_str(), "@list" | "@set"));
        check_value(v, depth + 1, vocab)?;
    }
    Ok(())
}

/// `json-ld` 0.21 panics on an absolute IRI whose percent-escapes decode to bytes that are not
/// UTF-8 (`did:example:a%bc`; its IRI crate decodes them to hash the IRI). Such a string fails
/// the proof with this reason before JSON-LD sees it, so the shape templates and `json-ld`
/// answer alike (the fuzz target found it). What is checked is what may become an absolute IRI:
/// every key; every string under `type` or a term typed `@vocab` (`proofPurpose`), which a
/// context's `@vocab` makes absolute, directly or in its `@list` or `@set`; and any other
/// string with a `:` (a scheme or a compact IRI's prefix) and no ASCII white space. Text such as "95%accuracy" is a literal, which json-ld
/// leaves alone, and passes (relative IRIs elsewhere are never resolved: no base, and no
/// built-in context sets `@base`).
fn check_escapes(s: &str) -> Result<(), String> {
    if !s.contains('%') {
        return Ok(());
    }
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let (mut i, mut run) = (0, Vec::new());
    while i <= bytes.len() {
        let escape = bytes.get(i) == Some(&b'%')
            && bytes.get(i + 1).and_then(|b| hex(*b)).is_some()
            && bytes.get(i + 2).and_then(|b| hex(*b)).is_some();
        if escape {
            let (hi, lo) = (hex(bytes[i + 1]), hex(bytes[i + 2]));
            run.push((hi.unwrap_or(0) * 16 + lo.unwrap_or(0)) as u8);
            i += 3;
            continue;
        }
        if !run.is_empty() && std::str::from_utf8(&run).is_err() {
            return Err(format!(
                "the document holds {}, whose percent-escapes are not UTF-8",
                crate::visible::visible(s)
            ));
        }
        run.clear();
        i += 1;
    }
    Ok(())
}

/// Whether a string outside a vocabulary position could still be read as an absolute IRI: it
/// has a `:` and nothing an IRI cannot hold anywhere (ASCII white space, control characters;
/// other white space, such as U+00A0, is allowed in an IRI).
fn could_be_iri(s: &str) -> bool {
    s.contains(':') && !s.chars().any(|c| c.is_ascii_whitespace() || c.is_control())
}

/// The terms that some built-in context types `@vocab` (their string values are vocabulary
/// terms or IRIs relative to `@vocab`).
fn vocab_typed() -> &'static std::collections::HashSet<String> {
    static TERMS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    TERMS.get_or_init(|| {
        fn walk(v: &Value, out: &mut std::collections::HashSet<String>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        if x.get("@type").and_then(Value::as_str) == Some("@vocab") {
                            out.insert(k.clone());
                        }
                        walk(x, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut out = std::collections::HashSet::new();
        for (_, text) in super::contexts::DOCUMENTS {
            if let Ok(v) = serde_json::from_str::<Value>(text) {
                walk(&v, &mut out);
            }
        }
        out
    })
}

fn check_value(v: &Value, depth: usize, vocab: bool) -> Result<(), String> {
    match v {
        Value::Object(m) => check_node(m, depth, vocab),
        Value::Array(a) if depth > MAX_DEPTH => {
            Err(format!("the document nests deeper than {MAX_DEPTH} levels"))
        }
        Value::Array(a) => a.iter().try_for_each(|x| check_value(x, depth + 1, vocab)),
        Value::String(s) if vocab || could_be_iri(s) => check_escapes(s),
        _ => Ok(()),
    }
}

#[cfg(not(feature = "rdfc"))]
mod imp {
    use serde_json::{Map, Value};

    pub fn canonicalize(_doc: &Map<String, Value>) -> Result<String, String> {
        Err("cryptosuite eddsa-rdfc-2022 is not built into this credo (feature `rdfc`)".into())
    }
}

#[cfg(feature = "rdfc")]
mod imp {
    use super::{canon, template, HNDQ_CALL_LIMIT, MAX_QUADS};
    use crate::proof::contexts;
    use json_ld::rdf::RdfQuads as _;
    use json_ld::rdf_types::{self, LiteralType, Quad, Term};
    use json_ld::syntax::Parse as _;
    use json_ld::syntax::TryFromJson as _;
    use json_ld::{BlankIdBuf, ExpandError, IriBuf, RemoteDocument};
    use json_ld::{Expand as _, Process as _};
    use serde_json::{Map, Value};
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    type Loader = HashMap<IriBuf, RemoteDocument<IriBuf>>;

    /// The built-in contexts as the JSON-LD loader's map, parsed once.
    fn loader() -> Result<&'static Loader, String> {
        static LOADER: OnceLock<Result<Loader, String>> = OnceLock::new();
        LOADER
            .get_or_init(|| {
                contexts::DOCUMENTS
                    .iter()
                    .map(|(url, text)| {
                        let iri = IriBuf::new(url.to_string())
                            .map_err(|_| format!("built-in context {url}: not an IRI"))?;
                        let (json, _) = json_ld::syntax::Value::parse_str(text)
                            .map_err(|e| format!("built-in context {url}: {e}"))?;
                        Ok((iri.clone(), RemoteDocument::new(Some(iri), None, json)))
                    })
                    .collect()
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    type ActiveContext = json_ld::Context<IriBuf, BlankIdBuf>;
    type ContextCache = HashMap<Vec<String>, Result<Arc<ActiveContext>, String>>;

    /// Most distinct `@context` lists whose processed context is kept (credentials use one or
    /// two; a batch crafted to list the known contexts in every order cannot grow it further).
    const CONTEXT_CACHE_ENTRIES: usize = 64;

    /// The options of the expansion (and so of the toRdf of every document).
    fn options() -> json_ld::Options<IriBuf> {
        // Safe mode: a key that expands to nothing, or to no IRI, fails instead of vanishing.
        json_ld::Options::<IriBuf> {
            expansion_policy: json_ld::expansion::Policy {
                invalid: json_ld::expansion::Action::Reject,
                vocab: json_ld::expansion::Action::Keep,
                allow_undefined: false,
            },
            ..Default::default()
        }
    }

    /// The active context a top-level `@context` naming only `urls` yields: the Context
    /// Processing algorithm run once per process for each list (the built-in documents never
    /// change), so a batch of credentials does not re-process the large VC and OB contexts for
    /// every proof. The error, if processing fails, is kept too.
    fn processed_context(urls: Vec<String>) -> Result<Arc<ActiveContext>, String> {
        static CACHE: OnceLock<Mutex<ContextCache>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&urls).cloned()) {
            return hit;
        }
        let loader = loader()?;
        let local =
            json_ld::syntax::context::Context::try_from_json(json_ld::syntax::Value::Array(
                urls.iter()
                    .map(|u| json_ld::syntax::Value::String(u.as_str().into()))
                    .collect(),
            ))
            .map_err(|e| to_rdf_error(ExpandError::Expansion(e.into())));
        let processed = local.and_then(|local| {
            futures::executor::block_on(local.process_full(
                &mut (),
                &ActiveContext::new(None),
                loader,
                None,
                options().context_processing_options(),
                (),
            ))
            .map(|p| Arc::new(p.into_processed()))
            .map_err(|e| to_rdf_error(ExpandError::Expansion(e.into())))
        });
        if let Ok(mut c) = cache.lock() {
            if c.len() < CONTEXT_CACHE_ENTRIES {
                c.insert(urls, processed.clone());
            }
        }
        processed
    }

    fn to_rdf_error(e: ExpandError) -> String {
        format!(
            "JSON-LD expansion failed: {}",
            json_ld::ToRdfError::Expand(e)
        )
    }

    /// The `@context` entry's URLs when it is one URL or a list of URLs (the only form
    /// [`contexts::check_all`] admits).
    fn context_urls(doc: &Map<String, Value>) -> Option<Vec<String>> {
        match doc.get("@context")? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(a) => a.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            _ => None,
        }
    }

    pub fn canonicalize(doc: &Map<String, Value>) -> Result<String, String> {
        let quads = template::shape(doc)
            .and_then(|shape| template::quads(&shape, &by_expansion))
            .map_or_else(|| by_expansion(doc), Ok)?;
        nquads(quads)
    }

    /// The canonical N-Quads of `quads`: the first-degree path when it settles them, else the
    /// whole of RDFC-1.0 (`rdf-canon`, on the worker: its n-degree hashing recurses).
    pub fn nquads(quads: Vec<oxrdf::Quad>) -> Result<String, String> {
        match canon::first_degree(&quads) {
            Some(text) => Ok(text),
            None => super::on_worker(move || full_rdfc(&quads))?,
        }
    }

    /// `doc`'s quads through JSON-LD expansion and toRdf, on the worker (expansion recurses
    /// deeply).
    pub fn by_expansion(doc: &Map<String, Value>) -> Result<Vec<oxrdf::Quad>, String> {
        let doc = doc.clone();
        super::on_worker(move || expand(&doc))?
    }

    /// RDFC-1.0 by `rdf-canon`, every step.
    pub fn full_rdfc(quads: &[oxrdf::Quad]) -> Result<String, String> {
        let options = rdf_canon::CanonicalizationOptions {
            hndq_call_limit: Some(HNDQ_CALL_LIMIT),
        };
        rdf_canon::canonicalize_quads_with::<sha2::Sha256>(quads, &options).map_err(|e| match e {
            rdf_canon::CanonicalizationError::HndqCallLimitExceeded(_) => format!(
                "RDF canonicalization gave up: the document's blank nodes need more than \
                 {HNDQ_CALL_LIMIT} n-degree hashing steps"
            ),
            other => format!("RDF canonicalization failed: {other}"),
        })
    }

    /// JSON-LD expansion with the built-in contexts, then toRdf.
    fn expand(doc: &Map<String, Value>) -> Result<Vec<oxrdf::Quad>, String> {
        let loader = loader()?;
        let text = serde_json::to_string(doc).map_err(|e| format!("unreadable document: {e}"))?;
        let (mut json, _) = json_ld::syntax::Value::parse_str(&text)
            .map_err(|e| format!("unreadable document: {e}"))?;
        let options = options();
        let mut generator = rdf_types::generator::Blank::new_with_prefix("b".to_string());
        let mut expanded = match context_urls(doc) {
            // The top-level @context is processed first of all and against the empty context,
            // as JSON-LD expansion does: starting from its cached result and expanding the rest
            // gives the same expanded document.
            Some(urls) => {
                let context = processed_context(urls)?;
                if let Some(object) = json.as_object_mut() {
                    object.remove("@context");
                }
                futures::executor::block_on(json.expand_full(
                    &mut (),
                    ActiveContext::clone(&context),
                    None,
                    loader,
                    options.clone().unordered().expansion_options(),
                    (),
                ))
                .map_err(|e| to_rdf_error(ExpandError::Expansion(e)))?
            }
            None => futures::executor::block_on(json_ld::JsonLdProcessor::expand_full(
                &RemoteDocument::new(None, None, json),
                &mut (),
                loader,
                options.clone().unordered(),
                (),
            ))
            .map_err(to_rdf_error)?,
        };
        // What json-ld's toRdf does with an expanded document.
        let mut vocabulary = ();
        expanded.relabel_and_canonicalize_with(&mut vocabulary, &mut generator);
        let rdf = expanded.rdf_quads_full(
            &mut vocabulary,
            &mut generator,
            options.rdf_direction,
            options.produce_generalized_rdf,
        );

        let mut quads = Vec::new();
        for Quad(s, p, o, g) in rdf.cloned() {
            if quads.len() == MAX_QUADS {
                return Err(format!(
                    "the document expands to more than {MAX_QUADS} quads"
                ));
            }
            let subject = node(s)?;
            let predicate = named(p.as_str())?;
            let object = match o {
                Term::Id(id) => node(id).map(oxrdf::Term::from)?,
                Term::Literal(l) => literal(l).map(oxrdf::Term::from)?,
            };
            let graph = match g {
                None => oxrdf::GraphName::DefaultGraph,
                Some(id) => match node(id)? {
                    oxrdf::Subject::NamedNode(n) => n.into(),
                    oxrdf::Subject::BlankNode(b) => b.into(),
                },
            };
            quads.push(oxrdf::Quad::new(subject, predicate, object, graph));
        }
        Ok(quads)
    }

    fn named(iri: &str) -> Result<oxrdf::NamedNode, String> {
        oxrdf::NamedNode::new(iri).map_err(|_| format!("the document expands to a bad IRI {iri:?}"))
    }

    fn node(id: rdf_types::Id) -> Result<oxrdf::Subject, String> {
        match id {
            rdf_types::Id::Iri(i) => named(i.as_str()).map(Into::into),
            rdf_types::Id::Blank(b) => {
                let label = b.as_str().strip_prefix("_:").unwrap_or(b.as_str());
                oxrdf::BlankNode::new(label)
                    .map(Into::into)
                    .map_err(|_| format!("the document has a bad blank node {:?}", b.as_str()))
            }
        }
    }

    fn literal(l: rdf_types::Literal) -> Result<oxrdf::Literal, String> {
        match l.type_ {
            LiteralType::Any(t) => Ok(oxrdf::Literal::new_typed_literal(
                l.value,
                named(t.as_str())?,
            )),
            LiteralType::LangString(tag) => {
                oxrdf::Literal::new_language_tagged_literal(l.value, tag.as_str())
                    .map_err(|_| format!("the document has a bad language tag {:?}", tag.as_str()))
            }
        }
    }
}
