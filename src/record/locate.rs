//! Where the fields of a record are in its text, found only when the record has problems: the
//! reader's values carry no positions (keeping them would slow every clean record down), so the
//! record's text is read again, as YAML events (JSON is YAML), and each problem's field path is
//! matched against the keys and list items met on the way.

use serde_saphyr::granit_parser::{Event, Parser};
use std::collections::HashMap;

/// One step of a path from a record to one of its fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A list item (0-based).
    Index(usize),
}

/// A path as people read it: `credentials[1].issued` (list items counted from 0, as in jq).
pub fn path_text(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// A place in a file: 1-based line and 1-based column (in characters).
pub type Place = (usize, usize);

/// What the walk is inside of.
enum Frame {
    /// A mapping: whether the next node is a key, and the key of the value that follows.
    Map { at_key: bool, key: Seg },
    /// A list: the index of the next item.
    Seq { next: usize },
}

/// The place of each path in the record that starts at `start` (its first node at or after
/// that place; `None`: the first node of the text) in `text`, whose first line is line
/// `first_line` of its file. A field's place is its key's; a list item's, the item's start; a
/// path that is not found in full takes the place of its longest part that is (a missing field
/// is placed at the mapping that lacks it). `None` where not even the record is found (text
/// that is not YAML or JSON before it). Reading stops at the record's end, and at the first
/// syntax error.
pub fn locate(
    text: &str,
    first_line: usize,
    start: Option<Place>,
    paths: &[&[Seg]],
) -> Vec<Option<Place>> {
    // Every part of every path, with its place once found.
    let mut found: HashMap<&[Seg], Option<Place>> = HashMap::new();
    for p in paths {
        for n in 0..=p.len() {
            found.insert(&p[..n], None);
        }
    }
    walk(text, first_line, start, &mut found);
    // Text before the record on its first line that cannot be read on its own (`}, ` where the
    // record before ends) stops the parser before the record: then it is blanked, and the
    // record read on its own, at the same columns.
    if let Some((line, column)) = start.filter(|&(l, c)| c > 1 && l == first_line) {
        if found.get(&[][..]).is_some_and(Option::is_none) {
            walk(
                &blank_before(text, 0, column - 1),
                first_line,
                Some((line, column)),
                &mut found,
            );
        }
    }
    paths
        .iter()
        .map(|p| {
            (0..=p.len())
                .rev()
                .find_map(|n| found.get(&p[..n]).copied().flatten())
        })
        .collect()
}

/// Walks the events of `text` from the record at `start`, noting the place of every path
/// part in `found`.
fn walk(
    text: &str,
    first_line: usize,
    start: Option<Place>,
    found: &mut HashMap<&[Seg], Option<Place>>,
) {
    let start = start.unwrap_or((first_line, 1));
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<Seg> = Vec::new();
    let mut note = |path: &[Seg], place: Place| {
        if let Some(slot) = found.get_mut(path) {
            slot.get_or_insert(place);
        }
    };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let place = (
            (span.start.line() + first_line).saturating_sub(1),
            span.start.col() + 1,
        );
        let opens = match event {
            Event::MappingStart(..) => Some(Frame::Map {
                at_key: true,
                key: Seg::Index(usize::MAX),
            }),
            Event::SequenceStart(..) => Some(Frame::Seq { next: 0 }),
            Event::Scalar(..) | Event::Alias(_) | Event::UnresolvedAlias(_) => None,
            Event::MappingEnd | Event::SequenceEnd => {
                if stack.pop().is_none() {
                    continue;
                }
                if stack.is_empty() {
                    break;
                }
                path.pop();
                continue;
            }
            _ => continue,
        };
        // The node's step from its parent (none for the record itself).
        let step = match stack.last_mut() {
            None if place < start => continue,
            None => {
                note(&[], place);
                None
            }
            Some(Frame::Map { at_key: true, key }) => {
                *key = match &event {
                    Event::Scalar(k, ..) => Seg::Key(k.to_string()),
                    // A key that is not a string names no field of a record.
                    _ => Seg::Index(usize::MAX),
                };
                path.push(key.clone());
                note(&path, place);
                path.pop();
                if let Some(Frame::Map { at_key, .. }) = stack.last_mut() {
                    *at_key = false;
                }
                Some(Seg::Index(usize::MAX))
            }
            Some(Frame::Map { at_key, key }) => {
                *at_key = true;
                Some(key.clone())
            }
            Some(Frame::Seq { next }) => {
                *next += 1;
                Some(Seg::Index(*next - 1))
            }
        };
        if let Some(step) = &step {
            path.push(step.clone());
            note(&path, place);
        }
        match opens {
            Some(frame) => stack.push(frame),
            None => {
                if step.is_some() {
                    path.pop();
                }
                if stack.is_empty() {
                    // The record is a scalar: nothing more to find.
                    break;
                }
            }
        }
    }
}

/// `text` with the first `chars` characters of its line `line` (0-based) made spaces.
fn blank_before(text: &str, line: usize, chars: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    for _ in 0..line {
        match rest.find('\n') {
            Some(i) => {
                out.push_str(&rest[..=i]);
                rest = &rest[i + 1..];
            }
            None => break,
        }
    }
    let mut chars_left = chars;
    let mut cut = 0;
    for (i, c) in rest.char_indices() {
        if chars_left == 0 || c == '\n' {
            break;
        }
        out.push(' ');
        chars_left -= 1;
        cut = i + c.len_utf8();
    }
    out.push_str(&rest[cut..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    #[test]
    fn finds_keys_and_items_in_yaml_and_json() {
        let yaml = "\
- id: a
- id: b
  credentials:
    - id: x
      issued: 2024-13-01
  work_samples:
    - { skill: sql, score: 120 }
";
        let issued = [key("credentials"), Seg::Index(0), key("issued")];
        let score = [key("work_samples"), Seg::Index(0), key("score")];
        let missing = [key("work_samples"), Seg::Index(0), key("months")];
        let paths: [&[Seg]; 4] = [&issued, &score, &missing, &[]];
        assert_eq!(
            locate(yaml, 1, Some((2, 3)), &paths),
            vec![Some((5, 7)), Some((7, 21)), Some((7, 7)), Some((2, 3))]
        );
        // The same record as a fragment that starts on its own line (line 2 of the file).
        let fragment = yaml.split_once('\n').unwrap().1;
        assert_eq!(
            locate(fragment, 2, Some((2, 3)), &paths),
            vec![Some((5, 7)), Some((7, 21)), Some((7, 7)), Some((2, 3))]
        );
        let json = r#"{"id": "c", "credentials": [{"id": "x", "issued": "no"}], "work_samples": [{"skill": "s", "score": 120}]}"#;
        assert_eq!(
            locate(json, 7, None, &paths),
            vec![Some((7, 41)), Some((7, 91)), Some((7, 76)), Some((7, 1))]
        );
    }

    #[test]
    fn a_record_in_a_one_line_array_is_found_by_its_column() {
        let json = r#"[{"id": "a", "x": 1}, {"id": "b", "x": 2}]"#;
        let x = [key("x")];
        assert_eq!(locate(json, 1, Some((1, 23)), &[&x]), vec![Some((1, 35))]);
        assert_eq!(locate(json, 1, Some((1, 2)), &[&x]), vec![Some((1, 14))]);
    }

    #[test]
    fn text_that_breaks_off_places_what_it_can() {
        let x = [key("a"), key("b")];
        assert_eq!(locate("a:\n  b: [\n", 1, None, &[&x]), vec![Some((2, 3))]);
        // A record of a JSON array, one a line, cut where the next one starts.
        let fragment = "  {\"a\": {\"b\": 1}},\n  {\"a\": {\"b\": 2}}";
        assert_eq!(
            locate(fragment, 4, Some((4, 3)), &[&x]),
            vec![Some((4, 10))]
        );
        // A record that starts where the one before ends.
        let fragment = "  }, {\"a\": {\n    \"b\": 2}}\n]";
        assert_eq!(
            locate(fragment, 9, Some((9, 6)), &[&x]),
            vec![Some((10, 5))]
        );
        assert_eq!(locate("]]", 1, None, &[&x]), vec![None]);
        assert_eq!(locate("", 1, None, &[&x]), vec![None]);
    }

    #[test]
    fn path_text_reads_like_jq() {
        let p = [key("credentials"), Seg::Index(1), key("issued")];
        assert_eq!(path_text(&p), "credentials[1].issued");
        assert_eq!(path_text(&[]), "");
    }

    proptest! {
        /// Any text (YAML-ish or not) and any paths: never a panic, and every place found is
        /// on a line of the text.
        #[test]
        fn never_panics(text in "[a-z0-9:\\-\\[\\]{},\"' \\n#&*!|>]{0,120}", line in 1usize..5, col in 1usize..5, k in "[a-z]{0,2}", i in 0usize..3) {
            let path = [key(&k), Seg::Index(i), key(&k)];
            let lines = text.split('\n').count();
            for start in [None, Some((line, col))] {
                for place in locate(&text, 3, start, &[&path, &[]]).into_iter().flatten() {
                    prop_assert!(place.0 >= 3 && place.0 < 3 + lines, "{place:?}");
                }
            }
        }
    }
}
