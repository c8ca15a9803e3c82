//! The reports of a real `mtvt run --sim`, read as their consumers read them: the HTML page
//! in a headless browser (Debian's `chromium`: the DOM it builds and a screenshot of the
//! timeline), and the JUnit file in the pytest suite's layout at its default place.
//!
//! Without chromium the browser test is skipped with the reason on stderr, unless
//! `MTVT_REQUIRE_CHROMIUM=1` (CI sets it) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Mtvt, junit, report, stderr};

/// A run of two scenarios writing every report into `dir`: `wrong_expectation` migrates
/// and fails a check (expected 8, actual 2), `broken_transfer` fails at DiskTransferV2v.
fn run_with_reports(dir: &Path, extra: &[&str]) -> std::process::Output {
    let files = [
        (
            "wrong.mtvt",
            "use std/checks\n\ncheck cores_are_eight {\n  assert dest.cpu.cores == 8, \"eight cores\"\n}\n\n\
             scenario wrong_expectation {\n  vm \"mtv-tests-rhel8\"\n  expect {\n    migration succeeds\n    check cpu, cores_are_eight\n  }\n}\n",
        ),
        (
            "broken.mtvt",
            "use std/checks\n\nscenario broken_transfer {\n  vm \"mtv-win2019-3disks\"\n  expect {\n    migration succeeds\n    check cpu\n  }\n}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    Mtvt::new()
        .cwd(dir)
        .args([
            "run",
            "--sim",
            "wrong.mtvt",
            "broken.mtvt",
            "--sim-step-fault",
            "vm=*win2019*,step=DiskTransferV2v,fail=disk copy failed",
            "--data-collector-path",
            "out/dc",
            "--report-json",
            "out/report.json",
            "--report-html",
            "out/report.html",
        ])
        .args(extra)
        .output()
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--window-size=1400,1400",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Pixels of `png` (RGB/RGBA, 8 bit) within 12 of `rgb` on every channel.
fn pixels_of(png: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    assert!(step >= 3, "{:?}", info.color_type);
    buf[..info.buffer_size()]
        .chunks(step)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 12))
        .count()
}

#[test]
fn html_report_renders_in_a_headless_browser() {
    let Some(chromium) = chromium() else {
        let why = "chromium is not on the PATH (Debian: apt-get install chromium)";
        if std::env::var("MTVT_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("MTVT_REQUIRE_CHROMIUM=1 but {why}");
        }
        eprintln!("skipped html_report_renders_in_a_headless_browser: {why}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_reports(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = report(&dir.path().join("out"));
    let page = dir.path().join("out/report.html");
    let url = format!("file://{}", page.display());

    // the DOM the browser built: one timeline row per migrated VM, a bar per started
    // step, the failed check's expected and actual values, the diagnostics link
    let dom = headless(&chromium, &dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", stderr(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout);
    let mut vms = 0;
    let mut started = 0;
    for s in json["scenarios"].as_array().unwrap() {
        for vm in s["vms"].as_array().unwrap() {
            vms += 1;
            let source = vm["source"].as_str().unwrap();
            assert!(
                dom.contains(&format!(r#"data-vm="{source}""#)),
                "{source}: {dom}"
            );
            started += vm["phases"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["started"].is_string())
                .count();
        }
    }
    assert_eq!(vms, 2, "{json}");
    assert_eq!(
        dom.matches(r#"<div class="bar step-"#).count(),
        started,
        "{dom}"
    );
    assert!(
        dom.contains("class=\"bar step-DiskTransferV2v Running failed\""),
        "{dom}"
    );
    assert!(
        dom.contains(r#"<td class="expected mono">8</td><td class="actual mono">2</td>"#),
        "{dom}"
    );
    assert!(
        regex::Regex::new(r#"href="dc/[a-z-]*wrong-expectation/objects.yaml""#)
            .unwrap()
            .is_match(&dom),
        "{dom}"
    );

    // the screenshot: the timeline's bars are painted in their steps' colours
    let shot = dir.path().join("shot.png");
    let s = headless(&chromium, &dir.path().join("profile-shot"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", stderr(&s));
    let initialize = pixels_of(&shot, [0x5c, 0x6b, 0xc0]);
    let conversion = pixels_of(&shot, [0xab, 0x47, 0xbc]);
    assert!(
        initialize > 500 && conversion > 500,
        "timeline bars not painted: {initialize} Initialize and {conversion} ImageConversion pixels"
    );
}

#[test]
fn junit_in_the_pytest_layout_by_default_in_the_data_collector() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_reports(dir.path(), &["--junit-layout", "pytest"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j = junit(&dir.path().join("out/dc/junit-report.xml"));
    // 2 scenarios × 5 steps: wrong_expectation fails in test_check_vms; broken_transfer in
    // test_migrate_vms (its outcome), and its test_check_vms is skipped
    assert_eq!(j.counts, (10, 2, 0, 1), "{:?}", j.cases);
    assert_eq!(
        &j.cases[..5],
        [
            "test_create_storagemap-vsphere-ocs-storagecluster-ceph-rbd",
            "test_create_networkmap-vsphere-ocs-storagecluster-ceph-rbd",
            "test_create_plan-vsphere-ocs-storagecluster-ceph-rbd",
            "test_migrate_vms-vsphere-ocs-storagecluster-ceph-rbd",
            "test_check_vms-vsphere-ocs-storagecluster-ceph-rbd",
        ]
    );
    assert_eq!(j.failures.len(), 2, "{:?}", j.failures);
    assert!(
        j.failures
            .iter()
            .any(|f| f.contains("cores_are_eight") && f.contains("expected 8, actual 2")),
        "{:?}",
        j.failures
    );
    assert!(
        j.failures
            .iter()
            .any(|f| f.contains("outcome: unexpected migration outcome")),
        "{:?}",
        j.failures
    );

    // --no-junit: none
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_reports(dir.path(), &["--no-junit"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(dir.path().join("out/dc/resources.json").exists());
    assert!(!dir.path().join("out/dc/junit-report.xml").exists());
}

/// A fake `oc` in a fresh directory that records its arguments into `DIR/oc-args`.
fn fake_oc(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let oc = bin.join("oc");
    std::fs::write(
        &oc,
        format!("#!/bin/sh\necho \"$@\" >> {}/oc-args\n", dir.display()),
    )
    .unwrap();
    std::fs::set_permissions(&oc, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Against a cluster (the emulator through its kubeconfig, not `--sim`), a failed scenario
/// gets `oc adm must-gather` by default when `oc` is on the PATH, as in the pytest suite;
/// `--no-must-gather` turns it off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn must_gather_runs_by_default_when_oc_is_on_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let (_emu, _client) = crate::harness::emulator(
        dir.path(),
        &["vm=*,step=DiskTransferV2v,fail=disk copy failed on purpose"],
    )
    .await;
    let bin = fake_oc(dir.path());
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |extra: &[&str]| {
        let mut c = crate::harness::against(dir.path(), "run", extra);
        c.env("PATH", &path);
        c.output().unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let args = std::fs::read_to_string(dir.path().join("oc-args")).unwrap();
    assert!(
        args.starts_with("adm must-gather") && args.contains("PLAN=sanity-cold-mtv-migration"),
        "{args}"
    );
    std::fs::remove_file(dir.path().join("oc-args")).unwrap();
    std::fs::remove_dir_all(dir.path().join("dc")).unwrap();
    let out = run(&["--no-must-gather"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("oc-args").exists());
}
