//! credo
#![warn(missing_docs)]

pub mod ast;
pub mod diag;
pub mod parse;
pub mod source;

/// `a`, `b` and `c` in backticks.
pub(crate) fn diag_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
pub mod check;
pub mod load;
pub mod policy;

pub use load::{compile_str, load_policy, Loaded};
pub mod record;
pub mod decision;
pub mod eval;
pub mod render;
