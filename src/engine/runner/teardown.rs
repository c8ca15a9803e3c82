//! The end of a session: keep everything (`--keep`, `--skip-teardown`) or undo what the
//! scenarios left plus the session's own objects — source clones through the adapter of
//! the profile that made them — then the authoritative leak audit of the whole session.

use std::sync::Arc;

use super::RunInputs;
use crate::engine::cleanup::{self, SourceCleaner, Teardown};
use crate::engine::journal::{Journal, State};
use crate::engine::source::SourceSide;
use crate::engine::sweep::{self, Audit, SourceProbe};
use crate::engine::watches::Watches;
use crate::report::RunReport;
use crate::report::progress::{Event, Progress};

/// What a session teardown works with.
pub(super) struct SessionEnd<'a> {
    pub inputs: &'a RunInputs,
    pub journal: &'a Journal,
    pub watches: &'a Watches,
    pub sides: &'a [Arc<SourceSide>],
}

/// Tears the session down (or keeps it) and records what was left.
pub(super) async fn session_teardown(
    s: &SessionEnd<'_>,
    report: &mut RunReport,
    progress: &Progress,
    any_failed: bool,
) {
    if s.inputs.settings.keep.keeps(any_failed) {
        for e in s.journal.pending(None, None) {
            s.journal.set_state(e.seq, State::Kept);
        }
        let _ = s.journal.flush();
        report.teardown_skipped = true;
        progress.send(Event::Note(
            "teardown skipped: the objects stay; `mtvt clean` with the journal removes them".into(),
        ));
        return;
    }
    progress.send(Event::Note("session teardown".into()));
    // whatever scenarios left (interrupted ones) plus the session's own objects; source clones
    // are deleted through the adapter of the profile that made them
    let client = &s.inputs.cluster.client;
    let multi = MultiSource(s.sides);
    let esxi = cleanup::esxi_logins(&s.inputs.profiles);
    let t = Teardown {
        client,
        journal: s.journal,
        watches: s.watches,
        sources: Some(&multi),
        esxi: &esxi,
    };
    let log = cleanup::undo(&t, s.journal.pending(None, None)).await;
    report.teardown_errors.extend(log.errors);
    if s.watches.health().lost_reason().is_some() {
        // no audit possible; the teardown error says what the journal keeps
        return;
    }
    let doc = s.journal.snapshot();
    report.leaks = sweep::sweep(&Audit {
        client,
        doc: &doc,
        scenario: None,
        sources: Some(&multi),
        watches: None,
        gone_namespaces: &log.gone_namespaces,
    })
    .await;
}

/// Source clean-up over several profiles: the adapter of the profile that made the VM.
struct MultiSource<'a>(&'a [Arc<SourceSide>]);

impl MultiSource<'_> {
    fn side(&self, profile: &str) -> Result<&SourceSide, String> {
        self.0
            .iter()
            .find(|s| s.profile.name == profile)
            .map(|s| s.as_ref())
            .ok_or_else(|| format!("profile {profile} is not connected"))
    }
}

impl SourceCleaner for MultiSource<'_> {
    fn delete<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
        id: Option<&'a str>,
        artifacts: &'a [mtvt_source::SourceArtifact],
    ) -> futures::future::BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.side(profile)?
                .delete(profile, name, id, artifacts)
                .await
        })
    }
}

impl SourceProbe for MultiSource<'_> {
    fn exists<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move { self.side(profile)?.exists(profile, name).await })
    }
}
