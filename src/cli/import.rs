//! `mtvt import CONFIG.py`: writes one `.mtvt` scenario per `tests_params` entry of the
//! pytest suite's config (and a `session.mtvt` for its suite-wide settings) into a
//! directory, prints what it could not map with the config line, then checks what it
//! wrote as `mtvt check` does. The translation is `crate::import`; the config is parsed,
//! never executed.
//!
//! Exit codes: 0 written and checked clean, 1 the written files have check errors, 2 usage
//! or I/O errors (unreadable or invalid config, files that exist without --force).

use std::path::PathBuf;
use std::process::ExitCode;

use mtvt_lang::diag::render;
use mtvt_lang::{CheckOptions, Stdlib};

use crate::import::{self, Import};

/// Arguments of `mtvt import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit status: 0 written and checked clean, 1 the written files have check errors, 2 usage or I/O errors.
Keys with no .mtvt form are listed as `FILE:LINE  KEY  why`; the config is parsed, never executed.
See docs/running.md (Importing the suite's config.py).")]
pub struct ImportArgs {
    /// The suite's config file (tests/tests_config/config.py with a `tests_params` dict).
    pub config: PathBuf,
    /// Directory the .mtvt files are written into (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "imported")]
    pub out: PathBuf,
    /// Overwrite files that already exist in DIR.
    #[arg(long)]
    pub force: bool,
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn write(args: &ImportArgs, result: &Import) -> Result<Vec<PathBuf>, String> {
    let paths: Vec<PathBuf> = result
        .files
        .iter()
        .map(|f| args.out.join(&f.name))
        .collect();
    if !args.force
        && let Some(p) = paths.iter().find(|p| p.exists())
    {
        return Err(format!(
            "{} exists; pass --force to overwrite, or --out another directory",
            p.display()
        ));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("create {}: {e}", args.out.display()))?;
    for (f, p) in result.files.iter().zip(&paths) {
        std::fs::write(p, &f.text).map_err(|e| format!("write {}: {e}", p.display()))?;
    }
    Ok(paths)
}

/// Runs `mtvt import`.
pub fn run(args: ImportArgs) -> ExitCode {
    let name = args.config.display().to_string();
    let src = match std::fs::read_to_string(&args.config) {
        Ok(s) => s,
        Err(e) => return usage(format!("cannot read {name}: {e}")),
    };
    let result = match import::import(&name, &src) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let paths = match write(&args, &result) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    for p in &paths {
        println!("wrote {}", p.display());
    }
    if result.unmapped.is_empty() {
        eprintln!("every key was mapped");
    } else {
        eprintln!("not mapped ({}):", result.unmapped.len());
        for u in &result.unmapped {
            eprintln!("  {name}:{}  {}  {}", u.line, u.key, u.why);
        }
    }
    let opts = CheckOptions {
        profiles: Vec::new(),
        allow_ovirt_warm: true,
        stdlib: Stdlib::from_env(),
    };
    let checked = match mtvt_lang::check_paths_with_overrides(&paths, &opts, &[]) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let handler = render::plain_handler();
    for d in &checked.diagnostics {
        eprint!("{}", render::render_with(&handler, d, &checked.sources));
    }
    eprintln!(
        "imported {} file(s) into {}: {} error(s), {} warning(s) from `mtvt check`",
        paths.len(),
        args.out.display(),
        checked.errors(),
        checked.warnings()
    );
    if checked.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
