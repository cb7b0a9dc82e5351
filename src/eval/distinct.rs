//! Distinct values in the order first seen. A record may bring many thousands of credentials,
//! tags or refusals, so a linear "seen before?" scan per item would take time quadratic in
//! them: the scan is kept while the list is short (it is faster than hashing there), and a
//! hash set takes over once the list grows.

use rustc_hash::FxHashSet;
use std::hash::Hash;

/// Items up to which a scan is used.
const SCAN: usize = 16;

/// Distinct values, in the order first seen.
#[derive(Debug)]
pub(crate) struct Distinct<T> {
    items: Vec<T>,
    /// The items again, once there are more than [`SCAN`].
    set: Option<FxHashSet<T>>,
}

impl<T: Hash + Eq + Clone> Distinct<T> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Distinct {
            items: Vec::with_capacity(n),
            set: None,
        }
    }

    /// Whether `t` was seen.
    pub(crate) fn contains(&self, t: &T) -> bool {
        match &self.set {
            Some(set) => set.contains(t),
            None => self.items.contains(t),
        }
    }

    /// Adds `t` unless it was seen; `true` when it is new.
    pub(crate) fn insert(&mut self, t: T) -> bool {
        if self.contains(&t) {
            return false;
        }
        match &mut self.set {
            Some(set) => {
                set.insert(t.clone());
            }
            None if self.items.len() >= SCAN => {
                let mut set: FxHashSet<T> = self.items.iter().cloned().collect();
                set.insert(t.clone());
                self.set = Some(set);
            }
            None => {}
        }
        self.items.push(t);
        true
    }

    pub(crate) fn into_vec(self) -> Vec<T> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_of_each_value_in_order_past_the_scan() {
        let mut d = Distinct::with_capacity(0);
        let input: Vec<u32> = (0..100).map(|i| (i * 7) % 40).collect();
        let new: Vec<bool> = input.iter().map(|&i| d.insert(i)).collect();
        let mut want = Vec::new();
        for &i in &input {
            if !want.contains(&i) {
                want.push(i);
            }
        }
        assert_eq!(new.iter().filter(|n| **n).count(), 40);
        assert!(d.contains(&39) && !d.contains(&40));
        assert_eq!(d.into_vec(), want);
    }
}
