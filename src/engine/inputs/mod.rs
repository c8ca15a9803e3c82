//! Assembling what a run or a render works from, shared by `mtvt run` and `mtvt render` so
//! the CLI only parses arguments and prints: the provider profiles (in preference order),
//! the scenarios checked once against all of them (each against the profile it runs with,
//! see `mtvt_lang::facts`), and the `--tag` / `--name` selection; for a run also the
//! cluster and its settings (`run`).
//!
//! It prints nothing: diagnostics and errors come back as data.

mod run;

use std::path::PathBuf;

use mtvt_lang::{CheckOptions, CheckResult, Stdlib};
use mtvt_profiles::{Profile, ProfileError};

use super::filters::Filters;
use mtvt_lang::check::overrides::SessionOverride;

pub use run::{RunRequest, prepare_run};

/// Why inputs could not be assembled.
#[derive(Debug)]
pub enum InputError {
    /// The providers file or a profile is wrong (render it with its source snippet).
    Profile(Box<ProfileError>),
    /// The user asked for something that cannot be (exit 2).
    Usage(String),
    /// The environment failed (exit 3).
    Infra(String),
}

/// What to load.
#[derive(Debug, Clone)]
pub struct Request {
    /// Scenario files or directories.
    pub paths: Vec<PathBuf>,
    /// The providers file.
    pub providers_file: PathBuf,
    /// Profiles, in preference order.
    pub providers: Vec<String>,
    /// Profiles used after `providers` when the file has them.
    pub providers_if_present: Vec<String>,
    /// Whether the checker accepts warm migration from oVirt (a run decides the gate
    /// itself and skips such scenarios with the reason).
    pub allow_ovirt_warm: bool,
    /// `--set KEY=VALUE` overrides of session keys.
    pub session_overrides: Vec<SessionOverride>,
}

/// The loaded profiles and the checked scenarios.
#[derive(Debug)]
pub struct Loaded {
    /// The providers file.
    pub providers_file: PathBuf,
    /// The profiles, in preference order.
    pub profiles: Vec<Profile>,
    /// The check: every diagnostic (to print) and the program.
    pub checked: CheckResult,
}

/// Loads the profiles and checks the scenarios against them, in one pass.
pub fn load(req: &Request) -> Result<Loaded, InputError> {
    let file =
        mtvt_profiles::load(&req.providers_file).map_err(|e| InputError::Profile(Box::new(e)))?;
    let present = file.profile_names();
    let names = req.providers.iter().chain(
        req.providers_if_present
            .iter()
            .filter(|n| present.contains(&n.as_str())),
    );
    let env = |k: &str| std::env::var(k).ok();
    let profiles = names
        .map(|n| file.profile(n, &env).map_err(Box::new))
        .collect::<Result<Vec<_>, _>>()
        .map_err(InputError::Profile)?;
    let opts = CheckOptions {
        profiles: profiles.iter().map(mtvt_lang::profile::facts).collect(),
        allow_ovirt_warm: req.allow_ovirt_warm,
        stdlib: Stdlib::from_env(),
    };
    let checked = mtvt_lang::check_paths_with_overrides(&req.paths, &opts, &req.session_overrides)
        .map_err(|e| InputError::Usage(e.to_string()))?;
    Ok(Loaded {
        providers_file: req.providers_file.clone(),
        profiles,
        checked,
    })
}

impl Loaded {
    /// Keeps the scenarios `filters` select.
    pub fn select(&mut self, filters: &Filters) -> Result<(), InputError> {
        let selector = filters.compile().map_err(InputError::Usage)?;
        self.checked.program.scenarios.retain(|s| selector.keep(s));
        Ok(())
    }
}
