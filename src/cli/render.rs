//! `mtvt render`: prints the objects (and, as comments, the waits and source steps) a run
//! would create for the given scenarios, with a placeholder session `auto-xxxx`, a
//! placeholder cluster and placeholder inventory answers. Secret values print as
//! `<redacted>`. Exit codes: 0 printed, 2 static errors or usage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::engine::load::{LoadFailure, load_program};
use crate::engine::preview::{PreviewOptions, preview};
use crate::engine::select::{Filters, keep, name_globs};

/// Arguments of `mtvt render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Scenario files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Provider profile (key of the providers file) whose Secret/Provider to render.
    #[arg(long, value_name = "NAME", default_value = "vsphere")]
    pub provider: String,
    /// Providers file (JSON; `#`, `//`, `/* */` comments and trailing commas allowed).
    #[arg(
        long,
        value_name = "FILE",
        env = "PROVIDERS_JSON_PATH",
        default_value = ".providers.json"
    )]
    pub providers_file: PathBuf,
    /// Destination storage class (default: the session's, else a placeholder).
    #[arg(long, value_name = "CLASS")]
    pub storage_class: Option<String>,
    /// Accept warm migration from oVirt (Forklift feature gate).
    #[arg(long)]
    pub allow_ovirt_warm: bool,
    /// Only scenarios whose name matches this glob (repeatable).
    #[arg(long = "name", value_name = "GLOB")]
    pub names: Vec<String>,
    /// Only scenarios with this tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out scenarios with this tag (repeatable).
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
}

/// Runs `mtvt render`.
pub fn run(args: RenderArgs) -> ExitCode {
    let file = match mtvt_profiles::load(&args.providers_file) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{}", mtvt_lang::profile::render_error(&e));
            return ExitCode::from(2);
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let profile = match file.profile(&args.provider, &env) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", mtvt_lang::profile::render_error(&e));
            return ExitCode::from(2);
        }
    };
    let facts = mtvt_lang::profile::facts(&profile);
    let mut result = match load_program(&args.paths, &[facts], args.allow_ovirt_warm) {
        Ok(r) => r,
        Err(LoadFailure::Io(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(LoadFailure::Static(n)) => {
            eprintln!("error: {n} static error(s) in the scenarios; nothing rendered");
            return ExitCode::from(2);
        }
    };
    let globs = match name_globs(&args.names) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let filters = Filters {
        tags: args.tags,
        skip_tags: args.skip_tags,
    };
    result
        .program
        .scenarios
        .retain(|s| keep(s, &filters, globs.as_ref()));
    let env_or_placeholder =
        |k: &str| Some(std::env::var(k).unwrap_or_else(|_| format!("<env:{k}>")));
    let opts = PreviewOptions {
        profile: &profile,
        storage_class: args.storage_class.as_deref(),
        env: &env_or_placeholder,
    };
    match preview(&result.program, &opts) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
