//! `--report-json FILE`: the [`RunReport`] as JSON (scenarios, per-VM phase timings,
//! checks, every failure with expected/actual and location, leaks, teardown errors).

use std::path::Path;

use super::RunReport;

/// Writes the report.
pub fn write(report: &RunReport, path: &Path) -> Result<(), String> {
    let text = serde_json::to_vec_pretty(report).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}
