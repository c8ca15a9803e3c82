//! Golden diagnostics, two layers (after nickel and hurl): every file
//! `tests/fixtures/<CODE>.mtvt` states in its header the code it must produce and where
//! (`# expect: mtvt::E0201 at 4:26`, optionally `# provider: NAME` from
//! tests/fixtures/providers.json); the full rendered report is an insta snapshot
//! (`tests/it/snapshots/<CODE>.snap`). Also: every code has a fixture, and
//! docs/diagnostics.md is regenerated from the codes and the fixtures and must match
//! (`MTVT_BLESS=1` rewrites it).

use std::path::{Path, PathBuf};

use mtvt_lang::diag::{ALL_CODES, codes};
use mtvt_lang::docs::{CodeExample, diagnostics_doc};
use mtvt_lang::{CheckOptions, CheckResult, Stdlib, check_paths};

use super::support::{crate_dir, fixtures_dir, rendered};

struct Fixture {
    code: String,
    /// File (relative to tests/fixtures) where the diagnostic must be.
    file: String,
    path: PathBuf,
    line: usize,
    column: usize,
    provider: Option<String>,
    input: String,
}

fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().is_none_or(|e| e != "mtvt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let rest = header
            .strip_prefix("# expect: ")
            .unwrap_or_else(|| panic!("{}: no header", path.display()));
        let (code, pos) = rest.split_once(" at ").unwrap();
        let parts: Vec<&str> = pos.rsplitn(3, ':').collect();
        let (column, line) = (parts[0], parts[1]);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let file = parts
            .get(2)
            .map_or(format!("{stem}.mtvt"), |f| (*f).to_string());
        let provider = text
            .lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("# provider: "))
            .map(str::to_string);
        assert_eq!(
            format!("mtvt::{stem}"),
            code,
            "{} is named after its code",
            path.display()
        );
        out.push(Fixture {
            code: code.to_string(),
            file,
            path,
            line: line.trim().parse().unwrap(),
            column: column.trim().parse().unwrap(),
            provider,
            input: text
                .lines()
                .filter(|l| !l.starts_with("# expect:") && !l.starts_with("# provider:"))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    out
}

fn check(f: &Fixture) -> CheckResult {
    let profile = f.provider.as_ref().map(|name| {
        mtvt_lang::profile::load_facts(&crate_dir().join("tests/fixtures/providers.json"), name)
            .unwrap()
    });
    let opts = CheckOptions {
        profiles: profile.into_iter().collect(),
        allow_ovirt_warm: false,
        // The embedded stdlib (equal to stdlib/, see `catalog`): no machine paths.
        stdlib: Stdlib::new(None),
    };
    // Relative paths keep machine paths out of the rendered reports.
    let rel = f.path.strip_prefix(crate_dir()).unwrap().to_path_buf();
    check_paths(&[rel], &opts).unwrap()
}

/// Every fixture checked once (both tests use the results).
fn results() -> &'static [(Fixture, CheckResult, String)] {
    static RESULTS: std::sync::OnceLock<Vec<(Fixture, CheckResult, String)>> =
        std::sync::OnceLock::new();
    RESULTS.get_or_init(|| {
        in_crate_dir();
        fixtures()
            .into_iter()
            .map(|f| {
                let r = check(&f);
                let text = rendered(&r).join("\n");
                (f, r, text)
            })
            .collect()
    })
}

fn in_crate_dir() {
    std::env::set_current_dir(crate_dir()).unwrap();
}

#[test]
fn every_fixture_reports_its_code_at_its_position() {
    let mut failures = Vec::new();
    for (f, r, text) in results() {
        let hit = r.diagnostics.iter().any(|d| {
            let (_, line, col) = r.sources.locate(d.span());
            d.code() == f.code
                && line == f.line
                && col == f.column
                && r.sources
                    .get(d.span().file)
                    .is_some_and(|s| s.name.ends_with(&f.file))
        });
        if !hit {
            let got: Vec<String> = r
                .diagnostics
                .iter()
                .map(|d| {
                    let (file, line, col) = r.sources.locate(d.span());
                    format!("{} at {file}:{line}:{col}", d.code())
                })
                .collect();
            failures.push(format!(
                "{}: expected {} at {}:{}:{}, got {got:?}",
                f.path.display(),
                f.code,
                f.file,
                f.line,
                f.column
            ));
        }
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(f.code.trim_start_matches("mtvt::"), text);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every snapshot in `snapshots/` is a fixture's report: none is left over when a fixture
/// goes away or is renamed.
#[test]
fn every_snapshot_belongs_to_a_fixture() {
    let codes: Vec<String> = fixtures()
        .into_iter()
        .map(|f| f.code.trim_start_matches("mtvt::").to_string())
        .collect();
    let snapshot_dir = crate_dir().join("tests/it/snapshots");
    let mut orphans = Vec::new();
    let mut count = 0;
    for e in std::fs::read_dir(&snapshot_dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let Some(code) = name.strip_suffix(".snap") else {
            orphans.push(name);
            continue;
        };
        count += 1;
        if !codes.iter().any(|c| c == code) {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture: {orphans:?}"
    );
    assert_eq!(count, codes.len(), "one snapshot per fixture");
}

#[test]
fn every_code_has_a_fixture() {
    let have: Vec<String> = fixtures().into_iter().map(|f| f.code).collect();
    let missing: Vec<&str> = ALL_CODES
        .iter()
        .map(|(c, _, _)| *c)
        .filter(|c| !have.iter().any(|h| h == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/fixtures: {missing:?}"
    );
}

#[test]
fn diagnostics_doc_is_up_to_date() {
    let mut examples = Vec::new();
    for (code, _, _) in ALL_CODES {
        let doc = codes::lookup(code).unwrap();
        let (f, _, text) = results()
            .iter()
            .find(|(f, _, _)| f.code == *code)
            .unwrap_or_else(|| panic!("{code} has no fixture"));
        examples.push(CodeExample {
            doc,
            input: f.input.clone(),
            rendered: text.clone(),
        });
    }
    let expected = diagnostics_doc(&examples);
    let path = crate_dir().join("../../docs/diagnostics.md");
    compare_or_bless(&path, &expected);
}

/// Fails when `path` differs from `expected`; rewrites it with `MTVT_BLESS=1`.
pub fn compare_or_bless(path: &Path, expected: &str) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == expected {
        return;
    }
    if std::env::var_os("MTVT_BLESS").is_some() {
        std::fs::write(path, expected).unwrap();
        return;
    }
    let first_diff = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    panic!(
        "{} is out of date (first difference at line {}); regenerate with MTVT_BLESS=1 cargo test -p mtvt-lang",
        path.display(),
        first_diff + 1
    );
}
