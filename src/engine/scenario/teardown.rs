//! The end of a scenario: keep its objects (`--keep`) or undo its journal entries and audit
//! what is left; a leak or a teardown error turns a passed scenario into an error. The
//! scenario's namespace feeds are dropped afterwards.

use crate::engine::cleanup::{self, SourceCleaner, Teardown};
use crate::engine::context::{Engine, SourceBinding};
use crate::engine::journal::{Scope, State};
use crate::engine::plan::ScenarioCtx;
use crate::engine::sweep::{self, Audit, SourceProbe};
use crate::report::{ScenarioReport, Status};

/// Tears the scenario down (or keeps it) and records what was left.
pub(super) async fn tear_down(
    engine: &Engine,
    src: &SourceBinding,
    ctx: &ScenarioCtx<'_>,
    failed: bool,
    report: &mut ScenarioReport,
) {
    let name = ctx.ir.name.as_str();
    let journal = &engine.journal;
    if engine.settings.keep.keeps(failed) {
        for e in journal.pending(Some(Scope::Scenario), Some(name)) {
            journal.set_state(e.seq, State::Kept);
        }
        let _ = journal.flush();
        return;
    }
    engine.progress().step(name, "tear down");
    let entries = journal.pending(Some(Scope::Scenario), Some(name));
    let cleaner: &dyn SourceCleaner = src.side.as_ref();
    let client = &engine.cluster.client;
    let watches = &engine.exec.watches;
    let esxi = cleanup::esxi_logins([&src.side.profile]);
    let t = Teardown {
        client,
        journal,
        watches,
        sources: Some(cleaner),
        esxi: &esxi,
    };
    let log = cleanup::undo(&t, entries).await;
    report.teardown_errors = log.errors;
    if watches.health().lost_reason().is_some() {
        // no audit possible; the teardown error says what the journal keeps
        return;
    }
    let probe: &dyn SourceProbe = src.side.as_ref();
    let doc = journal.snapshot();
    report.leaks = sweep::sweep(&Audit {
        client,
        doc: &doc,
        scenario: Some(name),
        sources: Some(probe),
        watches: Some(watches),
        gone_namespaces: &log.gone_namespaces,
    })
    .await;
    for ns in &log.gone_namespaces {
        watches.forget_namespace(ns);
    }
    if (!report.leaks.is_empty() || !report.teardown_errors.is_empty())
        && report.status == Status::Passed
    {
        report.status = Status::Error;
        report.reason = Some(format!(
            "teardown left {} object(s) behind and had {} error(s)",
            report.leaks.len(),
            report.teardown_errors.len()
        ));
    }
}
