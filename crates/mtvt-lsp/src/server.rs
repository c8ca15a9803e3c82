//! The LSP server: capabilities, the document lifecycle and one handler per request.
//! Checks run on blocking threads, one at a time per document, and only the result for
//! the current version of a document is published, so typing never waits for the
//! checker and stale results never overwrite fresh ones. Handlers translate between LSP and the pure modules
//! (`diagnostics`, `hover`, `completion`, `definition`, `symbols`, mtvt-lang's `fmt`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use mtvt_lang::CheckOptions;
use mtvt_lang::fmt::{FormatError, format_text};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    CompletionOptions, CompletionParams, CompletionResponse, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, InitializedParams, Location, MarkupContent, MarkupKind,
    MessageType, OneOf, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
};
use tower_lsp_server::{Client, LanguageServer};

use crate::completion;
use crate::convert;
use crate::definition::{self, Target};
use crate::diagnostics;
use crate::documents::{Document, Documents};
use crate::hover;
use crate::line_index::LineIndex;
use crate::profile::{self, ProfileConfig};
use crate::state::{AnalysisInputs, Shared, lock, read, vm_names, write};
use crate::symbols;

/// The `mtvt lsp` language server.
pub struct Backend {
    client: Client,
    docs: Arc<RwLock<Documents>>,
    shared: Arc<Shared>,
}

/// An internal error with a message for the editor.
fn internal(message: String) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

/// Runs pure work off the server loop.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| internal(format!("mtvt lsp: {e}")))
}

impl Backend {
    /// A server for `client`, with the profile options of the command line.
    pub fn new(client: Client, config: ProfileConfig) -> Self {
        Backend {
            client,
            docs: Arc::new(RwLock::new(Documents::default())),
            shared: Arc::new(Shared {
                config,
                opts: RwLock::new(Arc::new(CheckOptions {
                    stdlib: mtvt_lang::Stdlib::from_env(),
                    ..CheckOptions::default()
                })),
                profile_vms: RwLock::new(Vec::new()),
                profile_error: Mutex::new(None),
                roots: RwLock::new(Vec::new()),
                workspace_vms: Mutex::new(None),
                checks: Mutex::new(HashMap::new()),
                generation: AtomicU64::new(0),
                analyses: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn doc(&self, uri: &Uri) -> Option<Document> {
        read(&self.docs).get(uri)
    }

    /// Checks a document in the background and publishes the result if the document
    /// has not changed meanwhile. At most one check per document runs at a time: a
    /// request that arrives during a check is remembered, and when the check ends the
    /// latest text is checked once more (a burst of keystrokes costs two checks, not one
    /// per keystroke).
    fn schedule(&self, uri: Uri) {
        {
            let mut checks = lock(&self.shared.checks);
            let state = checks.entry(uri.clone()).or_default();
            if state.running {
                state.again = true;
                return;
            }
            state.running = true;
        }
        let docs = self.docs.clone();
        let client = self.client.clone();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            loop {
                let snapshot = read(&docs).get(&uri);
                if let Some(doc) = snapshot {
                    let version = doc.version;
                    let opts = read(&shared.opts).clone();
                    let (docs2, uri2) = (docs.clone(), uri.clone());
                    let result = tokio::task::spawn_blocking(move || {
                        let overlay = read(&docs2).overlay();
                        diagnostics::check_document(&uri2, &doc, &opts, overlay)
                    })
                    .await;
                    let current = read(&docs).get(&uri).map(|d| d.version);
                    if let Ok(diags) = result
                        && current == Some(version)
                    {
                        client
                            .publish_diagnostics(uri.clone(), diags, Some(version))
                            .await;
                    }
                }
                let mut checks = lock(&shared.checks);
                match checks.get_mut(&uri) {
                    Some(state) if state.again => state.again = false,
                    _ => {
                        checks.remove(&uri);
                        return;
                    }
                }
            }
        });
    }

    /// Re-checks the open documents that import `changed` with a relative `use`.
    fn schedule_dependents(&self, changed: &Uri) {
        let Some(target) = changed.to_file_path().map(|p| p.into_owned()) else {
            return;
        };
        let dependents: Vec<Uri> = {
            let docs = read(&self.docs);
            docs.uris()
                .into_iter()
                .filter(|u| u != changed)
                .filter(|u| {
                    docs.get(u).is_some_and(|d| {
                        d.path
                            .as_ref()
                            .and_then(|p| p.parent())
                            .is_some_and(|dir| diagnostics::imports_file(&d.text, dir, &target))
                    })
                })
                .collect()
        };
        for u in dependents {
            self.schedule(u);
        }
    }

    /// What analysing a document needs, gathered on the server loop (it is cheap) so
    /// the analysis runs off it.
    fn analysis_inputs(&self, uri: &Uri, doc: &Document) -> AnalysisInputs {
        let (name, dir) = doc.check_location();
        AnalysisInputs {
            uri: uri.clone(),
            name,
            text: doc.text.clone(),
            dir: dir.map(PathBuf::from),
            stdlib: read(&self.shared.opts).stdlib.clone(),
            overlay: read(&self.docs).overlay(),
            shared: self.shared.clone(),
        }
    }

    /// Forgets every analysis: a document changed (and may be imported by another).
    fn invalidate(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let roots: Vec<PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        *write(&self.shared.roots) = roots;
        match profile::load(&self.shared.config) {
            Ok(info) => {
                let mut opts = (**read(&self.shared.opts)).clone();
                opts.profiles = info.facts.into_iter().collect();
                *write(&self.shared.opts) = Arc::new(opts);
                *write(&self.shared.profile_vms) = info.vm_names;
            }
            Err(e) => *lock(&self.shared.profile_error) = Some(e),
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![String::from("."), String::from("\"")]),
                    ..CompletionOptions::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: String::from("mtvt"),
                version: Some(String::from(env!("CARGO_PKG_VERSION"))),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let error = lock(&self.shared.profile_error).take();
        if let Some(e) = error {
            self.client.show_message(MessageType::WARNING, e).await;
        }
        self.client
            .log_message(MessageType::INFO, "mtvt language server ready")
            .await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        write(&self.docs).open(d.uri.clone(), d.text, d.version);
        self.invalidate();
        self.schedule(d.uri.clone());
        self.schedule_dependents(&d.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changed =
            write(&self.docs).change(&uri, params.content_changes, params.text_document.version);
        if changed {
            self.invalidate();
            self.schedule(uri.clone());
            self.schedule_dependents(&uri);
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        *lock(&self.shared.workspace_vms) = None;
        self.schedule_dependents(&params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        write(&self.docs).close(&uri);
        self.invalidate();
        lock(&self.shared.analyses).remove(&uri);
        self.client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
        self.schedule_dependents(&uri);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let Some(doc) = self.doc(&p.text_document.uri) else {
            return Ok(None);
        };
        let inputs = self.analysis_inputs(&p.text_document.uri, &doc);
        let offset = doc.index.offset(&doc.text, p.position);
        let found = blocking(move || hover::hover(&inputs.analysis(), offset)).await?;
        Ok(found.map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(doc.index.range(&doc.text, h.start, h.end)),
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let Some(doc) = self.doc(&p.text_document.uri) else {
            return Ok(None);
        };
        let inputs = self.analysis_inputs(&p.text_document.uri, &doc);
        let shared = self.shared.clone();
        let offset = doc.index.offset(&doc.text, p.position);
        let index = doc.index.clone();
        let items = blocking(move || {
            let analysis = inputs.analysis();
            let vms = vm_names(&shared);
            let env = completion::Env {
                analysis: &analysis,
                dir: inputs.dir.as_deref(),
                stdlib: &inputs.stdlib,
                vm_names: &vms,
            };
            let text = &inputs.text;
            let (items, start, end) = completion::complete(offset, &env);
            let range = index.range(text, start, end);
            items
                .into_iter()
                .map(|i| convert::to_completion_item(i, range))
                .collect::<Vec<_>>()
        })
        .await?;
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let uri = p.text_document.uri;
        let Some(doc) = self.doc(&uri) else {
            return Ok(None);
        };
        let inputs = self.analysis_inputs(&uri, &doc);
        let offset = doc.index.offset(&doc.text, p.position);
        let target =
            blocking(move || definition::definition(&inputs.analysis(), offset, &inputs.stdlib))
                .await?;
        Ok(target.and_then(|t| {
            let location = match t {
                Target::Here(s, e) => Location::new(uri, doc.index.range(&doc.text, s, e)),
                Target::File {
                    path,
                    text,
                    start,
                    end,
                } => {
                    let index = LineIndex::new(&text);
                    Location::new(Uri::from_file_path(&path)?, index.range(&text, start, end))
                }
            };
            Some(GotoDefinitionResponse::Scalar(location))
        }))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(doc) = self.doc(&params.text_document.uri) else {
            return Ok(None);
        };
        let inputs = self.analysis_inputs(&params.text_document.uri, &doc);
        let found = blocking(move || {
            let analysis = inputs.analysis();
            symbols::symbols(&analysis.text, analysis.file())
        })
        .await?;
        let out = found
            .into_iter()
            .map(|s| convert::to_document_symbol(s, &doc))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(out)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(doc) = self.doc(&params.text_document.uri) else {
            return Ok(None);
        };
        let text = doc.text.clone();
        match blocking(move || format_text(&text)).await? {
            Ok(formatted) if formatted == *doc.text => Ok(Some(Vec::new())),
            Ok(formatted) => Ok(Some(vec![TextEdit::new(
                convert::whole_range(&doc),
                formatted,
            )])),
            // The syntax error is already shown as a diagnostic; leave the text alone.
            Err(FormatError::Syntax(_)) => Ok(None),
            Err(e @ FormatError::Unverified(_)) => Err(internal(e.to_string())),
        }
    }
}
