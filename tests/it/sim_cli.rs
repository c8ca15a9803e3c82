//! `mtvt sim serve` flags as a careless or hostile user gives them (issue 15 items 5, 8,
//! 10): out-of-range clock scales, delays and latencies are usage errors (exit 2) instead
//! of panics or an emulator that silently runs at x1; files holding the lab's passwords
//! and the token end at mode 0600 even over an existing world-readable file; the token
//! never starts with `-`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::{Mtvt, mtvt, stderr};

#[test]
fn out_of_range_numbers_are_usage_errors() {
    for bad in ["0", "-1", "nan", "inf", "1e308"] {
        let o = mtvt(&["sim", "serve", &format!("--time-scale={bad}")]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("between 0.001 and 1000000"),
            "{}",
            stderr(&o)
        );
    }
    let o = mtvt(&[
        "sim",
        "serve",
        "--inventory-refresh-delay",
        "99999999999999999999999s",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = mtvt(&["sim", "serve", "--inventory-refresh-delay", "2d"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for bad in ["latency=99999999999999999999999m", "latency=61m"] {
        let o = mtvt(&["sim", "serve", "--fault", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        let o = mtvt(&["run", "--sim", "--sim-fault", bad, "scenarios/tier0"]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
    }
}

#[cfg(unix)]
#[test]
fn secret_files_end_private_over_readable_ones_and_the_token_is_no_flag() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (kc, providers) = (dir.path().join("kc"), dir.path().join("p.json"));
    for f in [&kc, &providers] {
        std::fs::write(f, "old").unwrap();
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut child = Mtvt::new()
        .args(["sim", "serve", "--kubeconfig-out"])
        .args([kc.as_os_str()])
        .args(["--providers-out"])
        .args([providers.as_os_str()])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        match lines.next() {
            Some(Ok(l)) if l.contains(".providers.json written") => break,
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    let modes: Vec<u32> = [&kc, &providers]
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().permissions().mode() & 0o777)
        .collect();
    let kubeconfig = std::fs::read_to_string(&kc).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(modes, [0o600, 0o600]);
    let token = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .unwrap()
        .trim_matches('"');
    assert!(token.starts_with("sha256~"), "{token}");
}
