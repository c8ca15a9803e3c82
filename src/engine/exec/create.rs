//! Creates: an object through the journal (its uid comes back in the output), a namespace
//! unless it exists, and the Migration — for warm plans with `spec.cutover` set from the
//! API server's clock.

use serde_json::json;

use super::{Executor, Output, Scope};
use crate::cluster::server_time;
use crate::engine::error::EngineError;
use crate::engine::journal::Scope as Teardown;
use crate::engine::manifests::{Manifest, set_in};
use crate::engine::plan::Create;

/// Creates `c.manifest`, journalled in its scope (scenario objects under the scenario).
pub(super) async fn create(
    x: &Executor,
    scope: Scope<'_>,
    c: &Create,
) -> Result<Output, EngineError> {
    let scenario = match c.scope {
        Teardown::Scenario => scope.scenario_name(),
        Teardown::Session => None,
    };
    x.applier
        .create(
            c.scope,
            scenario,
            &c.manifest,
            c.target_namespace.as_deref(),
        )
        .await
        .map(|o| Output::Object(Box::new(o)))
}

/// Creates namespace `m` unless it exists.
pub(super) async fn ensure_namespace(x: &Executor, m: &Manifest) -> Result<Output, EngineError> {
    x.applier.ensure_namespace(m).await.map(|_| Output::Nothing)
}

/// Creates the Migration; with `cutover_after`, `spec.cutover` = server time + delay.
pub(super) async fn start_migration(
    x: &Executor,
    scope: Scope<'_>,
    manifest: &Manifest,
    cutover_after: Option<std::time::Duration>,
) -> Result<Output, EngineError> {
    let mut m = manifest.clone();
    if let Some(after) = cutover_after {
        let now = server_time(&x.client).await.map_err(|e| EngineError::Api {
            action: "read the server time for the cutover".into(),
            message: e,
        })?;
        let at = now + chrono::Duration::from_std(after).unwrap_or_default();
        set_in(
            &mut m.body,
            "spec",
            "cutover",
            json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        );
    }
    x.applier
        .create(Teardown::Scenario, scope.scenario_name(), &m, None)
        .await
        .map(|o| Output::Object(Box::new(o)))
}
