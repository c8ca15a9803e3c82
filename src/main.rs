//! `mtvt`: declarative end-to-end tests for Migration Toolkit for Virtualization.
//!
//! The binary is a thin shell: argument parsing lives in `cli/`, one file per verb.

mod cli;
mod cluster;
mod engine;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // kube (ring) and reqwest (no provider) share one rustls crypto provider; install it
    // explicitly so a future dependency enabling aws-lc-rs cannot make client creation panic.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = cli::Cli::parse();
    cli::init_tracing(cli.verbose);
    cli.command.run()
}
