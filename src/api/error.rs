//! [`PolicyError`]: why a policy could not be used, with every diagnostic as data; and the
//! `Error`/`Diagnostic` face of [`crate::record::RecordError`].

use crate::diag::{Diag, JsonDiag, Severity};
use crate::load::LoadError;
use crate::record::RecordError;
use crate::source::SourceMap;
use miette::{Diagnostic, LabeledSpan, MietteDiagnostic, NamedSource, SourceCode};
use std::fmt;

/// One diagnostic of a policy check, as data (SPEC §18).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PolicyDiagnostic {
    /// Stable code such as `credo::name::unknown-skill`.
    pub code: String,
    /// Error, warning or note.
    pub severity: Severity,
    /// One lowercase sentence, user text in backticks.
    pub message: String,
    /// The file as named when loading (the path, or `from_str`'s name).
    pub file: String,
    /// 1-based line; `None` when the problem is the whole file (it cannot be read).
    pub line: Option<usize>,
    /// 1-based column; `None` with `line`.
    pub column: Option<usize>,
    /// What to write instead.
    pub help: Option<String>,
}

impl PolicyDiagnostic {
    pub(crate) fn new(d: &Diag, sources: &SourceMap) -> PolicyDiagnostic {
        let j = JsonDiag::new(d, sources);
        PolicyDiagnostic {
            code: j.code.to_owned(),
            severity: j.severity,
            message: j.message,
            file: j.file,
            line: Some(j.line),
            column: Some(j.column),
            help: j.help,
        }
    }
}

impl fmt::Display for PolicyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why a policy could not be used: it could not be read, or its check found errors. A policy
/// with errors is always this error, never a policy (SPEC §18).
#[derive(Debug)]
pub struct PolicyError {
    /// Errors first… in position order, then warnings, as the check sorted them.
    diagnostics: Vec<PolicyDiagnostic>,
    /// Boxed: a `Result<Policy, PolicyError>` stays small.
    kind: Box<Kind>,
}

#[derive(Debug)]
enum Kind {
    /// The files could not be read.
    Read(LoadError),
    /// The check found errors; the first one's source and span, for miette's rendering.
    Invalid {
        first: Option<(NamedSource<std::sync::Arc<String>>, LabeledSpan)>,
        errors: usize,
        related: Vec<MietteDiagnostic>,
    },
}

impl PolicyError {
    /// Every diagnostic, sorted by position (errors and the warnings found with them).
    pub fn diagnostics(&self) -> &[PolicyDiagnostic] {
        &self.diagnostics
    }

    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &PolicyDiagnostic> {
        (self.diagnostics.iter()).filter(|d| d.severity == Severity::Error)
    }

    pub(crate) fn invalid(diags: &[Diag], sources: &SourceMap) -> PolicyError {
        let diagnostics: Vec<PolicyDiagnostic> = (diags.iter())
            .map(|d| PolicyDiagnostic::new(d, sources))
            .collect();
        let first = diags.iter().find(|d| d.is_error()).map(|d| {
            let span = d.span();
            let file = sources.file(span.file);
            let start = span.start as usize;
            let len = (span.end as usize).saturating_sub(start);
            let label = (d.labels.first())
                .map(|l| l.text.clone())
                .filter(|t| !t.is_empty());
            (
                NamedSource::new(&file.name, file.text.clone()),
                LabeledSpan::new_primary_with_span(label, (start, len)),
            )
        });
        let related = (diagnostics.iter())
            .filter(|d| d.severity == Severity::Error)
            .skip(1)
            .map(|d| {
                let mut m = MietteDiagnostic::new(d.to_string()).with_code(d.code.clone());
                if let Some(h) = &d.help {
                    m = m.with_help(h.clone());
                }
                m
            })
            .collect();
        let errors = diags.iter().filter(|d| d.is_error()).count();
        PolicyError {
            diagnostics,
            kind: Box::new(Kind::Invalid {
                first,
                errors,
                related,
            }),
        }
    }

    fn first_error(&self) -> Option<&PolicyDiagnostic> {
        self.errors().next()
    }
}

impl From<LoadError> for PolicyError {
    fn from(e: LoadError) -> PolicyError {
        let file = match &e {
            LoadError::Io { path, .. } => path.clone(),
            LoadError::Empty(p) | LoadError::TooLarge(p) | LoadError::NotUtf8(p) => p.clone(),
        };
        let diagnostic = PolicyDiagnostic {
            code: e.code().map(|c| c.to_string()).unwrap_or_default(),
            severity: Severity::Error,
            message: match &e {
                LoadError::Io { source, .. } => format!("{e}: {source}"),
                _ => e.to_string(),
            },
            file,
            line: None,
            column: None,
            help: e.help().map(|h| h.to_string()),
        };
        PolicyError {
            diagnostics: vec![diagnostic],
            kind: Box::new(Kind::Read(e)),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Read(e) => write!(f, "{e}"),
            Kind::Invalid { errors, .. } => {
                let s = if *errors == 1 { "" } else { "s" };
                match self.first_error() {
                    Some(d) => write!(f, "the policy has {errors} error{s}; the first: {d}"),
                    None => write!(f, "the policy has errors"),
                }
            }
        }
    }
}

impl std::error::Error for PolicyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            Kind::Read(e) => Some(e),
            Kind::Invalid { .. } => None,
        }
    }
}

impl Diagnostic for PolicyError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match &*self.kind {
            Kind::Read(e) => e.code(),
            Kind::Invalid { .. } => self
                .first_error()
                .map(|d| Box::new(&d.code) as Box<dyn fmt::Display>),
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match &*self.kind {
            Kind::Read(e) => e.help(),
            Kind::Invalid { .. } => (self.first_error())
                .and_then(|d| d.help.as_ref())
                .map(|h| Box::new(h) as Box<dyn fmt::Display>),
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &*self.kind {
            Kind::Invalid {
                first: Some((source, _)),
                ..
            } => Some(source),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match &*self.kind {
            Kind::Invalid {
                first: Some((_, label)),
                ..
            } => Some(Box::new(std::iter::once(label.clone()))),
            _ => None,
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        match &*self.kind {
            Kind::Invalid { related, .. } if !related.is_empty() => {
                Some(Box::new(related.iter().map(|d| d as &dyn Diagnostic)))
            }
            _ => None,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}:{}: ", self.file, self.line)?;
        }
        match &self.record {
            Some(id) => write!(f, "record `{id}`: {}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for RecordError {}

impl Diagnostic for RecordError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("credo::record"))
    }
}
