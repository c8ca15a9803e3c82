//! `--report-html FILE`: the run as one self-contained HTML page (inline CSS, no scripts,
//! no external assets) for people: per scenario a timeline of each VM's pipeline phases
//! (the controller's start and end times of the Migration's VM pipeline, as observed), the
//! checks of each VM with the expected and actual value of every failed assert, the
//! failures, and links to the scenario's diagnostics bundle.
//!
//! This module turns the [`RunReport`] into a view (positions in percent, durations as
//! text, links relative to the page); the layout is the minijinja template
//! `templates/report.html.j2`. It only reads the report (and lists the diagnostics
//! directory to link its files).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use minijinja::Environment;
use serde::Serialize;

use super::{CheckReport, Failure, RunReport, ScenarioReport, Status, VmReport};

const TEMPLATE: &str = include_str!("templates/report.html.j2");

#[derive(Serialize)]
struct Page<'a> {
    session: &'a str,
    cluster: &'a str,
    started: &'a str,
    duration: String,
    counts: Vec<(&'static str, usize)>,
    overrides: &'a [String],
    error: Option<&'a str>,
    session_problems: Vec<String>,
    scenarios: Vec<ScenarioView<'a>>,
}

#[derive(Serialize)]
struct ScenarioView<'a> {
    id: String,
    name: &'a str,
    location: String,
    status: &'static str,
    reason: Option<&'a str>,
    duration: String,
    provider: Option<&'a str>,
    storage_class: Option<&'a str>,
    namespace: Option<&'a str>,
    span: String,
    vms: Vec<VmView<'a>>,
    failures: Vec<String>,
    problems: Vec<String>,
    diagnostics: Option<Diagnostics>,
}

#[derive(Serialize)]
struct Diagnostics {
    dir: Link,
    files: Vec<Link>,
}

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct VmView<'a> {
    plan: &'a str,
    source: &'a str,
    destination: Option<&'a str>,
    result: Option<&'a str>,
    failed_step: Option<&'a str>,
    phases: Vec<PhaseView<'a>>,
    checks: Vec<CheckView<'a>>,
}

#[derive(Serialize)]
struct PhaseView<'a> {
    name: &'a str,
    phase: &'a str,
    left: String,
    width: String,
    duration: String,
    started: Option<&'a str>,
    completed: Option<&'a str>,
    error: Option<&'a str>,
    drawn: bool,
}

#[derive(Serialize)]
struct CheckView<'a> {
    name: &'a str,
    status: &'static str,
    reason: Option<&'a str>,
    passed: usize,
    failed: usize,
    asserts: Vec<AssertView<'a>>,
}

#[derive(Serialize)]
struct AssertView<'a> {
    message: &'a str,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    location: Option<String>,
}

fn seconds(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s >= 60.0 {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{s:.1}s")
    }
}

fn time(s: Option<&str>) -> Option<DateTime<FixedOffset>> {
    s.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
}

/// The earliest start and latest end of every phase of the scenario's VMs: the scale of
/// its timeline, so that its VMs line up.
fn scale(vms: &[VmReport]) -> Option<(DateTime<FixedOffset>, i64)> {
    let phases = || vms.iter().flat_map(|v| v.phases.iter());
    let t0 = phases().filter_map(|p| time(p.started.as_deref())).min()?;
    let t1 = phases()
        .filter_map(|p| time(p.completed.as_deref()).or_else(|| time(p.started.as_deref())))
        .max()?;
    Some((t0, (t1 - t0).num_milliseconds().max(1)))
}

fn phases<'a>(vm: &'a VmReport, scale: Option<(DateTime<FixedOffset>, i64)>) -> Vec<PhaseView<'a>> {
    vm.phases
        .iter()
        .map(|p| {
            let start = time(p.started.as_deref());
            let end = time(p.completed.as_deref()).or(start);
            let (left, width, drawn) = match (scale, start, end) {
                (Some((t0, total)), Some(a), Some(b)) => {
                    let l = (a - t0).num_milliseconds() as f64 * 100.0 / total as f64;
                    let w = (b - a).num_milliseconds() as f64 * 100.0 / total as f64;
                    (l, w.max(0.4), true)
                }
                _ => (0.0, 0.0, false),
            };
            PhaseView {
                name: &p.name,
                phase: p.phase.as_deref().unwrap_or("Pending"),
                left: format!("{left:.2}%"),
                width: format!("{width:.2}%"),
                duration: p.duration_ms.map(seconds).unwrap_or_default(),
                started: p.started.as_deref(),
                completed: p.completed.as_deref(),
                error: p.error.as_deref(),
                drawn,
            }
        })
        .collect()
}

fn check_status(c: &CheckReport) -> &'static str {
    match c.status {
        super::CheckStatus::Passed => "passed",
        super::CheckStatus::Failed => "failed",
        super::CheckStatus::NotRun => "not_run",
        super::CheckStatus::Skipped => "skipped",
    }
}

fn checks<'a>(vm: &'a VmReport, failures: &'a [Failure]) -> Vec<CheckView<'a>> {
    vm.checks
        .iter()
        .map(|c| CheckView {
            name: &c.name,
            status: check_status(c),
            reason: c.reason.as_deref(),
            passed: c.passed,
            failed: c.failed,
            asserts: failures
                .iter()
                .filter(|f| {
                    f.vm.as_deref() == Some(vm.source.as_str())
                        && f.check.as_deref() == Some(c.name.as_str())
                })
                .map(|f| AssertView {
                    message: &f.message,
                    expected: f.expected.as_deref(),
                    actual: f.actual.as_deref(),
                    location: f.location.as_ref().map(ToString::to_string),
                })
                .collect(),
        })
        .collect()
}

/// `dir` as a link from the page's directory: relative when it lies below it, else a
/// `file://` URL.
fn href(dir: &Path, page_dir: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let text = match abs.strip_prefix(page_dir) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => format!("file://{}", abs.to_string_lossy()),
    };
    let mut out = String::new();
    for c in text.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '%' => out.push_str("%25"),
            '"' => out.push_str("%22"),
            c => out.push(c),
        }
    }
    out
}

fn diagnostics(s: &ScenarioReport, page_dir: &Path) -> Option<Diagnostics> {
    let dir = PathBuf::from(s.diagnostics.as_ref()?);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    Some(Diagnostics {
        dir: Link {
            href: href(&dir, page_dir),
            label: dir.display().to_string(),
        },
        files: files
            .iter()
            .map(|f| Link {
                href: href(f, page_dir),
                label: f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            })
            .collect(),
    })
}

fn scenario_view<'a>(i: usize, s: &'a ScenarioReport, page_dir: &Path) -> ScenarioView<'a> {
    let scale = scale(&s.vms);
    let mut problems: Vec<String> = s.leaks.iter().map(|l| format!("leftover: {l}")).collect();
    problems.extend(s.teardown_errors.iter().map(|e| format!("teardown: {e}")));
    ScenarioView {
        id: format!("s{i}"),
        name: &s.name,
        location: format!("{}:{}", s.file, s.line),
        status: s.status.as_str(),
        reason: s.reason.as_deref(),
        duration: seconds(s.duration_ms),
        provider: s.provider.as_deref(),
        storage_class: s.storage_class.as_deref(),
        namespace: s.namespace.as_deref(),
        span: scale
            .map(|(_, ms)| seconds(ms.unsigned_abs()))
            .unwrap_or_default(),
        vms: s
            .vms
            .iter()
            .map(|v| VmView {
                plan: &v.plan,
                source: &v.source,
                destination: v.destination.as_deref(),
                result: v.result.as_deref(),
                failed_step: v.failed_step.as_deref(),
                phases: phases(v, scale),
                checks: checks(v, &s.failures),
            })
            .collect(),
        failures: s.failures.iter().map(Failure::one_line).collect(),
        problems,
        diagnostics: diagnostics(s, page_dir),
    }
}

/// The page for `report`, with links relative to `page_dir` (absolute).
pub fn render(report: &RunReport, page_dir: &Path) -> Result<String, String> {
    let mut session_problems: Vec<String> = report
        .leaks
        .iter()
        .map(|l| format!("leftover: {l}"))
        .collect();
    session_problems.extend(
        report
            .teardown_errors
            .iter()
            .map(|e| format!("teardown: {e}")),
    );
    let page = Page {
        session: &report.session,
        cluster: &report.cluster,
        started: &report.started,
        duration: seconds(report.duration_ms),
        counts: [
            Status::Passed,
            Status::Failed,
            Status::Error,
            Status::Skipped,
            Status::Interrupted,
        ]
        .into_iter()
        .map(|st| (st.as_str(), report.count(st)))
        .collect(),
        overrides: &report.overrides,
        error: report.error.as_deref(),
        session_problems,
        scenarios: (report.scenarios.iter().enumerate())
            .map(|(i, s)| scenario_view(i, s, page_dir))
            .collect(),
    };
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("HTML template: {e}"))?;
    let tmpl = env
        .get_template("report.html")
        .map_err(|e| format!("HTML template: {e}"))?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(&page)))
        .map_err(|e| format!("HTML template: {e}"))
}

/// Writes the page.
pub fn write(report: &RunReport, path: &Path) -> Result<(), String> {
    let abs = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let html = render(report, &dir)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    std::fs::write(&abs, html).map_err(|e| format!("write {}: {e}", path.display()))
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
