//! `credo lsp`: a language server on standard input and output, for editors. Diagnostics as
//! you type (the library's parse and check), hover (a declaration's details; an `accept`,
//! `eligible when` or `decide` line in plain words, as postings put it), go to definition,
//! completion of the names and words valid at the cursor, formatting (`credo fmt`) and the
//! document outline.
//!
//! Each open document is checked as a policy set of its own (a policy split over several files
//! of a folder reports names declared in the others as unknown). The protocol runs on
//! rust-analyzer's `lsp-server` (synchronous, no async runtime) with the `lsp-types` messages.

mod analysis;
mod context;
mod features;
mod text;

use analysis::Analysis;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, Request as _,
};
use lsp_types::{
    CompletionOptions, CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse,
    HoverProviderCapability, InitializeParams, InitializeResult, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use std::collections::HashMap;
use text::Document;

/// Run the language server on standard input and output (for editors).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for editors' clients that pass it: standard input and output is the only
    /// transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_: Args) -> u8 {
    let (connection, threads) = Connection::stdio();
    let served = serve(&connection);
    drop(connection);
    // A message that cannot be read stops the reader: its error says why the session ended
    // (the loop only saw the channel close).
    match (threads.join(), served) {
        (Err(e), _) => {
            super::complain(format_args!(
                "error: credo lsp: cannot read the client's messages: {e}"
            ));
            super::EXIT_IO
        }
        (Ok(()), Err(e)) => {
            super::complain(format_args!("error: credo lsp: {e}"));
            super::EXIT_IO
        }
        (Ok(()), Ok(())) => super::EXIT_OK,
    }
}

/// An open document and what is known of it.
struct Open {
    doc: Document,
    analysis: Analysis,
}

/// The server's state.
struct Server {
    docs: HashMap<String, Open>,
    /// The day hover matches accept lines to catalogue credentials for: `initializationOptions`
    /// `{"asOf": "YYYY-MM-DD"}`, else today (UTC).
    as_of: jiff::civil::Date,
}

fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let as_of = (params.initialization_options.as_ref())
        .and_then(|o| o.get("asOf"))
        .and_then(|d| d.as_str())
        .and_then(credo::parse::parse_date)
        .unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        });
    let result = InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(
                TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".into(), "[".into(), " ".into(), "(".into()]),
                ..Default::default()
            }),
            document_formatting_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            ..Default::default()
        },
        server_info: Some(ServerInfo {
            name: "credo".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        docs: HashMap::new(),
        as_of,
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let response = server.request(req);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    send(connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, msg: Message) -> Result<(), String> {
    connection.sender.send(msg).map_err(|e| e.to_string())
}

impl Server {
    /// Answers a request; an unknown method gets `MethodNotFound`, bad parameters
    /// `InvalidParams`.
    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => self.at::<HoverRequest, _>(
                req,
                |p| &p.text_document_position_params,
                |s, open, off| features::hover(open.analysis, off, s.as_of),
            ),
            GotoDefinition::METHOD => self.at::<GotoDefinition, _>(
                req,
                |p| &p.text_document_position_params,
                |_, open, off| {
                    let uri = open.uri.clone();
                    let found = features::definition(open.analysis, &uri, off);
                    (!found.is_empty()).then_some(GotoDefinitionResponse::Array(found))
                },
            ),
            Completion::METHOD => self.at::<Completion, _>(
                req,
                |p| &p.text_document_position,
                |_, open, off| {
                    Some(CompletionResponse::Array(features::completion(
                        open.analysis,
                        off,
                    )))
                },
            ),
            DocumentSymbolRequest::METHOD => self.doc::<DocumentSymbolRequest, _>(
                req,
                |p| &p.text_document.uri,
                |open| {
                    Some(DocumentSymbolResponse::Nested(features::symbols(
                        open.analysis,
                    )))
                },
            ),
            Formatting::METHOD => self.doc::<Formatting, _>(
                req,
                |p| &p.text_document.uri,
                |open| features::formatting(open.analysis, &open.name),
            ),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("credo lsp does not answer `{}`", req.method),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// A request about a document as a whole.
    fn doc<R, T>(
        &mut self,
        req: Request,
        uri: impl Fn(&R::Params) -> &Uri,
        answer: impl Fn(&Named<'_>) -> Option<T>,
    ) -> Result<serde_json::Value, (ErrorCode, String)>
    where
        R: lsp_types::request::Request,
        T: serde::Serialize,
    {
        let params: R::Params = params(req)?;
        let uri = uri(&params).clone();
        let open = self.current(&uri)?;
        let named = Named {
            uri: &uri,
            name: name_of(&uri),
            analysis: &open.analysis,
        };
        Ok(serde_json::to_value(answer(&named)).unwrap_or_default())
    }

    /// A request about a position in a document.
    fn at<R, T>(
        &mut self,
        req: Request,
        position: impl Fn(&R::Params) -> &TextDocumentPositionParams,
        answer: impl Fn(&Server, &Named<'_>, usize) -> Option<T>,
    ) -> Result<serde_json::Value, (ErrorCode, String)>
    where
        R: lsp_types::request::Request,
        T: serde::Serialize,
    {
        let params: R::Params = params(req)?;
        let pos = position(&params);
        let uri = pos.text_document.uri.clone();
        self.current(&uri)?;
        let open = &self.docs[uri.as_str()];
        let offset = open
            .analysis
            .lines
            .offset(&open.analysis.text, pos.position);
        let named = Named {
            uri: &uri,
            name: name_of(&uri),
            analysis: &open.analysis,
        };
        Ok(serde_json::to_value(answer(self, &named, offset)).unwrap_or_default())
    }

    /// The open document at `uri` with any held changes applied (a request sees the newest
    /// text the client sent).
    fn current(&mut self, uri: &Uri) -> Result<&Open, (ErrorCode, String)> {
        let open = self.docs.get_mut(uri.as_str()).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", credo::visible::visible(uri.as_str())),
            )
        })?;
        if open.doc.flush() {
            open.analysis =
                Analysis::new(&name_of(uri), &open.doc.text, Some(&open.analysis.names));
        }
        Ok(open)
    }

    /// Takes a notification; returns the diagnostics to publish.
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        let uri = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let doc = Document::new(p.text_document.text, p.text_document.version);
                let analysis = Analysis::new(&name_of(&p.text_document.uri), &doc.text, None);
                self.docs.insert(
                    p.text_document.uri.as_str().to_owned(),
                    Open { doc, analysis },
                );
                p.text_document.uri
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(open) = self.docs.get_mut(uri.as_str()) else {
                    return Vec::new();
                };
                if open.doc.change(p.text_document.version, p.content_changes)
                    != text::Changed::Applied
                {
                    return Vec::new();
                }
                open.analysis =
                    Analysis::new(&name_of(&uri), &open.doc.text, Some(&open.analysis.names));
                uri
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                self.docs.remove(p.text_document.uri.as_str());
                // A closed document's diagnostics are cleared.
                return vec![publish(p.text_document.uri, Vec::new(), None)];
            }
            _ => return Vec::new(),
        };
        match self.docs.get(uri.as_str()) {
            Some(open) => {
                let diags = open.analysis.diagnostics(&uri);
                vec![publish(uri, diags, Some(open.doc.version))]
            }
            None => Vec::new(),
        }
    }
}

/// A document's analysis with its address and the name diagnostics give it.
struct Named<'a> {
    uri: &'a Uri,
    name: String,
    analysis: &'a Analysis,
}

fn publish(
    uri: Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(req.params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

/// The file name of a document's address (what diagnostics and `fmt` call it).
fn name_of(uri: &Uri) -> String {
    let path = uri.path().as_str();
    let last = path.rsplit('/').next().unwrap_or(path);
    if last.is_empty() {
        "policy.credo".to_owned()
    } else {
        last.to_owned()
    }
}

#[cfg(test)]
mod tests;
