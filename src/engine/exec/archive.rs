//! The lifecycle step `archive` (`then { archive }`): the Plan gets `spec.archived: true`,
//! as the console and the pytest suite (utilities/migration_utils.py `archive_plan`) do, and
//! the step ends when Forklift has archived it (condition `Archived`), so the next
//! expectation sees what archiving cleaned up.

use std::time::Duration;

use kube::api::{Patch, PatchParams};
use serde_json::json;

use super::{Executor, Output};
use crate::cluster::ObjectRef;
use crate::engine::conditions::plan_condition;
use crate::engine::error::{EngineError, api_message};
use crate::engine::retry::with_retry;
use crate::engine::watches::WaitOptions;

/// How long Forklift may take to archive a Plan (the pytest suite waits 300 s).
pub const ARCHIVE_TIMEOUT: Duration = Duration::from_secs(300);

/// Archives `plan` and waits until it has condition `Archived`; the output is the Plan.
pub(super) async fn archive_plan(x: &Executor, plan: &ObjectRef) -> Result<Output, EngineError> {
    let api = plan.api(&x.client);
    let patch = json!({"spec": {"archived": true}});
    with_retry(|| async {
        api.patch(&plan.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
    })
    .await
    .map_err(|e| EngineError::Api {
        action: format!("archive {plan}"),
        message: api_message(&e),
    })?;
    let opts = WaitOptions {
        timeout: ARCHIVE_TIMEOUT,
        cancel: &x.cancel,
    };
    x.watches
        .wait(plan, plan_condition("Archived"), &opts, |_| {})
        .await
        .map(|o| Output::Object(Box::new(o)))
}
