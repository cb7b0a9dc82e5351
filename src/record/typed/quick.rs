//! The quickest reader of a JSON record: a hand-written pass over the line for the shape
//! records nearly always have, filling the same [`Record`] serde would. It says `None` to
//! anything it does not read without doubt (an escape in a string, a number in exponent form,
//! a repeated or unknown key, a nesting deeper than [`MAX_DEPTH`]); serde then reads the line.
//! Whenever it gives a record, serde gives the same one: the tests and the `records` fuzz
//! target check this.

use super::{Credential, Degree, Experience, Item, LabItem, Record, Sample};
use crate::record::document::Unique;
use crate::record::lex::Scan;
use std::borrow::Cow;

/// Nesting allowed inside `attributes` and `protected`, well under serde_json's limit of 128
/// for the whole line (a value parsed apart from the line has one level more to spare).
const MAX_DEPTH: usize = 64;

/// Reads a line as one record object, or `None` (the line is then read by serde).
pub(super) fn record(line: &str) -> Option<Record<'_>> {
    let mut q = Quick {
        line,
        s: Scan::new(line.as_bytes()),
    };
    let r = fields(&mut q, |q, r: &mut Record<'_>, seen, key| {
        match key {
            "id" => r.id = seen.once(0, q.opt(Quick::borrowed))?,
            "applied" => r.applied = seen.once(1, q.opt(|q| q.array(Quick::owned)))?,
            "attributes" => r.attributes = seen.once(2, q.opt(Quick::value))?,
            "protected" => r.protected = seen.once(3, q.opt(Quick::value))?,
            "credentials" => r.credentials = seen.once(4, q.opt(|q| q.array(credential)))?,
            "artifacts" => r.artifacts = seen.once(5, q.opt(|q| q.array(artifact)))?,
            "labs" => r.labs = seen.once(6, q.opt(|q| q.array(lab)))?,
            "work_samples" => r.work_samples = seen.once(7, q.opt(|q| q.array(sample)))?,
            "experience" => r.experience = seen.once(8, q.opt(|q| q.array(experience)))?,
            "education" => r.education = seen.once(9, q.opt(|q| q.array(degree)))?,
            _ => return None,
        }
        Some(())
    })?;
    q.s.at_end().then_some(r)
}

fn credential<'a>(q: &mut Quick<'a>) -> Option<Credential<'a>> {
    fields(q, |q, c: &mut Credential<'a>, seen, key| {
        match key {
            "id" => c.id = seen.once(0, q.opt(Quick::owned))?,
            "issuer" => c.issuer = seen.once(1, q.opt(Quick::owned))?,
            "title" => c.title = seen.once(2, q.opt(Quick::owned))?,
            "achievement" => c.achievement = seen.once(3, q.opt(Quick::owned))?,
            "issued" => c.issued = seen.once(4, q.opt(Quick::borrowed))?,
            "expires" => c.expires = seen.once(5, q.opt(Quick::borrowed))?,
            "verified" => c.verified = seen.once(6, q.opt(Quick::bool))?,
            _ => return None,
        }
        Some(())
    })
}

fn artifact<'a>(q: &mut Quick<'a>) -> Option<Item<'a>> {
    fields(q, |q, a: &mut Item<'a>, seen, key| {
        match key {
            "title" => a.title = seen.once(0, q.opt(Quick::owned))?,
            "skills" => a.skills = seen.once(1, q.opt(|q| q.array(Quick::owned)))?,
            "date" => a.date = seen.once(2, q.opt(Quick::borrowed))?,
            "reviewed" => a.reviewed = seen.once(3, q.opt(Quick::bool))?,
            _ => return None,
        }
        Some(())
    })
}

fn lab<'a>(q: &mut Quick<'a>) -> Option<LabItem<'a>> {
    fields(q, |q, l: &mut LabItem<'a>, seen, key| {
        match key {
            "title" => l.title = seen.once(0, q.opt(Quick::owned))?,
            "skills" => l.skills = seen.once(1, q.opt(|q| q.array(Quick::owned)))?,
            "completed" => l.completed = seen.once(2, q.opt(Quick::borrowed))?,
            "hours" => l.hours = seen.once(3, q.opt(Quick::number))?,
            _ => return None,
        }
        Some(())
    })
}

fn sample<'a>(q: &mut Quick<'a>) -> Option<Sample> {
    fields(q, |q, w: &mut Sample, seen, key| {
        match key {
            "skill" => w.skill = seen.once(0, q.opt(Quick::owned))?,
            "score" => w.score = seen.once(1, q.opt(Quick::number))?,
            _ => return None,
        }
        Some(())
    })
}

fn experience<'a>(q: &mut Quick<'a>) -> Option<Experience> {
    fields(q, |q, x: &mut Experience, seen, key| {
        match key {
            "skill" => x.skill = seen.once(0, q.opt(Quick::owned))?,
            "months" => x.months = seen.once(1, q.opt(Quick::number))?,
            _ => return None,
        }
        Some(())
    })
}

fn degree<'a>(q: &mut Quick<'a>) -> Option<Degree> {
    fields(q, |q, d: &mut Degree, seen, key| {
        match key {
            "level" => d.level = seen.once(0, q.opt(Quick::owned))?,
            "field" => d.field = seen.once(1, q.opt(Quick::owned))?,
            "completed" => d.completed = seen.once(2, q.opt(Quick::bool))?,
            _ => return None,
        }
        Some(())
    })
}

/// An object read into a `T`: each key handed to `field` with the scanner before its value and
/// the keys seen so far.
fn fields<'a, T: Default>(
    q: &mut Quick<'a>,
    mut field: impl FnMut(&mut Quick<'a>, &mut T, &mut Seen, &'a str) -> Option<()>,
) -> Option<T> {
    let mut t = T::default();
    let mut seen = Seen::default();
    q.object(|q, key| field(q, &mut t, &mut seen, key))?;
    Some(t)
}

/// The keys an object has given so far: serde rejects a repeated field.
#[derive(Default)]
struct Seen(u16);

impl Seen {
    /// `value` for the field numbered `bit`, unless that field came before.
    fn once<T>(&mut self, bit: u16, value: Option<T>) -> Option<T> {
        if self.0 & (1 << bit) != 0 {
            return None;
        }
        self.0 |= 1 << bit;
        value
    }
}

/// The scanner with the line it reads, for string slices.
struct Quick<'a> {
    line: &'a str,
    s: Scan<'a>,
}

impl<'a> Quick<'a> {
    /// An object, each key handed to `field` with the scanner before its value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.s.expect(b'{')?;
        self.s.ws();
        if self.s.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.s.expect(b':')?;
            self.s.ws();
            field(self, key)?;
            self.s.ws();
            match self.s.peek()? {
                b',' => {
                    self.s.i += 1;
                    self.s.ws();
                }
                b'}' => {
                    self.s.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array of values each read by `item`.
    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.s.eat(b'[')?;
        let mut out = Vec::new();
        self.s.ws();
        if self.s.eat(b']').is_some() {
            return Some(out);
        }
        loop {
            self.s.ws();
            out.push(item(self)?);
            self.s.ws();
            match self.s.peek()? {
                b',' => self.s.i += 1,
                b']' => {
                    self.s.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// `null` as `None`, anything else read by `value`.
    fn opt<T>(&mut self, value: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.s.word(b"null") {
            return Some(None);
        }
        value(self).map(Some)
    }

    /// A string without escapes or control characters.
    fn str(&mut self) -> Option<&'a str> {
        let r = self.s.plain()?;
        self.line.get(r)
    }

    fn borrowed(&mut self) -> Option<Cow<'a, str>> {
        self.str().map(Cow::Borrowed)
    }

    fn owned(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn bool(&mut self) -> Option<bool> {
        if self.s.word(b"true") {
            Some(true)
        } else if self.s.word(b"false") {
            Some(false)
        } else {
            None
        }
    }

    /// A non-negative number of at most 15 digits, without an exponent: `12`, `0.5`, `7.25`.
    /// It is computed as serde_json computes it (digits as an integer, divided by a power of
    /// ten), which for so few digits is also the correctly rounded value.
    fn number(&mut self) -> Option<f64> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let start = self.s.i;
        let (mut digits, mut fraction, mut value) = (0usize, None::<usize>, 0u64);
        while let Some(c) = self.s.peek() {
            match c {
                b'0'..=b'9' => {
                    // A leading zero may only stand alone before the point.
                    if digits == 1 && value == 0 && fraction.is_none() {
                        return None;
                    }
                    value = value * 10 + u64::from(c - b'0');
                    digits += 1;
                    if digits > 15 {
                        return None;
                    }
                    if let Some(f) = &mut fraction {
                        *f += 1;
                    }
                }
                b'.' if fraction.is_none() && digits > 0 => fraction = Some(0),
                b'e' | b'E' | b'-' | b'+' => return None,
                _ => break,
            }
            self.s.i += 1;
        }
        match fraction {
            _ if self.s.i == start => None,
            None => Some(value as f64),
            Some(0) => None,
            Some(f) => Some(value as f64 / POW10[f]),
        }
    }

    /// Any JSON value, for `attributes` and `protected`: found by its brackets, then read by
    /// serde_json on its own (a repeated key at any depth: `None`).
    fn value(&mut self) -> Option<Unique> {
        let start = self.s.i;
        if self.s.skip_value()? > MAX_DEPTH {
            return None;
        }
        serde_json::from_str(self.line.get(start..self.s.i)?).ok()
    }
}

#[cfg(test)]
mod tests;
