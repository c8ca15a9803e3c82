//! `mtvt completions SHELL` and `mtvt man`: shell completion scripts and a roff man page,
//! generated from the same clap definitions `--help` prints (so they cannot drift).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::Cli;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Print the man page (roff) of `mtvt` or of one command.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A command (`run`, `check`, ...): its own page instead of the main one.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Writes the completion script for `args.shell` to stdout.
pub fn completions(args: CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "mtvt", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// Writes the man page to stdout.
pub fn man(args: ManArgs) -> ExitCode {
    let cmd = Cli::command();
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone().display_name(format!("mtvt-{name}")),
            None => {
                eprintln!("error: no command `{name}` (see `mtvt --help`)");
                return ExitCode::from(2);
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        eprintln!("error: cannot render the man page: {e}");
        return ExitCode::FAILURE;
    }
    match std::io::stdout().write_all(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
