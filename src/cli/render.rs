//! `mtvt render`: prints the objects (and, as comments, the waits and source steps) a run
//! would create for the given scenarios, with a placeholder session `auto-xxxx`, a
//! placeholder cluster and placeholder inventory answers. Secret values print as
//! `<redacted>`. Exit codes: 0 printed, 2 static errors or usage.

use std::path::PathBuf;
use std::process::ExitCode;

use super::inputs::{fail, print_diagnostics};
use super::selection::{OverrideArgs, SelectionArgs};
use crate::engine::inputs::{self, InputError};
use crate::engine::preview::{PreviewOptions, preview};

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
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

/// Runs `mtvt render`.
pub fn run(args: RenderArgs) -> ExitCode {
    let request = inputs::Request {
        paths: args.paths.clone(),
        providers_file: args.providers_file.clone(),
        providers: vec![args.provider.clone()],
        providers_if_present: Vec::new(),
        allow_ovirt_warm: args.allow_ovirt_warm,
        session_overrides: args.overrides.set.clone(),
    };
    let mut loaded = match inputs::load(&request) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    print_diagnostics(&loaded.checked);
    let errors = loaded.checked.errors();
    if errors > 0 {
        eprintln!("error: {errors} static error(s) in the scenarios; nothing rendered");
        return ExitCode::from(2);
    }
    if let Err(e) = loaded.select(&args.selection.filters()) {
        return fail(e);
    }
    let Some(profile) = loaded.profiles.first() else {
        return fail(InputError::Usage("no provider profile".into()));
    };
    let env_or_placeholder =
        |k: &str| Some(std::env::var(k).unwrap_or_else(|_| format!("<env:{k}>")));
    let opts = PreviewOptions {
        profile,
        storage_class: args.storage_class.as_deref(),
        env: &env_or_placeholder,
    };
    match preview(&loaded.checked.program, &opts) {
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
