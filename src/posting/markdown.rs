//! The posting as Markdown, ready to paste into an applicant-tracking system.

use super::sections::{blocks, Block, Inline};
use super::Posting;

/// The role's "what we look for" section as Markdown.
pub fn markdown(p: &Posting<'_>) -> String {
    let mut out = String::new();
    for block in blocks(p) {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(level)));
                out.push(' ');
                out.push_str(&escape(&text));
                out.push('\n');
            }
            Block::Para(inlines) => {
                for i in inlines {
                    match i {
                        Inline::Text(t) => out.push_str(&escape(&t)),
                        Inline::Strong(t) => out.push_str(&format!("**{}**", escape(&t))),
                        Inline::Em(t) => out.push_str(&format!("*{}*", escape(&t))),
                    }
                }
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", escape(&item.text)));
                    for sub in item.sub {
                        out.push_str(&format!("  - {}\n", escape(&sub)));
                    }
                }
            }
        }
    }
    out
}

/// Escapes the characters Markdown would read as markup (emphasis, code, links, HTML tags and
/// entities), so policy text (titles, names, attribute values) is shown as written. Control
/// and bidi characters become visible escapes ([`crate::visible`]), so a title with a newline
/// stays on its line; and a first character that would start a block (a heading, list item,
/// quote, table or rule: `# - + > | = ~ 1.`) is escaped too, for text that begins a line.
pub(crate) fn escape(text: &str) -> String {
    let text = crate::visible::visible(text);
    let text = text.as_ref();
    let mut out = String::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let markup = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' => true,
            '&' => entity_like(&text[i + 1..]),
            _ => false,
        };
        if markup {
            out.push('\\');
        }
        out.push(c);
    }
    // Nothing before the block marker was escaped, so it is at the same place in `out`.
    if let Some(at) = block_marker(text) {
        out.insert(at, '\\');
    }
    out
}

/// Where a backslash keeps text at the start of a line from beginning a Markdown block (a
/// heading, list item, quote, table, setext underline or fence) rather than a paragraph.
fn block_marker(text: &str) -> Option<usize> {
    let spaces = text.len() - text.trim_start_matches(' ').len();
    let rest = &text.as_bytes()[spaces..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    match rest.get(digits) {
        Some(b'.' | b')') if digits > 0 => Some(spaces + digits),
        Some(b'#' | b'-' | b'+' | b'>' | b'|' | b'=' | b'~') if digits == 0 => Some(spaces),
        _ => None,
    }
}

/// Whether the text after a `&` would make it an HTML entity (`&amp;`, `&#38;`).
fn entity_like(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    let len = body.chars().take_while(char::is_ascii_alphanumeric).count();
    len > 0 && body[len..].starts_with(';')
}
