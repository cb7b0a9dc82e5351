//! What may be written at a place in a document, read from the text before it alone (so it
//! works while the text does not parse): the enclosing block, the open list, the words just
//! before.

use super::analysis::Kind;

/// The block a place is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Outside any block.
    Top,
    /// `policy "…" { … }`
    Policy,
    /// `provider id { … }`
    Provider,
    /// `credential id { … }`
    Credential,
    /// `role id { … }`
    Role,
    /// `require|prefer skill { … }`
    Accept,
    /// `decide { … }`
    Decide,
    /// `onboarding { … }`
    Onboarding,
    /// `guardrails { … }`
    Guardrails,
    /// A block of an unknown kind.
    Other,
}

/// What is expected at a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A declared name of this kind.
    Name(Kind),
    /// An attribute type (`bool`, `number`, `string`, `date`).
    AttrType,
    /// A guardrail that an `exception` may waive.
    Waivable,
    /// An outcome (`advance`, `review`, `decline`).
    Outcome,
    /// A protected attribute (`blind_to [...]`, `over [...]`).
    Protected,
    /// A new name (nothing to complete).
    NewName,
    /// The words that may start a line or continue a condition in this block.
    Words(Block),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Punct(String),
    Str,
    Number,
}

/// The identifier around `offset`: its byte range (empty when `offset` is not at a word).
pub fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && is_word(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_word(bytes[end]) {
        end += 1;
    }
    (start, end)
}

/// What is expected at `offset` (the start of the word being written, if any).
pub fn expect_at(text: &str, offset: usize) -> Expect {
    let offset = word_at(text, offset).0;
    let before = text.get(..offset).unwrap_or("");
    let (toks, blocks, lists) = scan(before);
    let block = blocks.last().copied().unwrap_or(Block::Top);
    let word = |i: usize| match toks.len().checked_sub(i).and_then(|j| toks.get(j)) {
        Some(Tok::Word(w)) => w.as_str(),
        _ => "",
    };
    let punct = |i: usize| match toks.len().checked_sub(i).and_then(|j| toks.get(j)) {
        Some(Tok::Punct(p)) => p.as_str(),
        _ => "",
    };
    // After `candidate.`: an attribute.
    if punct(1) == "." && word(2) == "candidate" {
        return Expect::Name(Kind::Attribute);
    }
    // Inside an open list: what the list holds.
    if let Some(owner) = lists.last() {
        return match owner.as_str() {
            "skills" => Expect::Name(Kind::Skill),
            "stacks_into" => Expect::Name(Kind::Credential),
            "blind_to" | "over" => Expect::Protected,
            "selected" => Expect::Outcome,
            "in:id" => Expect::Name(Kind::Credential),
            "in:provider" => Expect::Name(Kind::Provider),
            "in:tier" => Expect::Name(Kind::Tier),
            "in:assessment" => Expect::Name(Kind::Assessment),
            _ => Expect::NewName,
        };
    }
    if ["==", "!=", ">=", "<=", ">", "<"].contains(&punct(1)) {
        return match word(2) {
            "id" => Expect::Name(Kind::Credential),
            "provider" => Expect::Name(Kind::Provider),
            "tier" => Expect::Name(Kind::Tier),
            "assessment" => Expect::Name(Kind::Assessment),
            _ => Expect::Words(block),
        };
    }
    if punct(1) == "(" && word(2) == "met" {
        return Expect::Name(Kind::Skill);
    }
    if word(1) == "role" && word(2) == "for" {
        return Expect::Name(Kind::Role);
    }
    if block == Block::Top && word(2) == "attribute" && matches!(toks.last(), Some(Tok::Word(_))) {
        return Expect::AttrType;
    }
    match (block, word(1)) {
        (Block::Top, "skill" | "provider" | "credential" | "role" | "attribute") => Expect::NewName,
        (Block::Top, "exception") => Expect::Waivable,
        (Block::Role, "require" | "prefer") | (Block::Onboarding, "waived_by") => {
            Expect::Name(Kind::Skill)
        }
        (Block::Onboarding, "module") => Expect::NewName,
        (Block::Credential, "provider") => Expect::Name(Kind::Provider),
        (Block::Credential, "assessment") => Expect::Name(Kind::Assessment),
        (Block::Provider, "tier") | (Block::Guardrails, "min_tier") => Expect::Name(Kind::Tier),
        _ => Expect::Words(block),
    }
}

/// The tokens before a place, the blocks open there (innermost last) and the lists open there
/// (by what owns them: `skills`, `blind_to`, `in:FIELD`).
fn scan(text: &str) -> (Vec<Tok>, Vec<Block>, Vec<String>) {
    let mut toks: Vec<Tok> = Vec::new();
    let mut blocks = Vec::new();
    let mut lists: Vec<String> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n' && c != '\r').is_some() {},
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
                toks.push(Tok::Str);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + 1;
                while let Some((j, _)) =
                    chars.next_if(|&(_, c)| c.is_ascii_alphanumeric() || c == '_')
                {
                    end = j + 1;
                }
                toks.push(Tok::Word(text[i..end].to_owned()));
            }
            c if c.is_ascii_digit() => {
                while chars
                    .next_if(|&(_, c)| {
                        c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '%'
                    })
                    .is_some()
                {}
                toks.push(Tok::Number);
            }
            '{' => {
                blocks.push(block_of(&toks));
                lists.clear();
                toks.push(Tok::Punct("{".into()));
            }
            '}' => {
                blocks.pop();
                lists.clear();
                toks.push(Tok::Punct("}".into()));
            }
            '[' => {
                lists.push(list_of(&toks));
                toks.push(Tok::Punct("[".into()));
            }
            ']' => {
                lists.pop();
                toks.push(Tok::Punct("]".into()));
            }
            '=' | '!' | '<' | '>' => {
                let mut op = c.to_string();
                if let Some((_, '=')) = chars.peek() {
                    chars.next();
                    op.push('=');
                }
                toks.push(Tok::Punct(op));
            }
            c if c.is_whitespace() => {}
            c => toks.push(Tok::Punct(c.to_string())),
        }
    }
    (toks, blocks, lists)
}

/// The kind of block a `{` after these tokens opens.
fn block_of(toks: &[Tok]) -> Block {
    let word = |i: usize| match toks.len().checked_sub(i).and_then(|j| toks.get(j)) {
        Some(Tok::Word(w)) => w.as_str(),
        _ => "",
    };
    match (word(1), word(2)) {
        ("decide", _) => Block::Decide,
        ("onboarding", _) => Block::Onboarding,
        ("guardrails", _) => Block::Guardrails,
        (_, "provider") => Block::Provider,
        (_, "credential") => Block::Credential,
        (_, "role") => Block::Role,
        (_, "require" | "prefer") => Block::Accept,
        _ if matches!(toks.last(), Some(Tok::Str)) && word(2) == "policy" => Block::Policy,
        _ => Block::Other,
    }
}

/// What owns a list a `[` after these tokens opens.
fn list_of(toks: &[Tok]) -> String {
    let word = |i: usize| match toks.len().checked_sub(i).and_then(|j| toks.get(j)) {
        Some(Tok::Word(w)) => w.as_str(),
        _ => "",
    };
    match word(1) {
        "in" if word(2) == "not" => format!("in:{}", word(3)),
        "in" => format!("in:{}", word(2)),
        w => w.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Expect {
        expect_at(text, text.len())
    }

    #[test]
    fn the_words_before_say_what_is_expected() {
        let role = "role r {\n  title \"R\"\n";
        assert_eq!(
            at_end(&format!("{role}  require ")),
            Expect::Name(Kind::Skill)
        );
        assert_eq!(
            at_end(&format!("{role}  prefer net")),
            Expect::Name(Kind::Skill)
        );
        assert_eq!(
            at_end(&format!(
                "{role}  require s {{\n accept any credential where id == "
            )),
            Expect::Name(Kind::Credential)
        );
        assert_eq!(
            at_end(&format!(
                "{role}  require s {{ accept any credential where provider not in [a, "
            )),
            Expect::Name(Kind::Provider)
        );
        assert_eq!(
            at_end(&format!("{role}  eligible when candidate.")),
            Expect::Name(Kind::Attribute)
        );
        assert_eq!(at_end(&format!("{role}  ")), Expect::Words(Block::Role));
        assert_eq!(
            at_end("credential c {\n provider "),
            Expect::Name(Kind::Provider)
        );
        assert_eq!(
            at_end("credential c { skills [a, b"),
            Expect::Name(Kind::Skill)
        );
        assert_eq!(at_end("provider p { tier "), Expect::Name(Kind::Tier));
        assert_eq!(at_end("guardrails {\n  blind_to ["), Expect::Protected);
        assert_eq!(at_end("exception "), Expect::Waivable);
        assert_eq!(
            at_end("exception free_pathway for role "),
            Expect::Name(Kind::Role)
        );
        assert_eq!(at_end("attribute enrolled "), Expect::AttrType);
        assert_eq!(at_end("skill "), Expect::NewName);
        assert_eq!(
            at_end("# a comment with { and [\n"),
            Expect::Words(Block::Top)
        );
        assert_eq!(
            at_end("policy \"x { [\" {\n  "),
            Expect::Words(Block::Policy)
        );
        assert_eq!(at_end("role r { decide { "), Expect::Words(Block::Decide));
    }

    #[test]
    fn the_word_at_a_place_is_found_from_inside_or_its_end() {
        let text = "require net_sec {";
        assert_eq!(word_at(text, 10), (8, 15));
        assert_eq!(word_at(text, 15), (8, 15));
        assert_eq!(word_at(text, 16), (16, 16));
        assert_eq!(word_at(text, 99), (17, 17));
    }
}
