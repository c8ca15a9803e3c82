//! `mtvt report merge`: finds the shards' reports in the given directories and files, joins
//! them (`report::merge` for the JSON, `report::junit_merge` for JUnit) and writes the
//! result. This file only finds, reads and writes files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::reports::JUNIT_FILE;
use crate::report::merge::{MergeError, ShardJson, merge};
use crate::report::{exit, junit_merge};

/// The JSON report file name `mtvt job` has each shard write (beside its junit-report.xml).
pub const REPORT_JSON: &str = "report.json";

/// Arguments of `mtvt report`.
#[derive(Debug, clap::Args)]
pub struct ReportCmd {
    #[command(subcommand)]
    pub command: ReportVerb,
}

/// What `mtvt report` does.
#[derive(Debug, clap::Subcommand)]
pub enum ReportVerb {
    /// Join the reports of the shards of one run (`mtvt run --shard I/N`, `mtvt job`) into
    /// the report a single run writes (equal but for times, session ids and namespaces).
    Merge(MergeArgs),
}

/// Arguments of `mtvt report merge`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Each INPUT is a shard's directory (holding report.json and, when written, junit-report.xml),
a directory of such directories (as `mtvt job` collects them: shard-0, shard-1, ...), or a
report file (*.json, *.xml). Reports of different selections, shard counts or --set
overrides, a shard given twice or a missing shard are refused. See docs/running.md.")]
pub struct MergeArgs {
    /// Shard directories or report files.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Write the merged JSON report and JUnit file (when the shards have one) into DIR as
    /// report.json and junit-report.xml.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the merged JSON report to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the merged JUnit report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// The report files found.
#[derive(Default)]
struct Found {
    json: Vec<PathBuf>,
    junit: Vec<PathBuf>,
}

fn collect(input: &Path, found: &mut Found) -> Result<(), String> {
    if input.is_file() {
        match input.extension().and_then(|e| e.to_str()) {
            Some("xml") => found.junit.push(input.to_path_buf()),
            _ => found.json.push(input.to_path_buf()),
        }
        return Ok(());
    }
    if input.join(REPORT_JSON).is_file() {
        found.json.push(input.join(REPORT_JSON));
        let junit = input.join(JUNIT_FILE);
        if junit.is_file() {
            found.junit.push(junit);
        }
        return Ok(());
    }
    let entries = std::fs::read_dir(input).map_err(|e| {
        format!(
            "{}: {e} (give shard directories or report files)",
            input.display()
        )
    })?;
    let mut dirs: Vec<PathBuf> = (entries.flatten())
        .map(|e| e.path())
        .filter(|p| p.join(REPORT_JSON).is_file())
        .collect();
    if dirs.is_empty() {
        return Err(format!(
            "{} holds no {REPORT_JSON}, nor directories that do",
            input.display()
        ));
    }
    dirs.sort();
    for d in dirs {
        collect(&d, found)?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}

fn merge_all(args: &MergeArgs) -> Result<String, String> {
    let mut found = Found::default();
    for input in &args.inputs {
        collect(input, &mut found)?;
    }
    let mut shards = Vec::new();
    for path in &found.json {
        let json = serde_json::from_str(&read(path)?)
            .map_err(|e| format!("{}: not a JSON report ({e})", path.display()))?;
        shards.push(ShardJson {
            path: path.clone(),
            json,
        });
    }
    let merged = merge(&shards).map_err(|MergeError(m)| m)?;
    let json_out = args
        .json
        .clone()
        .or_else(|| args.out.as_ref().map(|d| d.join(REPORT_JSON)));
    let junit_out = args
        .junit
        .clone()
        .or_else(|| args.out.as_ref().map(|d| d.join(JUNIT_FILE)));
    if json_out.is_none() && junit_out.is_none() {
        return Err("nothing to write: pass --out DIR, --json FILE or --junit FILE".into());
    }
    if let Some(path) = &json_out {
        let text = serde_json::to_string_pretty(&merged).map_err(|e| e.to_string())?;
        write(path, &text)?;
    }
    let mut summary = format!("merged {} shard report(s)", shards.len());
    match (&junit_out, found.junit.len()) {
        (None, _) => {}
        (Some(_), 0) if args.junit.is_none() => {}
        (Some(path), n) if n == shards.len() => {
            let mut files = Vec::new();
            for p in &found.junit {
                files.push((p.clone(), read(p)?));
            }
            let order = scenario_order(&merged);
            write(
                path,
                &junit_merge::merge(&files, &order).map_err(|MergeError(m)| m)?,
            )?;
            summary.push_str(&format!(" and {n} JUnit file(s)"));
        }
        (Some(_), n) => {
            return Err(format!(
                "JUnit files from {n} of {} shards: give each shard's junit-report.xml, or none",
                shards.len()
            ));
        }
    }
    Ok(summary)
}

/// (file, name) of the merged report's scenarios, in order.
fn scenario_order(merged: &serde_json::Value) -> Vec<(String, String)> {
    let text = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    (merged
        .get("scenarios")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten())
    .map(|s| (text(s, "file"), text(s, "name")))
    .collect()
}

/// Runs `mtvt report`.
pub fn run(cmd: ReportCmd) -> ExitCode {
    let ReportVerb::Merge(args) = cmd.command;
    match merge_all(&args) {
        Ok(summary) => {
            eprintln!("mtvt: {summary}");
            ExitCode::from(exit::PASSED)
        }
        Err(m) => {
            eprintln!("error: {m}");
            ExitCode::from(exit::USAGE)
        }
    }
}
