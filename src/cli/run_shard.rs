//! `mtvt run --shard I/N` in the CLI: narrows the selection to one shard (the split itself
//! is `engine::shard`) and handles a shard that selects nothing — it says so, writes its
//! (empty) reports so `mtvt report merge` finds every shard, and exits 0.

use std::process::ExitCode;

use mtvt_lang::ir::ScenarioIr;

use super::reports;
use super::run::RunArgs;
use crate::engine::shard::Shard;
use crate::report::{RunReport, ShardReport, exit};

/// Keeps the scenarios of `shard` (when given) and returns what the report records of it:
/// the whole selection, by name, in run order.
pub fn split(shard: Option<Shard>, scenarios: &mut Vec<ScenarioIr>) -> Option<ShardReport> {
    let shard = shard?;
    let selection: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    shard.retain(scenarios);
    eprintln!(
        "mtvt: shard {shard}: {} of the {} selected scenario(s)",
        scenarios.len(),
        selection.len()
    );
    Some(ShardReport {
        index: shard.index,
        count: shard.count,
        selection,
    })
}

/// A shard without scenarios: reports with no scenario, exit 0.
pub fn nothing_to_run(args: &RunArgs, shard: ShardReport, sim: bool) -> ExitCode {
    eprintln!(
        "mtvt: shard {}/{} selects no scenario; nothing to run",
        shard.index, shard.count
    );
    let mut report = RunReport::new("", "", Default::default());
    report.shard = Some(shard);
    report.overrides = (args.overrides.set.iter())
        .map(|o| format!("{}={}", o.key, o.value))
        .collect();
    let naming = reports::naming(&report, &args.providers, sim, args.storage_class.as_deref());
    let data_collector = (!args.skip_data_collector).then_some(args.data_collector_path.as_path());
    args.reports.write(&report, data_collector, &naming);
    ExitCode::from(exit::PASSED)
}
