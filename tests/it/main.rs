//! The one integration-test binary of the `mtvt` package (one link instead of one per file):
//! the real binary driven as a user drives it — `check`, `fmt`, `lsp`, `render` (golden
//! manifests, schema validation), `run` against the emulator (the catalog's report as a
//! golden file, failures rendered as golden files, faults, Ctrl-C, `--keep`), `clean`, and
//! `sim serve` with kubectl. Shared helpers live in [`harness`].
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod harness;

mod check_cli;
mod code_limits;
mod connect_errors;
mod fmt_cli;
mod import_cli;
mod job_cli;
mod job_sim;
mod lsp_cli;
mod nvim_lsp;
mod providers_file_cli;
mod pytest_table;
mod render_golden;
mod render_schemas;
mod report_html;
mod run_api_faults;
mod run_clean;
mod run_cluster_lost;
mod run_endings;
mod run_esxi_key;
mod run_failures;
mod run_families;
mod run_fault_matrix;
mod run_guest;
mod run_guest_boot;
mod run_guest_checks;
mod run_interrupt;
mod run_lifecycle;
mod run_providers;
mod run_sim;
mod run_upstream_spec;
mod run_warm_operator;
mod selection_cli;
mod sim_cli;
mod sim_kubectl;
