//! What the server knows of one document: the library's parse and check of its text, the names
//! it declares (with where), and its diagnostics in protocol form.

use super::text::LineIndex;
use credo::ast::{Decl, Ident, PolicySet};
use credo::diag::{Diag, Severity};
use credo::policy::Policy;
use credo::source::{FileId, SourceFile, SourceMap, Span};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

/// What a declared name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `skill`
    Skill,
    /// `credential`
    Credential,
    /// `provider`
    Provider,
    /// `role`
    Role,
    /// `attribute`
    Attribute,
    /// A tier in `policy { tiers [...] }`
    Tier,
    /// An assessment kind in `policy { assessments [...] }`
    Assessment,
}

impl Kind {
    /// The keyword that declares it.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Skill => "skill",
            Kind::Credential => "credential",
            Kind::Provider => "provider",
            Kind::Role => "role",
            Kind::Attribute => "attribute",
            Kind::Tier => "tier",
            Kind::Assessment => "assessment",
        }
    }
}

/// A name declared in the document.
#[derive(Clone, Debug)]
pub struct Declared {
    /// Its kind.
    pub kind: Kind,
    /// The name.
    pub name: String,
    /// A short description (a skill's name, a credential's title, an attribute's type).
    pub detail: String,
    /// Where the name is written in its declaration.
    pub at: Span,
    /// The whole declaration.
    pub span: Span,
}

/// The names a document declares; kept from the last text that parsed, so that completion
/// still knows them while the text being typed does not parse.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Every declared name, in source order.
    pub all: Vec<Declared>,
    /// Whether the policy declares its own tiers (else the defaults apply).
    pub own_tiers: bool,
    /// Whether the policy declares its own assessment kinds.
    pub own_assessments: bool,
}

impl Names {
    /// Names of one kind, with the defaults for tiers and assessments the policy does not
    /// declare.
    pub fn of(&self, kind: Kind) -> Vec<(String, String)> {
        let defaults: &[&str] = match kind {
            Kind::Tier if !self.own_tiers => credo::check::DEFAULT_TIERS,
            Kind::Assessment if !self.own_assessments => credo::check::DEFAULT_ASSESSMENTS,
            _ => &[],
        };
        let declared = self.all.iter().filter(|d| d.kind == kind);
        let mut out: Vec<(String, String)> = declared
            .map(|d| (d.name.clone(), d.detail.clone()))
            .collect();
        out.extend(
            defaults
                .iter()
                .map(|n| ((*n).to_owned(), format!("default {}", kind.word()))),
        );
        out
    }
}

/// One document, parsed and checked.
pub struct Analysis {
    /// The text analysed.
    pub text: String,
    /// Its line starts.
    pub lines: LineIndex,
    /// The declarations, when the text parses (else empty).
    pub decls: Vec<Decl>,
    /// The compiled policy, when it checks.
    pub policy: Option<Policy>,
    /// Every diagnostic, sorted by position.
    pub diags: Vec<Diag>,
    /// Declared names (from this text, or the last one that parsed).
    pub names: Names,
    /// Whether this text parsed (so that spans of [`Self::names`] point into it).
    pub parsed: bool,
}

impl Analysis {
    /// Parses and checks `text` as a policy set of one file named `name`, as `credo check`
    /// would; `previous` names are kept when the text does not parse.
    pub fn new(name: &str, text: &str, previous: Option<&Names>) -> Self {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(name, name, text));
        let (set, mut diags) = credo::parse::parse(&sources);
        let parsed = !diags.iter().any(Diag::is_error);
        let mut policy = None;
        if parsed {
            let hash = credo::load::policy_hash(&sources);
            let (p, mut more) = credo::check::check(&set, sources, hash);
            diags.append(&mut more);
            policy = p;
        }
        credo::diag::sort(&mut diags);
        let names = if set.decls.is_empty() && !parsed {
            previous.cloned().unwrap_or_default()
        } else {
            names(&set)
        };
        Analysis {
            lines: LineIndex::new(text),
            text: text.to_owned(),
            decls: set.decls,
            policy,
            diags,
            names,
            parsed,
        }
    }

    /// The protocol range of a span.
    pub fn range(&self, span: Span) -> lsp_types::Range {
        self.lines
            .range(&self.text, span.start as usize, span.end as usize)
    }

    /// The diagnostics in protocol form: the primary label is the range, the help line follows
    /// the message, other labels are related information.
    pub fn diagnostics(&self, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
        self.diags
            .iter()
            .map(|d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str(&format!("\nhelp: {help}"));
                }
                let related: Vec<DiagnosticRelatedInformation> = (d.labels.iter().skip(1))
                    .filter(|l| l.span.file == FileId(0))
                    .map(|l| DiagnosticRelatedInformation {
                        location: Location::new(uri.clone(), self.range(l.span)),
                        message: if l.text.is_empty() {
                            "here".to_owned()
                        } else {
                            l.text.clone()
                        },
                    })
                    .collect();
                lsp_types::Diagnostic {
                    range: self.range(d.span()),
                    severity: Some(match d.severity {
                        Severity::Error => DiagnosticSeverity::ERROR,
                        Severity::Warning => DiagnosticSeverity::WARNING,
                        Severity::Note => DiagnosticSeverity::INFORMATION,
                    }),
                    code: Some(NumberOrString::String(d.code.to_owned())),
                    source: Some("credo".to_owned()),
                    message,
                    related_information: (!related.is_empty()).then_some(related),
                    ..Default::default()
                }
            })
            .collect()
    }
}

/// The names declared in a parsed set, in source order.
fn names(set: &PolicySet) -> Names {
    let mut out = Names::default();
    let mut add = |kind, id: &Ident, detail: String, span| {
        out.all.push(Declared {
            kind,
            name: id.node.clone(),
            detail,
            at: id.span,
            span,
        });
    };
    let mut own_tiers = false;
    let mut own_assessments = false;
    for d in &set.decls {
        match d {
            Decl::Policy(p) => {
                for (list, kind) in [(&p.tiers, Kind::Tier), (&p.assessments, Kind::Assessment)] {
                    if let Some(list) = list {
                        own_tiers |= kind == Kind::Tier;
                        own_assessments |= kind == Kind::Assessment;
                        for (i, t) in list.node.iter().enumerate() {
                            let detail =
                                format!("{} {} of {}", kind.word(), i + 1, list.node.len());
                            add(kind, t, detail, t.span);
                        }
                    }
                }
            }
            Decl::Attribute(a) => {
                let ty = serde_json::to_value(a.ty.node)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                add(Kind::Attribute, &a.id, ty, a.span);
            }
            Decl::Skill(s) => add(Kind::Skill, &s.id, s.name.node.clone(), s.span),
            Decl::Provider(p) => {
                let name = p.name.as_ref().map_or_else(String::new, |n| n.node.clone());
                add(Kind::Provider, &p.id, name, p.span);
            }
            Decl::Credential(c) => {
                let title = c
                    .title
                    .as_ref()
                    .map_or_else(String::new, |n| n.node.clone());
                add(Kind::Credential, &c.id, title, c.span);
            }
            Decl::Role(r) => {
                let title = r
                    .title
                    .as_ref()
                    .map_or_else(String::new, |n| n.node.clone());
                add(Kind::Role, &r.id, title, r.span);
            }
            Decl::Guardrails(_) | Decl::Exception(_) => {}
        }
    }
    out.own_tiers = own_tiers;
    out.own_assessments = own_assessments;
    out
}
