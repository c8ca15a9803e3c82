//! `mtvt render`'s engine half: the steps a run would take for a set of scenarios, built
//! with the real plan builders but a placeholder session (`auto-xxxx`), a placeholder
//! cluster and placeholder inventory answers. Nothing here reaches a cluster or a source.

use mtvt_lang::ir::ProgramIr;
use mtvt_profiles::Profile;

use super::manifests::Owner;
use super::names::{PLACEHOLDER_SESSION, SessionNames, SourceNames};
use super::plan::{self, ScenarioCtx, SessionCtx, SourceCtx, Step, placeholder_answers};
use super::render::render_steps;

/// The placeholder API server URL of a render.
pub const PLACEHOLDER_CLUSTER: &str = "https://api.cluster.example:6443";
/// The placeholder storage class when none is given.
pub const PLACEHOLDER_STORAGE_CLASS: &str = "STORAGE-CLASS";

/// What a render needs.
pub struct PreviewOptions<'a> {
    /// The source provider profile.
    pub profile: &'a Profile,
    /// `--storage-class`.
    pub storage_class: Option<&'a str>,
    /// Environment lookup for `${env.NAME}`.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// The session and source contexts of a render.
pub fn placeholder_session(program: &ProgramIr, profile: &Profile) -> (SessionCtx, SourceCtx) {
    let names = SessionNames::new(PLACEHOLDER_SESSION);
    let url = match profile.provider_type {
        mtvt_vocab::ProviderKind::Openshift => PLACEHOLDER_CLUSTER.to_string(),
        mtvt_vocab::ProviderKind::Ova | mtvt_vocab::ProviderKind::Hyperv => profile.api_url.clone(),
        _ => mtvt_source::SourceEndpoint::from_profile(profile, Default::default())
            .api_url()
            .map(|u| u.to_string())
            .unwrap_or_else(|_| profile.api_url.clone()),
    };
    let remote = program
        .scenarios
        .iter()
        .flat_map(|s| &s.plans)
        .any(|p| p.destination == mtvt_lang::schema::enums::Destination::Remote);
    let session = SessionCtx {
        owner: Owner {
            session: names.session.clone(),
            scenario: None,
        },
        names,
        cluster_url: PLACEHOLDER_CLUSTER.to_string(),
        cluster_token: Some("<cluster token>".to_string()),
        mtv_namespace: program.session.mtv_namespace.clone(),
        remote,
        source_provider_forklift: program.session.source_provider_forklift.clone(),
    };
    let source = SourceCtx {
        names: SourceNames::new(PLACEHOLDER_SESSION, &profile.name),
        profile: profile.clone(),
        url,
        insecure: program.session.source_provider_insecure_skip_verify,
        ca_pem: None,
        ca_key: super::manifests::ca_key(None),
        mtv_version: None,
    };
    (session, source)
}

/// Steps under a heading (`None` = the session's).
pub type Section = (Option<String>, Vec<Step>);

/// Every step of the program's scenarios (session first), or the first resolution error.
pub fn preview_steps(
    program: &ProgramIr,
    opts: &PreviewOptions<'_>,
) -> Result<Vec<Section>, String> {
    let (session, source) = placeholder_session(program, opts.profile);
    let mut steps = plan::session_steps(&session);
    steps.extend(plan::source_steps(&session, &source));
    let mut out = vec![(None, steps)];
    let storage_class = match (opts.storage_class, &program.session.storage_class) {
        (Some(s), _) => Some(s),
        (None, Some(_)) => None,
        (None, None) => Some(PLACEHOLDER_STORAGE_CLASS),
    };
    for s in &program.scenarios {
        let ctx = ScenarioCtx::new(
            s,
            &session,
            &source,
            &program.session,
            storage_class,
            opts.env,
        )
        .map_err(|e| format!("scenario {}: {e}", s.name))?;
        let mut steps = plan::prepare_steps(&ctx);
        let several = ctx.plans.len() > 1;
        for p in &ctx.plans {
            let answers = placeholder_answers(p, &session.names.session, source.provider_type());
            if several {
                steps.push(Step::Note(format!(
                    "plan {} (the scenario's plans run concurrently)",
                    p.names.plan
                )));
            }
            steps.extend(plan::migrate_steps(&ctx, p, &answers).steps);
            let mut migrations = 1;
            for t in &s.then {
                if let mtvt_lang::ir::ThenStep::Expect(_) = t.step {
                    steps.push(Step::Note(format!("expect ({})", t.span)));
                    continue;
                }
                steps.extend(plan::then_steps(
                    &ctx,
                    p,
                    &t.step,
                    Some("PLAN-UID"),
                    migrations,
                ));
                if matches!(t.step, mtvt_lang::ir::ThenStep::Migrate { .. }) {
                    migrations += 1;
                }
            }
        }
        out.push((Some(format!("scenario {} ({})", s.name, s.span)), steps));
    }
    Ok(out)
}

/// The render text.
pub fn preview(program: &ProgramIr, opts: &PreviewOptions<'_>) -> Result<String, String> {
    let mut text = String::new();
    for (header, steps) in preview_steps(program, opts)? {
        match header {
            Some(h) => text.push_str(&format!("# ===== {h}\n")),
            None => text.push_str(&format!(
                "# ===== session {PLACEHOLDER_SESSION} (shared by every scenario of a run)\n"
            )),
        }
        text.push_str(&render_steps(&steps));
    }
    Ok(text)
}
