//! `mtvt`: declarative end-to-end tests for Migration Toolkit for Virtualization.
//!
//! The binary is a thin shell: argument parsing lives in `cli/`, one file per verb.

mod cli;
mod cluster;
mod engine;
mod import;
mod job;
mod report;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: parsing and checking build many small AST
/// and IR nodes, and with glibc's malloc half of `mtvt check`'s time on a large suite was
/// allocation (5,000 scenarios: 200 ms → 90 ms; `cargo bench -p mtvt-lang --bench check`
/// uses the same allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // kube (ring) and reqwest (no provider) share one rustls crypto provider; install it
    // explicitly so a future dependency enabling aws-lc-rs cannot make client creation panic.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = cli::Cli::parse();
    cli::init_tracing(cli.verbose);
    cli.command.run()
}
