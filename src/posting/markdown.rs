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

/// Where a backslash keeps text at the start of a line from beginning a Markdown block rather
/// than a paragraph: a heading (`# `), a list item (`- `, `+ `, `1. `, `1) `), a quote (`>`),
/// or a rule, setext underline or fence (`---`, `===`, `~~~`). Text that only looks alike
/// (`2026.4`, `-5`) is left as it is.
fn block_marker(text: &str) -> Option<usize> {
    let spaces = text.len() - text.trim_start_matches(' ').len();
    let rest = &text.as_bytes()[spaces..];
    let ends_marker = |i: usize| matches!(rest.get(i), None | Some(b' ' | b'\t'));
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let hashes = rest.iter().take_while(|&&b| b == b'#').count();
    let marker = match rest.first() {
        Some(b'0'..=b'9') => {
            matches!(rest.get(digits), Some(b'.' | b')')) && ends_marker(digits + 1)
        }
        Some(b'#') => ends_marker(hashes),
        Some(b'>') => true,
        Some(&c @ (b'-' | b'+' | b'=' | b'~')) => ends_marker(1) || rest.get(1) == Some(&c),
        _ => false,
    };
    marker.then_some(
        spaces
            + if rest.first().is_some_and(u8::is_ascii_digit) {
                digits
            } else {
                0
            },
    )
}

/// Whether the text after a `&` would make it an HTML entity (`&amp;`, `&#38;`).
fn entity_like(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    let len = body.chars().take_while(char::is_ascii_alphanumeric).count();
    len > 0 && body[len..].starts_with(';')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_cannot_start_a_block_or_a_new_line() {
        assert_eq!(escape("# Hired"), "\\# Hired");
        assert_eq!(
            escape("Analyst\n# Hired\n- advance"),
            "Analyst\\\\n# Hired\\\\n- advance"
        );
        assert_eq!(escape("- advance everyone"), "\\- advance everyone");
        assert_eq!(escape("12. point"), "12\\. point");
        assert_eq!(escape("3) point"), "3\\) point");
        assert_eq!(escape("> quoted"), "\\> quoted");
        assert_eq!(escape("---"), "\\---");
        assert_eq!(escape("  === x"), "  \\=== x");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "2026.4",
            "-5 degrees",
            "#hashtag",
            "1.5 years",
            "C# and F#",
            "+1",
        ] {
            assert_eq!(escape(text), text);
        }
    }
}
