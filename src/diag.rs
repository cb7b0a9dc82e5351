//! Diagnostics: what every stage reports, rendered through miette for people and as JSON for tools.
//!
//! A diagnostic is data (code, severity, message, labelled spans, help); the stages build them
//! with [`Diag::error`] / [`Diag::warning`] and never format for a terminal themselves.

pub mod docs;

use crate::source::SourceFile;
use crate::source::{Location, SourceMap, Span};
use crate::visible::{is_hostile, push_visible, visible};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Severity {
    /// Stops the policy from being used.
    Error,
    /// Worth fixing; an error under `--deny-warnings`.
    Warning,
    /// Worth knowing, nothing to fix (`--deny-warnings` ignores it): for one, that a check was
    /// bounded and did not cover everything.
    Note,
}

/// A labelled span inside a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub text: String,
}

/// One problem found in a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    /// Stable code such as `credo::name::unknown-skill`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One lowercase sentence, user text in backticks.
    pub message: String,
    /// The primary label comes first.
    pub labels: Vec<Label>,
    /// What to write instead.
    pub help: Option<String>,
    /// The edit that the help proposes, when it proposes text: applying it to the source makes
    /// this diagnostic go away (SPEC §17; `tests/help_fixes.rs` checks it over the corpora).
    pub fix: Option<Box<Fix>>,
}

/// A proposed edit: replace the text at `span` (empty for an insertion) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What to replace.
    pub span: Span,
    /// The text to put there.
    pub replacement: String,
}

impl Diag {
    /// An error at `span`.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diag {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: vec![Label {
                span,
                text: String::new(),
            }],
            help: None,
            fix: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, span, message)
        }
    }

    /// A note at `span`.
    pub fn note(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diag {
            severity: Severity::Note,
            ..Diag::error(code, span, message)
        }
    }

    /// Whether it is a warning (not an error, not a note).
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Sets the primary label's text.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        if let Some(l) = self.labels.first_mut() {
            l.text = text.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the help line. A help of the form "did you mean `X`?" proposes `X` in place of the
    /// primary span, so it also becomes the diagnostic's [`Fix`] (call [`Diag::fix`] after it
    /// where the name to replace is not the primary span).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        let help = help.into();
        if let Some(name) = suggested_name(&help) {
            self.fix = Some(Box::new(Fix {
                span: self.span(),
                replacement: name.to_owned(),
            }));
        }
        self.help = Some(help);
        self
    }

    /// Sets the help line if there is one.
    pub fn maybe_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    /// Sets the edit the help proposes: `replacement` in place of `span`.
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Box::new(Fix {
            span,
            replacement: replacement.into(),
        }));
        self
    }

    /// Sets the help line and the edit it proposes together.
    pub fn help_fix(
        self,
        help: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        self.help(help).fix(span, replacement)
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.span).unwrap_or_default()
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by position (file, then offset), errors before warnings at the same place.
pub fn sort(diags: &mut [Diag]) {
    diags.sort_by(|a, b| {
        let (sa, sb) = (a.span(), b.span());
        (sa.file, sa.start, a.severity, &a.message)
            .cmp(&(sb.file, sb.start, b.severity, &b.message))
    });
}

/// Renders one diagnostic for a terminal; `color` false gives stable plain text (snapshots).
/// Control and bidi characters in the message, labels, help, file name and source lines are
/// shown escaped ([`crate::visible`]).
pub fn render(d: &Diag, sources: &SourceMap, color: bool) -> String {
    let primary_file = d.span().file;
    let file = sources.file(primary_file);
    // Only the lines around the labels go to miette, which scans its source from the start for
    // every span: a policy with thousands of errors would otherwise render in quadratic time.
    let (lo, hi) = d
        .labels
        .iter()
        .filter(|l| l.span.file == primary_file)
        .fold((usize::MAX, 0), |(lo, hi), l| {
            (lo.min(l.span.start as usize), hi.max(l.span.end as usize))
        });
    let window = Window::new(file, lo.min(hi), hi);
    let mut md = MietteDiagnostic::new(visible(&d.message).into_owned())
        .with_code(d.code)
        .with_severity(match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        });
    let mut extra = Vec::new();
    let labels: Vec<LabeledSpan> = d
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            if l.span.file != primary_file {
                extra.push(format!("{}: {}", sources.location(l.span), l.text));
                return None;
            }
            let text = (!l.text.is_empty()).then(|| visible(&l.text).into_owned());
            let start = window.map(l.span.start as usize);
            let len = window.map(l.span.end as usize) - start;
            Some(if i == 0 {
                LabeledSpan::new_primary_with_span(text, (start, len))
            } else {
                LabeledSpan::new_with_span(text, (start, len))
            })
        })
        .collect();
    md = md.with_labels(labels);
    let mut help = visible(d.help.as_deref().unwrap_or_default()).into_owned();
    for e in extra {
        if !help.is_empty() {
            help.push('\n');
        }
        push_visible(&mut help, &e);
    }
    if !help.is_empty() {
        md = md.with_help(help);
    }
    let report = miette::Report::new(md).with_source_code(window);
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{}: {}\n", d.code, d.message);
    }
    out
}

/// A few lines of a source file around some spans, answering miette with absolute offsets and
/// real line numbers. Control and bidi characters in the lines are escaped (a raw ESC in a
/// comment must not reach the terminal), so the text is longer than the file's: offsets into
/// the file go through [`Window::map`].
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line of `text`'s first line.
    line: usize,
    /// For each escaped character: its offset in the file and the bytes its escape added.
    grown: Vec<(usize, usize)>,
}

/// Lines of context kept around the spans.
const CONTEXT: usize = 4;

impl Window {
    fn new(file: &SourceFile, lo: usize, hi: usize) -> Window {
        let full = file.text.as_str();
        let (first_line, _) = file.line_col(lo);
        let (last_line, _) = file.line_col(hi);
        let start_line = first_line.saturating_sub(1 + CONTEXT);
        let start = file.line_start(start_line);
        let end = file.line_start(last_line + CONTEXT).min(full.len());
        let start = (0..=start)
            .rev()
            .find(|i| full.is_char_boundary(*i))
            .unwrap_or(0);
        let end = (end..=full.len())
            .find(|i| full.is_char_boundary(*i))
            .unwrap_or(full.len());
        let raw = full.get(start..end).unwrap_or("");
        let mut text = String::with_capacity(raw.len());
        let mut grown = Vec::new();
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let kept = match c {
                '\n' | '\t' => true,
                '\r' => chars.peek().is_some_and(|&(_, next)| next == '\n'),
                c => !is_hostile(c),
            };
            if kept {
                text.push(c);
            } else {
                let before = text.len();
                push_visible(&mut text, c.encode_utf8(&mut [0; 4]));
                grown.push((start + i, text.len() - before - c.len_utf8()));
            }
        }
        Window {
            name: visible(&file.name).into_owned(),
            text,
            offset: start,
            line: start_line,
            grown,
        }
    }

    /// Where an offset of the file is in the escaped text (as an offset of the file would be):
    /// moved past what the escapes before it added.
    fn map(&self, offset: usize) -> usize {
        let before = self.grown.partition_point(|&(at, _)| at < offset);
        offset + self.grown[..before].iter().map(|&(_, n)| n).sum::<usize>()
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let c = self.text.as_bytes().read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + self.offset).into(), c.span().len()),
            c.line() + self.line,
            c.column(),
            c.line_count(),
        )))
    }
}

/// The machine-readable form of a diagnostic (`--error-format json`).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonDiag {
    /// Stable code.
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Label text at the primary span.
    pub label: Option<String>,
    /// What to write instead.
    pub help: Option<String>,
    /// The edit the help proposes, if it proposes text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsonFix>,
    /// The section of the docs that explains it (`docs/language.md#…`, relative to the
    /// project's root).
    pub docs: &'static str,
}

/// The machine-readable form of a [`Fix`]: replace the text from (`line`, `column`) up to
/// (`end_line`, `end_column`) — byte offsets `start`..`end` of `file` — with `replacement`.
/// Lines and columns are 1-based and the end is exclusive; an insertion has start == end.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonFix {
    /// File name.
    pub file: String,
    /// 1-based line of the first replaced character.
    pub line: usize,
    /// 1-based column of the first replaced character.
    pub column: usize,
    /// 1-based line just after the replaced text.
    pub end_line: usize,
    /// 1-based column just after the replaced text.
    pub end_column: usize,
    /// Byte offset of the replaced text in the file.
    pub start: u32,
    /// Byte offset just after it.
    pub end: u32,
    /// The text to put there.
    pub replacement: String,
}

impl JsonFix {
    fn new(f: &Fix, sources: &SourceMap) -> Self {
        let Location { file, line, column } = sources.location(f.span);
        let end = sources.location(Span::new(
            f.span.file,
            f.span.end as usize,
            f.span.end as usize,
        ));
        JsonFix {
            file,
            line,
            column,
            end_line: end.line,
            end_column: end.column,
            start: f.span.start,
            end: f.span.end,
            replacement: f.replacement.clone(),
        }
    }
}

impl JsonDiag {
    /// The JSON form of a diagnostic.
    pub fn new(d: &Diag, sources: &SourceMap) -> Self {
        let Location { file, line, column } = sources.location(d.span());
        JsonDiag {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            file,
            line,
            column,
            label: d
                .labels
                .first()
                .map(|l| l.text.clone())
                .filter(|t| !t.is_empty()),
            help: d.help.clone(),
            fix: d.fix.as_ref().map(|f| JsonFix::new(f, sources)),
            docs: docs::for_code(d.code),
        }
    }
}

/// `X` of a help that reads exactly "did you mean `X`?".
fn suggested_name(help: &str) -> Option<&str> {
    let name = help.strip_prefix("did you mean `")?.strip_suffix("`?")?;
    (!name.is_empty() && !name.contains('`')).then_some(name)
}

/// `text` with a fix applied (for tools and tests that check what a help proposes).
pub fn apply_fix(text: &str, fix: &Fix) -> Option<String> {
    let (start, end) = (fix.span.start as usize, fix.span.end as usize);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return None;
    }
    Some(format!(
        "{}{}{}",
        &text[..start],
        fix.replacement,
        &text[end..]
    ))
}

/// "did you mean `x`?" when a candidate is close to `name`.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `name`, if one is close enough to be a likely slip. Case is
/// ignored (a record's `SQL` finds `sql`), and a match differing only in case comes first.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let c_lower = c.to_lowercase();
        if c_lower == lower {
            return Some(c);
        }
        let score = strsim::jaro_winkler(&lower, &c_lower);
        let dist = strsim::levenshtein(&lower, &c_lower);
        let close = score >= 0.85 || dist <= 2.max(name.len() / 4);
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
