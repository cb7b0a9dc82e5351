//! Links from diagnostics into the language reference, `docs/language.md`, so that a help line
//! leads to the section showing the form concerned. Every link is written out in full here,
//! and `tests/docs.rs` checks that each names an anchor that exists.

/// The section on the declaration or role part that starts with `keyword`.
pub fn form(keyword: &str) -> &'static str {
    match keyword {
        "policy" => "docs/language.md#policy",
        "attribute" => "docs/language.md#attribute",
        "skill" => "docs/language.md#skill",
        "provider" => "docs/language.md#provider",
        "credential" => "docs/language.md#credential",
        "role" => "docs/language.md#role",
        "guardrails" => "docs/language.md#guardrails-reference",
        "exception" => "docs/language.md#exception",
        "title" | "family" => "docs/language.md#title-and-family",
        "eligible" => "docs/language.md#eligible-when",
        "require" | "prefer" => "docs/language.md#require-and-prefer",
        "accept" => "docs/language.md#accept",
        "decide" => "docs/language.md#decide",
        "onboarding" | "module" => "docs/language.md#onboarding",
        _ => "docs/language.md#declarations",
    }
}

/// The section that explains the diagnostic with this code: where its form or rule is shown.
/// `--error-format json` gives it as `docs`, for editors to link to.
pub fn for_code(code: &str) -> &'static str {
    let (area, detail) = code
        .strip_prefix("credo::")
        .map(|rest| rest.split_once("::").unwrap_or((rest, "")))
        .unwrap_or(("", ""));
    match (area, detail) {
        ("syntax", "attribute-type") => "docs/language.md#attribute",
        (
            "syntax",
            "date"
            | "duration-unit"
            | "string-escape"
            | "unterminated-string"
            | "character"
            | "list-item",
        ) => "docs/language.md#lexical-rules",
        ("syntax", "guardrail-argument") => "docs/language.md#guardrails-reference",
        ("syntax", _) => "docs/language.md#declarations",
        ("policy", _) => "docs/language.md#policy",
        ("record", _) => "docs/records.md#record-errors",
        ("provider", _) => "docs/language.md#provider",
        ("credential", _) => "docs/language.md#credential",
        ("role", "missing-title") => "docs/language.md#title-and-family",
        ("role", "duplicate-skill") => "docs/language.md#require-and-prefer",
        ("role", "duplicate-module") => "docs/language.md#onboarding",
        ("role", _) => "docs/language.md#role",
        ("name", "unknown-skill") => "docs/language.md#skill",
        ("name", "unknown-provider") => "docs/language.md#provider",
        ("name", "unknown-credential") => "docs/language.md#credential",
        ("name", "unknown-tier" | "unknown-assessment") => "docs/language.md#policy",
        ("name", "unknown-attribute") => "docs/language.md#attribute",
        ("name", "unknown-degree-level") => "docs/language.md#evidence-terms",
        ("name", "unknown-guardrail") => "docs/language.md#guardrails-reference",
        ("name", "unknown-role") => "docs/language.md#exception",
        ("name", "duplicate") => "docs/language.md#policy-sets",
        ("name", _) => "docs/language.md#names-by-context",
        ("type", "context") => "docs/language.md#names-by-context",
        ("type", "evidence-in-decide") => "docs/language.md#decide",
        ("type", "nested-evidence") => "docs/language.md#expressions",
        ("type", _) => "docs/language.md#comparisons",
        ("decide" | "analysis", _) => "docs/language.md#decide",
        ("guardrails", "skills-per-role" | "range") => "docs/language.md#skills_per_role",
        ("guardrails", "degree-gate") => "docs/language.md#no_degree_gate",
        ("guardrails", "free-pathway") => "docs/language.md#free_pathway",
        ("guardrails", "protected-attribute" | "proxy-attribute" | "blind-to") => {
            "docs/language.md#blind_to"
        }
        ("guardrails", "ratio") => "docs/language.md#adverse_impact",
        ("guardrails", _) => "docs/language.md#guardrails",
        ("exception", _) => "docs/language.md#exception",
        ("lint", "unused-provider" | "retired-before-effective") => "docs/language.md#provider",
        ("lint", "unused-credential" | "stacks-cycle") => "docs/language.md#credential",
        ("lint", "module-never-waived") => "docs/language.md#onboarding",
        ("limit", _) => "docs/performance.md#limits-and-hostile-input",
        _ => "docs/language.md#diagnostics",
    }
}

/// The section on expressions.
pub const EXPRESSIONS: &str = "docs/language.md#expressions";

/// The keyword of the innermost form that encloses the end of `before` (the policy text up to
/// an error): the word that opened the innermost unclosed `{`, else the first word of the
/// declaration the text ends in. A guess for a help line, never used for meaning.
pub fn enclosing_form(before: &str) -> Option<&str> {
    let mut opened: Vec<usize> = Vec::new();
    let mut last_decl: Option<usize> = None;
    let mut in_string = false;
    let mut in_comment = false;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_comment {
            in_comment = b != b'\n';
        } else if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'#' => in_comment = true,
                b'"' => in_string = true,
                b'{' => opened.push(i),
                b'}' => {
                    opened.pop();
                }
                _ if opened.is_empty() && starts_word(bytes, i) => last_decl = Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    let start = match opened.last() {
        // The word that opened the block: the first word of the statement before the `{`.
        Some(&brace) => statement_start(before, brace),
        // At the top level, only a declaration still on the error's line (`exception … for`).
        None => last_decl.filter(|&i| !before[i..].contains('\n'))?,
    };
    Some(word_at(before, start)).filter(|w| !w.is_empty())
}

fn is_decl(word: &str) -> bool {
    matches!(
        word,
        "policy"
            | "attribute"
            | "skill"
            | "provider"
            | "credential"
            | "role"
            | "guardrails"
            | "exception"
    )
}

/// Whether a declaration keyword starts at `i` (at the start of the text or after a space).
fn starts_word(bytes: &[u8], i: usize) -> bool {
    let before_ok = i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'}';
    before_ok && bytes[i].is_ascii_alphabetic() && {
        let end = bytes[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(bytes.len(), |n| i + n);
        std::str::from_utf8(&bytes[i..end]).is_ok_and(is_decl)
    }
}

fn word_at(text: &str, i: usize) -> &str {
    let rest = text.get(i..).unwrap_or("");
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The start of the first word of the line (or of the text after the previous `{`, `}`) that
/// holds the brace at `brace`.
fn statement_start(text: &str, brace: usize) -> usize {
    let head = &text[..brace];
    let from = head.rfind(['\n', '{', '}']).map_or(0, |i| i + 1);
    from + head[from..].len() - head[from..].trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_block_names_the_form() {
        let text = "policy \"p\" { version \"1\" }\nrole r {\n  require sql {\n    accept ";
        assert_eq!(enclosing_form(text), Some("require"));
        let text = "role r {\n  title \"R\"\n  decide { advance when ";
        assert_eq!(enclosing_form(text), Some("decide"));
        let text = "credential c {\n  title \"a { b\" # { in a comment\n  valid_for ";
        assert_eq!(enclosing_form(text), Some("credential"));
        let text = "skill a \"A\"\nexception free_pathway for ";
        assert_eq!(enclosing_form(text), Some("exception"));
        let text = "role r { title \"R\" }\n";
        assert_eq!(enclosing_form(text), None);
        assert_eq!(enclosing_form(""), None);
        assert_eq!(form("accept"), "docs/language.md#accept");
        assert_eq!(form("bogus"), "docs/language.md#declarations");
        assert_eq!(
            for_code("credo::type::context"),
            "docs/language.md#names-by-context"
        );
        assert_eq!(for_code("credo::syntax"), "docs/language.md#declarations");
        assert_eq!(
            for_code("credo::lint::stacks-cycle"),
            "docs/language.md#credential"
        );
        assert_eq!(for_code("not a code"), "docs/language.md#diagnostics");
    }
}
