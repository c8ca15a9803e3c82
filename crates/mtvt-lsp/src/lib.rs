//! The `.mtvt` language server behind `mtvt lsp` (LSP over stdio): live diagnostics from
//! the same checker as `mtvt check`, hover documentation, completion by context, go to
//! definition, the document outline and formatting (mtvt-lang's `fmt`).
//!
//! ```no_run
//! # async fn demo() {
//! // What `mtvt lsp --providers-file .providers.json --provider vsphere` runs:
//! let config = mtvt_lsp::Config {
//!     providers_file: Some(".providers.json".into()),
//!     provider: Some("vsphere".into()),
//! };
//! mtvt_lsp::serve(tokio::io::stdin(), tokio::io::stdout(), config).await;
//! # }
//! ```
//!
//! Modules: `server` (capabilities, handlers, one cached `mtvt_lang::query::Analysis` per
//! document), `documents` and `line_index` (open texts, UTF-16 positions),
//! `diagnostics`, `hover`, `completion`, `definition`, `symbols`, `markdown`, `profile`,
//! `vm_names`, `stdlib_files`. What is where, what a name refers to and what type an
//! expression has come from mtvt-lang's parser (which reads text that does not parse
//! yet), name resolution and checker, through `mtvt_lang::query`; this crate decides
//! only what to offer and show. It must not contact a cluster or a provider, and
//! writes nothing on stdout but LSP messages.

mod completion;
mod convert;
mod definition;
mod diagnostics;
mod documents;
mod hover;
mod line_index;
mod markdown;
mod profile;
mod server;
mod state;
mod stdlib_files;
mod symbols;
mod vm_names;

pub use profile::ProfileConfig as Config;
pub use server::Backend;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves LSP over `input`/`output` until the client sends `exit` (or closes `input`).
pub async fn serve<I, O>(input: I, output: O, config: Config)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(|client| Backend::new(client, config));
    Server::new(input, output, socket).serve(service).await;
}
