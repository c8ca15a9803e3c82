//! `--report-json FILE`: the [`RunReport`] as JSON (scenarios, per-VM phase timings,
//! checks, every failure with expected/actual and location, leaks, teardown errors), each
//! assertion or outcome failure with its compiler-style text in `rendered`.

use std::path::Path;

use serde_json::Value;

use super::RunReport;
use super::failure::rendered;

/// The report as JSON.
pub fn to_json(report: &RunReport) -> Result<Value, String> {
    let mut v = serde_json::to_value(report).map_err(|e| e.to_string())?;
    let scenarios = v.get_mut("scenarios").and_then(Value::as_array_mut);
    for (s, json) in report.scenarios.iter().zip(scenarios.into_iter().flatten()) {
        let failures = json.get_mut("failures").and_then(Value::as_array_mut);
        for (f, fj) in s.failures.iter().zip(failures.into_iter().flatten()) {
            if let (Some(text), Some(o)) = (rendered(f, &report.sources), fj.as_object_mut()) {
                o.insert("rendered".into(), Value::String(text));
            }
        }
    }
    Ok(v)
}

/// Writes the report.
pub fn write(report: &RunReport, path: &Path) -> Result<(), String> {
    let text = serde_json::to_vec_pretty(&to_json(report)?).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}
