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

/// Checks `paths` once per profile (the profile rules differ) and prints every distinct
/// diagnostic to stderr; warnings do not stop a run. With no profile, checks without one.
pub fn load_program(
    paths: &[PathBuf],
    profiles: &[ProviderFacts],
    allow_ovirt_warm: bool,
) -> Result<CheckResult, LoadFailure> {
    let check = |profile: Option<ProviderFacts>| {
        let opts = CheckOptions {
            profile,
            allow_ovirt_warm,
            stdlib: Stdlib::from_env(),
        };
        mtvt_lang::check_paths(paths, &opts).map_err(|e| LoadFailure::Io(e.to_string()))
    };
    let mut profiles = profiles.iter().cloned();
    let mut result = check(profiles.next())?;
    let mut seen: std::collections::BTreeSet<String> = result
        .diagnostics
        .iter()
        .map(|d| render::render_plain(d, &result.sources))
        .collect();
    for p in profiles {
        let other = check(Some(p))?;
        for d in other.diagnostics {
            // same files, same order: the file ids agree between the two checks
            if seen.insert(render::render_plain(&d, &other.sources)) {
                result.diagnostics.push(d);
            }
        }
    }
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
