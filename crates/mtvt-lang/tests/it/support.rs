//! What the integration tests share: where things are (the repository, the crate, the
//! golden fixtures), the repository's `.mtvt` inputs, rendered diagnostics, scratch
//! folders, and a deterministic byte-level mutator (no dependency, reproducible failures)
//! for the no-panic and differential tests.

use std::path::{Path, PathBuf};

use mtvt_lang::CheckResult;
use mtvt_lang::diag::render::render_plain;

/// The repository root.
pub fn repo() -> PathBuf {
    crate_dir().join("../..")
}

/// This crate's folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The golden diagnostic fixtures (`tests/fixtures/<CODE>.mtvt`).
pub fn fixtures_dir() -> PathBuf {
    crate_dir().join("tests/fixtures")
}

/// Every `.mtvt` file of scenarios/, stdlib/ and the fixtures, sorted.
pub fn repository_inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    mtvt_files(&repo().join("scenarios"), &mut files);
    mtvt_files(&repo().join("stdlib"), &mut files);
    mtvt_files(&fixtures_dir(), &mut files);
    files.sort();
    files
}

/// Each diagnostic of a check run, rendered as `mtvt check` prints it.
pub fn rendered(result: &CheckResult) -> Vec<String> {
    result
        .diagnostics
        .iter()
        .map(|d| render_plain(d, &result.sources))
        .collect()
}

/// A fresh scratch folder for this test process (`tag` keeps tests apart).
pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mtvt-lang-it-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every `.mtvt` file below `dir`, recursively.
pub fn mtvt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            mtvt_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "mtvt") {
            out.push(p);
        }
    }
}

/// A small deterministic generator (no dependency, reproducible failures).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NOISE: &[u8] = b"{}[]()\"'#;:,.=<>$\n\r\t \\_-aZ09";

/// `src` with one byte deleted, duplicated, swapped, replaced or inserted, or cut short.
pub fn mutate(src: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut b = src.to_vec();
    if b.is_empty() {
        return b;
    }
    let i = rng.below(b.len());
    match rng.below(6) {
        0 => {
            b.remove(i);
        }
        1 => {
            let c = b[i];
            b.insert(i, c);
        }
        2 if i + 1 < b.len() => b.swap(i, i + 1),
        3 => b[i] = NOISE[rng.below(NOISE.len())],
        4 => b.insert(i, NOISE[rng.below(NOISE.len())]),
        _ => b.truncate(i),
    }
    b
}
