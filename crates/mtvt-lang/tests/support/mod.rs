//! Shared by the integration tests: the repository's `.mtvt` files and a deterministic
//! byte-level mutator (no dependency, reproducible failures) for the no-panic tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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
