//! Turns pest's "expected one of these rules" into a sentence in the policy author's terms.

use super::Rule;
use crate::diag::Diag;
use crate::source::{FileId, Span};
use pest::error::{ErrorVariant, InputLocation};

/// What to call a rule in "expected …". One arm per rule and no wildcard, so a new grammar
/// rule cannot be added without a name.
fn name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::WHITESPACE | Rule::COMMENT => "a space or comment",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::decl => "a declaration",
        Rule::value => "a value",
        Rule::role_item => "a role item (`title`, `require`, `prefer`, `decide`, …)",
        Rule::guardrail => "a guardrail",
        Rule::unary | Rule::primary | Rule::operand => "an expression such as `any credential` or `work_sample >= 70`",
        Rule::reserved => "a name",
        Rule::ident => "a name",
        Rule::date => "a date such as `2026-01-01`",
        Rule::duration | Rule::bad_duration | Rule::spaced_duration | Rule::unit_word => {
            "a duration such as `3y`"
        }
        Rule::percent => "a percentage such as `75%`",
        Rule::number => "a number",
        Rule::int => "a whole number",
        Rule::boolean => "`true` or `false`",
        Rule::string | Rule::string_inner => "a string in double quotes",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lbracket | Rule::list => "a list such as `[a, b]`",
        Rule::rbracket => "`]`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::comma => "`,`",
        Rule::kw_policy => "`policy`",
        Rule::kw_attribute => "`attribute`",
        Rule::kw_skill => "`skill`",
        Rule::kw_code => "`code`",
        Rule::kw_provider => "`provider`",
        Rule::kw_credential => "`credential`",
        Rule::kw_role => "`role`",
        Rule::kw_guardrails => "`guardrails`",
        Rule::kw_exception => "`exception`",
        Rule::kw_for => "`for`",
        Rule::kw_because => "`because`",
        Rule::kw_title | Rule::role_title => "`title`",
        Rule::kw_family | Rule::role_family => "`family`",
        Rule::kw_eligible | Rule::eligible => "`eligible when`",
        Rule::kw_when => "`when`",
        Rule::kw_require | Rule::kw_prefer | Rule::req_kind | Rule::requirement => {
            "`require` or `prefer`"
        }
        Rule::kw_accept | Rule::accept_line => "`accept`",
        Rule::kw_decide | Rule::decide_block => "`decide`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_onboarding | Rule::onboarding_block => "`onboarding`",
        Rule::kw_module | Rule::module => "`module`",
        Rule::kw_hours => "`hours`",
        Rule::kw_waived_by => "`waived_by`",
        Rule::kw_open_to | Rule::open_to => "`open_to`",
        Rule::kw_over => "`over`",
        Rule::kw_selected => "`selected`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not | Rule::not_in => "`not`",
        Rule::kw_in | Rule::in_list => "`in`",
        Rule::kw_any | Rule::any_credential => "`any credential`",
        Rule::kw_at | Rule::at_least => "`at least N …`",
        Rule::kw_least => "`least`",
        Rule::kw_where | Rule::where_clause => "`where`",
        Rule::kw_degree | Rule::degree_term => "`degree`",
        Rule::kw_met | Rule::met_call => "`met(…)`",
        Rule::kw_skills_per_role | Rule::g_skills_per_role => "`skills_per_role`",
        Rule::kw_adverse_impact | Rule::g_adverse_impact => "`adverse_impact`",
        Rule::kw_min_tier | Rule::g_min_tier => "`min_tier`",
        Rule::kw_verified_only | Rule::kw_proofs | Rule::g_verified_proofs => {
            "`verified_only proofs`"
        }
        Rule::range_dots => "`..` as in `3..5`",
        Rule::file => "a declaration",
        Rule::field => "a field such as `title \"…\"`",
        Rule::policy_decl
        | Rule::attribute_decl
        | Rule::skill_decl
        | Rule::provider_decl
        | Rule::credential_decl
        | Rule::exception_decl
        | Rule::role_decl
        | Rule::guardrails_decl => {
            "a declaration (`policy`, `attribute`, `skill`, `provider`, `credential`, `role`, `guardrails` or `exception`)"
        }
        Rule::accept_block => "`{` or the next requirement",
        Rule::decide_rule => "a decide rule such as `advance when required_missing == 0`",
        Rule::g_with_list | Rule::g_flag => "a guardrail",
        Rule::item_kind => "`credentials`, `artifacts` or `labs`",
        Rule::cmp => "a comparison (`==`, `!=`, `>=`, `<=`, `>`, `<`)",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::paren
        | Rule::comparison
        | Rule::path => "an expression such as `any credential` or `work_sample >= 70`",
    }
}

/// Converts a pest error into a diagnostic at the failing position.
pub(crate) fn syntax_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> Diag {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // Point at the offending token, not at the whitespace before it.
    let rest = text.get(pos..).unwrap_or("");
    let token_len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(rest.len())
        .clamp(if rest.is_empty() { 0 } else { 1 }, 40);
    let token_len = rest
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|end| *end <= token_len.max(1))
        .last()
        .unwrap_or(0);
    let span = Span::new(file, pos, pos + token_len);
    let line_rest = rest.lines().next().unwrap_or("");
    if rest.starts_with('"') && !line_rest[1..].contains('"') {
        // Close it at the end of its line; a trailing lone `\` would escape the quote.
        let content = line_rest.trim_end_matches('\r');
        let backslashes = content.len() - content.trim_end_matches('\\').len();
        let close = if backslashes % 2 == 1 { "\\\"" } else { "\"" };
        let eol = pos + content.len();
        return Diag::error(
            "credo::syntax::unterminated-string",
            span,
            "this string is never closed",
        )
        .label("opened here")
        .help("add the closing `\"` on the same line; a string cannot run past the end of its line")
        .fix(Span::new(file, eol, eol), close);
    }
    if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| !c.is_ascii() || c.is_ascii_control())
    {
        let name = match c {
            '\u{200B}' => " (zero width space)",
            '\u{00A0}' => " (no-break space)",
            '\u{2028}' => " (line separator)",
            '\u{FEFF}' => " (byte order mark)",
            '\0' => " (NUL)",
            '\r' => " (carriage return)",
            '\u{0400}'..='\u{04FF}' => " (a Cyrillic letter that may look like a Latin one)",
            '\u{0370}'..='\u{03FF}' => " (a Greek letter that may look like a Latin one)",
            _ => "",
        };
        let shown = if c.is_control() || c.is_whitespace() || name.contains("zero") {
            String::new()
        } else {
            format!("`{c}` ")
        };
        return Diag::error(
            "credo::syntax::character",
            Span::new(file, pos, pos + c.len_utf8()),
            format!("unexpected character {shown}U+{:04X}{name}", c as u32),
        )
        .label("here")
        .help("outside strings and comments a policy is written in ASCII: names are letters, digits and `_`; retype or remove this character");
    }
    let found = if rest.is_empty() {
        "the end of the file".to_owned()
    } else {
        format!("`{}`", &rest[..token_len])
    };
    let mut fix: Option<(Span, String)> = None;
    let docs = docs_link(&e.variant, &text[..pos.min(text.len())]);
    let (message, help) = match e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = Vec::new();
            for r in positives {
                let n = name(r);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            if names.is_empty() {
                (format!("unexpected {found}"), None)
            } else if rest.starts_with('"') && !names.contains(&"a string in double quotes") {
                let string: String = line_rest
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| *c == '"')
                    .map(|(i, _)| line_rest[..=i].to_owned())
                    .unwrap_or_default();
                let help = if names.contains(&"`code`") {
                    fix = Some((
                        Span::new(file, pos, pos + string.len()),
                        format!("code {string}"),
                    ));
                    format!("did you mean `code {string}`?")
                } else {
                    format!(
                        "a string is not expected here; expected {}",
                        join_or(&names)
                    )
                };
                (format!("unexpected string {string}"), Some(help))
            } else {
                let list = join_or(&names);
                let hint = hint(&names, text, pos);
                let help = hint.map(|h| {
                    fix = h
                        .fix
                        .map(|(start, end, r)| (Span::new(file, start, end), r));
                    h.help
                });
                (format!("expected {list}, found {found}"), help)
            }
        }
        ErrorVariant::CustomError { message } => (message, None),
    };
    let word: &str = rest
        .split(|c: char| c.is_whitespace() || "{}[](),".contains(c))
        .next()
        .unwrap_or("");
    let help = match word.chars().find(|c| !c.is_ascii()) {
        Some(c) => {
            fix = None;
            Some(format!(
                "`{word}` contains the non-ASCII character `{c}` (U+{:04X}); names and keywords are written in ASCII",
                c as u32
            ))
        }
        None => help,
    };
    let d = Diag::error("credo::syntax", span, message)
        .label("here")
        .maybe_help(help.or(Some(docs)));
    match fix {
        Some((at, replacement)) => d.fix(at, replacement),
        None => Diag { fix: None, ..d },
    }
}

/// Where the language reference shows the form that failed: the expressions when an expression
/// was expected, else the declaration or role part the error is in.
fn docs_link(variant: &ErrorVariant<Rule>, before: &str) -> String {
    use crate::diag::docs;
    let expression = matches!(variant, ErrorVariant::ParsingError { positives, .. }
        if positives.iter().any(|r| matches!(r,
            Rule::expr | Rule::or_expr | Rule::and_expr | Rule::unary | Rule::not_expr
            | Rule::primary | Rule::paren | Rule::comparison | Rule::operand | Rule::path
            | Rule::cmp | Rule::item_kind | Rule::where_clause | Rule::kw_least)));
    if expression {
        return format!(
            "the forms of expressions are shown in {}",
            docs::EXPRESSIONS
        );
    }
    match docs::enclosing_form(before) {
        Some(word) => format!("the form of `{word}` is shown in {}", docs::form(word)),
        None => format!(
            "the form of each declaration is shown in {}",
            docs::form("")
        ),
    }
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A targeted suggestion for the most common slips, with the edit it proposes (byte offsets
/// into the file) when it proposes text.
struct Hint {
    help: String,
    fix: Option<(usize, usize, String)>,
}

impl Hint {
    fn say(help: impl Into<String>) -> Option<Hint> {
        Some(Hint {
            help: help.into(),
            fix: None,
        })
    }

    fn write(
        help: impl Into<String>,
        start: usize,
        end: usize,
        text: impl Into<String>,
    ) -> Option<Hint> {
        Some(Hint {
            help: help.into(),
            fix: Some((start, end, text.into())),
        })
    }
}

/// The keywords named in pest's expectations: "`require` or `prefer`" gives both.
fn expected_keywords<'a>(expected: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for n in expected {
        for (i, part) in n.split('`').enumerate() {
            let keyword = i % 2 == 1
                && !part.is_empty()
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if keyword && !out.contains(&part) {
                out.push(part);
            }
        }
    }
    out
}

/// The word that ends just before `end` in `text` (skipping spaces), with its start.
fn word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let head = text.get(..end)?.trim_end_matches([' ', '\t']);
    // After the last character that is not part of a word (which may be wider than a byte).
    let start = (head.char_indices().rev())
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let w = &head[start..];
    (!w.is_empty()).then_some((start, w))
}

fn hint(expected: &[&str], text: &str, pos: usize) -> Option<Hint> {
    let rest = text.get(pos..).unwrap_or("");
    let before = text.get(..pos).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let word_end = pos + word.len();
    let prev = word_before(text, pos);
    // `6 months`: a number then a unit word.
    if let Some((start, digits)) = prev.filter(|(_, w)| w.bytes().all(|b| b.is_ascii_digit())) {
        if before.ends_with(char::is_whitespace) {
            let unit = match word.to_ascii_lowercase().as_str() {
                "d" | "day" | "days" => Some("d"),
                "w" | "week" | "weeks" => Some("w"),
                "mo" | "month" | "months" => Some("mo"),
                "y" | "yr" | "yrs" | "year" | "years" => Some("y"),
                _ => None,
            };
            if let Some(u) = unit {
                return Hint::write(
                    format!("write durations without a space: `{digits}{u}`"),
                    start,
                    word_end,
                    format!("{digits}{u}"),
                );
            }
            // `accept 2 artifacts`: a count needs `at least`.
            let kind = matches!(
                word.as_str(),
                "credential" | "credentials" | "artifact" | "artifacts" | "lab" | "labs"
            );
            if kind && expected.contains(&"a comparison (`==`, `!=`, `>=`, `<=`, `>`, `<`)") {
                let with = format!("at least {digits} {word}");
                return Hint::write(
                    format!("a count is written `{with}`"),
                    start,
                    word_end,
                    with,
                );
            }
        }
    }
    // `accept credential google_da`: one named credential.
    if let Some((start, kw)) = prev {
        let named = (kw == "credential" || kw == "credentials")
            && !word.is_empty()
            && !word.starts_with(|c: char| c.is_ascii_digit())
            && !["where", "and", "or", "not"].contains(&word.as_str());
        if named && expected.contains(&"a comparison (`==`, `!=`, `>=`, `<=`, `>`, `<`)") {
            let with = format!("any credential where id == {word}");
            return Hint::write(
                format!("to accept one catalogue credential, write `{with}`"),
                start,
                word_end,
                with,
            );
        }
    }
    // A misspelt keyword: compare with the keywords that were expected here.
    if !word.is_empty() {
        let keywords = expected_keywords(expected);
        if !keywords.contains(&word.as_str()) {
            if let Some(k) = crate::diag::closest(&word, keywords) {
                return Hint::write(format!("did you mean `{k}`?"), pos, word_end, k);
            }
        }
    }
    // A requirement's line without `accept`: only where a new line of the block starts.
    let starts_line = {
        let b = before.trim_end_matches([' ', '\t']);
        b.ends_with('{') || b.ends_with('\n') || b.ends_with('\r') || b.is_empty()
    };
    if expected.contains(&"`accept`") && !word.is_empty() && word != "accept" && starts_line {
        let line = rest
            .lines()
            .next()
            .unwrap_or("")
            .trim_end()
            .trim_end_matches('}')
            .trim_end();
        let snippet: String = line.chars().take(40).collect();
        return Hint::write(
            format!("each line of a requirement starts with `accept`: write `accept {snippet}`"),
            pos,
            pos,
            "accept ",
        );
    }
    if expected.contains(&"`when`") || expected.contains(&"`otherwise`") {
        return Hint::say("a decide rule reads `advance when EXPR` or `decline otherwise`");
    }
    let declarations = [
        "policy",
        "attribute",
        "skill",
        "provider",
        "credential",
        "role",
        "guardrails",
        "exception",
    ];
    if expected.iter().any(|n| n.starts_with("a declaration")) && !word.is_empty() {
        if let Some(k) = crate::diag::closest(&word, declarations) {
            return Hint::write(format!("did you mean `{k}`?"), pos, word_end, k);
        }
    }
    if word.chars().next().is_some_and(|c| c.is_ascii_digit()) && expected.contains(&"a name") {
        return Hint::say("names start with a letter or `_`");
    }
    None
}

#[cfg(test)]
mod word_before_tests {
    use super::word_before;

    #[test]
    fn a_word_after_a_wide_character_starts_on_a_character_boundary() {
        assert_eq!(word_before("\u{feff}", 3), None);
        assert_eq!(word_before("é6", 3), Some((2, "6")));
        assert_eq!(word_before("ab → 12 ", 10), Some((7, "12")));
        assert_eq!(word_before("x", 5), None);
    }
}
