//! The selection and override flags shared by `mtvt run`, `render` and (overrides only)
//! `check`: `--tag`, `--skip-tag`, `--name`, pytest's `-m`/`--tags EXPR` and `-k EXPR`,
//! and `--set KEY=VALUE` for session keys (pytest's `--tc=KEY:VALUE`).

use mtvt_lang::check::overrides::SessionOverride;

use crate::engine::filters::Filters;

/// Which scenarios to take.
#[derive(Debug, Clone, clap::Args)]
pub struct SelectionArgs {
    /// Only scenarios with this tag (repeatable; any of them).
    #[arg(long = "tag", value_name = "TAG", help_heading = "Selection")]
    pub tags: Vec<String>,
    /// Leave out scenarios with this tag (repeatable).
    #[arg(long = "skip-tag", value_name = "TAG", help_heading = "Selection")]
    pub skip_tags: Vec<String>,
    /// Only scenarios whose name matches this glob (repeatable), e.g. 'copyoffload_*'.
    #[arg(long = "name", value_name = "GLOB", help_heading = "Selection")]
    pub names: Vec<String>,
    /// Only scenarios whose tags satisfy this expression, as pytest's -m:
    /// 'tier0 and not warm', '(copyoffload or hooks) and not scale'.
    #[arg(
        short = 'm',
        long = "tags",
        value_name = "EXPR",
        help_heading = "Selection"
    )]
    pub marker_expr: Option<String>,
    /// Only scenarios whose name, file name or tags contain these words (case-insensitive),
    /// as pytest's -k: 'sanity and not warm'.
    #[arg(short = 'k', value_name = "EXPR", help_heading = "Selection")]
    pub keyword_expr: Option<String>,
}

impl SelectionArgs {
    /// The filters these flags ask for.
    pub fn filters(&self) -> Filters {
        Filters {
            tags: self.tags.clone(),
            skip_tags: self.skip_tags.clone(),
            names: self.names.clone(),
            marker_expr: self.marker_expr.clone(),
            keyword_expr: self.keyword_expr.clone(),
        }
    }
}

/// Per-run overrides of session keys.
#[derive(Debug, Clone, clap::Args)]
pub struct OverrideArgs {
    /// Override a session key for this run (repeatable), as pytest's --tc=KEY:VALUE:
    /// storage_class=ocs-storagecluster-ceph-rbd, plan_wait_timeout=90m,
    /// snapshots_interval=3, mtv_namespace=openshift-mtv, insecure_verify_skip=false.
    #[arg(
        long = "set",
        value_name = "KEY=VALUE",
        value_parser = SessionOverride::parse,
        help_heading = "Session"
    )]
    pub set: Vec<SessionOverride>,
}
