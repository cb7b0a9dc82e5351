//! Canonical formatting (`credo fmt`): one layout for every policy, fields aligned as in the
//! SPEC's example, comments kept where they were, idempotent, and meaning-preserving (the
//! formatted text parses to the same AST, spans aside).

mod expr;

use crate::ast::*;
use crate::diag::Diag;
use crate::source::{FileId, SourceFile, SourceMap};
use std::collections::VecDeque;

/// Widest line a one-line `require s { accept … }` may take before it becomes a block.
const ONE_LINE_MAX: usize = 100;

/// A comment found in the source.
#[derive(Clone, Debug)]
struct Comment {
    /// 1-based line.
    line: usize,
    /// `# …` as written (trailing whitespace trimmed).
    text: String,
    /// Whether it is alone on its line (else it trails code).
    own_line: bool,
    /// Whether a blank line follows it in the source (kept, to separate comment headers).
    blank_after: bool,
}

/// Formats one file's text. Syntax errors come back as diagnostics.
pub fn format_text(name: &str, text: &str) -> Result<String, Vec<Diag>> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(name, name, text));
    let (decls, diags) = crate::parse::parse_file(&sources, FileId(0));
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    let file = sources.file(FileId(0));
    let mut out = Out {
        file,
        lines: Vec::new(),
        trailing: Vec::new(),
        comments: comments(text).into(),
    };
    let mut prev: Option<&Decl> = None;
    let mut i = 0;
    while i < decls.len() {
        let d = &decls[i];
        // Runs of one-line declarations of one kind are aligned together.
        let run_end = if matches!(d, Decl::Skill(_) | Decl::Attribute(_) | Decl::Exception(_)) {
            let mut j = i + 1;
            while j < decls.len() && std::mem::discriminant(&decls[j]) == std::mem::discriminant(d)
            {
                j += 1;
            }
            j
        } else {
            i + 1
        };
        // Blank lines between declarations, except between blocks of one kind that follow
        // each other (providers, credentials), as in the SPEC's example.
        let same_kind_block = prev.is_some_and(|p| {
            std::mem::discriminant(p) == std::mem::discriminant(d)
                && matches!(d, Decl::Provider(_) | Decl::Credential(_))
        });
        if prev.is_some() && !same_kind_block {
            out.blank();
        }
        match d {
            Decl::Skill(_) => out.skills(&decls[i..run_end]),
            Decl::Attribute(_) => out.attributes(&decls[i..run_end]),
            Decl::Exception(_) => {
                for e in &decls[i..run_end] {
                    if let Decl::Exception(e) = e {
                        out.exception(e);
                    }
                }
            }
            Decl::Policy(p) => out.policy(p),
            Decl::Provider(p) => out.provider(p),
            Decl::Credential(c) => out.credential(c),
            Decl::Role(r) => out.role(r),
            Decl::Guardrails(g) => out.guardrails(g),
        }
        prev = Some(d);
        i = run_end;
    }
    out.flush_all();
    Ok(out.finish())
}

/// Finds the comments of a text, skipping `#` inside strings.
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let mut in_string = false;
        let mut escaped = false;
        for (pos, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    out.push(Comment {
                        line: i + 1,
                        text: line[pos..].trim_end().to_owned(),
                        own_line: line[..pos].trim().is_empty(),
                        blank_after: lines.get(i + 1).is_some_and(|l| l.trim().is_empty()),
                    });
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

struct Out<'a> {
    file: &'a SourceFile,
    lines: Vec<String>,
    /// For lines that end in a comment: where the code ends (to align the comments).
    trailing: Vec<(usize, usize)>,
    comments: VecDeque<Comment>,
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    let mut out = String::with_capacity(width.max(n));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

impl Out<'_> {
    fn line_of(&self, offset: u32) -> usize {
        self.file.line_col(offset as usize).0
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Comments on their own lines before `line`, at this indent.
    fn flush_before(&mut self, line: usize, indent: usize) {
        while self.comments.front().is_some_and(|c| c.line < line) {
            if let Some(c) = self.comments.pop_front() {
                // (A trailing comment whose line produced no output line of its own also
                // lands here, on a line of its own.)
                self.lines
                    .push(format!("{}{}", "  ".repeat(indent), c.text));
                if c.own_line && c.blank_after && indent == 0 {
                    self.lines.push(String::new());
                }
            }
        }
    }

    /// Emits one output line for source lines `first..=last`: comments before it first, then
    /// the line with any comment trailing code on those lines, then own-line comments inside.
    fn emit(&mut self, indent: usize, text: String, first: usize, last: usize) {
        self.flush_before(first, indent);
        let mut line = format!("{}{}", "  ".repeat(indent), text);
        let code_len = line.chars().count();
        let mut inner = Vec::new();
        let mut trailing = false;
        while self.comments.front().is_some_and(|c| c.line <= last) {
            if let Some(c) = self.comments.pop_front() {
                // One comment may trail the line; the others (from a construct that spanned
                // several source lines) follow it on lines of their own.
                if c.own_line || trailing {
                    inner.push(c.text);
                } else {
                    line.push_str("  ");
                    line.push_str(&c.text);
                    trailing = true;
                }
            }
        }
        if trailing {
            self.trailing.push((self.lines.len(), code_len));
        }
        self.lines.push(line);
        // Comments inside a multi-line construct come out before whatever follows it (after any
        // blank line the layout puts there), so a second run places them the same way.
        for c in inner.into_iter().rev() {
            self.comments.push_front(Comment {
                line: first,
                text: c,
                own_line: true,
                blank_after: false,
            });
        }
    }

    fn emit_span(&mut self, indent: usize, text: String, span: crate::source::Span) {
        let (a, b) = (
            self.line_of(span.start),
            self.line_of(span.end.saturating_sub(1).max(span.start)),
        );
        self.emit(indent, text, a, b);
    }

    /// A closing brace at the line of `end` (the byte after it).
    fn close(&mut self, indent: usize, end: u32) {
        let line = self.line_of(end.saturating_sub(1));
        self.flush_before(line, indent + 1);
        self.emit(indent, "}".into(), line, line);
    }

    /// Joins the lines, aligning the trailing comments of consecutive lines.
    fn finish(mut self) -> String {
        let mut i = 0;
        while i < self.trailing.len() {
            let mut j = i + 1;
            while j < self.trailing.len() && self.trailing[j].0 == self.trailing[j - 1].0 + 1 {
                j += 1;
            }
            let width = self.trailing[i..j].iter().map(|t| t.1).max().unwrap_or(0);
            if j - i > 1 && width <= 80 {
                for &(line, code) in &self.trailing[i..j] {
                    let l = &mut self.lines[line];
                    let split = l
                        .char_indices()
                        .nth(code)
                        .map(|(b, _)| b)
                        .unwrap_or(l.len());
                    let (head, tail) = l.split_at(split);
                    *l = format!("{head}{}{}", " ".repeat(width - code), tail);
                }
            }
            i = j;
        }
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    fn flush_all(&mut self) {
        while let Some(c) = self.comments.pop_front() {
            self.lines.push(c.text);
        }
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
    }

    /// Aligned `key value` lines of a block.
    fn fields(&mut self, indent: usize, fields: Vec<(&str, String, crate::source::Span)>) {
        let width = fields.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0) + 1;
        for (k, v, span) in fields {
            self.emit_span(indent, format!("{}{v}", pad(k, width)), span);
        }
    }

    fn policy(&mut self, p: &PolicyDecl) {
        let header = p.name.span;
        self.emit_span(
            0,
            format!("policy {} {{", expr::string(&p.name.node)),
            header,
        );
        let mut f = Vec::new();
        if let Some(v) = &p.version {
            f.push(("version", expr::string(&v.node), v.span));
        }
        if let Some(v) = &p.effective {
            f.push(("effective", v.node.to_string(), v.span));
        }
        if let Some(v) = &p.owner {
            f.push(("owner", expr::string(&v.node), v.span));
        }
        if let Some(v) = &p.tiers {
            f.push(("tiers", expr::ident_list(&v.node), v.span));
        }
        if let Some(v) = &p.assessments {
            f.push(("assessments", expr::ident_list(&v.node), v.span));
        }
        self.fields(1, f);
        self.close(0, p.span.end);
    }

    fn attributes(&mut self, decls: &[Decl]) {
        let width = decls
            .iter()
            .filter_map(|d| match d {
                Decl::Attribute(a) => Some(a.id.node.len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for d in decls {
            if let Decl::Attribute(a) = d {
                let ty = match a.ty.node {
                    AttrType::Bool => "bool",
                    AttrType::Number => "number",
                    AttrType::String => "string",
                    AttrType::Date => "date",
                };
                self.emit_span(
                    0,
                    format!("attribute {} {ty}", pad(&a.id.node, width)),
                    a.span,
                );
            }
        }
    }

    fn skills(&mut self, decls: &[Decl]) {
        let skills: Vec<&SkillDecl> = decls
            .iter()
            .filter_map(|d| match d {
                Decl::Skill(s) => Some(s),
                _ => None,
            })
            .collect();
        let id_w = skills.iter().map(|s| s.id.node.len()).max().unwrap_or(0);
        let any_code = skills.iter().any(|s| s.code.is_some());
        // Align `code` when the names are short enough for it to read well.
        let longest = skills
            .iter()
            .map(|s| expr::string(&s.name.node).chars().count())
            .max()
            .unwrap_or(0);
        let name_w = if longest <= 32 { longest } else { 0 };
        for s in skills {
            let name = expr::string(&s.name.node);
            let text = match &s.code {
                Some(c) => format!(
                    "skill {} {} code {}",
                    pad(&s.id.node, id_w),
                    pad(&name, name_w),
                    expr::string(&c.node)
                ),
                None if any_code => format!("skill {} {}", pad(&s.id.node, id_w), name)
                    .trim_end()
                    .to_owned(),
                None => format!("skill {} {}", pad(&s.id.node, id_w), name),
            };
            self.emit_span(0, text, s.span);
        }
    }

    fn provider(&mut self, p: &ProviderDecl) {
        self.emit_span(0, format!("provider {} {{", p.id.node), p.id.span);
        let mut f = Vec::new();
        if let Some(v) = &p.name {
            f.push(("name", expr::string(&v.node), v.span));
        }
        if let Some(v) = &p.tier {
            f.push(("tier", v.node.clone(), v.span));
        }
        if let (Some(first), Some(last)) = (p.issuers.first(), p.issuers.last()) {
            f.push((
                "issuers",
                expr::string_list(&p.issuers),
                first.span.join(last.span),
            ));
        }
        if let (Some(first), Some(last)) = (p.keys.first(), p.keys.last()) {
            f.push((
                "keys",
                expr::string_list(&p.keys),
                first.span.join(last.span),
            ));
        }
        if let Some(v) = &p.jwks {
            f.push(("jwks", expr::string(&v.node), v.span));
        }
        if let Some(v) = &p.retired {
            f.push(("retired", v.node.to_string(), v.span));
        }
        self.fields(1, f);
        self.close(0, p.span.end);
    }

    fn credential(&mut self, c: &CredentialDecl) {
        self.emit_span(0, format!("credential {} {{", c.id.node), c.id.span);
        let mut f = Vec::new();
        if let Some(v) = &c.title {
            f.push(("title", expr::string(&v.node), v.span));
        }
        if let (Some(a), Some(b)) = (c.aliases.first(), c.aliases.last()) {
            f.push((
                "aliases",
                expr::string_list(&c.aliases),
                a.span.join(b.span),
            ));
        }
        if let (Some(a), Some(b)) = (c.achievements.first(), c.achievements.last()) {
            f.push((
                "achievements",
                expr::string_list(&c.achievements),
                a.span.join(b.span),
            ));
        }
        if let Some(v) = &c.provider {
            f.push(("provider", v.node.clone(), v.span));
        }
        if let Some(v) = &c.skills {
            f.push(("skills", expr::ident_list(&v.node), v.span));
        }
        if let Some(v) = &c.assessment {
            f.push(("assessment", v.node.clone(), v.span));
        }
        if let Some(v) = &c.hours {
            f.push(("hours", expr::number(v.node), v.span));
        }
        if let Some(v) = &c.valid_for {
            f.push(("valid_for", v.node.to_string(), v.span));
        }
        if let Some(v) = &c.cost {
            let text = match v.node {
                Cost::Free => "free".to_owned(),
                Cost::Amount(n) => expr::number(n),
            };
            f.push(("cost", text, v.span));
        }
        if let (Some(a), Some(b)) = (c.stacks_into.first(), c.stacks_into.last()) {
            f.push((
                "stacks_into",
                expr::ident_list(&c.stacks_into),
                a.span.join(b.span),
            ));
        }
        if let Some(v) = &c.retired {
            f.push(("retired", v.node.to_string(), v.span));
        }
        if let Some((_, e)) = &c.open_to {
            f.push(("open_to", expr::expr(e), e.span));
        }
        self.fields(1, f);
        self.close(0, c.span.end);
    }

    fn role(&mut self, r: &RoleDecl) {
        self.emit_span(0, format!("role {} {{", r.id.node), r.id.span);
        let mut head = Vec::new();
        if let Some(v) = &r.title {
            head.push(("title", expr::string(&v.node), v.span));
        }
        if let Some(v) = &r.family {
            head.push(("family", expr::string(&v.node), v.span));
        }
        self.fields(1, head);
        if let Some(e) = &r.eligible {
            self.emit_span(1, format!("eligible when {}", expr::expr(e)), e.span);
        }
        if !r.requirements.is_empty() {
            if r.title.is_some() || r.family.is_some() || r.eligible.is_some() {
                self.blank();
            }
            for q in &r.requirements {
                self.requirement(q);
            }
        }
        if let Some(d) = &r.decide {
            self.blank();
            self.emit_span(
                1,
                "decide {".into(),
                crate::source::Span {
                    end: d.span.start + 1,
                    ..d.span
                },
            );
            let width = d
                .rules
                .iter()
                .map(|x| x.outcome.node.len())
                .max()
                .unwrap_or(0)
                .max(7);
            for rule in &d.rules {
                let text = match &rule.cond {
                    Some(c) => format!("{} when {}", pad(&rule.outcome.node, width), expr::expr(c)),
                    None => format!("{} otherwise", pad(&rule.outcome.node, width)),
                };
                self.emit_span(2, text, rule.span);
            }
            self.close(1, d.span.end);
        }
        if !r.onboarding.is_empty() {
            self.blank();
            let first = r
                .onboarding
                .first()
                .map(|m| m.span.start)
                .unwrap_or(r.span.start);
            let line = self.line_of(first).saturating_sub(1).max(1);
            self.emit(1, "onboarding {".into(), line, line);
            let named = |m: &crate::ast::Module| match &m.title {
                Some(t) => format!("{} {}", m.id.node, expr::string(&t.node)),
                None => m.id.node.clone(),
            };
            let width = r
                .onboarding
                .iter()
                .map(|m| named(m).chars().count())
                .max()
                .unwrap_or(0);
            let hw = r
                .onboarding
                .iter()
                .map(|m| expr::number(m.hours.node).len())
                .max()
                .unwrap_or(0);
            for m in &r.onboarding {
                self.emit_span(
                    2,
                    format!(
                        "module {} hours {} waived_by {}",
                        pad(&named(m), width),
                        pad(&expr::number(m.hours.node), hw),
                        m.waived_by.node
                    ),
                    m.span,
                );
            }
            let last = r
                .onboarding
                .last()
                .map(|m| m.span.end)
                .unwrap_or(r.span.end);
            let close = self.next_brace_after(last);
            self.close(1, close);
        }
        self.close(0, r.span.end);
    }

    /// Offset just past the first `}` after `offset` (the end of an onboarding block).
    fn next_brace_after(&self, offset: u32) -> u32 {
        let text = self.file.text.as_str();
        text.get(offset as usize..)
            .and_then(|rest| rest.find('}'))
            .map(|i| offset + i as u32 + 1)
            .unwrap_or(offset)
    }

    fn requirement(&mut self, q: &Requirement) {
        let kw = match q.kind {
            ReqKind::Required => "require",
            ReqKind::Preferred => "prefer",
        };
        if q.implicit {
            self.emit_span(1, format!("{kw} {}", q.skill.node), q.span);
            return;
        }
        let first = self.line_of(q.span.start);
        let last = self.line_of(q.span.end.saturating_sub(1));
        let has_inner_comments = self.comments.iter().any(|c| {
            c.line > first && c.line < last || (c.line == first && c.own_line && first != last)
        });
        if let [only] = q.accepts.as_slice() {
            let text = format!(
                "{kw} {} {{ accept {} }}",
                q.skill.node,
                expr::expr(&only.expr)
            );
            if text.len() + 2 <= ONE_LINE_MAX && !has_inner_comments {
                self.emit_span(1, text, q.span);
                return;
            }
        }
        self.emit(1, format!("{kw} {} {{", q.skill.node), first, first);
        for a in &q.accepts {
            self.emit_span(2, format!("accept {}", expr::expr(&a.expr)), a.span);
        }
        self.close(1, q.span.end);
    }

    fn guardrails(&mut self, g: &GuardrailsDecl) {
        self.emit_span(
            0,
            "guardrails {".into(),
            crate::source::Span {
                end: g.span.start + 1,
                ..g.span
            },
        );
        let width = g
            .items
            .iter()
            .filter(|i| {
                !matches!(
                    i.kind,
                    GuardrailKind::VerifiedOnly { proofs: false }
                        | GuardrailKind::NoDegreeGate
                        | GuardrailKind::FreePathway
                        | GuardrailKind::NoAutoDecline
                )
            })
            .map(|i| i.name.node.len())
            .max()
            .unwrap_or(0);
        for item in &g.items {
            let name = &item.name.node;
            let text = match &item.kind {
                GuardrailKind::SkillsPerRole(a, b) => format!("{} {a}..{b}", pad(name, width)),
                GuardrailKind::MinTier(t) => format!("{} {}", pad(name, width), t.node),
                GuardrailKind::VerifiedOnly { proofs: true } => {
                    format!("{} proofs", pad(name, width))
                }
                GuardrailKind::BlindTo(list) => {
                    format!("{} {}", pad(name, width), expr::ident_list(list))
                }
                GuardrailKind::AdverseImpact {
                    ratio,
                    over,
                    selected,
                } => {
                    let mut s = format!(
                        "{} {} over {}",
                        pad(name, width),
                        expr::number(*ratio),
                        expr::ident_list(over)
                    );
                    if !selected.is_empty() {
                        s.push_str(&format!(" selected {}", expr::ident_list(selected)));
                    }
                    s
                }
                _ => name.clone(),
            };
            self.emit_span(1, text, item.span);
        }
        self.close(0, g.span.end);
    }

    fn exception(&mut self, e: &ExceptionDecl) {
        self.emit_span(
            0,
            format!(
                "exception {} for role {} because {}",
                e.guardrail.node,
                e.role.node,
                expr::string(&e.reason.node)
            ),
            e.span,
        );
    }
}
