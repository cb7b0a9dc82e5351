//! RDFC-1.0 when first-degree hashes settle it: the common case, done without `rdf-canon`'s
//! general machinery.
//!
//! RDFC-1.0 (W3C, "RDF Dataset Canonicalization", §4.4) hashes each blank node's quads with
//! itself written `_:a` and every other blank node `_:z` (Hash First Degree Quads). When those
//! hashes are all different, steps 4 and 6 alone decide: blank nodes are labelled `c14n0`,
//! `c14n1`, … in the code-point order of their hashes, and the relabelled quads, serialized as
//! canonical N-Quads, are sorted. Only blank nodes that share a hash need the n-degree step
//! (step 5), and that is left to `rdf-canon`.
//!
//! A credential's blank nodes (its subject, a proof, an alignment) nearly always differ in their
//! own quads, so this is the path a batch takes. It writes each quad as `rdf-canon` does (oxrdf's
//! N-Quads form followed by ` .`) and sorts as it does, so the two agree byte for byte wherever
//! this path answers; the `first_degree` proptest in `tests.rs` checks that against `rdf-canon`
//! itself on random datasets.
//! Written here rather than taken from a crate because `rdf-canon` offers no first-degree-only
//! entry, and building its full state for every credential cost more than the hashing.

use oxrdf::{BlankNode, GraphName, Quad, Subject, Term};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The canonical N-Quads of `quads` when every blank node's first-degree hash is its own;
/// `None` when two share a hash (or a quad holds one blank node twice), which needs the full
/// algorithm.
pub fn first_degree(quads: &[Quad]) -> Option<String> {
    // An RDF dataset is a set: a quad given twice counts once.
    let mut seen = HashSet::with_capacity(quads.len());
    let quads: Vec<&Quad> = quads.iter().filter(|q| seen.insert(*q)).collect();

    // Each blank node with the quads it appears in (step 2).
    let mut mentions: HashMap<&str, Vec<&Quad>> = HashMap::new();
    for q in &quads {
        let blanks = blanks(q);
        if (1..blanks.len()).any(|i| blanks[..i].contains(&blanks[i])) {
            // rdf-canon lists such a quad once per position; leave it the whole algorithm.
            return None;
        }
        for b in blanks {
            mentions.entry(b).or_default().push(q);
        }
    }

    // Step 3: the first-degree hash of each; step 4: a label for each distinct one, in order.
    let mut hashed: Vec<([u8; 32], &str)> = mentions
        .iter()
        .map(|(b, qs)| (hash_first_degree(b, qs), *b))
        .collect();
    hashed.sort_unstable();
    if hashed.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let labels: HashMap<&str, BlankNode> = hashed
        .iter()
        .enumerate()
        .map(|(i, (_, b))| (*b, BlankNode::new_unchecked(format!("c14n{i}"))))
        .collect();

    // Step 6: the relabelled dataset, serialized and sorted.
    let mut lines: Vec<String> = quads
        .iter()
        .map(|q| relabel(q, &|b| labels[b.as_str()].clone()).to_string())
        .collect();
    lines.sort_unstable();
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 3).sum());
    for line in lines {
        out.push_str(&line);
        out.push_str(" .\n");
    }
    Some(out)
}

/// The blank nodes of `q`, in subject, object, graph order.
fn blanks(q: &Quad) -> Vec<&str> {
    let mut out = Vec::new();
    if let Subject::BlankNode(b) = &q.subject {
        out.push(b.as_str());
    }
    if let Term::BlankNode(b) = &q.object {
        out.push(b.as_str());
    }
    if let GraphName::BlankNode(b) = &q.graph_name {
        out.push(b.as_str());
    }
    out
}

/// Hash First Degree Quads (RDFC-1.0 §4.6): `reference` written `_:a`, others `_:z`.
fn hash_first_degree(reference: &str, quads: &[&Quad]) -> [u8; 32] {
    let (a, z) = (BlankNode::new_unchecked("a"), BlankNode::new_unchecked("z"));
    let mut lines: Vec<String> = quads
        .iter()
        .map(|q| {
            let line = relabel(q, &|b| {
                if b.as_str() == reference {
                    a.clone()
                } else {
                    z.clone()
                }
            });
            line.to_string() + " .\n"
        })
        .collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in &lines {
        hasher.update(line.as_bytes());
    }
    hasher.finalize().into()
}

/// `q` with each blank node replaced by `to(blank)`.
fn relabel(q: &Quad, to: &dyn Fn(&BlankNode) -> BlankNode) -> Quad {
    Quad::new(
        match &q.subject {
            Subject::BlankNode(b) => Subject::BlankNode(to(b)),
            s => s.clone(),
        },
        q.predicate.clone(),
        match &q.object {
            Term::BlankNode(b) => Term::BlankNode(to(b)),
            o => o.clone(),
        },
        match &q.graph_name {
            GraphName::BlankNode(b) => GraphName::BlankNode(to(b)),
            g => g.clone(),
        },
    )
}
