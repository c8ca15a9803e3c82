//! `mtvt explain CODE`: prints the long explanation of a diagnostic code, from the same
//! registry as docs/diagnostics.md.

use std::process::ExitCode;

use mtvt_lang::diag::codes;

/// Arguments of `mtvt explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code: `mtvt::E0201`, `E0201` or `W0001`.
    pub code: String,
}

/// Runs `mtvt explain`.
pub fn run(args: ExplainArgs) -> ExitCode {
    match codes::lookup(&args.code) {
        Some(doc) => {
            println!("{}: {}\n", doc.code, doc.title);
            println!("{}\n", doc.explanation);
            println!("Fix: {}", doc.fix);
            ExitCode::SUCCESS
        }
        None => {
            let all: Vec<&str> = codes::CODE_DOCS.iter().map(|d| d.code).collect();
            let hint = mtvt_lang::diag::suggest::suggest(&args.code, &all)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            eprintln!(
                "error: unknown diagnostic code `{}`{hint}; codes are listed in docs/diagnostics.md",
                args.code
            );
            ExitCode::from(2)
        }
    }
}
