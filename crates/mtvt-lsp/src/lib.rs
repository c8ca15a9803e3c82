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
//! Modules: `server` (capabilities and handlers), `documents` and `line_index` (open
//! texts, UTF-16 positions), `diagnostics`, `context` and `types` (where the cursor is,
//! from tokens, so editing features work on text that does not parse), `defs`
//! (definitions) and `scope` (imports, references), `hover`, `completion`, `definition`, `symbols`,
//! `markdown`, `profile`, `vm_names`, `stdlib_files`. The crate must not contact a
//! cluster or a provider, and writes nothing on stdout but LSP messages.

mod completion;
mod context;
mod convert;
mod definition;
mod defs;
mod diagnostics;
mod documents;
mod hover;
mod line_index;
mod markdown;
mod profile;
mod scope;
mod server;
mod stdlib_files;
mod symbols;
mod types;
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
