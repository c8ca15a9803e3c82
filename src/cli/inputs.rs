//! What `run` and `render` print while their inputs are assembled (`engine::inputs`): the
//! checker's diagnostics, profile errors with their source snippet, usage and
//! infrastructure errors, each with its exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use mtvt_lang::CheckResult;
use mtvt_lang::diag::render;

use crate::engine::inputs::InputError;
use crate::report::exit;

/// Prints every diagnostic of a check to stderr (colour on a terminal unless `NO_COLOR`).
pub fn print_diagnostics(result: &CheckResult) {
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

/// Prints `e` and returns its exit code.
pub fn fail(e: InputError) -> ExitCode {
    match e {
        InputError::Profile(p) => {
            eprint!("{}", mtvt_lang::profile::render_error(&p));
            ExitCode::from(exit::USAGE)
        }
        InputError::Usage(m) => {
            eprintln!("error: {m}");
            ExitCode::from(exit::USAGE)
        }
        InputError::Infra(m) => {
            eprintln!("error: {m}");
            ExitCode::from(exit::INFRA)
        }
    }
}
