//! `mtvt check`: type-checks `.mtvt` files and prints every diagnostic (miette graphical
//! report, or a JSON array with `--format json`), then a one-line summary on stderr.
//! Exit codes: 0 clean, 1 diagnostics (errors, or warnings with `--deny-warnings`),
//! 2 usage or I/O errors.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use mtvt_lang::diag::render;
use mtvt_lang::{CheckOptions, Stdlib};

use super::selection::OverrideArgs;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette's graphical report on stderr (colour on terminals unless NO_COLOR is set).
    Human,
    /// A JSON array on stdout, one object per diagnostic: file, line, column, end_line,
    /// end_column, code, severity, message, help.
    Json,
}

/// Arguments of `mtvt check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 clean (warnings allowed), 1 errors (or warnings with --deny-warnings), \
2 usage or I/O errors.\nMTVT_STDLIB=DIR reads std/NAME from DIR/NAME.mtvt instead of the embedded stdlib. \
`mtvt explain CODE` explains a diagnostic; docs/language.md describes the language."
)]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched recursively for *.mtvt.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (exit code 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Provider profile (key in the providers file) to check against: enables the
    /// warm-migration and copy-offload rules for its source type and fields. Repeatable,
    /// as for `mtvt run`: each scenario is checked against the first profile its
    /// `requires` accept.
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,
    /// Providers file read with --provider (JSON; `#`, `//`, `/* */` comments and trailing
    /// commas allowed).
    #[arg(
        long,
        value_name = "FILE",
        env = "PROVIDERS_JSON_PATH",
        default_value = ".providers.json"
    )]
    pub providers_file: PathBuf,
    /// Accept warm migration from oVirt (enabled by a Forklift feature gate).
    #[arg(long)]
    pub allow_ovirt_warm: bool,
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

/// Runs `mtvt check`.
pub fn run(args: CheckArgs) -> ExitCode {
    let start = Instant::now();
    let mut profiles = Vec::new();
    for name in &args.providers {
        match mtvt_lang::profile::load_facts(&args.providers_file, name) {
            Ok(f) => profiles.push(f),
            Err(e) => {
                eprint!("{}", mtvt_lang::profile::render_error(&e));
                return ExitCode::from(2);
            }
        }
    }
    let opts = CheckOptions {
        profiles,
        allow_ovirt_warm: args.allow_ovirt_warm,
        stdlib: Stdlib::from_env(),
    };
    let result =
        match mtvt_lang::check_paths_with_overrides(&args.paths, &opts, &args.overrides.set) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    match args.format {
        Format::Json => {
            let items: Vec<render::JsonDiagnostic> = result
                .diagnostics
                .iter()
                .map(|d| render::to_json(d, &result.sources))
                .collect();
            let text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| String::from("[]"));
            println!("{text}");
        }
        Format::Human => {
            let stderr = std::io::stderr();
            let color =
                stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let width = terminal_width();
            let handler = if color {
                render::color_handler(width)
            } else {
                render::plain_handler()
            };
            let mut out = stderr.lock();
            for d in &result.diagnostics {
                let _ = write!(out, "{}", render::render_with(&handler, d, &result.sources));
            }
        }
    }
    let elapsed = start.elapsed();
    let (errors, warnings) = (result.errors(), result.warnings());
    eprintln!(
        "checked {} scenario{} in {} file{} ({} error{}, {} warning{}) in {:.1} ms",
        result.scenarios_checked,
        plural(result.scenarios_checked),
        result.root_files,
        plural(result.root_files),
        errors,
        plural(errors),
        warnings,
        plural(warnings),
        elapsed.as_secs_f64() * 1000.0
    );
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}
