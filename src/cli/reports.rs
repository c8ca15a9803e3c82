//! The report flags of `mtvt run` and where each report goes. JUnit is on by default as in
//! the pytest suite (which always writes `junit-report.xml`): it is written to
//! `<data-collector-path>/junit-report.xml` unless `--junit FILE` names another file,
//! `--no-junit` turns it off, or `--skip-data-collector` leaves no collector directory. The
//! writers themselves are in `report`.

use std::path::{Path, PathBuf};

use crate::report::junit::{self, Layout};
use crate::report::junit_pytest::Naming;
use crate::report::{RunReport, html, json};

/// The JUnit file name the pytest suite writes.
pub const JUNIT_FILE: &str = "junit-report.xml";

/// Flags of the reports written at the end of a run.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Write the JUnit XML report to FILE [default: <data-collector-path>/junit-report.xml,
    /// none with --skip-data-collector].
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub junit: Option<PathBuf>,
    /// Write no JUnit report.
    #[arg(long, conflicts_with = "junit", help_heading = "Reports")]
    pub no_junit: bool,
    /// Shape of the JUnit report: `scenario` (a suite per file, a case per scenario) or
    /// `pytest` (the mtv-api-tests layout: a case per step of the suite's class, named
    /// `<test>-<source_provider>-<storage_class>`).
    #[arg(
        long,
        value_enum,
        value_name = "LAYOUT",
        default_value_t = Layout::Scenario,
        help_heading = "Reports"
    )]
    pub junit_layout: Layout,
    /// Write a JSON report (per-VM phase timings, checks, failures).
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub report_json: Option<PathBuf>,
    /// Write a self-contained HTML report (per-VM phase timeline, checks with expected and
    /// actual values, links to the diagnostics).
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub report_html: Option<PathBuf>,
}

impl ReportArgs {
    /// Where the JUnit report goes, if anywhere.
    pub fn junit_path(&self, data_collector: Option<&Path>) -> Option<PathBuf> {
        match (&self.junit, self.no_junit) {
            (_, true) => None,
            (Some(p), false) => Some(p.clone()),
            (None, false) => data_collector.map(|d| d.join(JUNIT_FILE)),
        }
    }

    /// Writes every report asked for; a report that cannot be written is an error line, the
    /// run's exit code stays that of its scenarios.
    pub fn write(&self, report: &RunReport, data_collector: Option<&Path>, naming: &Naming) {
        if let Some(path) = self.junit_path(data_collector)
            && let Err(e) = junit::write(report, &path, self.junit_layout, naming)
        {
            eprintln!("error: --junit: {e}");
        }
        if let Some(path) = &self.report_json
            && let Err(e) = json::write(report, path)
        {
            eprintln!("error: --report-json: {e}");
        }
        if let Some(path) = &self.report_html
            && let Err(e) = html::write(report, path)
        {
            eprintln!("error: --report-html: {e}");
        }
    }
}

/// The run's `source_provider` and `storage_class` for the pytest layout: those of the
/// first scenario that ran, else the flags' (`vsphere` on the emulator).
pub fn naming(
    report: &RunReport,
    providers: &[String],
    sim: bool,
    storage_class: Option<&str>,
) -> Naming {
    let provider = (report.scenarios.iter().find_map(|s| s.provider.clone()))
        .or_else(|| providers.first().cloned())
        .or_else(|| sim.then(|| "vsphere".to_string()))
        .unwrap_or_else(|| "unknown".into());
    let storage_class = (report
        .scenarios
        .iter()
        .find_map(|s| s.storage_class.clone()))
    .or_else(|| storage_class.map(str::to_string))
    .unwrap_or_else(|| "unknown".into());
    Naming {
        provider,
        storage_class,
    }
}
