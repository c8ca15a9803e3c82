//! Command-line interface: one module per verb, each a thin adapter over the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod clean;
mod cluster_args;
mod completions;
mod explain;
mod fmt;
mod import;
mod inputs;
mod job;
mod lsp;
mod render;
mod report_merge;
mod reports;
mod run;
mod run_shard;
mod run_sim;
mod selection;
mod signals;
mod sim;

/// Declarative end-to-end tests for Migration Toolkit for Virtualization (MTV / Forklift).
#[derive(Debug, Parser)]
#[command(name = "mtvt", version, about, long_about = None)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check .mtvt files statically: syntax, keys, types, checks, names, hooks, outcomes.
    Check(check::CheckArgs),
    /// Print the long explanation of a diagnostic code (e.g. `mtvt explain E0201`).
    Explain(explain::ExplainArgs),
    /// Format .mtvt files in the canonical layout (--check: only list what would change).
    Fmt(fmt::FmtArgs),
    /// Run the language server over stdio (what editors start: diagnostics, hover,
    /// completion, definitions, outline, formatting).
    Lsp(lsp::LspArgs),
    /// Run the MTV emulator (`mtvt sim serve`: a local Kubernetes API with MTV's kinds).
    Sim(sim::SimArgs),
    /// Run scenarios against a cluster with MTV, or against the embedded emulator (--sim).
    Run(Box<run::RunArgs>),
    /// Print the manifests of a sharded in-cluster run: an Indexed Job running
    /// `mtvt run --shard I/N` per index, its ServiceAccount and RBAC, the providers Secret.
    Job(job::JobArgs),
    /// Work with run reports (`mtvt report merge`: join the reports of a sharded run).
    Report(report_merge::ReportCmd),
    /// Print the manifests a run would create, in order, with a placeholder session.
    Render(render::RenderArgs),
    /// Translate the pytest suite's tests_params (tests/tests_config/config.py) into .mtvt
    /// scenarios, listing what could not be mapped.
    Import(import::ImportArgs),
    /// Finish an interrupted teardown from a run's journal (resources.json).
    Clean(clean::CleanArgs),
    /// Print a shell completion script (e.g. `mtvt completions bash > /etc/bash_completion.d/mtvt`).
    Completions(completions::CompletionsArgs),
    /// Print the man page in roff (`mtvt man | man -l -`; `mtvt man run` for one command).
    Man(completions::ManArgs),
}

impl Command {
    pub fn run(self) -> ExitCode {
        match self {
            Command::Check(args) => check::run(args),
            Command::Explain(args) => explain::run(args),
            Command::Fmt(args) => fmt::run(args),
            Command::Lsp(args) => lsp::run(args),
            Command::Sim(args) => args.run(),
            Command::Run(args) => run::run(*args),
            Command::Job(args) => job::run(args),
            Command::Report(args) => report_merge::run(args),
            Command::Render(args) => render::run(args),
            Command::Import(args) => import::run(args),
            Command::Clean(args) => clean::run(args),
            Command::Completions(args) => completions::completions(args),
            Command::Man(args) => completions::man(args),
        }
    }
}

/// Logs go to stderr so that machine-readable output on stdout stays clean.
pub fn init_tracing(verbose: u8) {
    // At the default verbosity the kube client's own retry and watch logs are noise: the
    // runner reports what failed and why (they come back with -v).
    let default = match verbose {
        0 => "warn,kube_client=off,kube_runtime=off,rustls_platform_verifier=off",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    fn flags(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        out.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string)),
        );
        for sub in cmd.get_subcommands() {
            flags(sub, out);
        }
    }

    fn helps(cmd: &mut clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        out.push((path.to_string(), cmd.render_long_help().to_string()));
        for sub in cmd.get_subcommands_mut() {
            let name = format!("{path} {}", sub.get_name());
            helps(sub, &name, out);
        }
    }

    /// Every `--flag` a help text names exists (issue 13 item 5: `mtvt render --help` once
    /// named a `--providers` that does not exist). Help may name another command's flag
    /// (`mtvt sim serve --fault`) or pytest's `--tc`, never an invented one.
    #[test]
    fn help_names_only_flags_that_exist() {
        let mut cli = super::Cli::command();
        cli.build();
        let mut known: BTreeSet<String> = ["help", "version", "tc"].map(String::from).into();
        flags(&cli, &mut known);
        let mut texts = Vec::new();
        helps(&mut cli, "mtvt", &mut texts);
        let flag = regex::Regex::new(r"(?:^|[\s`(\[,])--([a-z][a-z0-9-]*)").unwrap();
        let bad: Vec<String> = texts
            .iter()
            .flat_map(|(path, help)| {
                flag.captures_iter(help)
                    .filter(|c| !known.contains(&c[1]))
                    .map(move |c| format!("`{path}` help names --{}", &c[1]))
            })
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        assert!(texts.len() > 10 && known.contains("providers-file"));
    }
}
