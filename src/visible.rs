//! Text for people shown as written, never acted on by the terminal: every human-readable
//! renderer (decision text and `--explain`, audit, diff and test reports, diagnostics, postings
//! and kits) passes record and policy text through here.
//!
//! Ids, titles, protected values, unknown field names and file names come from whoever wrote
//! the record or the policy. Printed raw, an ESC sequence can clear the screen or recolour a
//! line, a newline can forge a whole line (a fake `advance`), and a bidirectional override can
//! show text in an order other than the one it is stored in. Each such character is written as
//! a visible escape instead: `\n`, `\r`, `\t`, and `\u{1b}` for the rest, the form Rust and
//! credo's own string literals use. JSON output does not need this (serde escapes control
//! characters, and JSON readers see bidi controls as the characters they are).

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a terminal raw: C0 controls (newline and tab included: a
/// renderer writes its own), DEL, C1 controls, the bidirectional embeddings, overrides,
/// isolates and marks, and the Unicode line and paragraph separators.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

/// Whether some byte of `text` may start a hostile character: every one is a C0 byte, DEL,
/// or the lead byte of a two-byte (C1, U+061C) or three-byte (U+200E…U+2069) sequence.
fn may_hold_hostile(text: &str) -> bool {
    text.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2)
}

/// `text` with every [hostile](is_hostile) character escaped; borrowed when there is none (the
/// common case costs one scan).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !may_hold_hostile(text) || !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_visible(&mut out, text);
    Cow::Owned(out)
}

/// Appends `text` to `out` with every hostile character escaped.
pub fn push_visible(out: &mut String, text: &str) {
    if !may_hold_hostile(text) {
        out.push_str(text);
        return;
    }
    // Runs of harmless text are copied whole; only the hostile characters are rewritten.
    let mut from = 0;
    for (i, c) in text.char_indices().filter(|&(_, c)| is_hostile(c)) {
        out.push_str(&text[from..i]);
        push_escape(out, c);
        from = i + c.len_utf8();
    }
    out.push_str(&text[from..]);
}

/// Appends the escape of a hostile character.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use fmt::Write;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// JSON text with DEL, the C1 controls and the bidi controls inside its strings written as
/// `\uXXXX` escapes: the same data for any JSON reader, and nothing a terminal acts on when
/// the JSON is shown (serde_json escapes only the C0 controls). Every such character is
/// outside ASCII or DEL, so it can only be inside a string.
pub fn json_visible(json: &str) -> Cow<'_, str> {
    let hostile = |c: char| c >= '\u{7f}' && is_hostile(c);
    if !may_hold_hostile(json) || !json.chars().any(hostile) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 12);
    for c in json.chars() {
        if hostile(c) {
            use fmt::Write;
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Displays a string escaped: `format!("{}", Visible(id))`.
#[derive(Clone, Copy, Debug)]
pub struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(self.0))
    }
}

/// A multi-line report for people, built with `write!` like a `String`: everything written is
/// escaped, newlines included, so a field can never start a line of its own. The report's own
/// line ends go in with [`Lines::end`] (or the [`report_line!`](crate::report_line) macro).
#[derive(Debug, Default)]
pub struct Lines(String);

impl Lines {
    /// An empty report.
    pub fn new() -> Self {
        Lines(String::new())
    }

    /// Ends the current line.
    pub fn end(&mut self) {
        self.0.push('\n');
    }

    /// Appends text that the report itself wrote: its newlines are kept.
    pub fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// Drops trailing white space (padding of a table's last column).
    pub fn trim_end(&mut self) {
        let len = self.0.trim_end().len();
        self.0.truncate(len);
    }

    /// The report.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Write for Lines {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        push_visible(&mut self.0, s);
        Ok(())
    }
}

/// Writes one whole line to a [`Lines`]: `report_line!(out, "{} met", skill)`.
#[macro_export]
macro_rules! report_line {
    ($out:expr) => {
        $out.end()
    };
    ($out:expr, $($arg:tt)*) => {{
        use ::std::fmt::Write as _;
        let _ = $out.write_fmt(format_args!($($arg)*));
        $out.end();
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(
            visible("c-1\u{1b}[2J\nc-2  advance\t\u{7f}\u{85}"),
            "c-1\\u{1b}[2J\\nc-2  advance\\t\\u{7f}\\u{85}"
        );
        assert_eq!(
            visible("\u{202e}evil\u{202c} \u{2066}\u{2069}\u{200e}\u{200f}\u{61c}\u{2028}"),
            "\\u{202e}evil\\u{202c} \\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}\\u{2028}"
        );
        assert_eq!(visible("a\r\nb\0"), "a\\r\\nb\\u{0}");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in ["c-1042", "Réseau · ✓ ✗ — “quoted” ١٢٣ 中文", "€ ™ … ‘’", ""]
        {
            assert!(
                matches!(visible(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn every_hostile_character_is_caught_past_the_quick_scan() {
        for c in (0..=0x2fffu32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert!(may_hold_hostile(&s) || !is_hostile(c), "U+{:04X}", c as u32);
            let shown = visible(&s);
            assert!(!shown.chars().any(is_hostile), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw_and_reads_back_the_same() {
        let text = "a\u{1b}\u{7f}\u{9b}\u{202e}\u{2066}\nb ✓ é";
        let json = serde_json::to_string(&serde_json::json!({ "id": text })).unwrap();
        let shown = json_visible(&json);
        assert_eq!(shown, r#"{"id":"a\u001b\u007f\u009b\u202e\u2066\nb ✓ é"}"#);
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["id"], text);
        assert!(matches!(
            json_visible("{\n  \"a\": \"✓\"\n}"),
            Cow::Borrowed(_)
        ));
    }

    proptest::proptest! {
        /// Any text comes out with no hostile character, its other characters in order, and
        /// unchanged when it had none.
        #[test]
        fn nothing_hostile_survives(text in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200e}\u{202a}-\u{202e}\u{2066}-\u{2069}])*") {
            let shown = visible(&text);
            proptest::prop_assert!(!shown.chars().any(is_hostile));
            let kept: String = text.chars().filter(|&c| !is_hostile(c)).collect();
            let mut rest = shown.as_ref();
            for c in kept.chars() {
                let at = rest.find(c);
                proptest::prop_assert!(at.is_some(), "{c:?} lost");
                rest = &rest[at.unwrap_or(0) + c.len_utf8()..];
            }
            if !text.chars().any(is_hostile) {
                proptest::prop_assert_eq!(shown.as_ref(), text.as_str());
            }
        }
    }

    #[test]
    fn lines_escape_fields_and_keep_their_own_line_ends() {
        use std::fmt::Write;
        let mut out = Lines::new();
        crate::report_line!(out, "{} · {}", "c-1\nFAKE advance", "soc");
        let title = "\u{1b}]0;title\u{7}";
        let _ = write!(out, "  note: {title}");
        out.end();
        out.raw("--\n");
        assert_eq!(
            out.into_string(),
            "c-1\\nFAKE advance · soc\n  note: \\u{1b}]0;title\\u{7}\n--\n"
        );
    }
}
