//! `mtvt lsp`: the language server (crates/mtvt-lsp) over standard input and output, as
//! every editor integration in editors/ starts it. Standard output carries only LSP
//! messages; logs go to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mtvt lsp`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Editors start `mtvt lsp` with no arguments (see docs/editors.md). \
The server offers diagnostics (the same checker as `mtvt check`), hover, completion, \
go to definition, the document outline and formatting (`mtvt fmt`)."
)]
pub struct LspArgs {
    /// Providers file read with --provider (default .providers.json); without --provider,
    /// the VM names of all its profiles are offered for completion.
    #[arg(long, value_name = "FILE", env = "PROVIDERS_JSON_PATH")]
    pub providers_file: Option<PathBuf>,
    /// Provider profile to check against (as `mtvt check --provider`); its VM names
    /// (copyoffload.default_vm_name) are offered when completing `vm "…"`.
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// Accepted for LSP clients that add it; stdio is the only transport.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// Runs `mtvt lsp` until the client says `exit` or closes standard input.
pub fn run(args: LspArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let config = mtvt_lsp::Config {
        providers_file: args.providers_file,
        provider: args.provider,
    };
    runtime.block_on(mtvt_lsp::serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        config,
    ));
    ExitCode::SUCCESS
}
