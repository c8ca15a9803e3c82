//! Loading scenarios for `run` and `render` the way `mtvt check` does (embedded stdlib or
//! `MTVT_STDLIB`, provider facts for the profile rules): a run starts only from a program
//! without errors, and prints the same diagnostics `check` would.
//!
//! It must not reach a cluster.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use mtvt_lang::diag::render;
use mtvt_lang::{CheckOptions, CheckResult, ProviderFacts, Stdlib};

/// Why a program cannot be run.
#[derive(Debug)]
pub enum LoadFailure {
    /// A path could not be read.
    Io(String),
    /// The scenarios have errors (already printed), with the count.
    Static(usize),
}

/// Checks `paths` with the profile's facts; prints every diagnostic to stderr. Warnings
/// do not stop a run.
pub fn load_program(
    paths: &[PathBuf],
    profile: Option<ProviderFacts>,
    allow_ovirt_warm: bool,
) -> Result<CheckResult, LoadFailure> {
    let opts = CheckOptions {
        profile,
        allow_ovirt_warm,
        stdlib: Stdlib::from_env(),
    };
    let result =
        mtvt_lang::check_paths(paths, &opts).map_err(|e| LoadFailure::Io(e.to_string()))?;
    print_diagnostics(&result);
    let errors = result.errors();
    if errors > 0 {
        return Err(LoadFailure::Static(errors));
    }
    Ok(result)
}

fn print_diagnostics(result: &CheckResult) {
    if result.diagnostics.is_empty() {
        return;
    }
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let handler = if color {
        render::color_handler(100)
    } else {
        render::plain_handler()
    };
    let mut out = stderr.lock();
    for d in &result.diagnostics {
        let _ = write!(out, "{}", render::render_with(&handler, d, &result.sources));
    }
}
